//! `cargo run --example echo`: seed 002's two-way `echo()` generator.

#[allow(dead_code)]
mod seeds;

fn main() {
    print!("{}", seeds::echo::generator());
}
