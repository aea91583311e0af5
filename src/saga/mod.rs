//! Sagas: effects as data, a runtime that performs them in a tree of
//! tasks with structured cancellation, and a harness that steps a saga
//! effect by effect with no I/O and no waiting.
//!
//! A saga is a generator that yields [`Effect`]s — descriptions of work —
//! instead of doing the work. The [`Runtime`] performs each effect and
//! sends the result back; the stepping harness ([`Stepper`]) lets a test
//! look at each effect and feed the result itself. Results travel as
//! `Rc<dyn Any>` between the two, so one saga can make calls of different
//! types; the typed helpers ([`call`], [`delay`], [`all`], [`race`],
//! [`fork`], [`join`], …) turn them back into the called function's type,
//! and a mismatch becomes an error that names the effect.
//!
//! | redux-saga / seed 003        | baton                                  |
//! |------------------------------|----------------------------------------|
//! | `yield call(fn, arg)`        | `call(&co, f, arg).await?`             |
//! | `yield all([...])` / `{...}` | [`all`] / [`all_keyed`]                |
//! | `yield race({...})`          | [`race`], [`race2`] (losers cancelled) |
//! | `yield delay(ms)`            | [`delay`]                              |
//! | `yield fork` / `spawn`       | [`fork`] / [`spawn`] → a [`Task`]      |
//! | `yield join(task)`           | [`join`]                               |
//! | `yield cancel(task)` / `()`  | [`cancel`] / [`cancel_self_effect`]    |
//! | `yield cancelled()`          | [`cancelled`]                          |
//! | `yield select/put/take`      | [`select`] / [`put`] / [`take`] on a [`Store`] |
//! | `channel`, `eventChannel`    | [`Channel`], [`event_channel`]         |
//! | `actionChannel`              | [`action_channel`]                     |
//! | `takeEvery` / `takeLatest`…  | [`take_every`], [`take_latest`], [`take_leading`], [`debounce`], [`throttle`] |
//! | retry, breaker, compensation, `using` | [`resilience`]                |
//! | `finally { … }`              | code after the body's `async` block    |
//!
//! Cancellation drives a saga's cleanup through `return()`, which needs a
//! value of the saga's return type: sagas return `T: Default`
//! (JavaScript's `undefined`).

mod abortable;
mod calls;
mod channel;
mod combinators;
mod driver;
mod effect;
mod mock;
pub mod resilience;
mod runtime;
mod stepper;
mod store;
mod task;
mod trace;
mod tree;
mod watchers;

pub use calls::{Callee, call, call_effect, delay, delay_effect};
pub use channel::{
    Buffer, Channel, Delivery, Emitter, Overflow, action_channel, action_channel_effect,
    event_channel, put_to, take_from,
};
pub use combinators::{
    Won, all, all_effect, all_keyed, all_keyed_effect, race, race_effect, race2,
};
pub(crate) use effect::Settled;
pub use effect::{Description, Effect, Kind, Running, Value};
pub use runtime::{Runtime, Simulation, run_saga};
pub use stepper::{Finished, Stepper};
pub use store::{
    Action, Pattern, Store, put, put_effect, select, select_effect, take, take_effect,
};
pub use task::{Cancelled, Link, Scope, Task, TaskId};
pub use trace::{Event, TraceEvent, timeline};
pub use tree::{
    cancel, cancel_effect, cancel_self_effect, cancelled, cancelled_effect, fork, fork_effect,
    join, join_effect, spawn, spawn_effect,
};
pub use watchers::{Worker, debounce, take_every, take_latest, take_leading, throttle};

use crate::Error;
use crate::generator::{BoxGen, Co, Generator};

/// A saga: a generator that yields [`Effect`]s, is resumed with their
/// [`Value`]s, throws [`Error`]s and returns [`Saga::Output`]. Every
/// [`Gen`](crate::Gen) whose body takes a [`SagaCo`] is one, as is a
/// hand-written generator with these types; name it as `impl Saga<Output
/// = T>`.
///
/// ```
/// use baton::{EventLoop, Gen, Promise};
/// use baton::saga::{Saga, SagaCo, call, run_saga};
///
/// fn double(n: u32) -> Promise<u32> { Promise::resolve(n * 2) }
/// fn doubled(n: u32) -> impl Saga<Output = u32> {
///     Gen::new(move |co: SagaCo<u32>| async move { call(&co, double, n).await })
/// }
/// let p = EventLoop::virtual_clock().run(|| run_saga(doubled(21)).promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some(42));
/// ```
pub trait Saga:
    Generator<Yield = Effect, Input = Value, Error = Error, Return = Self::Output> + 'static
{
    /// What the saga returns: `Default`, for the value `return()` needs
    /// when the saga is cancelled (JavaScript's `undefined`).
    type Output: Default + Clone + 'static;
}

impl<G> Saga for G
where
    G: Generator<Yield = Effect, Input = Value, Error = Error> + 'static,
    G::Return: Default + Clone + 'static,
{
    type Output = G::Return;
}

/// The handle a saga body yields effects through.
///
/// ```
/// use baton::saga::{SagaCo, delay};
/// use baton::{Abrupt, Error};
///
/// // A helper shared by sagas: takes the `SagaCo` by reference.
/// async fn pause_twice<T>(co: &SagaCo<T>) -> Result<(), Abrupt<Error, T>> {
///     delay(co, 10).await?;
///     delay(co, 10).await
/// }
/// let saga = baton::Gen::new(|co: SagaCo<()>| async move { pause_twice(&co).await });
/// let run = baton::saga::Runtime::new().simulate("pauses", saga);
/// assert_eq!(run.elapsed, std::time::Duration::from_millis(20));
/// ```
pub type SagaCo<T> = Co<Effect, Value, T, Error>;

/// A boxed saga returning `T`: a name for sagas built by closures.
///
/// ```
/// use baton::saga::{BoxSaga, SagaCo, delay, run_saga};
/// use baton::{EventLoop, Gen};
///
/// // Sagas of different bodies in one collection.
/// let sagas: Vec<BoxSaga<u64>> = (1..=3)
///     .map(|n| {
///         Gen::new(move |co: SagaCo<u64>| async move {
///             delay(&co, n * 10).await?;
///             Ok(n)
///         })
///         .boxed()
///     })
///     .collect();
/// let p = EventLoop::virtual_clock().run(move || {
///     baton::promise::all(sagas.into_iter().map(|s| run_saga(s).promise()))
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(vec![1, 2, 3]));
/// ```
pub type BoxSaga<T> = BoxGen<'static, Effect, Value, T, Error>;
