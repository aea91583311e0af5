//! The runtime that starts root sagas, and what their effects can reach.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use super::Saga;
use super::driver::start;
use super::effect::Name;
use super::store::{Action, Store};
use super::task::{Env, Link, MainName, Task};
use super::trace::{TraceEvent, Tracer, timeline};
use crate::{Error, EventLoop, now};

/// Runs sagas: each is a root task; its forks, calls and spawns share the
/// runtime (its task numbers and its trace).
///
/// What keeps a saga alive is what it waits on (a timer, a promise, a
/// channel, the store's `take`), and its task handles: a saga the program
/// drops every handle to runs on, as a JavaScript one does. A forked child
/// keeps its parent, not the other way round. Without a garbage collector,
/// one thing differs from JavaScript: a saga waiting on what only it can
/// reach stays allocated. A watcher waiting in `take` holds the runtime,
/// which holds the store, which holds the watcher; cancel it (or its root
/// task) to free them, as an application shuts redux-saga's watchers down
/// with `task.cancel()`.
///
/// ```
/// use baton::{Error, EventLoop, Gen};
/// use baton::saga::{Runtime, SagaCo, delay};
///
/// let runtime = Runtime::traced();
/// let saga = Gen::new(|co: SagaCo<u32>| async move {
///     delay(&co, 250).await?;
///     Ok(7)
/// });
/// let p = EventLoop::virtual_clock().run(|| runtime.run("wait", saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some(7));
/// let lines: Vec<String> = runtime.timeline().lines().map(|l| l.trim().to_string()).collect();
/// assert_eq!(lines, [
///     "0ms  wait#1                 Root task started",
///     "0ms  wait#1                 ▶ Delay delay(250)",
///     "250ms  wait#1                 ✔ Delay delay(250)",
///     "250ms  wait#1                 task done",
/// ]);
/// ```
pub struct Runtime {
    env: Rc<Env>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("traced", &self.env.tracer.is_some())
            .finish()
    }
}

impl Default for Runtime {
    fn default() -> Self {
        Self::new()
    }
}

impl Runtime {
    /// A runtime that does not trace.
    ///
    /// ```
    /// use baton::saga::{Runtime, SagaCo};
    /// use baton::{EventLoop, Gen};
    ///
    /// let runtime = Runtime::new();
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     runtime.run("answer", Gen::new(|_co: SagaCo<u32>| async move { Ok(42) })).promise()
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok), Some(42));
    /// assert!(runtime.trace().is_empty()); // not traced
    /// ```
    pub fn new() -> Self {
        Runtime {
            env: Env::new(None),
        }
    }

    /// A runtime that records every task and effect (see
    /// [`trace`](Runtime::trace)).
    ///
    /// ```
    /// use baton::saga::{Event, Runtime, SagaCo, delay};
    /// use baton::{EventLoop, Gen};
    ///
    /// let runtime = Runtime::traced();
    /// EventLoop::virtual_clock().run(|| {
    ///     runtime.run("nap", Gen::new(|co: SagaCo<()>| async move { delay(&co, 10).await }));
    /// });
    /// let events: Vec<Event> = runtime.trace().into_iter().map(|e| e.event).collect();
    /// assert_eq!(events.len(), 4); // task started, effect started, effect resolved, task settled
    /// assert!(matches!(events[3], Event::TaskSettled(None)));
    /// ```
    pub fn traced() -> Self {
        Runtime {
            env: Env::new(Some(Tracer::default())),
        }
    }

    /// Gives this runtime's sagas `store`: `select`, `put` and `take` reach
    /// it (one store per state type and action type).
    ///
    /// ```
    /// use baton::saga::{Action, Runtime, SagaCo, Store, put, select};
    /// use baton::{EventLoop, Gen};
    ///
    /// #[derive(Clone, Debug)]
    /// struct Bump;
    /// impl Action for Bump {
    ///     fn action_type(&self) -> &str { "BUMP" }
    /// }
    /// let store = Store::new(0_u32, |n: &mut u32, _: &Bump| *n += 1);
    /// let runtime = Runtime::new().with_store(&store);
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     runtime.run("bumper", Gen::new(|co: SagaCo<u32>| async move {
    ///         put(&co, Bump).await?;
    ///         put(&co, Bump).await?;
    ///         Ok(select(&co, |n: &u32| *n).await?)
    ///     })).promise()
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok), Some(2));
    /// ```
    #[must_use = "a builder method returns the changed value"]
    pub fn with_store<S: Clone + 'static, A: Action>(self, store: &Store<S, A>) -> Self {
        store.register(&mut self.env.services.borrow_mut());
        self
    }

    /// Turns contexts on and sets `key` to `value` in the runtime's own,
    /// where every saga it runs can read it ([`get_context`](super::get_context)):
    /// redux-saga's `createSagaMiddleware({ context })`. Call it before
    /// running sagas: a task started earlier inherits no task's context,
    /// only the runtime's.
    ///
    /// ```
    /// use baton::saga::{Runtime, SagaCo, get_context};
    /// use baton::{EventLoop, Gen};
    ///
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     let runtime = Runtime::new().with_context("api", "https://api.test").with_context("retries", 3_u32);
    ///     runtime.run("root", Gen::new(|co: SagaCo<String>| async move {
    ///         let api: Option<&str> = get_context(&co, "api").await?;
    ///         let retries: Option<u32> = get_context(&co, "retries").await?;
    ///         Ok(format!("{} x{}", api.unwrap_or("?"), retries.unwrap_or(0)))
    ///     }))
    ///     .promise()
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok).as_deref(), Some("https://api.test x3"));
    /// ```
    #[must_use = "a builder method returns the changed value"]
    pub fn with_context<V: 'static>(self, key: impl Into<String>, value: V) -> Self {
        let contexts = self.env.contexts.get_or_init(Default::default);
        contexts.set_root(key.into(), Rc::new(value));
        self
    }

    /// Answers effects before their performers do: `answer` sees each
    /// effect's description and returns `Some(running)` to stand in for it
    /// (a canned result, an error, a delay), or `None` to let it run. This
    /// is how an integration test provides results without mocks:
    ///
    /// ```
    /// use baton::{Error, EventLoop, Gen, Promise};
    /// use baton::saga::{Kind, Runtime, Running, SagaCo, call};
    ///
    /// fn fetch_user(id: u32) -> Promise<String> { unreachable!("never called: {id}") }
    /// let runtime = Runtime::new().intercept(|effect| {
    ///     (effect.kind == Kind::Call && effect.name == "fetch_user")
    ///         .then(|| Running::of(Promise::resolve(format!("user {}", effect.args))))
    /// });
    /// let saga = Gen::new(|co: SagaCo<String>| async move { call(&co, fetch_user, 7).await });
    /// let p = EventLoop::virtual_clock().run(|| runtime.run("provided", saga).promise());
    /// assert_eq!(p.peek().and_then(Result::ok).as_deref(), Some("user 7"));
    /// ```
    #[must_use = "a builder method returns the changed value"]
    pub fn intercept(
        self,
        answer: impl Fn(&super::Description) -> Option<super::Running> + 'static,
    ) -> Self {
        *self.env.interceptor.borrow_mut() = Some(Rc::new(answer));
        self
    }

    /// Hears every root and spawned task that fails (redux-saga's
    /// `onError`): `hook` gets the error and its [`SagaStack`](super::SagaStack)
    /// (the task it began in, the tasks it failed on its way up, the ones
    /// it cancelled), at the moment the task fails, before its promise
    /// rejects. The hook is then that failure's report: the task's promise
    /// is not reported as an unhandled rejection.
    ///
    /// As in redux-saga, a spawned task's failure is heard as it happens,
    /// and again for a joiner that fails with it (with a stack of its own);
    /// a forked child's or a called saga's is heard where it ends up. A
    /// cancellation is no failure. Without a hook, nothing is kept. A hook
    /// that panics is reported to the loop's uncaught hook; the task still
    /// settles. A hook that holds its own runtime (to start a saga that
    /// reports the failure) is a cycle of `Rc`s: hold it through a slot
    /// emptied at shutdown, or a `Weak`.
    ///
    /// ```
    /// use baton::saga::{Runtime, Saga, SagaCo, delay, fork, join};
    /// use baton::{Error, EventLoop, Gen};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// // Sagas forked from functions are named after them.
    /// fn charge(_: ()) -> impl Saga<Output = ()> {
    ///     Gen::new(|co: SagaCo<()>| async move {
    ///         delay(&co, 10).await?;
    ///         Err(Error::msg("card declined").into())
    ///     })
    /// }
    /// fn receipt(_: ()) -> impl Saga<Output = ()> {
    ///     Gen::new(|co: SagaCo<()>| async move { delay(&co, 50).await })
    /// }
    /// fn pay(_: ()) -> impl Saga<Output = ()> {
    ///     Gen::new(|co: SagaCo<()>| async move {
    ///         fork(&co, charge, ()).await?;
    ///         fork(&co, receipt, ()).await?;
    ///         Ok(())
    ///     })
    /// }
    /// let reports = Rc::new(RefCell::new(Vec::new()));
    /// let seen = reports.clone();
    /// let runtime = Runtime::new().on_error(move |error, stack| {
    ///     let tasks: Vec<&str> = stack.tasks().iter().map(|frame| frame.name.as_str()).collect();
    ///     let cancelled: Vec<&str> = stack.cancelled().iter().map(|frame| frame.name.as_str()).collect();
    ///     seen.borrow_mut().push(format!("{error}: {tasks:?}, cancelled {cancelled:?}"));
    /// });
    /// EventLoop::virtual_clock().run(|| {
    ///     runtime.run("checkout", Gen::new(|co: SagaCo<()>| async move {
    ///         let payment = fork(&co, pay, ()).await?;
    ///         join(&co, &payment).await
    ///     }));
    /// });
    /// assert_eq!(*reports.borrow(), [
    ///     r#"card declined: ["charge", "pay", "checkout"], cancelled ["receipt", "checkout"]"#,
    /// ]);
    /// ```
    #[must_use = "a builder method returns the changed value"]
    pub fn on_error(self, hook: impl Fn(&Error, &super::SagaStack) + 'static) -> Self {
        *self.env.failures.borrow_mut() = Some(Rc::new(super::saga_stack::Failures::new(hook)));
        self
    }

    /// Starts `saga` as a root task named `name`; it runs synchronously up
    /// to its first effect.
    ///
    /// ```
    /// use baton::saga::{Runtime, SagaCo, delay};
    /// use baton::{EventLoop, Gen};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// let l = log.clone();
    /// EventLoop::virtual_clock().run(move || {
    ///     let runtime = Runtime::new();
    ///     let task = runtime.run("greeter", Gen::new(move |co: SagaCo<()>| async move {
    ///         l.borrow_mut().push("before the first effect"); // runs inside `run`
    ///         delay(&co, 5).await?;
    ///         l.borrow_mut().push("after the delay");
    ///         Ok(())
    ///     }));
    ///     assert_eq!(task.name(), "greeter");
    ///     assert!(task.is_running());
    /// });
    /// assert_eq!(*log.borrow(), ["before the first effect", "after the delay"]);
    /// ```
    pub fn run<G>(&self, name: impl Into<String>, saga: G) -> Task<G::Return>
    where
        G: Saga,
    {
        start_root(self.env.clone(), name.into().into_boxed_str(), saga)
    }

    /// Runs `saga` to its end on a fresh virtual-clock loop: its delays,
    /// races and timeouts happen instantly and in a fixed order. The
    /// integration harness for a whole saga tree.
    ///
    /// ```
    /// use baton::{Error, Gen};
    /// use baton::saga::{Runtime, SagaCo, delay, delay_effect, race};
    /// use std::time::Duration;
    ///
    /// let slow_job = Gen::new(|co: SagaCo<&'static str>| async move {
    ///     let (winner, ()) = race(&co, vec![("job", delay_effect(60_000)), ("timeout", delay_effect(5_000))]).await?;
    ///     delay(&co, 250).await?;
    ///     Ok(winner)
    /// });
    /// let run = Runtime::traced().simulate("slow job", slow_job);
    /// assert_eq!(run.elapsed, Duration::from_millis(5_250));
    /// assert!(run.timeline().contains("⊘ Delay delay(60000)"));
    /// assert_eq!(run.outcome.and_then(Result::ok), Some("timeout"));
    /// ```
    pub fn simulate<G>(&self, name: impl Into<String>, saga: G) -> Simulation<G::Return>
    where
        G: Saga,
    {
        let settled_at = Rc::new(Cell::new(None));
        let at = settled_at.clone();
        let name = name.into();
        let promise = EventLoop::virtual_clock().run(|| {
            let promise = self.run(name, saga).promise();
            promise.subscribe(move |_| at.set(Some(now())));
            promise
        });
        Simulation {
            outcome: promise.peek(),
            elapsed: settled_at.get().unwrap_or_else(now),
            trace: self.trace(),
        }
    }

    /// Everything traced so far (empty unless [`traced`](Runtime::traced)).
    ///
    /// ```
    /// use baton::saga::{Event, Runtime, SagaCo, delay};
    /// use baton::{EventLoop, Gen};
    /// use std::time::Duration;
    ///
    /// let runtime = Runtime::traced();
    /// EventLoop::virtual_clock().run(|| {
    ///     runtime.run("nap", Gen::new(|co: SagaCo<()>| async move { delay(&co, 40).await }));
    /// });
    /// let trace = runtime.trace();
    /// let resolved = trace.iter().find(|e| matches!(e.event, Event::EffectResolved(_))).expect("the delay resolved");
    /// assert_eq!(resolved.at, Duration::from_millis(40));
    /// ```
    pub fn trace(&self) -> Vec<TraceEvent> {
        self.env
            .tracer
            .as_ref()
            .map(Tracer::events)
            .unwrap_or_default()
    }

    /// The trace as a readable timeline.
    ///
    /// ```
    /// use baton::saga::{Runtime, SagaCo, delay};
    /// use baton::{EventLoop, Gen};
    ///
    /// let runtime = Runtime::traced();
    /// EventLoop::virtual_clock().run(|| {
    ///     runtime.run("nap", Gen::new(|co: SagaCo<()>| async move { delay(&co, 40).await }));
    /// });
    /// let timeline = runtime.timeline();
    /// assert!(timeline.contains("▶ Delay delay(40)"));
    /// assert!(timeline.contains("✔ Delay delay(40)"));
    /// ```
    pub fn timeline(&self) -> String {
        timeline(&self.trace())
    }
}

/// What a simulated run of a saga produced (see [`Runtime::simulate`]).
///
/// ```
/// use baton::saga::{Runtime, SagaCo, delay};
/// use baton::Gen;
/// use std::time::Duration;
///
/// let run = Runtime::new().simulate("two naps", Gen::new(|co: SagaCo<u8>| async move {
///     delay(&co, 1_000).await?;
///     delay(&co, 500).await?;
///     Ok(2)
/// }));
/// assert_eq!(run.outcome.and_then(Result::ok), Some(2));
/// assert_eq!(run.elapsed, Duration::from_millis(1_500));
/// assert!(run.trace.is_empty()); // the runtime does not trace
/// ```
#[derive(Debug, Clone)]
pub struct Simulation<T> {
    /// How the saga ended (`None`: it never did, waiting on something
    /// outside the loop).
    pub outcome: Option<Result<T, Error>>,
    /// Virtual time from the start to the saga's end.
    pub elapsed: Duration,
    /// The runtime's trace (empty unless it traces).
    pub trace: Vec<TraceEvent>,
}

impl<T> Simulation<T> {
    /// The trace as a readable timeline.
    ///
    /// ```
    /// use baton::saga::{Runtime, SagaCo, delay};
    /// use baton::Gen;
    ///
    /// let run = Runtime::traced().simulate("nap", Gen::new(|co: SagaCo<()>| async move { delay(&co, 5).await }));
    /// assert!(run.timeline().contains("✔ Delay delay(5)"));
    /// ```
    pub fn timeline(&self) -> String {
        timeline(&self.trace)
    }
}

thread_local! {
    /// The runtime behind [`run_saga`]: untraced, no store, shared by the
    /// thread's sagas so a saga costs no runtime of its own.
    static DEFAULT: Rc<Env> = Env::new(None);
}

/// Runs `saga` as a root task of the thread's default runtime (untraced,
/// no store, nothing intercepted).
///
/// ```
/// use baton::saga::{SagaCo, call, run_saga};
/// use baton::{EventLoop, Gen, Promise};
///
/// fn double(n: u32) -> Promise<u32> { Promise::resolve(n * 2) }
/// let p = EventLoop::virtual_clock().run(|| {
///     run_saga(Gen::new(|co: SagaCo<u32>| async move { call(&co, double, 21).await })).promise()
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(42));
/// ```
pub fn run_saga<G>(saga: G) -> Task<G::Return>
where
    G: Saga,
{
    start_root(DEFAULT.with(Rc::clone), MainName, saga)
}

/// Starts a root saga. Puts made as it starts wait until it first waits
/// (or ends), as redux-saga's `runSaga` starts a root `immediately`.
fn start_root<G: Saga, N: Name + 'static>(env: Rc<Env>, name: N, saga: G) -> Task<G::Return> {
    let hold = super::scheduler::Hold::new();
    let task = start(env, name, Link::Root, None, None, saga);
    hold.end();
    task
}
