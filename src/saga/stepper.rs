//! The stepping harness: drive a saga effect by effect with no runtime.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

use super::effect::{Description, Effect, Value, into_value, unit};
use crate::Error;
use crate::generator::{Generator, Resume, Step};

/// Steps a saga effect by effect, as a test does: look at the next effect,
/// feed it a result (or an error), and check how the saga ends. Nothing is
/// performed: no I/O, no timers, no waiting. Where a saga branches,
/// [`Stepper::cloneable`] makes one that can be cloned there, so each way
/// is tested from where they part.
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
    /// What a cloneable stepper fed its saga, step by step, and what each
    /// step gave: `None` for one made by [`Stepper::new`], which keeps
    /// nothing.
    trail: Option<Vec<Fed<G::Return>>>,
}

/// One resume of a stepped saga, kept so a clone can replay it.
struct Fed<R> {
    how: Input<R>,
    /// The effect it led to; `None` if the saga finished.
    gave: Option<Description>,
}

/// What a step resumes the saga with. A `return()`'s value is made again
/// for each replay, so the saga's return type need not be `Clone`.
enum Input<R> {
    Next(Value),
    Throw(Error),
    Return(fn() -> R),
}

impl<R> Clone for Input<R> {
    fn clone(&self) -> Self {
        match self {
            Input::Next(value) => Input::Next(value.clone()),
            Input::Throw(error) => Input::Throw(error.clone()),
            Input::Return(make) => Input::Return(*make),
        }
    }
}

impl<R> Input<R> {
    fn resume(self) -> Resume<Value, Error, R> {
        match self {
            Input::Next(value) => Resume::Next(value),
            Input::Throw(error) => Resume::Throw(error),
            Input::Return(make) => Resume::Return(make()),
        }
    }
}

impl<G> fmt::Debug for Stepper<G>
where
    G: Generator,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stepper")
            .field("started", &self.started)
            .field("steps_kept", &self.trail.as_ref().map(Vec::len))
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
            trail: None,
        }
    }

    /// A stepper whose saga can be cloned where it stands, to test each
    /// way it branches from there without stepping it from the start
    /// again (redux-saga's `cloneableGenerator`). A Rust generator cannot
    /// be copied, so a clone is what redux-saga's is: a fresh saga from
    /// `make`, fed everything this one was fed. The body's own code runs
    /// again in the clone (a line it prints is printed again), and it must
    /// make the same effects from the same results, which
    /// [`clone`](CloneableStepper::clone) checks.
    ///
    /// ```
    /// use baton::saga::{Kind, SagaCo, Stepper, call};
    /// use baton::{Gen, Promise};
    ///
    /// fn fetch_stock(item: &'static str) -> Promise<u32> { unreachable!("{item}") }
    /// fn reorder(item: &'static str) -> Promise<()> { unreachable!("{item}") }
    ///
    /// let restock = |item: &'static str| {
    ///     Gen::new(move |co: SagaCo<String>| async move {
    ///         let left: u32 = call(&co, fetch_stock, item).await?;
    ///         if left > 10 {
    ///             return Ok(format!("{left} left"));
    ///         }
    ///         call(&co, reorder, item).await?;
    ///         Ok("reordered".into())
    ///     })
    /// };
    ///
    /// let mut steps = Stepper::cloneable(move || restock("tea"));
    /// assert_eq!(steps.next_effect().map(|e| e.name).ok().as_deref(), Some("fetch_stock"));
    ///
    /// // Plenty left: a clone takes that way...
    /// let mut plenty = steps.clone();
    /// assert_eq!(plenty.feed(50_u32).err().and_then(Result::ok).as_deref(), Some("50 left"));
    ///
    /// // ...and the original the other.
    /// let reordering = steps.feed(3_u32).expect("a reorder");
    /// assert_eq!((reordering.kind, reordering.name.as_str()), (Kind::Call, "reorder"));
    /// assert_eq!(steps.feed(()).err().and_then(Result::ok).as_deref(), Some("reordered"));
    /// ```
    pub fn cloneable(make: impl Fn() -> G + 'static) -> CloneableStepper<G> {
        let mut steps = Stepper::new(make());
        steps.trail = Some(Vec::new());
        CloneableStepper {
            steps,
            make: Rc::new(make),
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
        self.step(Input::Next(unit()))
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
        self.step(Input::Next(into_value(value)))
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
        self.step(Input::Throw(error))
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
        self.step(Input::Return(G::Return::default))
    }

    fn step(&mut self, how: Input<G::Return>) -> Result<Description, Finished<G::Return>> {
        let kept = self.trail.is_some().then(|| how.clone());
        let stepped = match self.saga.resume(how.resume()) {
            Ok(Step::Yielded(effect)) => Ok(effect.describe()),
            Ok(Step::Returned(value)) => Err(Ok(value)),
            Ok(Step::Done) => Err(Err(Error::msg("the saga had already finished"))),
            Err(error) => Err(Err(error)),
        };
        if let (Some(trail), Some(how)) = (&mut self.trail, kept) {
            let gave = stepped.as_ref().ok().cloned();
            trail.push(Fed { how, gave });
        }
        stepped
    }
}

/// A [`Stepper`] that can be cloned where it stands (made by
/// [`Stepper::cloneable`]): it steps as a `Stepper` does (through
/// `Deref`), and keeps what it fed its saga so a clone can replay it.
/// A thousand random sagas, stepped, thrown into, returned and cloned by a
/// random script, log what redux-saga's `cloneableGenerator` logs for the
/// same script (`tests/random_stepper.rs`), but for one case: redux-saga
/// cannot clone a saga a throw ended (its replay throws again), where a
/// clone here is finished too.
pub struct CloneableStepper<G: Generator> {
    steps: Stepper<G>,
    make: Rc<dyn Fn() -> G>,
}

impl<G: Generator> fmt::Debug for CloneableStepper<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CloneableStepper")
            .field(&self.steps)
            .finish()
    }
}

impl<G: Generator> Deref for CloneableStepper<G> {
    type Target = Stepper<G>;

    fn deref(&self) -> &Stepper<G> {
        &self.steps
    }
}

impl<G: Generator> DerefMut for CloneableStepper<G> {
    fn deref_mut(&mut self) -> &mut Stepper<G> {
        &mut self.steps
    }
}

impl<G> Clone for CloneableStepper<G>
where
    G: Generator<Yield = Effect, Input = Value, Error = Error>,
{
    /// A fresh saga, fed what this one was fed, one step at a time: it
    /// stands where this one stands, and goes on by itself. Values fed are
    /// shared with the clone, not copied (each step reads its own copy, as
    /// a typed result is `Clone`).
    ///
    /// # Panics
    ///
    /// If the fresh saga takes another way than this one did (a step gives
    /// another effect, or finishes where this one went on): its effects
    /// then depend on something besides the results it was fed, and no
    /// replay can stand where this one stands.
    ///
    /// ```should_panic
    /// use baton::saga::{SagaCo, Stepper, delay};
    /// use baton::Gen;
    /// use std::{cell::Cell, rc::Rc};
    ///
    /// let runs = Rc::new(Cell::new(0));
    /// let mut steps = Stepper::cloneable(move || {
    ///     let runs = runs.clone();
    ///     Gen::new(move |co: SagaCo<()>| async move {
    ///         runs.set(runs.get() + 1);
    ///         delay(&co, 100 * runs.get()).await // depends on how often it ran
    ///     })
    /// });
    /// steps.next_effect().ok();
    /// let _ = steps.clone(); // delay(200) where the original made delay(100)
    /// ```
    fn clone(&self) -> Self {
        let trail = self.steps.trail.as_deref().unwrap_or_default();
        let mut steps = Stepper::new((self.make)());
        steps.trail = Some(Vec::with_capacity(trail.len()));
        for (at, fed) in trail.iter().enumerate() {
            let gave = steps.step(fed.how.clone()).ok();
            assert!(
                gave == fed.gave,
                "a cloned saga took another way than the original: its step {} {}, where the \
                 original's {} (a cloneable stepper's saga is made again and fed what the original \
                 was fed: its effects must depend on those results alone)",
                at + 1,
                shown(gave.as_ref()),
                shown(fed.gave.as_ref()),
            );
        }
        steps.started = self.steps.started;
        CloneableStepper {
            steps,
            make: Rc::clone(&self.make),
        }
    }
}

/// What a step gave, for the message of a replay that went another way.
fn shown(gave: Option<&Description>) -> String {
    gave.map_or_else(|| "finished".into(), |effect| format!("gave {effect}"))
}
