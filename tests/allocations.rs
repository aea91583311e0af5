//! A generator allocates once (its boxed body) and never per resume.
//! Its own test binary: the counting allocator sees the whole process, so
//! this file holds a single test.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use baton::{Abrupt, Co, Gen, Step};

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

fn allocations_during<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let r = f();
    (ALLOCATIONS.load(Ordering::SeqCst) - before, r)
}

#[test]
fn one_allocation_per_generator_none_per_resume() {
    let (created, mut g) = allocations_during(|| {
        Gen::new(|co: Co<u64, u64, u64, &'static str>| async move {
            let mut sum = 0;
            loop {
                match co.yield_(sum).await {
                    Ok(n) => sum += n,
                    Err(Abrupt::Throw(_)) => sum = 0,
                    Err(closing) => return Err(closing),
                }
            }
        })
    });
    assert_eq!(created, 1, "the boxed body");

    let (resumed, last) = allocations_during(|| {
        let mut last = Step::Done;
        for i in 0..10_000 {
            last = g.next(i).expect("never throws out");
            if i % 100 == 0 {
                last = g.throw("reset").expect("caught");
            }
        }
        last
    });
    assert_eq!(resumed, 0, "no allocation per next/throw");
    assert_eq!(last, Step::Yielded((9_901..=9_999).sum()), "reset at 9_900");

    let (closed, done) = allocations_during(|| g.r#return(7));
    assert_eq!(closed, 0);
    assert_eq!(done, Ok(Step::Returned(7)));
}
