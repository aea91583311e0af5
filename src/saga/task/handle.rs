//! A saga's handle: its result as a promise, its cancellation.

use std::fmt;
use std::rc::Rc;

use super::{Env, Halt, Node, TaskId};
use crate::promise::Awaiting;
use crate::runner::CancellationToken;
use crate::{Error, Promise};

/// A running (or finished) saga: its result, and how to cancel it.
///
/// Awaiting a task (or its [`promise`](Task::promise)) gives the saga's
/// return value; a cancelled task rejects with
/// [`Cancelled`](super::Cancelled), which is never reported as an
/// unhandled rejection (the cancellation was asked for).
///
/// ```
/// use baton::saga::{SagaCo, delay, run_saga};
/// use baton::{EventLoop, Gen};
///
/// let out = EventLoop::virtual_clock().block_on(async {
///     let task = run_saga(Gen::new(|co: SagaCo<u32>| async move {
///         delay(&co, 100).await?;
///         Ok(5)
///     }));
///     let value = task.clone().await?; // a task is awaitable
///     Ok::<_, baton::Error>((value, task.is_running()))
/// });
/// assert_eq!(out.ok(), Some((5, false)));
/// ```
pub struct Task<T> {
    node: Rc<dyn Node>,
    promise: Promise<T, Error>,
}

impl<T> Clone for Task<T> {
    fn clone(&self) -> Self {
        Task {
            node: self.node.clone(),
            promise: self.promise.clone(),
        }
    }
}

impl<T> fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let core = self.node.core();
        f.debug_struct("Task")
            .field("id", &core.id)
            .field("name", &self.node.name())
            .field("running", &!self.node.is_settled())
            .finish()
    }
}

impl<T> Task<T> {
    pub(crate) fn from_parts(node: Rc<dyn Node>, promise: Promise<T, Error>) -> Self {
        Task { node, promise }
    }
}

impl<T: Clone + 'static> Task<T> {
    /// The task's number.
    ///
    /// ```
    /// use baton::saga::{Runtime, SagaCo};
    /// use baton::{EventLoop, Gen};
    ///
    /// EventLoop::virtual_clock().run(|| {
    ///     let task = Runtime::new().run("first", Gen::new(|_co: SagaCo<()>| async move { Ok(()) }));
    ///     assert_eq!(task.id().to_string(), "#1");
    /// });
    /// ```
    pub fn id(&self) -> TaskId {
        self.node.core().id
    }

    /// The task's name: the saga function's, or the one it was run under.
    ///
    /// ```
    /// use baton::saga::{Runtime, SagaCo};
    /// use baton::{EventLoop, Gen};
    ///
    /// EventLoop::virtual_clock().run(|| {
    ///     let task = Runtime::new().run("sync contacts", Gen::new(|_co: SagaCo<()>| async move { Ok(()) }));
    ///     assert_eq!(task.name(), "sync contacts");
    /// });
    /// ```
    pub fn name(&self) -> &str {
        self.node.name()
    }

    /// The runtime the task belongs to.
    pub(crate) fn env(&self) -> Rc<Env> {
        self.node.core().env.clone()
    }

    /// The promise of the saga's return value.
    ///
    /// ```
    /// use baton::saga::{SagaCo, run_saga};
    /// use baton::{EventLoop, Gen};
    ///
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     run_saga(Gen::new(|_co: SagaCo<&str>| async move { Ok("done") }))
    ///         .promise()
    ///         .map(|s| s.len())
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok), Some(4));
    /// ```
    pub fn promise(&self) -> Promise<T, Error> {
        self.promise.clone()
    }

    /// Whether the task has not finished yet.
    ///
    /// ```
    /// use baton::saga::{SagaCo, delay, run_saga};
    /// use baton::{EventLoop, Gen, set_timeout};
    /// use std::{cell::RefCell, rc::Rc, time::Duration};
    ///
    /// let seen = Rc::new(RefCell::new(Vec::new()));
    /// let s = seen.clone();
    /// EventLoop::virtual_clock().run(move || {
    ///     let task = run_saga(Gen::new(|co: SagaCo<()>| async move { delay(&co, 10).await }));
    ///     s.borrow_mut().push(task.is_running());
    ///     set_timeout(move || s.borrow_mut().push(task.is_running()), Duration::from_millis(20));
    /// });
    /// assert_eq!(*seen.borrow(), [true, false]);
    /// ```
    pub fn is_running(&self) -> bool {
        !self.node.is_settled()
    }

    /// Whether the task was cancelled.
    ///
    /// ```
    /// use baton::saga::{SagaCo, delay, run_saga};
    /// use baton::{Error, EventLoop, Gen};
    ///
    /// EventLoop::virtual_clock().run(|| {
    ///     let task = run_saga(Gen::new(|co: SagaCo<()>| async move { delay(&co, 10).await }));
    ///     assert!(!task.is_cancelled());
    ///     task.cancel(Error::msg("no"));
    ///     assert!(task.is_cancelled());
    /// });
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.node.core().is_cancelled()
    }

    /// Cancels the task and, first, its attached children; each cleanup
    /// runs once. Cancelling a finished task does nothing. Does not wait:
    /// the promise rejects with [`Cancelled`](super::Cancelled) once the
    /// cleanup is over.
    ///
    /// ```
    /// use baton::saga::{Cancelled, SagaCo, delay, run_saga};
    /// use baton::{Error, EventLoop, Gen};
    ///
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     let task = run_saga(Gen::new(|co: SagaCo<()>| async move { delay(&co, 60_000).await }));
    ///     task.cancel(Error::msg("user closed the tab"));
    ///     task.cancel(Error::msg("ignored: already cancelled"));
    ///     task.promise()
    /// });
    /// let error = p.peek().and_then(Result::err).expect("rejected");
    /// assert!(Cancelled::is(&error));
    /// assert_eq!(error.to_string(), "user closed the tab");
    /// ```
    pub fn cancel(&self, reason: Error) {
        self.node.clone().halt(Halt::Cancel(reason));
    }

    /// Cancels the task when `token` is cancelled (seed 003's
    /// `runCancellable`), with the token's reason. The token's listener is
    /// removed when the task settles, so a token that outlives its tasks
    /// (a server's shutdown token) keeps none of them.
    ///
    /// ```
    /// use baton::runner::CancellationToken;
    /// use baton::saga::{SagaCo, delay, run_saga};
    /// use baton::{Error, EventLoop, Gen, set_timeout};
    /// use std::time::Duration;
    ///
    /// let token = CancellationToken::new();
    /// let t = token.clone();
    /// let p = EventLoop::virtual_clock().run(move || {
    ///     let task = run_saga(Gen::new(|co: SagaCo<()>| async move { delay(&co, 60_000).await }));
    ///     task.cancel_on(&t);
    ///     set_timeout(move || t.cancel(Error::msg("shutdown")), Duration::from_millis(5));
    ///     task.promise()
    /// });
    /// assert_eq!(p.peek().and_then(Result::err).map(|e| e.to_string()).as_deref(), Some("shutdown"));
    /// assert!(token.is_cancelled());
    /// ```
    pub fn cancel_on(&self, token: &CancellationToken) {
        if self.node.is_settled() {
            return;
        }
        let node = self.node.clone();
        let listening = token.listen(move |reason| node.halt(Halt::Cancel(reason.clone())));
        if token.is_cancelled() {
            return; // heard at once
        }
        let core = self.node.core();
        core.env
            .leftovers
            .borrow_mut()
            .entry(core.id)
            .or_default()
            .listening
            .push(listening);
    }
}

impl<T: Clone + 'static> IntoFuture for Task<T> {
    type Output = Result<T, Error>;
    type IntoFuture = Awaiting<T, Error>;

    fn into_future(self) -> Awaiting<T, Error> {
        self.promise.into_future()
    }
}
