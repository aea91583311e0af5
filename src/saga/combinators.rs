//! `all` and `race`: effects made of effects, with redux-saga's
//! cancellation — a failing part of an `all` cancels the others, a race's
//! losers are cancelled, and cancelling the whole cancels every part.

use std::cell::RefCell;
use std::rc::Rc;

use super::SagaCo;
use super::effect::{CancelHook, Effect, Kind, Running, Value, downcast};
use super::task::Scope;
use crate::generator::Abrupt;
use crate::{Error, Promise};

/// The cancel hooks of the parts still running.
#[derive(Clone)]
struct Parts(Rc<RefCell<Vec<Option<CancelHook>>>>);

impl Parts {
    fn settled(&self, index: usize) {
        if let Some(slot) = self.0.borrow_mut().get_mut(index) {
            slot.take();
        }
    }

    /// Cancels every part still running.
    fn cancel(&self, reason: &Error) {
        let hooks = std::mem::take(&mut *self.0.borrow_mut());
        for hook in hooks.into_iter().flatten() {
            hook(reason);
        }
    }
}

/// Performs `effects` in `scope`: their promises, and their cancel hooks.
fn start(scope: &Scope, effects: Vec<Effect>) -> (Vec<Promise<Value, Error>>, Parts) {
    let (promises, hooks) = effects
        .into_iter()
        .map(|e| {
            let running = e.perform(scope);
            (running.promise, running.cancel)
        })
        .unzip();
    (promises, Parts(Rc::new(RefCell::new(hooks))))
}

fn list(effects: &[Effect]) -> String {
    let parts: Vec<String> = effects.iter().map(|e| e.description.to_string()).collect();
    parts.join(", ")
}

fn keyed_list(effects: &[(&'static str, Effect)]) -> String {
    let parts: Vec<String> = effects
        .iter()
        .map(|(k, e)| format!("{k}: {}", e.description))
        .collect();
    parts.join(", ")
}

/// Runs the parts in parallel; resumes with a `Vec<Value>` in order.
fn perform_all(scope: &Scope, effects: Vec<Effect>) -> Running {
    let (promises, parts) = start(scope, effects);
    let (promise, resolver) = Promise::with_resolver();
    let values = Rc::new(RefCell::new(vec![None; promises.len()]));
    let left = Rc::new(std::cell::Cell::new(promises.len()));
    if promises.is_empty() {
        resolver.resolve(Rc::new(Vec::<Value>::new()) as Value);
    }
    for (index, part) in promises.into_iter().enumerate() {
        let (values, left, parts, resolver) = (
            values.clone(),
            left.clone(),
            parts.clone(),
            resolver.clone(),
        );
        part.subscribe(move |outcome| {
            parts.settled(index);
            match outcome {
                Ok(value) => {
                    values.borrow_mut()[index] = Some(value);
                    left.set(left.get() - 1);
                    if left.get() == 0 {
                        let all: Vec<Value> = values.borrow_mut().drain(..).flatten().collect();
                        resolver.resolve(Rc::new(all) as Value);
                    }
                }
                Err(error) => {
                    parts.cancel(&Error::msg("a sibling effect in all() failed"));
                    resolver.reject(error);
                }
            }
        });
    }
    Running::new(promise).on_cancel(move |reason| parts.cancel(reason))
}

/// The effect of running `effects` in parallel (fail-fast: the first
/// failure cancels the rest); resumes with a `Vec<Value>` in order.
pub fn all_effect(effects: Vec<Effect>) -> Effect {
    let args = list(&effects);
    Effect::new(Kind::All, "all", args, move |scope: &Scope| {
        perform_all(scope, effects)
    })
}

/// `yield all([call(f, a), call(f, b), …])` over effects of one type: the
/// typed results, in order.
pub async fn all<T, U: Clone + 'static>(
    co: &SagaCo<T>,
    effects: Vec<Effect>,
) -> Result<Vec<U>, Abrupt<Error, T>> {
    let effect = all_effect(effects);
    let description = effect.description.clone();
    let value = co.yield_(effect).await?;
    let values: Vec<Value> = downcast(&value, &description).map_err(Abrupt::Throw)?;
    values
        .iter()
        .map(|v| downcast(v, &description).map_err(Abrupt::Throw))
        .collect()
}

/// The effect of `all({ key: effect, … })`: resumes with
/// `Vec<(&str, Value)>` in the given order.
pub fn all_keyed_effect(effects: Vec<(&'static str, Effect)>) -> Effect {
    let args = keyed_list(&effects);
    Effect::new(Kind::All, "all", args, move |scope: &Scope| {
        let (keys, effects): (Vec<_>, Vec<_>) = effects.into_iter().unzip();
        let running = perform_all(scope, effects);
        let promise = running.promise.map(move |values| {
            let values = values
                .downcast_ref::<Vec<Value>>()
                .cloned()
                .unwrap_or_default();
            Rc::new(keys.into_iter().zip(values).collect::<Vec<_>>()) as Value
        });
        Running {
            promise,
            cancel: running.cancel,
        }
    })
}

/// `yield all({ key: effect, … })` over effects of one type: `(key, value)`
/// pairs in the given order.
///
/// ```
/// use baton::{Error, EventLoop, Gen, Promise};
/// use baton::saga::{SagaCo, all_keyed, call_effect, run_saga};
///
/// fn fetch(path: &'static str) -> Promise<usize> { Promise::resolve(path.len()) }
/// let saga = Gen::new(|co: SagaCo<Vec<(&'static str, usize)>>| async move {
///     all_keyed(&co, vec![("user", call_effect(fetch, "/u")), ("posts", call_effect(fetch, "/posts"))]).await
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some(vec![("user", 2), ("posts", 6)]));
/// ```
pub async fn all_keyed<T, U: Clone + 'static>(
    co: &SagaCo<T>,
    effects: Vec<(&'static str, Effect)>,
) -> Result<Vec<(&'static str, U)>, Abrupt<Error, T>> {
    let effect = all_keyed_effect(effects);
    let description = effect.description.clone();
    let value = co.yield_(effect).await?;
    let pairs: Vec<(&'static str, Value)> =
        downcast(&value, &description).map_err(Abrupt::Throw)?;
    pairs
        .iter()
        .map(|(k, v)| Ok((*k, downcast(v, &description).map_err(Abrupt::Throw)?)))
        .collect()
}

/// The effect of racing `effects` (keyed, like seed 003's
/// `race({ data, timeout })`): settles like the first to settle, resuming
/// with `(key, value)`; the losers are cancelled (a losing delay's timer
/// is cleared, a losing saga's cleanup runs).
pub fn race_effect(effects: Vec<(&'static str, Effect)>) -> Effect {
    let args = keyed_list(&effects);
    Effect::new(Kind::Race, "race", args, move |scope: &Scope| {
        let (keys, effects): (Vec<_>, Vec<_>) = effects.into_iter().unzip();
        let (promises, parts) = start(scope, effects);
        let (promise, resolver) = Promise::with_resolver();
        for (index, (key, part)) in keys.into_iter().zip(promises).enumerate() {
            let (parts, resolver) = (parts.clone(), resolver.clone());
            part.subscribe(move |outcome| {
                if !resolver.promise().is_pending() {
                    return;
                }
                parts.settled(index);
                parts.cancel(&Error::msg(format!("lost a race to `{key}`")));
                resolver.resolve_with(outcome.map(|v| Rc::new((key, v)) as Value));
            });
        }
        Running::new(promise).on_cancel(move |reason| parts.cancel(reason))
    })
}

/// `yield race({ key: effect, … })`: which effect won, and its typed
/// value (all racers produce `U`; race effects of different types with
/// [`race_effect`] and downcast the winner's value).
pub async fn race<T, U: Clone + 'static>(
    co: &SagaCo<T>,
    effects: Vec<(&'static str, Effect)>,
) -> Result<(&'static str, U), Abrupt<Error, T>> {
    let effect = race_effect(effects);
    let description = effect.description.clone();
    let value = co.yield_(effect).await?;
    let (key, won): (&'static str, Value) =
        downcast(&value, &description).map_err(Abrupt::Throw)?;
    Ok((key, downcast(&won, &description).map_err(Abrupt::Throw)?))
}
