//! `cargo run --example printer`: the generator and its hand-written state
//! machine print the same trace.

#[allow(dead_code)]
mod seeds;

fn main() {
    println!("-- generator --");
    print!("{}", seeds::printer::generator());
    println!("-- state machine --");
    print!("{}", seeds::printer::machine());
}
