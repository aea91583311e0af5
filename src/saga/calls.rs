//! `call` and `delay`: the blocking effects that wait for one piece of work.

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use super::Saga;
use super::SagaCo;
use super::effect::{
    Description, Effect, Handoff, Kind, Listening, Running, Settled, Stop, Value, short_name,
    stopper, yield_typed,
};
use super::task::{Link, Scope};
use crate::generator::Abrupt;
use crate::runner::Done;
use crate::{Error, Promise};

/// What a called function may return: a promise, a plain result, a saga
/// (run as a child task the caller waits for; cancelling the caller
/// cancels it), or a Rust future wrapped in
/// [`future`](crate::runner::future) (cancelling the call drops it, which
/// aborts what it was doing).
///
/// ```
/// use baton::{Error, EventLoop, Gen, Promise};
/// use baton::saga::{SagaCo, call, run_saga};
///
/// // Three kinds of callee: a promise, a plain result, a future.
/// fn from_promise(n: u32) -> Promise<u32> { Promise::resolve(n + 1) }
/// fn from_result(n: u32) -> Result<u32, Error> { Ok(n * 2) }
/// fn from_future(n: u32) -> baton::runner::FutureYield<std::future::Ready<Result<u32, Error>>> {
///     baton::runner::future(std::future::ready(Ok(n + 100)))
/// }
/// let saga = Gen::new(|co: SagaCo<Vec<u32>>| async move {
///     Ok(vec![
///         call(&co, from_promise, 1).await?,
///         call(&co, from_result, 2).await?,
///         call(&co, from_future, 3).await?,
///     ])
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some(vec![2, 4, 103]));
/// ```
pub trait Callee: 'static {
    /// The value the call resumes the saga with.
    type Output: Clone + 'static;

    /// Starts the work in `scope`; `name()` names a child saga.
    ///
    /// ```
    /// use baton::saga::{Callee, Running, SagaCo, Scope, call, run_saga};
    /// use baton::{EventLoop, Gen, Promise};
    ///
    /// // A callee of one's own: a cached value is a settled promise.
    /// #[derive(Clone)]
    /// struct Cached(u32);
    /// impl Callee for Cached {
    ///     type Output = u32;
    ///     fn start(self, _: &Scope, _: fn() -> &'static str) -> Running {
    ///         Running::of(Promise::resolve(self.0))
    ///     }
    /// }
    /// fn from_cache(key: u32) -> Cached { Cached(key * 100) }
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     run_saga(Gen::new(|co: SagaCo<u32>| async move { call(&co, from_cache, 3).await })).promise()
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok), Some(300));
    /// ```
    fn start(self, scope: &Scope, name: fn() -> &'static str) -> Running;
}

impl<U: Clone + 'static> Callee for Promise<U, Error> {
    type Output = U;

    fn start(self, _: &Scope, _: fn() -> &'static str) -> Running {
        Running::of(self)
    }
}

impl<U: Clone + 'static> Callee for Result<U, Error> {
    type Output = U;

    fn start(self, _: &Scope, _: fn() -> &'static str) -> Running {
        Running::new(Promise::from_resolution(self.map(|v| Rc::new(v) as Value)))
    }
}

impl<G> Callee for G
where
    G: Saga,
{
    type Output = G::Return;

    /// The caller goes on as the called saga ends, at once (redux-saga
    /// runs a called generator as a sub-task and resumes its caller from
    /// the sub-task's end); at once too if it ended as it started.
    fn start(self, scope: &Scope, name: fn() -> &'static str) -> Running {
        let task = scope.start_named(name, Link::Called, self);
        let promise = task.promise();
        if let Some(outcome) = promise.peek() {
            // Its failure is the caller's now, not an unhandled one.
            promise.mark_handled();
            return Running::now(outcome.map(|v| Rc::new(v) as Value));
        }
        Running::waiting(move |settled| {
            let stop = super::tree::when_ended(&task, move |outcome| settled.deliver(outcome));
            Some(Stop::Hook(Box::new(move |reason| {
                stop.stop(reason);
                task.cancel(reason.clone());
            })))
        })
    }
}

/// The effect of calling `f(arg)`; its description names `f` and shows
/// `arg`.
///
/// ```
/// use baton::Promise;
/// use baton::saga::{Kind, call_effect};
///
/// fn fetch_user(id: u32) -> Promise<String> { Promise::resolve(format!("user {id}")) }
/// let d = call_effect(fetch_user, 42).describe(); // nothing is called
/// assert_eq!((d.kind, d.name.as_str(), d.args.as_str()), (Kind::Call, "fetch_user", "42"));
/// ```
pub fn call_effect<A, C, F>(f: F, arg: A) -> Effect
where
    A: fmt::Debug + 'static,
    C: Callee,
    F: FnOnce(A) -> C + 'static,
{
    call_effect_for::<false, _, _, _>(f, arg)
}

/// [`call_effect`]; `HANDLE`: its value goes to `yield_typed`'s downcast,
/// which can read a promise's value from the promise itself
/// ([`Running::handled_by`]). A constant, so the effect carries no flag.
fn call_effect_for<const HANDLE: bool, A, C, F>(f: F, arg: A) -> Effect
where
    A: fmt::Debug + 'static,
    C: Callee,
    F: FnOnce(A) -> C + 'static,
{
    Effect::applying(
        || Kind::Call,
        f,
        arg,
        |f, arg, scope| f(arg).start(scope, short_name::<F>).handled_by(HANDLE),
    )
}

/// `yield call(f, arg)`: the typed result of `f(arg)` — a promise's value,
/// a result, or a called saga's return value.
///
/// ```
/// use baton::{Error, EventLoop, Gen, Promise};
/// use baton::saga::{SagaCo, call, run_saga};
///
/// fn double(n: u32) -> Promise<u32> { Promise::resolve(n * 2) }
/// fn child(n: u32) -> impl baton::saga::Saga<Output = u32> {
///     Gen::new(move |co: SagaCo<u32>| async move { Ok(call(&co, double, n).await? + 1) })
/// }
/// let saga = Gen::new(|co: SagaCo<u32>| async move { call(&co, child, 20).await });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some(41));
/// ```
pub fn call<T, A, C, F>(
    co: &SagaCo<T>,
    f: F,
    arg: A,
) -> impl Future<Output = Result<C::Output, Abrupt<Error, T>>>
where
    A: fmt::Debug + 'static,
    C: Callee,
    F: FnOnce(A) -> C + 'static,
{
    // A plain future, not an `async fn`, so the saga's step inlines it
    // (see `yield_typed`). The effect is made at once rather than at the
    // first poll: it is data, and nothing is called before it is awaited.
    let name: fn() -> &'static str = short_name::<F>;
    yield_typed(
        co,
        call_effect_for::<true, _, _, _>(f, arg),
        Kind::Call,
        name,
    )
}

/// The effect of calling `f(arg, done)`, a function in Node's callback
/// style that reports through `done` (redux-saga's `cps`). The saga goes on
/// as `done` is called: at once if `f` calls it before returning, else
/// inside the call, as redux-saga resumes it; a second call is ignored, and
/// one after the saga stopped waiting (cancelled) goes nowhere. A panic in
/// `f` is thrown into the saga.
///
/// ```
/// use baton::saga::{Kind, cps_effect};
/// use baton::runner::Done;
/// use baton::Error;
///
/// fn read_file(path: &'static str, done: Done<usize, Error>) {
///     done(Ok(path.len()))
/// }
/// let d = cps_effect(read_file, "notes.txt").describe();
/// assert_eq!(d.to_string(), "Cps read_file(\"notes.txt\")");
/// assert_eq!(d.kind, Kind::Cps);
/// ```
pub fn cps_effect<A, U, F>(f: F, arg: A) -> Effect
where
    A: fmt::Debug + 'static,
    U: Clone + 'static,
    F: FnOnce(A, Done<U, Error>) + 'static,
{
    Effect::applying(
        || Kind::Cps,
        f,
        arg,
        |f, arg, _scope| {
            let call = Rc::new(CpsCall::default());
            let answer = call.clone();
            f(
                arg,
                Box::new(move |outcome: Result<U, Error>| {
                    answer.answer(outcome.map(|v| Rc::new(v) as Value));
                }),
            );
            // Answered before `f` returned: the saga goes on at once.
            // (Nobody waited then: the answer was kept, not delivered.)
            match call.handoff.stop() {
                Some(outcome) => Running::now(outcome),
                None => Running::listening(call),
            }
        },
    )
}

/// A `cps` call waiting for its callback.
#[derive(Default)]
struct CpsCall {
    handoff: Handoff,
    answered: Cell<bool>,
}

impl CpsCall {
    fn answer(&self, outcome: Result<Value, Error>) {
        if self.answered.replace(true) {
            return; // called again: redux-saga ignores it too
        }
        self.handoff.keep(outcome);
        self.handoff.deliver();
    }
}

impl Listening for CpsCall {
    fn wait(self: Rc<Self>, settled: Settled) -> Option<Stop> {
        self.handoff.wait(settled);
        Some(stopper(&self))
    }

    fn stop(&self) {
        self.handoff.stop();
    }
}

/// `yield cps(f, arg)`: the value `f(arg, done)` reports through `done`
/// (see [`cps_effect`]).
///
/// # Errors
///
/// `Err(Abrupt::Throw(e))` when `f` reports `Err(e)` (or panics);
/// `Err(Abrupt::Return(_))` if the saga is cancelled while it waits (see
/// [errors of an effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::runner::Done;
/// use baton::saga::{SagaCo, cps, run_saga};
/// use baton::{Abrupt, Error, EventLoop, Gen, set_timeout};
/// use std::time::Duration;
///
/// // Node's `fs.stat(path, callback)`, answering 10 ms later.
/// fn stat(path: &'static str, done: Done<usize, Error>) {
///     set_timeout(
///         move || done(if path.is_empty() { Err(Error::msg("ENOENT")) } else { Ok(path.len() * 100) }),
///         Duration::from_millis(10),
///     );
/// }
/// let saga = Gen::new(|co: SagaCo<String>| async move {
///     let size = cps(&co, stat, "notes.txt").await?;
///     let missing = match cps(&co, stat, "").await {
///         Err(Abrupt::Throw(e)) => e.to_string(), // try { … } catch (e) { … }
///         other => return other.map(|n| n.to_string()),
///     };
///     Ok(format!("{size} bytes; then {missing}"))
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok).as_deref(), Some("900 bytes; then ENOENT"));
/// ```
pub fn cps<T, A, U, F>(
    co: &SagaCo<T>,
    f: F,
    arg: A,
) -> impl Future<Output = Result<U, Abrupt<Error, T>>>
where
    A: fmt::Debug + 'static,
    U: Clone + 'static,
    F: FnOnce(A, Done<U, Error>) + 'static,
{
    let name: fn() -> &'static str = short_name::<F>;
    yield_typed(co, cps_effect(f, arg), Kind::Cps, name)
}

/// The effect of waiting `ms` milliseconds; cancelling it clears the timer.
///
/// ```
/// use baton::saga::{Kind, delay_effect};
///
/// let d = delay_effect(250).describe();
/// assert_eq!((d.kind, d.to_string()), (Kind::Delay, "Delay delay(250)".to_string()));
/// ```
pub fn delay_effect(ms: u64) -> Effect {
    Effect::new(ms, describe_delay, |ms, _| {
        Running::timer(Duration::from_millis(ms))
    })
}

fn describe_delay(ms: &u64) -> Description {
    Description {
        kind: Kind::Delay,
        name: "delay".into(),
        args: ms.to_string(),
    }
}

/// `yield delay(ms)`.
///
/// ```
/// use baton::{EventLoop, Gen, now};
/// use baton::saga::{SagaCo, delay, run_saga};
/// use std::time::Duration;
///
/// let saga = Gen::new(|co: SagaCo<Duration>| async move {
///     delay(&co, 2_000).await?;
///     delay(&co, 3_000).await?;
///     Ok(now())
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some(Duration::from_secs(5))); // instantly
/// ```
pub fn delay<T>(co: &SagaCo<T>, ms: u64) -> impl Future<Output = Result<(), Abrupt<Error, T>>> {
    Waited {
        co,
        // `YIELDED` is taken; a delay of 584 million years either way.
        ms: ms.min(YIELDED - 1),
    }
}

/// [`Waited::ms`] once the effect is out.
const YIELDED: u64 = u64::MAX;

/// The future of [`delay`]: the `co` and the milliseconds, made into the
/// effect when first polled. A saga asleep on a delay keeps these 16 bytes
/// in its body, where a yield holding its effect took 24 (and an `async
/// fn`, the `co` and the milliseconds besides).
#[must_use = "an effect does nothing unless awaited"]
struct Waited<'c, T> {
    co: &'c SagaCo<T>,
    ms: u64,
}

impl<T> Future for Waited<'_, T> {
    type Output = Result<(), Abrupt<Error, T>>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // The first poll yields the effect; a later one takes what the
        // resume sent in, as one yield future's two polls do.
        let mut step = match std::mem::replace(&mut self.ms, YIELDED) {
            YIELDED => self.co.resumption(),
            ms => self.co.yield_(delay_effect(ms)),
        };
        Pin::new(&mut step)
            .poll(cx)
            .map(|resumed| resumed.map(drop))
    }
}
