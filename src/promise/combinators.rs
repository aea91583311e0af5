//! `Promise.all`, `allSettled`, `race` and `any`, with JavaScript's
//! empty-input behaviour and result order.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;

use super::{Promise, Resolver};
use crate::{Fault, Reason};

/// `Promise.all`: fulfils with every value, in input order, once all have;
/// rejects with the first rejection. Empty input fulfils at once.
///
/// ```
/// use baton::{EventLoop, Promise, promise::all};
///
/// let p = EventLoop::virtual_clock().run(|| all(vec![Promise::<u8>::resolve(1), Promise::resolve(2)]));
/// assert_eq!(p.peek().and_then(Result::ok), Some(vec![1, 2]));
/// ```
pub fn all<T: Clone + 'static, E: Reason>(
    promises: impl IntoIterator<Item = Promise<T, E>>,
) -> Promise<Vec<T>, E> {
    gather(promises, |outcome| outcome)
}

/// `Promise.allSettled`: fulfils, once every input has settled, with each
/// outcome in input order; never rejects.
///
/// ```
/// use baton::{Error, EventLoop, Promise, promise::all_settled};
///
/// let p = EventLoop::virtual_clock().run(|| {
///     all_settled(vec![Promise::<u8>::resolve(1), Promise::reject(Error::msg("no"))])
/// });
/// let outcomes = p.peek().and_then(Result::ok).expect("never rejects");
/// let shown: Vec<String> = outcomes
///     .iter()
///     .map(|o| match o {
///         Ok(v) => format!("fulfilled {v}"),
///         Err(e) => format!("rejected {e}"),
///     })
///     .collect();
/// assert_eq!(shown, ["fulfilled 1", "rejected no"]);
/// ```
pub fn all_settled<T: Clone + 'static, E: Reason>(
    promises: impl IntoIterator<Item = Promise<T, E>>,
) -> Promise<Vec<Result<T, E>>, E> {
    gather(promises, |outcome| Ok(outcome))
}

/// The shape `all` and `allSettled` share: each input's outcome becomes a
/// value (`Ok(v)`), or rejects the whole (`Err`); the result fulfils with
/// the values in input order once every input has given its own. Empty
/// input fulfils at once.
///
/// An input settled already would queue its reaction as a job of its
/// own, at the back, and a pending one queues nothing: those jobs would
/// run in a row, in input order, and do nothing anyone sees but the last
/// one's fulfilment, or the first rejection. One job does that in their
/// place. Their values (immutable once settled) are read as they are
/// gathered, each input touched once, and the inputs let go then: when
/// all have settled, straight into the result, with nothing shared left
/// to fill it.
fn gather<T, V, E, S>(
    promises: impl IntoIterator<Item = Promise<T, E>>,
    slot: S,
) -> Promise<Vec<V>, E>
where
    T: Clone + 'static,
    V: Clone + 'static,
    E: Reason,
    S: Fn(Result<T, E>) -> Result<V, E> + 'static,
{
    let inputs: Vec<Promise<T, E>> = promises.into_iter().collect();
    let count = inputs.len();
    if count == 0 {
        return Promise::resolve(Vec::new());
    }
    let (result, resolver) = Promise::with_resolver();
    let mut settled = Settled {
        count: 0,
        failed: None,
    };
    let mut values = Vec::with_capacity(count);
    let mut inputs = inputs.into_iter();
    let mut pending = None;
    if super::may_skip_subscribing() {
        // The usual case first: each input settled already, read (and let
        // go) in turn, its value straight into the result.
        for promise in inputs.by_ref() {
            let Some(outcome) = promise.shared.outcome_handled() else {
                pending = Some(promise);
                break;
            };
            values.extend(settled.count_in(slot(outcome)));
        }
        if pending.is_none() {
            // Every input had settled: nobody else fills the result.
            crate::queue_microtask(move || match settled.failed {
                Some(reason) => resolver.reject(reason),
                None => resolver.resolve(values),
            });
            return result;
        }
    }
    // An input is pending: the values so far (placeholders once one
    // failed: the result rejects before any other can fill it) and the
    // inputs left, in one vector the result is made of.
    let mut slots: Vec<Slot<T, V, E>> = Vec::with_capacity(count);
    if settled.failed.is_some() {
        slots.resize_with(settled.count, || Slot::Waiting);
    } else {
        slots.extend(values.into_iter().map(Slot::Filled));
    }
    slots.extend(pending.into_iter().chain(inputs).map(Slot::Input));
    let gathering = Rc::new(Gathering {
        slots: RefCell::new(Vec::new()),
        remaining: Cell::new(count),
        resolver,
        slot,
    });
    let skip = super::may_skip_subscribing();
    for (i, place) in slots.iter_mut().enumerate().skip(settled.count) {
        let Slot::Input(promise) = std::mem::replace(place, Slot::Waiting) else {
            continue;
        };
        let outcome = if skip {
            promise.shared.outcome_handled()
        } else {
            None
        };
        match outcome {
            Some(outcome) => {
                if let Some(value) = settled.count_in((gathering.slot)(outcome)) {
                    *place = Slot::Filled(value);
                }
            }
            _ => {
                // Two words: stored inline in an input that is still pending.
                let gathering = gathering.clone();
                promise.subscribe(move |outcome| gathering.fill(i, outcome));
            }
        }
    }
    *gathering.slots.borrow_mut() = slots;
    if settled.count > 0 {
        crate::queue_microtask(move || gathering.take_turns(settled));
    }
    result
}

/// A place in a `gather`'s result: an input not yet looked at, one whose
/// reaction is awaited, or a value.
enum Slot<T, V, E> {
    Input(Promise<T, E>),
    Waiting,
    Filled(V),
}

impl<T, V, E> Slot<T, V, E> {
    fn filled(self) -> Option<V> {
        match self {
            Slot::Filled(value) => Some(value),
            _ => None,
        }
    }
}

/// The turns of the inputs settled when gathered: how many, and the first
/// rejection among them.
struct Settled<E> {
    count: usize,
    failed: Option<E>,
}

impl<E> Settled<E> {
    /// Counts one more such input: its value, or `None` for a rejection
    /// (the first one kept).
    fn count_in<V>(&mut self, value: Result<V, E>) -> Option<V> {
        self.count += 1;
        match value {
            Ok(value) => Some(value),
            Err(reason) => {
                self.failed.get_or_insert(reason);
                None
            }
        }
    }
}

/// The values of slots that have all been filled, in order, in a vector
/// made at its size: collected through `flatten`, whose length is not
/// known ahead, the vector would grow by doubling, copying itself a dozen
/// times for 10,000 values.
pub(crate) fn filled<V>(slots: Vec<Option<V>>) -> Vec<V> {
    let mut values = Vec::with_capacity(slots.len());
    values.extend(slots.into_iter().flatten());
    values
}

/// The shared state of a `gather`: one allocation for all its inputs.
struct Gathering<T, V, E, S> {
    slots: RefCell<Vec<Slot<T, V, E>>>,
    remaining: Cell<usize>,
    resolver: Resolver<Vec<V>, E>,
    slot: S,
}

impl<T, V, E, S> Gathering<T, V, E, S>
where
    T: Clone + 'static,
    V: Clone + 'static,
    E: Reason,
    S: Fn(Result<T, E>) -> Result<V, E>,
{
    /// The reaction of input `i`, pending when gathered.
    fn fill(&self, i: usize, outcome: Result<T, E>) {
        match (self.slot)(outcome) {
            Ok(value) => {
                if let Some(place) = self.slots.borrow_mut().get_mut(i) {
                    *place = Slot::Filled(value);
                }
                self.counted(1);
            }
            Err(reason) => self.resolver.reject(reason),
        }
    }

    /// The turns of the inputs settled when gathered (see `gather`), all
    /// at once: their values are in place already.
    fn take_turns(&self, settled: Settled<E>) {
        match settled.failed {
            Some(reason) => self.resolver.reject(reason),
            None => self.counted(settled.count),
        }
    }

    /// `count` more inputs have their values; the last one fulfils the
    /// result, in the vector the inputs came in (its values written over
    /// them where the types allow).
    fn counted(&self, count: usize) {
        self.remaining.set(self.remaining.get() - count);
        if self.remaining.get() == 0 {
            let slots = std::mem::take(&mut *self.slots.borrow_mut());
            let values = slots.into_iter().filter_map(Slot::filled).collect();
            self.resolver.resolve(values);
        }
    }
}

/// `Promise.race`: settles like the first input to settle. Empty input
/// stays pending forever, as in JavaScript.
///
/// ```
/// use baton::{EventLoop, Promise, promise::race, set_timeout};
/// use std::time::Duration;
///
/// let after = |ms: u64, v: &'static str| {
///     Promise::<&str>::new(move |r| {
///         set_timeout(move || r.resolve(v), Duration::from_millis(ms));
///     })
/// };
/// let p = EventLoop::virtual_clock().run(move || race(vec![after(50, "slow"), after(10, "fast")]));
/// assert_eq!(p.peek().and_then(Result::ok), Some("fast"));
/// ```
pub fn race<T: Clone + 'static, E: Reason>(
    promises: impl IntoIterator<Item = Promise<T, E>>,
) -> Promise<T, E> {
    let (result, resolver) = Promise::with_resolver();
    subscribe_until_decided(
        promises,
        |promise| !promise.is_pending(),
        |_, promise| {
            let resolver: Resolver<T, E> = resolver.clone();
            promise.subscribe(move |outcome| resolver.resolve_with(outcome));
        },
    );
    result
}

/// Subscribes to each input in turn (`subscribe`, with its index) until
/// one `decides` the result as it is subscribed to: one settled already
/// (for `any`, fulfilled), whose reaction is queued ahead of any later
/// input's, which would find the result settled. The inputs after it are
/// marked handled, as subscribing marks them, and nothing is kept on
/// them: a race won at once against a promise that never settles leaves
/// nothing on it.
fn subscribe_until_decided<T: Clone + 'static, E: Reason>(
    promises: impl IntoIterator<Item = Promise<T, E>>,
    decides: impl Fn(&Promise<T, E>) -> bool,
    mut subscribe: impl FnMut(usize, Promise<T, E>),
) {
    let mut decided = false;
    for (i, promise) in promises.into_iter().enumerate() {
        if decided {
            promise.mark_handled();
            continue;
        }
        decided = decides(&promise) && super::may_skip_subscribing();
        subscribe(i, promise);
    }
}

/// `Promise.any`: fulfils like the first input to fulfil; if all reject,
/// rejects with an [`AggregateError`] holding every reason in input order
/// (at once for empty input).
///
/// ```
/// use baton::{Error, EventLoop, Promise, promise::any};
///
/// let first_ok = EventLoop::virtual_clock().run(|| {
///     any(vec![Promise::<u8>::reject(Error::msg("a")), Promise::resolve(2)])
/// });
/// assert_eq!(first_ok.peek().and_then(Result::ok), Some(2));
///
/// let none_ok = EventLoop::virtual_clock().run(|| {
///     any(vec![Promise::<u8>::reject(Error::msg("a")), Promise::reject(Error::msg("b"))])
///         .catch(|all| Ok(all.errors.len() as u8))
/// });
/// assert_eq!(none_ok.peek().and_then(Result::ok), Some(2));
/// ```
pub fn any<T: Clone + 'static, E: Reason>(
    promises: impl IntoIterator<Item = Promise<T, E>>,
) -> Promise<T, AggregateError<E>> {
    let promises: Vec<_> = promises.into_iter().collect();
    if promises.is_empty() {
        return Promise::reject(AggregateError::new(Vec::new()));
    }
    let (result, resolver) = Promise::with_resolver();
    let reasons = Rc::new(RefCell::new(vec![None; promises.len()]));
    let remaining = Rc::new(Cell::new(promises.len()));
    subscribe_until_decided(
        promises,
        |promise| promise.rejected() == Some(false),
        |i, promise| {
            let (reasons, remaining, resolver) =
                (reasons.clone(), remaining.clone(), resolver.clone());
            promise.subscribe(move |outcome| match outcome {
                Ok(value) => resolver.resolve(value),
                Err(reason) => {
                    reasons.borrow_mut()[i] = Some(reason);
                    remaining.set(remaining.get() - 1);
                    if remaining.get() == 0 {
                        let all = filled(std::mem::take(&mut *reasons.borrow_mut()));
                        resolver.reject(AggregateError::new(all));
                    }
                }
            });
        },
    );
    result
}

/// Every reason of a [`any`] whose inputs all rejected (JavaScript's
/// `AggregateError`), or a fault raised while waiting.
///
/// ```
/// use baton::{Error, EventLoop, Promise, promise::any};
///
/// let p = EventLoop::virtual_clock().run(|| {
///     any(vec![Promise::<u8>::reject(Error::msg("a")), Promise::reject(Error::msg("b"))])
///         .then_else(
///             |v| Ok(v.to_string()),
///             |all| {
///                 let reasons: Vec<String> = all.errors.iter().map(ToString::to_string).collect();
///                 Ok(reasons.join("+"))
///             },
///         )
/// });
/// assert_eq!(p.peek().and_then(Result::ok).as_deref(), Some("a+b"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AggregateError<E> {
    /// The rejection reasons, in input order.
    pub errors: Vec<E>,
    /// Set instead when baton itself failed (for example a panicking
    /// handler).
    pub fault: Option<Fault>,
}

impl<E> AggregateError<E> {
    fn new(errors: Vec<E>) -> Self {
        AggregateError {
            errors,
            fault: None,
        }
    }
}

impl<E> From<Fault> for AggregateError<E> {
    fn from(fault: Fault) -> Self {
        AggregateError {
            errors: Vec::new(),
            fault: Some(fault),
        }
    }
}

impl<E: fmt::Debug> fmt::Display for AggregateError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fault {
            Some(fault) => write!(f, "{fault}"),
            None => write!(f, "All promises were rejected: {:?}", self.errors),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for AggregateError<E> {}
