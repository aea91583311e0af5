//! Traces: every task and effect started, settled or cancelled, with the
//! loop's time (virtual or real), as data and as a readable timeline.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt::Write;
use std::rc::Rc;
use std::time::Duration;

use super::effect::{Description, Running, Settled, Source, Stop, Value};
use super::task::{Link, Scope, TaskId};
use crate::{Error, now};

/// One thing that happened in a traced runtime.
///
/// ```
/// use baton::saga::{Event, Runtime, SagaCo, delay};
/// use baton::{EventLoop, Gen};
/// use std::time::Duration;
///
/// let runtime = Runtime::traced();
/// EventLoop::virtual_clock().run(|| {
///     runtime.run("nap", Gen::new(|co: SagaCo<()>| async move { delay(&co, 15).await }));
/// });
/// let last = runtime.trace().pop().expect("events");
/// assert_eq!((last.at, last.task.to_string()), (Duration::from_millis(15), "#1".to_string()));
/// assert_eq!(last.event, Event::TaskSettled(None));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceEvent {
    /// The loop's time when it happened.
    pub at: Duration,
    /// The task it happened in.
    pub task: TaskId,
    /// What happened.
    pub event: Event,
}

/// What happened to a task or an effect.
///
/// ```
/// use baton::saga::{Event, Runtime, SagaCo, delay};
/// use baton::{Error, EventLoop, Gen};
///
/// let runtime = Runtime::traced();
/// EventLoop::virtual_clock().run(|| {
///     let task = runtime.run("nap", Gen::new(|co: SagaCo<()>| async move { delay(&co, 1_000).await }));
///     task.cancel(Error::msg("bored"));
/// });
/// let kinds: Vec<String> = runtime
///     .trace()
///     .into_iter()
///     .map(|e| match e.event {
///         Event::TaskStarted { name, .. } => format!("started {name}"),
///         Event::EffectStarted { description, .. } => format!("effect {description}"),
///         Event::EffectCancelled(_) => "effect cancelled".into(),
///         Event::TaskSettled(error) => format!("settled {error:?}"),
///         other => format!("{other:?}"),
///     })
///     .collect();
/// assert_eq!(kinds, [
///     "started nap",
///     "effect Delay delay(1000)",
///     "effect cancelled",
///     "settled Some(\"cancelled: bored\")",
/// ]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A task started.
    TaskStarted {
        /// Its name.
        name: String,
        /// How it hangs in the tree.
        link: Link,
        /// The task that forked or called it.
        parent: Option<TaskId>,
    },
    /// A task finished: `None` if it returned, else its error (a
    /// cancellation shows as `cancelled: reason`).
    TaskSettled(Option<String>),
    /// An effect began.
    EffectStarted {
        /// Its number in this runtime.
        effect: u64,
        /// What it is.
        description: Description,
    },
    /// An effect produced its value.
    EffectResolved(u64),
    /// An effect failed.
    EffectRejected(u64, String),
    /// An effect was cancelled before it settled.
    EffectCancelled(u64),
}

/// Records events for a runtime.
#[derive(Default)]
pub(crate) struct Tracer {
    events: Rc<RefCell<Vec<TraceEvent>>>,
    next_effect: Cell<u64>,
}

fn describe_error(error: &Error) -> String {
    if super::Cancelled::is(error) {
        format!("cancelled: {error}")
    } else {
        error.to_string()
    }
}

impl Tracer {
    fn record(events: &RefCell<Vec<TraceEvent>>, task: TaskId, event: Event) {
        events.borrow_mut().push(TraceEvent {
            at: now(),
            task,
            event,
        });
    }

    pub(crate) fn task_started(
        &self,
        task: TaskId,
        name: &str,
        link: Link,
        parent: Option<TaskId>,
    ) {
        let name = name.to_string();
        let event = Event::TaskStarted { name, link, parent };
        Self::record(&self.events, task, event);
    }

    pub(crate) fn task_settled(&self, task: TaskId, error: Option<&Error>) {
        Self::record(
            &self.events,
            task,
            Event::TaskSettled(error.map(describe_error)),
        );
    }

    pub(crate) fn perform(
        &self,
        scope: &Scope,
        description: Description,
        perform: impl FnOnce(&Scope) -> Running,
    ) -> Running {
        let effect = self.next_effect.get() + 1;
        self.next_effect.set(effect);
        let task = scope.task_id();
        let started = Event::EffectStarted {
            effect,
            description,
        };
        Self::record(&self.events, task, started);
        let running = perform(scope);
        if running.is_now() {
            // Settled as it was performed: told at once, and the saga goes
            // on at once, traced or not.
            let event = match running.now_error() {
                None => Event::EffectResolved(effect),
                Some(e) => Event::EffectRejected(effect, describe_error(e)),
            };
            Self::record(&self.events, task, event);
            return running;
        }
        // Whether the effect is over (settled or cancelled), so it ends once.
        let over = Rc::new(Cell::new(false));
        let (events, done) = (self.events.clone(), over.clone());
        let source = running.source;
        let traced = move |settled: Settled| {
            source.subscribe(Settled::call(move |outcome: Result<Value, Error>| {
                if !done.replace(true) {
                    let event = match &outcome {
                        Ok(_) => Event::EffectResolved(effect),
                        Err(e) => Event::EffectRejected(effect, describe_error(e)),
                    };
                    Self::record(&events, task, event);
                }
                settled.deliver(outcome)
            }))
        };
        let events = self.events.clone();
        let inner = running.cancel;
        let cancel = move |reason: &Error| {
            if !over.replace(true) {
                Self::record(&events, task, Event::EffectCancelled(effect));
            }
            if let Some(stop) = inner {
                stop.stop(reason);
            }
        };
        Running {
            source: Source::Typed(Box::new(traced)),
            cancel: Some(Stop::Hook(Box::new(cancel))),
        }
    }

    pub(crate) fn events(&self) -> Vec<TraceEvent> {
        self.events.borrow().clone()
    }
}

/// Renders events as a timeline: one line each, the time, the task
/// (indented by its depth in the tree), and what happened.
///
/// ```
/// use baton::saga::{Runtime, SagaCo, delay, timeline};
/// use baton::{EventLoop, Gen};
///
/// let runtime = Runtime::traced();
/// EventLoop::virtual_clock().run(|| {
///     runtime.run("nap", Gen::new(|co: SagaCo<()>| async move { delay(&co, 20).await }));
/// });
/// let text = timeline(&runtime.trace());
/// let lines: Vec<String> = text.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
/// assert_eq!(lines, [
///     "0ms nap#1 Root task started",
///     "0ms nap#1 ▶ Delay delay(20)",
///     "20ms nap#1 ✔ Delay delay(20)",
///     "20ms nap#1 task done",
/// ]);
/// ```
pub fn timeline(events: &[TraceEvent]) -> String {
    let mut names: HashMap<TaskId, (String, usize)> = HashMap::new();
    let mut effects: HashMap<u64, String> = HashMap::new();
    let mut out = String::new();
    for e in events {
        if let Event::TaskStarted { name, parent, .. } = &e.event {
            let depth = parent.and_then(|p| names.get(&p)).map_or(0, |(_, d)| d + 1);
            names.insert(e.task, (name.clone(), depth));
        }
        let (name, depth) = names.get(&e.task).cloned().unwrap_or_default();
        let what = match &e.event {
            Event::TaskStarted { link, .. } => format!("{link:?} task started"),
            Event::TaskSettled(None) => "task done".to_string(),
            Event::TaskSettled(Some(error)) => format!("task failed: {error}"),
            Event::EffectStarted {
                effect,
                description,
            } => {
                effects.insert(*effect, description.to_string());
                format!("▶ {description}")
            }
            Event::EffectResolved(id) => format!("✔ {}", effects.get(id).map_or("", |s| s)),
            Event::EffectRejected(id, error) => {
                format!("✘ {} — {error}", effects.get(id).map_or("", |s| s))
            }
            Event::EffectCancelled(id) => {
                format!("⊘ {}", effects.get(id).map_or("", |s| s))
            }
        };
        let label = format!("{}{name}{}", "  ".repeat(depth), e.task);
        let _ = writeln!(out, "{:>6}ms  {label:<22} {what}", e.at.as_millis());
    }
    out
}
