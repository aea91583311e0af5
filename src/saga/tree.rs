//! The fork tree's effects: fork (attached child), spawn (detached), join,
//! cancel and cancelled.

use std::fmt;
use std::rc::Rc;

use super::SagaCo;
use super::effect::{Effect, Kind, Running, Value, downcast, short_name};
use super::task::{Cancelled, Link, Scope, Task};
use crate::generator::{Abrupt, Generator};
use crate::{Error, Promise, Resolution};

fn start_effect<A, G, F>(kind: Kind, link: Link, f: F, arg: A) -> Effect
where
    A: fmt::Debug + 'static,
    G: Generator<Yield = Effect, Input = Value, Error = Error> + 'static,
    G::Return: Default + Clone + 'static,
    F: FnOnce(A) -> G + 'static,
{
    let name = short_name::<F>();
    let args = format!("{arg:?}");
    Effect::new(kind, name.clone(), args, move |scope: &Scope| {
        let task = scope.start(name, link, f(arg));
        Running::new(Promise::resolve(Rc::new(task) as Value))
    })
}

/// The effect of forking the saga `f(arg)`: it runs attached to this one,
/// which resumes at once with its [`Task`]. The parent finishes only when
/// the child has; the child's error aborts the parent; cancelling the
/// parent cancels the child first.
pub fn fork_effect<A, G, F>(f: F, arg: A) -> Effect
where
    A: fmt::Debug + 'static,
    G: Generator<Yield = Effect, Input = Value, Error = Error> + 'static,
    G::Return: Default + Clone + 'static,
    F: FnOnce(A) -> G + 'static,
{
    start_effect(Kind::Fork, Link::Forked, f, arg)
}

/// The effect of spawning the saga `f(arg)`: detached, like a root saga.
pub fn spawn_effect<A, G, F>(f: F, arg: A) -> Effect
where
    A: fmt::Debug + 'static,
    G: Generator<Yield = Effect, Input = Value, Error = Error> + 'static,
    G::Return: Default + Clone + 'static,
    F: FnOnce(A) -> G + 'static,
{
    start_effect(Kind::Spawn, Link::Spawned, f, arg)
}

async fn started<T, R: Clone + 'static>(
    co: &SagaCo<T>,
    effect: Effect,
) -> Result<Task<R>, Abrupt<Error, T>> {
    let description = effect.description.clone();
    let value = co.yield_(effect).await?;
    downcast(&value, &description).map_err(Abrupt::Throw)
}

/// `yield fork(f, arg)`: the attached child's task.
///
/// ```
/// use baton::{Error, EventLoop, Gen};
/// use baton::saga::{BoxSaga, SagaCo, delay, fork, join, run_saga};
/// use std::{cell::RefCell, rc::Rc};
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let (l1, l2) = (log.clone(), log.clone());
/// let worker = move |ms: u64| -> BoxSaga<u64> {
///     let l = l1.clone();
///     Gen::new(move |co: SagaCo<u64>| async move {
///         delay(&co, ms).await?;
///         l.borrow_mut().push(format!("worker {ms} done at {:?}", baton::now()));
///         Ok(ms)
///     })
///     .boxed()
/// };
/// let parent = Gen::new(move |co: SagaCo<u64>| async move {
///     let slow = fork(&co, worker.clone(), 300).await?;
///     let _fast = fork(&co, worker, 100).await?;
///     l2.borrow_mut().push("parent body done".into());
///     Ok(join(&co, &slow).await?)
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(parent).promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some(300));
/// assert_eq!(*log.borrow(), ["parent body done", "worker 100 done at 100ms", "worker 300 done at 300ms"]);
/// ```
pub async fn fork<T, A, G, F>(
    co: &SagaCo<T>,
    f: F,
    arg: A,
) -> Result<Task<G::Return>, Abrupt<Error, T>>
where
    A: fmt::Debug + 'static,
    G: Generator<Yield = Effect, Input = Value, Error = Error> + 'static,
    G::Return: Default + Clone + 'static,
    F: FnOnce(A) -> G + 'static,
{
    started(co, fork_effect(f, arg)).await
}

/// `yield spawn(f, arg)`: the detached saga's task.
pub async fn spawn<T, A, G, F>(
    co: &SagaCo<T>,
    f: F,
    arg: A,
) -> Result<Task<G::Return>, Abrupt<Error, T>>
where
    A: fmt::Debug + 'static,
    G: Generator<Yield = Effect, Input = Value, Error = Error> + 'static,
    G::Return: Default + Clone + 'static,
    F: FnOnce(A) -> G + 'static,
{
    started(co, spawn_effect(f, arg)).await
}

/// The effect of waiting for `task`; if it is cancelled, the joiner is
/// cancelled too (redux-saga's rule).
pub fn join_effect<R: Clone + 'static>(task: &Task<R>) -> Effect {
    let task = task.clone();
    let args = format!("{} {}", task.name(), task.id());
    Effect::new(Kind::Join, "join", args, move |scope: &Scope| {
        let scope = scope.clone();
        let promise = task.promise().then_else(
            |v| Resolution::Value(Rc::new(v) as Value),
            move |error| match error.downcast_ref::<Cancelled>() {
                Some(cancelled) => {
                    scope.cancel(cancelled.reason.clone());
                    Resolution::Adopt(Promise::new(|_| {}))
                }
                None => Resolution::Reject(error),
            },
        );
        Running::new(promise)
    })
}

/// `yield join(task)`: the task's return value (its error is thrown here).
pub async fn join<T, R: Clone + 'static>(
    co: &SagaCo<T>,
    task: &Task<R>,
) -> Result<R, Abrupt<Error, T>> {
    let effect = join_effect(task);
    let description = effect.description.clone();
    let value = co.yield_(effect).await?;
    downcast(&value, &description).map_err(Abrupt::Throw)
}

/// The effect of cancelling `task` (non-blocking: the saga resumes at once,
/// the task's cleanup runs on its own).
pub fn cancel_effect<R: Clone + 'static>(task: &Task<R>, reason: Error) -> Effect {
    let task = task.clone();
    let args = format!("{} {}", task.name(), task.id());
    Effect::new(Kind::Cancel, "cancel", args, move |_: &Scope| {
        task.cancel(reason);
        Running::new(Promise::resolve(Rc::new(()) as Value))
    })
}

/// `yield cancel(task)`.
pub async fn cancel<T, R: Clone + 'static>(
    co: &SagaCo<T>,
    task: &Task<R>,
    reason: Error,
) -> Result<(), Abrupt<Error, T>> {
    co.yield_(cancel_effect(task, reason)).await.map(|_| ())
}

/// The effect of cancelling the saga that yields it (`cancel()` with no
/// task): it stops at this yield and runs its cleanup.
pub fn cancel_self_effect(reason: Error) -> Effect {
    Effect::new(Kind::Cancel, "cancel", "self", move |scope: &Scope| {
        scope.cancel(reason);
        Running::new(Promise::new(|_| {}))
    })
}

/// The effect of asking whether this saga is being cancelled; resumes with
/// a `bool`.
pub fn cancelled_effect() -> Effect {
    Effect::new(Kind::Cancelled, "cancelled", "", |scope: &Scope| {
        Running::new(Promise::resolve(Rc::new(scope.is_cancelled()) as Value))
    })
}

/// `yield cancelled()`: inside cleanup, whether the saga was cancelled (as
/// opposed to finishing or failing).
pub async fn cancelled<T>(co: &SagaCo<T>) -> Result<bool, Abrupt<Error, T>> {
    let effect = cancelled_effect();
    let description = effect.description.clone();
    let value = co.yield_(effect).await?;
    downcast(&value, &description).map_err(Abrupt::Throw)
}
