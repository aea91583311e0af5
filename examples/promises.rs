//! `cargo run --example promises`: every port of the promises chapter, checked
//! against Node by `tests/seeds.rs`.

#[allow(dead_code)]
mod seeds;

fn main() {
    seeds::print_chapter("promises");
}
