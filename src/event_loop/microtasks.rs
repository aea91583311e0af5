//! The microtask queue: jobs that are their own microtask (a settled
//! promise, a task) and one-off closures, run at each checkpoint in the
//! order they were queued.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use crate::inline_fn::InlineFn;

/// A microtask: a one-off closure, or a settled promise running its
/// reactions (queued as the promise itself, so settling allocates nothing).
/// Small closures are stored in the queue itself.
pub(super) type Microtask = InlineFn<()>;

/// Work that is its own microtask.
pub(crate) trait Job {
    fn run(self: Rc<Self>);

    /// Runs as the whole of a microtask (queued by [`queue_job`]): nothing
    /// else runs in this turn after it returns.
    fn run_alone(self: Rc<Self>) {
        self.run();
    }

    /// Drops what the job was going to go on with: its run has ended while
    /// it waited (see [`EventLoop::run`](super::EventLoop::run)).
    fn abandon(&self) {}

    /// For a task kept in the loop's task registry: the serial number of
    /// its key's reservation, which tells its wakers from those of an
    /// earlier task given the same key.
    fn reservation(&self) -> u64 {
        0
    }
}

/// A job that does nothing, for tests that only need one to exist.
#[cfg(test)]
pub(crate) struct Nothing;

#[cfg(test)]
impl Job for Nothing {
    fn run(self: Rc<Self>) {}
}

/// The microtask queue. A job queued to an empty queue waits in `first`,
/// beside the ring buffer: on a busy loop most turns queue one job and run
/// it (an await, a then-link, a step of a for-await), and a word pair is
/// cheaper to fill and empty than a slot of the buffer (a tenth fewer
/// instructions a then-link or a for-await item; a closure kept there as
/// well made both slower). `first` is only filled while `rest` is empty,
/// so it is always the oldest.
pub(super) struct Microtasks {
    pub(super) first: Option<Rc<dyn Job>>,
    pub(super) rest: VecDeque<Microtask>,
}

/// The oldest microtask, taken out of the queue.
pub(super) enum Next {
    Job(Rc<dyn Job>),
    Other(Microtask),
}

impl Microtasks {
    pub(super) fn is_empty(&self) -> bool {
        self.first.is_none() && self.rest.is_empty()
    }

    /// How many microtasks wait: what `QUEUED` must say.
    fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.len()
    }

    #[inline]
    pub(super) fn pop(&mut self) -> Option<Next> {
        match self.first.take() {
            Some(job) => Some(Next::Job(job)),
            None => self.rest.pop_front().map(Next::Other),
        }
    }
}

thread_local! {
    /// The microtask queue, apart from the rest of the loop: it is touched
    /// on every promise reaction, and a `const` thread-local is the
    /// cheapest to reach.
    pub(super) static MICROTASKS: RefCell<Microtasks> = const {
        RefCell::new(Microtasks { first: None, rest: VecDeque::new() })
    };

    /// How many microtasks `MICROTASKS` holds, kept beside it for
    /// [`may_go_on_at_once`]: a thread-local with nothing to drop is read
    /// without the check of its destructor's registration, and without a
    /// borrow, where asking the queue cost a turn that goes on at once
    /// nine instructions.
    static QUEUED: Cell<usize> = const { Cell::new(0) };

}

/// Queues `job` to run after the current task and before any timer:
/// JavaScript's `queueMicrotask`.
///
/// ```
/// use baton::{EventLoop, queue_microtask};
/// use std::cell::RefCell;
/// use std::rc::Rc;
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// EventLoop::virtual_clock().run(move || {
///     let l2 = l.clone();
///     queue_microtask(move || l2.borrow_mut().push("microtask"));
///     l.borrow_mut().push("script");
/// });
/// assert_eq!(*log.borrow(), ["script", "microtask"]);
/// ```
pub fn queue_microtask(job: impl FnOnce() + 'static) {
    let job = Microtask::new(move |()| job());
    MICROTASKS.with(|q| q.borrow_mut().rest.push_back(job));
    QUEUED.with(|n| n.set(n.get() + 1));
}

/// Queues a job that is already allocated (a settled promise).
pub(crate) fn queue_job(job: Rc<dyn Job>) {
    MICROTASKS.with(|q| {
        let mut q = q.borrow_mut();
        if q.is_empty() {
            q.first = Some(job);
        } else {
            // Made where it is stored: built on the stack and then moved,
            // the job was written word by word and read back as one 16-byte
            // load, which the processor cannot forward from the pending
            // stores (that stall was three quarters of this function's
            // samples; bench/HISTORY.md).
            q.rest.push_back(Microtask::new(move |()| job.run_alone()));
        }
    });
    QUEUED.with(|n| n.set(n.get() + 1));
}

/// Queues `job` ahead of every microtask waiting. For a turn owed since a
/// moment the queue was empty, and queued only now: an async generator's
/// delivery whose consumer meant to take it at once but went away first
/// (`async_gen/direct.rs`). Everything queued since came after it.
pub(crate) fn queue_job_first(job: Rc<dyn Job>) {
    MICROTASKS.with(|q| {
        let mut q = q.borrow_mut();
        if let Some(older) = q.first.replace(job) {
            q.rest
                .push_front(Microtask::new(move |()| older.run_alone()));
        }
    });
    QUEUED.with(|n| n.set(n.get() + 1));
}

/// Takes the oldest microtask out of the queue.
#[inline]
pub(super) fn pop_microtask() -> Option<Next> {
    let next = MICROTASKS.with(|q| {
        let mut q = q.borrow_mut();
        debug_assert_eq!(
            q.len(),
            QUEUED.with(Cell::get),
            "the count of queued microtasks"
        );
        q.pop()
    });
    if next.is_some() {
        QUEUED.with(|n| n.set(n.get() - 1));
    }
    next
}

/// Empties the queue (a run has ended): its first job and the rest.
pub(super) fn take_all() -> (Option<Rc<dyn Job>>, VecDeque<Microtask>) {
    let taken = MICROTASKS.with(|q| {
        let mut q = q.borrow_mut();
        (q.first.take(), std::mem::take(&mut q.rest))
    });
    QUEUED.with(|n| n.set(0));
    taken
}

/// Whether a job whose step runs `alone` (the whole of its microtask: see
/// [`Job::run_alone`]) may take its next turn at once, after the step,
/// instead of queueing it: only with the microtask queue empty, when that
/// turn would be the next one with nothing in between, so taking it
/// without the queue's round trip runs the same code in the same order.
/// A task, `run()`'s driver, a saga's driver and an async generator's
/// delivery follow this rule (`tests/oracle/*/*_runs_on.js`,
/// `tests/await_order.rs`, `shortcut_props`).
#[inline]
pub(crate) fn may_go_on_at_once(alone: bool) -> bool {
    #[cfg(test)]
    if NEVER_GO_ON.with(std::cell::Cell::get) {
        return false;
    }
    alone && QUEUED.with(Cell::get) == 0
}

#[cfg(test)]
thread_local! {
    /// Set by tests that compare a run with going on at once against the
    /// same run without it (`shortcut_props`).
    pub(crate) static NEVER_GO_ON: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}
