//! Promises with JavaScript's semantics, on the thread's event loop.
//!
//! A [`Promise<T, E>`] settles once, to `Ok(T)` or `Err(E)`; handlers run
//! as microtasks, adoption of nested promises takes Node's number of
//! microtask turns, and rejections nobody handles are reported. `E`
//! defaults to [`Error`], which can carry any value, as a
//! JavaScript rejection can; any [`Reason`] works.
//!
//! # Implementation notes
//!
//! A promise is an `Rc` of its state cell and waiting reactions, 64 bytes in
//! all. The flags that track rejections and resolution (handled, reported,
//! already resolved) live in the spare bytes of the state's tag word, and "no
//! reaction" is an empty boxed list, which fits beside the niche of a single
//! reaction's function pointer. Resolution follows the specification
//! literally (the resolve-thenable job for adoption, `finally` through
//! `then`), which is why microtask counts match Node's without special
//! cases. A settled promise is queued *as its own job*, running all its
//! reactions in order, so settling allocates nothing; a handler attached
//! later, while no such job is queued, makes the promise its job again (one
//! queued after it would overtake microtasks queued since, so it gets a job
//! of its own). Reactions and microtasks are one-shot closures in an
//! `InlineFn` (`src/inline_fn.rs`): up to two words inline (a `then`'s
//! handler with its derived promise, a task to resume), a box otherwise, so a
//! then-link is one allocation, the derived promise. A promise dropped
//! while reactions still wait drops them flat (`flat_drop.rs`): each may
//! hold a derived promise with reactions of its own, and a long chain that
//! never settled would otherwise drop link inside link until the stack
//! ran out.
//!
//! The last strong handle of a promise keeps its cell's allocation for the
//! next promise of its size (`crate::recycle`): most promises die young and in
//! bulk, past what the system allocator's cache of small chunks holds.
//!
//! A task (`spawn`) is one allocation beside its promise: the future is
//! pinned inline, and a resume is one microtask turn with no allocation,
//! since the awaited promise's reaction is the task itself.

mod cell_rc;
mod combinators;
mod erased;
mod flat_drop;
mod settle;
mod shared;
pub(crate) mod task;
mod tuples;

use std::cell::{Cell, RefCell};
use std::fmt;
use std::mem::ManuallyDrop;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use crate::event_loop::{self, LentTask};
use crate::{Error, Fault, FaultKind, Reason};
use cell_rc::CellRc;
use shared::{Inner, Reactions, Shared, State, settle};

pub(crate) use combinators::filled;

/// Whether a waiter may skip subscribing to a promise that has already
/// settled and take its turn as a job of its own instead (`run()`'s driver,
/// a saga's effect): the same one turn. Tests turn the shortcut off to
/// check that it changes nothing (`shortcut_props`).
#[inline(always)]
pub(crate) fn may_skip_subscribing() -> bool {
    #[cfg(test)]
    if ALWAYS_SUBSCRIBE.with(Cell::get) {
        return false;
    }
    true
}

#[cfg(test)]
thread_local! {
    /// See [`may_skip_subscribing`].
    pub(crate) static ALWAYS_SUBSCRIBE: Cell<bool> = const { Cell::new(false) };
}
pub(crate) use erased::{Erased, fulfilled_value, take_fulfilled_value};

pub use combinators::{AggregateError, all, all_settled, any, race};
pub use settle::{Resolution, Settle, Thenable};
pub use task::{Awaiting, spawn};
pub use tuples::AllTuple;

/// The eventual outcome of an operation: JavaScript's `Promise`.
///
/// A `Promise` is a cheap handle (`Clone` shares it). Values and reasons are
/// cloned for each handler, so use `Rc` for large values.
///
/// ```
/// use baton::{EventLoop, Promise};
///
/// let result = EventLoop::virtual_clock().run(|| {
///     Promise::<u32>::new(|r| r.resolve(20))
///         .map(|v| v + 1)
///         .then(|v| Promise::resolve(v * 2)) // adopted
///         .map(|v| v.to_string())
/// });
/// assert_eq!(result.peek().and_then(Result::ok), Some("42".to_string()));
/// ```
pub struct Promise<T, E = Error> {
    shared: CellRc<T, E>,
}

impl<T, E> Clone for Promise<T, E> {
    fn clone(&self) -> Self {
        Promise {
            shared: self.shared.clone(),
        }
    }
}

impl<T, E> fmt::Debug for Promise<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.shared.inner.borrow().state {
            State::Pending { .. } => "pending",
            State::Fulfilled(_) => "fulfilled",
            State::Rejected { .. } => "rejected",
        };
        f.debug_struct("Promise").field("state", &state).finish()
    }
}

/// The resolving functions of a promise: JavaScript's `resolve` and
/// `reject`, as one handle. Only the first call counts.
///
/// ```
/// use baton::{EventLoop, Promise, set_timeout};
/// use std::time::Duration;
///
/// let p = EventLoop::virtual_clock().run(|| {
///     let (p, resolver) = Promise::<&str>::with_resolver();
///     let second = resolver.clone(); // one set of resolving functions, shared
///     set_timeout(move || resolver.resolve("first wins"), Duration::from_millis(1));
///     set_timeout(move || second.resolve("ignored"), Duration::from_millis(2));
///     p
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some("first wins"));
/// ```
pub struct Resolver<T, E = Error> {
    shared: CellRc<T, E>,
    /// `None`: the promise's own resolving functions (flag in `Shared`);
    /// `Some`: a later pair, as a thenable adoption creates.
    done: Option<Rc<Cell<bool>>>,
}

impl<T, E> Clone for Resolver<T, E> {
    fn clone(&self) -> Self {
        Resolver {
            shared: self.shared.clone(),
            done: self.done.clone(),
        }
    }
}

impl<T, E> Resolver<T, E> {
    /// Uses these resolving functions: `true` the first time only.
    fn claim(&self) -> bool {
        match &self.done {
            Some(done) => !done.replace(true),
            None => match &mut self.shared.inner.borrow_mut().state {
                State::Pending { claimed, .. } => !std::mem::replace(claimed, true),
                _ => false,
            },
        }
    }

    fn is_claimed(&self) -> bool {
        match &self.done {
            Some(done) => done.get(),
            None => match &self.shared.inner.borrow().state {
                State::Pending { claimed, .. } => *claimed,
                _ => true,
            },
        }
    }
}

impl<T, E> fmt::Debug for Resolver<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolver")
            .field("used", &self.is_claimed())
            .finish()
    }
}

impl<T: Clone + 'static, E: Reason> Resolver<T, E> {
    fn new(shared: CellRc<T, E>) -> Self {
        Resolver { shared, done: None }
    }

    /// A second pair of resolving functions for the same promise.
    fn fresh(shared: CellRc<T, E>) -> Self {
        Resolver {
            shared,
            done: Some(Rc::new(Cell::new(false))),
        }
    }

    /// Fulfils the promise (ignored if already resolved).
    ///
    /// ```
    /// use baton::{EventLoop, Promise};
    ///
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     let (p, r) = Promise::<u32>::with_resolver();
    ///     r.resolve(1);
    ///     r.resolve(2); // ignored: already resolved
    ///     p
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok), Some(1));
    /// ```
    pub fn resolve(&self, value: T) {
        self.resolve_with(Resolution::Value(value));
    }

    /// Rejects the promise (ignored if already resolved).
    ///
    /// ```
    /// use baton::{Error, EventLoop, Promise};
    ///
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     let (p, r) = Promise::<u32>::with_resolver();
    ///     r.reject(Error::msg("no"));
    ///     r.resolve(2); // ignored: already rejected
    ///     p.catch(|e| Ok::<_, Error>(e.to_string().len() as u32))
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok), Some(2));
    /// ```
    pub fn reject(&self, reason: E) {
        self.resolve_with(Resolution::Reject(reason));
    }

    /// Resolves with a value, a rejection, a promise to adopt or a
    /// thenable (ignored if already resolved).
    ///
    /// ```
    /// use baton::{Error, EventLoop, Promise};
    ///
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     let (p, r) = Promise::<u32>::with_resolver();
    ///     r.resolve_with(Promise::resolve(7).map(|v| v * 6)); // adopted
    ///     p
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok), Some(42));
    /// let q = EventLoop::virtual_clock().run(|| {
    ///     let (q, r) = Promise::<u32>::with_resolver();
    ///     r.resolve_with(Err::<u32, _>(Error::msg("thrown")));
    ///     q.catch(|e| Ok::<_, Error>(e.to_string().len() as u32))
    /// });
    /// assert_eq!(q.peek().and_then(Result::ok), Some(6));
    /// ```
    pub fn resolve_with(&self, settle: impl Settle<T, E>) {
        if self.claim() {
            resolve(&self.shared, settle.into_resolution());
        }
    }

    /// The promise's own resolving functions again, for an owner that
    /// keeps only the promise (8 bytes instead of a resolver's 16) and is
    /// the only one to resolve it.
    pub(crate) fn of(promise: &Promise<T, E>) -> Self {
        Resolver::new(promise.shared.clone())
    }

    /// The promise this resolver settles.
    ///
    /// ```
    /// use baton::{EventLoop, Promise};
    ///
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     let (_, r) = Promise::<&str>::with_resolver();
    ///     r.resolve("same promise");
    ///     r.promise()
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok), Some("same promise"));
    /// ```
    pub fn promise(&self) -> Promise<T, E> {
        Promise {
            shared: self.shared.clone(),
        }
    }
}

impl<T: Clone + 'static, E: Reason> Promise<T, E> {
    fn pending_shared() -> CellRc<T, E> {
        Self::shared_in(State::FRESH)
    }

    #[inline]
    fn shared_in(state: State<T, E>) -> CellRc<T, E> {
        CellRc::new(crate::recycle::new_rc(Shared {
            inner: RefCell::new(Inner {
                state,
                reactions: ManuallyDrop::new(Reactions::NONE),
            }),
        }))
    }

    /// `new Promise(executor)`: runs `executor` now with the resolving
    /// functions. A panic in the executor rejects the promise.
    ///
    /// ```
    /// use baton::{EventLoop, Promise};
    ///
    /// let mut log = Vec::new();
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     let p = Promise::<u32>::new(|r| {
    ///         log.push("executor runs at once");
    ///         r.resolve(1);
    ///     });
    ///     log.push("after new");
    ///     p
    /// });
    /// assert_eq!(log, ["executor runs at once", "after new"]);
    /// assert_eq!(p.peek().and_then(Result::ok), Some(1));
    ///
    /// // A panicking executor rejects the promise.
    /// let failed = EventLoop::virtual_clock().run(|| {
    ///     Promise::<u32>::new(|_| panic!("boom")).catch(|e| Ok::<_, baton::Error>(e.to_string().len() as u32))
    /// });
    /// assert!(failed.peek().and_then(Result::ok).is_some());
    /// ```
    pub fn new(executor: impl FnOnce(Resolver<T, E>)) -> Self {
        let (promise, resolver) = Self::with_resolver();
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| executor(resolver.clone()))) {
            resolver.reject(Fault::from_panic(&*payload).into());
        }
        promise
    }

    /// A pending promise and its resolver (`Promise.withResolvers()`).
    ///
    /// ```
    /// use baton::{EventLoop, Promise, set_timeout};
    /// use std::time::Duration;
    ///
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     let (p, r) = Promise::<&str>::with_resolver();
    ///     set_timeout(move || r.resolve("later"), Duration::from_secs(1));
    ///     assert!(p.is_pending());
    ///     p
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok), Some("later"));
    /// ```
    pub fn with_resolver() -> (Self, Resolver<T, E>) {
        let shared = Self::pending_shared();
        (
            Promise {
                shared: shared.clone(),
            },
            Resolver::new(shared),
        )
    }

    /// `Promise.resolve(value)`: already fulfilled.
    ///
    /// ```
    /// use baton::{EventLoop, Promise};
    ///
    /// let p = Promise::<u32>::resolve(5);
    /// assert_eq!(p.peek().and_then(Result::ok), Some(5));
    /// let doubled = EventLoop::virtual_clock().run(|| p.map(|v| v * 2));
    /// assert_eq!(doubled.peek().and_then(Result::ok), Some(10));
    /// ```
    pub fn resolve(value: T) -> Self {
        Promise {
            shared: Self::shared_in(State::Fulfilled(value)),
        }
    }

    /// `Promise.reject(reason)`: already rejected (reported if nobody
    /// handles it by the next checkpoint).
    ///
    /// ```
    /// use baton::{Error, EventLoop, Promise};
    ///
    /// let recovered = EventLoop::virtual_clock().run(|| {
    ///     Promise::<String>::reject(Error::msg("offline")).catch(|e| Ok::<_, Error>(format!("cached ({e})")))
    /// });
    /// assert_eq!(recovered.peek().and_then(Result::ok).as_deref(), Some("cached (offline)"));
    /// ```
    pub fn reject(reason: E) -> Self {
        let shared = Self::pending_shared();
        settle(&shared, Err(reason));
        Promise { shared }
    }

    /// The outcome, if settled.
    ///
    /// ```
    /// use baton::{Error, EventLoop, Promise};
    ///
    /// let (p, r) = EventLoop::virtual_clock().run(Promise::<u32>::with_resolver);
    /// assert_eq!(p.peek().map(|o| o.ok()), None); // pending
    /// EventLoop::virtual_clock().run(move || r.resolve(3));
    /// assert_eq!(p.peek().and_then(Result::ok), Some(3));
    /// ```
    pub fn peek(&self) -> Option<Result<T, E>> {
        self.shared.outcome()
    }

    /// Whether it has not settled yet.
    ///
    /// ```
    /// use baton::{EventLoop, Promise};
    ///
    /// let (p, r) = EventLoop::virtual_clock().run(Promise::<u32>::with_resolver);
    /// assert!(p.is_pending());
    /// EventLoop::virtual_clock().run(move || r.resolve(3));
    /// assert!(!p.is_pending());
    /// ```
    pub fn is_pending(&self) -> bool {
        matches!(self.shared.inner.borrow().state, State::Pending { .. })
    }

    /// Whether it is still pending (`None`), else whether it was rejected.
    #[inline]
    pub(crate) fn rejected(&self) -> Option<bool> {
        match self.shared.inner.borrow().state {
            State::Pending { .. } => None,
            State::Fulfilled(_) => Some(false),
            State::Rejected { .. } => Some(true),
        }
    }

    /// Registers `reaction` to run as a microtask once settled (at once if
    /// already settled). Marks the promise handled.
    pub(crate) fn subscribe(&self, reaction: impl FnOnce(Result<T, E>) + 'static) {
        self.subscribe_told(move |outcome, _| reaction(outcome));
    }

    /// As [`subscribe`](Self::subscribe), the reaction told whether it
    /// runs as the whole of its microtask: a driver resumed so may take its
    /// next turn at once (see `event_loop::may_go_on_at_once`).
    pub(crate) fn subscribe_told(&self, reaction: impl FnOnce(Result<T, E>, bool) + 'static) {
        let mut inner = self.shared.inner.borrow_mut();
        let report = inner.state.mark_handled();
        let settled = !matches!(inner.state, State::Pending { .. });
        if !settled || inner.reactions.is_none() {
            inner.reactions.push_told(reaction);
            drop(inner);
            if settled {
                // No reaction job of its own in the queue: the promise
                // becomes that job again, holding the reaction inline.
                // Queued as a closure with the outcome, the reaction was
                // too large to queue without a box.
                event_loop::queue_job(Rc::<Shared<T, E>>::clone(&self.shared));
            }
        } else {
            // Its job is queued with reactions already: joining them would
            // let this one overtake whatever was queued since.
            drop(inner);
            if let Some(outcome) = self.shared.outcome() {
                event_loop::queue_microtask(move || reaction(outcome, false));
            }
        }
        // Told at the next checkpoint (Node's `rejectionHandled`).
        if report {
            self.shared.report_handled_later();
        }
    }

    /// Resumes `task` one microtask turn after the promise settles (at once
    /// if it has, or without the queue when it may:
    /// [`LentTask::go_on_at_once`]): an `await`. The reaction is made where
    /// it is stored:
    /// built first and then moved in, it was written word by word and read
    /// back as one 16-byte load, which cannot be forwarded from the pending
    /// stores.
    pub(crate) fn resume_on_settle(&self, lent: &LentTask<'_>) {
        let mut inner = self.shared.inner.borrow_mut();
        let report = inner.state.mark_handled();
        if matches!(inner.state, State::Pending { .. }) {
            let task = lent.task.clone();
            inner.reactions.push_told(move |_, alone| {
                if alone {
                    task.run_alone();
                } else {
                    task.run();
                }
            });
            drop(inner);
        } else {
            drop(inner);
            if !lent.go_on_at_once() {
                event_loop::queue_job(lent.task.clone());
            }
        }
        if report {
            self.shared.report_handled_later();
        }
    }

    /// Marks the promise handled, as subscribing does: for a waiter that
    /// takes its own turn on a settled promise instead of subscribing.
    #[inline]
    pub(crate) fn mark_handled(&self) {
        self.shared.mark_handled();
    }

    /// `then(onFulfilled)`: a promise of what `on_fulfilled` settles to; a
    /// rejection passes through. The handler may return `Ok`/`Err` (a value
    /// or a throw) or a promise (adopted). A panic in it rejects.
    ///
    /// ```
    /// use baton::{Error, EventLoop, Promise};
    ///
    /// let out = EventLoop::virtual_clock().run(|| {
    ///     Promise::<u32>::resolve(2)
    ///         .then(|v| Ok::<_, Error>(v + 1)) // a value
    ///         .then(|v| Promise::resolve(v * 10)) // a promise, adopted
    ///         .then(|v| if v > 20 { Err(Error::msg("too big")) } else { Ok(v) }) // a throw
    ///         .catch(|e| Ok::<_, Error>(e.to_string().len() as u32))
    /// });
    /// assert_eq!(out.peek().and_then(Result::ok), Some(7));
    /// ```
    pub fn then<U, S>(&self, on_fulfilled: impl FnOnce(T) -> S + 'static) -> Promise<U, E>
    where
        U: Clone + 'static,
        S: Settle<U, E>,
    {
        let derived = Promise::<U, E>::pending_shared();
        let target = derived.clone();
        self.subscribe(move |outcome| match outcome {
            Ok(value) => run_handler(&target, move || on_fulfilled(value)),
            Err(reason) => settle(&target, Err(reason)),
        });
        Promise { shared: derived }
    }

    /// `then(onFulfilled, onRejected)`.
    ///
    /// ```
    /// use baton::{Error, EventLoop, Promise};
    ///
    /// let out = EventLoop::virtual_clock().run(|| {
    ///     Promise::<u32>::reject(Error::msg("down")).then_else(
    ///         |v| Ok::<_, Error>(format!("got {v}")),
    ///         |e| Ok::<_, Error>(format!("fallback after {e}")),
    ///     )
    /// });
    /// assert_eq!(out.peek().and_then(Result::ok).as_deref(), Some("fallback after down"));
    /// ```
    pub fn then_else<U, S, S2>(
        &self,
        on_fulfilled: impl FnOnce(T) -> S + 'static,
        on_rejected: impl FnOnce(E) -> S2 + 'static,
    ) -> Promise<U, E>
    where
        U: Clone + 'static,
        S: Settle<U, E>,
        S2: Settle<U, E>,
    {
        let derived = Promise::<U, E>::pending_shared();
        let target = derived.clone();
        self.subscribe(move |outcome| match outcome {
            Ok(value) => run_handler(&target, move || on_fulfilled(value)),
            Err(reason) => run_handler(&target, move || on_rejected(reason)),
        });
        Promise { shared: derived }
    }

    /// `then(v => f(v))` for a handler that cannot fail.
    ///
    /// ```
    /// use baton::{EventLoop, Promise};
    ///
    /// let out = EventLoop::virtual_clock().run(|| Promise::<u32>::resolve(20).map(|v| v + 22));
    /// assert_eq!(out.peek().and_then(Result::ok), Some(42));
    /// ```
    pub fn map<U: Clone + 'static>(&self, f: impl FnOnce(T) -> U + 'static) -> Promise<U, E> {
        self.then(move |v| Ok::<U, E>(f(v)))
    }

    /// `catch(onRejected)`: recovers from a rejection (or rethrows with
    /// `Err`); a value passes through.
    ///
    /// ```
    /// use baton::{Error, EventLoop, Promise};
    ///
    /// let out = EventLoop::virtual_clock().run(|| {
    ///     let recovered = Promise::<u32>::reject(Error::msg("x")).catch(|_| Ok::<_, Error>(0));
    ///     let untouched = Promise::<u32>::resolve(9).catch(|_| Ok::<_, Error>(0));
    ///     baton::promise::all([recovered, untouched])
    /// });
    /// assert_eq!(out.peek().and_then(Result::ok), Some(vec![0, 9]));
    /// ```
    pub fn catch<S>(&self, on_rejected: impl FnOnce(E) -> S + 'static) -> Promise<T, E>
    where
        S: Settle<T, E>,
    {
        self.then_else(Ok::<T, E>, on_rejected)
    }

    /// `finally(onFinally)`: runs `on_finally` either way and passes the
    /// outcome through; if `on_finally` fails (returns `Err`, or a promise
    /// that rejects) its failure wins. Takes JavaScript's microtask turns,
    /// as the specification defines `finally` through `then`.
    ///
    /// ```
    /// use baton::{Error, EventLoop, Promise};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// let l = log.clone();
    /// let out = EventLoop::virtual_clock().run(move || {
    ///     Promise::<u32>::resolve(1).finally(move || {
    ///         l.borrow_mut().push("cleanup");
    ///         Ok::<_, Error>(())
    ///     })
    /// });
    /// assert_eq!(out.peek().and_then(Result::ok), Some(1)); // passed through
    /// assert_eq!(*log.borrow(), ["cleanup"]);
    ///
    /// // A failing `finally` overrides the outcome.
    /// let out = EventLoop::virtual_clock().run(|| {
    ///     Promise::<u32>::resolve(1)
    ///         .finally(|| Err::<(), _>(Error::msg("cleanup failed")))
    ///         .catch(|e| Ok::<_, Error>(e.to_string().len() as u32))
    /// });
    /// assert_eq!(out.peek().and_then(Result::ok), Some(14));
    /// ```
    pub fn finally<S>(&self, on_finally: impl FnOnce() -> S + 'static) -> Promise<T, E>
    where
        S: Settle<(), E>,
    {
        let derived = Self::pending_shared();
        let target = derived.clone();
        self.subscribe(move |outcome| {
            run_handler(&target, move || match on_finally().into_resolution() {
                Resolution::Reject(e) => Resolution::Reject(e),
                done => {
                    let after = Promise::from_resolution(done);
                    Resolution::Adopt(match outcome {
                        Ok(value) => after.map(move |()| value),
                        Err(reason) => after.then(move |()| Err(reason)),
                    })
                }
            })
        });
        Promise { shared: derived }
    }

    /// `Promise.resolve(x)` for any resolution: a promise is returned as is.
    ///
    /// ```
    /// use baton::{Error, EventLoop, Promise};
    ///
    /// let ok = Promise::<u32>::from_resolution(Ok::<u32, Error>(1));
    /// assert_eq!(ok.peek().and_then(Result::ok), Some(1));
    /// let same = Promise::<u32>::resolve(2);
    /// let adopted = Promise::from_resolution(same.clone()); // returned as is
    /// assert_eq!(adopted.peek().and_then(Result::ok), Some(2));
    /// let failed = EventLoop::virtual_clock().run(|| {
    ///     Promise::<u32>::from_resolution(Err::<u32, _>(Error::msg("no"))).catch(|_| Ok::<_, Error>(0))
    /// });
    /// assert_eq!(failed.peek().and_then(Result::ok), Some(0));
    /// ```
    pub fn from_resolution(resolution: impl Settle<T, E>) -> Self {
        match resolution.into_resolution() {
            Resolution::Adopt(p) => p,
            other => {
                let shared = Self::pending_shared();
                resolve(&shared, other);
                Promise { shared }
            }
        }
    }
}

/// The promise resolution procedure.
fn resolve<T: Clone + 'static, E: Reason>(shared: &Rc<Shared<T, E>>, resolution: Resolution<T, E>) {
    match resolution {
        Resolution::Value(v) => settle(shared, Ok(v)),
        Resolution::Reject(e) => settle(shared, Err(e)),
        Resolution::Adopt(inner) if Rc::ptr_eq(&inner.shared, shared) => {
            let cycle = Fault::new(
                FaultKind::ChainingCycle,
                "a promise was resolved with itself",
            );
            settle(shared, Err(cycle.into()));
        }
        Resolution::Adopt(inner) => {
            // NewPromiseResolveThenableJob: `inner.then(resolve, reject)`
            // runs in a microtask of its own.
            let target = shared.clone();
            event_loop::queue_microtask(move || {
                inner.subscribe(move |outcome| settle(&target, outcome));
            });
        }
        Resolution::Thenable(thenable) => {
            let resolver = Resolver::fresh(CellRc::new(shared.clone()));
            event_loop::queue_microtask(move || {
                let fallback = resolver.clone();
                if let Err(payload) = catch_unwind(AssertUnwindSafe(|| thenable.then(resolver))) {
                    fallback.reject(Fault::from_panic(&*payload).into());
                }
            });
        }
    }
}

/// Runs a handler and resolves `target` with what it produced; a panic
/// rejects `target` with a [`Fault`].
fn run_handler<U: Clone + 'static, E: Reason, S: Settle<U, E>>(
    target: &Rc<Shared<U, E>>,
    handler: impl FnOnce() -> S,
) {
    match catch_unwind(AssertUnwindSafe(handler)) {
        Ok(settle) => resolve(target, settle.into_resolution()),
        Err(payload) => settle(target, Err(Fault::from_panic(&*payload).into())),
    }
}
