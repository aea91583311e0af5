//! `cargo run --example protocol`: the generator protocol's corner cases.

#[allow(dead_code)]
mod seeds;

fn main() {
    print!("{}", seeds::protocol::generator());
}
