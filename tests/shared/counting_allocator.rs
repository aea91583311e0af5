//! A global allocator that counts allocations and live bytes, for tests
//! that pin down what an operation allocates or keeps. Live bytes are the
//! whole process's, so a test binary that includes it holds a single test;
//! `allocations_during` counts the calling thread's allocations alone, as
//! the harness's main thread may allocate while the test runs (it did,
//! four allocations in one run of `allocations.rs` on a loaded machine).

// Each test binary that counts reads some of these, not all.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Allocations made by this thread. Constant-initialised and without a
    /// destructor: reading it allocates nothing and never fails.
    static THREAD_ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: defers every operation to the system allocator unchanged; the
// counter is a side effect only.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        let _ = THREAD_ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        LIVE_BYTES.fetch_add(layout.size(), Ordering::SeqCst);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::SeqCst);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made so far by the process.
pub fn allocations() -> usize {
    ALLOCATIONS.load(Ordering::SeqCst)
}

/// Bytes allocated and not yet freed by the process (as asked for: the
/// allocator's own rounding and headers are not counted).
pub fn live_bytes() -> usize {
    LIVE_BYTES.load(Ordering::SeqCst)
}

/// Allocations made so far by the calling thread.
pub fn thread_allocations() -> usize {
    THREAD_ALLOCATIONS.with(Cell::get)
}

/// How many allocations `f` made (on this thread: baton's loop runs on the
/// thread that runs it), and its result.
pub fn allocations_during<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let before = thread_allocations();
    let r = f();
    (thread_allocations() - before, r)
}
