//! `select` (read the state through a selector) and `put` (dispatch an
//! action, held back while the runtime's scheduler is busy, as redux-saga's
//! puts are).

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use crate::generator::Abrupt;
use crate::saga::SagaCo;
use crate::saga::effect::{
    Description, Effect, Kind, Listening, Running, Settled, Stop, Value, unit, yield_typed,
};
use crate::saga::task::Scope;
use crate::{Error, Fault, Promise};

use super::{Action, Bus};

pub(super) fn missing<X>() -> Error {
    Error::msg(format!(
        "no store in this runtime holds {}: start it with Runtime::with_store",
        std::any::type_name::<X>()
    ))
}

pub(super) fn described(kind: Kind, name: &str, args: String) -> Description {
    Description {
        kind,
        name: name.into(),
        args,
    }
}

/// The effect of reading the store's state through `selector`.
///
/// ```
/// use baton::saga::{Kind, select_effect};
///
/// let d = select_effect(|count: &u32| *count * 2).describe();
/// assert_eq!((d.kind, d.args.as_str()), (Kind::Select, "u32"));
/// ```
pub fn select_effect<S: 'static, U: Clone + 'static>(
    selector: impl Fn(&S) -> U + 'static,
) -> Effect {
    let describe = |_: &_| {
        described(
            Kind::Select,
            "select",
            crate::saga::effect::short_name::<S>().into(),
        )
    };
    Effect::new(selector, describe, |selector, scope: &Scope| {
        // Read at once, and the saga goes on at once, as in redux-saga.
        let read = scope
            .service::<RefCell<S>>()
            .map(|state| Rc::new(selector(&state.borrow())) as Value);
        Running::now(read.ok_or_else(missing::<S>))
    })
}

/// `yield select(selector)`: the selected part of the state.
///
/// # Errors
///
/// `Err(Abrupt::Throw(_))` when no store of the runtime holds an `S`;
/// `Err(Abrupt::Return(_))` if the saga is cancelled while it waits (see
/// [errors of an effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::saga::{Action, Runtime, SagaCo, Store, select};
/// use baton::{EventLoop, Gen};
///
/// #[derive(Clone, Debug)]
/// struct Noop;
/// impl Action for Noop {
///     fn action_type(&self) -> &str { "NOOP" }
/// }
/// #[derive(Clone)]
/// struct AppState {
///     user: String,
///     unread: u32,
/// }
/// let p = EventLoop::virtual_clock().run(|| {
///     let store = Store::new(AppState { user: "ada".into(), unread: 3 }, |_: &mut AppState, _: &Noop| {});
///     Runtime::new().with_store(&store).run(
///         "badge",
///         Gen::new(|co: SagaCo<String>| async move {
///             let unread = select(&co, |s: &AppState| s.unread).await?;
///             let user = select(&co, |s: &AppState| s.user.clone()).await?;
///             Ok(format!("{user}: {unread}"))
///         }),
///     ).promise()
/// });
/// assert_eq!(p.peek().and_then(Result::ok).as_deref(), Some("ada: 3"));
/// ```
pub async fn select<T, S: 'static, U: Clone + 'static>(
    co: &SagaCo<T>,
    selector: impl Fn(&S) -> U + 'static,
) -> Result<U, Abrupt<Error, T>> {
    yield_typed(co, select_effect(selector), Kind::Select, "select").await
}

/// The effect of dispatching `action` to the store (non-blocking), in
/// redux-saga's order: the sagas waiting for the action go on at once,
/// inside the put, then the putting saga; the puts those sagas make wait
/// until the putter waits too (redux-saga's scheduler). So a watcher sees
/// every action, even two put back to back, and a saga that puts a
/// request and then takes the reply sees the reply.
///
/// ```
/// use baton::saga::{Action, Kind, put_effect};
///
/// #[derive(Clone, Debug)]
/// struct Logout;
/// impl Action for Logout {
///     fn action_type(&self) -> &str { "LOGOUT" }
/// }
/// let d = put_effect(Logout).describe();
/// assert_eq!((d.kind, d.args.as_str()), (Kind::Put, "Logout"));
/// ```
pub fn put_effect<A: Action>(action: A) -> Effect {
    putting(action, None)
}

/// A put to the runtime's store, or (`on`) to a multicast channel's bus.
pub(crate) fn putting<A: Action>(action: A, on: Option<Rc<Bus<A>>>) -> Effect {
    let describe = |put: &Rc<StorePut<A>>| {
        // Taken out and put back: a `Cell` needs no borrow flag.
        let action = put.action.take();
        let args = action.as_ref().map(|a| format!("{a:?}"));
        put.action.set(action);
        described(Kind::Put, "put", args.unwrap_or_default())
    };
    let on_channel = on.is_some();
    let put = crate::recycle::new_rc(StorePut {
        action: Cell::new(Some(action)),
        bus: Cell::new(on),
    });
    // Two performs, so a store's put asks nothing of a channel's bus.
    if on_channel {
        return Effect::new(put, describe, |put, _: &Scope| put_now_or_held(put));
    }
    Effect::new(put, describe, |put, scope: &Scope| {
        let Some(bus) = scope.service::<Bus<A>>() else {
            return Running::of(Promise::<(), Error>::reject(missing::<A>()));
        };
        put.bus.set(Some(bus));
        put_now_or_held(put)
    })
}

/// Makes a put whose bus is known: at once, or once the forks starting
/// have settled in.
#[inline(always)]
fn put_now_or_held<A: Action>(put: Rc<StorePut<A>>) -> Running {
    if crate::saga::scheduler::holding() {
        // Made once the forks starting have settled in.
        return Running::listening(put);
    }
    // Puts by the sagas this one wakes wait until the putter, going on
    // at once, waits too (redux-saga's scheduler); so do the putter's
    // own when a reducer or subscriber panics, the fault thrown into it
    // inside the put, as redux-saga's put calls back with the error.
    let hold = crate::saga::scheduler::Hold::new();
    let dispatched = catch_unwind(AssertUnwindSafe(|| put.dispatch()));
    hold.pass_on();
    // Its last handle: kept for the next put's.
    crate::recycle::recycle(put);
    match dispatched {
        Ok(()) => Running::now_held(unit()),
        Err(payload) => Running::failed_now_held(Fault::from_panic(&*payload).into()),
    }
}

/// A `put`, made with the effect so the effect holds one word whatever
/// the action's size (an action larger than a word took a box of its own
/// besides the dispatch's).
struct StorePut<A> {
    action: Cell<Option<A>>,
    /// The bus it dispatches to, once performed.
    bus: Cell<Option<Rc<Bus<A>>>>,
}

impl<A: Action> StorePut<A> {
    fn dispatch(&self) {
        if let (Some(bus), Some(action)) = (self.bus.take(), self.action.take()) {
            bus.reduce(&action);
            bus.to_sagas(&action);
        }
    }
}

impl<A: Action> Listening for StorePut<A> {
    /// A put made while forks start (see `scheduler`): it is made once
    /// they have settled in, and the putting saga resumes with it then, as
    /// it would have at once. There is nothing to stop.
    fn wait(self: Rc<Self>, settled: Settled) -> Option<Stop> {
        crate::saga::scheduler::asap(self, settled);
        None
    }
}

impl<A: Action> crate::saga::scheduler::HeldPut for StorePut<A> {
    /// A reducer or subscriber that panics fails the put, as it does one
    /// made at once: the putting saga is thrown the fault.
    fn make(self: Rc<Self>, settled: Settled) {
        // Handed over as it is made: a race or an `all` it decides resumes
        // its saga at once, as redux-saga's put calls back.
        match catch_unwind(AssertUnwindSafe(|| self.dispatch())) {
            Ok(()) => settled.deliver_handed(Ok(unit())),
            Err(payload) => settled.deliver_handed(Err(Fault::from_panic(&*payload).into())),
        }
        // Usually the put's last handle: kept for the next put's.
        crate::recycle::recycle(self);
    }
}

/// `yield put(action)`.
///
/// # Errors
///
/// `Err(Abrupt::Throw(_))` when the runtime has no store for `A`, or when its
/// reducer panics (a [`Fault`]); `Err(Abrupt::Return(_))` if the
/// saga is cancelled while it waits (see [errors of an
/// effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::saga::{Action, Runtime, SagaCo, Store, put};
/// use baton::{EventLoop, Gen};
///
/// #[derive(Clone, Debug)]
/// struct Deposit(u32);
/// impl Action for Deposit {
///     fn action_type(&self) -> &str { "DEPOSIT" }
/// }
/// let balance = EventLoop::virtual_clock().run(|| {
///     let store = Store::new(0, |n: &mut u32, Deposit(k): &Deposit| *n += k);
///     Runtime::new().with_store(&store).run(
///         "payday",
///         Gen::new(|co: SagaCo<()>| async move {
///             put(&co, Deposit(100)).await?;
///             put(&co, Deposit(20)).await
///         }),
///     );
///     store
/// });
/// assert_eq!(balance.state(), 120);
/// ```
pub async fn put<T, A: Action>(co: &SagaCo<T>, action: A) -> Result<(), Abrupt<Error, T>> {
    yield_typed(co, put_effect(action), Kind::Put, "put").await
}
