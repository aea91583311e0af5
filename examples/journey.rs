//! `cargo run --example journey`: seed 000's profile → interests →
//! recommendations → page, six ways, over real HTTP on loopback.

#[allow(dead_code)]
mod seeds;

fn main() {
    print!("{}", seeds::journey::journey());
}
