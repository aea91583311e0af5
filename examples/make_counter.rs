//! `cargo run --example make_counter`: seed 000's closure counter.

#[allow(dead_code)]
mod seeds;

fn main() {
    print!("{}", seeds::make_counter::closure());
}
