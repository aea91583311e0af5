//! `cargo run --example async_await`: every port of the async_await chapter, checked
//! against Node by `tests/seeds.rs`.

#[allow(dead_code)]
mod seeds;

fn main() {
    seeds::print_chapter("async_await");
}
