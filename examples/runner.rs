//! `cargo run --example runner`: every port of the runner chapter, checked
//! against Node by `tests/seeds.rs`.

#[allow(dead_code)]
mod seeds;

fn main() {
    seeds::print_chapter("runner");
}
