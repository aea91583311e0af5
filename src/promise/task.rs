//! Async tasks on the event loop: a Rust `async` block becomes a promise
//! (an async function), and awaiting a promise takes one microtask turn,
//! as `await` does in JavaScript.

use std::cell::{Cell, UnsafeCell};
use std::future::{Future, IntoFuture};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::{CellRc, Promise, Settle, resolve, settle};
use crate::event_loop::{self, GoOn, Job, LentTask, WakeTarget};
use crate::generator::airlock;
use crate::{EventLoop, Fault, FaultKind, Reason};

/// A spawned future and the promise it settles: one allocation, the body
/// stored inline (it is pinned there, as the task never moves).
struct Task<T, E, F> {
    target: WakeTarget,
    promise: CellRc<T, E>,
    /// `None` once finished. Reached only by whoever sets `running` (a
    /// poll, or abandoning the task), which keeps those accesses from
    /// nesting: the flag does a `RefCell`'s work, so the cell needs no
    /// borrow flag of its own (8 bytes per task).
    body: UnsafeCell<Option<F>>,
    running: Cell<bool>,
    /// Poll again at once (woken while running, or a turn owed), and the
    /// turns owed (see [`GoOn`]).
    go_on: GoOn,
}

/// The task on baton's loop whose poll `cx` comes from, if the future
/// being polled is under that task's own waker (directly, or inside an
/// async generator's body the task drives): an awaited promise can then
/// resume the task from its reaction, with no waker round trip and no
/// extra microtask. Under any other waker (a combinator polling its
/// futures with wakers of its own) it is `None`, and that waker is woken.
#[inline]
pub(crate) fn task_of<'a>(cx: &'a Context<'_>) -> Option<LentTask<'a>> {
    event_loop::lent_task(airlock::polled_under(cx))
}

impl<T, E, F, S> Task<T, E, F>
where
    T: Clone + 'static,
    E: Reason,
    F: Future<Output = S> + 'static,
    S: Settle<T, E>,
{
    /// Polls the body once; `None` while it is pending. `alone`: whether
    /// the task runs as the whole of its microtask. Called only by `turn`,
    /// which has just set `running`.
    fn poll_body(self: &Rc<Self>, alone: bool) -> Option<std::thread::Result<S>> {
        debug_assert!(self.running.get());
        // SAFETY: the body is reached only here and in `abandon`, each
        // after setting `running` when it was clear (here, by `turn`), and
        // `running` is cleared only after this returns: this is the one
        // reference to the body while it lives. The task is `!Send` (it
        // holds `Rc`s), so no other thread can reach it.
        let slot = unsafe { &mut *self.body.get() };
        let body = slot.as_mut()?;
        // SAFETY: the body lives inside the task's `Rc` allocation and is
        // never moved out: it is only polled here (the `running` flag keeps
        // polls from nesting) and dropped in place by overwriting the
        // `Option`, which is what pinning requires.
        let body = unsafe { Pin::new_unchecked(body) };
        let me: Rc<dyn Job> = self.clone();
        self.go_on.begin();
        let polled = self
            .target
            .with_waker(&me, alone.then_some(&self.go_on), |waker| {
                catch_unwind(AssertUnwindSafe(|| {
                    let mut cx = Context::from_waker(waker);
                    let mut body = body;
                    loop {
                        // Woken while it ran (an await that went on at
                        // once): poll again under the same waker.
                        match body.as_mut().poll(&mut cx) {
                            Poll::Pending if self.go_on.poll_again() => {}
                            polled => return polled,
                        }
                    }
                }))
            })
            .0;
        let finished = match polled {
            Ok(Poll::Pending) => return None,
            Ok(Poll::Ready(settled)) => Ok(settled),
            Err(payload) => Err(payload),
        };
        *slot = None;
        Some(finished)
    }

    /// Polls the body (a task woken while it runs is polled again at
    /// once) and settles the promise once it finishes.
    fn turn(self: &Rc<Self>, alone: bool) {
        if self.running.replace(true) {
            self.go_on.ask_again();
            return;
        }
        if let Some(finished) = self.poll_body(alone) {
            event_loop::deregister_task(self.target.key());
            match finished {
                Ok(settled) => resolve(&self.promise, settled.into_resolution()),
                Err(payload) => {
                    settle(&self.promise, Err(Fault::from_panic(&*payload).into()));
                }
            }
        }
        self.running.set(false);
    }
}

impl<T, E, F, S> Job for Task<T, E, F>
where
    T: Clone + 'static,
    E: Reason,
    F: Future<Output = S> + 'static,
    S: Settle<T, E>,
{
    // A task's turn often holds its last handle (the one its job or its
    // reaction was): let go of there, its allocation is recycled.
    fn run(self: Rc<Self>) {
        self.turn(false);
        crate::recycle::recycle(self);
    }

    fn run_alone(self: Rc<Self>) {
        self.turn(true);
        crate::recycle::recycle(self);
    }

    fn reservation(&self) -> u64 {
        self.target.serial()
    }

    /// Drops the body of a task that can never finish: the loop ran out
    /// of work while it waited.
    fn abandon(&self) {
        // Marked running while it goes: a destructor that wakes the task
        // finds it busy instead of reaching for its body.
        if self.running.replace(true) {
            return;
        }
        // SAFETY: as in `poll_body`: `running` was clear and is now set,
        // so nothing else reaches the body until it is cleared below.
        let slot = unsafe { &mut *self.body.get() };
        if slot.is_some() {
            event_loop::deregister_task(self.target.key());
            // Dropped in place, never moved out: the body is pinned (a
            // tokio timer in it is linked into the timer wheel by its
            // address, and would be unlinked from where it no longer is).
            *slot = None;
        }
        self.running.set(false);
    }
}

/// Runs `future` as an async function on the thread's event loop and
/// returns the promise of its outcome.
///
/// Like a JavaScript async function, it starts at once and runs until its
/// first `await` of something not yet available. It may finish with
/// `Ok`/`Err`, or with a promise, which is adopted (two more microtask
/// turns, as `return somePromise` in an async function). A panic rejects
/// the promise with a [`Fault`]. Spawned outside any run of the loop, it
/// runs until its first `await` and goes on in the next run.
///
/// A JavaScript async function is a `spawn`: `Promise.all([f(), g()])` is
/// `all([spawn(f()), spawn(g())])`, and each goes on in the turn of its
/// own wake-up. Futures joined inside one task (`join!`, `select!`, a
/// hand-written poll) are one async function to the loop: woken in the
/// same turn, they go on in the order the task polls them. A turn one of
/// them owes the task is taken in that order too, one a poll, never ahead
/// of another's (`tests/oracle/async_gen/joined_loops.js`).
///
/// ```
/// use baton::promise::all;
/// use baton::{Error, EventLoop, Promise, set_timeout, spawn};
/// use std::{cell::RefCell, rc::Rc, time::Duration};
///
/// // Two waits, the second's promise resolved first.
/// fn run(spawned: bool) -> Vec<&'static str> {
///     let log = Rc::new(RefCell::new(Vec::new()));
///     let l = log.clone();
///     EventLoop::virtual_clock().block_on(async move {
///         let (pa, ra) = Promise::<(), Error>::with_resolver();
///         let (pb, rb) = Promise::<(), Error>::with_resolver();
///         set_timeout(move || { rb.resolve(()); ra.resolve(()); }, Duration::ZERO);
///         let (la, lb) = (l.clone(), l.clone());
///         let a = async move { pa.await?; la.borrow_mut().push("a"); Ok::<_, Error>(()) };
///         let b = async move { pb.await?; lb.borrow_mut().push("b"); Ok::<_, Error>(()) };
///         if spawned {
///             all([spawn(a), spawn(b)]).await?;
///         } else {
///             // Both polled by this task, `a` first on every poll.
///             let (a, b) = tokio::join!(biased; a, b);
///             a.and(b)?;
///         }
///         Ok::<_, Error>(())
///     })
///     .ok();
///     log.take()
/// }
/// // As Node runs two async functions: `b`'s wake-up came first.
/// assert_eq!(run(true), ["b", "a"]);
/// // Joined in one task, woken in the same turn: in the order polled.
/// assert_eq!(run(false), ["a", "b"]);
/// ```
///
/// ```
/// use baton::{EventLoop, Promise, spawn};
///
/// let out = EventLoop::virtual_clock().block_on(async {
///     let a = Promise::<u32>::resolve(20).await?;
///     let b = spawn(async move { Ok::<_, baton::Error>(a + 1) }).await?;
///     Ok::<_, baton::Error>(b * 2)
/// });
/// assert_eq!(out.ok(), Some(42));
/// ```
pub fn spawn<T, E, S>(future: impl Future<Output = S> + 'static) -> Promise<T, E>
where
    T: Clone + 'static,
    E: Reason,
    S: Settle<T, E>,
{
    let shared = Promise::<T, E>::pending_shared();
    let promise = shared.clone();
    let task = event_loop::register_task(|target| {
        crate::recycle::new_rc(Task {
            target,
            promise,
            body: UnsafeCell::new(Some(future)),
            running: Cell::new(false),
            go_on: GoOn::default(),
        })
    });
    task.run();
    Promise { shared }
}

/// The future of `promise.await`.
///
/// Inside a task on baton's loop, polled under the task's own waker, the
/// promise's reaction resumes the task directly: one microtask turn, like
/// `await`. Polled under any other waker (another executor, or a
/// combinator such as `FuturesUnordered` that polls its futures with
/// wakers of its own) it wakes that waker from the reaction (the loop must
/// be running for the promise to settle). An await first polled by its
/// task and then handed to such a combinator wakes the combinator's waker
/// too; after that, the first such waker is the one woken.
///
/// Outside any run of the loop (a promise a run returned, awaited in
/// another executor afterwards), an await of a settled promise completes
/// at once: there is no loop to take a turn on. One of a pending promise
/// completes when a run settles it, and the uncaught hook is told (once a
/// thread, [`FaultKind::OutsideRun`]): with
/// no run to come, it would wait for ever. A promise resolved outside any
/// run queues its reactions for the next run.
///
/// ```
/// use baton::{Error, EventLoop, Promise, spawn};
/// use std::future::IntoFuture;
/// use std::pin::pin;
/// use std::task::{Context, Poll, Waker};
///
/// let answer = EventLoop::virtual_clock().run(|| spawn(async { Ok::<_, Error>(42) }));
/// // After the run: polled by another executor, it is ready at once.
/// let mut outside = pin!(answer.into_future());
/// let polled = outside.as_mut().poll(&mut Context::from_waker(Waker::noop()));
/// assert!(matches!(polled, Poll::Ready(Ok(42))));
/// ```
///
/// ```
/// use baton::{Error, EventLoop, Promise, queue_microtask};
/// use std::{cell::RefCell, rc::Rc};
///
/// // `await` takes one microtask turn, even on a settled promise.
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let (a, b) = (log.clone(), log.clone());
/// EventLoop::virtual_clock().block_on(async move {
///     queue_microtask(move || a.borrow_mut().push("queued before the await"));
///     let v = Promise::<u8>::resolve(1).await?;
///     b.borrow_mut().push("after the await");
///     Ok::<_, Error>(v)
/// })
/// .ok();
/// assert_eq!(*log.borrow(), ["queued before the await", "after the await"]);
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Awaiting<T, E> {
    promise: Promise<T, E>,
    waiter: Waiter,
}

/// Who the promise's settlement reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Waiter {
    /// Not polled yet.
    Nobody,
    /// The task polling it, resumed directly.
    Task,
    /// The waker of the poll that subscribed.
    Waker,
    /// Polled outside any run of the loop, already settled: no loop is
    /// there to order the await, so it completes at once.
    Settled,
}

impl<T, E> std::fmt::Debug for Awaiting<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Awaiting")
            .field("promise", &self.promise)
            .field("waiter", &self.waiter)
            .finish()
    }
}

impl<T: Clone + 'static, E: Reason> Future for Awaiting<T, E> {
    type Output = Result<T, E>;

    // Inlined, with the first poll's usual course (see `wait_for`) and the
    // second's peek, the rest out of line: the common case then costs no
    // call and no saving of the registers a subscription needs.
    #[inline(always)]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T, E>> {
        if self.waiter == Waiter::Nobody {
            self.waiter = self.promise.wait_for(cx);
            if self.waiter != Waiter::Settled {
                return Poll::Pending;
            }
        }
        match self.promise.peek() {
            Some(outcome) => Poll::Ready(outcome),
            None => {
                if self.waiter == Waiter::Task {
                    self.waiter = self.promise.still_waiting(cx);
                }
                Poll::Pending
            }
        }
    }
}

impl<T: Clone + 'static, E: Reason> Promise<T, E> {
    /// The first poll of an `await`: resume the polling task once this
    /// promise settles, or wake the poller's waker if it is not a task's
    /// own. Its usual course inlined: a fulfilled promise (nothing to mark
    /// handled) awaited by a task that may go on at once, asked first, so
    /// a task that may not (a spawn's first poll) does not look at the
    /// promise twice; the rest out of line. An await of a settled promise:
    /// 99 -> 68 instructions, 5.4-5.5 -> 4.1-4.4 ns. (Wholly inlined, an
    /// await took 80, but a task resumed by a reaction 10% more: the
    /// subscription's registers weigh on the caller. With the promise
    /// asked first, a spawn took 12% longer in its benchmark, on the same
    /// instructions.)
    #[inline(always)]
    fn wait_for(&self, cx: &Context<'_>) -> Waiter {
        match task_of(cx) {
            Some(lent) if lent.may_owe() && self.rejected() == Some(false) => {
                lent.go_on_at_once();
                Waiter::Task
            }
            lent => self.wait_for_else(lent, cx),
        }
    }

    #[inline(never)]
    fn wait_for_else(&self, lent: Option<LentTask<'_>>, cx: &Context<'_>) -> Waiter {
        match lent {
            Some(lent) => {
                self.resume_on_settle(&lent);
                Waiter::Task
            }
            None if !event_loop::is_running() => {
                // Outside a run, the turn an await takes would never come.
                if !self.is_pending() {
                    return Waiter::Settled;
                }
                // Nor would the settlement, unless a run comes: say so.
                event_loop::tell_of_wait_outside_run();
                self.wake_on_settle(cx)
            }
            None => self.wake_on_settle(cx),
        }
    }

    /// A later poll, still pending, of an await that resumes its task
    /// directly: if it is now polled under a waker of its own (handed to a
    /// combinator after its first poll), that waker must be woken too.
    #[cold]
    #[inline(never)]
    fn still_waiting(&self, cx: &Context<'_>) -> Waiter {
        match task_of(cx) {
            Some(_) => Waiter::Task,
            None => self.wake_on_settle(cx),
        }
    }

    fn wake_on_settle(&self, cx: &Context<'_>) -> Waiter {
        let waker = cx.waker().clone();
        self.subscribe(move |_| waker.wake());
        Waiter::Waker
    }
}

impl<T: Clone + 'static, E: Reason> IntoFuture for Promise<T, E> {
    type Output = Result<T, E>;
    type IntoFuture = Awaiting<T, E>;

    fn into_future(self) -> Awaiting<T, E> {
        Awaiting {
            promise: self,
            waiter: Waiter::Nobody,
        }
    }
}

impl EventLoop {
    /// Runs `future` as the main async function and the loop until no work
    /// is left; returns the future's outcome.
    ///
    /// The outcome is the caller's to handle: a failure of `future` is
    /// returned, not reported as an unhandled rejection (as JavaScript's
    /// would be, of a main async function nobody catches). Promises the
    /// future leaves rejected with no handler are reported as usual.
    ///
    /// If the loop runs out of work while the future still waits, its
    /// result can never arrive: that is an `Err` with a
    /// [`FaultKind::Stalled`] fault, not a hang, and the future is dropped
    /// before the run ends, as every async function still waiting is (see
    /// [`run`](Self::run), which also says why a blocking run does not
    /// belong inside a tokio runtime: await `run_async` there).
    ///
    /// # Errors
    ///
    /// The future's own error; or a [`FaultKind::Stalled`] fault, converted
    /// into `E`, when the loop runs out of work before the future completes.
    ///
    /// ```
    /// use baton::{Error, EventLoop, Promise};
    ///
    /// let never = EventLoop::virtual_clock().block_on(async {
    ///     let (p, _resolver) = Promise::<u32>::with_resolver();
    ///     p.await
    /// });
    /// let fault = never.unwrap_err();
    /// assert!(fault.to_string().contains("stalled"));
    /// ```
    pub fn block_on<T, E, S>(self, future: impl Future<Output = S> + 'static) -> Result<T, E>
    where
        T: Clone + 'static,
        E: Reason,
        S: Settle<T, E>,
    {
        // The outcome goes back to the caller, who handles it: a
        // rejection is not an unhandled one.
        let promise = self.run(|| {
            let promise = spawn(future);
            promise.mark_handled();
            promise
        });
        promise.peek().unwrap_or_else(|| {
            Err(Fault::new(
                FaultKind::Stalled,
                "the event loop ran out of work while the future was still waiting",
            )
            .into())
        })
    }
}
