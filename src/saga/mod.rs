//! Sagas, part 1 (started): effects as data, an effect runtime, and a
//! harness that steps a saga effect by effect with no I/O and no waiting.
//!
//! A saga is a generator that yields [`Effect`]s — descriptions of work —
//! instead of doing the work. The runtime ([`run_saga`]) performs each
//! effect and sends the result back; the stepping harness ([`Stepper`])
//! lets a test look at each effect and feed the result itself. Results
//! travel as `Rc<dyn Any>` between the two, so one saga can make calls of
//! different types; the typed helpers ([`call`], [`delay`], [`all`]) turn
//! them back into the called function's type, and a mismatch becomes an
//! error that names the effect.

use std::any::Any;
use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use crate::generator::{Abrupt, Co, Generator, Resume, Step};
use crate::promise::all as all_promises;
use crate::runner::{Yieldable, run};
use crate::{Error, Promise, set_timeout};

/// A value produced by an effect, on its way back into the saga.
pub type Value = Rc<dyn Any>;

/// What kind of work an effect describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// Call a function returning a promise.
    Call,
    /// Wait.
    Delay,
    /// Run several effects in parallel.
    All,
    /// Run several effects; the first to settle wins.
    Race,
    /// An effect defined by the saga's author ([`Effect::custom`]).
    Custom,
}

/// An effect as data: what it is, readable by tests and traces.
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

type Perform = Box<dyn FnOnce() -> Promise<Value, Error>>;

/// One effect: its description, and how the runtime performs it.
pub struct Effect {
    description: Description,
    perform: Perform,
}

impl fmt::Debug for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Effect").field(&self.description).finish()
    }
}

impl Effect {
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
    /// let ran = EventLoop::virtual_clock().run(move || run_saga(saga()));
    /// assert_eq!(ran.peek().and_then(Result::ok), Some(true));
    /// ```
    pub fn custom(
        name: impl Into<String>,
        args: impl Into<String>,
        perform: impl FnOnce() -> Promise<Value, Error> + 'static,
    ) -> Self {
        Effect {
            description: Description {
                kind: Kind::Custom,
                name: name.into(),
                args: args.into(),
            },
            perform: Box::new(perform),
        }
    }

    /// What this effect does.
    pub fn description(&self) -> &Description {
        &self.description
    }
}

impl Yieldable<Value, Error> for Effect {
    fn into_promise(self) -> Promise<Value, Error> {
        (self.perform)()
    }
}

/// The handle a saga body yields effects through.
pub type SagaCo<T> = Co<Effect, Value, T, Error>;

fn short_name<F>() -> String {
    let full = std::any::type_name::<F>();
    full.rsplit("::").next().unwrap_or(full).to_string()
}

/// Turns a resumed value back into the type the effect produces.
fn downcast<U: Clone + 'static>(value: &Value, what: &Description) -> Result<U, Error> {
    value.downcast_ref::<U>().cloned().ok_or_else(|| {
        Error::msg(format!(
            "the result fed to `{what}` is not of type {}",
            std::any::type_name::<U>()
        ))
    })
}

/// The effect of calling `f(arg)`; its description names `f` and shows
/// `arg`.
pub fn call_effect<A, U, F>(f: F, arg: A) -> Effect
where
    A: fmt::Debug + 'static,
    U: Clone + 'static,
    F: FnOnce(A) -> Promise<U, Error> + 'static,
{
    let description = Description {
        kind: Kind::Call,
        name: short_name::<F>(),
        args: format!("{arg:?}"),
    };
    Effect {
        description,
        perform: Box::new(move || f(arg).map(|v| Rc::new(v) as Value)),
    }
}

/// The effect of waiting `ms` milliseconds.
pub fn delay_effect(ms: u64) -> Effect {
    Effect {
        description: Description {
            kind: Kind::Delay,
            name: "delay".into(),
            args: ms.to_string(),
        },
        perform: Box::new(move || {
            Promise::new(move |r| {
                set_timeout(
                    move || r.resolve(Rc::new(()) as Value),
                    Duration::from_millis(ms),
                );
            })
        }),
    }
}

/// The effect of running `effects` in parallel; resumes with a `Vec<Value>`
/// in order.
pub fn all_effect(effects: Vec<Effect>) -> Effect {
    let args = effects
        .iter()
        .map(|e| e.description.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    Effect {
        description: Description {
            kind: Kind::All,
            name: "all".into(),
            args,
        },
        perform: Box::new(move || {
            all_promises(effects.into_iter().map(|e| (e.perform)())).map(|v| Rc::new(v) as Value)
        }),
    }
}

/// The effect of racing `effects` (keyed, like seed 003's
/// `race({ data, timeout })`): settles like the first to settle, resuming
/// with `(key, value)`.
///
/// The losers' results are ignored. (Cancelling losers that are running
/// sagas comes with fork/cancel.)
pub fn race_effect(effects: Vec<(&'static str, Effect)>) -> Effect {
    let args = effects
        .iter()
        .map(|(k, e)| format!("{k}: {}", e.description))
        .collect::<Vec<_>>()
        .join(", ");
    Effect {
        description: Description {
            kind: Kind::Race,
            name: "race".into(),
            args,
        },
        perform: Box::new(move || {
            crate::promise::race(
                effects
                    .into_iter()
                    .map(|(key, e)| (e.perform)().map(move |v| Rc::new((key, v)) as Value)),
            )
        }),
    }
}

/// `yield race({ key: effect, … })`: which effect won, and its typed
/// value (all racers produce `U`).
pub async fn race<T, U: Clone + 'static>(
    co: &SagaCo<T>,
    effects: Vec<(&'static str, Effect)>,
) -> Result<(&'static str, U), Abrupt<Error, T>> {
    let effect = race_effect(effects);
    let description = effect.description.clone();
    let value = co.yield_(effect).await?;
    let (key, won): (&'static str, Value) =
        downcast(&value, &description).map_err(Abrupt::Throw)?;
    Ok((key, downcast(&won, &description).map_err(Abrupt::Throw)?))
}

/// `yield call(f, arg)`: the typed result of `f(arg)`.
pub async fn call<T, A, U, F>(co: &SagaCo<T>, f: F, arg: A) -> Result<U, Abrupt<Error, T>>
where
    A: fmt::Debug + 'static,
    U: Clone + 'static,
    F: FnOnce(A) -> Promise<U, Error> + 'static,
{
    let effect = call_effect(f, arg);
    let description = effect.description.clone();
    let value = co.yield_(effect).await?;
    downcast(&value, &description).map_err(Abrupt::Throw)
}

/// `yield delay(ms)`.
pub async fn delay<T>(co: &SagaCo<T>, ms: u64) -> Result<(), Abrupt<Error, T>> {
    co.yield_(delay_effect(ms)).await.map(|_| ())
}

/// `yield all([call(f, a), call(f, b), …])` over calls of one type: the
/// typed results, in order.
pub async fn all<T, U: Clone + 'static>(
    co: &SagaCo<T>,
    effects: Vec<Effect>,
) -> Result<Vec<U>, Abrupt<Error, T>> {
    let effect = all_effect(effects);
    let description = effect.description.clone();
    let value = co.yield_(effect).await?;
    let values: Vec<Value> = downcast(&value, &description).map_err(Abrupt::Throw)?;
    values
        .iter()
        .map(|v| downcast(v, &description).map_err(Abrupt::Throw))
        .collect()
}

/// Runs a saga: every effect it yields is performed, its result sent back.
pub fn run_saga<G>(saga: G) -> Promise<G::Return, Error>
where
    G: Generator<Yield = Effect, Input = Value, Error = Error> + 'static,
    G::Return: Clone + 'static,
{
    run(Stepless(saga))
}

/// Gives the runner the `Default` resume value it sends first.
struct Stepless<G>(G);

impl<G: Generator<Yield = Effect, Input = Value, Error = Error>> Generator for Stepless<G> {
    type Input = Option<Value>;
    type Yield = Resumable;
    type Return = G::Return;
    type Error = Error;

    fn resume(
        &mut self,
        how: Resume<Option<Value>, Error, G::Return>,
    ) -> Result<Step<Resumable, G::Return>, Error> {
        let how = match how {
            Resume::Next(v) => Resume::Next(v.unwrap_or_else(|| Rc::new(()) as Value)),
            Resume::Throw(e) => Resume::Throw(e),
            Resume::Return(v) => Resume::Return(v),
        };
        self.0.resume(how).map(|step| match step {
            Step::Yielded(effect) => Step::Yielded(Resumable(effect)),
            Step::Returned(v) => Step::Returned(v),
            Step::Done => Step::Done,
        })
    }
}

/// An effect whose result resumes as `Option<Value>`.
struct Resumable(Effect);

impl Yieldable<Option<Value>, Error> for Resumable {
    fn into_promise(self) -> Promise<Option<Value>, Error> {
        (self.0.perform)().map(Some)
    }
}

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
pub type Finished<T> = Result<T, Error>;

impl<G> Stepper<G>
where
    G: Generator<Yield = Effect, Input = Value, Error = Error>,
{
    /// Wraps a saga without starting it.
    pub fn new(saga: G) -> Self {
        Stepper {
            saga,
            started: false,
        }
    }

    /// Starts the saga: its first effect, or how it finished.
    pub fn next_effect(&mut self) -> Result<Description, Finished<G::Return>> {
        self.started = true;
        self.step(Resume::Next(Rc::new(()) as Value))
    }

    /// Feeds `value` as the current effect's result: the next effect, or
    /// how the saga finished.
    pub fn feed<U: 'static>(&mut self, value: U) -> Result<Description, Finished<G::Return>> {
        self.step(Resume::Next(Rc::new(value) as Value))
    }

    /// Fails the current effect with `error`.
    pub fn fail(&mut self, error: Error) -> Result<Description, Finished<G::Return>> {
        self.step(Resume::Throw(error))
    }

    fn step(
        &mut self,
        how: Resume<Value, Error, G::Return>,
    ) -> Result<Description, Finished<G::Return>> {
        match self.saga.resume(how) {
            Ok(Step::Yielded(effect)) => Ok(effect.description),
            Ok(Step::Returned(value)) => Err(Ok(value)),
            Ok(Step::Done) => Err(Err(Error::msg("the saga had already finished"))),
            Err(error) => Err(Err(error)),
        }
    }
}
