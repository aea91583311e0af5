//! The tour: every seed chapter implemented so far, step by step.
//!
//! `cargo run --release --example tour`

#[allow(dead_code)]
mod seeds;

fn main() {
    // Some ports panic on purpose (a JavaScript `throw` inside an executor
    // or handler): keep the report to one line.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("(a panic, caught by the loop: {info})");
    }));
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
    println!("==== the journey: one page, six ways, over HTTP on loopback ====\n");
    print!("{}", seeds::journey::journey());
    println!("\n==== async generators over real sources ====\n");
    for (name, run) in seeds::sources::ALL {
        println!("--- {name} ---");
        print!("{}", run());
        println!();
    }
    println!("==== sagas over HTTP on loopback ====\n");
    print!("{}", seeds::saga_http::over_http());
    println!("\n==== the login saga on a store, logging in over HTTP ====\n");
    print!("{}", seeds::login::over_http());
    println!("\n==== a saga's trace: downloadFiles cancelled at 200 ms ====\n");
    print!("{}", seeds::saga::download_timeline());
    println!("\n==== one loop per core: threads of their own, data between them ====\n");
    print!("{}", seeds::per_core::per_core());
}
