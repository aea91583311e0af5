//! `cargo run --example adder_throw`: the generator and its hand-written state
//! machine print the same trace.

#[allow(dead_code)]
mod seeds;

fn main() {
    println!("-- generator --");
    print!("{}", seeds::adder_throw::generator());
    println!("-- state machine --");
    print!("{}", seeds::adder_throw::machine());
}
