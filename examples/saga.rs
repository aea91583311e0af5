//! `cargo run --example saga`: seed 003's effect runner, checked against
//! Node by `tests/seeds.rs`.

#[allow(dead_code)]
mod seeds;

fn main() {
    seeds::print_chapter("saga");
}
