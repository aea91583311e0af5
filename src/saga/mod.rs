//! Sagas: effects as data, a runtime that performs them in a tree of
//! tasks with structured cancellation, and a harness that steps a saga
//! effect by effect with no I/O and no waiting.
//!
//! A saga is a generator that yields [`Effect`]s — descriptions of work —
//! instead of doing the work. The [`Runtime`] performs each effect and
//! sends the result back; the stepping harness ([`Stepper`]) lets a test
//! look at each effect and feed the result itself. Results travel as
//! `Rc<dyn Any>` between the two, so one saga can make calls of different
//! types; the typed helpers ([`call`], [`delay`], [`all`], [`race`](fn@race),
//! [`fork`], [`join`], …) turn them back into the called function's type,
//! and a mismatch becomes an error that names the effect. Over parts of
//! mixed types, the typed combinators hand each value back untyped when
//! asked for [`Value`]s (`all::<_, Value>`, `race::<_, Value>`).
//!
//! | redux-saga / seed 003        | baton                                  |
//! |------------------------------|----------------------------------------|
//! | `yield call(fn, arg)`        | `call(&co, f, arg).await?`             |
//! | `yield cps(fn, arg)`         | [`cps`] (`f(arg, done)`, Node's callback style) |
//! | `yield all([...])` / `{...}` | [`all`] / [`all_keyed`]                |
//! | `yield race({...})`          | [`race`](fn@race), [`race2`] (losers cancelled) |
//! | `yield delay(ms)`            | [`delay`]                              |
//! | `yield fork` / `spawn`       | [`fork`] / [`spawn`] → a [`Task`]      |
//! | `yield join(task)` / `([...])` | [`join`] / [`join_all`]               |
//! | `yield cancel(task)` / `()`  | [`cancel`] / [`cancel_self_effect`]    |
//! | (Effect-TS's awaited `Fiber.interrupt`) | [`cancel_and_wait`]         |
//! | (Effect-TS's `uninterruptible`) | [`uninterruptible`]                 |
//! | `yield cancelled()`          | [`cancelled`]                          |
//! | `getContext` / `setContext`  | [`get_context`] / [`set_context`], [`Runtime::with_context`] |
//! | `yield select/put/take`      | [`select`] / [`put`] / [`take`] on a [`Store`] |
//! | `yield takeMaybe(...)`, `END` | [`take_maybe`], [`Store::end`]         |
//! | redux's `store.subscribe(f)` → `unsubscribe()` | [`Store::subscribe`] → [`Subscription::unsubscribe`] |
//! | `channel`, `eventChannel`    | [`Channel`], [`event_channel`]         |
//! | `multicastChannel`           | [`MulticastChannel`], [`take_on`], [`put_on`] |
//! | `actionChannel`              | [`action_channel`]                     |
//! | `takeEvery` / `takeLatest`…  | [`take_every`], [`take_latest`], [`take_leading`], [`debounce`], [`throttle`] |
//! | `runSaga({ onError })`, `sagaStack` | [`Runtime::on_error`], [`SagaStack`] |
//! | retry, breaker, compensation, `using` | [`resilience`]                |
//! | testing-utils' `cloneableGenerator`, `createMockTask` | [`Stepper::cloneable`], [`Task::mock`] |
//! | `finally { … }`              | code after the body's `async` block    |
//!
//! Cancellation drives a saga's cleanup through `return()`, which needs a
//! value of the saga's return type: sagas return `T: Default`
//! (JavaScript's `undefined`).
//!
//! # Errors of an effect
//!
//! Every effect function ([`call`], [`delay`], [`all`], [`take`], …)
//! returns `Result<_, Abrupt<Error, T>>`, JavaScript's two abrupt ways out
//! of a `yield`. `Err(Abrupt::Throw(e))` is an error thrown in at the
//! yield: the effect failed, or its result is not of the type asked for
//! (the error then names the effect); the body may catch it by matching,
//! as `try`/`catch` would. `Err(Abrupt::Return(_))` is the saga being
//! cancelled while it waits (or, at a [`take`], the store's
//! [end](Store::end)): `?` passes it on, and the code after the body's
//! `async` block (its `finally`) runs. Each function's own
//! `# Errors` says which throws are its own.
//!
//! # Order of events, and where it is not redux-saga's
//!
//! The effects seed 003's runner performs (call, all, race, delay) resume
//! the saga a microtask after they settle, as that runner does; its `all`
//! performs every part before it starts any (`Promise.all(effects.map(
//! …))`), its race performs and starts each part in turn
//! (`Object.entries(effects).map(… .then(…))`) and, as redux-saga, starts
//! no more once one has settled as it started (redux-saga also resumes
//! the saga at once). The effects it does not perform follow redux-saga
//! 1.5, and a thousand random programs each of fork trees, watchers,
//! channels and a multicast channel are checked against it
//! (`tests/random_fork_trees.rs`, `tests/random_watchers.rs`,
//! `tests/random_channels.rs`, `tests/random_multicast.rs`; the watchers
//! meet redux-saga's `END` too): a fork or a
//! spawn runs the child until it first waits (or ends) and resumes the
//! parent at once with its task, and a child failing there aborts the
//! parent before it goes on (a put made
//! meanwhile waits until the parent waits too, as redux-saga's scheduler
//! holds it back); a called saga resumes its caller as it ends (at once,
//! if it ends as it starts); `cancel` and `cancelled()` resume at once,
//! and a join as the joined task ends (at once, if it has); a child's
//! error aborts its parent, whose body is then stopped as a cancelled one
//! is (`cancelled()` is true in its cleanup); a put (to a channel or to
//! the store) hands its message to the waiting takers, which go on at
//! once, before the putter, and the puts they make wait until the putter
//! waits too (as do the putter's own, when its put overflows a fixed buffer
//! and throws into it there: `put_overflow.js`; and those made as a root
//! starts, until it first waits, as
//! redux-saga's `runSaga` starts it); a `select` reads the state at once,
//! and an action channel opens at once, as a context is read or set at
//! once; the store's end ([`Store::end`], redux-saga's `END`) ends the
//! sagas waiting at a `take` inside that dispatch (through a race or an
//! `all` too). A race or an `all` decided by a take (or a `cps` callback, a
//! put held back while forks start, or a part known as it is performed:
//! effects seed 003's runner does not have) resumes its saga at once, as
//! the take alone would, so a saga racing a take in a loop (`debounce`)
//! sees every action (`race_take.js`); one decided by a call or a delay
//! keeps seed 003's turns. One decided by a fork goes on at once
//! (`all_at_once.js`: an `all` of forks, the usual root saga, goes on once
//! its last child has started, before the saga that forked it; a race with
//! a fork in it is won by the fork); the parts of an `all` after a fork (or
//! a take, a put, a `cps`) are performed and started one at a time, as in
//! redux-saga, so its puts go out in the order of its parts and the puts a
//! child made as it started go out before the next part starts. The store
//! is the one place the seed's runtime has an
//! order of its own that baton leaves: it resumes a taker a microtask or
//! more after the action, so a watcher back in `take` too late loses an
//! action put right after another,
//! where redux-saga's watchers see every one (the random watchers found
//! it). `tests/oracle/saga/` `fork_tree.js`, `channel_order.js`,
//! `store_order.js`, `store_subscribe.js`, `store_end.js` and `context.js` pin these orders (the
//! store's on a redux store). Where
//! baton differs from redux-saga, on purpose:
//!
//! - Halting a task cancels its attached children, deepest first, before
//!   its own body's cleanup runs; redux-saga runs the parent's first.
//! - A halted task settles (its promise, its joiners, its parent) once its
//!   cleanup has finished, effects and all: cleanup can await. redux-saga
//!   ends the task at once and lets its cleanup run on.
//! - `cancelled()` is true throughout the cleanup of a body a halt stopped.
//!   In redux-saga, a task aborted from inside one of its own effects (a
//!   child failing as it is forked, or as the task's put to a channel
//!   resumes it) has already ended when its cleanup asks, and is told
//!   false (the random fork trees mark that case and expect true).
//! - A cancelled task's promise rejects with [`Cancelled`] (never reported
//!   as unhandled); redux-saga resolves it with a `TASK_CANCEL` symbol.
//! - Without a hook, a failure is reported once, as an unhandled
//!   rejection, where nothing takes it over: a forked child's goes to its
//!   parent, a spawned task's to whoever joins it. With one
//!   ([`Runtime::on_error`]), every failing root and spawned task is heard,
//!   joined or not, as redux-saga's `onError` hears them
//!   (`tests/oracle/saga/saga_stack.js` pins the stacks it is given).
//! - A [`SagaStack`] follows one error. redux-saga keeps one stack for the
//!   thread, so the frames of an error a saga caught open the next
//!   report, and two errors failing at once share theirs.
//! - An error thrown by the cleanup of a halted task is reported as an
//!   unhandled rejection, and the task ends as its halt says; redux-saga
//!   rethrows it out of its runner and leaves the parent unsettled.
//! - A child that fails inside its parent's step (the parent closed a
//!   channel, and the child it woke threw) aborts the parent once that
//!   step is over: the parent's pending effect is stopped, or, if the
//!   step ended its body, the parent fails with the child's error all the
//!   same (the body's own error, if it threw too, is reported as an
//!   unhandled rejection). redux-saga resumes the running generator
//!   there and breaks ("Generator is already running"), leaving the
//!   parent unsettled; the random suites found it, and mark such traces
//!   as the reference's breakdown.
//! - A child forked while its parent is aborted (a sibling the child woke
//!   as it started failed) is cancelled with the parent. redux-saga adds
//!   the child to its parent's queue only once it has started, after the
//!   queue has cancelled what it held, and the child outlives its parent
//!   (the random channel programs found it, and the fork trees where an
//!   `all` goes on forking after a part failed as it started;
//!   `workersLog` in `tests/oracle/random/_random.js` and the log of
//!   `fork_trees.js` mark such traces).
//! - An `all` performing its parts one at a time (from a fork, a take, a
//!   put or a `cps` on) performs no more once it is over (a part failed
//!   as it started). redux-saga performs them all the same, their
//!   outcomes going to nobody (a call there runs, a take swallows the
//!   next matching action). One whose fork's child fails as it starts,
//!   which halts the saga, goes on with its parts, as redux-saga's does
//!   (a child forked there is cancelled with the saga: see above), but
//!   after the saga's cleanup, which baton runs within the fork, as the
//!   child fails; redux-saga runs it after them.
//! - A tree may be as deep as memory allows: a fork chain 100,000 deep
//!   starts, finishes, joins and cancels in order, the driver moving onto
//!   a fresh stack segment as the thread's runs out. redux-saga, under
//!   Node, rejects a fork chain 1,000 deep with a `RangeError` (maximum
//!   call stack size exceeded).
//!
//! # Implementation notes
//!
//! `saga/effect/` holds the effect as data (`mod.rs`: kinds, descriptions),
//! the effect object (`object.rs`), a performed effect's source, waiter and
//! stop (`running.rs`) and the typed helpers' downcast (`typed.rs`). An
//! effect is one object holding its arguments, kept inline in one word when
//! it fits (a call with one small argument, a delay) and boxed otherwise,
//! with a pointer to its operations: two words either way. It can describe
//! itself (kind, function name, `Debug` arguments, built only when a test or
//! a trace asks) and be performed in a `Scope` (the task running it), which
//! returns `Running`: where the result will come from and how to stop the
//! work. A typed promise is subscribed to directly, so a call effect costs
//! one microtask turn, as seed 003's `runEnhanced` does; when the receiver is
//! a typed helper, the value goes back as the promise itself (already an
//! `Rc`) and the downcast reads it there (`Source::Handle`); a typed
//! combinator asked for `Value`s is performed without such handles, which
//! only the promise's value type can read. A promise that
//! has already settled is not subscribed at all: the waiter (the task, or an
//! `all` gathering its parts) queues itself as the microtask and reads the
//! outcome when its turn comes. An `all` whose parts' promises have
//! fulfilled by the time every part is performed queues one job for each
//! run of them, not one per part: their turns would come in a row, with
//! nothing queued between them, and take them in that place and order.
//!
//! **The task tree** (`task/`, `driver.rs`). A task is a `Driver`
//! (generator, its promise, the pending effect's stop) plus a type-erased
//! `Core` (id, name, link, parent, children, halt, epoch), so children of any
//! return type hang in one tree. A child holds its parent; the parent's list
//! of children is weak, so a child is kept by what it waits on and a tree
//! stuck on what nothing can settle is freed, not held in a cycle. That
//! list, a channel's waiting takers, a store's listeners and a task's
//! joiners are rosters (`src/roster.rs`): members in joining order under
//! growing ids, so one leaves by a binary search and mass cancellation
//! stays linear. A task
//! settles when its body has finished *and* its attached children have. A
//! halt bumps the epoch (the pending effect's late result is dropped and the
//! step after it never runs), stops the pending effect (clears a timer,
//! cancels a called saga, a race's or an `all`'s parts), and cancels every
//! attached child; when the last child has settled, the body's cleanup runs
//! through `return()`. `race` cancels its losers; a failing part of `all`
//! cancels its siblings; joining a cancelled task cancels the joiner. A
//! called Rust future sits in a slot the stop empties, so a lost race drops
//! it at once; a performer that panics throws a `Fault` into the saga.
//!
//! **The store, channels and watchers** (`store/`, `channel/`,
//! `multicast.rs`, `watchers.rs`, `scheduler.rs`). A multicast channel is
//! a store's action bus without the store (no reducer, no subscribers),
//! its takes and puts the store's, each with a perform of its own.
//! `Runtime::with_store` registers the store's state and its action bus
//! in the runtime's service table, keyed by type, so `select`, `put` and `take` find them with no global state.
//! `take` waits for the next matching action dispatched after it started,
//! as in redux-saga. A `take` and a `put` are each one object, made with
//! the effect, that hands its result over itself (`Source::Listening`,
//! with a `Handoff`): a take is the bus's listener or the channel's taker,
//! and what stopping the effect reaches, held weakly by the waiter as a
//! promise's reaction is held by the promise. A dispatch reduces the action
//! and tells the store's subscribers at once (as a redux store does, even
//! from inside another dispatch), then the sagas waiting in `take` or on
//! an action channel, as redux-saga's middleware puts each action to its
//! channel after the store. Puts follow redux-saga, to the store as to a
//! channel: a put hands its action or message to the waiting takers, whose
//! sagas go on at once, inside the put, and then the putter goes on; a
//! take of a buffered message goes on at once. A put made while a fork
//! starts its child, or while another put or a dispatch is being made,
//! waits until the sagas involved wait again (`scheduler.rs`, redux-saga's
//! scheduler). A `Channel` holds
//! waiting takers and a buffer with an explicit overflow policy; a taker
//! stopped after a message reached it but before its saga took it gives
//! the message back to the front, so no message is lost or delivered twice
//! (a property test drives random puts, takes and cancellations).
//!
//! **Resilience** (`resilience/`). Retry, the circuit breaker, compensation
//! and resource scopes are plain values and `async` helpers that yield
//! effects, so they step under `Stepper` and run on the virtual clock. Undos
//! and releases run newest first, each once, even if the saga is cancelled
//! while one runs.
//!
//! **Testing.** `Stepper` steps one saga with nothing performed; a
//! cloneable one (`Stepper::cloneable`) records what it fed, and a clone is
//! a fresh saga replayed through the same results, so each branch is
//! tested from where it parts; `Task::mock` stands in for a forked task.
//! `Runtime::traced()` records every task and effect (started,
//! resolved, rejected, cancelled) with the loop's time, as data and as a
//! timeline; `Runtime::simulate` runs a whole tree to its end on a fresh
//! virtual clock, and `Runtime::intercept` answers chosen effects in place of
//! their performers (redux-saga-test-plan's providers, without mocks).

mod abortable;
mod calls;
mod channel;
mod combinators;
mod context;
mod driver;
mod effect;
mod mock;
mod multicast;
mod race;
pub mod resilience;
mod runtime;
mod saga_stack;
mod scheduler;
mod shield;
mod stepper;
mod store;
mod task;
mod trace;
mod tree;
mod watchers;

pub use calls::{Callee, call, call_effect, cps, cps_effect, delay, delay_effect};
pub use channel::{
    Buffer, Channel, Delivery, Emitter, Overflow, action_channel, action_channel_effect,
    event_channel, put_to, take_from,
};
pub use combinators::{all, all_effect, all_keyed, all_keyed_effect};
pub use context::{get_context, get_context_effect, set_context, set_context_effect};
pub(crate) use effect::Settled;
pub use effect::{Description, Effect, Kind, Running, Value};
pub use multicast::{MulticastChannel, put_on, take_maybe_on, take_on};
pub use race::{Won, race, race_effect, race2};
pub use runtime::{Runtime, Simulation, run_saga};
pub use saga_stack::{SagaFrame, SagaStack};
pub use shield::uninterruptible;
pub use stepper::{CloneableStepper, Finished, Stepper};
pub use store::{
    Action, Pattern, Store, Subscription, put, put_effect, select, select_effect, take,
    take_effect, take_maybe, take_maybe_effect,
};
pub use task::{Cancelled, Link, Scope, Task, TaskId};
pub use trace::{Event, TraceEvent, timeline};
pub use tree::{
    cancel, cancel_and_wait, cancel_and_wait_effect, cancel_effect, cancel_self_effect, cancelled,
    cancelled_effect, fork, fork_effect, join, join_all, join_effect, spawn, spawn_effect,
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
