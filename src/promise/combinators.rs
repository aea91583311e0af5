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
    gather(promises, |outcome| outcome.map(Some))
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
    gather(promises, |outcome| Ok(Some(outcome)))
}

/// The shape `all` and `allSettled` share: each input's outcome becomes a
/// slot (`Ok(Some(v))`), or rejects the whole (`Err`); the result fulfils
/// with the slots in input order once every input has filled its own.
/// Empty input fulfils at once.
fn gather<T, V, E, S>(
    promises: impl IntoIterator<Item = Promise<T, E>>,
    slot: S,
) -> Promise<Vec<V>, E>
where
    T: Clone + 'static,
    V: Clone + 'static,
    E: Reason,
    S: Fn(Result<T, E>) -> Result<Option<V>, E> + 'static,
{
    let promises: Vec<_> = promises.into_iter().collect();
    if promises.is_empty() {
        return Promise::resolve(Vec::new());
    }
    let (result, resolver) = Promise::with_resolver();
    let gathering = Rc::new(Gathering {
        slots: RefCell::new(vec![None; promises.len()]),
        remaining: Cell::new(promises.len()),
        resolver,
        slot,
    });
    // Each input settled already would queue its reaction as a job of its
    // own, at the back, and a pending one queues nothing: those jobs would
    // run in a row, in input order. One job takes their turns in that
    // place and order (the inputs stay where they are; a pending one
    // leaves its place empty).
    let mut inputs: Vec<Option<Promise<T, E>>> = promises.into_iter().map(Some).collect();
    let mut settled = false;
    for (i, input) in inputs.iter_mut().enumerate() {
        let Some(promise) = input else { continue };
        if promise.rejected().is_some() && super::may_skip_subscribing() {
            promise.mark_handled();
            settled = true;
        } else if let Some(promise) = input.take() {
            // Two words: stored inline in an input that is still pending.
            let gathering = gathering.clone();
            promise.subscribe(move |outcome| gathering.fill(i, outcome));
        }
    }
    if settled {
        crate::queue_microtask(move || gathering.fill_settled(inputs));
    }
    result
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
struct Gathering<V, E, S> {
    slots: RefCell<Vec<Option<V>>>,
    remaining: Cell<usize>,
    resolver: Resolver<Vec<V>, E>,
    slot: S,
}

impl<V: Clone + 'static, E: Reason, S> Gathering<V, E, S> {
    fn fill<T>(&self, i: usize, outcome: Result<T, E>)
    where
        S: Fn(Result<T, E>) -> Result<Option<V>, E>,
    {
        match (self.slot)(outcome) {
            Ok(value) => {
                if let Some(place) = self.slots.borrow_mut().get_mut(i) {
                    *place = value;
                }
                self.remaining.set(self.remaining.get() - 1);
                if self.remaining.get() == 0 {
                    let values = filled(std::mem::take(&mut *self.slots.borrow_mut()));
                    self.resolver.resolve(values);
                }
            }
            Err(reason) => self.resolver.reject(reason),
        }
    }

    /// The turns of the inputs that had settled when gathered, in order
    /// (see `gather`); an empty place was pending then.
    fn fill_settled<T: Clone + 'static>(&self, inputs: Vec<Option<Promise<T, E>>>)
    where
        S: Fn(Result<T, E>) -> Result<Option<V>, E>,
    {
        for (i, input) in inputs.into_iter().enumerate() {
            if let Some(outcome) = input.and_then(|promise| promise.shared.outcome()) {
                self.fill(i, outcome);
            }
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
    for promise in promises {
        let resolver: Resolver<T, E> = resolver.clone();
        promise.subscribe(move |outcome| resolver.resolve_with(outcome));
    }
    result
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
    for (i, promise) in promises.into_iter().enumerate() {
        let (reasons, remaining, resolver) = (reasons.clone(), remaining.clone(), resolver.clone());
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
    }
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
