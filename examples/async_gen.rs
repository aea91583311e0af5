//! `cargo run --example async_gen`: every port of the async generator
//! chapter, checked against Node by `tests/seeds.rs`.

#[allow(dead_code)]
mod seeds;

fn main() {
    seeds::print_chapter("async_gen");
}
