//! A promise seen without its value type: how the saga runtime waits on
//! promises of any type through their own allocation, and hands a typed
//! effect's value back as the promise itself (nothing boxed).

use std::rc::Rc;

use super::Promise;
use super::cell_rc::CellRc;
use super::shared::{Shared, State};
use crate::Error;

/// A promise with its value type erased, so the saga runtime can wait on
/// promises of any type through their own allocation.
pub(crate) trait Erased {
    fn subscribe_erased(self: Rc<Self>, settled: crate::saga::Settled);

    /// The outcome with its value boxed, once settled.
    fn outcome_erased(&self) -> Option<Result<crate::saga::Value, Error>>;

    /// The outcome once settled, a value handed over as the promise
    /// itself: nothing is boxed, and [`fulfilled_value`] reads it.
    fn outcome_handle(self: Rc<Self>) -> Option<Result<crate::saga::Value, Error>>;

    /// [`subscribe_erased`](Erased::subscribe_erased), delivering a value
    /// as [`outcome_handle`](Erased::outcome_handle) does.
    fn subscribe_handle(self: Rc<Self>, settled: crate::saga::Settled);

    /// Whether it has settled.
    fn is_settled(&self) -> bool;

    /// Its value if it has fulfilled (the promise itself with `handle`, as
    /// [`outcome_handle`](Erased::outcome_handle) gives it; nothing to
    /// mark handled), else itself.
    fn into_fulfilled(self: Rc<Self>, handle: bool) -> Result<crate::saga::Value, Rc<dyn Erased>>;

    /// Marks it handled, as subscribing does.
    fn mark_handled_erased(&self);
}

impl<T: Clone + 'static> Erased for Shared<T, Error> {
    fn subscribe_erased(self: Rc<Self>, settled: crate::saga::Settled) {
        Promise {
            shared: CellRc::new(self),
        }
        .subscribe_told(move |outcome, alone| {
            settled.deliver_told(outcome.map(|v| Rc::new(v) as crate::saga::Value), alone);
        });
    }

    fn outcome_erased(&self) -> Option<Result<crate::saga::Value, Error>> {
        self.outcome()
            .map(|outcome| outcome.map(|v| Rc::new(v) as crate::saga::Value))
    }

    fn outcome_handle(self: Rc<Self>) -> Option<Result<crate::saga::Value, Error>> {
        let error = match &self.inner.borrow().state {
            State::Pending { .. } => return None,
            State::Fulfilled(_) => None,
            State::Rejected { reason: e, .. } => Some(e.clone()),
        };
        Some(match error {
            None => Ok(self),
            Some(e) => Err(e),
        })
    }

    fn subscribe_handle(self: Rc<Self>, settled: crate::saga::Settled) {
        // Weak: a strong one in its own reaction would keep a promise that
        // never settles (and the waiter) alive forever. While the reaction
        // runs as the promise's job, the promise is alive; run from a
        // queued copy of the outcome after it is gone, the value is boxed.
        let handle = Rc::downgrade(&self);
        Promise {
            shared: CellRc::new(self),
        }
        .subscribe_told(move |outcome, alone| {
            let outcome = outcome.map(|value| match handle.upgrade() {
                Some(promise) => promise as crate::saga::Value,
                None => Rc::new(value) as crate::saga::Value,
            });
            settled.deliver_told(outcome, alone);
        });
    }

    fn is_settled(&self) -> bool {
        !matches!(self.inner.borrow().state, State::Pending { .. })
    }

    fn into_fulfilled(self: Rc<Self>, handle: bool) -> Result<crate::saga::Value, Rc<dyn Erased>> {
        let fulfilled = matches!(self.inner.borrow().state, State::Fulfilled(_));
        match (fulfilled, handle) {
            (false, _) => Err(self),
            (true, true) => Ok(self),
            (true, false) => self.outcome_erased().and_then(Result::ok).ok_or(self),
        }
    }

    fn mark_handled_erased(&self) {
        self.mark_handled();
    }
}

/// The value of a fulfilled promise handed over by
/// [`Erased::outcome_handle`]; `None` if `value` is not such a handle.
pub(crate) fn fulfilled_value<T: Clone + 'static>(value: &crate::saga::Value) -> Option<T> {
    fulfilled_in(value.downcast_ref::<Shared<T, Error>>()?)
}

#[inline]
fn fulfilled_in<T: Clone>(shared: &Shared<T, Error>) -> Option<T> {
    match &shared.inner.borrow().state {
        State::Fulfilled(v) => Some(v.clone()),
        _ => None,
    }
}

/// [`fulfilled_value`], letting go of the handle: its cell is recycled
/// if it was the last (see `recycle`). The value back if it is not such a
/// handle.
#[inline(always)]
pub(crate) fn take_fulfilled_value<T: Clone + 'static>(
    value: crate::saga::Value,
) -> Result<T, crate::saga::Value> {
    let shared = value.downcast::<Shared<T, Error>>()?;
    match fulfilled_in(&shared) {
        Some(v) => {
            crate::recycle::recycle(shared);
            Ok(v)
        }
        None => Err(shared),
    }
}

impl<T: Clone + 'static> Promise<T, Error> {
    /// This promise, type-erased (no allocation).
    pub(crate) fn erase(self) -> Rc<dyn Erased> {
        self.shared.into_rc()
    }
}
