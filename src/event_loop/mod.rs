//! The event loop: a microtask queue, timers, and a clock that is either
//! real or virtual.
//!
//! Like JavaScript's, there is one loop per thread and everything on it is
//! single-threaded: queues are `RefCell`s, promises are `Rc`s, and nothing
//! on the hot path is atomic. [`EventLoop::run`] drives the thread's loop:
//! it runs `main` (the script), then, until no work is left, each due timer
//! followed by a microtask checkpoint, exactly in Node's order. To use more
//! cores, run one loop per thread; values cross between loops as `Send`
//! data, never as promises: a task awaits another loop's answer as a
//! foreign future (a channel's receiver, say), whose waker is `Send`.
//! `examples/per_core.rs` splits a million sagas over two loops this way,
//! and `LoopPool` (with the `tokio` feature) keeps a loop on each of
//! several threads, inside a tokio runtime of its own so its jobs can
//! await tokio's I/O, and hands them work.
//!
//! ```
//! use baton::{Error, EventLoop, spawn};
//!
//! // Each thread runs a loop of its own; only the `u64` crosses.
//! let counts = std::thread::scope(|s| {
//!     let loops: Vec<_> = (0..2u64)
//!         .map(|i| {
//!             s.spawn(move || {
//!                 EventLoop::virtual_clock()
//!                     .block_on(async move { Ok::<_, Error>(spawn(async move { Ok::<_, Error>(i * 10) }).await?) })
//!             })
//!         })
//!         .collect();
//!     loops.into_iter().map(|l| l.join().ok().and_then(Result::ok)).collect::<Vec<_>>()
//! });
//! assert_eq!(counts, [Some(0), Some(10)]);
//! ```
//!
//! # Implementation notes
//!
//! `EventLoop::run(main)` runs `main` as the script, then a checkpoint, then
//! turns until no work is left: tasks woken from outside (Node's poll
//! phase), then every timer due at the loop's time, each followed by a
//! checkpoint. A checkpoint drains the microtask queue (`microtasks.rs`),
//! then tells of the reported rejections that got a handler since, then of
//! those still unhandled (Node's `processPromiseRejections`). `timers.rs`
//! is the timer queue and `time.rs` the timer functions; `registry.rs`
//! leads a waker's key to its task (`tasks.rs` registers, parks and
//! releases them), `remote.rs` takes wake-ups from outside the loop,
//! `reports.rs` holds the hooks and what is told to them, and `pool.rs`
//! keeps loops on threads of their own (`LoopPool`).
//!
//! - **The microtask queue.** A job queued to an empty queue waits in a
//!   fixed place beside the ring buffer, cheaper to fill and empty: on a
//!   busy loop most turns queue one job and run it. Values of two or three
//!   words on such paths are made where they are stored: built on the stack
//!   and moved, they were written word by word and read back as one 16-byte
//!   load the processor cannot forward from pending stores, the largest
//!   single cost `perf` found in queueing a job.
//! - **Going on at once.** A turn that is the whole of its microtask (a task
//!   run from the queue, not a reaction among others, nor the script) and
//!   finds the queue empty when it waits on a promise that has settled would
//!   be queued and run next with nothing in between
//!   (`may_go_on_at_once`): it goes on at once instead, in the same order at
//!   about half the cost. A task polls its body again; `run()`'s driver and
//!   a saga's driver take their next step in a loop; an async generator's
//!   delivery runs its consumer's turn. The `*_runs_on` oracle scenarios
//!   pin the order to Node's, and `shortcut_props` checks that runs with
//!   and without it log the same.
//! - **Clock.** On the virtual clock, time jumps to the next due timer when
//!   nothing else can happen; on the real clock the loop sleeps, or parks
//!   waiting for a foreign wake-up. While a clone of a task's waker is alive,
//!   a wake-up may still come from outside, so virtual time waits for it; a
//!   waker kept by a combinator inside the loop would hold the clock for
//!   ever, and after two seconds of real time `run` says so through the
//!   uncaught hook (as it does when a virtual-clock loop with no timer has
//!   waited that long for such a wake-up alone: a future that keeps its
//!   waker and never wakes it). A loop built `without_outside_wake_ups()`
//!   waits for no such wake-up.
//! - **Timers** are kept as Node keeps them: a FIFO list per delay (appending
//!   is always in order, since time never goes back) and a heap of list
//!   heads. Each timer is one 48-byte slot of a slab, its callback inside
//!   when it captures up to two words, and the lists are threaded through the
//!   slots, so such a timer costs no other memory. Clearing unlinks the slot
//!   and bumps its generation, so a stale `TimerId` matches nothing; each run
//!   starts its generations past every one handed out before. A delay's list
//!   is recycled once empty. Callbacks are dropped outside the queue's
//!   borrow, since their captures may set timers as they drop.
//! - **Tasks and wakers.** The waker a task lends to each poll points at the
//!   task (behind an async generator's airlock, at its outer waker) and costs
//!   nothing: an await polled under it registers the task itself as the
//!   promise's reaction. A combinator that polls its futures under wakers of
//!   its own (`FuturesUnordered`) gets its waker woken instead, or it would
//!   never look at that future again. A foreign future that *clones* the
//!   lent waker gets a real, thread-safe one: waking it queues the task in
//!   the loop's `Remote` and unparks the thread (`run`) or wakes the runtime
//!   (`run_async`, inside tokio). The `Remote` counts those clones per task,
//!   and the loop ends when no microtask, timer or live foreign waker of a
//!   waiting task remains; `block_on` turns "ran out of work while still
//!   waiting" into a `FaultKind::Stalled` error instead of a hang.
//! - **The registry** is one vector of 16-byte slots (the task); each
//!   reservation of a key has a serial number, kept by the task and its
//!   wakers, so a stale waker is not counted for the next task given its
//!   key. The registry and the microtask queue keep their buffers from one
//!   run to the next (regrowing them made glibc consolidate its free lists on
//!   every run).
//! - **Runs end.** When a run has no work left (or unwinds, or its
//!   `run_async` future is dropped), it drops every task still waiting and
//!   every async generator suspended at an `await`, as a tokio runtime drops
//!   its tasks on shutdown: what a task waits on may hold it (`Rc`s in a
//!   cycle, which JavaScript's collector would free), and none could resume
//!   in a later run with a key that run has given to another task. Work
//!   begun between runs (a task spawned, a timer set, a promise settled)
//!   belongs to the next run. Outside any run, an await of a settled promise
//!   completes at once; one of a pending promise waits for a later run, and
//!   the uncaught hook is told once a thread (`FaultKind::OutsideRun`).
//! - **Faults.** A panic in a handler or task rejects its promise with a
//!   `Fault`; a panic in a timer or microtask is reported to the
//!   `on_uncaught` hook. The loop never tears.

mod go_on;
mod microtasks;
#[cfg(feature = "tokio")]
mod pool;
#[cfg(test)]
mod queue_order;
mod registry;
mod remote;
mod reports;
mod tasks;
mod time;
mod timers;

use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::Fault;
pub(crate) use go_on::GoOn;
#[cfg(test)]
pub(crate) use microtasks::NEVER_GO_ON;
#[cfg(test)]
pub(crate) use microtasks::Nothing;
pub use microtasks::queue_microtask;
pub(crate) use microtasks::{Job, may_go_on_at_once, queue_job, queue_job_first};
use microtasks::{MICROTASKS, Next};
#[cfg(feature = "tokio")]
pub use pool::LoopPool;
use registry::Registry;
pub(crate) use remote::{LentTask, Remote, WakeTarget, lent_task};
pub use reports::Rejection;
use reports::{Hooks, StallNotice, with_hooks};
pub(crate) use reports::{
    Watched, report_handled_later, report_uncaught, tell_of_wait_outside_run, watch_rejection,
};
use tasks::drop_waiting_tasks;
pub(crate) use tasks::{
    deregister_task, park_task, register_task, release_task_key, reserve_task_key, unpark_task,
};
use time::{advance_to, run_expired_timers};
pub use time::{clear_interval, clear_timeout, now, pending_timers, set_interval, set_timeout};
pub use timers::TimerId;
use timers::Timers;

#[derive(Clone, Copy)]
enum Clock {
    Real(Instant),
    Virtual,
}

/// The thread's loop.
struct Inner {
    timers: RefCell<Timers>,
    clock: Cell<Clock>,
    /// The loop's time: real time is read once per turn, as Node caches it.
    now: Cell<Duration>,
    running: Cell<bool>,
    rejected: RefCell<Vec<Rc<dyn Watched>>>,
    /// Reported rejections handled since the last checkpoint.
    handled_later: RefCell<Vec<Rejection>>,
    hooks: RefCell<Hooks>,
    tasks: RefCell<Registry>,
    remote: Arc<Remote>,
    /// The buffer `remote`'s woken keys are swapped into (see
    /// [`Remote::swap_woken`]).
    woken: Cell<Vec<usize>>,
    /// Whether a wake-up may come from outside the loop.
    outside: Cell<bool>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // The kept foreign wakers hold the `Remote` that keeps them.
        self.remote.forget_wakers();
    }
}

thread_local! {
    static LOOP: Inner = Inner {
        timers: RefCell::new(Timers::default()),
        clock: Cell::new(Clock::Virtual),
        now: Cell::new(Duration::ZERO),
        running: Cell::new(false),
        rejected: RefCell::new(Vec::new()),
        handled_later: RefCell::new(Vec::new()),
        hooks: RefCell::new(Hooks::default()),
        tasks: RefCell::new(Registry::new()),
        remote: Arc::new(Remote::default()),
        woken: Cell::new(Vec::new()),
        outside: Cell::new(true),
    };

    /// Counts runs, so a task key reserved in one run is not trusted in
    /// the next (the registry is reset between runs). Apart from `LOOP`:
    /// an async generator's every step asks it, and a `const`
    /// thread-local with nothing to drop is read without the check of a
    /// destructor's registration.
    static RUN: Cell<u32> = const { Cell::new(0) };
}

/// Configures and runs the thread's event loop.
///
/// ```
/// use baton::{EventLoop, Promise, set_timeout, now};
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use std::time::Duration;
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// EventLoop::virtual_clock().run(move || {
///     let l2 = l.clone();
///     set_timeout(move || l2.borrow_mut().push(format!("timer at {:?}", now())), Duration::from_secs(5));
///     Promise::<_>::resolve(1).map(move |v| l.borrow_mut().push(format!("microtask {v}")));
/// });
/// assert_eq!(*log.borrow(), ["microtask 1", "timer at 5s"]);
/// ```
pub struct EventLoop {
    clock: Clock,
    hooks: Hooks,
    /// Whether a wake-up may come from outside the loop (see
    /// [`EventLoop::without_outside_wake_ups`]).
    outside: bool,
}

impl fmt::Debug for EventLoop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let clock = match self.clock {
            Clock::Real(_) => "real",
            Clock::Virtual => "virtual",
        };
        f.debug_struct("EventLoop")
            .field("clock", &clock)
            .field("outside_wake_ups", &self.outside)
            .finish_non_exhaustive()
    }
}

impl EventLoop {
    /// A loop on real time: timers wait for the wall clock.
    ///
    /// ```
    /// use baton::{EventLoop, Promise, now, set_timeout};
    /// use std::time::Duration;
    ///
    /// let fired_at = EventLoop::real_clock().run(|| {
    ///     let (p, r) = Promise::<Duration>::with_resolver();
    ///     set_timeout(move || r.resolve(now()), Duration::from_millis(5));
    ///     p
    /// });
    /// // The timer fires only once its time has passed on the wall clock.
    /// assert!(fired_at.peek().and_then(Result::ok) >= Some(Duration::from_millis(5)));
    /// ```
    pub fn real_clock() -> Self {
        EventLoop {
            clock: Clock::Real(Instant::now()),
            hooks: Hooks::default(),
            outside: true,
        }
    }

    /// A loop on a virtual clock starting at zero: when only timers are
    /// left, time jumps to the next one. Runs are instant and repeatable.
    ///
    /// "Only timers" means no wake-up can come from outside either: while
    /// a clone of a task's waker is alive (a tokio socket, another thread,
    /// or a combinator that keeps its waker between polls, as
    /// `FuturesUnordered` does), the loop waits for that wake-up before it
    /// moves time, so real I/O finishes in no virtual time. A task that
    /// keeps its waker while it waits for a timer therefore waits for ever
    /// on this clock, unless the loop is told no such wake-up will come
    /// ([`without_outside_wake_ups`](Self::without_outside_wake_ups)), or
    /// the timers are waited for with baton's own combinators (`all`,
    /// `race`, a saga's `race`). So that such a
    /// wait does not pass for a slow test, once the clock has been held
    /// back for two seconds of real time, [`run`](Self::run) tells the
    /// [`on_uncaught`](Self::on_uncaught) hook (a [`FaultKind::Stalled`](crate::FaultKind::Stalled)
    /// fault; by default a line on stderr), once a run (`run_async` waits
    /// without a limit: timing it would need the runtime's timer). It
    /// tells it too, once a run, when with no timer at all the loop has
    /// waited that long for such a wake-up alone (a future that keeps its
    /// waker and never wakes it hangs there, where a run on the real clock
    /// would be waiting for I/O).
    ///
    /// ```
    /// use baton::{EventLoop, now, set_timeout};
    /// use std::time::{Duration, Instant};
    ///
    /// let started = Instant::now();
    /// let fired_at = EventLoop::virtual_clock().run(|| {
    ///     let (p, r) = baton::Promise::<Duration>::with_resolver();
    ///     set_timeout(move || r.resolve(now()), Duration::from_secs(3600));
    ///     p
    /// });
    /// assert_eq!(fired_at.peek().and_then(Result::ok), Some(Duration::from_secs(3600)));
    /// assert!(started.elapsed() < Duration::from_secs(60)); // an hour, instantly
    /// ```
    pub fn virtual_clock() -> Self {
        EventLoop {
            clock: Clock::Virtual,
            hooks: Hooks::default(),
            outside: true,
        }
    }

    /// Declares that no wake-up will come from outside the loop (no other
    /// thread, no I/O driver): a waker that is kept alive then holds
    /// nothing back. On the virtual clock, time jumps to the next timer
    /// even while a combinator inside the loop keeps its waker (as
    /// `FuturesUnordered` does), instead of waiting for a wake-up from
    /// outside; with no timer left either, the run ends (a waiting
    /// `block_on` reports itself stalled).
    ///
    /// ```
    /// use baton::{Error, EventLoop, Promise, set_timeout};
    /// use std::future::poll_fn;
    /// use std::task::{Poll, Waker};
    /// use std::time::Duration;
    ///
    /// let out = EventLoop::virtual_clock()
    ///     .without_outside_wake_ups()
    ///     .block_on(async {
    ///         let (p, r) = Promise::<&str>::with_resolver();
    ///         set_timeout(move || r.resolve("an hour later"), Duration::from_secs(3600));
    ///         // A future that keeps a clone of its waker, as many
    ///         // combinators do, while the promise waits for its timer.
    ///         let mut kept: Option<Waker> = None;
    ///         let mut p = std::pin::pin!(p.into_future());
    ///         poll_fn(|cx| {
    ///             kept = Some(cx.waker().clone());
    ///             p.as_mut().poll(cx)
    ///         })
    ///         .await
    ///     });
    /// assert_eq!(out.ok(), Some("an hour later"));
    /// ```
    #[must_use = "a builder method returns the changed value"]
    pub fn without_outside_wake_ups(mut self) -> Self {
        self.outside = false;
        self
    }

    /// Called for each rejected promise that still has no handler after
    /// the microtask checkpoint that follows its rejection (Node's
    /// `unhandledRejection`). Default: a line on stderr.
    ///
    /// ```
    /// use baton::{Error, EventLoop, Promise};
    /// use std::{cell::Cell, rc::Rc};
    ///
    /// let reports = Rc::new(Cell::new(0));
    /// let r = reports.clone();
    /// EventLoop::virtual_clock()
    ///     .on_unhandled_rejection(move |_| r.set(r.get() + 1))
    ///     .run(|| {
    ///         drop(Promise::<u32>::reject(Error::msg("lost"))); // reported
    ///         let handled = Promise::<u32>::reject(Error::msg("caught"));
    ///         drop(handled.catch(|_| Ok::<_, Error>(0))); // handled in time: not reported
    ///     });
    /// assert_eq!(reports.get(), 1);
    /// ```
    #[must_use = "a builder method returns the changed value"]
    pub fn on_unhandled_rejection(mut self, hook: impl FnMut(&Rejection) + 'static) -> Self {
        self.hooks.unhandled = Box::new(hook);
        self
    }

    /// Called when a handler is attached to a rejection already reported as
    /// unhandled (Node's `rejectionHandled`): at the next microtask
    /// checkpoint, as Node tells it, after the microtasks queued meanwhile
    /// and before that checkpoint's unhandled rejections. Default: a line
    /// on stderr.
    ///
    /// ```
    /// use baton::{Error, EventLoop, Promise, set_timeout};
    /// use std::{cell::RefCell, rc::Rc, time::Duration};
    ///
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// let (a, b) = (log.clone(), log.clone());
    /// EventLoop::virtual_clock()
    ///     .on_unhandled_rejection(move |_| a.borrow_mut().push("unhandled"))
    ///     .on_rejection_handled(move |_| b.borrow_mut().push("handled later"))
    ///     .run(|| {
    ///         let p = Promise::<u32>::reject(Error::msg("late"));
    ///         set_timeout(move || drop(p.catch(|_| Ok::<_, Error>(0))), Duration::from_millis(1));
    ///     });
    /// assert_eq!(*log.borrow(), ["unhandled", "handled later"]);
    /// ```
    #[must_use = "a builder method returns the changed value"]
    pub fn on_rejection_handled(mut self, hook: impl FnMut(&Rejection) + 'static) -> Self {
        self.hooks.handled_later = Box::new(hook);
        self
    }

    /// Called when a timer callback or microtask panics (the loop carries
    /// on), and when the virtual clock has been held back by a kept waker
    /// for a while (see [`virtual_clock`](Self::virtual_clock)). Panics in
    /// promise handlers reject their promise instead. Default: a line on
    /// stderr.
    ///
    /// ```
    /// use baton::{EventLoop, queue_microtask};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// let faults = Rc::new(RefCell::new(Vec::new()));
    /// let f = faults.clone();
    /// let after = Rc::new(RefCell::new(false));
    /// let a = after.clone();
    /// EventLoop::virtual_clock()
    ///     .on_uncaught(move |fault| f.borrow_mut().push(fault.to_string()))
    ///     .run(move || {
    ///         queue_microtask(|| panic!("a bad job"));
    ///         queue_microtask(move || *a.borrow_mut() = true); // the loop carries on
    ///     });
    /// assert_eq!(faults.borrow().len(), 1);
    /// assert!(faults.borrow()[0].contains("a bad job"));
    /// assert!(*after.borrow());
    /// ```
    #[must_use = "a builder method returns the changed value"]
    pub fn on_uncaught(mut self, hook: impl FnMut(&Fault) + 'static) -> Self {
        self.hooks.uncaught = Box::new(hook);
        self
    }

    /// Takes over the thread's loop with this configuration; the guard
    /// resets it when the run ends, even by a panic.
    fn enter(self) -> ResetOnExit {
        LOOP.with(|lp| {
            assert!(
                !lp.running.get(),
                "EventLoop::run called while this thread's event loop is already running"
            );
            lp.running.set(true);
            RUN.with(|run| run.set(run.get().wrapping_add(1)));
            lp.clock.set(self.clock);
            lp.outside.set(self.outside);
            lp.now.set(Duration::ZERO);
            *lp.hooks.borrow_mut() = self.hooks;
        });
        ResetOnExit
    }

    /// Runs `main` as the first task, then the loop until no microtask or
    /// timer is left; returns what `main` returned.
    ///
    /// Async functions ([`spawn`](crate::spawn)) still waiting then can
    /// never resume, nor can async generators suspended at an `await` in
    /// their body: the run drops them, as a tokio runtime drops its tasks
    /// when it shuts down. Their futures' destructors run, before `run`
    /// returns (and the microtasks those queue), and what they held is
    /// freed, even when what they waited on held them in turn (a promise
    /// whose reaction holds the task that holds the promise: `Rc`s in a
    /// cycle). Their promises stay pending: a resolver used in a later run
    /// does not resume them. JavaScript has no later run: its process
    /// exits. (An async generator parked at a `yield` is a value, not a
    /// waiting task: a later run may resume it.)
    ///
    /// A run blocks its thread until it ends. Inside an async runtime, await
    /// `run_async` (the `tokio` feature) instead: a run called from a
    /// current-thread tokio runtime (`#[tokio::main]`'s body, one of its
    /// tasks) blocks that runtime, whose timers and I/O then cannot wake
    /// it; after two seconds of waiting for a wake-up from outside there,
    /// the [`on_uncaught`](Self::on_uncaught) hook is told, once a run
    /// ([`FaultKind::BlockedRuntime`](crate::FaultKind::BlockedRuntime)).
    ///
    /// Work queued on the thread while no run is going on (a microtask, a
    /// promise's reaction, a timer set by code outside any run) waits for
    /// the next run, ahead of what its `main` queues:
    ///
    /// ```
    /// use baton::{EventLoop, queue_microtask, set_timeout};
    /// use std::{cell::RefCell, rc::Rc, time::Duration};
    ///
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// let say = |line: &'static str| {
    ///     let log = log.clone();
    ///     move || log.borrow_mut().push(line)
    /// };
    /// queue_microtask(say("queued before the run"));
    /// set_timeout(say("timer set before the run"), Duration::ZERO);
    /// assert!(log.borrow().is_empty()); // nothing runs outside a run
    /// EventLoop::virtual_clock().run(|| {
    ///     queue_microtask(say("queued by main"));
    ///     set_timeout(say("timer set by main"), Duration::ZERO);
    /// });
    /// assert_eq!(
    ///     *log.borrow(),
    ///     ["queued before the run", "queued by main", "timer set before the run", "timer set by main"]
    /// );
    /// ```
    ///
    /// # Panics
    ///
    /// If the thread's loop is already running (runs do not nest). A panic
    /// in `main` propagates after the loop is reset.
    ///
    /// ```
    /// use baton::{EventLoop, Promise, queue_microtask, set_timeout};
    /// use std::{cell::RefCell, rc::Rc, time::Duration};
    ///
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// let (a, b, c) = (log.clone(), log.clone(), log.clone());
    /// let answer = EventLoop::virtual_clock().run(move || {
    ///     set_timeout(move || a.borrow_mut().push("timer"), Duration::ZERO);
    ///     queue_microtask(move || b.borrow_mut().push("microtask"));
    ///     c.borrow_mut().push("main");
    ///     42
    /// });
    /// assert_eq!(answer, 42);
    /// // `run` returned only after the microtask and the timer ran.
    /// assert_eq!(*log.borrow(), ["main", "microtask", "timer"]);
    /// ```
    pub fn run<R>(self, main: impl FnOnce() -> R) -> R {
        let _reset = self.enter();
        let result = main();
        checkpoint();
        let mut stall = StallNotice::default();
        loop {
            match next_turn() {
                Turn::Work => {}
                Turn::Done => break,
                Turn::WaitForWake(until) => {
                    let remote = LOOP.with(|lp| lp.remote.clone());
                    remote.rouse_thread(std::thread::current());
                    if !remote.has_woken() {
                        match stall.wait(until) {
                            Some(wait) => park_for(wait, &remote),
                            None => std::thread::park(),
                        }
                        stall.check(remote.has_woken());
                        // What the hook told may have queued (a promise it
                        // settled): its turn is a task of its own.
                        checkpoint();
                    }
                    remote.rouse_nobody();
                }
            }
        }
        drop_waiting_tasks();
        checkpoint();
        result
    }

    /// [`run`](Self::run) inside an async runtime: the loop runs as a future
    /// on the current thread, so futures of that runtime (tokio I/O,
    /// sockets, its timers) can be awaited from baton's tasks, and the
    /// runtime's driver runs while the loop waits.
    ///
    /// The future is `!Send`: drive it with a current-thread runtime (or a
    /// `LocalSet`). Real time is waited for with tokio's timer. Dropped
    /// before it finishes (by a timeout, a `select!`), it ends the run
    /// there, and drops the tasks still waiting as a finished run does.
    ///
    /// ```
    /// use baton::{Error, EventLoop, spawn};
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// let promise = rt.block_on(EventLoop::real_clock().run_async(|| {
    ///     spawn(async {
    ///         // A tokio future, awaited from a baton task.
    ///         tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    ///         Ok::<_, Error>("slept on tokio's timer")
    ///     })
    /// }));
    /// assert_eq!(promise.peek().and_then(Result::ok), Some("slept on tokio's timer"));
    /// ```
    #[cfg(feature = "tokio")]
    pub async fn run_async<R>(self, main: impl FnOnce() -> R) -> R {
        let _reset = self.enter();
        let result = main();
        checkpoint();
        loop {
            match next_turn() {
                Turn::Work => {}
                Turn::Done => break,
                Turn::WaitForWake(until) => {
                    let remote = LOOP.with(|lp| lp.remote.clone());
                    let woken = std::future::poll_fn(|cx| {
                        remote.rouse_waker(cx.waker());
                        if remote.has_woken() {
                            std::task::Poll::Ready(())
                        } else {
                            std::task::Poll::Pending
                        }
                    });
                    // A held virtual clock waits without a time limit here:
                    // timing it would need the runtime's timer, which a
                    // runtime built for I/O alone does not have.
                    match until.limit() {
                        Some(wait) => {
                            let _ = tokio::time::timeout(wait, woken).await;
                        }
                        None => woken.await,
                    }
                    remote.rouse_nobody();
                }
            }
        }
        drop_waiting_tasks();
        checkpoint();
        result
    }
}

/// What the loop does next.
enum Turn {
    /// It ran something; look again.
    Work,
    /// Nothing is left and nothing can arrive.
    Done,
    /// Only outside wake-ups (and, on real time, a timer due at this loop
    /// time) can bring work.
    WaitForWake(Wait),
}

/// How long the loop waits for an outside wake-up.
#[derive(Clone, Copy)]
enum Wait {
    /// Until one comes.
    ForWake,
    /// Until one comes or a timer is due at this loop time (real clock).
    UntilDue(Duration),
    /// Until one comes, with timers due that the virtual clock holds back
    /// meanwhile (see [`StallNotice`]).
    HoldingTime,
    /// Until one comes, on the virtual clock with no timer at all: nothing
    /// but a wake-up from outside can bring work (see [`StallNotice`]).
    Idle,
}

impl Wait {
    /// The real time to wait for, if any: until the timer is due.
    fn limit(self) -> Option<Duration> {
        match self {
            Wait::UntilDue(due) => Some(due.saturating_sub(real_elapsed())),
            Wait::ForWake | Wait::HoldingTime | Wait::Idle => None,
        }
    }
}

/// Parks the thread for `wait`, or until a wake-up comes. A park can
/// return before either (spuriously, or on an unpark left from a wake-up
/// taken before the park): it parks again for what is left, so a wait
/// that ends without a wake-up has lasted all of `wait` (what the stall
/// notices count on).
fn park_for(wait: Duration, remote: &Remote) {
    let deadline = Instant::now() + wait;
    while !remote.has_woken() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        std::thread::park_timeout(left);
    }
}

/// Milliseconds of real time since the run began (zero on a virtual clock).
fn real_elapsed() -> Duration {
    LOOP.with(|lp| match lp.clock.get() {
        Clock::Real(origin) => origin.elapsed(),
        Clock::Virtual => lp.now.get(),
    })
}

/// One turn: tasks woken from outside (Node's poll phase), then due timers.
fn next_turn() -> Turn {
    let (mut woken, seen) = LOOP.with(Inner::take_woken);
    let any_woken = !woken.is_empty();
    for key in woken.drain(..) {
        let task = LOOP.with(|lp| lp.tasks.borrow().get(key));
        if let Some(task) = task {
            // The whole of its turn (the queue is empty between turns): a
            // task so woken goes on at once after an await of a settled
            // promise, as one queued alone does.
            guarded(move || task.run_alone());
            checkpoint();
        }
    }
    LOOP.with(|lp| lp.woken.set(woken));
    if any_woken {
        return Turn::Work;
    }
    let due = LOOP.with(|lp| lp.timers.borrow_mut().next_due());
    let outside = LOOP.with(|lp| lp.outside.get());
    let waiting = outside && foreign_wakers_alive();
    if outside && !waiting && LOOP.with(|lp| lp.remote.woken_since(seen)) {
        // A foreign waker was woken and dropped between the two looks: its
        // task's turn comes first.
        return Turn::Work;
    }
    match (due, LOOP.with(|lp| lp.clock.get())) {
        (None, Clock::Virtual) if waiting => Turn::WaitForWake(Wait::Idle),
        (None, _) if waiting => Turn::WaitForWake(Wait::ForWake),
        (None, _) => Turn::Done,
        // Outside work is outstanding: virtual time only jumps when nothing
        // real can happen first.
        (Some(_), Clock::Virtual) if waiting => Turn::WaitForWake(Wait::HoldingTime),
        (Some(due), Clock::Real(origin)) if waiting && due > origin.elapsed() => {
            Turn::WaitForWake(Wait::UntilDue(due))
        }
        (Some(due), _) => {
            advance_to(due);
            run_expired_timers();
            Turn::Work
        }
    }
}

/// Whether a waker of a task still registered is held outside the loop:
/// then a wake-up may still come. Wakers of finished tasks do not count.
fn foreign_wakers_alive() -> bool {
    LOOP.with(|lp| {
        let tasks = lp.tasks.borrow();
        lp.remote
            .has_live_wakers(|key, serial| tasks.holds(key, serial))
    })
}

impl Inner {
    /// The keys of the tasks woken from outside since the last look, in
    /// the loop's own buffer (set it back into `woken` once drained: the
    /// two buffers take turns, so a wake-up allocates nothing), and the
    /// count of wake-ups at that moment (see [`Remote::woken_since`]).
    fn take_woken(&self) -> (Vec<usize>, u64) {
        let mut woken = self.woken.take();
        let seen = self.remote.swap_woken(&mut woken);
        (woken, seen)
    }

    #[inline]
    fn reserve_task_key(&self) -> WakeTarget {
        let (key, serial) = self.tasks.borrow_mut().reserve();
        WakeTarget::new(key, serial, current_run(), &self.remote)
    }
}

/// Whether a run of this thread's loop is in progress (`run_async`'s
/// while it is suspended too).
pub(crate) fn is_running() -> bool {
    LOOP.try_with(|lp| lp.running.get()).unwrap_or(false)
}

/// The current run's number (see `Inner::run`).
#[inline]
pub(crate) fn current_run() -> u32 {
    RUN.with(Cell::get)
}

/// Leaves the thread's loop clean for the next run, even after a panic.
struct ResetOnExit;

impl Drop for ResetOnExit {
    fn drop(&mut self) {
        LOOP.with(|lp| {
            lp.running.set(false);
            // Tasks still held (the run unwound from a panic before it
            // could drop its waiting tasks, or a destructor spawned one
            // since) are dropped first, while their keys are still theirs:
            // what their destructors queue is cleared with the rest.
            drop_waiting_tasks();
            let tasks = lp.tasks.borrow_mut().reset();
            // Jobs may own promises whose drop touches the loop: take them
            // out of the borrow before dropping them.
            let (first, mut jobs) = microtasks::take_all();
            drop(first);
            let rejected = std::mem::take(&mut *lp.rejected.borrow_mut());
            lp.handled_later.borrow_mut().clear();
            let timers = lp.timers.replace_with(|old| old.for_next_run());
            let hooks = std::mem::take(&mut *lp.hooks.borrow_mut());
            let (mut stale, _) = lp.take_woken();
            stale.clear();
            lp.woken.set(stale);
            jobs.clear();
            drop((tasks, rejected, hooks, timers));
            // The next run reuses the queue's buffer, as the registry's.
            jobs.shrink_to(registry::KEPT_CAPACITY);
            MICROTASKS.with(|q| {
                let mut q = q.borrow_mut();
                if q.is_empty() {
                    q.rest = jobs;
                }
            });
        });
    }
}

/// Runs a callback; a panic is reported, not propagated.
fn guarded(f: impl FnOnce()) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(f)) {
        report_uncaught(&Fault::from_panic(&*payload));
    }
}

/// Drains the microtask queue (including microtasks queued meanwhile), then
/// reports, as Node's `processPromiseRejections` does: first the reported
/// rejections handled since, then those still unhandled; and again, while
/// the hooks queue microtasks or reject promises.
fn checkpoint() {
    loop {
        while let Some(next) = microtasks::pop_microtask() {
            match next {
                Next::Job(job) => guarded(move || job.run_alone()),
                Next::Other(task) => guarded(move || task.call(())),
            }
        }
        // Looked at before they are taken: taking and dropping two empty
        // lists was a sixth of firing a timer.
        let reports = LOOP.with(|lp| {
            let (handled, rejected) = (&lp.handled_later, &lp.rejected);
            (!handled.borrow().is_empty() || !rejected.borrow().is_empty()).then(|| {
                (
                    std::mem::take(&mut *handled.borrow_mut()),
                    std::mem::take(&mut *rejected.borrow_mut()),
                )
            })
        });
        let Some((handled, rejected)) = reports else {
            return;
        };
        for rejection in handled {
            with_hooks(|hooks| (hooks.handled_later)(&rejection));
        }
        for promise in rejected {
            if !promise.is_handled() {
                promise.mark_reported();
                let report = promise.report();
                with_hooks(|hooks| (hooks.unhandled)(&report));
            }
        }
    }
}
