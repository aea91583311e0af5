//! A promise's strong handle, which recycles the cell when it is the last
//! (see `crate::recycle`).

use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::rc::Rc;

use super::shared::Shared;
use crate::recycle::recycle;

/// A strong handle to a promise cell that recycles it when it is the last
/// (see `crate::recycle`); otherwise an `Rc`.
pub(super) struct CellRc<T, E>(ManuallyDrop<Rc<Shared<T, E>>>);

impl<T, E> CellRc<T, E> {
    #[inline]
    pub(super) fn new(cell: Rc<Shared<T, E>>) -> Self {
        CellRc(ManuallyDrop::new(cell))
    }

    /// The `Rc` itself, no longer recycled by this handle.
    #[inline]
    pub(super) fn into_rc(self) -> Rc<Shared<T, E>> {
        let mut this = ManuallyDrop::new(self);
        // SAFETY: taken once, from a handle whose own drop will not run.
        unsafe { ManuallyDrop::take(&mut this.0) }
    }
}

impl<T, E> Deref for CellRc<T, E> {
    type Target = Rc<Shared<T, E>>;

    #[inline]
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<T, E> Clone for CellRc<T, E> {
    #[inline]
    fn clone(&self) -> Self {
        CellRc::new(Rc::clone(&self.0))
    }
}

impl<T, E> Drop for CellRc<T, E> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: taken once, in the handle's drop.
        recycle(unsafe { ManuallyDrop::take(&mut self.0) });
    }
}

#[cfg(test)]
impl<T, E> super::Promise<T, E> {
    /// Where the promise's cell is, for tests of its recycling.
    pub(super) fn cell_address(&self) -> usize {
        Rc::as_ptr(&self.shared).addr()
    }

    /// A `Weak` to the promise's cell, for tests of its recycling.
    pub(super) fn downgrade_cell(&self) -> std::rc::Weak<Shared<T, E>> {
        Rc::downgrade(&self.shared)
    }
}

#[cfg(test)]
mod tests {
    use super::Shared;
    use crate::recycle::kept;
    use crate::{Error, EventLoop, Promise};

    #[test]
    fn a_promise_dropped_by_its_last_handle_leaves_its_cell_to_the_next() {
        EventLoop::virtual_clock().run(|| {
            let before = kept::<Shared<u64, Error>>();
            let first = Promise::<u64, Error>::resolve(7);
            let at = first.cell_address();
            let copy = first.clone();
            drop(first);
            assert_eq!(kept::<Shared<u64, Error>>(), before, "a handle is left");
            drop(copy);
            assert_eq!(kept::<Shared<u64, Error>>(), before + 1);
            let second = Promise::<i64, Error>::resolve(-3);
            assert_eq!(second.cell_address(), at, "the same allocation");
            assert_eq!(second.peek().and_then(Result::ok), Some(-3));
        });
    }

    #[test]
    fn a_cell_with_a_weak_is_not_kept() {
        EventLoop::virtual_clock().run(|| {
            let before = kept::<Shared<u64, Error>>();
            let promise = Promise::<u64, Error>::resolve(1);
            let weak = promise.downgrade_cell();
            drop(promise);
            assert_eq!(kept::<Shared<u64, Error>>(), before);
            assert!(weak.upgrade().is_none(), "its value was dropped");
        });
    }

    /// A value that counts its clones.
    struct Cloned(std::rc::Rc<std::cell::Cell<u32>>);

    impl Clone for Cloned {
        fn clone(&self) -> Self {
            self.0.set(self.0.get() + 1);
            Cloned(self.0.clone())
        }
    }

    #[test]
    fn a_settled_promise_whose_job_holds_its_last_handle_hands_its_value_on_uncloned() {
        let clones = std::rc::Rc::new(std::cell::Cell::new(0));
        let c = clones.clone();
        EventLoop::virtual_clock().run(move || {
            let (gate, open) = Promise::<Cloned, Error>::with_resolver();
            // The link's reaction holds the derived promise's resolver; the
            // gate's job, once it settles, holds the gate's last handle.
            let seen = gate.map(|v: Cloned| v.0.get());
            open.resolve(Cloned(c));
            seen
        });
        assert_eq!(clones.get(), 0, "moved out of the gate, not cloned");

        let clones = std::rc::Rc::new(std::cell::Cell::new(0));
        let c = clones.clone();
        EventLoop::virtual_clock().run(move || {
            let (gate, open) = Promise::<Cloned, Error>::with_resolver();
            let kept = gate.clone();
            let seen = gate.map(|v: Cloned| v.0.get());
            open.resolve(Cloned(c));
            (kept, seen)
        });
        assert_eq!(clones.get(), 1, "a handle is left: cloned for the reaction");
    }
}
