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
///
/// ```
/// use baton::saga::resilience::Resources;
/// use baton::saga::{SagaCo, call_effect, run_saga};
/// use baton::{EventLoop, Gen, Promise};
/// use std::{cell::RefCell, rc::Rc};
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// EventLoop::virtual_clock().run(move || {
///     run_saga(Gen::new(move |co: SagaCo<()>| async move {
///         let mut held = Resources::new();
///         for name in ["socket", "file"] {
///             let l = l.clone();
///             let close = move |_: String| call_effect(move |()| { l.borrow_mut().push(format!("close {name}")); Promise::resolve(()) }, ());
///             held.acquire(&co, name, |n: &'static str| Promise::resolve(n.to_string()), name, close).await?;
///         }
///         held.release_all(&co).await?;
///         Ok(())
///     }));
/// });
/// assert_eq!(*log.borrow(), ["close file", "close socket"]);
/// ```
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
///
/// ```
/// use baton::saga::resilience::{ReleaseFailed, with_resources};
/// use baton::saga::{SagaCo, call_effect, run_saga};
/// use baton::{Error, EventLoop, Gen, Promise};
///
/// let p = EventLoop::virtual_clock().run(|| {
///     run_saga(Gen::new(|co: SagaCo<()>| async move {
///         with_resources(&co, async |scope| {
///             let stuck = |_: ()| call_effect(|()| Promise::<()>::reject(Error::msg("busy")), ());
///             scope.acquire(&co, "lock", |()| Promise::resolve(()), (), stuck).await?;
///             Ok(())
///         })
///         .await
///     }))
///     .promise()
/// });
/// let error = p.peek().and_then(Result::err).expect("a release failed");
/// let failed = error.downcast_ref::<ReleaseFailed>().expect("ReleaseFailed");
/// assert_eq!(failed.failed[0].0, "lock");
/// ```
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
    ///
    /// ```
    /// use baton::saga::resilience::Resources;
    ///
    /// let held = Resources::new();
    /// assert!(held.is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Acquires with `f(arg)`; once it succeeds, holds it under `name`
    /// with `release(resource)` to run on release.
    ///
    /// # Errors
    ///
    /// `Err(Abrupt::Throw(e))` when `f` fails with `e` (nothing is held);
    /// `Err(Abrupt::Return(_))` if the saga is cancelled while it waits (see
    /// [errors of an effect](crate::saga#errors-of-an-effect)).
    ///
    /// ```
    /// use baton::saga::resilience::Resources;
    /// use baton::saga::{SagaCo, call_effect, run_saga};
    /// use baton::{EventLoop, Gen, Promise};
    ///
    /// fn open(path: &'static str) -> Promise<u32> { Promise::resolve(path.len() as u32) }
    /// fn close(fd: u32) -> Promise<()> { let _ = fd; Promise::resolve(()) }
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     run_saga(Gen::new(|co: SagaCo<(u32, usize)>| async move {
    ///         let mut held = Resources::new();
    ///         let fd = held.acquire(&co, "log file", open, "/var/log/app", |fd| call_effect(close, fd)).await?;
    ///         let count = held.len();
    ///         held.release_all(&co).await?;
    ///         Ok((fd, count))
    ///     }))
    ///     .promise()
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok), Some((12, 1)));
    /// ```
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
    ///
    /// ```
    /// use baton::saga::resilience::with_resources;
    /// use baton::saga::{SagaCo, call_effect, run_saga};
    /// use baton::{Error, EventLoop, Gen, Promise};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// let seen = Rc::new(RefCell::new(Vec::new()));
    /// let s = seen.clone();
    /// let p = EventLoop::virtual_clock().run(move || {
    ///     run_saga(Gen::new(move |co: SagaCo<u8>| async move {
    ///         with_resources(&co, async |scope| {
    ///             scope.on_release_failure(move |i, name, e| s.borrow_mut().push(format!("{i} {name}: {e}")));
    ///             let stuck = |_: ()| call_effect(|()| Promise::<()>::reject(Error::msg("busy")), ());
    ///             scope.acquire(&co, "lock", |()| Promise::resolve(()), (), stuck).await?;
    ///             Ok(7)
    ///         })
    ///         .await
    ///     }))
    ///     .promise()
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok), Some(7)); // observed, so the body's outcome stands
    /// assert_eq!(*seen.borrow(), ["0 lock: busy"]);
    /// ```
    pub fn on_release_failure(&mut self, observer: impl Fn(usize, &str, &Error) + 'static) {
        self.on_failure = Some(Box::new(observer));
    }

    /// How many resources are held.
    ///
    /// ```
    /// use baton::saga::resilience::Resources;
    ///
    /// assert_eq!(Resources::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.held.len()
    }

    /// Whether nothing is held.
    ///
    /// ```
    /// use baton::saga::resilience::Resources;
    ///
    /// assert!(Resources::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// Releases everything held, newest first; a failing release is
    /// recorded and the rest are still released. Each resource is released
    /// once: it is no longer held afterwards.
    ///
    /// # Errors
    ///
    /// Only `Err(Abrupt::Return(_))`, if the saga is cancelled meanwhile: a
    /// failing release is listed in the result, not thrown.
    ///
    /// ```
    /// use baton::saga::resilience::Resources;
    /// use baton::saga::{SagaCo, call_effect, run_saga};
    /// use baton::{EventLoop, Gen, Promise};
    /// use std::{cell::Cell, rc::Rc};
    ///
    /// let releases = Rc::new(Cell::new(0));
    /// let r = releases.clone();
    /// EventLoop::virtual_clock().run(move || {
    ///     run_saga(Gen::new(move |co: SagaCo<()>| async move {
    ///         let mut held = Resources::new();
    ///         let release = move |_: ()| call_effect(move |()| { r.set(r.get() + 1); Promise::resolve(()) }, ());
    ///         held.acquire(&co, "conn", |()| Promise::resolve(()), (), release).await?;
    ///         held.release_all(&co).await?;
    ///         held.release_all(&co).await?; // nothing left: each is released once
    ///         Ok(())
    ///     }));
    /// });
    /// assert_eq!(releases.get(), 1);
    /// ```
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
/// # Errors
///
/// `body`'s own error, after the releases; or `Err(Abrupt::Throw(_))` with
/// [`ReleaseFailed`] when `body` succeeded and a release failed;
/// `Err(Abrupt::Return(_))` when the saga is cancelled, after the releases.
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
///
/// # Errors
///
/// As [`with_resources`]: `body`'s error or `f`'s, [`ReleaseFailed`] when only
/// `dispose` failed, and `Err(Abrupt::Return(_))` when the saga is cancelled,
/// after disposing.
///
/// ```
/// use baton::saga::resilience::using;
/// use baton::saga::{SagaCo, call_effect, run_saga};
/// use baton::{Abrupt, Error, EventLoop, Gen, Promise};
/// use std::{cell::RefCell, rc::Rc};
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// let p = EventLoop::virtual_clock().run(move || {
///     run_saga(Gen::new(move |co: SagaCo<u32>| async move {
///         let dispose = move |conn: String| call_effect(move |()| { l.borrow_mut().push(format!("closed {conn}")); Promise::resolve(()) }, ());
///         using(&co, |()| Promise::resolve("db#1".to_string()), (), dispose, async |conn| {
///             Err(Abrupt::Throw(Error::msg(format!("query on {conn} failed"))))
///         })
///         .await
///     }))
///     .promise()
/// });
/// assert_eq!(p.peek().and_then(Result::err).map(|e| e.to_string()).as_deref(), Some("query on db#1 failed"));
/// assert_eq!(*log.borrow(), ["closed db#1"]); // released even though the body failed
/// ```
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
