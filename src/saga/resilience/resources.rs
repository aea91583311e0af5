//! Resource scopes (seed 003's `managedConnection`, `withResources`,
//! `using`): acquire in order, release in reverse, exactly once, on
//! success, error and cancellation; a release may run effects.

use std::fmt;

use crate::Error;
use crate::generator::Abrupt;
use crate::saga::{Callee, Effect, SagaCo, call};

use super::unwind::{OnFailure, Undo, unwind};

/// The resources a saga holds, released newest first by
/// [`release_all`](Self::release_all).
#[derive(Default)]
pub struct Resources {
    held: Vec<(String, Undo)>,
    on_failure: Option<OnFailure>,
}

impl fmt::Debug for Resources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.held.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Resources").field("held", &names).finish()
    }
}

/// Releases that failed (the others ran), reported when the body itself
/// succeeded.
#[derive(Debug, Clone)]
pub struct ReleaseFailed {
    /// Each failed release and its error.
    pub failed: Vec<(String, Error)>,
}

impl fmt::Display for ReleaseFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("failed to release")?;
        for (i, (name, error)) in self.failed.iter().enumerate() {
            let sep = if i == 0 { " " } else { "; " };
            write!(f, "{sep}`{name}`: {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ReleaseFailed {}

impl Resources {
    /// Holding nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Acquires with `f(arg)`; once it succeeds, holds it under `name`
    /// with `release(resource)` to run on release.
    pub async fn acquire<T, A, C, F>(
        &mut self,
        co: &SagaCo<T>,
        name: impl Into<String>,
        f: F,
        arg: A,
        release: impl FnOnce(C::Output) -> Effect + 'static,
    ) -> Result<C::Output, Abrupt<Error, T>>
    where
        A: fmt::Debug + 'static,
        C: Callee,
        F: FnOnce(A) -> C + 'static,
    {
        let resource = call(co, f, arg).await?;
        let held = resource.clone();
        self.held
            .push((name.into(), Box::new(move || release(held))));
        Ok(resource)
    }

    /// Reports each failed release to `observer(index, name, error)` as it
    /// happens (`index` counts resources from 0 in acquisition order). With
    /// an observer, a failed release is reported there and the body's
    /// outcome stands; without one, [`with_resources`] fails with
    /// [`ReleaseFailed`].
    pub fn on_release_failure(&mut self, observer: impl Fn(usize, &str, &Error) + 'static) {
        self.on_failure = Some(Box::new(observer));
    }

    /// How many resources are held.
    pub fn len(&self) -> usize {
        self.held.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// Releases everything held, newest first; a failing release is
    /// recorded and the rest are still released. Each resource is released
    /// once: it is no longer held afterwards.
    pub async fn release_all<T>(
        &mut self,
        co: &SagaCo<T>,
    ) -> Result<Vec<(String, Error)>, Abrupt<Error, T>> {
        let unwound = unwind(co, &mut self.held, self.on_failure.as_ref()).await?;
        Ok(unwound.failed)
    }
}

/// Runs `body` with a [`Resources`] scope and releases what it acquired
/// whatever happens — success, error or cancellation. If the body
/// succeeded but a release failed, the saga gets [`ReleaseFailed`];
/// otherwise the body's own outcome stands.
///
/// ```
/// use baton::{EventLoop, Gen, Promise};
/// use baton::saga::{SagaCo, call_effect, run_saga, resilience::with_resources};
/// use std::{cell::RefCell, rc::Rc};
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// let p = EventLoop::virtual_clock().run(move || {
///     run_saga(Gen::new(move |co: SagaCo<String>| async move {
///         let close = |l: Rc<RefCell<Vec<String>>>| move |name: String| {
///             call_effect(move |()| { l.borrow_mut().push(format!("close {name}")); Promise::resolve(()) }, ())
///         };
///         with_resources(&co, async |scope| {
///             let db = scope.acquire(&co, "db", |()| Promise::resolve("db".to_string()), (), close(l.clone())).await?;
///             let cache = scope.acquire(&co, "cache", |()| Promise::resolve("cache".to_string()), (), close(l.clone())).await?;
///             Ok(format!("{db}+{cache}"))
///         }).await
///     })).promise()
/// });
/// assert_eq!(p.peek().and_then(Result::ok).as_deref(), Some("db+cache"));
/// assert_eq!(*log.borrow(), ["close cache", "close db"]);
/// ```
pub async fn with_resources<T, U>(
    co: &SagaCo<T>,
    body: impl AsyncFnOnce(&mut Resources) -> Result<U, Abrupt<Error, T>>,
) -> Result<U, Abrupt<Error, T>> {
    let mut scope = Resources::new();
    let outcome = body(&mut scope).await;
    let failed = scope.release_all(co).await?;
    let reported = scope.on_failure.is_some();
    match outcome {
        Ok(_) if !failed.is_empty() && !reported => {
            Err(Abrupt::Throw(Error::new(ReleaseFailed { failed })))
        }
        outcome => outcome,
    }
}

/// `using(resource, body)`: acquires one resource with `f(arg)`, runs
/// `body` with it, and releases it with `dispose` whatever happens.
pub async fn using<T, U, A, C, F>(
    co: &SagaCo<T>,
    f: F,
    arg: A,
    dispose: impl FnOnce(C::Output) -> Effect + 'static,
    body: impl AsyncFnOnce(&C::Output) -> Result<U, Abrupt<Error, T>>,
) -> Result<U, Abrupt<Error, T>>
where
    A: fmt::Debug + 'static,
    C: Callee,
    F: FnOnce(A) -> C + 'static,
{
    with_resources(co, async |scope| {
        let resource = scope.acquire(co, "resource", f, arg, dispose).await?;
        body(&resource).await
    })
    .await
}
