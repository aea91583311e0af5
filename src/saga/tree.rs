//! The fork tree's effects: fork (attached child), spawn (detached), join,
//! cancel and cancelled.

use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use super::Saga;
use super::SagaCo;
use super::effect::{
    Description, Effect, Kind, Running, Stop, Value, short_name, unit, yield_typed,
};
use super::task::{Cancelled, Link, ShortName, Task, TaskId};
use crate::generator::Abrupt;
use crate::roster::Roster;
use crate::{Error, Promise};

/// A fork (attached) or, if not `FORK`, a spawn (detached).
const fn kind_and_link<const FORK: bool>() -> (Kind, Link) {
    if FORK {
        (Kind::Fork, Link::Forked)
    } else {
        (Kind::Spawn, Link::Spawned)
    }
}

/// The effect of starting `f(arg)`: a fork or, if not `FORK`, a spawn.
/// Both flags are constants, so the effect's closures capture nothing and
/// a small argument keeps the effect inline. The task is known at once:
/// the parent goes on with it as soon as the child first waits (or ends),
/// as in redux-saga.
fn start_effect<const FORK: bool, A, G, F>(f: F, arg: A) -> Effect
where
    A: fmt::Debug + 'static,
    G: Saga,
    F: FnOnce(A) -> G + 'static,
{
    Effect::applying(
        || kind_and_link::<FORK>().0,
        f,
        arg,
        |f, arg, scope| {
            let link = kind_and_link::<FORK>().1;
            let saga = f(arg);
            // Puts wait until the parent, going on, waits (see `scheduler`).
            let hold = super::scheduler::Hold::new();
            let task = scope.start_named(ShortName::<F>::new(), link, saga);
            hold.pass_on();
            Running::now_held(Rc::new(task))
        },
    )
}

fn described(kind: Kind, name: &str, args: String) -> Description {
    Description {
        kind,
        name: name.into(),
        args,
    }
}

/// Describes an effect on a task: `join(worker #3)`.
fn describe_task<R: Clone + 'static>(kind: Kind) -> impl Fn(&Task<R>) -> Description {
    move |task| {
        let name = format!("{kind:?}").to_lowercase();
        described(kind, &name, format!("{} {}", task.name(), task.id()))
    }
}

/// The effect of forking the saga `f(arg)`: it runs attached to this one,
/// which resumes at once with its [`Task`]. The parent finishes only when
/// the child has; the child's error aborts the parent; cancelling the
/// parent cancels the child first.
///
/// ```
/// use baton::Gen;
/// use baton::saga::{Kind, Saga, SagaCo, fork_effect};
///
/// fn worker(id: u32) -> impl Saga<Output = u32> {
///     Gen::new(move |_co: SagaCo<u32>| async move { Ok(id) })
/// }
/// let effect = fork_effect(worker, 7);
/// let d = effect.describe();
/// assert_eq!((d.kind, d.name.as_str(), d.args.as_str()), (Kind::Fork, "worker", "7"));
/// ```
pub fn fork_effect<A, G, F>(f: F, arg: A) -> Effect
where
    A: fmt::Debug + 'static,
    G: Saga,
    F: FnOnce(A) -> G + 'static,
{
    start_effect::<true, _, _, _>(f, arg)
}

/// The effect of spawning the saga `f(arg)`: detached, like a root saga.
///
/// ```
/// use baton::Gen;
/// use baton::saga::{Kind, Saga, SagaCo, spawn_effect};
///
/// fn audit(event: &'static str) -> impl Saga<Output = ()> {
///     Gen::new(move |_co: SagaCo<()>| async move { Ok(()) })
/// }
/// assert_eq!(spawn_effect(audit, "login").describe().to_string(), "Spawn audit(\"login\")");
/// assert_eq!(spawn_effect(audit, "login").describe().kind, Kind::Spawn);
/// ```
pub fn spawn_effect<A, G, F>(f: F, arg: A) -> Effect
where
    A: fmt::Debug + 'static,
    G: Saga,
    F: FnOnce(A) -> G + 'static,
{
    start_effect::<false, _, _, _>(f, arg)
}

/// Yields the effect of starting `f(arg)` and returns its task.
async fn started<const FORK: bool, T, A, G, F>(
    co: &SagaCo<T>,
    f: F,
    arg: A,
) -> Result<Task<G::Return>, Abrupt<Error, T>>
where
    A: fmt::Debug + 'static,
    G: Saga,
    F: FnOnce(A) -> G + 'static,
{
    let name: fn() -> &'static str = short_name::<F>;
    let effect = start_effect::<FORK, _, _, _>(f, arg);
    yield_typed(co, effect, kind_and_link::<FORK>().0, name).await
}

/// `yield fork(f, arg)`: the attached child's task.
///
/// # Errors
///
/// Only `Err(Abrupt::Return(_))`, if the saga is cancelled as it forks (see
/// [errors of an effect](crate::saga#errors-of-an-effect)): the child's own
/// errors abort this saga instead of being thrown here.
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
    G: Saga,
    F: FnOnce(A) -> G + 'static,
{
    started::<true, _, _, _, _>(co, f, arg).await
}

/// `yield spawn(f, arg)`: the detached saga's task.
///
/// # Errors
///
/// Only `Err(Abrupt::Return(_))`, if the saga is cancelled as it spawns: the
/// detached saga's errors stay its own.
///
/// ```
/// use baton::{Error, EventLoop, Gen, now};
/// use baton::saga::{Saga, SagaCo, delay, run_saga, spawn};
/// use std::{cell::RefCell, rc::Rc, time::Duration};
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// let background = move |ms: u64| {
///     let l = l.clone();
///     Gen::new(move |co: SagaCo<()>| async move {
///         delay(&co, ms).await?;
///         l.borrow_mut().push(format!("background done at {:?}", now()));
///         Ok(())
///     })
/// };
/// let l = log.clone();
/// let parent = Gen::new(move |co: SagaCo<()>| async move {
///     spawn(&co, background, 100).await?;
///     Ok(()) // a detached child: the parent does not wait for it
/// });
/// let parent_done = Rc::new(RefCell::new(None));
/// let d = parent_done.clone();
/// EventLoop::virtual_clock().run(move || {
///     let p = run_saga(parent).promise();
///     drop(p.map(move |()| *d.borrow_mut() = Some(now())));
/// });
/// assert_eq!(*parent_done.borrow(), Some(Duration::ZERO));
/// assert_eq!(*log.borrow(), ["background done at 100ms"]);
/// ```
pub async fn spawn<T, A, G, F>(
    co: &SagaCo<T>,
    f: F,
    arg: A,
) -> Result<Task<G::Return>, Abrupt<Error, T>>
where
    A: fmt::Debug + 'static,
    G: Saga,
    F: FnOnce(A) -> G + 'static,
{
    started::<false, _, _, _, _>(co, f, arg).await
}

/// The effect of waiting for `task`; if it is cancelled, the joiner is
/// cancelled too (redux-saga's rule). Joining oneself is an error, not a
/// hang.
///
/// ```
/// use baton::{EventLoop, Gen};
/// use baton::saga::{Saga, SagaCo, fork, join_effect, run_saga};
///
/// fn child(n: u32) -> impl Saga<Output = u32> {
///     Gen::new(move |_co: SagaCo<u32>| async move { Ok(n) })
/// }
/// let saga = Gen::new(|co: SagaCo<String>| async move {
///     let task = fork(&co, child, 1).await?;
///     Ok(join_effect(&task).describe().to_string()) // the task's name and number
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok).as_deref(), Some("Join join(child #2)"));
/// ```
pub fn join_effect<R: Clone + 'static>(task: &Task<R>) -> Effect {
    Effect::new(task.clone(), describe_task(Kind::Join), |task, scope| {
        if task.id() == scope.task_id() {
            let error = Error::msg("a saga cannot join itself: it would wait forever");
            return Running::new(Promise::reject(error));
        }
        // A task that has ended answers at once, as redux-saga's does; one
        // that was cancelled cancels its joiner.
        match task.promise().peek() {
            Some(Ok(value)) => return Running::now(Ok(Rc::new(value))),
            Some(Err(error)) => match error.downcast_ref::<Cancelled>() {
                Some(cancelled) => {
                    scope.cancel(cancelled.reason.clone());
                    return Running::waiting(|_| None);
                }
                None => return Running::now(Err(error)),
            },
            None => {}
        }
        // One that runs on resumes its joiner as it ends, at once.
        let (scope, task) = (scope.clone(), task.clone());
        Running::waiting(move |settled| {
            Some(when_ended(&task, move |outcome| match outcome {
                Err(error) => match error.downcast_ref::<Cancelled>() {
                    Some(cancelled) => scope.cancel(cancelled.reason.clone()),
                    None => settled.deliver(Err(error)),
                },
                ok => settled.deliver(ok),
            }))
        })
    })
}

/// Hands the outcome of `task`, which has not ended, to `then` as it ends
/// (a joiner, or a called saga's caller, goes on at once, as in
/// redux-saga); returns the stop that lets go of it.
pub(crate) fn when_ended<R: Clone + 'static>(
    task: &Task<R>,
    then: impl FnOnce(Result<Value, Error>) + 'static,
) -> Stop {
    let (env, id) = (task.env(), task.id());
    let ticket = env.joiners.borrow_mut().wait(id, then);
    Stop::Hook(Box::new(move |_| {
        // Dropped once the joiners are let go of: a joiner's captures may
        // reach them.
        let left = env.joiners.borrow_mut().leave(id, ticket);
        drop(left);
    }))
}

/// The joiners waiting for tasks of one runtime that have not ended,
/// resumed by the task as it ends (redux-saga's `task.joiners`). Kept by
/// the runtime, not by each task, so a task nobody joins pays nothing.
#[derive(Default)]
pub(crate) struct Joiners {
    next_ticket: u64,
    waiting: HashMap<TaskId, Roster<Joiner>>,
}

type Joiner = Box<dyn FnOnce(Result<Value, Error>)>;

impl Joiners {
    /// Waits for task `id` to end; returns the ticket to leave with.
    fn wait(&mut self, id: TaskId, joiner: impl FnOnce(Result<Value, Error>) + 'static) -> u64 {
        self.next_ticket += 1;
        let ticket = self.next_ticket;
        self.waiting
            .entry(id)
            .or_default()
            .join(ticket, Box::new(joiner));
        ticket
    }

    /// A joiner that stopped waiting (its saga was halted), for the
    /// caller to drop.
    fn leave(&mut self, id: TaskId, ticket: u64) -> Option<Joiner> {
        let joiners = self.waiting.get_mut(&id)?;
        let left = joiners.leave(ticket);
        if joiners.is_empty() {
            self.waiting.remove(&id);
        }
        left
    }

    /// The joiners of task `id`, which has ended, in the order they came:
    /// `None` if nobody joined it (asked of every task as it ends).
    #[inline]
    pub(crate) fn take(&mut self, id: TaskId) -> Option<Vec<Joiner>> {
        if self.waiting.is_empty() {
            return None;
        }
        self.take_waiting(id)
    }

    #[cold]
    fn take_waiting(&mut self, id: TaskId) -> Option<Vec<Joiner>> {
        let mut joiners = self.waiting.remove(&id)?;
        Some(joiners.drain().collect())
    }
}

/// `yield join(task)`: the task's return value (its error is thrown here).
///
/// # Errors
///
/// `Err(Abrupt::Throw(e))` when `task` fails with `e`, or when a saga joins
/// itself; `Err(Abrupt::Return(_))` when `task` is cancelled (the joiner is
/// cancelled too, redux-saga's rule) or this saga is.
///
/// ```
/// use baton::{Error, EventLoop, Gen};
/// use baton::saga::{SagaCo, delay, fork, join, run_saga};
///
/// let saga = Gen::new(|co: SagaCo<u32>| async move {
///     let slow_double = |n: u32| {
///         Gen::new(move |co: SagaCo<u32>| async move {
///             delay(&co, 50).await?;
///             Ok(n * 2)
///         })
///     };
///     let task = fork(&co, slow_double, 21).await?;
///     Ok(join(&co, &task).await?) // waits for the child's return value
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some(42));
/// ```
pub async fn join<T, R: Clone + 'static>(
    co: &SagaCo<T>,
    task: &Task<R>,
) -> Result<R, Abrupt<Error, T>> {
    yield_typed(co, join_effect(task), Kind::Join, "join").await
}

/// `yield join([task, …])`: every task's return value, in order, as an
/// `all` of joins (redux-saga's join of several tasks is the same `all`).
///
/// # Errors
///
/// As [`join`], for the first task to fail or be cancelled; the joins of
/// the others are then withdrawn (the tasks themselves run on).
///
/// ```
/// use baton::{Error, EventLoop, Gen};
/// use baton::saga::{SagaCo, delay, fork, join_all, run_saga};
///
/// let saga = Gen::new(|co: SagaCo<Vec<u64>>| async move {
///     let sleeper = |ms: u64| Gen::new(move |co: SagaCo<u64>| async move {
///         delay(&co, ms).await?;
///         Ok(ms)
///     });
///     let tasks = vec![fork(&co, sleeper, 30).await?, fork(&co, sleeper, 10).await?];
///     join_all(&co, &tasks).await
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some(vec![30, 10]));
/// ```
pub async fn join_all<T, R: Clone + 'static>(
    co: &SagaCo<T>,
    tasks: &[Task<R>],
) -> Result<Vec<R>, Abrupt<Error, T>> {
    super::all(co, tasks.iter().map(join_effect).collect()).await
}

/// The effect of cancelling `task` (non-blocking: the saga resumes at once,
/// the task's cleanup runs on its own).
///
/// ```
/// use baton::{Error, EventLoop, Gen};
/// use baton::saga::{Kind, SagaCo, cancel_effect, fork, run_saga};
///
/// let saga = Gen::new(|co: SagaCo<String>| async move {
///     let task = fork(&co, |()| Gen::new(|_co: SagaCo<()>| async move { Ok(()) }), ()).await?;
///     let d = cancel_effect(&task, Error::msg("stop")).describe();
///     Ok(format!("{:?}", d.kind))
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok).as_deref(), Some("Cancel"));
/// ```
pub fn cancel_effect<R: Clone + 'static>(task: &Task<R>, reason: Error) -> Effect {
    let describe = |(task, _): &(Task<R>, Error)| describe_task(Kind::Cancel)(task);
    Effect::new((task.clone(), reason), describe, |(task, reason), _| {
        task.cancel(reason);
        Running::now(Ok(unit()))
    })
}

/// `yield cancel(task)`.
///
/// # Errors
///
/// `Err(Abrupt::Return(_))` if the saga is cancelled while it waits (see
/// [errors of an effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::{Abrupt, Error, EventLoop, Gen};
/// use baton::saga::{SagaCo, cancel, delay, fork, run_saga};
/// use std::{cell::RefCell, rc::Rc};
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// let saga = Gen::new(move |co: SagaCo<()>| async move {
///     let poller = move |()| {
///         let l = l.clone();
///         Gen::new(move |co: SagaCo<()>| async move {
///             let waited = delay(&co, 1_000).await;
///             if let Err(Abrupt::Return(_)) = waited {
///                 l.borrow_mut().push("poller cleaned up");
///             }
///             waited?;
///             Ok(())
///         })
///     };
///     let task = fork(&co, poller, ()).await?;
///     delay(&co, 10).await?;
///     cancel(&co, &task, Error::msg("no longer needed")).await?;
///     Ok(())
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some(()));
/// assert_eq!(*log.borrow(), ["poller cleaned up"]);
/// ```
pub async fn cancel<T, R: Clone + 'static>(
    co: &SagaCo<T>,
    task: &Task<R>,
    reason: Error,
) -> Result<(), Abrupt<Error, T>> {
    co.yield_(cancel_effect(task, reason)).await.map(|_| ())
}

/// The effect of cancelling `task` and waiting until it has ended: its
/// children cancelled and its cleanup run, effects and all.
///
/// ```
/// use baton::{Error, EventLoop, Gen};
/// use baton::saga::{Kind, SagaCo, cancel_and_wait_effect, fork, run_saga};
///
/// let saga = Gen::new(|co: SagaCo<String>| async move {
///     let task = fork(&co, |()| Gen::new(|_co: SagaCo<()>| async move { Ok(()) }), ()).await?;
///     let d = cancel_and_wait_effect(&task, Error::msg("stop")).describe();
///     Ok(format!("{:?} {}", d.kind, d.name))
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok).as_deref(), Some("Cancel cancel_and_wait"));
/// ```
pub fn cancel_and_wait_effect<R: Clone + 'static>(task: &Task<R>, reason: Error) -> Effect {
    let describe = |(task, _): &(Task<R>, Error)| {
        let args = format!("{} {}", task.name(), task.id());
        described(Kind::Cancel, "cancel_and_wait", args)
    };
    Effect::new((task.clone(), reason), describe, |(task, reason), scope| {
        if task.id() == scope.task_id() {
            let error = Error::msg("a saga cannot wait for its own cancellation to end");
            return Running::new(Promise::reject(error));
        }
        task.cancel(reason);
        if task.promise().peek().is_some() {
            return Running::now(Ok(unit()));
        }
        Running::waiting(move |settled| {
            Some(when_ended(&task, move |_| settled.deliver(Ok(unit()))))
        })
    })
}

/// `yield cancel(task)`, then wait until it has ended: the cancellation
/// Effect-TS's `Fiber.interrupt` makes, where redux-saga's `cancel` lets
/// the task's cleanup run on (`join` cannot wait for it either: joining a
/// cancelled task cancels the joiner). Resumes once `task` has settled,
/// as a joiner would, whichever way it ended (a task that had already
/// ended: at once).
///
/// # Errors
///
/// `Err(Abrupt::Throw(e))` when a saga waits for its own cancellation;
/// `Err(Abrupt::Return(_))` if this saga is cancelled while it waits.
///
/// ```
/// use baton::{Abrupt, Error, EventLoop, Gen, now};
/// use baton::saga::{SagaCo, cancel_and_wait, delay, fork, run_saga};
/// use std::{cell::RefCell, rc::Rc};
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let (l, m) = (log.clone(), log.clone());
/// let saga = Gen::new(move |co: SagaCo<()>| async move {
///     let uploader = move |()| {
///         let l = l.clone();
///         Gen::new(move |co: SagaCo<()>| async move {
///             let uploaded = delay(&co, 1_000).await;
///             if let Err(Abrupt::Return(_)) = uploaded {
///                 delay(&co, 30).await?; // deletes the partial upload
///                 l.borrow_mut().push(format!("{:?} partial upload deleted", now()));
///             }
///             uploaded
///         })
///     };
///     let task = fork(&co, uploader, ()).await?;
///     delay(&co, 10).await?;
///     cancel_and_wait(&co, &task, Error::msg("user left")).await?;
///     m.borrow_mut().push(format!("{:?} upload cancelled", now()));
///     Ok(())
/// });
/// EventLoop::virtual_clock().run(move || run_saga(saga));
/// assert_eq!(*log.borrow(), ["40ms partial upload deleted", "40ms upload cancelled"]);
/// ```
pub async fn cancel_and_wait<T, R: Clone + 'static>(
    co: &SagaCo<T>,
    task: &Task<R>,
    reason: Error,
) -> Result<(), Abrupt<Error, T>> {
    co.yield_(cancel_and_wait_effect(task, reason))
        .await
        .map(|_| ())
}

/// The effect of cancelling the saga that yields it (`cancel()` with no
/// task): it stops at this yield and runs its cleanup.
///
/// ```
/// use baton::{Abrupt, Error, EventLoop, Gen};
/// use baton::saga::{Cancelled, SagaCo, cancel_self_effect, run_saga};
/// use std::{cell::RefCell, rc::Rc};
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// let saga = Gen::new(move |co: SagaCo<()>| async move {
///     let stopped = co.yield_(cancel_self_effect(Error::msg("giving up"))).await;
///     if let Err(Abrupt::Return(_)) = &stopped {
///         l.borrow_mut().push("cleanup");
///     }
///     stopped?;
///     l.borrow_mut().push("never reached");
///     Ok(())
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// let error = p.peek().and_then(Result::err).expect("cancelled");
/// assert!(Cancelled::is(&error));
/// assert_eq!(*log.borrow(), ["cleanup"]);
/// ```
pub fn cancel_self_effect(reason: Error) -> Effect {
    let describe = |_: &Error| described(Kind::Cancel, "cancel", "self".into());
    Effect::new(reason, describe, |reason, scope| {
        scope.cancel(reason);
        Running::new(Promise::new(|_| {}))
    })
}

/// The effect of asking whether this saga is being cancelled; resumes with
/// a `bool`.
///
/// ```
/// use baton::saga::{Kind, cancelled_effect};
///
/// assert_eq!(cancelled_effect().describe().kind, Kind::Cancelled);
/// assert_eq!(cancelled_effect().describe().to_string(), "Cancelled cancelled()");
/// ```
pub fn cancelled_effect() -> Effect {
    let describe = |_: &()| described(Kind::Cancelled, "cancelled", String::new());
    Effect::new((), describe, |(), scope| {
        Running::now(Ok(Rc::new(scope.is_cancelled())))
    })
}

/// `yield cancelled()`: inside cleanup, whether the saga was cancelled (as
/// opposed to finishing or failing).
///
/// # Errors
///
/// `Err(Abrupt::Return(_))` if the saga is cancelled while it waits (see
/// [errors of an effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::{Abrupt, Error, EventLoop, Gen};
/// use baton::saga::{SagaCo, cancelled, delay, run_saga};
/// use std::{cell::RefCell, rc::Rc};
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// let saga = Gen::new(move |co: SagaCo<()>| async move {
///     let waited = delay(&co, 1_000).await;
///     if let Err(Abrupt::Return(_)) = waited {
///         let why = if cancelled(&co).await? { "cancelled" } else { "returned" };
///         l.borrow_mut().push(why);
///     }
///     waited?;
///     Ok(())
/// });
/// let event_loop = EventLoop::virtual_clock();
/// event_loop.run(move || {
///     let task = run_saga(saga);
///     baton::set_timeout(move || task.cancel(Error::msg("user left")), std::time::Duration::from_millis(5));
/// });
/// assert_eq!(*log.borrow(), ["cancelled"]);
/// ```
pub async fn cancelled<T>(co: &SagaCo<T>) -> Result<bool, Abrupt<Error, T>> {
    yield_typed(co, cancelled_effect(), Kind::Cancelled, "cancelled").await
}
