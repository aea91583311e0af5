//! `race`: an effect made of effects that settles like the first to
//! settle, with redux-saga's cancellation — the losers are cancelled at
//! once, and cancelling the race cancels every part.
//!
//! A race in flight is two objects: its parts, which the saga's stop holds
//! (so cancelling the saga stops them, hooks and all, whatever else holds
//! them), and the race ([`Racing`]), which every part reports to (its index
//! riding where a task's epoch would), which holds the saga waiting on it,
//! and which a typed race (`race`, `race2`) resumes the saga with, the
//! winner read from it. A promise, its resolver, a flag, a hook, a
//! callback per part and a box for the `(key, value)` pair took one
//! allocation each; `race2` keeps its two parts in place, where a vector
//! took one more.

use std::cell::{Cell, RefCell};
use std::mem::ManuallyDrop;
use std::rc::Rc;

use super::SagaCo;
use super::combinators::describe_keyed;
use super::effect::{
    Effect, Kind, Listening, Running, Settled, Stop, StopParts, Value, Waiter, downcast,
    take_value, wants_values,
};
use super::task::Scope;
use crate::generator::Abrupt;
use crate::{Error, recycle};

/// A part's key and how to stop it while it runs.
type Part = (&'static str, Option<Stop>);

/// Where a race keeps its parts: a vector, or a pair kept in place.
trait Parts: AsMut<[Part]> + Default + 'static {
    fn with_room(count: usize) -> Self;
}

impl Parts for Vec<Part> {
    fn with_room(count: usize) -> Self {
        (0..count).map(|_| ("", None)).collect()
    }
}

impl Parts for [Part; 2] {
    fn with_room(_count: usize) -> Self {
        Self::default()
    }
}

/// A race's parts, and whether the race is over (decided, or cancelled).
struct RaceParts<P> {
    /// A part's stop is taken out as the race ends.
    slots: RefCell<P>,
    over: Cell<bool>,
}

impl<P: Parts> RaceParts<P> {
    /// Ends the race: `false` if it was over already.
    fn end(&self) -> bool {
        !self.over.replace(true)
    }

    /// Part `index`'s key ("" past the last part).
    fn key(&self, index: usize) -> &'static str {
        self.slots
            .borrow_mut()
            .as_mut()
            .get(index)
            .map_or("", |(key, _)| *key)
    }

    /// Part `index`'s stop, taken out once the race has ended (`None` past
    /// the last part): one part at a time, each to be stopped after the borrow
    /// (stopping runs code). Taken out all at once, the parts were copied
    /// whole to the stack and each stop read back from there in one block,
    /// a load the processor could not forward from the copy's stores.
    fn take_stop(&self, index: usize) -> Option<Option<Stop>> {
        let mut slots = self.slots.borrow_mut();
        let (_, stop) = slots.as_mut().get_mut(index)?;
        Some(stop.take())
    }

    /// Takes each part's stop out in turn, and hands those still running
    /// to `each` with their index, outside the borrow.
    fn take_each_stop(&self, mut each: impl FnMut(usize, Stop)) {
        let mut index = 0;
        while let Some(stop) = self.take_stop(index) {
            if let Some(stop) = stop {
                each(index, stop);
            }
            index += 1;
        }
    }
}

impl<P: Parts> StopParts for RaceParts<P> {
    /// The saga stopped waiting (cancelled, or a race or an `all` it is
    /// part of is over): every part still running is cancelled with the
    /// reason.
    fn stop_parts(&self, reason: &Error) {
        if self.end() {
            self.take_each_stop(|_, stop| stop.stop(reason));
        }
    }
}

/// A race in flight (see the module's documentation).
struct Racing<P> {
    /// Let go of by `Drop`, which recycles it when it is the last handle.
    parts: ManuallyDrop<Rc<RaceParts<P>>>,
    /// The saga waiting for the race.
    waiting: Cell<Option<Settled>>,
    /// The winner's key and outcome, from its turn until the saga has it.
    won: Cell<Option<(&'static str, Result<Value, Error>)>>,
    /// The saga reads the winner from the race itself (`race`, `race2`);
    /// otherwise it is handed a `(key, value)` pair.
    typed: bool,
    /// Won by a result handed over as it came (see [`Racing::decide`]).
    at_once: Cell<bool>,
}

impl<P: Parts> Racing<P> {
    /// Part `index` settled first: the others are stopped at once (so a
    /// message that reached a losing `take` goes back to its channel), and
    /// the race settles like it two turns later. Seed 003's runner races
    /// each effect's promise wrapped in `.then(val => ({ [key]: val }))`,
    /// which takes a turn after the winner (`tests/oracle/random/sagas.js`),
    /// and the race's own promise another to reach the saga.
    ///
    /// `at_once`: the winner's result was handed over as it came (a take,
    /// a `cps`: effects seed 003's runner does not have). redux-saga's race
    /// then resumes its saga at once, inside the put that answered the
    /// take, and so does this one: a saga that races a take in a loop (a
    /// debounce) is back at its next take before the putter goes on, and
    /// sees the action put right after. Won so as it is performed, the
    /// race is known at once ([`perform`]).
    fn decide(self: Rc<Self>, index: usize, outcome: Result<Value, Error>, at_once: bool) {
        if !self.parts.end() {
            return;
        }
        let winner = self.parts.key(index);
        stop_losers(&self.parts, index, winner);
        self.won.set(Some((winner, outcome)));
        if at_once {
            self.at_once.set(true);
            self.deliver();
            return;
        }
        crate::queue_microtask(move || {
            crate::queue_microtask(move || self.deliver());
        });
    }

    /// Hands the outcome to the saga (nobody, if it stopped waiting, or
    /// is not waiting yet: see [`perform`]).
    fn deliver(self: Rc<Self>) {
        let Some(settled) = self.waiting.take() else {
            return;
        };
        let Some(outcome) = self.outcome() else {
            return;
        };
        settled.deliver(outcome);
        // The last handle if the saga read the winner as it resumed.
        recycle::recycle(self);
    }

    /// The winner's outcome as the saga takes it: the race itself, which
    /// keeps the winner, for a typed race; else a `(key, value)` pair.
    fn outcome(self: &Rc<Self>) -> Option<Result<Value, Error>> {
        let (key, outcome) = self.won.take()?;
        Some(match outcome {
            Ok(value) if self.typed => {
                self.won.set(Some((key, Ok(value))));
                Ok(self.clone() as Value)
            }
            outcome => outcome.map(|value| Rc::new((key, value)) as Value),
        })
    }
}

/// Stops every part but the winner's (which is let go), in order, with the
/// reason made only if a stop reads it (a timer does not).
fn stop_losers<P: Parts>(parts: &RaceParts<P>, winner: usize, key: &str) {
    let mut reason = None;
    parts.take_each_stop(|index, stop| {
        if index != winner {
            stop.stop_with(|| {
                reason.get_or_insert_with(|| Error::msg(format!("lost a race to `{key}`")))
            });
        }
    });
}

impl<P> Drop for Racing<P> {
    fn drop(&mut self) {
        // SAFETY: `parts` is taken once, here, and not used again: the
        // race is being dropped.
        let parts = unsafe { ManuallyDrop::take(&mut self.parts) };
        // Its last handle, once the saga has stopped waiting: kept for
        // the next race's parts.
        recycle::recycle(parts);
    }
}

impl<P: Parts> Waiter for Racing<P> {
    fn resume_with(self: Rc<Self>, index: u64, outcome: Result<Value, Error>) {
        self.decide(index as usize, outcome, false);
    }

    fn resume_handed(self: Rc<Self>, index: u64, outcome: Result<Value, Error>) {
        self.decide(index as usize, outcome, true);
    }

    fn resume_unit_later(self: Rc<Self>, index: u64) {
        super::effect::queue_resume_unit(self, index);
    }

    /// The turn of a part whose promise had settled when it started.
    fn take_turn(self: Rc<Self>, index: u64) {
        let index = index as usize;
        // Taken out, and read and dropped after the borrow.
        let stop = self
            .parts
            .slots
            .borrow_mut()
            .as_mut()
            .get_mut(index)
            .and_then(|(_, stop)| Stop::take_settled(stop));
        if let Some(outcome) = stop.and_then(Stop::into_settled_outcome) {
            self.decide(index, outcome, false);
        }
    }
}

impl<P: Parts> Listening for Racing<P> {
    fn wait(self: Rc<Self>, settled: Settled) -> Option<Stop> {
        self.waiting.set(Some(settled));
        Some(Stop::Parts(Rc::clone(&self.parts) as Rc<dyn StopParts>))
    }
}

/// Performs and starts each part in turn, as seed 003's runner (and
/// redux-saga) subscribe to each racer before performing the next.
/// `handles`: the winner's value goes to [`downcast`], so a promise's may
/// come back as the promise itself ([`Running::handled_by`]), and the saga
/// reads the winner from the race.
fn perform<P: Parts>(
    scope: &Scope,
    effects: impl ExactSizeIterator<Item = (&'static str, Effect)>,
    handles: bool,
) -> Running {
    let racing = recycle::new_rc(Racing {
        parts: ManuallyDrop::new(recycle::new_rc(RaceParts {
            slots: RefCell::new(P::with_room(effects.len())),
            over: Cell::new(false),
        })),
        waiting: Cell::new(None),
        won: Cell::new(None),
        typed: handles,
        at_once: Cell::new(false),
    });
    let slots = &racing.parts.slots;
    // A fork won: its hold on the scheduler goes to the saga going on.
    let mut held = false;
    for (index, (key, effect)) in effects.enumerate() {
        let part = effect.perform(scope);
        if let Some(slot) = slots.borrow_mut().as_mut().get_mut(index) {
            slot.0 = key;
        }
        if part.is_now() {
            // Known as performed (a take finding a message waiting, a
            // select, a fork): it wins at once, as in redux-saga.
            if let Some((outcome, holds)) = part.into_now() {
                held = holds;
                Rc::clone(&racing).decide(index, outcome, true);
            }
            break;
        }
        let stop = part.moved().start_for(&racing, index as u64, handles);
        if racing.parts.over.get() {
            // It settled as it started (a `cps` whose callback came at
            // once) and won: the rest are not performed, as redux-saga
            // performs no racer once the race is over.
            break;
        }
        if let Some(slot) = slots.borrow_mut().as_mut().get_mut(index) {
            slot.1 = Stop::moved(stop);
        }
    }
    if racing.at_once.get()
        && let Some(outcome) = racing.outcome()
    {
        // Won at once by a part as it started: known as performed.
        return Running::known(outcome, held);
    }
    debug_assert!(!held, "a fork wins its race at once");
    Running::listening(racing)
}

/// The winner of a typed race: read from the race, or (a stepping test
/// feeding the effect its result) a `(key, value)` pair.
fn winner<P: Parts>(won: Value) -> Result<(&'static str, Value), Error> {
    let racing = match won.downcast::<Racing<P>>() {
        Ok(racing) => racing,
        Err(won) => return downcast(&won, Kind::Race, "race"),
    };
    if let Some((key, Ok(value))) = racing.won.take() {
        // The race's last handle if its delivery is over (a saga resumed
        // later than the delivery); else `deliver` lets go of it last. Its
        // allocation (and its parts') go to the next race.
        recycle::recycle(racing);
        return Ok((key, value));
    }
    downcast(&(racing as Value), Kind::Race, "race")
}

/// The effect of racing `effects` (keyed, like seed 003's
/// `race({ data, timeout })`): settles like the first to settle, a
/// microtask turn later as seed 003's runner does (at once, as
/// redux-saga's race, when a take or a `cps` wins), resuming with `(key,
/// value)`; the losers are cancelled at once (a losing delay's timer is
/// cleared, a losing saga's cleanup runs). A race of no effects never
/// settles, as redux-saga's `race({})` and seed 003's `Promise.race([])`:
/// the saga waits until it is cancelled.
///
/// ```
/// use baton::saga::{SagaCo, Value, call_effect, delay_effect, race_effect, run_saga};
/// use baton::{EventLoop, Gen, Promise};
///
/// fn fetch(url: &'static str) -> Promise<String> { Promise::resolve(format!("{url}: 200")) }
/// let saga = Gen::new(|co: SagaCo<String>| async move {
///     let won = co.yield_(race_effect(vec![("data", call_effect(fetch, "/api")), ("timeout", delay_effect(5_000))])).await?;
///     let (key, value) = won.downcast_ref::<(&str, Value)>().cloned().expect("a (key, value)");
///     Ok(format!("{key} won with {:?}", value.downcast_ref::<String>()))
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok).as_deref(), Some("data won with Some(\"/api: 200\")"));
/// ```
pub fn race_effect(effects: Vec<(&'static str, Effect)>) -> Effect {
    race_effect_for(effects, false)
}

/// [`race_effect`]; `handles`: the saga reads the winner from the race
/// (see [`perform`]).
fn race_effect_for(effects: Vec<(&'static str, Effect)>, handles: bool) -> Effect {
    let describe = |effects: &Vec<_>| describe_keyed(Kind::Race, "race", effects);
    Effect::new(effects, describe, move |effects, scope| {
        perform::<Vec<Part>>(scope, effects.into_iter(), handles)
    })
}

/// A race of two, its parts kept in place.
fn race_pair_effect(pair: [(&'static str, Effect); 2], handles: bool) -> Effect {
    let describe = |pair: &[_; 2]| describe_keyed(Kind::Race, "race", pair);
    Effect::new(pair, describe, move |pair, scope| {
        perform::<[Part; 2]>(scope, pair.into_iter(), handles)
    })
}

/// `yield race({ key: effect, … })`: which effect won, and its typed
/// value (all racers produce `U`; over racers of different types, ask for
/// a [`Value`] (`race::<_, Value>`) and downcast the winner's).
///
/// # Errors
///
/// `Err(Abrupt::Throw(e))` when the first racer to settle fails with `e` (the
/// others are cancelled all the same), or when the winner's value is not a `U`;
/// `Err(Abrupt::Return(_))` if the saga is cancelled while it waits (see
/// [errors of an effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::saga::{SagaCo, call_effect, race, run_saga};
/// use baton::{EventLoop, Gen, Promise, set_timeout};
/// use std::time::Duration;
///
/// fn reply_after(ms: u64) -> Promise<u64> {
///     Promise::new(move |r| {
///         set_timeout(move || r.resolve(ms), Duration::from_millis(ms));
///     })
/// }
/// let saga = Gen::new(|co: SagaCo<(&'static str, u64)>| async move {
///     race(&co, vec![("primary", call_effect(reply_after, 80)), ("mirror", call_effect(reply_after, 20))]).await
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some(("mirror", 20)));
/// ```
pub async fn race<T, U: Clone + 'static>(
    co: &SagaCo<T>,
    effects: Vec<(&'static str, Effect)>,
) -> Result<(&'static str, U), Abrupt<Error, T>> {
    let won = co
        .yield_(race_effect_for(effects, !wants_values::<U>()))
        .await?;
    let (key, value) = winner::<Vec<Part>>(won).map_err(Abrupt::Throw)?;
    Ok((
        key,
        take_value(value, Kind::Race, "race").map_err(Abrupt::Throw)?,
    ))
}

/// Which of two racers won, with its value ([`race2`]).
///
/// ```
/// use baton::saga::Won;
///
/// let outcomes: [Won<String, ()>; 2] = [Won::First("data".into()), Won::Second(())];
/// let shown: Vec<&str> = outcomes
///     .iter()
///     .map(|w| match w {
///         Won::First(_) => "data arrived",
///         Won::Second(()) => "timed out",
///     })
///     .collect();
/// assert_eq!(shown, ["data arrived", "timed out"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Won<A, B> {
    /// The first racer won.
    First(A),
    /// The second racer won.
    Second(B),
}

/// `yield race({ a, b })` over two effects of different types — the usual
/// data-or-timeout race. The keys name the racers in the description (and
/// must differ).
///
/// # Errors
///
/// `Err(Abrupt::Throw(e))` when the first racer to settle fails with `e` (the
/// other is cancelled all the same), or when the winner's value is not of its
/// type; `Err(Abrupt::Return(_))` if the saga is cancelled while it waits (see
/// [errors of an effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::{EventLoop, Gen, Promise};
/// use baton::saga::{SagaCo, Won, call_effect, delay_effect, race2, run_saga};
///
/// fn fetch(url: &'static str) -> Promise<String> { Promise::resolve(format!("{url}: ok")) }
/// let saga = Gen::new(|co: SagaCo<String>| async move {
///     let won: Won<String, ()> =
///         race2(&co, ("data", call_effect(fetch, "/fast")), ("timeout", delay_effect(5_000))).await?;
///     Ok(match won {
///         Won::First(data) => data,
///         Won::Second(()) => "timed out".to_string(),
///     })
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok).as_deref(), Some("/fast: ok"));
/// ```
pub async fn race2<T, A: Clone + 'static, B: Clone + 'static>(
    co: &SagaCo<T>,
    first: (&'static str, Effect),
    second: (&'static str, Effect),
) -> Result<Won<A, B>, Abrupt<Error, T>> {
    let first_key = first.0;
    let handles = !(wants_values::<A>() || wants_values::<B>());
    let won = co
        .yield_(race_pair_effect([first, second], handles))
        .await?;
    let (key, value) = winner::<[Part; 2]>(won).map_err(Abrupt::Throw)?;
    let typed = if key == first_key {
        take_value(value, Kind::Race, "race").map(Won::First)
    } else {
        take_value(value, Kind::Race, "race").map(Won::Second)
    };
    typed.map_err(Abrupt::Throw)
}
