//! `cargo run --example counts`: the generator and its hand-written state
//! machine print the same trace.

#[allow(dead_code)]
mod seeds;

fn main() {
    println!("-- generator --");
    print!("{}", seeds::counts::generator());
    println!("-- state machine --");
    print!("{}", seeds::counts::machine());
}
