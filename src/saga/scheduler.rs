//! redux-saga's scheduler, for puts (to the store or to a channel): while
//! a fork starts its child and its parent goes on (until both wait), a put
//! is held back, then made in the order it came. So a child that puts as
//! it starts reaches a `take` its parent makes right after forking it, as
//! in redux-saga (`asap` and `immediately` in its `scheduler.js`). One per
//! thread, as redux-saga's is one per program.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use super::effect::Settled;

/// A put held back: made, and its saga resumed through `settled`, once the
/// forks starting have settled in.
pub(crate) trait HeldPut {
    fn make(self: Rc<Self>, settled: Settled);
}

thread_local! {
    /// How many forks are starting (or puts being made).
    static HELD: Cell<u32> = const { Cell::new(0) };
    /// Puts held back meanwhile, each with where its saga resumes: no
    /// allocation of their own.
    static QUEUE: RefCell<VecDeque<(Rc<dyn HeldPut>, Settled)>> = RefCell::default();
}

/// Whether puts are held back now (a fork is starting): see [`asap`].
#[inline]
pub(crate) fn holding() -> bool {
    HELD.get() > 0
}

/// Makes `put` now, or once the forks starting have settled in.
#[inline]
pub(crate) fn asap<P: HeldPut + 'static>(put: Rc<P>, settled: Settled) {
    if holding() {
        defer(put, settled);
    } else {
        put.make(settled);
    }
}

#[cold]
fn defer(put: Rc<dyn HeldPut>, settled: Settled) {
    QUEUE.with_borrow_mut(|queue| queue.push_back((put, settled)));
}

/// A fork starting its child: puts wait until the hold is released. If
/// the start unwinds, dropping the hold releases it; once the child has
/// started, [`Hold::pass_on`] leaves the release to the parent's driver.
pub(crate) struct Hold(());

impl Hold {
    pub(crate) fn new() -> Self {
        HELD.set(HELD.get() + 1);
        Hold(())
    }

    /// The child has started: the parent's driver releases the hold once
    /// the parent waits again (`Source::NowHeld`).
    pub(crate) fn pass_on(self) {
        std::mem::forget(self);
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        release(1);
    }
}

/// `holds` forks have started and their parents gone on: once nothing
/// holds the scheduler, the puts held back are made, in order.
pub(crate) fn release(holds: u32) {
    HELD.set(HELD.get() - holds);
    // A put made here may start no fork, but a saga it wakes may later:
    // look again each time.
    while HELD.get() == 0 {
        let Some((put, settled)) = QUEUE.with_borrow_mut(VecDeque::pop_front) else {
            break;
        };
        // Held while it runs: what the put wakes, and the putter going on,
        // put after it (redux-saga's `exec`).
        HELD.set(1);
        put.make(settled);
        HELD.set(HELD.get() - 1);
    }
}
