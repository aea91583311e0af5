//! redux-saga's scheduler, for puts (to the store or to a channel) and
//! dispatches: while a fork starts its child and its parent goes on (until
//! both wait), or while a put or a dispatch is being made (until the sagas
//! it wakes wait), a put is held back, then made in the order it came. So
//! a child that puts as it starts reaches a `take` its parent makes right
//! after forking it, and an action reaches every saga waiting for it before
//! any action they put, as in redux-saga (`asap` and `immediately` in its
//! `scheduler.js`). One per thread, as redux-saga's is one per program.

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
    /// How many forks are starting, or puts and dispatches being made.
    static HELD: Cell<u32> = const { Cell::new(0) };
    /// Puts held back meanwhile, in the order they came.
    static QUEUE: RefCell<VecDeque<Held>> = const { RefCell::new(VecDeque::new()) };
}

/// A put held back.
enum Held {
    /// A saga's, with where the saga resumes: no allocation of its own.
    Put(Rc<dyn HeldPut>, Settled),
    /// A dispatch from outside the sagas (`Store::dispatch`).
    Dispatch(Box<dyn FnOnce()>),
}

/// Whether puts are held back now (a fork is starting, or a put or a
/// dispatch is being made): see [`asap`].
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
    QUEUE.with_borrow_mut(|queue| queue.push_back(Held::Put(put, settled)));
}

/// Makes a dispatch from outside the sagas now, holding back the puts of
/// the sagas it wakes until they all wait, or (if a put is being made, or
/// a fork starting) once that is over.
pub(crate) fn dispatch(make: impl FnOnce() + 'static) {
    if holding() {
        QUEUE.with_borrow_mut(|queue| queue.push_back(Held::Dispatch(Box::new(make))));
    } else {
        let hold = Hold::new();
        make();
        drop(hold);
    }
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

    /// What it held back is made now, if nothing else holds (the drop,
    /// without asking whether the thread unwinds).
    pub(crate) fn end(self) {
        std::mem::forget(self);
        release(1);
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // Unwinding: let go, but make nothing held back now.
            HELD.set(HELD.get() - 1);
        } else {
            release(1);
        }
    }
}

/// A held-back put being made: let go as it ends, even by unwinding.
struct Making;

impl Drop for Making {
    fn drop(&mut self) {
        HELD.set(HELD.get() - 1);
    }
}

/// `holds` forks have started and their parents gone on: once nothing
/// holds the scheduler, the puts held back are made, in order.
pub(crate) fn release(holds: u32) {
    HELD.set(HELD.get() - holds);
    // A put made here may start no fork, but a saga it wakes may later:
    // look again each time.
    while HELD.get() == 0 {
        let Some(held) = QUEUE.with_borrow_mut(VecDeque::pop_front) else {
            break;
        };
        // Held while it runs: what the put wakes, and the putter going on,
        // put after it (redux-saga's `exec`).
        HELD.set(1);
        let making = Making;
        match held {
            Held::Put(put, settled) => put.make(settled),
            Held::Dispatch(make) => make(),
        }
        drop(making);
    }
}
