//! The runner: `co` / `run` turns a generator that yields promises into a
//! promise — async/await rebuilt from generators, as seed 002 builds it.
//!
//! [`run`] is seed 002's `step()` loop: it calls `next()`; a yielded
//! [`Yieldable`] is turned into a promise and awaited with one reaction;
//! its value goes back in with `next(v)`, its rejection with `throw(e)`
//! (where the generator may catch it and carry on); an uncaught error
//! rejects the outer promise and the return value resolves it. The order of
//! these steps among other microtasks is Node's (see
//! `tests/oracle/runner/`).
//!
//! # Implementation notes
//!
//! `run(generator)` is a small state machine: a `Driver` (an `Rc` holding the
//! generator and the outer promise's resolver) calls `resume`; a yielded
//! `Yieldable` becomes a promise, and the driver subscribes one reaction to
//! it that steps again with `Next(value)` or `Throw(error)`. A promise that
//! has already settled is not subscribed: the driver queues itself and reads
//! the outcome when its turn comes, the same turn with no reaction
//! allocated. So each resume is exactly one microtask after the yielded
//! promise settles. One generator yields one type, so heterogeneous steps
//! yield `Promise<V>` with a common `V` (an enum, or JSON), or arrays, maps
//! and tuples, which wait in parallel.
//!
//! Cancellation (`CancellationToken`, `run_cancellable`) is an addition to
//! the driver: it has an epoch checked by its pending reaction (a stale
//! reaction does nothing), and `cancel(reason)` bumps the epoch, calls
//! `return()` on the suspended generator (whose cleanup runs and may yield
//! promises, which the driver keeps driving) and finally rejects the outer
//! promise with the reason. The step after the pending promise never runs,
//! because its reaction is stale. The sagas' trees cancel their children
//! the same way. The run removes its listener from the token when it ends
//! (`token.rs`): a token that outlives its runs keeps none of them.

pub(crate) mod token;
mod yieldable;

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use crate::event_loop;
use crate::generator::{Generator, Resume, Step};
use crate::{Fault, FaultKind, Promise, Reason, Resolver};

use token::Place;
pub use token::{CancellationToken, ListenerId, WhenCancelled};
pub use yieldable::{Done, FutureYield, Member, Thunk, Yieldable, future, thunk};

/// Drives `generator` to completion on the event loop; returns the promise
/// of its return value.
///
/// The generator starts at once (like `co(fn)`), and runs synchronously up
/// to its first `yield`. JavaScript's first `next()` passes `undefined`;
/// baton passes `Input::default()`, which a [`Gen`](crate::Gen) discards.
/// A panic in the generator rejects the promise with a [`Fault`].
///
/// ```
/// use baton::{Co, Error, EventLoop, Gen, Promise, set_timeout};
/// use baton::runner::run;
/// use std::time::Duration;
///
/// fn wait(ms: u64, value: u32) -> Promise<u32> {
///     Promise::new(move |r| {
///         set_timeout(move || r.resolve(value), Duration::from_millis(ms));
///     })
/// }
///
/// // run(function* () { const a = yield wait(10, 2); const b = yield wait(10, 3); return a + b })
/// let p = EventLoop::virtual_clock().run(|| {
///     run(Gen::new(|co: Co<Promise<u32>, u32, u32, Error>| async move {
///         let a = co.yield_(wait(10, 2)).await?;
///         let b = co.yield_(wait(10, 3)).await?;
///         Ok(a + b)
///     }))
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(5));
/// ```
pub fn run<G>(generator: G) -> Promise<G::Return, G::Error>
where
    G: Generator + 'static,
    G::Yield: Yieldable<G::Input, G::Error>,
    G::Input: Default + Clone + 'static,
    G::Return: Clone + 'static,
    G::Error: Reason,
{
    let (promise, resolver) = Promise::with_resolver();
    Driver::new(generator, resolver).step(Resume::Next(G::Input::default()), false);
    promise
}

/// `co.wrap(fn*)`: turns a generator function into a function returning a
/// promise (what an `async function` is).
///
/// ```
/// use baton::{Co, Error, EventLoop, Gen, Promise};
/// use baton::runner::wrap;
///
/// let double = wrap(|n: u32| {
///     Gen::new(move |co: Co<Promise<u32>, u32, u32, Error>| async move {
///         let v = co.yield_(Promise::resolve(n)).await?;
///         Ok(v * 2)
///     })
/// });
/// let p = EventLoop::virtual_clock().run(move || double(21));
/// assert_eq!(p.peek().and_then(Result::ok), Some(42));
/// ```
pub fn wrap<A, G>(make: impl Fn(A) -> G + 'static) -> impl Fn(A) -> Promise<G::Return, G::Error>
where
    G: Generator + 'static,
    G::Yield: Yieldable<G::Input, G::Error>,
    G::Input: Default + Clone + 'static,
    G::Return: Clone + 'static,
    G::Error: Reason,
{
    move |args| run(make(args))
}

/// The state of one `run`: the generator and the outer promise's resolver.
///
/// Each step happens in a reaction to the yielded promise, so a step is
/// exactly one microtask after the promise settles. Cancellation bumps
/// `epoch`, which turns the pending reaction into a no-op, then drives the
/// generator's cleanup through `return()` (see [`run_cancellable`]).
struct Driver<G: Generator> {
    generator: RefCell<G>,
    resolver: Resolver<G::Return, G::Error>,
    epoch: Cell<u64>,
    /// Set once cancelled: the outer promise rejects with it when the
    /// generator's cleanup is over.
    cancelled: RefCell<Option<G::Error>>,
    /// A yielded promise that had already settled, read when the driver's
    /// turn comes: the driver is then the queued job itself. Subscribing
    /// queues the promise as a job that runs a stored reaction, which costs
    /// about 40 more instructions a yield (9.2 against 13.9 ns a yield).
    settled: RefCell<Option<Promise<G::Input, G::Error>>>,
    /// The token listener of `run_cancellable`, removed when the run ends:
    /// a token that outlives its runs would keep every one of them.
    listening: Cell<Option<Place<G::Error>>>,
}

impl<G> Driver<G>
where
    G: Generator + 'static,
    G::Yield: Yieldable<G::Input, G::Error>,
    G::Input: Clone + 'static,
    G::Return: Clone + 'static,
    G::Error: Reason,
{
    fn new(generator: G, resolver: Resolver<G::Return, G::Error>) -> Rc<Self> {
        Rc::new(Driver {
            generator: RefCell::new(generator),
            resolver,
            epoch: Cell::new(0),
            cancelled: RefCell::new(None),
            settled: RefCell::new(None),
            listening: Cell::new(None),
        })
    }

    /// One step of the generator; the promise it yields is subscribed to,
    /// or, if it has settled, its turn is queued. A step that runs alone
    /// (the whole of its microtask: see [`take_turn`](Self::take_turn))
    /// may take that turn at once instead
    /// ([`may_go_on_at_once`](event_loop::may_go_on_at_once)): it resumes
    /// the generator with the outcome in its own loop. (Returning the
    /// promise for a caller's loop to step again cost a call, a frame and
    /// a promise's hand-back per yield: 132 instructions against 98.)
    fn step(self: &Rc<Self>, mut how: Resume<G::Input, G::Error, G::Return>, alone: bool) {
        let exhausted = "run() was given a generator that had already completed";
        let finished = loop {
            match resume_guarded(&self.generator, how, exhausted) {
                Ok(Stepped::Yielded(next)) => {
                    let promise = next.into_promise();
                    // Settled, and its turn would come next: taken here.
                    if crate::promise::may_skip_subscribing()
                        && event_loop::may_go_on_at_once(alone)
                        && let Some(outcome) = promise.peek()
                    {
                        if outcome.is_err() {
                            promise.mark_handled();
                        }
                        how = Resume::settled(outcome);
                        continue;
                    }
                    let epoch = self.epoch.get();
                    match promise
                        .rejected()
                        .filter(|_| crate::promise::may_skip_subscribing())
                    {
                        None => {
                            let me = Rc::clone(self);
                            promise.subscribe_told(move |outcome, alone| {
                                if me.epoch.get() == epoch {
                                    me.step(Resume::settled(outcome), alone);
                                } // else cancelled meanwhile: this step never runs
                            });
                        }
                        Some(rejected) => {
                            // The same one turn as a reaction, queued as the
                            // driver itself (two words, stored inline). Marked
                            // handled after queueing, as subscribing does; only
                            // a rejection has anything to mark.
                            let handled = rejected.then(|| promise.clone());
                            *self.settled.borrow_mut() = Some(promise);
                            let me = Rc::clone(self);
                            event_loop::queue_microtask(move || me.take_turn(epoch));
                            if let Some(handled) = handled {
                                handled.mark_handled();
                            }
                        }
                    }
                    return;
                }
                Ok(Stepped::Returned(value)) => break Ok(value),
                Err(error) => break Err(error),
            }
        };
        let cancelled = self.cancelled.borrow_mut().take();
        match (cancelled, finished) {
            (Some(reason), _) => self.resolver.reject(reason),
            (None, outcome) => self.resolver.resolve_with(outcome),
        }
        if let Some(listening) = self.listening.take() {
            listening.leave_listeners();
        }
    }

    /// The turn after a yielded promise that had already settled: a
    /// microtask of its own, so its steps run alone, and one that yields a
    /// settled promise with no microtask queued goes on with it in `step`.
    fn take_turn(self: Rc<Self>, epoch: u64) {
        if self.epoch.get() != epoch {
            return; // cancelled meanwhile: this step never runs
        }
        let outcome = self.settled.borrow_mut().take().and_then(|p| p.peek());
        if let Some(outcome) = outcome {
            self.step(Resume::settled(outcome), true);
        }
    }

    /// Stops the generator at its pending yield and drives its cleanup.
    fn cancel(self: Rc<Self>, reason: G::Error)
    where
        G::Return: Default,
    {
        if !self.resolver.promise().is_pending() || self.cancelled.borrow().is_some() {
            return;
        }
        if self.generator.try_borrow_mut().is_err() {
            // Cancelled from inside the generator's own step: take effect
            // once that step is over.
            event_loop::queue_microtask(move || self.cancel(reason));
            return;
        }
        self.epoch.set(self.epoch.get() + 1);
        *self.cancelled.borrow_mut() = Some(reason);
        self.step(Resume::Return(G::Return::default()), false);
    }
}

/// One step of a driven generator, with a panic in it, or a resume of a
/// generator that had already completed (`exhausted` says how), turned
/// into the generator's error: what a driver (the runner, the saga
/// runtime) needs so a broken body rejects instead of unwinding through
/// the loop.
pub(crate) fn resume_guarded<G: Generator>(
    generator: &RefCell<G>,
    how: Resume<G::Input, G::Error, G::Return>,
    exhausted: &'static str,
) -> Result<Stepped<G::Yield, G::Return>, G::Error>
where
    G::Error: From<Fault>,
{
    stepped(
        catch_unwind(AssertUnwindSafe(|| generator.borrow_mut().resume(how))),
        exhausted,
    )
}

/// A caught resume as a step: its panic, or a resume of an exhausted
/// generator, becomes a [`Fault`] thrown. Always inlined: called, it
/// moved the step's result through memory twice (30 instructions a step).
#[inline(always)]
pub(crate) fn stepped<Y, R, E: From<Fault>>(
    resumed: std::thread::Result<crate::StepResult<Y, R, E>>,
    exhausted: &'static str,
) -> Result<Stepped<Y, R>, E> {
    match resumed {
        Ok(Ok(Step::Yielded(y))) => Ok(Stepped::Yielded(y)),
        Ok(Ok(Step::Returned(r))) => Ok(Stepped::Returned(r)),
        Ok(Ok(Step::Done)) => Err(Fault::new(FaultKind::Exhausted, exhausted).into()),
        Ok(Err(error)) => Err(error),
        Err(payload) => Err(Fault::from_panic(&*payload).into()),
    }
}

/// A driven step that did not fail: the generator yielded or returned.
pub(crate) enum Stepped<Y, R> {
    Yielded(Y),
    Returned(R),
}

/// [`run`] with a [`CancellationToken`] (seed 003's `runCancellable`).
///
/// Cancelling while a yielded promise is pending: the step after that
/// promise never runs; the generator's cleanup runs through `return()`,
/// and cleanup may itself yield promises, which are awaited (what Rust's
/// missing async drop cannot do); then the outer promise rejects with the
/// reason. `return()` is given `T::default()` (JavaScript's `undefined`).
/// The run's listener leaves the token when the run ends, so a token that
/// outlives its runs (a server's shutdown token) keeps none of them.
///
/// ```
/// use baton::runner::{CancellationToken, run_cancellable};
/// use baton::{Abrupt, Co, Error, EventLoop, Gen, Promise, set_timeout};
/// use std::{cell::RefCell, rc::Rc, time::Duration};
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// let token = CancellationToken::new();
/// let t = token.clone();
/// let out = EventLoop::virtual_clock().run(move || {
///     let never = Promise::<u32>::with_resolver().0;
///     let p = run_cancellable(
///         Gen::new(move |co: Co<Promise<u32>, u32, u32, Error>| async move {
///             let step = co.yield_(never).await;
///             if let Err(Abrupt::Return(_)) = step {
///                 l.borrow_mut().push("cleanup"); // runs through return()
///             }
///             let v = step?;
///             l.borrow_mut().push("after the pending promise"); // never runs
///             Ok(v)
///         }),
///         &token,
///     );
///     set_timeout(move || t.cancel(Error::msg("cancelled by user")), Duration::from_millis(5));
///     p.catch(|e| Ok::<_, Error>(e.to_string().len() as u32))
/// });
/// assert_eq!(*log.borrow(), ["cleanup"]);
/// assert_eq!(out.peek().and_then(Result::ok), Some(17)); // "cancelled by user"
/// ```
pub fn run_cancellable<G>(
    generator: G,
    token: &CancellationToken<G::Error>,
) -> Promise<G::Return, G::Error>
where
    G: Generator + 'static,
    G::Yield: Yieldable<G::Input, G::Error>,
    G::Input: Default + Clone + 'static,
    G::Return: Default + Clone + 'static,
    G::Error: Reason,
{
    let (promise, resolver) = Promise::with_resolver();
    let driver = Driver::new(generator, resolver);
    let on_cancel = driver.clone();
    let listening = token.listen(move |reason| on_cancel.cancel(reason.clone()));
    if !token.is_cancelled() {
        driver.listening.set(Some(listening));
        driver.step(Resume::Next(G::Input::default()), false);
    }
    promise
}
