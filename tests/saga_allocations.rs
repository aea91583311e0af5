//! What a saga's call effect allocates: the effect and the called
//! function's promise, nothing more (its value is not boxed again on its
//! way back). Its own test binary: the counting allocator sees the whole
//! process, so this file holds a single test.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use baton::saga::{SagaCo, all, call, call_effect, run_saga};
use baton::{EventLoop, Gen, Promise};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: defers every operation to the system allocator unchanged; the
// counter is a side effect only.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn ready(n: u64) -> Promise<u64> {
    Promise::resolve(n)
}

/// Allocations of a saga making `calls` calls, one after another or all
/// at once in an `all`, from start to settlement.
fn allocations_of_a_saga(calls: u64, at_once: bool) -> (usize, Option<u64>) {
    EventLoop::virtual_clock().run(|| ()); // the loop's own buffers
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let out = EventLoop::virtual_clock().run(move || {
        run_saga(Gen::new(move |co: SagaCo<u64>| async move {
            if at_once {
                let calls = (0..calls).map(|i| call_effect(ready, i)).collect();
                let values: Vec<u64> = all(&co, calls).await?;
                return Ok(values.iter().sum());
            }
            let mut sum = 0;
            for i in 0..calls {
                sum += call(&co, ready, i).await?;
            }
            Ok(sum)
        }))
        .promise()
    });
    let sum = out.peek().and_then(Result::ok);
    (ALLOCATIONS.load(Ordering::SeqCst) - before, sum)
}

#[test]
fn a_call_of_a_settled_promise_allocates_its_effect_and_the_promise() {
    allocations_of_a_saga(10, false); // thread-locals made on first use
    let (base, sum) = allocations_of_a_saga(10, false);
    assert_eq!(sum, Some(45));
    let (more, sum) = allocations_of_a_saga(1_010, false);
    assert_eq!(sum, Some((0..1_010).sum()));
    assert_eq!(more - base, 2 * 1_000, "two allocations per call");

    // In an `all`, every part is queued at once: the loop's queue grows
    // in the first run and keeps its room for the next ones.
    allocations_of_a_saga(2_025, true);
    let (base, sum) = allocations_of_a_saga(1_025, true);
    assert_eq!(sum, Some((0..1_025).sum()));
    let (more, sum) = allocations_of_a_saga(2_025, true);
    assert_eq!(sum, Some((0..2_025).sum()));
    assert_eq!(more - base, 2 * 1_000, "two allocations per part");
}
