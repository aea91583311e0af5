//! A task awaiting foreign futures one after another (tokio I/O, a
//! channel) makes its thread-safe waker once: each later clone of the
//! waker it lends is a reference count, not an allocation. Its own test
//! binary: the counting allocator sees the whole process.

#[path = "shared/counting_allocator.rs"]
mod counting_allocator;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use baton::{Error, EventLoop};
use counting_allocator::allocations_during;

/// A foreign future: keeps a clone of its waker, wakes it at once, and is
/// ready when polled again.
struct Foreign(Option<Waker>);

impl Future for Foreign {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.0.take() {
            Some(_kept) => Poll::Ready(()),
            None => {
                let kept = cx.waker().clone();
                kept.wake_by_ref();
                self.0 = Some(kept);
                Poll::Pending
            }
        }
    }
}

/// Allocations of a run whose one task awaits `n` foreign futures.
fn run_awaiting(n: usize) -> usize {
    let (made, out) = allocations_during(|| {
        EventLoop::virtual_clock().block_on(async move {
            for _ in 0..n {
                Foreign(None).await;
            }
            Ok::<_, Error>(n)
        })
    });
    assert_eq!(out.ok(), Some(n));
    made
}

#[test]
fn a_tasks_foreign_waker_is_made_once_not_per_await() {
    // Warm: the loop's buffers have grown, the recycled cells are there.
    run_awaiting(1_000);
    let one = run_awaiting(1);
    let many = run_awaiting(1_000);
    assert_eq!(many, one, "999 more foreign awaits, no more allocations");
}
