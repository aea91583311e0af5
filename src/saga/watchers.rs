//! Watchers built from take, fork, cancel, race and channels: what to do
//! when actions arrive faster than the work they start.

use super::channel::{Buffer, action_channel, take_from};
use super::race::{Won, race2};
use super::store::{Action, Pattern, take, take_effect};
use super::tree::{cancel, fork};
use super::{BoxSaga, Saga, SagaCo, call, delay, delay_effect};
use crate::{Error, Gen};

/// What a watcher starts for each action it lets through: a function from
/// the action to a saga.
///
/// ```
/// use baton::saga::{Action, Saga, SagaCo, Worker};
/// use baton::Gen;
///
/// #[derive(Clone, Debug)]
/// struct Save(u32);
/// impl Action for Save {
///     fn action_type(&self) -> &str { "SAVE" }
/// }
/// // Any `Fn(action) -> saga` that can be cloned is a worker.
/// fn saver(Save(id): Save) -> impl Saga<Output = ()> {
///     Gen::new(move |_co: SagaCo<()>| async move {
///         let _ = id;
///         Ok(())
///     })
/// }
/// fn takes_a_worker<W: Worker<Save>>(_w: W) {}
/// takes_a_worker(saver);
/// ```
pub trait Worker<A>: Fn(A) -> Self::Job + Clone + 'static {
    /// The saga the worker returns.
    type Job: Saga;
}

impl<A, G: Saga, W: Fn(A) -> G + Clone + 'static> Worker<A> for W {
    type Job = G;
}

/// `takeEvery(pattern, worker)`: forks a worker for every matching action;
/// workers run concurrently.
///
/// ```
/// use baton::saga::{Action, Runtime, SagaCo, Store, delay, take_every};
/// use baton::{EventLoop, Gen, now, set_timeout};
/// use std::{cell::RefCell, rc::Rc, time::Duration};
///
/// #[derive(Clone, Debug)]
/// struct Ping(u32);
/// impl Action for Ping {
///     fn action_type(&self) -> &str { "PING" }
/// }
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// EventLoop::virtual_clock().run(move || {
///     let store = Store::new((), |_: &mut (), _: &Ping| {});
///     let runtime = Runtime::new().with_store(&store);
///     let worker = move |Ping(n): Ping| {
///         let l = l.clone();
///         Gen::new(move |co: SagaCo<()>| async move {
///             delay(&co, 100).await?;
///             l.borrow_mut().push(format!("{n} done at {:?}", now()));
///             Ok(())
///         })
///     };
///     let watcher = runtime.run("every", take_every("PING", worker));
///     for (ms, n) in [(5, 1), (10, 2)] {
///         let s = store.clone();
///         set_timeout(move || s.dispatch(Ping(n)), Duration::from_millis(ms));
///     }
///     set_timeout(move || watcher.cancel(baton::Error::msg("done")), Duration::from_millis(500));
/// });
/// // Both ran, concurrently.
/// assert_eq!(*log.borrow(), ["1 done at 105ms", "2 done at 110ms"]);
/// ```
pub fn take_every<A: Action>(
    pattern: impl Into<Pattern<A>>,
    worker: impl Worker<A>,
) -> BoxSaga<()> {
    let pattern = pattern.into();
    Gen::new(move |co: SagaCo<()>| async move {
        loop {
            let action: A = take(&co, pattern.clone()).await?;
            fork(&co, worker.clone(), action).await?;
        }
    })
    .boxed()
}

/// `takeLatest(pattern, worker)`: forks a worker for every matching action
/// and cancels the previous one if it is still running.
///
/// ```
/// use baton::saga::{Action, Runtime, SagaCo, Store, delay, take_latest};
/// use baton::{EventLoop, Gen, now, set_timeout};
/// use std::{cell::RefCell, rc::Rc, time::Duration};
///
/// #[derive(Clone, Debug)]
/// struct Search(&'static str);
/// impl Action for Search {
///     fn action_type(&self) -> &str { "SEARCH" }
/// }
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// EventLoop::virtual_clock().run(move || {
///     let store = Store::new((), |_: &mut (), _: &Search| {});
///     let runtime = Runtime::new().with_store(&store);
///     let worker = move |Search(q): Search| {
///         let l = l.clone();
///         Gen::new(move |co: SagaCo<()>| async move {
///             delay(&co, 100).await?;
///             l.borrow_mut().push(format!("results for {q} at {:?}", now()));
///             Ok(())
///         })
///     };
///     let watcher = runtime.run("latest", take_latest("SEARCH", worker));
///     for (ms, q) in [(5, "r"), (30, "ru"), (60, "rust")] {
///         let s = store.clone();
///         set_timeout(move || s.dispatch(Search(q)), Duration::from_millis(ms));
///     }
///     set_timeout(move || watcher.cancel(baton::Error::msg("done")), Duration::from_millis(500));
/// });
/// // The earlier searches were cancelled by the newer ones.
/// assert_eq!(*log.borrow(), ["results for rust at 160ms"]);
/// ```
pub fn take_latest<A: Action, W: Worker<A>>(
    pattern: impl Into<Pattern<A>>,
    worker: W,
) -> BoxSaga<()> {
    let pattern = pattern.into();
    Gen::new(move |co: SagaCo<()>| async move {
        let mut last = None;
        loop {
            let action: A = take(&co, pattern.clone()).await?;
            if let Some(previous) = last
                .take()
                .filter(super::Task::<<W::Job as Saga>::Output>::is_running)
            {
                cancel(&co, &previous, Error::msg("superseded by a newer action")).await?;
            }
            last = Some(fork(&co, worker.clone(), action).await?);
        }
    })
    .boxed()
}

/// `takeLeading(pattern, worker)`: runs one worker at a time; actions that
/// arrive while it runs are ignored.
///
/// ```
/// use baton::saga::{Action, Runtime, SagaCo, Store, delay, take_leading};
/// use baton::{EventLoop, Gen, now, set_timeout};
/// use std::{cell::RefCell, rc::Rc, time::Duration};
///
/// #[derive(Clone, Debug)]
/// struct Submit(u32);
/// impl Action for Submit {
///     fn action_type(&self) -> &str { "SUBMIT" }
/// }
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// EventLoop::virtual_clock().run(move || {
///     let store = Store::new((), |_: &mut (), _: &Submit| {});
///     let runtime = Runtime::new().with_store(&store);
///     let worker = move |Submit(n): Submit| {
///         let l = l.clone();
///         Gen::new(move |co: SagaCo<()>| async move {
///             delay(&co, 100).await?;
///             l.borrow_mut().push(format!("submitted {n} at {:?}", now()));
///             Ok(())
///         })
///     };
///     let watcher = runtime.run("leading", take_leading("SUBMIT", worker));
///     for (ms, n) in [(5, 1), (50, 2), (150, 3)] {
///         let s = store.clone();
///         set_timeout(move || s.dispatch(Submit(n)), Duration::from_millis(ms));
///     }
///     set_timeout(move || watcher.cancel(baton::Error::msg("done")), Duration::from_millis(500));
/// });
/// // The double click (2) arrived while 1 was running, and was ignored.
/// assert_eq!(*log.borrow(), ["submitted 1 at 105ms", "submitted 3 at 250ms"]);
/// ```
pub fn take_leading<A: Action>(
    pattern: impl Into<Pattern<A>>,
    worker: impl Worker<A>,
) -> BoxSaga<()> {
    let pattern = pattern.into();
    Gen::new(move |co: SagaCo<()>| async move {
        loop {
            let action: A = take(&co, pattern.clone()).await?;
            call(&co, worker.clone(), action).await?;
        }
    })
    .boxed()
}

/// `debounce(ms, pattern, worker)`: forks a worker for an action only once
/// `ms` have passed without another matching action (the latest wins).
///
/// ```
/// use baton::saga::{Action, Runtime, SagaCo, Store, debounce};
/// use baton::{EventLoop, Gen, now, set_timeout};
/// use std::{cell::RefCell, rc::Rc, time::Duration};
///
/// #[derive(Clone, Debug)]
/// struct Typed(&'static str);
/// impl Action for Typed {
///     fn action_type(&self) -> &str { "TYPED" }
/// }
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// EventLoop::virtual_clock().run(move || {
///     let store = Store::new((), |_: &mut (), _: &Typed| {});
///     let runtime = Runtime::new().with_store(&store);
///     let worker = move |Typed(text): Typed| {
///         let l = l.clone();
///         Gen::new(move |_co: SagaCo<()>| async move {
///             l.borrow_mut().push(format!("save {text:?} at {:?}", now()));
///             Ok(())
///         })
///     };
///     let watcher = runtime.run("autosave", debounce(200, "TYPED", worker));
///     for (ms, text) in [(5, "h"), (100, "he"), (150, "hey")] {
///         let s = store.clone();
///         set_timeout(move || s.dispatch(Typed(text)), Duration::from_millis(ms));
///     }
///     set_timeout(move || watcher.cancel(baton::Error::msg("done")), Duration::from_millis(1_000));
/// });
/// // Saved once, 200 ms after the last keystroke, with the latest text.
/// assert_eq!(*log.borrow(), ["save \"hey\" at 350ms"]);
/// ```
pub fn debounce<A: Action>(
    ms: u64,
    pattern: impl Into<Pattern<A>>,
    worker: impl Worker<A>,
) -> BoxSaga<()> {
    let pattern = pattern.into();
    Gen::new(move |co: SagaCo<()>| async move {
        loop {
            let mut action: A = take(&co, pattern.clone()).await?;
            loop {
                let quiet = ("quiet", delay_effect(ms));
                let another = ("action", take_effect(pattern.clone()));
                match race2::<_, (), A>(&co, quiet, another).await? {
                    Won::First(()) => break,
                    Won::Second(latest) => action = latest,
                }
            }
            fork(&co, worker.clone(), action).await?;
        }
    })
    .boxed()
}

/// `throttle(ms, pattern, worker)`: forks a worker for an action, then lets
/// none through for `ms`; the latest action of that window is kept (a
/// sliding buffer of one) and handled after it.
///
/// ```
/// use baton::saga::{Action, Runtime, SagaCo, Store, throttle};
/// use baton::{EventLoop, Gen, now, set_timeout};
/// use std::{cell::RefCell, rc::Rc, time::Duration};
///
/// #[derive(Clone, Debug)]
/// struct Scroll(u32);
/// impl Action for Scroll {
///     fn action_type(&self) -> &str { "SCROLL" }
/// }
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// EventLoop::virtual_clock().run(move || {
///     let store = Store::new((), |_: &mut (), _: &Scroll| {});
///     let runtime = Runtime::new().with_store(&store);
///     let worker = move |Scroll(y): Scroll| {
///         let l = l.clone();
///         Gen::new(move |_co: SagaCo<()>| async move {
///             l.borrow_mut().push(format!("y={y} at {:?}", now()));
///             Ok(())
///         })
///     };
///     let watcher = runtime.run("scroll", throttle(100, "SCROLL", worker));
///     for ms in [5, 25, 45, 125] {
///         let s = store.clone();
///         set_timeout(move || s.dispatch(Scroll(ms as u32)), Duration::from_millis(ms));
///     }
///     set_timeout(move || watcher.cancel(baton::Error::msg("done")), Duration::from_millis(1_000));
/// });
/// // One per 100 ms window: the first at once, then the latest of each
/// // window (25 was replaced by 45 while waiting).
/// assert_eq!(*log.borrow(), ["y=5 at 5ms", "y=45 at 105ms", "y=125 at 205ms"]);
/// ```
pub fn throttle<A: Action>(
    ms: u64,
    pattern: impl Into<Pattern<A>>,
    worker: impl Worker<A>,
) -> BoxSaga<()> {
    let pattern = pattern.into();
    Gen::new(move |co: SagaCo<()>| async move {
        let actions = action_channel(&co, pattern, Buffer::Sliding(1)).await?;
        let outcome = async {
            while let Some(action) = take_from(&co, &actions).await? {
                fork(&co, worker.clone(), action).await?;
                delay(&co, ms).await?;
            }
            Ok(())
        }
        .await;
        actions.close();
        outcome
    })
    .boxed()
}
