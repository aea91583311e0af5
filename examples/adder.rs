//! `cargo run --example adder`: the generator and its hand-written state
//! machine print the same trace.

#[allow(dead_code)]
mod seeds;

fn main() {
    println!("-- generator --");
    print!("{}", seeds::adder::generator());
    println!("-- state machine --");
    print!("{}", seeds::adder::machine());
}
