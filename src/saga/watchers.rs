//! Watchers built from take, fork, cancel, race and channels: what to do
//! when actions arrive faster than the work they start.

use super::channel::{Buffer, action_channel, take_from};
use super::combinators::race_effect;
use super::effect::{Kind, Value, downcast};
use super::store::{Action, Pattern, take, take_effect};
use super::tree::{cancel, fork};
use super::{BoxSaga, Saga, SagaCo, call, delay, delay_effect};
use crate::generator::Abrupt;
use crate::{Error, Gen};

/// What a watcher starts for each action it lets through: a function from
/// the action to a saga.
pub trait Worker<A>: Fn(A) -> Self::Job + Clone + 'static {
    /// The saga the worker returns.
    type Job: Saga;
}

impl<A, G: Saga, W: Fn(A) -> G + Clone + 'static> Worker<A> for W {
    type Job = G;
}

/// `takeEvery(pattern, worker)`: forks a worker for every matching action;
/// workers run concurrently.
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
                let quiet = race_effect(vec![
                    ("quiet", delay_effect(ms)),
                    ("action", take_effect(pattern.clone())),
                ]);
                let won = co.yield_(quiet).await?;
                let (key, value): (&str, Value) =
                    downcast(&won, Kind::Race, "race").map_err(Abrupt::Throw)?;
                if key == "quiet" {
                    break;
                }
                action = downcast(&value, Kind::Take, "take").map_err(Abrupt::Throw)?;
            }
            fork(&co, worker.clone(), action).await?;
        }
    })
    .boxed()
}

/// `throttle(ms, pattern, worker)`: forks a worker for an action, then lets
/// none through for `ms`; the latest action of that window is kept (a
/// sliding buffer of one) and handled after it.
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
