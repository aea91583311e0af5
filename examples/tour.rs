//! The tour: every seed chapter implemented so far, step by step.
//!
//! `cargo run --release --example tour`

#[allow(dead_code)]
mod seeds;

fn main() {
    let mut chapter = "";
    for port in seeds::PORTS {
        if port.chapter != chapter {
            chapter = port.chapter;
            println!("==== {chapter} ====\n");
        }
        println!("--- {} ({}.js) ---", port.heading, port.name);
        print!("{}", (port.run)());
        println!();
    }
}
