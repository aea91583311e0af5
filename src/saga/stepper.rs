//! The stepping harness: drive a saga effect by effect with no runtime.

use std::fmt;

use super::effect::{Description, Effect, Value, into_value, unit};
use crate::Error;
use crate::generator::{Generator, Resume, Step};

/// Steps a saga effect by effect, as a test does: look at the next effect,
/// feed it a result (or an error), and check how the saga ends. Nothing is
/// performed: no I/O, no timers, no waiting.
///
/// ```
/// use baton::{Error, Gen, Promise};
/// use baton::saga::{Kind, SagaCo, Stepper, call, delay};
///
/// fn fetch_user(id: u32) -> Promise<String> {
///     unreachable!("never called by the stepper: {id}")
/// }
///
/// let saga = Gen::new(|co: SagaCo<String>| async move {
///     let name: String = call(&co, fetch_user, 42).await?;
///     delay(&co, 1000).await?;
///     Ok(format!("hello {name}"))
/// });
/// let mut steps = Stepper::new(saga);
/// let first = steps.next_effect().expect("a call");
/// assert_eq!((first.kind, first.name.as_str(), first.args.as_str()), (Kind::Call, "fetch_user", "42"));
/// let second = steps.feed("Ada".to_string()).expect("a delay");
/// assert_eq!(second.kind, Kind::Delay);
/// let finished = steps.feed(()).err().and_then(Result::ok);
/// assert_eq!(finished.as_deref(), Some("hello Ada"));
/// ```
pub struct Stepper<G: Generator> {
    saga: G,
    started: bool,
}

impl<G> fmt::Debug for Stepper<G>
where
    G: Generator,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stepper")
            .field("started", &self.started)
            .finish()
    }
}

/// How a step ended when it did not produce another effect: the saga
/// returned (`Ok`) or threw (`Err`).
///
/// ```
/// use baton::saga::{Finished, SagaCo, Stepper};
/// use baton::{Error, Gen};
///
/// let mut steps = Stepper::new(Gen::new(|_co: SagaCo<u8>| async move { Err(Error::msg("bad config"))? }));
/// let finished: Finished<u8> = steps.next_effect().err().expect("no effect: it finished");
/// assert_eq!(finished.err().map(|e| e.to_string()).as_deref(), Some("bad config"));
/// ```
pub type Finished<T> = Result<T, Error>;

impl<G> Stepper<G>
where
    G: Generator<Yield = Effect, Input = Value, Error = Error>,
{
    /// Wraps a saga without starting it.
    ///
    /// ```
    /// use baton::saga::{SagaCo, Stepper, delay};
    /// use baton::Gen;
    /// use std::{cell::Cell, rc::Rc};
    ///
    /// let started = Rc::new(Cell::new(false));
    /// let s = started.clone();
    /// let mut steps = Stepper::new(Gen::new(move |co: SagaCo<()>| async move {
    ///     s.set(true);
    ///     delay(&co, 5).await
    /// }));
    /// assert!(!started.get()); // wrapped, not started
    /// steps.next_effect().ok();
    /// assert!(started.get());
    /// ```
    pub fn new(saga: G) -> Self {
        Stepper {
            saga,
            started: false,
        }
    }

    /// Starts the saga: its first effect, or how it finished.
    ///
    /// # Errors
    ///
    /// `Err(finished)` when the saga finishes (returns or throws) before
    /// yielding an effect.
    ///
    /// ```
    /// use baton::saga::{Kind, SagaCo, Stepper, delay};
    /// use baton::Gen;
    ///
    /// let mut steps = Stepper::new(Gen::new(|co: SagaCo<()>| async move { delay(&co, 5).await }));
    /// let first = steps.next_effect().expect("an effect");
    /// assert_eq!((first.kind, first.args.as_str()), (Kind::Delay, "5"));
    /// ```
    pub fn next_effect(&mut self) -> Result<Description, Finished<G::Return>> {
        self.started = true;
        self.step(Resume::Next(unit()))
    }

    /// Feeds `value` as the current effect's result: the next effect, or
    /// how the saga finished. A [`Value`] goes in as it is (the result of a
    /// raw yield, or of a typed combinator asked for `Value`s).
    ///
    /// # Errors
    ///
    /// `Err(finished)` when the saga finishes instead of yielding another
    /// effect; a `value` of another type than the effect's result is thrown
    /// into the saga as an error naming the effect, so the saga may finish with
    /// it.
    ///
    /// ```
    /// use baton::saga::{SagaCo, Stepper, call};
    /// use baton::{Gen, Promise};
    ///
    /// fn price(item: &'static str) -> Promise<u32> { unreachable!("{item}") }
    /// let mut steps = Stepper::new(Gen::new(|co: SagaCo<u32>| async move {
    ///     Ok(call(&co, price, "tea").await? + call(&co, price, "cake").await?)
    /// }));
    /// steps.next_effect().ok();
    /// let second = steps.feed(3_u32).expect("the second call");
    /// assert_eq!(second.args, "\"cake\"");
    /// assert_eq!(steps.feed(4_u32).err().and_then(Result::ok), Some(7));
    /// ```
    pub fn feed<U: 'static>(&mut self, value: U) -> Result<Description, Finished<G::Return>> {
        self.step(Resume::Next(into_value(value)))
    }

    /// Feeds the results of an `all` effect, one per part, in order: for
    /// parts of mixed types, as [`Value`]s (`Rc::new(x) as Value`), which
    /// go in as they are.
    ///
    /// # Errors
    ///
    /// As [`feed`](Self::feed).
    ///
    /// ```
    /// use baton::{Gen, Promise};
    /// use baton::saga::{SagaCo, Stepper, all, call_effect};
    ///
    /// fn fetch(url: &'static str) -> Promise<usize> { unreachable!("{url}") }
    /// let saga = Gen::new(|co: SagaCo<usize>| async move {
    ///     let sizes: Vec<usize> = all(&co, vec![call_effect(fetch, "/a"), call_effect(fetch, "/b")]).await?;
    ///     Ok(sizes.iter().sum())
    /// });
    /// let mut steps = Stepper::new(saga);
    /// steps.next_effect().ok();
    /// assert_eq!(steps.feed_all([3_usize, 4]).err().and_then(Result::ok), Some(7));
    /// ```
    pub fn feed_all<U: 'static>(
        &mut self,
        values: impl IntoIterator<Item = U>,
    ) -> Result<Description, Finished<G::Return>> {
        let values: Vec<Value> = values.into_iter().map(into_value).collect();
        self.feed(values)
    }

    /// Feeds the result of a `race` effect: which racer won, and its value.
    ///
    /// # Errors
    ///
    /// As [`feed`](Self::feed).
    ///
    /// ```
    /// use baton::{Gen, Promise};
    /// use baton::saga::{SagaCo, Stepper, call_effect, race};
    ///
    /// fn fetch(url: &'static str) -> Promise<String> { unreachable!("{url}") }
    /// fn give_up(ms: u64) -> Promise<String> { unreachable!("{ms}") }
    /// let saga = Gen::new(|co: SagaCo<String>| async move {
    ///     let (winner, text): (&str, String) =
    ///         race(&co, vec![("data", call_effect(fetch, "/slow")), ("timeout", call_effect(give_up, 5000))]).await?;
    ///     Ok(format!("{winner}: {text}"))
    /// });
    /// let mut steps = Stepper::new(saga);
    /// steps.next_effect().ok();
    /// let finished = steps.feed_race("timeout", "gave up".to_string()).err().and_then(Result::ok);
    /// assert_eq!(finished.as_deref(), Some("timeout: gave up"));
    /// ```
    pub fn feed_race<U: 'static>(
        &mut self,
        winner: &'static str,
        value: U,
    ) -> Result<Description, Finished<G::Return>> {
        self.feed((winner, into_value(value)))
    }

    /// Fails the current effect with `error`.
    ///
    /// # Errors
    ///
    /// `Err(finished)` when the saga finishes instead of yielding another
    /// effect (for example by not catching `error`).
    ///
    /// ```
    /// use baton::saga::{SagaCo, Stepper, call};
    /// use baton::{Abrupt, Error, Gen, Promise};
    ///
    /// fn fetch(url: &'static str) -> Promise<String> { unreachable!("{url}") }
    /// let mut steps = Stepper::new(Gen::new(|co: SagaCo<String>| async move {
    ///     match call(&co, fetch, "/api").await {
    ///         Ok(body) => Ok(body),
    ///         Err(Abrupt::Throw(e)) => Ok(format!("offline: {e}")), // the saga's own catch
    ///         Err(other) => Err(other),
    ///     }
    /// }));
    /// steps.next_effect().ok();
    /// let finished = steps.fail(Error::msg("ECONNREFUSED")).err().and_then(Result::ok);
    /// assert_eq!(finished.as_deref(), Some("offline: ECONNREFUSED"));
    /// ```
    pub fn fail(&mut self, error: Error) -> Result<Description, Finished<G::Return>> {
        self.step(Resume::Throw(error))
    }

    /// Answers the current effect with the store's end, as a `take` hears
    /// redux-saga's `END` ([`Store::end`](super::Store::end)): the saga
    /// returns from that yield (its cleanup runs, and may yield effects),
    /// with its return type's default value unless the cleanup returns
    /// another.
    ///
    /// # Errors
    ///
    /// `Err(finished)` when the saga finishes, as it does unless its
    /// cleanup yields an effect.
    ///
    /// ```
    /// use baton::saga::{Action, SagaCo, Stepper, take};
    /// use baton::Gen;
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// #[derive(Clone, Debug)]
    /// struct Job(u32);
    /// impl Action for Job {
    ///     fn action_type(&self) -> &str { "JOB" }
    /// }
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// let l = log.clone();
    /// let mut steps = Stepper::new(Gen::new(move |co: SagaCo<u32>| async move {
    ///     let mut done = 0;
    ///     let outcome = loop {
    ///         match take::<_, Job>(&co, "JOB").await {
    ///             Ok(Job(n)) => done += n,
    ///             Err(stop) => break Err(stop),
    ///         }
    ///     };
    ///     l.borrow_mut().push(format!("cleanup after {done}"));
    ///     outcome
    /// }));
    /// steps.next_effect().ok();
    /// steps.feed(Job(5)).ok();
    /// assert_eq!(steps.end().err().and_then(Result::ok), Some(0));
    /// assert_eq!(*log.borrow(), ["cleanup after 5"]);
    /// ```
    pub fn end(&mut self) -> Result<Description, Finished<G::Return>>
    where
        G::Return: Default,
    {
        self.step(Resume::Return(G::Return::default()))
    }

    fn step(
        &mut self,
        how: Resume<Value, Error, G::Return>,
    ) -> Result<Description, Finished<G::Return>> {
        match self.saga.resume(how) {
            Ok(Step::Yielded(effect)) => Ok(effect.describe()),
            Ok(Step::Returned(value)) => Err(Ok(value)),
            Ok(Step::Done) => Err(Err(Error::msg("the saga had already finished"))),
            Err(error) => Err(Err(error)),
        }
    }
}
