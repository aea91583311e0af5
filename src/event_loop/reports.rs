//! What the loop tells its hooks: unhandled rejections (and those handled
//! later), uncaught faults, and a virtual clock held back for ever.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use super::{LOOP, Wait};
use crate::{Fault, FaultKind};

/// A rejected promise the loop is watching: type-erased so one list holds
/// promises of every type.
pub(crate) trait Watched {
    /// Whether a handler has been attached since it was rejected.
    fn is_handled(&self) -> bool;
    /// Marks it reported, so a later handler reports "handled after all".
    fn mark_reported(&self);
    fn report(&self) -> Rejection;
}

/// An unhandled (or late-handled) rejection, as the hooks see it.
///
/// ```
/// use baton::{Error, EventLoop, Promise};
/// use std::{cell::RefCell, rc::Rc};
///
/// let seen = Rc::new(RefCell::new(Vec::new()));
/// let s = seen.clone();
/// EventLoop::virtual_clock()
///     .on_unhandled_rejection(move |r| s.borrow_mut().push(r.reason.clone()))
///     .run(|| drop(Promise::<u32>::reject(Error::msg("nobody listens"))));
/// assert_eq!(seen.borrow().len(), 1);
/// assert!(seen.borrow()[0].contains("nobody listens"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The promise's identity (its address while it lives), to match an
    /// unhandled report with a later handled one.
    pub promise: usize,
    /// The rejection reason, as `Debug` prints it.
    pub reason: String,
}

type Hook<A> = Box<dyn FnMut(&A)>;

pub(super) struct Hooks {
    pub(super) unhandled: Hook<Rejection>,
    pub(super) handled_later: Hook<Rejection>,
    pub(super) uncaught: Hook<Fault>,
}

impl Default for Hooks {
    fn default() -> Self {
        Hooks {
            unhandled: Box::new(|r| eprintln!("baton: unhandled promise rejection: {}", r.reason)),
            handled_later: Box::new(|r| {
                eprintln!(
                    "baton: promise rejection handled asynchronously: {}",
                    r.reason
                )
            }),
            uncaught: Box::new(|f| eprintln!("baton: uncaught {f}")),
        }
    }
}

/// Real time the virtual clock holds its timers back for an outside
/// wake-up before the loop says so.
const STALL_NOTICE_AFTER: Duration = Duration::from_secs(2);

/// Tells the uncaught hook, once a run, what a wait of
/// [`STALL_NOTICE_AFTER`] of real time with no wake-up may mean, where a
/// message beats a silent hang:
/// - the virtual clock has held its timers back for a wake-up from
///   outside that has not come (a waker kept by a combinator inside the
///   loop, see [`EventLoop::virtual_clock`](super::EventLoop::virtual_clock));
/// - a loop on the virtual clock, with no timer, has nothing to do but
///   wait for such a wake-up (a future that keeps its task's waker and
///   never wakes it: on the virtual clock, made for tests, a silent hang
///   is the worst way to fail);
/// - the run was made inside a current-thread tokio runtime, which it may
///   be blocking: that runtime's timers and I/O then cannot run, and a
///   wake-up from them never comes (`EventLoop::run_async` is the way in
///   there).
#[derive(Default)]
pub(super) struct StallNotice {
    /// Which notice the last wait was bounded for, if any.
    bounded_for: Option<Notice>,
    told_held_clock: bool,
    told_idle: bool,
    told_blocked_runtime: bool,
    /// Whether the run is inside a current-thread tokio runtime: looked at
    /// on the run's first wait for a wake-up, not on every run.
    in_runtime: Option<bool>,
}

/// What a wait of [`STALL_NOTICE_AFTER`] with no wake-up is told as.
#[derive(Clone, Copy)]
enum Notice {
    HeldClock,
    Idle,
    BlockedRuntime,
}

impl StallNotice {
    /// How long to park for `wait` (`None`: until woken).
    pub(super) fn wait(&mut self, wait: Wait) -> Option<Duration> {
        let limit = wait.limit();
        self.bounded_for = if !self.told_blocked_runtime
            && limit.is_none_or(|limit| limit > STALL_NOTICE_AFTER)
            && *self
                .in_runtime
                .get_or_insert_with(in_current_thread_runtime)
        {
            Some(Notice::BlockedRuntime)
        } else if matches!(wait, Wait::HoldingTime) && !self.told_held_clock {
            Some(Notice::HeldClock)
        } else if matches!(wait, Wait::Idle) && !self.told_idle {
            Some(Notice::Idle)
        } else {
            None
        };
        match self.bounded_for {
            Some(_) => Some(STALL_NOTICE_AFTER),
            None => limit,
        }
    }

    /// After a wait: if a wait bounded for a notice ended with no wake-up,
    /// tells the uncaught hook (the hook may itself wake the loop).
    pub(super) fn check(&mut self, woken: bool) {
        match self.bounded_for.take() {
            _ if woken => {}
            None => {}
            Some(Notice::BlockedRuntime) => {
                self.told_blocked_runtime = true;
                report_uncaught(&Fault::new(
                    FaultKind::BlockedRuntime,
                    format!(
                        "a blocking run of the loop (EventLoop::run or block_on) has waited \
                         {} s for a wake-up from outside, on a thread inside a current-thread \
                         tokio runtime: if the run blocks that runtime (it was called from the \
                         runtime's block_on, such as #[tokio::main]'s, or from one of its \
                         tasks), the runtime's timers and I/O cannot run until the run returns, \
                         and a wake-up from them never comes; inside a runtime, await \
                         EventLoop::run_async instead",
                        STALL_NOTICE_AFTER.as_secs()
                    ),
                ));
            }
            Some(Notice::Idle) => {
                self.told_idle = true;
                report_uncaught(&Fault::new(
                    FaultKind::Stalled,
                    format!(
                        "the loop (on the virtual clock, with no timer) has waited {} s of \
                         real time for a wake-up from outside, with nothing else to do: a \
                         clone of a task's waker is alive, and only its wake-up can bring \
                         work; a future that keeps its waker without ever waking it waits \
                         for ever (a wake-up that does come is still taken)",
                        STALL_NOTICE_AFTER.as_secs()
                    ),
                ));
            }
            Some(Notice::HeldClock) => {
                self.told_held_clock = true;
                report_uncaught(&Fault::new(
                    FaultKind::Stalled,
                    format!(
                        "the virtual clock has held its timers back for {} s of real time \
                         waiting for a wake-up from outside the loop (a clone of a task's \
                         waker is alive); virtual time moves only when nothing else can \
                         happen, so a combinator that keeps its waker while it waits for a \
                         timer waits for ever (see EventLoop::virtual_clock and \
                         EventLoop::without_outside_wake_ups)",
                        STALL_NOTICE_AFTER.as_secs()
                    ),
                ));
            }
        }
    }
}

/// Whether this thread is inside a current-thread tokio runtime's context,
/// which a blocking run may be blocking (a multi-thread runtime's other
/// workers drive its timers and I/O meanwhile).
fn in_current_thread_runtime() -> bool {
    #[cfg(feature = "tokio")]
    {
        use tokio::runtime::{Handle, RuntimeFlavor};
        Handle::try_current()
            .is_ok_and(|handle| handle.runtime_flavor() == RuntimeFlavor::CurrentThread)
    }
    #[cfg(not(feature = "tokio"))]
    {
        false
    }
}

/// A promise began to wait outside any run: the classic mistake is to
/// await baton's futures on another executor without a run around them,
/// which would wait for ever in silence. Told once a thread, since waiting
/// for a later run is also a legitimate (if rare) pattern.
#[cold]
#[inline(never)]
pub(crate) fn tell_of_wait_outside_run() {
    thread_local! {
        static TOLD: Cell<bool> = const { Cell::new(false) };
    }
    if TOLD.with(|told| told.replace(true)) {
        return;
    }
    report_uncaught(&Fault::new(
        FaultKind::OutsideRun,
        "a promise is awaited outside any run of this thread's event loop, so it \
         waits until a later run settles it; await baton's futures inside \
         EventLoop::run_async, run or block_on (told once a thread)",
    ));
}

pub(crate) fn report_uncaught(fault: &Fault) {
    with_hooks(|hooks| (hooks.uncaught)(fault));
}

/// Runs hooks outside the loop's borrow, so a hook may use the loop.
pub(super) fn with_hooks(f: impl FnOnce(&mut Hooks)) {
    let mut hooks = LOOP.with(|lp| std::mem::take(&mut *lp.hooks.borrow_mut()));
    f(&mut hooks);
    LOOP.with(|lp| *lp.hooks.borrow_mut() = hooks);
}

pub(crate) fn watch_rejection(promise: Rc<dyn Watched>) {
    LOOP.with(|lp| lp.rejected.borrow_mut().push(promise));
}

/// A reported rejection got a handler: told at the next checkpoint, before
/// that checkpoint's unhandled rejections, where Node emits
/// `rejectionHandled`.
pub(crate) fn report_handled_later(rejection: &Rejection) {
    let rejection = rejection.clone();
    LOOP.with(|lp| lp.handled_later.borrow_mut().push(rejection));
}
