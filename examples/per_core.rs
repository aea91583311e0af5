//! `cargo run --release --example per_core`: one event loop per thread,
//! with plain data crossing between them.

#[allow(dead_code)]
mod seeds;

fn main() {
    print!("{}", seeds::per_core::per_core());
}
