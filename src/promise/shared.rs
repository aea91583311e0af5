//! What a promise holds: its state (with the flags that track handling
//! and resolution), the reactions waiting for it, and how it settles. A
//! settled promise is its own reaction job.

use std::cell::RefCell;
use std::fmt;
use std::mem::ManuallyDrop;
use std::rc::Rc;

use crate::Reason;
use crate::event_loop::{self, Job, Rejection, Watched};
use crate::inline_fn::InlineFn;

/// What runs when a promise settles: a handler, or a task to resume (an
/// `await`). Both are stored inline when small (a handler capturing its
/// derived promise, a task), so neither allocates. Each is told whether
/// it is the whole of its microtask (the one reaction of a promise whose
/// job runs alone): a task, run or saga so resumed may go on at once
/// after its next settled step, as one queued alone does (see
/// `event_loop::may_go_on_at_once`); a handler ignores it.
pub(super) type Reaction<T, E> = InlineFn<Result<T, E>>;

/// Handlers waiting for a promise. Most promises get exactly one (the next
/// link of a chain, or an `await`), which needs no vector.
pub(super) enum Reactions<T, E> {
    One(Reaction<T, E>),
    /// None yet ([`Reactions::NONE`]), or more than one. The list is boxed
    /// so it takes one word, which the compiler stores beside the niche of
    /// `One`'s function pointer: the whole is three words, as `One` is.
    #[allow(clippy::box_collection)] // one word, not a `Vec`'s three
    Many(Option<Box<Vec<Reaction<T, E>>>>),
}

impl<T, E> Reactions<T, E> {
    pub(super) const NONE: Self = Reactions::Many(None);

    #[inline]
    pub(super) fn is_none(&self) -> bool {
        matches!(self, Reactions::Many(None))
    }

    /// Adds a reaction, told whether it runs as the whole of its
    /// microtask (see [`Reaction`]); one that need not know ignores it.
    #[inline]
    pub(super) fn push_told(&mut self, reaction: impl FnOnce(Result<T, E>, bool) + 'static)
    where
        T: 'static,
        E: 'static,
    {
        if self.is_none() {
            // The hottest path of a promise chain. `NONE` owns nothing:
            // forgetting it saves a call to the drop glue.
            std::mem::forget(std::mem::replace(
                self,
                Reactions::One(Reaction::new_told(reaction)),
            ));
        } else {
            self.push_another(Reaction::new_told(reaction));
        }
    }

    /// A second or later reaction: rare, and kept out of line so
    /// `push_with` inlines.
    #[inline(never)]
    pub(super) fn push_another(&mut self, reaction: Reaction<T, E>) {
        *self = match std::mem::replace(self, Reactions::NONE) {
            Reactions::Many(None) => Reactions::One(reaction),
            Reactions::One(first) => Reactions::Many(Some(Box::new(vec![first, reaction]))),
            Reactions::Many(Some(mut all)) => {
                all.push(reaction);
                Reactions::Many(Some(all))
            }
        };
    }
}

/// Where a promise stands, with the flags that go with each state (kept
/// in the tag's word, so they cost no room of their own).
pub(super) enum State<T, E> {
    Pending {
        /// The promise's own resolving functions have been used ("already
        /// resolved": it follows another promise or a thenable), kept here
        /// so a resolver needs no allocation of its own.
        claimed: bool,
        /// A handler was attached (so a later rejection is not
        /// "unhandled").
        handled: bool,
    },
    Fulfilled(T),
    Rejected {
        reason: E,
        /// A handler was attached.
        handled: bool,
        /// Reported as unhandled; a later handler reports it handled.
        reported: bool,
    },
}

impl<T, E> State<T, E> {
    pub(super) const FRESH: Self = State::Pending {
        claimed: false,
        handled: false,
    };

    /// Notes that a handler is attached; `true` if the promise had been
    /// reported as an unhandled rejection (so its handling is reported).
    #[inline]
    pub(super) fn mark_handled(&mut self) -> bool {
        match self {
            State::Pending { handled, .. } => {
                *handled = true;
                false
            }
            State::Fulfilled(_) => false,
            State::Rejected {
                handled, reported, ..
            } => !std::mem::replace(handled, true) && *reported,
        }
    }
}

/// What a promise holds, behind one borrow flag.
pub(super) struct Inner<T, E> {
    pub(super) state: State<T, E>,
    /// Waiting while pending; once settled, queued until the promise's
    /// reaction job runs them. Dropped by `Inner`'s own `Drop`, which
    /// inlines: almost every promise dies with no reaction left, and the
    /// compiler's drop glue for the list is an out-of-line call.
    pub(super) reactions: ManuallyDrop<Reactions<T, E>>,
}

impl<T, E> Drop for Inner<T, E> {
    #[inline]
    fn drop(&mut self) {
        if !self.reactions.is_none() {
            self.drop_reactions();
        }
    }
}

impl<T, E> Inner<T, E> {
    /// Kept out of line, so a promise's drop glue stays small enough to
    /// inline where the last `Rc` to it goes: a promise dropped with
    /// handlers still waiting is rare.
    ///
    /// Each reaction may hold a promise with reactions of its own: dropped
    /// flat, so a long chain does not drop link inside link.
    #[cold]
    #[inline(never)]
    pub(super) fn drop_reactions(&mut self) {
        let left = std::mem::replace(&mut self.reactions, ManuallyDrop::new(Reactions::NONE));
        // SAFETY: the list is not empty, and a reaction is only made by
        // `InlineFn::new`, which asks `Result<T, E>: 'static`: so
        // `Reactions<T, E>` is `'static`.
        unsafe { super::flat_drop::drop_flat(ManuallyDrop::into_inner(left)) };
    }
}

pub(super) struct Shared<T, E> {
    pub(super) inner: RefCell<Inner<T, E>>,
}

impl<T: Clone, E: Clone> Shared<T, E> {
    pub(super) fn outcome(&self) -> Option<Result<T, E>> {
        match &self.inner.borrow().state {
            State::Pending { .. } => None,
            State::Fulfilled(v) => Some(Ok(v.clone())),
            State::Rejected { reason: e, .. } => Some(Err(e.clone())),
        }
    }
}

impl<T, E> Shared<T, E> {
    /// The outcome moved out once settled, the state left pending, for a
    /// cell no handle but the caller's can read again.
    fn take_outcome(&self) -> Option<Result<T, E>> {
        let mut inner = self.inner.borrow_mut();
        match std::mem::replace(&mut inner.state, State::FRESH) {
            State::Fulfilled(v) => Some(Ok(v)),
            State::Rejected { reason, .. } => Some(Err(reason)),
            pending => {
                inner.state = pending;
                None
            }
        }
    }
}

/// A settled promise is its own reaction job: every reaction queued at
/// settlement runs in order (no other microtask can come between them).
impl<T: Clone + 'static, E: Clone + 'static> Job for Shared<T, E> {
    fn run(self: Rc<Self>) {
        self.react(false);
    }

    fn run_alone(self: Rc<Self>) {
        self.react(true);
    }
}

impl<T: Clone + 'static, E: Clone + 'static> Shared<T, E> {
    /// Runs the reactions. `alone`: the job is the whole of its microtask,
    /// and so is its reaction if it has only one.
    #[inline(always)]
    fn react(self: Rc<Self>, alone: bool) {
        // The job holding the last handle, nothing can read the state
        // again: the outcome is moved out, not cloned (a value handed on
        // stays the one handle to what it holds, so an `all`'s values
        // reach the saga that reads them alone, their cells recycled).
        let last = Rc::strong_count(&self) == 1 && Rc::weak_count(&self) == 0;
        let outcome = if last {
            self.take_outcome()
        } else {
            self.outcome()
        };
        let Some(outcome) = outcome else {
            return;
        };
        let reactions = std::mem::replace(&mut *self.inner.borrow_mut().reactions, Reactions::NONE);
        match reactions {
            Reactions::Many(None) => {}
            Reactions::One(reaction) => reaction.call_told(outcome, alone),
            Reactions::Many(Some(all)) => {
                for reaction in *all {
                    reaction.call(outcome.clone());
                }
            }
        }
        // Most cells die here, their job the last handle.
        crate::recycle::recycle(self);
    }
}

impl<T: Clone, E: Clone + fmt::Debug> Shared<T, E> {
    /// The outcome once settled, the promise marked handled as
    /// subscribing marks it: one look where `outcome` and `mark_handled`
    /// took two.
    #[inline]
    pub(super) fn outcome_handled(&self) -> Option<Result<T, E>> {
        let mut inner = self.inner.borrow_mut();
        let outcome = match &inner.state {
            State::Pending { .. } => return None,
            State::Fulfilled(value) => Ok(value.clone()),
            State::Rejected { reason, .. } => Err(reason.clone()),
        };
        let reported = inner.state.mark_handled();
        drop(inner);
        if reported {
            self.report_handled_later();
        }
        Some(outcome)
    }
}

impl<T, E: fmt::Debug> Shared<T, E> {
    #[inline]
    pub(super) fn mark_handled(&self) {
        let reported = self.inner.borrow_mut().state.mark_handled();
        if reported {
            self.report_handled_later();
        }
    }

    /// Kept out of line: it formats the reason, and `mark_handled` runs on
    /// every subscription.
    #[cold]
    #[inline(never)]
    pub(super) fn report_handled_later(&self) {
        event_loop::report_handled_later(&self.rejection());
    }

    pub(super) fn rejection(&self) -> Rejection {
        let reason = match &self.inner.borrow().state {
            State::Rejected { reason, .. } => format!("{reason:?}"),
            _ => String::new(),
        };
        Rejection {
            promise: std::ptr::from_ref(self).addr(),
            reason,
        }
    }
}

impl<T, E: fmt::Debug> Watched for Shared<T, E> {
    fn is_handled(&self) -> bool {
        match &self.inner.borrow().state {
            State::Rejected { handled, .. } => *handled,
            _ => true,
        }
    }
    fn mark_reported(&self) {
        if let State::Rejected { reported, .. } = &mut self.inner.borrow_mut().state {
            *reported = true;
        }
    }
    fn report(&self) -> Rejection {
        self.rejection()
    }
}

/// Settles a pending promise and queues its reactions; a rejection nobody
/// handles is watched until the next checkpoint.
pub(super) fn settle<T: Clone + 'static, E: Reason>(
    shared: &Rc<Shared<T, E>>,
    outcome: Result<T, E>,
) {
    let (waiting, unhandled) = {
        let mut inner = shared.inner.borrow_mut();
        let State::Pending { handled, .. } = inner.state else {
            return;
        };
        let rejected = outcome.is_err();
        inner.state = match outcome {
            Ok(v) => State::Fulfilled(v),
            Err(reason) => State::Rejected {
                reason,
                handled,
                reported: false,
            },
        };
        (!inner.reactions.is_none(), rejected && !handled)
    };
    if waiting {
        event_loop::queue_job(shared.clone());
    } else if unhandled {
        event_loop::watch_rejection(shared.clone());
    }
}
