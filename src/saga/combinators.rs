//! `all`: an effect made of effects, with redux-saga's cancellation — a
//! failing part cancels the others, and cancelling the whole cancels every
//! part. (`race`, the other such effect, is in `race.rs`.)

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::SagaCo;
use super::effect::{
    Description, Effect, Kind, Listening, Running, Settled, Source, Stop, StopParts, Value, Waiter,
    take_value, wants_values, yield_typed,
};
use super::task::Scope;
use crate::generator::Abrupt;
use crate::{Error, queue_microtask};

/// How to stop the parts still running.
#[derive(Clone)]
struct Parts(Rc<RefCell<Vec<Option<Stop>>>>);

impl Parts {
    fn new(count: usize) -> Self {
        Parts(Rc::new(RefCell::new((0..count).map(|_| None).collect())))
    }

    fn started(&self, index: usize, stop: Option<Stop>) {
        if let Some(slot) = self.0.borrow_mut().get_mut(index) {
            *slot = stop;
        }
    }

    fn settled(&self, index: usize) {
        let stop = self.0.borrow_mut().get_mut(index).and_then(Option::take);
        drop(stop);
    }

    /// The outcome of part `index`, if it waits on a promise that had
    /// already settled: its stop is taken out, and dropped after the
    /// borrow (dropping a promise may run code).
    fn take_settled_outcome(&self, index: usize) -> Option<Result<Value, Error>> {
        let stop = self
            .0
            .borrow_mut()
            .get_mut(index)
            .and_then(Stop::take_settled);
        stop.and_then(Stop::into_settled_outcome)
    }

    /// Whether the parts were stopped (a part failed, or the whole was
    /// cancelled): their list is gone.
    fn is_stopped(&self) -> bool {
        self.0.borrow().is_empty()
    }

    /// Cancels every part still running.
    fn cancel(&self, reason: &Error) {
        self.0.stop_parts(reason);
    }

    /// How the saga waiting on the whole stops every part: the list
    /// itself, where a hook holding it took a box of its own.
    fn stop(&self) -> Stop {
        Stop::Parts(self.0.clone())
    }
}

impl StopParts for RefCell<Vec<Option<Stop>>> {
    fn stop_parts(&self, reason: &Error) {
        let stops = std::mem::take(&mut *self.borrow_mut());
        for stop in stops.into_iter().flatten() {
            stop.stop(reason);
        }
    }
}

fn describe_all(effects: &[Effect]) -> Description {
    let parts: Vec<String> = effects.iter().map(|e| e.describe().to_string()).collect();
    describe_as(Kind::All, "all", parts)
}

pub(super) fn describe_keyed(
    kind: Kind,
    name: &str,
    effects: &[(&'static str, Effect)],
) -> Description {
    let parts = effects
        .iter()
        .map(|(k, e)| format!("{k}: {}", e.describe()))
        .collect();
    describe_as(kind, name, parts)
}

fn describe_as(kind: Kind, name: &str, parts: Vec<String>) -> Description {
    Description {
        kind,
        name: name.into(),
        args: parts.join(", "),
    }
}

/// An `all` in flight: one allocation that every part reports to (its
/// index rides where a task's epoch would), and that hands the outcome to
/// the saga waiting on it.
///
/// The outcome reaches the saga a turn after the part that decided it, as
/// seed 003's runner has it (`Promise.all`'s reaction), or at once when
/// that part's result was handed over as it came (a take, a `cps`:
/// effects seed 003's runner does not have), as redux-saga's `all`
/// resumes its saga inside the put that answered the last take.
struct Gathering {
    values: RefCell<Vec<Option<Value>>>,
    left: Cell<usize>,
    parts: Parts,
    /// The saga waiting, once it waits.
    waiting: Cell<Option<Settled>>,
    /// The outcome, from the moment it is decided until the saga has it;
    /// and whether it came at once.
    decided: Cell<Option<(Result<Value, Error>, bool)>>,
    over: Cell<bool>,
    /// Decided at once by a fork: its hold on the scheduler goes to the
    /// saga going on.
    held: Cell<bool>,
}

impl Waiter for Gathering {
    fn resume_with(self: Rc<Self>, index: u64, outcome: Result<Value, Error>) {
        self.part_settled(index as usize, outcome, false);
    }

    fn resume_handed(self: Rc<Self>, index: u64, outcome: Result<Value, Error>) {
        self.part_settled(index as usize, outcome, true);
    }

    fn resume_unit_later(self: Rc<Self>, index: u64) {
        super::effect::queue_resume_unit(self, index);
    }

    fn take_turn(self: Rc<Self>, index: u64) {
        let outcome = usize::try_from(index)
            .ok()
            .and_then(|i| self.parts.take_settled_outcome(i));
        if let Some(outcome) = outcome {
            self.resume_with(index, outcome);
        }
    }
}

impl Listening for Gathering {
    fn wait(self: Rc<Self>, settled: Settled) -> Option<Stop> {
        match self.decided.take() {
            // Decided before the saga waited: a turn from now, as a
            // reaction to a settled promise is.
            Some((outcome, _)) => queue_microtask(move || settled.deliver_told(outcome, true)),
            None => self.waiting.set(Some(settled)),
        }
        None
    }
}

impl Gathering {
    fn part_settled(&self, index: usize, outcome: Result<Value, Error>, at_once: bool) {
        self.parts.settled(index);
        match outcome {
            Ok(value) => self.fill(index, value, at_once),
            Err(error) => {
                self.parts
                    .cancel(&Error::msg("a sibling effect in all() failed"));
                self.decide(Err(error), at_once);
            }
        }
    }

    /// Part `index` fulfilled with `value` (its stop already gone); the
    /// last one decides the `all`.
    fn fill(&self, index: usize, value: Value, at_once: bool) {
        if let Some(slot) = self.values.borrow_mut().get_mut(index) {
            *slot = Some(value);
        }
        self.counted(1, at_once);
    }

    /// The turns of `count` parts whose promises had fulfilled when they
    /// were performed, their values in place already: one job where each
    /// would have queued its own, in a row with nothing between them (see
    /// [`queue_turns`]). Passed over if a sibling failed first or the
    /// `all` was cancelled, as each part's own job would have been.
    fn take_turns(&self, count: usize) {
        if !self.parts.is_stopped() {
            self.counted(count, false);
        }
    }

    /// `count` more parts have their values; the last one decides the
    /// `all`.
    fn counted(&self, count: usize, at_once: bool) {
        self.left.set(self.left.get() - count);
        if self.left.get() == 0 {
            let slots = std::mem::take(&mut *self.values.borrow_mut());
            let all = crate::promise::filled(slots);
            self.decide(Ok(Rc::new(all) as Value), at_once);
        }
    }

    /// The first outcome decides: handed to the saga at once, or a turn
    /// later; kept if the saga does not wait yet.
    fn decide(&self, outcome: Result<Value, Error>, at_once: bool) {
        if self.over.replace(true) {
            return;
        }
        match self.waiting.take() {
            Some(settled) if at_once => settled.deliver(outcome),
            Some(settled) => queue_microtask(move || settled.deliver_told(outcome, true)),
            None => self.decided.set(Some((outcome, at_once))),
        }
    }

    /// The outcome if it was decided at once before the saga waited (parts
    /// known as they were performed, or handed over as they started).
    fn decided_at_once(&self) -> Option<Result<Value, Error>> {
        match self.decided.take() {
            Some((outcome, true)) => Some(outcome),
            other => {
                self.decided.set(other);
                None
            }
        }
    }
}

/// Queues the turns of `count` parts of an `all` in a row, whose promises
/// had fulfilled when performed. Each would have queued its turn as a job
/// of its own, in a row, with nothing queued between them (starting them
/// runs nothing); one job takes those turns in the same place.
fn queue_turns(gathering: &Rc<Gathering>, count: usize) {
    if count > 0 {
        let gathering = gathering.clone();
        queue_microtask(move || gathering.take_turns(count));
    }
}

/// Starts the parts not fulfilled when performed, in order, each run of
/// fulfilled ones between them as one job. Out of line: the loop that
/// performs the parts stays as it was (inlined together, every part of an
/// `all` of calls took 5 instructions more).
#[inline(never)]
fn start_parts(
    gathering: &Rc<Gathering>,
    others: Vec<(usize, Running)>,
    count: usize,
    handles: bool,
) {
    let mut from = 0;
    let mut others = others.into_iter();
    for (index, part) in others.by_ref() {
        if gathering.over.get() {
            // A part failed as it started: the rest are not started, their
            // outcomes would go to nobody (redux-saga starts them, and a
            // take among them swallows an action); a fork's hold on the
            // scheduler is let go.
            release_held(std::iter::once(part).chain(others.by_ref().map(|(_, p)| p)));
            break;
        }
        queue_turns(gathering, index - from);
        from = index + 1;
        start_part(gathering, index, part, handles);
    }
    queue_turns(gathering, count - from);
}

/// Starts part `index`, or counts it at once if it was known as performed.
fn start_part(gathering: &Rc<Gathering>, index: usize, part: Running, handles: bool) {
    if part.is_now() {
        // Known as performed (a take finding a message waiting, a select, a
        // fork): settled at once, as in redux-saga.
        if let Some((outcome, holds)) = part.into_now() {
            gathering.part_settled(index, outcome, true);
            if holds {
                // The fork that decides the `all` holds on while its saga
                // goes on; any other lets go as it is counted, and the puts
                // its child made go out.
                if gathering.over.get() {
                    gathering.held.set(true);
                } else {
                    super::scheduler::release(1);
                }
            }
        }
        return;
    }
    let stop = part.start_for(gathering, index as u64, handles);
    gathering.parts.started(index, stop);
}

/// The parts after a fork or an effect of redux-saga's (a take, a put
/// held back, a `cps` call, a race or an `all`), each performed and
/// started in turn, as redux-saga's `all` does them: a put held back goes
/// into the scheduler's queue before a fork performed after it starts its
/// child, and the puts a forked child made as it started go out before the
/// next part is performed (seed 003's runner, whose order performs every
/// part first, has none of these). None is performed once the `all` is
/// over.
#[cold]
#[inline(never)]
fn perform_rest(
    gathering: &Rc<Gathering>,
    effects: impl Iterator<Item = (usize, Effect)>,
    scope: &Scope,
    handles: bool,
) {
    for (index, effect) in effects {
        if gathering.over.get() {
            break;
        }
        match effect.perform(scope).into_fulfilled_value(handles) {
            Ok(value) => {
                if let Some(slot) = gathering.values.borrow_mut().get_mut(index) {
                    *slot = Some(value);
                }
                queue_turns(gathering, 1);
            }
            Err(part) => start_part(gathering, index, part, handles),
        }
    }
}

/// Lets go of the scheduler's hold of each part that is a fork's, none of
/// them to be started.
fn release_held(parts: impl Iterator<Item = Running>) {
    for _ in parts.filter(Running::holds) {
        super::scheduler::release(1);
    }
}

/// Runs the parts in parallel; resumes with a `Vec<Value>` in order.
fn perform_all(scope: &Scope, effects: Vec<Effect>, handles: bool) -> Running {
    // The gathering's buffers are made before the effects are performed:
    // performing frees each effect's box, and a large allocation made
    // after a thousand small frees has glibc consolidate all of them.
    let count = effects.len();
    let parts = Parts::new(count);
    let mut values = vec![None; count];
    // Every part is performed before any is started, as JavaScript's
    // `Promise.all(effects.map(run))` calls every function first, up to a
    // fork or a take, a put, … (see `perform_rest`). A part
    // whose promise has fulfilled starts nothing: its value (immutable
    // now) is read at once, and its turn counted.
    let mut others = Vec::new();
    let mut effects = effects.into_iter().enumerate();
    // A fork or an effect of redux-saga's, after which the parts are
    // performed one at a time.
    let mut in_turn_from = None;
    for (index, effect) in effects.by_ref() {
        match effect.perform(scope).into_fulfilled_value(handles) {
            Ok(value) => values[index] = Some(value),
            Err(part) => {
                let in_turn = part.holds() || part.is_listening();
                others.push((index, part));
                if in_turn {
                    in_turn_from = Some(index);
                    break;
                }
            }
        }
    }
    let gathering = Rc::new(Gathering {
        values: RefCell::new(values),
        left: Cell::new(count),
        parts: parts.clone(),
        waiting: Cell::new(None),
        decided: Cell::new(None),
        over: Cell::new(false),
        held: Cell::new(false),
    });
    if count == 0 {
        gathering.decide(Ok(Rc::new(Vec::<Value>::new()) as Value), false);
    }
    match in_turn_from {
        None => start_parts(&gathering, others, count, handles),
        Some(index) => {
            start_parts(&gathering, others, index + 1, handles);
            perform_rest(&gathering, effects, scope, handles);
        }
    }
    if let Some(outcome) = gathering.decided_at_once() {
        // Decided at once by parts handed over as they started: known as
        // performed, as redux-saga's `all` of takes finding their messages
        // or of forks.
        return Running::known(outcome, gathering.held.get());
    }
    Running {
        source: Source::Listening(gathering),
        cancel: Some(parts.stop()),
    }
}

/// The effect of running `effects` in parallel (fail-fast: the first
/// failure cancels the rest); resumes with a `Vec<Value>` in order.
///
/// ```
/// use baton::saga::{SagaCo, Value, all_effect, call_effect, run_saga};
/// use baton::{EventLoop, Gen, Promise};
///
/// fn size(path: &'static str) -> Promise<usize> { Promise::resolve(path.len()) }
/// fn name(id: u32) -> Promise<String> { Promise::resolve(format!("#{id}")) }
/// // Parts of different types: the values come back as `Value`s, in order.
/// let saga = Gen::new(|co: SagaCo<String>| async move {
///     let values = co.yield_(all_effect(vec![call_effect(size, "/abc"), call_effect(name, 7)])).await?;
///     let values = values.downcast_ref::<Vec<Value>>().cloned().unwrap_or_default();
///     let size = values[0].downcast_ref::<usize>().copied();
///     let name = values[1].downcast_ref::<String>().cloned();
///     Ok(format!("{size:?} {name:?}"))
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok).as_deref(), Some("Some(4) Some(\"#7\")"));
/// ```
pub fn all_effect(effects: Vec<Effect>) -> Effect {
    all_effect_for(effects, false)
}

/// [`all_effect`]; `handles`: its values go to [`take_value`].
fn all_effect_for(effects: Vec<Effect>, handles: bool) -> Effect {
    Effect::new(
        effects,
        |e: &Vec<Effect>| describe_all(e),
        move |effects, scope| perform_all(scope, effects, handles),
    )
}

/// `yield all([call(f, a), call(f, b), …])` over effects of one type: the
/// typed results, in order. Over effects of mixed types, ask for
/// [`Value`]s (`all::<_, Value>`) and downcast each.
///
/// # Errors
///
/// `Err(Abrupt::Throw(e))` with the first part to fail (the others are
/// cancelled), or when a result is not a `U` (the error names the effect);
/// `Err(Abrupt::Return(_))` if the saga is cancelled while it waits (see
/// [errors of an effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::saga::{SagaCo, all, call_effect, delay_effect, run_saga};
/// use baton::{Error, EventLoop, Gen, Promise, now, set_timeout};
/// use std::time::Duration;
///
/// fn fetch_after(ms: u64) -> Promise<u64> {
///     Promise::new(move |r| {
///         set_timeout(move || r.resolve(ms), Duration::from_millis(ms));
///     })
/// }
/// let saga = Gen::new(|co: SagaCo<(Vec<u64>, Duration)>| async move {
///     let values: Vec<u64> = all(&co, vec![call_effect(fetch_after, 30), call_effect(fetch_after, 10)]).await?;
///     Ok((values, now())) // in order, and in parallel: 30 ms, not 40
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some((vec![30, 10], Duration::from_millis(30))));
///
/// // Parts of mixed types: each value as it came.
/// use baton::saga::Value;
/// fn name(id: u32) -> Promise<String> { Promise::resolve(format!("#{id}")) }
/// let saga = Gen::new(|co: SagaCo<(Option<u64>, Option<String>)>| async move {
///     let values: Vec<Value> = all(&co, vec![call_effect(fetch_after, 5), call_effect(name, 7)]).await?;
///     Ok((values[0].downcast_ref().copied(), values[1].downcast_ref().cloned()))
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some((Some(5), Some("#7".to_string()))));
/// ```
pub async fn all<T, U: Clone + 'static>(
    co: &SagaCo<T>,
    effects: Vec<Effect>,
) -> Result<Vec<U>, Abrupt<Error, T>> {
    let all = all_effect_for(effects, !wants_values::<U>());
    let values: Vec<Value> = yield_typed(co, all, Kind::All, "all").await?;
    values
        .into_iter()
        .map(|v| take_value(v, Kind::All, "all").map_err(Abrupt::Throw))
        .collect()
}

/// The effect of `all({ key: effect, … })`: resumes with
/// `Vec<(&str, Value)>` in the given order.
///
/// ```
/// use baton::saga::{Kind, all_keyed_effect, delay_effect};
///
/// let d = all_keyed_effect(vec![("user", delay_effect(1)), ("posts", delay_effect(2))]).describe();
/// assert_eq!((d.kind, d.args.as_str()), (Kind::All, "user: Delay delay(1), posts: Delay delay(2)"));
/// ```
pub fn all_keyed_effect(effects: Vec<(&'static str, Effect)>) -> Effect {
    all_keyed_effect_for(effects, false)
}

/// [`all_keyed_effect`]; `handles`: its values go to [`take_value`].
fn all_keyed_effect_for(effects: Vec<(&'static str, Effect)>, handles: bool) -> Effect {
    let describe = |effects: &Vec<_>| describe_keyed(Kind::All, "all", effects);
    Effect::new(effects, describe, move |effects, scope| {
        let (keys, effects): (Vec<_>, Vec<_>) = effects.into_iter().unzip();
        let running = perform_all(scope, effects, handles);
        let to_pairs = move |values: Value| {
            let values = values.downcast_ref::<Vec<Value>>().cloned();
            let pairs: Vec<_> = keys.into_iter().zip(values.unwrap_or_default()).collect();
            Rc::new(pairs) as Value
        };
        if running.is_now() {
            // Decided as it started: at once, as a positional `all`.
            return running.map_now(to_pairs);
        }
        let source = running.source;
        let keyed = move |settled: Settled| {
            source.subscribe(Settled::call(move |outcome: Result<Value, Error>| {
                settled.deliver(outcome.map(to_pairs))
            }))
        };
        Running {
            source: Source::Typed(Box::new(keyed)),
            cancel: running.cancel,
        }
    })
}

/// `yield all({ key: effect, … })` over effects of one type (or of mixed
/// types, as `Value`s: `all_keyed::<_, Value>`): `(key, value)`
/// pairs in the given order.
///
/// # Errors
///
/// `Err(Abrupt::Throw(e))` with the first part to fail (the others are
/// cancelled), or when a result is not a `U` (the error names the effect);
/// `Err(Abrupt::Return(_))` if the saga is cancelled while it waits (see
/// [errors of an effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::{Error, EventLoop, Gen, Promise};
/// use baton::saga::{SagaCo, all_keyed, call_effect, run_saga};
///
/// fn fetch(path: &'static str) -> Promise<usize> { Promise::resolve(path.len()) }
/// let saga = Gen::new(|co: SagaCo<Vec<(&'static str, usize)>>| async move {
///     all_keyed(&co, vec![("user", call_effect(fetch, "/u")), ("posts", call_effect(fetch, "/posts"))]).await
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some(vec![("user", 2), ("posts", 6)]));
/// ```
pub async fn all_keyed<T, U: Clone + 'static>(
    co: &SagaCo<T>,
    effects: Vec<(&'static str, Effect)>,
) -> Result<Vec<(&'static str, U)>, Abrupt<Error, T>> {
    let pairs: Vec<(&'static str, Value)> = yield_typed(
        co,
        all_keyed_effect_for(effects, !wants_values::<U>()),
        Kind::All,
        "all",
    )
    .await?;
    pairs
        .into_iter()
        .map(|(k, v)| Ok((k, take_value(v, Kind::All, "all").map_err(Abrupt::Throw)?)))
        .collect()
}
