//! redux-saga's context: values a runtime gives its sagas (an API client, a
//! configuration), read with [`get_context`] and changed with
//! [`set_context`].
//!
//! Each task has a context of its own whose lookups fall through to the
//! context of the task that started it (forked, spawned or called it), and
//! the root's to the runtime's, as redux-saga's prototype chain does: a
//! task sees what its parent sets later, unless it set the same key
//! itself, and what it sets is its own. Contexts are on in a runtime made
//! [`with_context`](super::Runtime::with_context), and cost nothing
//! elsewhere.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use super::SagaCo;
use super::effect::{Description, Effect, Kind, Running, Value, unit, yield_typed};
use super::task::{Scope, TaskId};
use crate::Error;
use crate::generator::Abrupt;

/// One task's context (or the runtime's): its own values, then its
/// parent's.
#[derive(Default)]
struct Context {
    parent: Option<Rc<Context>>,
    values: RefCell<Vec<(String, Value)>>,
}

impl Context {
    fn get(&self, key: &str) -> Option<Value> {
        let own = self
            .values
            .borrow()
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone());
        own.or_else(|| self.parent.as_ref().and_then(|p| p.get(key)))
    }

    fn set(&self, key: String, value: Value) {
        let mut values = self.values.borrow_mut();
        match values.iter_mut().find(|(k, _)| *k == key) {
            Some((_, slot)) => *slot = value,
            None => values.push((key, value)),
        }
    }
}

/// A runtime's contexts: its own, and each running task's.
#[derive(Default)]
pub(crate) struct Contexts {
    root: Rc<Context>,
    tasks: RefCell<HashMap<TaskId, Rc<Context>>>,
}

impl Contexts {
    pub(crate) fn set_root(&self, key: String, value: Value) {
        self.root.set(key, value);
    }

    /// Task `id` starts, started by `from` (none for a root task): its
    /// context falls through to that task's, or to the runtime's.
    pub(crate) fn begin(&self, id: TaskId, from: Option<TaskId>) {
        let parent = from
            .and_then(|from| self.tasks.borrow().get(&from).cloned())
            .unwrap_or_else(|| self.root.clone());
        let own = Rc::new(Context {
            parent: Some(parent),
            values: RefCell::default(),
        });
        self.tasks.borrow_mut().insert(id, own);
    }

    /// Task `id` has ended: the tasks it started keep its context alive as
    /// long as they need it.
    pub(crate) fn end(&self, id: TaskId) {
        self.tasks.borrow_mut().remove(&id);
    }

    /// Task `id`'s context (made now, falling through to the runtime's, for
    /// a task started before contexts were on).
    fn of(&self, id: TaskId) -> Rc<Context> {
        let mut tasks = self.tasks.borrow_mut();
        let own = tasks.entry(id).or_insert_with(|| {
            Rc::new(Context {
                parent: Some(self.root.clone()),
                values: RefCell::default(),
            })
        });
        own.clone()
    }
}

fn contexts_off() -> Error {
    Error::msg("contexts are off in this runtime: make it with Runtime::with_context")
}

/// The effect of reading `key` from the saga's context: `Some(value)`, or
/// `None` where no context along the chain has the key.
///
/// ```
/// use baton::saga::{Kind, get_context_effect};
///
/// let d = get_context_effect::<String>("api").describe();
/// assert_eq!((d.kind, d.to_string()), (Kind::Context, "Context getContext(\"api\")".to_string()));
/// ```
pub fn get_context_effect<V: Clone + 'static>(key: impl Into<String>) -> Effect {
    let describe = |key: &String| Description {
        kind: Kind::Context,
        name: "getContext".into(),
        args: format!("{key:?}"),
    };
    Effect::new(key.into(), describe, |key, scope: &Scope| {
        let Some(found) = scope.context(|contexts, id| contexts.of(id).get(&key)) else {
            return Running::now(Err(contexts_off()));
        };
        let read: Result<Value, Error> = match found {
            None => Ok(Rc::new(None::<V>)),
            Some(value) => match value.downcast_ref::<V>() {
                Some(v) => Ok(Rc::new(Some(v.clone()))),
                None => Err(Error::msg(format!(
                    "getContext({key:?}): the context holds another type than {}",
                    std::any::type_name::<V>()
                ))),
            },
        };
        // Read at once, and the saga goes on at once, as in redux-saga.
        Running::now(read)
    })
}

/// The effect of setting `key` to `value` in the saga's own context.
///
/// ```
/// use baton::saga::{Kind, set_context_effect};
///
/// let d = set_context_effect("user", "ada").describe();
/// assert_eq!(d.to_string(), "Context setContext(\"user\", \"ada\")");
/// ```
pub fn set_context_effect<V: Clone + fmt::Debug + 'static>(
    key: impl Into<String>,
    value: V,
) -> Effect {
    let describe = |(key, value): &(String, V)| Description {
        kind: Kind::Context,
        name: "setContext".into(),
        args: format!("{key:?}, {value:?}"),
    };
    Effect::new((key.into(), value), describe, |(key, value), scope| {
        let set = scope.context(|contexts, id| contexts.of(id).set(key, Rc::new(value)));
        Running::now(set.map(|()| unit()).ok_or_else(contexts_off))
    })
}

/// `yield getContext(key)`: the value `key` has in the saga's context
/// (its own, else the one it inherits), `None` if it has none.
///
/// # Errors
///
/// `Err(Abrupt::Throw(_))` when the runtime has no contexts (it was not
/// made [`with_context`](super::Runtime::with_context)) or the value is
/// not a `V`; `Err(Abrupt::Return(_))` if the saga is cancelled (see
/// [errors of an effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::saga::{Runtime, SagaCo, fork, get_context, set_context};
/// use baton::{EventLoop, Gen};
/// use std::{cell::RefCell, rc::Rc};
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// EventLoop::virtual_clock().run(move || {
///     let runtime = Runtime::new().with_context("api", "https://api.test");
///     let child = move |()| {
///         let l = l.clone();
///         Gen::new(move |co: SagaCo<()>| async move {
///             let api: Option<&str> = get_context(&co, "api").await?;
///             let user: Option<&str> = get_context(&co, "user").await?;
///             l.borrow_mut().push(format!("{api:?} {user:?}"));
///             Ok(())
///         })
///     };
///     runtime.run("root", Gen::new(move |co: SagaCo<()>| async move {
///         set_context(&co, "user", "ada").await?;
///         fork(&co, child, ()).await?;
///         Ok(())
///     }));
/// });
/// assert_eq!(*log.borrow(), ["Some(\"https://api.test\") Some(\"ada\")"]);
/// ```
pub async fn get_context<T, V: Clone + 'static>(
    co: &SagaCo<T>,
    key: impl Into<String>,
) -> Result<Option<V>, Abrupt<Error, T>> {
    yield_typed(
        co,
        get_context_effect::<V>(key),
        Kind::Context,
        "getContext",
    )
    .await
}

/// `yield setContext({ key: value })`: sets `key` in the saga's own
/// context, where it and the tasks it starts (now or earlier) see it.
///
/// # Errors
///
/// `Err(Abrupt::Throw(_))` when the runtime has no contexts (it was not
/// made [`with_context`](super::Runtime::with_context));
/// `Err(Abrupt::Return(_))` if the saga is cancelled (see
/// [errors of an effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::saga::{Runtime, SagaCo, get_context, set_context};
/// use baton::{EventLoop, Gen};
///
/// let p = EventLoop::virtual_clock().run(|| {
///     let runtime = Runtime::new().with_context("retries", 3_u32);
///     runtime.run("root", Gen::new(|co: SagaCo<u32>| async move {
///         set_context(&co, "retries", 5_u32).await?;
///         Ok(get_context(&co, "retries").await?.unwrap_or(0))
///     }))
///     .promise()
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(5));
/// ```
pub async fn set_context<T, V: Clone + fmt::Debug + 'static>(
    co: &SagaCo<T>,
    key: impl Into<String>,
    value: V,
) -> Result<(), Abrupt<Error, T>> {
    yield_typed(
        co,
        set_context_effect(key, value),
        Kind::Context,
        "setContext",
    )
    .await
}
