//! The runtime that starts root sagas, and what their effects can reach.

use std::rc::Rc;

use super::effect::{Effect, Value};
use super::store::{Action, Store};
use super::task::{Env, Link, Task, TaskName, start};
use super::trace::{TraceEvent, Tracer, timeline};
use crate::Error;
use crate::generator::Generator;

/// Runs sagas: each is a root task; its forks, calls and spawns share the
/// runtime (its task numbers and its trace).
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
    pub fn new() -> Self {
        Runtime {
            env: Env::new(None),
        }
    }

    /// A runtime that records every task and effect (see
    /// [`trace`](Runtime::trace)).
    pub fn traced() -> Self {
        Runtime {
            env: Env::new(Some(Tracer::default())),
        }
    }

    /// Gives this runtime's sagas `store`: `select`, `put` and `take` reach
    /// it (one store per state type and action type).
    pub fn with_store<S: Clone + 'static, A: Action>(self, store: &Store<S, A>) -> Self {
        store.register(&mut self.env.services.borrow_mut());
        self
    }

    /// Starts `saga` as a root task named `name`; it runs synchronously up
    /// to its first effect.
    pub fn run<G>(&self, name: impl Into<String>, saga: G) -> Task<G::Return>
    where
        G: Generator<Yield = Effect, Input = Value, Error = Error> + 'static,
        G::Return: Default + Clone + 'static,
    {
        start(
            self.env.clone(),
            TaskName::Owned(name.into()),
            Link::Root,
            None,
            saga,
        )
    }

    /// Everything traced so far (empty unless [`traced`](Runtime::traced)).
    pub fn trace(&self) -> Vec<TraceEvent> {
        self.env
            .tracer
            .as_ref()
            .map(Tracer::events)
            .unwrap_or_default()
    }

    /// The trace as a readable timeline.
    pub fn timeline(&self) -> String {
        timeline(&self.trace())
    }
}

/// Runs `saga` as a root task of its own untraced runtime.
pub fn run_saga<G>(saga: G) -> Task<G::Return>
where
    G: Generator<Yield = Effect, Input = Value, Error = Error> + 'static,
    G::Return: Default + Clone + 'static,
{
    let runtime = Runtime::new();
    start(
        runtime.env,
        TaskName::Static("main"),
        Link::Root,
        None,
        saga,
    )
}
