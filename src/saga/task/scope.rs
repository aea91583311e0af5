//! The scope an effect is performed in: its task, and through it the
//! runtime's services, context and trace.

use std::fmt;
use std::rc::Rc;

use super::{Halt, Interceptor, Link, Node, Task, TaskId};
use crate::Error;
use crate::saga::Saga;
use crate::saga::effect::Name;
use crate::saga::trace::Tracer;

/// Where an effect is performed: the task running it.
///
/// ```
/// use baton::saga::{Effect, Kind, Running, SagaCo, Value, run_saga};
/// use baton::{EventLoop, Gen, Promise};
/// use std::rc::Rc;
///
/// // A custom effect that reads which task performs it.
/// fn whoami() -> Effect {
///     Effect::custom_with(Kind::Custom, "whoami", "", |scope| {
///         Running::new(Promise::resolve(Rc::new(scope.task_id().to_string()) as Value))
///     })
/// }
/// let saga = Gen::new(|co: SagaCo<String>| async move {
///     let me = co.yield_(whoami()).await?;
///     Ok(me.downcast_ref::<String>().cloned().unwrap_or_default())
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert!(p.peek().and_then(Result::ok).is_some_and(|id| id.starts_with('#')));
/// ```
#[derive(Clone)]
pub struct Scope {
    pub(in crate::saga) node: Rc<dyn Node>,
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scope({} {})", self.node.name(), self.node.core().id)
    }
}

impl Scope {
    /// The task performing the effect.
    ///
    /// ```
    /// use baton::saga::{Effect, Kind, Running, Runtime, SagaCo, Value};
    /// use baton::{EventLoop, Gen, Promise};
    /// use std::rc::Rc;
    ///
    /// let whoami = || Effect::custom_with(Kind::Custom, "whoami", "", |scope| {
    ///     Running::new(Promise::resolve(Rc::new(scope.task_id()) as Value))
    /// });
    /// let (same, task_id) = EventLoop::virtual_clock().run(move || {
    ///     let task = Runtime::new().run("me", Gen::new(move |co: SagaCo<bool>| async move {
    ///         let id = co.yield_(whoami()).await?;
    ///         Ok(id.downcast_ref::<baton::saga::TaskId>().is_some())
    ///     }));
    ///     (task.promise(), task.id())
    /// });
    /// assert_eq!(same.peek().and_then(Result::ok), Some(true));
    /// assert_eq!(task_id.to_string(), "#1");
    /// ```
    pub fn task_id(&self) -> TaskId {
        self.node.core().id
    }

    /// Whether the task's body is being stopped (redux-saga's
    /// `cancelled()`): it was cancelled, or an attached child's error
    /// aborts it, which cancels its body too in redux-saga. A body that
    /// fails by itself is not stopped: its own `finally` runs first, as the
    /// error leaves it.
    ///
    /// ```
    /// use baton::saga::{Effect, Kind, Running, SagaCo, Value, run_saga};
    /// use baton::{Abrupt, Error, EventLoop, Gen, Promise};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// let seen = Rc::new(RefCell::new(Vec::new()));
    /// let s = seen.clone();
    /// let probe = move || {
    ///     let s = s.clone();
    ///     Effect::custom_with(Kind::Custom, "probe", "", move |scope| {
    ///         s.borrow_mut().push(scope.is_cancelled());
    ///         Running::new(Promise::resolve(Rc::new(()) as Value))
    ///     })
    /// };
    /// EventLoop::virtual_clock().run(move || {
    ///     let task = run_saga(Gen::new(move |co: SagaCo<()>| async move {
    ///         co.yield_(probe()).await?; // not cancelled
    ///         let waited = co.yield_(Effect::custom("forever", "", || Promise::with_resolver().0)).await;
    ///         if let Err(Abrupt::Return(_)) = waited {
    ///             co.yield_(probe()).await?; // in cleanup, after a cancel
    ///         }
    ///         waited.map(drop)
    ///     }));
    ///     baton::queue_microtask(move || task.cancel(Error::msg("stop")));
    /// });
    /// assert_eq!(*seen.borrow(), [false, true]);
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.node.core().is_halted()
    }

    /// The task enters an uninterruptible region; whether it was in one.
    pub(crate) fn shield(&self) -> bool {
        self.node.core().shield()
    }

    /// The task leaves its outermost uninterruptible region: a halt that
    /// came meanwhile takes effect now. Whether one did.
    pub(crate) fn unshield(&self) -> bool {
        let core = self.node.core();
        core.unshield();
        match core.env.take_deferred(core.id) {
            Some(why) => {
                self.node.clone().halt(why);
                true
            }
            None => false,
        }
    }

    /// Cancels the task performing the effect.
    ///
    /// ```
    /// use baton::saga::{Cancelled, Effect, Kind, Running, SagaCo, run_saga};
    /// use baton::{Error, EventLoop, Gen, Promise};
    ///
    /// // An effect that cancels the saga performing it when its input is bad.
    /// fn validate(input: i32) -> Effect {
    ///     Effect::custom_with(Kind::Custom, "validate", input.to_string(), move |scope| {
    ///         if input < 0 {
    ///             scope.cancel(Error::msg("negative input"));
    ///         }
    ///         Running::of(Promise::<i32>::resolve(input))
    ///     })
    /// }
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     run_saga(Gen::new(|co: SagaCo<()>| async move {
    ///         co.yield_(validate(-1)).await?;
    ///         Ok(())
    ///     }))
    ///     .promise()
    /// });
    /// let error = p.peek().and_then(Result::err).expect("cancelled");
    /// assert!(Cancelled::is(&error));
    /// assert_eq!(error.to_string(), "negative input");
    /// ```
    pub fn cancel(&self, reason: Error) {
        self.node.clone().halt(Halt::Cancel(reason));
    }

    /// Starts `saga` as a child of this task.
    ///
    /// ```
    /// use baton::saga::{Effect, Kind, Link, Running, SagaCo, delay, run_saga};
    /// use baton::{EventLoop, Gen, now};
    /// use std::time::Duration;
    ///
    /// // A custom effect that forks a named helper and resumes with its result.
    /// fn with_helper() -> Effect {
    ///     Effect::custom_with(Kind::Custom, "with_helper", "", |scope| {
    ///         let helper = scope.start("helper", Link::Forked, Gen::new(|co: SagaCo<u32>| async move {
    ///             delay(&co, 25).await?;
    ///             Ok(7)
    ///         }));
    ///         Running::of(helper.promise())
    ///     })
    /// }
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     run_saga(Gen::new(|co: SagaCo<(u32, Duration)>| async move {
    ///         let v = co.yield_(with_helper()).await?;
    ///         Ok((*v.downcast_ref::<u32>().unwrap_or(&0), now()))
    ///     }))
    ///     .promise()
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok), Some((7, Duration::from_millis(25))));
    /// ```
    pub fn start<G>(&self, name: impl Into<String>, link: Link, saga: G) -> Task<G::Return>
    where
        G: Saga,
    {
        self.start_named(name.into().into_boxed_str(), link, saga)
    }

    pub(crate) fn start_named<G, N>(&self, name: N, link: Link, saga: G) -> Task<G::Return>
    where
        G: Saga,
        N: Name + 'static,
    {
        let parent = matches!(link, Link::Forked | Link::Called).then(|| self.node.clone());
        let from = Some(self.node.core().id);
        crate::saga::driver::start(self.node.core().env.clone(), name, link, parent, from, saga)
    }

    /// `read(contexts, task)` on the runtime's contexts and this task's id;
    /// `None` when contexts are off.
    pub(crate) fn context<R>(
        &self,
        read: impl FnOnce(&crate::saga::context::Contexts, TaskId) -> R,
    ) -> Option<R> {
        let core = self.node.core();
        core.env
            .contexts
            .get()
            .map(|contexts| read(contexts, core.id))
    }

    pub(crate) fn service<X: 'static>(&self) -> Option<Rc<X>> {
        crate::saga::store::find(&self.node.core().env.services)
    }

    /// Whether effects run as they are: no test answers them, no tracer
    /// records them.
    #[inline]
    pub(crate) fn is_plain(&self) -> bool {
        let env = &self.node.core().env;
        env.tracer.is_none() && env.interceptor.borrow().is_none()
    }

    pub(crate) fn interceptor(&self) -> Option<Interceptor> {
        self.node.core().env.interceptor.borrow().clone()
    }

    pub(crate) fn tracer(&self) -> Option<&Tracer> {
        self.node.core().env.tracer.as_ref()
    }
}
