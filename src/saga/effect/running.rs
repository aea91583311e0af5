//! A performed effect: where its result comes from ([`Source`]), who waits
//! for it ([`Settled`], [`Waiter`]) and how to stop it ([`Stop`]).

use std::cell::Cell;
use std::fmt;
use std::rc::{Rc, Weak};
use std::time::Duration;

use super::{Value, unit};
use crate::promise::Erased;
use crate::{Error, Promise, TimerId, clear_timeout, queue_microtask, set_timeout};

/// How to stop an effect that is still running; given the reason.
pub(crate) type CancelHook = Box<dyn FnOnce(&Error)>;

/// How to stop a running effect: a hook, or (for a delay) just its timer,
/// which needs no allocation.
pub(crate) enum Stop {
    Hook(CancelHook),
    Timer(WordTimer),
    /// A promise that had already settled when the saga began to wait: its
    /// outcome is read when its turn comes; stopping just drops it.
    Settled(Rc<dyn Erased>),
    /// As [`Stop::Settled`], its value going back as the promise itself
    /// ([`Source::Handle`]).
    // No variant carries a flag beside its words: a `bool` sits beside
    // the tag, and a move of the enum then copies 23 bytes from an odd
    // offset in two overlapping moves, whose reads wait for the stores
    // before them to reach the cache instead of being forwarded (a call
    // effect 84 -> 75-78 ns natively, its 490 instructions unchanged).
    // So the flags are variants of their own.
    SettledHandle(Rc<dyn Erased>),
    /// Work that delivers its result itself ([`Source::Listening`]): see
    /// [`stopper`].
    Listening(Weak<dyn Listening>),
    /// Parts stopped together (a race's, an `all`'s), held strongly: a
    /// part's hook runs when its waiter is cancelled even if nothing else
    /// holds it.
    Parts(Rc<dyn StopParts>),
    /// Not a wait: the saga's driver is resuming it with outcomes known at
    /// once, and marks its slot so while it steps.
    Stepping,
    /// Not a wait: an outcome known at once, left for that driver's loop.
    Now(Result<Value, Error>),
    /// As [`Stop::Now`], the outcome a fork's that holds the scheduler.
    NowHeld(Result<Value, Error>),
}

/// A timer's id aligned as a word, as every other stop's payload is: a
/// payload at the tag's side makes a move of the enum copy from an odd
/// offset (see [`Stop::SettledHandle`]).
#[repr(align(8))]
pub(crate) struct WordTimer(TimerId);

impl Stop {
    pub(crate) fn stop(self, reason: &Error) {
        self.stop_with(|| reason);
    }

    /// [`stop`](Self::stop) with a reason asked for only by the stops
    /// that read it (a hook, an effect's parts): a timer or a settled
    /// promise stops without one, so a reason that must be made (a race's
    /// loser's) is made only for those.
    pub(crate) fn stop_with<'r>(self, reason: impl FnOnce() -> &'r Error) {
        match self {
            Stop::Hook(hook) => hook(reason()),
            Stop::Timer(WordTimer(id)) => clear_timeout(id),
            Stop::Settled(_) | Stop::SettledHandle(_) | Stop::Stepping | Stop::Now(_) => {}
            // A fork's outcome its parent never went on with: its hold on
            // the scheduler ends here.
            Stop::NowHeld(_) => crate::saga::scheduler::release(1),
            Stop::Listening(listening) => {
                if let Some(listening) = listening.upgrade() {
                    listening.stop();
                }
            }
            Stop::Parts(parts) => parts.stop_parts(reason()),
        }
    }

    /// `stop`, moved a field at a time: a stop just returned (written a
    /// field at a time) and moved as a block is read in moves the
    /// processor cannot forward from those stores (kept by a saga's
    /// step, a call effect 33 -> 27.5 ns natively, 457 -> 465
    /// instructions).
    #[inline(always)]
    pub(crate) fn moved(stop: Option<Stop>) -> Option<Stop> {
        Some(match stop? {
            Stop::Hook(hook) => Stop::Hook(hook),
            Stop::Timer(timer) => Stop::Timer(timer),
            Stop::Settled(promise) => Stop::Settled(promise),
            Stop::SettledHandle(promise) => Stop::SettledHandle(promise),
            Stop::Listening(listening) => Stop::Listening(listening),
            Stop::Parts(parts) => Stop::Parts(parts),
            Stop::Stepping => Stop::Stepping,
            Stop::Now(outcome) => Stop::Now(outcome),
            Stop::NowHeld(outcome) => Stop::NowHeld(outcome),
        })
    }

    /// The stop kept in `kept` if it is a [`Stop::Settled`], taken out
    /// (to be read with [`into_settled_outcome`](Self::into_settled_outcome)
    /// and dropped outside the borrow of where it was kept: dropping a
    /// promise may run code).
    #[inline]
    pub(crate) fn take_settled(kept: &mut Option<Stop>) -> Option<Stop> {
        match kept {
            Some(Stop::Settled(_) | Stop::SettledHandle(_)) => kept.take(),
            _ => None,
        }
    }

    /// The outcome of a [`Stop::Settled`] promise taken out of where it
    /// was kept (`None` for any other stop).
    #[inline]
    pub(crate) fn into_settled_outcome(self) -> Option<Result<Value, Error>> {
        match self {
            Stop::SettledHandle(promise) => promise.outcome_handle(),
            Stop::Settled(promise) => promise.outcome_erased(),
            _ => None,
        }
    }

    /// Both stops, in order (either may be missing).
    pub(crate) fn both(first: Option<Stop>, then: Option<Stop>) -> Option<Stop> {
        match (first, then) {
            (Some(a), Some(b)) => Some(Stop::Hook(Box::new(move |reason| {
                a.stop(reason);
                b.stop(reason);
            }))),
            (a, b) => a.or(b),
        }
    }
}

/// A task waiting for an effect: resumed with its outcome, if `epoch` is
/// still current. The task is already allocated, so waiting costs none.
pub(crate) trait Waiter {
    fn resume_with(self: Rc<Self>, epoch: u64, outcome: Result<Value, Error>);

    /// [`resume_with`](Waiter::resume_with) from a promise's reaction;
    /// `alone`: the reaction is the whole of its microtask, so the waiter
    /// may take its next turn at once, as in
    /// [`take_turn`](Waiter::take_turn).
    fn resume_told(self: Rc<Self>, epoch: u64, outcome: Result<Value, Error>, alone: bool) {
        let _ = alone;
        self.resume_with(epoch, outcome);
    }

    /// [`resume_with`](Waiter::resume_with) by a result handed over as it
    /// comes (a take's message or action, a `cps` callback), with which
    /// redux-saga resumes a waiter at once: a race it wins decides and
    /// resumes its saga at once, as a take alone does.
    fn resume_handed(self: Rc<Self>, epoch: u64, outcome: Result<Value, Error>) {
        self.resume_with(epoch, outcome);
    }

    /// The turn of a promise that had already settled when this waiter
    /// began to wait on it ([`Running::start_for`]): the waiter takes the
    /// [`Stop::Settled`] it kept for `epoch` and resumes with its outcome.
    fn take_turn(self: Rc<Self>, epoch: u64);

    /// Asked, instead of being queued for such a turn, to take it at once
    /// after its current step: whether it will (a waiter taking such a
    /// turn, the whole of its microtask, may: see
    /// `event_loop::may_go_on_at_once`).
    fn go_on_at_once(&self) -> bool {
        false
    }

    /// [`resume_with`](Waiter::resume_with) `()` one microtask turn from
    /// now; implemented with [`queue_resume_unit`], which queues the
    /// waiter and the epoch in place (no allocation).
    fn resume_unit_later(self: Rc<Self>, epoch: u64);
}

/// [`Waiter::resume_unit_later`] for a waiter of a known type: its `Rc`
/// is thin, so the queued job fits the queue's inline room.
pub(crate) fn queue_resume_unit<W: Waiter + 'static>(waiter: Rc<W>, epoch: u64) {
    // The microtask is the whole of its turn: the waiter is resumed alone.
    queue_microtask(move || waiter.resume_told(epoch, Ok(unit()), true));
}

/// Where an effect's result goes once it settles.
pub(crate) enum Settled {
    Call(Box<dyn FnOnce(Result<Value, Error>)>),
    Resume(Rc<dyn Waiter>, u64),
}

impl Settled {
    pub(crate) fn call(f: impl FnOnce(Result<Value, Error>) + 'static) -> Self {
        Settled::Call(Box::new(f))
    }

    pub(crate) fn deliver(self, outcome: Result<Value, Error>) {
        self.deliver_told(outcome, false);
    }

    /// [`deliver`](Self::deliver) from a promise's reaction, told whether
    /// it is the whole of its microtask (see [`Waiter::resume_told`]).
    pub(crate) fn deliver_told(self, outcome: Result<Value, Error>, alone: bool) {
        match self {
            Settled::Call(f) => f(outcome),
            Settled::Resume(waiter, epoch) => waiter.resume_told(epoch, outcome, alone),
        }
    }

    /// [`deliver`](Self::deliver) of a result handed over as it comes
    /// (see [`Waiter::resume_handed`]).
    pub(crate) fn deliver_handed(self, outcome: Result<Value, Error>) {
        match self {
            Settled::Call(f) => f(outcome),
            Settled::Resume(waiter, epoch) => waiter.resume_handed(epoch, outcome),
        }
    }

    /// Delivers `()` one microtask turn from now (a delay, a put), with
    /// nothing allocated.
    pub(crate) fn deliver_unit_later(self) {
        match self {
            Settled::Call(f) => queue_microtask(move || f(Ok(unit()))),
            Settled::Resume(waiter, epoch) => waiter.resume_unit_later(epoch),
        }
    }
}

/// An effect's own waiting object that hands its result to a [`Settled`]
/// itself, with no promise in between (a take, a put): listening,
/// delivering and stopping all go through the one allocation it is.
pub(crate) trait Listening: 'static {
    /// Hands the result to `settled` once it comes (a take's action or
    /// message at once, as redux-saga's channels do; a put held back by
    /// the scheduler once it is made); returns how to stop waiting, if
    /// there is anything to stop (see [`stopper`]).
    fn wait(self: Rc<Self>, settled: Settled) -> Option<Stop>;

    /// Stops waiting: a result that comes later goes nowhere.
    fn stop(&self) {}
}

/// Parts of an effect stopped together, with the reason ([`Stop::Parts`]).
pub(crate) trait StopParts {
    fn stop_parts(&self, reason: &Error);
}

/// The stop of a [`Listening`] object: weak, as a promise's reaction is
/// held by the promise and not by the waiter (a take no action ever
/// answers must not keep its saga alive).
pub(crate) fn stopper<L: Listening>(listening: &Rc<L>) -> Stop {
    let weak: Weak<L> = Rc::downgrade(listening);
    Stop::Listening(weak)
}

/// What a [`Listening`] object hands over: its waiter, and the result on
/// its way there. When the result comes, the object keeps it here and
/// delivers it at once if the waiter is there, or when it comes.
#[derive(Default)]
pub(crate) struct Handoff {
    waiting: Cell<Option<Settled>>,
    result: Cell<Option<Result<Value, Error>>>,
}

impl Handoff {
    pub(crate) fn wait(&self, settled: Settled) {
        self.waiting.set(Some(settled));
    }

    /// Keeps `result` until [`deliver`](Handoff::deliver).
    pub(crate) fn keep(&self, result: Result<Value, Error>) {
        self.result.set(Some(result));
    }

    /// Hands the result to the waiter if both have come; whichever is
    /// missing, the other stays for when it comes.
    pub(crate) fn deliver(&self) {
        let Some(result) = self.result.take() else {
            return;
        };
        match self.waiting.take() {
            Some(settled) => settled.deliver_handed(result),
            None => self.result.set(Some(result)),
        }
    }

    /// Lets the waiter go; returns a result that came but was not
    /// delivered.
    pub(crate) fn stop(&self) -> Option<Result<Value, Error>> {
        self.waiting.take();
        self.result.take()
    }
}

/// Where a running effect's result comes from. A typed promise is
/// subscribed to directly (through its own allocation, type-erased) and
/// its value boxed on delivery: no derived promise, no extra microtask
/// turn.
pub(crate) enum Source {
    Promise(Promise<Value, Error>),
    Erased(Rc<dyn Erased>),
    /// A typed promise whose receiver turns the value back into its type
    /// with [`downcast`](super::downcast): the value goes back as the promise itself, so
    /// nothing is boxed.
    Handle(Rc<dyn Erased>),
    /// A delay: a timer that delivers `()`, with no promise in between.
    Timer(Duration),
    Typed(Box<dyn FnOnce(Settled) -> Option<Stop>>),
    /// Work that delivers its result itself.
    Listening(Rc<dyn Listening>),
    /// Known when performed (a fork's task, `cancelled()`): the saga that
    /// yielded it goes on at once, as redux-saga resumes it; any other
    /// waiter has it one microtask later. Two variants, not a `Result`, so
    /// a source stays three words.
    Now(Value),
    FailedNow(Error),
    /// A fork's task: as `Now`, and the driver releases the scheduler's
    /// hold the fork took once the parent waits again.
    NowHeld(Value),
    /// A put's failure as it was made (a fixed buffer's overflow): as
    /// `FailedNow`, thrown into the putter inside the put, which holds the
    /// scheduler until the putter waits again, as redux-saga's put calls
    /// back inside its `asap`.
    FailedNowHeld(Error),
}

impl Source {
    /// `self`, moved a variant at a time (see [`Stop::moved`]).
    #[inline(always)]
    fn moved(self) -> Self {
        match self {
            Source::Promise(promise) => Source::Promise(promise),
            Source::Erased(promise) => Source::Erased(promise),
            Source::Handle(promise) => Source::Handle(promise),
            Source::Timer(after) => Source::Timer(after),
            Source::Typed(start) => Source::Typed(start),
            Source::Listening(listening) => Source::Listening(listening),
            Source::Now(value) => Source::Now(value),
            Source::FailedNow(error) => Source::FailedNow(error),
            Source::NowHeld(value) => Source::NowHeld(value),
            Source::FailedNowHeld(error) => Source::FailedNowHeld(error),
        }
    }

    /// Hands the result to `settled` (one microtask after it settles, as
    /// a promise reaction would be); returns how to stop what subscribing
    /// started, if anything (a delay's timer).
    pub(crate) fn subscribe(self, settled: Settled) -> Option<Stop> {
        match self {
            Source::Promise(promise) => {
                promise.subscribe_told(move |outcome, alone| settled.deliver_told(outcome, alone));
                None
            }
            Source::Erased(promise) => {
                promise.subscribe_erased(settled);
                None
            }
            Source::Handle(promise) => {
                promise.subscribe_handle(settled);
                None
            }
            Source::Timer(after) => {
                let fire = move || settled.deliver_unit_later();
                Some(Stop::Timer(WordTimer(set_timeout(fire, after))))
            }
            Source::Typed(subscribe) => subscribe(settled),
            Source::Listening(listening) => listening.wait(settled),
            Source::Now(value) => {
                queue_microtask(move || settled.deliver(Ok(value)));
                None
            }
            Source::NowHeld(value) => {
                // Its parent is not a saga going on at once: nothing holds.
                crate::saga::scheduler::release(1);
                queue_microtask(move || settled.deliver(Ok(value)));
                None
            }
            Source::FailedNow(error) => {
                queue_microtask(move || settled.deliver(Err(error)));
                None
            }
            Source::FailedNowHeld(error) => {
                crate::saga::scheduler::release(1);
                queue_microtask(move || settled.deliver(Err(error)));
                None
            }
        }
    }
}

/// An effect being performed: where its value will come from, and how to
/// cancel it if the saga stops waiting (a lost race, a cancelled saga).
///
/// ```
/// use baton::saga::{Effect, Kind, Running, SagaCo, run_saga};
/// use baton::{Error, EventLoop, Gen, Promise};
///
/// // A custom effect whose work is a typed promise.
/// fn answer() -> Effect {
///     Effect::custom_with(Kind::Custom, "answer", "", |_scope| Running::of(Promise::<u32>::resolve(42)))
/// }
/// let saga = Gen::new(|co: SagaCo<u32>| async move {
///     let v = co.yield_(answer()).await?;
///     Ok(*v.downcast_ref::<u32>().unwrap_or(&0))
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some(42));
/// ```
pub struct Running {
    pub(crate) source: Source,
    pub(crate) cancel: Option<Stop>,
}

impl fmt::Debug for Running {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Running")
            .field("cancellable", &self.cancel.is_some())
            .finish()
    }
}

impl Running {
    /// Work that cannot be stopped: cancelling it only stops waiting.
    ///
    /// ```
    /// use baton::saga::{Effect, Kind, Running, SagaCo, Value, run_saga};
    /// use baton::{EventLoop, Gen, Promise};
    /// use std::rc::Rc;
    ///
    /// let greeting = || {
    ///     Effect::custom_with(Kind::Custom, "greet", "", |_| Running::new(Promise::resolve(Rc::new("hi") as Value)))
    /// };
    /// let saga = Gen::new(move |co: SagaCo<&'static str>| async move {
    ///     let v = co.yield_(greeting()).await?;
    ///     Ok(*v.downcast_ref::<&str>().unwrap_or(&"?"))
    /// });
    /// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
    /// assert_eq!(p.peek().and_then(Result::ok), Some("hi"));
    /// ```
    pub fn new(promise: Promise<Value, Error>) -> Self {
        Running {
            source: Source::Promise(promise),
            cancel: None,
        }
    }

    /// [`Running::new`] for a typed promise: the saga resumes with its
    /// value.
    ///
    /// ```
    /// use baton::saga::{Effect, Kind, Running, SagaCo, run_saga};
    /// use baton::{EventLoop, Gen, Promise};
    ///
    /// let size = || Effect::custom_with(Kind::Custom, "size", "", |_| Running::of(Promise::<usize>::resolve(3)));
    /// let saga = Gen::new(move |co: SagaCo<usize>| async move {
    ///     let v = co.yield_(size()).await?; // the saga resumes with the promise's value
    ///     Ok(*v.downcast_ref::<usize>().unwrap_or(&0))
    /// });
    /// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
    /// assert_eq!(p.peek().and_then(Result::ok), Some(3));
    /// ```
    pub fn of<U: Clone + 'static>(promise: Promise<U, Error>) -> Self {
        Running {
            source: Source::Erased(promise.erase()),
            cancel: None,
        }
    }

    /// Runs `hook` with the reason if the effect is cancelled before it
    /// settles (clear a timer, abort a request, cancel a child saga).
    ///
    /// ```
    /// use baton::saga::{Effect, Kind, Running, SagaCo, run_saga};
    /// use baton::{Error, EventLoop, Gen, Promise, set_timeout};
    /// use std::{cell::RefCell, rc::Rc, time::Duration};
    ///
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// let l = log.clone();
    /// let request = move || {
    ///     let l = l.clone();
    ///     Effect::custom_with(Kind::Custom, "request", "", move |_| {
    ///         let never = Promise::<u32>::with_resolver().0;
    ///         Running::of(never).on_cancel(move |why| l.borrow_mut().push(format!("aborted: {why}")))
    ///     })
    /// };
    /// EventLoop::virtual_clock().run(move || {
    ///     let task = run_saga(Gen::new(move |co: SagaCo<()>| async move {
    ///         co.yield_(request()).await?;
    ///         Ok(())
    ///     }));
    ///     set_timeout(move || task.cancel(Error::msg("page closed")), Duration::from_millis(1));
    /// });
    /// assert_eq!(*log.borrow(), ["aborted: page closed"]);
    /// ```
    #[must_use = "a builder method returns the changed value"]
    pub fn on_cancel(mut self, hook: impl FnOnce(&Error) + 'static) -> Self {
        self.cancel = Some(Stop::Hook(Box::new(hook)));
        self
    }

    /// A fork's task: see [`Source::NowHeld`].
    pub(crate) fn now_held(task: Value) -> Self {
        Running {
            source: Source::NowHeld(task),
            cancel: None,
        }
    }

    /// A put's failure as it was made: see [`Source::FailedNowHeld`].
    pub(crate) fn failed_now_held(error: Error) -> Self {
        Running {
            source: Source::FailedNowHeld(error),
            cancel: None,
        }
    }

    /// An effect that hands its outcome to the [`Settled`] it is given,
    /// itself, and says how to stop waiting.
    pub(crate) fn waiting(subscribe: impl FnOnce(Settled) -> Option<Stop> + 'static) -> Self {
        Running {
            source: Source::Typed(Box::new(subscribe)),
            cancel: None,
        }
    }

    /// Work that delivers its result itself (a take, a held-back put, a
    /// `cps` call): see [`Listening`].
    pub(crate) fn listening(work: Rc<dyn Listening>) -> Self {
        Running {
            source: Source::Listening(work),
            cancel: None,
        }
    }

    /// An effect whose outcome is known as it is performed: the saga
    /// performing it goes on with it at once.
    pub(crate) fn now(outcome: Result<Value, Error>) -> Self {
        let source = match outcome {
            Ok(value) => Source::Now(value),
            Err(error) => Source::FailedNow(error),
        };
        Running {
            source,
            cancel: None,
        }
    }

    /// An effect whose outcome is known as it is performed, holding the
    /// scheduler if `held` (a race or an `all` decided at once by a fork,
    /// or by a put that failed as it was made): the saga goes on at once
    /// and lets go once it waits again.
    #[cold]
    #[inline(never)]
    pub(crate) fn known(outcome: Result<Value, Error>, held: bool) -> Self {
        match outcome {
            Ok(value) if held => Running::now_held(value),
            Err(error) if held => Running::failed_now_held(error),
            outcome => Running::now(outcome),
        }
    }

    /// An effect known as performed, its value mapped by `f`; any other as
    /// it is.
    pub(crate) fn map_now(self, f: impl FnOnce(Value) -> Value) -> Self {
        let source = match self.source {
            Source::Now(value) => Source::Now(f(value)),
            Source::NowHeld(value) => Source::NowHeld(f(value)),
            source => source,
        };
        Running {
            source,
            cancel: self.cancel,
        }
    }

    /// Whether the outcome was known as it was performed
    /// ([`Running::now`]).
    #[inline]
    pub(crate) fn is_now(&self) -> bool {
        matches!(
            self.source,
            Source::Now(_) | Source::FailedNow(_) | Source::NowHeld(_) | Source::FailedNowHeld(_)
        )
    }

    /// The error an effect known as it was performed failed with, if so.
    pub(crate) fn now_error(&self) -> Option<&Error> {
        match &self.source {
            Source::FailedNow(error) | Source::FailedNowHeld(error) => Some(error),
            _ => None,
        }
    }

    /// Whether it delivers its result itself ([`Source::Listening`]: a
    /// take, a held-back put, a `cps` call, a race or an `all`).
    pub(crate) fn is_listening(&self) -> bool {
        matches!(self.source, Source::Listening(_))
    }

    /// Whether it holds the scheduler (a fork's, a put's).
    pub(crate) fn holds(&self) -> bool {
        matches!(self.source, Source::NowHeld(_) | Source::FailedNowHeld(_))
    }

    /// The outcome of an effect known as it was performed, if it was, and
    /// whether it holds the scheduler (a fork).
    #[cold]
    pub(crate) fn into_now(self) -> Option<(Result<Value, Error>, bool)> {
        match self.source {
            Source::Now(value) => Some((Ok(value), false)),
            Source::FailedNow(error) => Some((Err(error), false)),
            Source::NowHeld(value) => Some((Ok(value), true)),
            Source::FailedNowHeld(error) => Some((Err(error), true)),
            _ => None,
        }
    }

    /// A delay of `after`: resumes with `()`; cancelling clears the timer.
    pub(crate) fn timer(after: Duration) -> Self {
        Running {
            source: Source::Timer(after),
            cancel: None,
        }
    }

    /// `self`, moved a field at a time (see [`Stop::moved`]): an effect
    /// just performed and handed on as a block was read in moves the
    /// processor could not forward (a saga race 210-220 -> 200 ns natively).
    #[inline(always)]
    pub(crate) fn moved(self) -> Self {
        Running {
            source: self.source.moved(),
            cancel: Stop::moved(self.cancel),
        }
    }

    /// `handle`: the receiver reads the value with [`downcast`](super::downcast) (a typed
    /// effect's future), so a typed promise's value is handed over as the
    /// promise itself instead of a new box.
    pub(crate) fn handled_by(self, handle: bool) -> Self {
        let source = match self.source {
            Source::Erased(promise) if handle => Source::Handle(promise),
            source => source,
        };
        Running {
            source,
            cancel: self.cancel,
        }
    }

    /// Starts the effect for `waiter`, which keeps the returned stop and is
    /// told `epoch` with the outcome. A promise that has already settled
    /// (with nothing to stop) is not subscribed: `waiter` is queued as its
    /// own job, a thin `Rc` and the epoch stored in place (no allocation),
    /// and the promise waits in the returned [`Stop::Settled`] until then,
    /// one microtask turn from now, as its reaction would have. Matched in
    /// place: moving the effect out and back to test it cost a copy each
    /// way on every saga step.
    /// `handle`: as [`handled_by`](Self::handled_by), applied here
    /// rather than by a move of the whole effect before (a move that read
    /// the effect back in moves the processor could not forward from the
    /// stores that had just written it: a saga race 235 -> 220 ns natively).
    // Out of line: inlined into a saga's step, a call effect took 25 -> 38
    // ns natively for fewer instructions (the step's stores and loads
    // around it no longer forwarded).
    #[inline(never)]
    pub(crate) fn start_for<W: Waiter + 'static>(
        self,
        waiter: &Rc<W>,
        epoch: u64,
        handle: bool,
    ) -> Option<Stop> {
        let Running { source, cancel } = self;
        let unstoppable = cancel.is_none() && crate::promise::may_skip_subscribing();
        match source {
            Source::Erased(promise) if unstoppable && promise.is_settled() => {
                Self::take_turn_for(waiter, epoch, promise, handle)
            }
            Source::Handle(promise) if unstoppable && promise.is_settled() => {
                Self::take_turn_for(waiter, epoch, promise, true)
            }
            // A delay's timer resumes the waiter through its thin `Rc`: the
            // timer's callback is two words, not a `Settled`.
            Source::Timer(after) => {
                let waiter = waiter.clone();
                let fire = move || queue_resume_unit(waiter, epoch);
                Stop::both(
                    Some(Stop::Timer(WordTimer(set_timeout(fire, after)))),
                    cancel,
                )
            }
            Source::Erased(promise) if handle => Running {
                source: Source::Handle(promise),
                cancel,
            }
            .start(Settled::Resume(waiter.clone(), epoch)),
            source => Running { source, cancel }.start(Settled::Resume(waiter.clone(), epoch)),
        }
    }

    /// The value of an effect whose promise had fulfilled when it was
    /// performed and that nothing stops (as its turn would read it: the
    /// promise itself for a typed receiver), for a waiter that counts its
    /// turn itself (an `all` takes the turns of such parts next to each
    /// other in one job); the effect as it was otherwise.
    /// `handle` as for [`start_for`](Self::start_for).
    pub(crate) fn into_fulfilled_value(self, handle: bool) -> Result<Value, Running> {
        let Running { source, cancel } = self;
        let unstoppable = cancel.is_none() && crate::promise::may_skip_subscribing();
        let (promise, handle) = match source {
            Source::Erased(promise) if unstoppable => (promise, handle),
            Source::Handle(promise) if unstoppable => (promise, true),
            source => return Err(Running { source, cancel }),
        };
        promise.into_fulfilled(handle).map_err(|promise| {
            let source = if handle {
                Source::Handle(promise)
            } else {
                Source::Erased(promise)
            };
            Running { source, cancel }
        })
    }

    /// `waiter` takes its turn on `promise`, which has settled: `handle`,
    /// whether its value goes back as the promise ([`Source::Handle`]).
    #[inline(always)]
    fn take_turn_for<W: Waiter + 'static>(
        waiter: &Rc<W>,
        epoch: u64,
        promise: Rc<dyn Erased>,
        handle: bool,
    ) -> Option<Stop> {
        if !waiter.go_on_at_once() {
            let queued = waiter.clone();
            queue_microtask(move || queued.take_turn(epoch));
        }
        // After queueing, as subscribing does.
        promise.mark_handled_erased();
        Some(if handle {
            Stop::SettledHandle(promise)
        } else {
            Stop::Settled(promise)
        })
    }

    /// Subscribes `settled`; returns every way to stop the effect.
    pub(crate) fn start(self, settled: Settled) -> Option<Stop> {
        let started = self.source.subscribe(settled);
        Stop::both(started, self.cancel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_stop_stays_three_words() {
        // It sits in every suspended saga's driver.
        assert_eq!(size_of::<Option<Stop>>(), 3 * size_of::<usize>());
    }
}
