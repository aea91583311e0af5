//! Bytes per pending promise and per suspended async task, measured with a
//! counting allocator (not estimated). Writes
//! `target/baton-bench/memory.json` for `bench/compare.js`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

#[path = "shared/pipeline.rs"]
mod pipeline;

use baton::{Error, EventLoop, Promise, spawn};
use pipeline::run_pipeline;

struct Counting;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
static PEAK_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: defers to the system allocator; only counts live bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK_BYTES.fetch_max(live, Ordering::Relaxed);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const N: usize = 1_000_000;

fn live() -> usize {
    LIVE_BYTES.load(Ordering::Relaxed)
}

/// Runs `measure` on a thread of its own: promise cells recycled by an
/// earlier measurement (kept by their thread for the next promise) would
/// otherwise be counted by none, each cell reused counted as no bytes.
fn on_a_fresh_thread<R: Send>(measure: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|s| s.spawn(measure).join())
        .unwrap_or_else(|_| panic!("a measurement failed"))
}

fn main() {
    let per_promise = on_a_fresh_thread(|| {
        // Pending promises, kept alive in a pre-sized Vec (not counted).
        let mut keep: Vec<Promise<u64, Error>> = Vec::with_capacity(N);
        let before = live();
        EventLoop::virtual_clock().run(|| {
            for _ in 0..N {
                keep.push(Promise::with_resolver().0);
            }
        });
        (live() - before) as f64 / N as f64
    });

    // Suspended async functions: each awaits a promise that stays pending;
    // counted while suspended (inside the run), including its own promise.
    let per_task = on_a_fresh_thread(|| {
        let mut per_task = 0.0;
        let (gate, _open) = EventLoop::virtual_clock().run(Promise::<u64, Error>::with_resolver);
        EventLoop::virtual_clock().run(|| {
            let mut tasks: Vec<Promise<u64, Error>> = Vec::with_capacity(N);
            let before = live();
            for _ in 0..N {
                let gate = gate.clone();
                tasks.push(spawn(async move { Ok::<_, Error>(gate.await? + 1) }));
            }
            per_task = (live() - before) as f64 / N as f64;
        });
        per_task
    });

    let (per_saga, sagas_peak) = on_a_fresh_thread(suspended_sagas);

    let small = on_a_fresh_thread(|| pipeline_peak(20_000));
    let large = on_a_fresh_thread(|| pipeline_peak(200_000));

    let json = format!(
        "{{\"pending_promise_bytes\": {per_promise:.1}, \"suspended_task_bytes\": {per_task:.1}, \"pipeline_peak_20k_bytes\": {small}, \"pipeline_peak_200k_bytes\": {large}, \"suspended_saga_bytes\": {per_saga:.1}, \"sagas_1m_peak_bytes\": {sagas_peak}}}\n"
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/baton-bench");
    if let Err(e) =
        std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(dir.join("memory.json"), &json))
    {
        eprintln!("could not write memory.json: {e}");
    }
    print!("{json}");
}

/// Peak live bytes above the starting point while the 4-stage pipeline of
/// the async generator benchmark runs over `n` items: flat in `n` if the
/// pipeline holds one item (one batch) at a time.
fn pipeline_peak(n: u64) -> usize {
    let base = live();
    PEAK_BYTES.store(base, Ordering::Relaxed);
    let out = run_pipeline(n);
    assert!(out.is_some());
    PEAK_BYTES.load(Ordering::Relaxed).saturating_sub(base)
}

/// 1,000,000 sagas each suspended on a 1 s delay (on the virtual clock),
/// then all resumed: bytes per suspended saga (its task, its generator,
/// its pending timer, its promise), and the peak above the start.
fn suspended_sagas() -> (f64, usize) {
    use baton::saga::{SagaCo, delay, run_saga};
    let base = live();
    PEAK_BYTES.store(base, Ordering::Relaxed);
    let mut per_saga = 0.0;
    let done = EventLoop::virtual_clock().run(|| {
        let mut tasks = Vec::with_capacity(N);
        let before = live();
        for _ in 0..N {
            let saga = baton::Gen::new(|co: SagaCo<u64>| async move {
                delay(&co, 1_000).await?;
                Ok(1)
            });
            tasks.push(run_saga(saga).promise());
        }
        per_saga = (live() - before) as f64 / N as f64;
        baton::promise::all(tasks)
    });
    assert_eq!(done.peek().and_then(Result::ok).map(|v| v.len()), Some(N));
    (
        per_saga,
        PEAK_BYTES.load(Ordering::Relaxed).saturating_sub(base),
    )
}
