//! Effects as data: a description tests and traces can read, and how the
//! runtime performs it.

use std::any::Any;
use std::cell::{Cell, UnsafeCell};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll};
use std::time::Duration;

use super::task::Scope;
use crate::generator::Yield;
use crate::inline_fn::{Storage, fits, stored};
use crate::promise::Erased;
use crate::{Error, Promise, TimerId, clear_timeout, queue_microtask, set_timeout};

/// A value produced by an effect, on its way back into the saga.
///
/// ```
/// use baton::saga::{SagaCo, Stepper, Value, delay_effect};
/// use baton::Gen;
///
/// // A raw yield resumes with a `Value`: downcast it to the type the effect produces.
/// let saga = Gen::new(|co: SagaCo<u32>| async move {
///     let value: Value = co.yield_(delay_effect(1)).await?;
///     Ok(*value.downcast_ref::<u32>().unwrap_or(&0))
/// });
/// let mut steps = Stepper::new(saga);
/// steps.next_effect().ok();
/// assert_eq!(steps.feed(7_u32).err().and_then(Result::ok), Some(7));
/// ```
pub type Value = Rc<dyn Any>;

/// The value of an effect that produces nothing (JavaScript's
/// `undefined`): one `Rc` per thread, so handing it out allocates nothing.
pub(crate) fn unit() -> Value {
    thread_local! {
        static UNIT: Value = Rc::new(());
    }
    UNIT.with(Value::clone)
}

/// What kind of work an effect describes.
///
/// ```
/// use baton::saga::{Kind, all_effect, call_effect, delay_effect};
/// use baton::Promise;
///
/// fn ping(n: u8) -> Promise<u8> { Promise::resolve(n) }
/// let kinds: Vec<Kind> = [call_effect(ping, 1), delay_effect(5), all_effect(vec![])]
///     .iter()
///     .map(|e| e.describe().kind)
///     .collect();
/// assert_eq!(kinds, [Kind::Call, Kind::Delay, Kind::All]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// Call a function returning a promise, a value or a saga (blocking).
    Call,
    /// Wait.
    Delay,
    /// Run several effects in parallel; the first failure cancels the rest.
    All,
    /// Run several effects; the first to settle wins, the others are
    /// cancelled.
    Race,
    /// Start an attached child saga (non-blocking).
    Fork,
    /// Start a detached saga (non-blocking).
    Spawn,
    /// Wait for a task to finish.
    Join,
    /// Cancel a task (non-blocking).
    Cancel,
    /// Ask whether this saga is being cancelled.
    Cancelled,
    /// Read the store's state.
    Select,
    /// Dispatch an action to the store.
    Put,
    /// Wait for an action (or a channel's next message).
    Take,
    /// An effect defined by the saga's author ([`Effect::custom`]).
    Custom,
}

/// An effect as data: what it is, readable by tests and traces.
///
/// ```
/// use baton::saga::{Description, Kind, call_effect};
/// use baton::Promise;
///
/// fn save(record: (u32, &'static str)) -> Promise<()> { Promise::resolve(()) }
/// let d: Description = call_effect(save, (7, "Ada")).describe();
/// assert_eq!(d, Description { kind: Kind::Call, name: "save".into(), args: "(7, \"Ada\")".into() });
/// assert_eq!(d.to_string(), "Call save((7, \"Ada\"))");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Description {
    /// The kind of effect.
    pub kind: Kind,
    /// The called function's name (for calls), or the effect's name.
    pub name: String,
    /// The arguments, as `Debug` prints them.
    pub args: String,
}

impl fmt::Display for Description {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} {}({})", self.kind, self.name, self.args)
    }
}

/// How to stop an effect that is still running; given the reason.
pub(crate) type CancelHook = Box<dyn FnOnce(&Error)>;

/// How to stop a running effect: a hook, or (for a delay) just its timer,
/// which needs no allocation.
pub(crate) enum Stop {
    Hook(CancelHook),
    Timer(TimerId),
    /// A promise that had already settled when the saga began to wait: its
    /// outcome is read when its turn comes; stopping just drops it.
    /// `handle`: its value goes back as the promise itself
    /// ([`Source::Handle`]).
    Settled {
        promise: Rc<dyn Erased>,
        handle: bool,
    },
    /// Work that delivers its result itself ([`Source::Listening`]); weak,
    /// as a promise's reaction is held by the promise and not by the
    /// waiter: a take no action ever answers must not keep its saga alive.
    Listening(Weak<dyn Listening>),
}

impl Stop {
    pub(crate) fn stop(self, reason: &Error) {
        match self {
            Stop::Hook(hook) => hook(reason),
            Stop::Timer(id) => clear_timeout(id),
            Stop::Settled { .. } => {}
            Stop::Listening(listening) => {
                if let Some(listening) = listening.upgrade() {
                    listening.stop();
                }
            }
        }
    }

    /// The outcome of a [`Stop::Settled`] promise (`None` for any other
    /// stop), read where the stop is kept: moving the stop out to read it
    /// copied it whole, a load its stores could not forward to.
    #[inline]
    pub(crate) fn settled_outcome(kept: &Option<Stop>) -> Option<Result<Value, Error>> {
        match kept {
            Some(Stop::Settled {
                promise,
                handle: true,
            }) => promise.clone().outcome_handle(),
            Some(Stop::Settled { promise, .. }) => promise.outcome_erased(),
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
    queue_microtask(move || waiter.resume_with(epoch, Ok(unit())));
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
        match self {
            Settled::Call(f) => f(outcome),
            Settled::Resume(waiter, epoch) => waiter.resume_with(epoch, outcome),
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
/// itself, with no promise in between (a store's `take`): listening,
/// delivering and stopping all go through the one allocation it is.
pub(crate) trait Listening {
    /// Hands the result to `settled` once it comes, one microtask turn
    /// later, as a promise's reaction would.
    fn wait(self: Rc<Self>, settled: Settled);

    /// Stops waiting: a result that comes later goes nowhere.
    fn stop(&self);
}

/// What a [`Listening`] object hands over: its waiter, and the result on
/// its way there. When the result comes, the object keeps it here and
/// queues itself as a job, whose run delivers it: one microtask turn
/// later, as a promise's reaction would.
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

    pub(crate) fn deliver(&self) {
        if let (Some(settled), Some(result)) = (self.waiting.take(), self.result.take()) {
            settled.deliver(result);
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
    /// with [`downcast`]: the value goes back as the promise itself, so
    /// nothing is boxed.
    Handle(Rc<dyn Erased>),
    /// A delay: a timer that delivers `()`, with no promise in between.
    Timer(Duration),
    Typed(Box<dyn FnOnce(Settled) -> Option<Stop>>),
    /// Work that delivers its result itself.
    Listening(Rc<dyn Listening>),
}

impl Source {
    /// Hands the result to `settled` (one microtask after it settles, as
    /// a promise reaction would be); returns how to stop what subscribing
    /// started, if anything (a delay's timer).
    pub(crate) fn subscribe(self, settled: Settled) -> Option<Stop> {
        match self {
            Source::Promise(promise) => {
                promise.subscribe(move |outcome| settled.deliver(outcome));
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
                Some(Stop::Timer(set_timeout(fire, after)))
            }
            Source::Typed(subscribe) => subscribe(settled),
            Source::Listening(listening) => {
                let stop = Stop::Listening(Rc::downgrade(&listening));
                listening.wait(settled);
                Some(stop)
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
    pub fn on_cancel(mut self, hook: impl FnOnce(&Error) + 'static) -> Self {
        self.cancel = Some(Stop::Hook(Box::new(hook)));
        self
    }

    /// A delay of `after`: resumes with `()`; cancelling clears the timer.
    pub(crate) fn timer(after: Duration) -> Self {
        Running {
            source: Source::Timer(after),
            cancel: None,
        }
    }

    /// `handle`: the receiver reads the value with [`downcast`] (a typed
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
    pub(crate) fn start_for<W: Waiter + 'static>(self, waiter: &Rc<W>, epoch: u64) -> Option<Stop> {
        let Running { source, cancel } = self;
        let unstoppable = cancel.is_none();
        match source {
            Source::Erased(promise) if unstoppable && promise.is_settled() => {
                Self::take_turn_for(waiter, epoch, promise, false)
            }
            Source::Handle(promise) if unstoppable && promise.is_settled() => {
                Self::take_turn_for(waiter, epoch, promise, true)
            }
            // A delay's timer resumes the waiter through its thin `Rc`: the
            // timer's callback is two words, not a `Settled`.
            Source::Timer(after) => {
                let waiter = waiter.clone();
                let fire = move || queue_resume_unit(waiter, epoch);
                Stop::both(Some(Stop::Timer(set_timeout(fire, after))), cancel)
            }
            source => Running { source, cancel }.start(Settled::Resume(waiter.clone(), epoch)),
        }
    }

    /// `waiter` takes its turn on `promise`, which has settled: `handle`,
    /// whether its value goes back as the promise ([`Source::Handle`]).
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
        Some(Stop::Settled { promise, handle })
    }

    /// Subscribes `settled`; returns every way to stop the effect.
    pub(crate) fn start(self, settled: Settled) -> Option<Stop> {
        let started = self.source.subscribe(settled);
        Stop::both(started, self.cancel)
    }
}

/// What an effect is and how to perform it; the description is only
/// built when someone asks (a test, a trace).
trait Perform: 'static {
    fn describe(&self) -> Description;
    fn perform(self, scope: &Scope) -> Running;
}

struct Parts<A, D, P> {
    arg: A,
    describe: D,
    perform: P,
}

impl<A: 'static, D, P> Perform for Parts<A, D, P>
where
    D: Fn(&A) -> Description + 'static,
    P: FnOnce(A, &Scope) -> Running + 'static,
{
    fn describe(&self) -> Description {
        (self.describe)(&self.arg)
    }

    fn perform(self, scope: &Scope) -> Running {
        (self.perform)(self.arg, scope)
    }
}

/// Parts too large to keep inline are kept behind a (thin) box.
impl<P: Perform> Perform for Box<P> {
    fn describe(&self) -> Description {
        (**self).describe()
    }

    fn perform(self, scope: &Scope) -> Running {
        (*self).perform(scope)
    }
}

/// Room for an effect's parts: one word, so that an effect (with its
/// operations) is two words, as the box it replaces was: a saga's frame
/// keeps the effect it yields, and every suspended saga would grow with it.
/// A call with one small argument (the function is a zero-sized item), a
/// delay and a `cancelled` fit.
const WORDS: usize = 1;
type Parked = Storage<WORDS>;

/// An effect's operations, made for the type of the parts it stores.
struct Ops {
    describe: unsafe fn(*const Parked) -> Description,
    perform: unsafe fn(Parked, &Scope) -> Running,
    drop: unsafe fn(&mut Parked),
}

/// The operations of stored parts of type `Self`: one constant per type,
/// so an effect carries a `&'static` to them.
trait Stored: Perform + Sized {
    const OPS: Ops = Ops {
        describe: describe_stored::<Self>,
        perform: perform_stored::<Self>,
        drop: drop_stored::<Self>,
    };
}

impl<P: Perform> Stored for P {}

/// # Safety
///
/// `storage` must point at storage holding an initialised `P` (written by
/// [`Effect::store`]), through a pointer that may write (from the
/// `UnsafeCell` it is kept in), valid and not otherwise used for the call.
unsafe fn describe_stored<P: Perform>(storage: *const Parked) -> Description {
    // SAFETY: by the caller's contract the storage holds an aligned,
    // initialised `P` (`fits::<P, WORDS>` was checked when it was
    // written), and the pointer comes from an `UnsafeCell`, so the shared
    // reference made here may write where `P` itself has cells (a
    // `RefCell`'s `Debug` writes its borrow flag).
    unsafe { &*storage.cast::<P>() }.describe()
}

/// # Safety
///
/// `storage` must be a copy of storage holding an initialised `P` whose
/// original nothing reads or drops afterwards: the copy's `P` is then the
/// only one.
unsafe fn perform_stored<P: Perform>(storage: Parked, scope: &Scope) -> Running {
    // SAFETY: by the caller's contract the storage holds an aligned `P` and
    // this is its only read; from here it is an ordinary owned value,
    // dropped on unwind.
    let parts = unsafe { storage.as_ptr().cast::<P>().read() };
    parts.perform(scope)
}

/// # Safety
///
/// `storage` must hold an initialised `P`; nothing may use it afterwards.
unsafe fn drop_stored<P>(storage: &mut Parked) {
    // SAFETY: by the caller's contract the storage holds an aligned,
    // initialised `P`, dropped here once and never used again.
    unsafe { storage.as_mut_ptr().cast::<P>().drop_in_place() }
}

/// One effect: what it is, and how the runtime performs it.
///
/// Its parts (the called function, its arguments, how to describe and
/// perform it) are kept inline when they fit in a word, as a call with one
/// small argument or a delay does, and boxed otherwise: a saga step
/// allocates nothing for such an effect.
///
/// ```
/// use baton::saga::{Effect, Kind, Stepper, SagaCo, call_effect, delay_effect};
/// use baton::{Gen, Promise};
///
/// fn load(page: u32) -> Promise<String> { Promise::resolve(format!("page {page}")) }
/// // Effects are data: made, inspected and yielded; the runtime performs them.
/// let effects: Vec<Effect> = vec![call_effect(load, 1), delay_effect(100)];
/// let shown: Vec<String> = effects.iter().map(|e| e.describe().to_string()).collect();
/// assert_eq!(shown, ["Call load(1)", "Delay delay(100)"]);
/// ```
pub struct Effect {
    /// In a cell: describing the parts (through `&self`) may write to
    /// cells they hold inline.
    storage: UnsafeCell<Parked>,
    ops: &'static Ops,
    /// The auto traits of any parts (none: not `Send`, `Sync` or unwind
    /// safe), as when they were a `Box<dyn Perform>`.
    _parts: PhantomData<Box<dyn Perform>>,
}

impl fmt::Debug for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Effect").field(&self.describe()).finish()
    }
}

impl Effect {
    /// An effect over `arg`: `describe` reads it when asked, `perform`
    /// consumes it.
    pub(crate) fn new<A: 'static>(
        arg: A,
        describe: impl Fn(&A) -> Description + 'static,
        perform: impl FnOnce(A, &Scope) -> Running + 'static,
    ) -> Self {
        Effect::from_parts(Parts {
            arg,
            describe,
            perform,
        })
    }

    /// Keeps `parts` inline, or boxed if they do not fit.
    #[inline]
    fn from_parts<P: Perform>(parts: P) -> Self {
        if fits::<P, WORDS>() {
            Effect::store(parts)
        } else {
            Effect::store(Box::new(parts))
        }
    }

    #[inline]
    fn store<P: Perform>(parts: P) -> Self {
        Effect {
            storage: UnsafeCell::new(stored(parts)),
            ops: &P::OPS,
            _parts: PhantomData,
        }
    }

    /// Performs the stored parts, consuming them.
    #[inline]
    fn perform_parts(self, scope: &Scope) -> Running {
        let this = ManuallyDrop::new(self);
        // SAFETY: the storage holds the parts `ops` was made for, and they
        // are taken exactly once, from this copy: `this` is never dropped,
        // so `Drop` cannot take them again. Nothing else uses the cell
        // while it is copied (`this` is owned).
        unsafe { (this.ops.perform)(*this.storage.get(), scope) }
    }

    /// An effect that applies `f` to `arg` (a call, a fork), described as
    /// `kind() f(arg)`. The kind is a function, so a constant one takes no
    /// room beside the argument.
    pub(crate) fn applying<A: fmt::Debug + 'static, F: 'static>(
        kind: impl Fn() -> Kind + 'static,
        f: F,
        arg: A,
        perform: impl FnOnce(F, A, &Scope) -> Running + 'static,
    ) -> Self {
        let describe = move |(_, arg): &(F, A)| Description {
            kind: kind(),
            name: short_name::<F>().into(),
            args: format!("{arg:?}"),
        };
        Effect::new((f, arg), describe, move |(f, arg), scope| {
            perform(f, arg, scope)
        })
    }

    /// A user-defined effect: a name and arguments for its description,
    /// and how to perform it (its value must be what the saga downcasts).
    ///
    /// ```
    /// use baton::{Error, EventLoop, Gen, Promise};
    /// use baton::saga::{Effect, Kind, SagaCo, Stepper, Value, run_saga};
    /// use std::rc::Rc;
    ///
    /// // A "read the clock" effect the library does not know about.
    /// fn now_effect() -> Effect {
    ///     Effect::custom("now", "", || Promise::resolve(Rc::new(baton::now()) as Value))
    /// }
    /// let saga = || Gen::new(|co: SagaCo<bool>| async move {
    ///     let t = co.yield_(now_effect()).await?;
    ///     Ok(t.downcast_ref::<std::time::Duration>().is_some())
    /// });
    /// assert_eq!(Stepper::new(saga()).next_effect().ok().map(|d| d.kind), Some(Kind::Custom));
    /// let ran = EventLoop::virtual_clock().run(move || run_saga(saga()).promise());
    /// assert_eq!(ran.peek().and_then(Result::ok), Some(true));
    /// ```
    pub fn custom(
        name: impl Into<String>,
        args: impl Into<String>,
        perform: impl FnOnce() -> Promise<Value, Error> + 'static,
    ) -> Self {
        Effect::custom_with(Kind::Custom, name, args, move |_: &Scope| {
            Running::new(perform())
        })
    }

    /// A user-defined effect with the runtime's full power: `perform` sees
    /// the [`Scope`] of the saga running it (to fork children, check
    /// cancellation, perform nested effects) and says how to cancel the
    /// work.
    ///
    /// ```
    /// use baton::{Error, EventLoop, Gen, Promise, set_timeout, clear_timeout};
    /// use baton::saga::{Effect, Kind, Running, SagaCo, Value, race, run_saga};
    /// use std::{rc::Rc, time::Duration};
    ///
    /// // A timer effect that clears its timer when it loses a race.
    /// fn ring_after(ms: u64) -> Effect {
    ///     Effect::custom_with(Kind::Custom, "ring", ms.to_string(), move |_scope| {
    ///         let (promise, resolver) = Promise::with_resolver();
    ///         let id = set_timeout(move || resolver.resolve(Rc::new("ring") as Value),
    ///                              Duration::from_millis(ms));
    ///         Running::new(promise).on_cancel(move |_| clear_timeout(id))
    ///     })
    /// }
    /// let saga = Gen::new(|co: SagaCo<&'static str>| async move {
    ///     let (winner, _): (&str, &str) =
    ///         race(&co, vec![("slow", ring_after(500)), ("fast", ring_after(10))]).await?;
    ///     Ok(winner)
    /// });
    /// let event_loop = EventLoop::virtual_clock();
    /// let ran = event_loop.run(move || run_saga(saga).promise());
    /// assert_eq!(ran.peek().and_then(Result::ok), Some("fast"));
    /// // The loop ran dry at 10 ms: the losing 500 ms timer was cleared.
    /// assert_eq!(baton::now(), Duration::from_millis(10));
    /// ```
    pub fn custom_with(
        kind: Kind,
        name: impl Into<String>,
        args: impl Into<String>,
        perform: impl FnOnce(&Scope) -> Running + 'static,
    ) -> Self {
        let description = Description {
            kind,
            name: name.into(),
            args: args.into(),
        };
        Effect::new(
            (description, perform),
            |(d, _)| d.clone(),
            |(_, perform), scope| perform(scope),
        )
    }

    /// What this effect does.
    ///
    /// ```
    /// use baton::saga::{Kind, race_effect, delay_effect};
    ///
    /// let race = race_effect(vec![("quick", delay_effect(1)), ("slow", delay_effect(9))]);
    /// let d = race.describe();
    /// assert_eq!(d.kind, Kind::Race);
    /// assert_eq!(d.args, "quick: Delay delay(1), slow: Delay delay(9)");
    /// ```
    pub fn describe(&self) -> Description {
        // SAFETY: the storage holds the parts `ops` was made for (they are
        // only taken by `perform_parts` or `Drop`, which consume `self`);
        // the pointer comes from the cell, and `Effect` is not `Sync`, so
        // nothing else uses it during the call.
        unsafe { (self.ops.describe)(self.storage.get()) }
    }

    /// Performs the effect in `scope` (and traces it, when the runtime
    /// traces). Effects that combine others (all, race) perform their parts
    /// through this.
    ///
    /// ```
    /// use baton::saga::{Effect, Kind, Running, SagaCo, all_effect, delay_effect, run_saga};
    /// use baton::{EventLoop, Gen, now};
    /// use std::time::Duration;
    ///
    /// // An effect made of others: performs its parts in the saga's scope.
    /// fn both_delays() -> Effect {
    ///     Effect::custom_with(Kind::Custom, "both", "", |scope| {
    ///         all_effect(vec![delay_effect(10), delay_effect(30)]).perform(scope)
    ///     })
    /// }
    /// let saga = Gen::new(|co: SagaCo<Duration>| async move {
    ///     co.yield_(both_delays()).await?;
    ///     Ok(now())
    /// });
    /// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
    /// assert_eq!(p.peek().and_then(Result::ok), Some(Duration::from_millis(30)));
    /// ```
    // Inlined, with the traced or intercepted case kept out of line: this
    // runs once per saga step.
    #[inline]
    pub fn perform(self, scope: &Scope) -> Running {
        if scope.is_plain() {
            return self.perform_parts(scope);
        }
        self.perform_watched(scope)
    }

    /// [`Effect::perform`] when a test answers effects or a tracer records
    /// them.
    #[inline(never)]
    fn perform_watched(self, scope: &Scope) -> Running {
        let interceptor = scope.interceptor();
        let description = self.describe();
        let answered = interceptor.and_then(|answer| answer(&description));
        let perform = move |scope: &Scope| match answered {
            Some(running) => running,
            None => self.perform_parts(scope),
        };
        match scope.tracer() {
            None => perform(scope),
            Some(tracer) => tracer.perform(scope, description, perform),
        }
    }
}

impl Drop for Effect {
    fn drop(&mut self) {
        // SAFETY: the parts are still stored (`perform_parts` consumes
        // `self` without dropping it); this is the storage's last use.
        unsafe { (self.ops.drop)(self.storage.get_mut()) }
    }
}

/// The last segment of a function's type name: `fake_fetch` for
/// `crate::api::fake_fetch`.
pub(crate) fn short_name<F>() -> &'static str {
    let full = std::any::type_name::<F>();
    let mut trimmed = full;
    while let Some(outer) = trimmed.strip_suffix("::{{closure}}") {
        trimmed = outer; // a closure is named after the function it is in
    }
    trimmed.rsplit("::").next().unwrap_or(full)
}

/// An effect's name, worked out only when needed: finding a function's
/// short name searches its type name, which is too slow for every call.
pub(crate) trait Name {
    fn name(&self) -> &str;
}

impl Name for &str {
    fn name(&self) -> &str {
        self
    }
}

impl Name for fn() -> &'static str {
    fn name(&self) -> &str {
        self()
    }
}

/// Turns a resumed value back into the type the effect produces; a
/// mismatch (a test fed the wrong type) names the effect.
pub(crate) fn downcast<U: Clone + 'static>(
    value: &Value,
    kind: Kind,
    name: impl Name,
) -> Result<U, Error> {
    if let Some(value) = crate::promise::fulfilled_value::<U>(value) {
        return Ok(value);
    }
    value.downcast_ref::<U>().cloned().ok_or_else(|| {
        Error::msg(format!(
            "the result fed to `{kind:?} {}` is not of type {}",
            name.name(),
            std::any::type_name::<U>()
        ))
    })
}

/// Yields `effect` and turns its result into `U`.
pub(crate) fn yield_typed<T, U: Clone + 'static, N: Name>(
    co: &super::SagaCo<T>,
    effect: Effect,
    kind: Kind,
    name: N,
) -> Typed<T, U, N> {
    Typed {
        step: co.yield_(effect),
        kind,
        name,
        types: PhantomData,
    }
}

/// The future of [`yield_typed`], written out rather than an `async fn`
/// so its poll can be marked to inline into the saga's body: left to the
/// inliner, whether it was inlined changed with unrelated code, and a saga
/// step with it.
#[must_use = "an effect does nothing unless awaited"]
pub(crate) struct Typed<T, U, N> {
    step: Yield<Effect, Value, T, Error>,
    kind: Kind,
    name: N,
    types: PhantomData<fn() -> U>,
}

impl<T, U: Clone + 'static, N: Name + Copy + Unpin> Future for Typed<T, U, N> {
    type Output = Result<U, crate::Abrupt<Error, T>>;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match Pin::new(&mut this.step).poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(abrupt)) => Poll::Ready(Err(abrupt)),
            Poll::Ready(Ok(value)) => {
                Poll::Ready(downcast(&value, this.kind, this.name).map_err(crate::Abrupt::Throw))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::saga::{SagaCo, call_effect, run_saga};
    use crate::{EventLoop, Gen};
    use std::cell::Cell;

    /// An argument that counts its drops; `N` words of payload decide
    /// whether the effect's parts fit inline.
    struct Counted<const N: usize>(Rc<Cell<u32>>, [u64; N]);

    impl<const N: usize> fmt::Debug for Counted<N> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "counted({})", self.1.iter().sum::<u64>())
        }
    }

    impl<const N: usize> Drop for Counted<N> {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }

    fn sum<const N: usize>(c: Counted<N>) -> Promise<u64> {
        Promise::resolve(c.1.iter().sum())
    }

    fn blow_up<const N: usize>(_: Counted<N>) -> Promise<u64> {
        panic!("the called function failed")
    }

    fn effect<const N: usize>(drops: &Rc<Cell<u32>>, f: fn(Counted<N>) -> Promise<u64>) -> Effect {
        call_effect(f, Counted(drops.clone(), [1; N]))
    }

    /// Performs `effect` in a saga that returns its value (or the error).
    fn performed(effect: Effect) -> Option<Result<u64, String>> {
        let p = EventLoop::virtual_clock().run(move || {
            run_saga(Gen::new(move |co: SagaCo<u64>| async move {
                let v = co.yield_(effect).await?;
                Ok(*v.downcast_ref::<u64>().unwrap_or(&0))
            }))
            .promise()
        });
        p.peek().map(|r| r.map_err(|e| e.to_string()))
    }

    fn each_size(check: impl Fn(&Rc<Cell<u32>>, Effect, Effect)) {
        // The counter alone fits inline (the function is a zero-sized
        // item); with eight words of payload the parts are boxed.
        assert!(fits::<Counted<0>, WORDS>() && !fits::<Counted<8>, WORDS>());
        let drops = Rc::new(Cell::new(0));
        check(
            &drops,
            effect::<0>(&drops, sum),
            effect::<0>(&drops, blow_up),
        );
        let drops = Rc::new(Cell::new(0));
        check(
            &drops,
            effect::<8>(&drops, sum),
            effect::<8>(&drops, blow_up),
        );
    }

    #[test]
    fn parts_are_described_in_place_and_dropped_once_when_never_performed() {
        each_size(|drops, effect, other| {
            assert_eq!(effect.describe().to_string(), effect.describe().to_string());
            assert!(effect.describe().args.starts_with("counted("));
            assert_eq!(drops.get(), 0);
            drop((effect, other));
            assert_eq!(drops.get(), 2);
        });
    }

    fn ready_cell(_: std::cell::RefCell<()>) -> Promise<u64> {
        Promise::resolve(7)
    }

    /// Describing formats the arguments, and `RefCell`'s `Debug` writes its
    /// borrow flag: parts with a cell inline are described through a
    /// pointer that may write.
    #[test]
    fn parts_with_a_cell_inline_can_be_described() {
        assert!(fits::<std::cell::RefCell<()>, WORDS>());
        let effect = call_effect(ready_cell, std::cell::RefCell::new(()));
        assert_eq!(effect.describe().args, "RefCell { value: () }");
        assert_eq!(performed(effect), Some(Ok(7)));
    }

    #[test]
    fn parts_are_performed_once_and_dropped_once() {
        each_size(|drops, effect, other| {
            let args = effect.describe().args; // "counted(0)" or "counted(8)"
            let expected = args.trim_start_matches("counted(").trim_end_matches(')');
            let value = performed(effect);
            assert_eq!(value, Some(Ok(expected.parse().unwrap_or(u64::MAX))));
            assert_eq!(drops.get(), 1);
            drop(other);
            assert_eq!(drops.get(), 2);
        });
    }

    #[test]
    fn a_panicking_call_still_drops_its_parts_once() {
        each_size(|drops, effect, failing| {
            drop(effect);
            let value = performed(failing);
            assert!(
                matches!(&value, Some(Err(e)) if e.contains("the called function failed")),
                "{value:?}"
            );
            assert_eq!(drops.get(), 2);
        });
    }
}
