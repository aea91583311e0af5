//! `cargo run --example sources`: async generators over real sources —
//! HTTP pagination (page numbers, Link cursors), health polling with
//! backoff, a file in chunks, and server-sent events bridged push-to-pull.

#[allow(dead_code)]
mod seeds;

fn main() {
    for (name, run) in seeds::sources::ALL {
        println!("--- {name} ---");
        print!("{}", run());
        println!();
    }
}
