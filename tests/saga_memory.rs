//! The bytes a saga asleep on a delay keeps: its task, its body, its
//! promise and its timer's slot. Its own test binary: the counting
//! allocator sees the whole process, so this file holds a single test.

#[path = "shared/counting_allocator.rs"]
mod counting_allocator;

use baton::saga::{SagaCo, delay, run_saga};
use baton::{EventLoop, Gen};
use counting_allocator::live_bytes;

/// V8 keeps 1,088 bytes for a saga of seed 003's runner asleep on a delay
/// (`bench/node/memory.js`, BENCHMARKS.md); the saga issue asks for a
/// quarter of that at most.
#[test]
fn a_saga_asleep_on_a_delay_keeps_under_a_quarter_of_v8s_bytes() {
    // A power of two: the timers' slab, doubling as it grows, ends full.
    const SAGAS: usize = 4_096;
    EventLoop::virtual_clock().run(|| ()); // the loop's own buffers
    let mut per_saga = 0.0;
    let done = EventLoop::virtual_clock().run(|| {
        let mut promises = Vec::with_capacity(SAGAS);
        let before = live_bytes();
        for _ in 0..SAGAS {
            let saga = Gen::new(|co: SagaCo<u64>| async move {
                delay(&co, 1_000).await?;
                Ok(1)
            });
            promises.push(run_saga(saga).promise());
        }
        per_saga = (live_bytes() - before) as f64 / SAGAS as f64;
        baton::promise::all(promises)
    });
    let woken = done
        .peek()
        .and_then(Result::ok)
        .map(|ones| ones.iter().sum::<u64>());
    assert_eq!(woken, Some(SAGAS as u64), "every saga woke and returned 1");
    assert!(per_saga <= 1_088.0 / 4.0, "{per_saga} bytes per saga");
}
