//! Seed 000: `makeCounter()`, a closure that pauses between calls.

use super::js::Log;

/// function makeCounter() { let count = 0; return () => { count += 1; return count } }
pub fn make_counter() -> impl FnMut() -> u32 {
    let mut count = 0;
    move || {
        count += 1;
        count
    }
}

pub fn closure() -> String {
    let log = Log::default();
    let mut counter = make_counter();
    for _ in 0..3 {
        log.line(counter());
    }
    log.text()
}
