//! The hand-off between a generator's driver and its body.
//!
//! A generator body is an `async` block. The driver polls it with a waker
//! whose data pointer leads to an [`Airlock`] on the driver's stack: the
//! value being sent in sits in its slot, and a `co.yield_(v)` future swaps
//! the yielded value into the same slot before returning `Pending`. Nothing
//! is allocated per step and nothing is shared between threads.
//!
//! The waker stays a real waker: cloning it or waking it forwards to the
//! `outer` waker (a no-op for synchronous generators, the task's waker for
//! asynchronous ones), so ordinary futures awaited inside a body behave.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::ptr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

/// A process-unique generator identity: it ties a yield future to the one
/// driver whose slot has the matching types. Threads take ids in blocks, so
/// creating a generator costs no atomic read-modify-write.
pub(crate) fn fresh_owner_id() -> u64 {
    const BLOCK: u64 = 1 << 16;
    static NEXT_BLOCK: AtomicU64 = AtomicU64::new(1);
    thread_local! {
        static RANGE: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
    }
    RANGE.with(|range| {
        let (next, end) = range.get();
        if next < end {
            range.set((next + 1, end));
            next
        } else {
            let start = NEXT_BLOCK.fetch_add(BLOCK, Ordering::Relaxed);
            range.set((start + 1, start + BLOCK));
            start
        }
    })
}

/// The type-independent prefix of every airlock: what the waker's vtable
/// and a yield future read before they know the slot's type.
#[repr(C)]
struct Header<'w> {
    owner: u64,
    outer: &'w Waker,
    /// The body is polled by a request whose turns may be taken in place
    /// (see [`in_place`]).
    in_place: bool,
}

#[repr(C)]
struct Airlock<'w, X> {
    header: Header<'w>,
    slot: Cell<X>,
}

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

/// Builds the outer waker's clone: clones escape the poll, so they must not
/// carry the pointer to the airlock.
unsafe fn clone(data: *const ()) -> RawWaker {
    // SAFETY: `VTABLE` is only paired with a pointer to a live `Airlock`
    // (whose first field is its `Header`, `repr(C)`) in `poll_in_airlock`,
    // and that waker is only lent out through `Context` for that poll.
    let header = unsafe { &*data.cast::<Header<'_>>() };
    let outer = header.outer.clone();
    let raw = RawWaker::new(outer.data(), outer.vtable());
    std::mem::forget(outer);
    raw
}

/// Only the driver owns a waker with this vtable, and it never wakes it.
unsafe fn wake(_: *const ()) {}

unsafe fn wake_by_ref(data: *const ()) {
    // SAFETY: as in `clone`.
    let header = unsafe { &*data.cast::<Header<'_>>() };
    header.outer.wake_by_ref();
}

unsafe fn drop_waker(_: *const ()) {}

/// Polls `body` once with `input` in the slot; returns the poll result and
/// what `take` takes from the slot afterwards (the rest is dropped with
/// the slot). `take` reads the slot in place: a hand-off written a field
/// at a time is read back as it was written (see `Exchange::take_yielded`).
/// `in_place`: what [`in_place`] tells the requests the body makes.
#[inline(always)]
pub(crate) fn poll_in_airlock<X, F: Future + ?Sized, O>(
    owner: u64,
    outer: &Waker,
    in_place: bool,
    input: X,
    body: Pin<&mut F>,
    take: impl FnOnce(&Cell<X>) -> O,
) -> (Poll<F::Output>, O) {
    let airlock = Airlock {
        header: Header {
            owner,
            outer,
            in_place,
        },
        slot: Cell::new(input),
    };
    let data: *const () = ptr::from_ref(&airlock).cast();
    // SAFETY: the vtable functions dereference `data` only as a `Header`,
    // the `repr(C)` prefix of `airlock`, which outlives `waker` (declared
    // earlier, dropped later). Clones are made from `outer`, so no copy of
    // `data` survives this function. `wake` and `drop` do nothing.
    let waker = unsafe { Waker::from_raw(RawWaker::new(data, &VTABLE)) };
    let poll = body.poll(&mut Context::from_waker(&waker));
    // Its `drop` does nothing; skipping the indirect call is measurable.
    std::mem::forget(waker);
    (poll, take(&airlock.slot))
}

/// The waker a generator driver's waker forwards to, if `waker` is one:
/// what an `await` inside an async generator's body is really polled by.
#[inline]
pub(crate) fn outer_waker(waker: &Waker) -> Option<&Waker> {
    if !ptr::eq(waker.vtable(), &VTABLE) {
        return None;
    }
    // SAFETY: as in `slot`: a waker with `VTABLE` points at a live
    // `Header` for the poll that lent it, and `outer` outlives that poll;
    // the reference returned is tied to the borrow of `waker`.
    let header = unsafe { &*waker.data().cast::<Header<'_>>() };
    Some(header.outer)
}

/// The waker a poll under `cx` really comes from: the task's (or other
/// poller's) behind a generator driver's waker, else `cx`'s own. A body
/// polled inside another generator's body (a pipeline's stage) is polled
/// under it, not under that body's airlock: its own requests reach the
/// task, and wake-ups go there either way.
#[inline(always)]
pub(crate) fn polled_under<'c>(cx: &'c Context<'_>) -> &'c Waker {
    outer_waker(cx.waker()).unwrap_or(cx.waker())
}

/// Whether the body polled under `cx` is polled by an async generator's
/// request whose turns may be taken in place (one polled before, or one
/// made fresh by a helper stage that is itself polled so): a helper stage
/// that makes a fresh request to its source then treats it as such too
/// (`async_gen/pinned/request.rs`). `false` under any other waker.
#[inline(always)]
pub(crate) fn in_place(cx: &Context<'_>) -> bool {
    let waker = cx.waker();
    if !ptr::eq(waker.vtable(), &VTABLE) {
        return false;
    }
    // SAFETY: as in `outer_waker`: a waker with `VTABLE` points at a live
    // `Header` for the poll that lent it.
    let header = unsafe { &*waker.data().cast::<Header<'_>>() };
    header.in_place
}

/// Why a yield future cannot reach its slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Misplaced {
    /// Polled by something other than a generator driver.
    NoDriver,
    /// Polled by the driver of a different generator.
    OtherGenerator,
}

/// The slot of the airlock the current poll came from, provided it belongs
/// to generator `owner` (whose slot type is `X`). The reference cannot
/// outlive the borrow of `cx`, so it cannot outlive the poll that lent it.
#[inline(always)]
pub(crate) fn slot<'c, X>(cx: &'c Context<'_>, owner: u64) -> Result<&'c Cell<X>, Misplaced> {
    let waker = cx.waker();
    if !ptr::eq(waker.vtable(), &VTABLE) {
        return Err(Misplaced::NoDriver);
    }
    // SAFETY: only `poll_in_airlock` builds wakers with `VTABLE`, always
    // over a live `Airlock` for the duration of the poll that lent us `cx`.
    let header = unsafe { &*waker.data().cast::<Header<'_>>() };
    if header.owner != owner {
        return Err(Misplaced::OtherGenerator);
    }
    // SAFETY: owner ids are unique (`fresh_owner_id`), and the generator
    // with this id always builds its airlock with slot type `X`: the same
    // type parameters its `Co`, and so this yield future, carry. The
    // airlock outlives the poll, and so the borrow of `cx` this is tied to.
    let airlock = unsafe { &*waker.data().cast::<Airlock<'_, X>>() };
    Ok(&airlock.slot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;
    use std::task::Wake;

    struct Counter(AtomicUsize);
    impl Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// A future that reads the slot, then clones and wakes the waker: the
    /// clone must reach the outer waker, not the stack pointer.
    struct Probe {
        owner: u64,
        saved: Option<Waker>,
    }
    impl Future for Probe {
        type Output = u32;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
            let seen = slot::<u32>(cx, self.owner)
                .expect("polled by its driver")
                .replace(7);
            cx.waker().wake_by_ref();
            self.saved = Some(cx.waker().clone());
            Poll::Ready(seen)
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "210,000 ids take minutes under Miri")]
    fn owner_ids_are_unique_across_threads_and_blocks() {
        let mut ids: Vec<u64> = (0..3)
            .map(|_| {
                std::thread::spawn(|| (0..70_000).map(|_| fresh_owner_id()).collect::<Vec<_>>())
            })
            .flat_map(|t| t.join().expect("thread"))
            .collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert!(!ids.contains(&0));
    }

    #[test]
    fn slot_round_trip_and_waker_forwarding() {
        let counter = Arc::new(Counter(AtomicUsize::new(0)));
        let outer = Waker::from(counter.clone());
        let owner = fresh_owner_id();
        let mut probe = Box::pin(Probe { owner, saved: None });
        let (poll, slot) = poll_in_airlock(owner, &outer, false, 41u32, probe.as_mut(), Cell::take);
        assert_eq!(poll, Poll::Ready(41));
        assert_eq!(slot, 7);
        assert_eq!(counter.0.load(Ordering::SeqCst), 1);
        // The clone outlives the airlock and still wakes the outer waker.
        let saved = probe.saved.take().expect("waker was cloned");
        // Its data, not `will_wake`: that also compares vtable addresses,
        // which Miri does not keep unique.
        assert_eq!(saved.data(), outer.data());
        saved.wake();
        assert_eq!(counter.0.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn the_outer_waker_is_found_behind_a_drivers_waker_only() {
        struct Outer;
        impl Future for Outer {
            type Output = Option<*const ()>;
            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
                Poll::Ready(outer_waker(cx.waker()).map(Waker::data))
            }
        }
        let counter = Arc::new(Counter(AtomicUsize::new(0)));
        let outer = Waker::from(counter);
        let mut probe = Box::pin(Outer);
        let (poll, ()) = poll_in_airlock(
            fresh_owner_id(),
            &outer,
            false,
            (),
            probe.as_mut(),
            Cell::take,
        );
        assert_eq!(poll, Poll::Ready(Some(outer.data())));
        assert!(outer_waker(&outer).is_none() && outer_waker(Waker::noop()).is_none());
    }

    #[test]
    fn foreign_driver_and_other_generator_are_detected() {
        let owner = fresh_owner_id();
        let cx = Context::from_waker(Waker::noop());
        assert_eq!(
            slot::<u32>(&cx, owner).map(|_| ()),
            Err(Misplaced::NoDriver)
        );
        struct Other(u64);
        impl Future for Other {
            type Output = Result<(), Misplaced>;
            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
                Poll::Ready(slot::<u32>(cx, self.0).map(|_| ()))
            }
        }
        let mut other = Box::pin(Other(fresh_owner_id()));
        let (poll, _) = poll_in_airlock(
            owner,
            Waker::noop(),
            false,
            0u32,
            other.as_mut(),
            Cell::take,
        );
        assert_eq!(poll, Poll::Ready(Err(Misplaced::OtherGenerator)));
    }
}
