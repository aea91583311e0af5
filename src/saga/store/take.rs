//! `take` and `take_maybe`: a saga waits for the next action matching a
//! pattern; the store's `END` ends a plain take's saga and hands a
//! `take_maybe` `None`.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::{Rc, Weak};

use crate::generator::Abrupt;
use crate::saga::SagaCo;
use crate::saga::effect::{
    Effect, Handoff, Kind, Listening, Running, Settled, Stop, Value, stopper, take_value, unit,
};
use crate::saga::task::Scope;
use crate::{Error, Promise};

use super::select_put::{described, missing};
use super::{Action, Bus, Listen, Pattern};

/// The effect of waiting for the next action matching `pattern`,
/// dispatched after the effect starts.
///
/// ```
/// use baton::saga::{Action, Kind, take_effect};
///
/// #[derive(Clone, Debug)]
/// struct Submit;
/// impl Action for Submit {
///     fn action_type(&self) -> &str { "SUBMIT" }
/// }
/// let d = take_effect::<Submit>("SUBMIT".into()).describe();
/// assert_eq!((d.kind, d.args.as_str()), (Kind::Take, "\"SUBMIT\""));
/// ```
pub fn take_effect<A: Action>(pattern: Pattern<A>) -> Effect {
    taking::<A, false>(pattern, None, false).0
}

/// The effect of waiting for the next action matching `pattern`, or for
/// the store's end: `Some(action)`, or `None` once the store has ended
/// (redux-saga's `takeMaybe`).
///
/// ```
/// use baton::saga::{Action, Kind, take_maybe_effect};
///
/// #[derive(Clone, Debug)]
/// struct Submit;
/// impl Action for Submit {
///     fn action_type(&self) -> &str { "SUBMIT" }
/// }
/// let d = take_maybe_effect::<Submit>("SUBMIT".into()).describe();
/// assert_eq!((d.kind, d.name.as_str()), (Kind::Take, "takeMaybe"));
/// ```
pub fn take_maybe_effect<A: Action>(pattern: Pattern<A>) -> Effect {
    taking::<A, true>(pattern, None, false).0
}

/// A take; `MAYBE`: a `takeMaybe` (a type of its own, so a plain take's
/// path has no test for it). `on`: a multicast channel's bus, else the
/// runtime's store's. `typed`: the saga reads the action from the taker
/// returned beside the effect ([`typed_take`]).
pub(crate) fn taking<A: Action, const MAYBE: bool>(
    pattern: Pattern<A>,
    on: Option<&Rc<Bus<A>>>,
    typed: bool,
) -> (Effect, Rc<Taker<A, MAYBE>>) {
    let describe = |t: &Rc<Taker<A, MAYBE>>| {
        let name = if MAYBE { "takeMaybe" } else { "take" };
        let on = if t.bus.borrow().is_some() {
            "multicast, "
        } else {
            ""
        };
        described(Kind::Take, name, format!("{on}{:?}", t.pattern))
    };
    // A multicast channel's bus is set now (its key once listening).
    let taker = crate::recycle::new_rc(Taker {
        pattern,
        bus: RefCell::new(on.map(|bus| (Rc::downgrade(bus), 0))),
        handoff: Handoff::default(),
        kept: Cell::new(None),
        typed,
    });
    let kept = taker.clone();
    // Two performs, so a store's take asks nothing of a channel's bus.
    if on.is_some() {
        let effect = Effect::new(taker, describe, |taker, _: &Scope| {
            let bus = taker
                .bus
                .borrow()
                .as_ref()
                .and_then(|(bus, _)| bus.upgrade());
            match bus {
                Some(bus) => take_on_bus(taker, &bus),
                // The channel is gone: nobody can put to it any more.
                None => Running::new(Promise::new(|_| {})),
            }
        });
        return (effect, kept);
    }
    let effect = Effect::new(taker, describe, |taker, scope: &Scope| {
        match scope.service::<Bus<A>>() {
            Some(bus) => take_on_bus(taker, &bus),
            None => Running::of(Promise::<A, Error>::reject(missing::<A>())),
        }
    });
    (effect, kept)
}

/// `take` and `take_on` themselves: the taker keeps the action it hears
/// and the saga, resumed with `()`, reads it from there, where the action
/// went back boxed in a new `Rc` for the saga to clone out of. An action
/// fed by a test or an interceptor (the effect not performed) comes as
/// the value, as before.
pub(crate) async fn typed_take<T, A: Action>(
    co: &SagaCo<T>,
    take: (Effect, Rc<Taker<A, false>>),
) -> Result<A, Abrupt<Error, T>> {
    read_take(co, take, |action| action, "take").await
}

/// [`typed_take`] for `take_maybe` and `take_maybe_on`: the action heard
/// comes from the taker; the end (`None`) as the value, as before.
pub(crate) async fn typed_take_maybe<T, A: Action>(
    co: &SagaCo<T>,
    take: (Effect, Rc<Taker<A, true>>),
) -> Result<Option<A>, Abrupt<Error, T>> {
    read_take(co, take, Some, "takeMaybe").await
}

async fn read_take<T, A: Action, U: Clone + 'static, const MAYBE: bool>(
    co: &SagaCo<T>,
    (effect, taker): (Effect, Rc<Taker<A, MAYBE>>),
    heard: fn(A) -> U,
    name: &'static str,
) -> Result<U, Abrupt<Error, T>> {
    let value = co.yield_(effect).await?;
    if let Some(action) = taker.kept.take() {
        return Ok(heard(action));
    }
    take_value(value, Kind::Take, name).map_err(Abrupt::Throw)
}

/// Performs a take on `bus`: heard at once if the bus has ended, else
/// waiting as one of its listeners.
#[inline(always)]
fn take_on_bus<A: Action, const MAYBE: bool>(
    taker: Rc<Taker<A, MAYBE>>,
    bus: &Rc<Bus<A>>,
) -> Running {
    if bus.is_ended() {
        // A take of an ended store hears the end at once.
        return Running::now(end_of_take::<A>(MAYBE));
    }
    let key = bus.listen(taker.clone());
    *taker.bus.borrow_mut() = Some((Rc::downgrade(bus), key));
    Running::listening(taker)
}

/// A `take` waiting on a store's bus. It is the bus's listener, which
/// hands the action to the saga at once (inside the dispatch, as
/// redux-saga's channel does), and what stopping the take reaches: one allocation,
/// made with the effect, where a promise, its reaction, a listener closure
/// and a cancel hook took four. The bus holds it; it holds the waiter
/// until the action is handed over or the take is stopped.
/// `MAYBE`: a `takeMaybe`, whose actions come as `Some` and the store's
/// end as `None`.
pub(crate) struct Taker<A, const MAYBE: bool> {
    pattern: Pattern<A>,
    /// The bus it listens on and its key there, once performed.
    bus: RefCell<Option<(Weak<Bus<A>>, u64)>>,
    handoff: Handoff,
    /// The action heard, for a typed take to read ([`typed_take`]).
    kept: Cell<Option<A>>,
    typed: bool,
}

impl<A: Action, const MAYBE: bool> Taker<A, MAYBE> {
    fn stop_listening(&self) {
        let listening = self.bus.borrow_mut().take();
        if let Some((bus, key)) = listening
            && let Some(bus) = bus.upgrade()
        {
            bus.unsubscribe(key);
        }
    }
}

impl<A: Action, const MAYBE: bool> Listen<A> for Taker<A, MAYBE> {
    fn hear(self: Rc<Self>, action: &A) {
        // Not listening: it took an action already (a nested dispatch
        // reached it first), or it was stopped.
        let listening = self.bus.borrow().is_some();
        if !listening || !self.pattern.matches(action) {
            return;
        }
        self.stop_listening();
        let action: Value = if self.typed {
            self.kept.set(Some(action.clone()));
            unit()
        } else if MAYBE {
            Rc::new(Some(action.clone()))
        } else {
            Rc::new(action.clone())
        };
        self.handoff.keep(Ok(action));
        self.handoff.deliver();
        // The take's last handle once its saga has read what it heard:
        // kept for the next take's.
        crate::recycle::recycle(self);
    }

    fn end(self: Rc<Self>) {
        // The bus has let go of its listeners already.
        if self.bus.borrow_mut().take().is_none() {
            return;
        }
        self.handoff.keep(end_of_take::<A>(MAYBE));
        self.handoff.deliver();
    }
}

/// What a take hears of the store's end: `None` for a `takeMaybe`; for a
/// `take`, the [`Ended`] mark its saga's driver turns into a `return()`.
#[cold]
#[inline(never)]
fn end_of_take<A: Action>(maybe: bool) -> Result<Value, Error> {
    if maybe {
        Ok(Rc::new(None::<A>))
    } else {
        Err(Error::new(Ended))
    }
}

/// redux-saga's `END` reaching a `take`: its saga ends as if `return()`
/// were called at the yield. Never seen by a saga's body: its driver turns
/// the mark into that `return()` (as redux-saga's `TERMINATE`), and a
/// `race` or an `all` passes it on as it passes on a failure.
#[derive(Debug)]
pub(crate) struct Ended;

impl Ended {
    /// Whether `error` is the mark.
    #[cold]
    #[inline(never)]
    pub(crate) fn is(error: &Error) -> bool {
        error.downcast_ref::<Ended>().is_some()
    }
}

impl fmt::Display for Ended {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the store has ended (redux-saga's END)")
    }
}

impl std::error::Error for Ended {}

impl<A: Action, const MAYBE: bool> Listening for Taker<A, MAYBE> {
    fn wait(self: Rc<Self>, settled: Settled) -> Option<Stop> {
        self.handoff.wait(settled);
        Some(stopper(&self))
    }

    fn stop(&self) {
        self.stop_listening();
        self.handoff.stop();
    }
}

/// `yield take(pattern)`: the next matching action.
///
/// # Errors
///
/// `Err(Abrupt::Throw(_))` when the runtime has no store for `A`;
/// `Err(Abrupt::Return(_))` if the saga is cancelled while it waits, or
/// when the store has [ended](super::Store::end) (see
/// [errors of an effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::saga::{Action, Runtime, SagaCo, Store, take};
/// use baton::{EventLoop, Gen, set_timeout};
/// use std::time::Duration;
///
/// #[derive(Clone, Debug, PartialEq)]
/// enum Auth {
///     Login(String),
///     Logout,
/// }
/// impl Action for Auth {
///     fn action_type(&self) -> &str {
///         match self {
///             Auth::Login(_) => "LOGIN",
///             Auth::Logout => "LOGOUT",
///         }
///     }
/// }
/// let p = EventLoop::virtual_clock().run(|| {
///     let store = Store::new((), |_: &mut (), _: &Auth| {});
///     let flow = Runtime::new().with_store(&store).run(
///         "login flow",
///         Gen::new(|co: SagaCo<String>| async move {
///             let Auth::Login(user) = take(&co, "LOGIN").await? else { unreachable!() };
///             take::<_, Auth>(&co, "LOGOUT").await?;
///             Ok(format!("{user} came and went"))
///         }),
///     );
///     store.dispatch(Auth::Logout); // the flow waits for LOGIN: ignored
///     for (ms, action) in [(10, Auth::Login("ada".into())), (20, Auth::Logout)] {
///         let store = store.clone();
///         set_timeout(move || store.dispatch(action), Duration::from_millis(ms));
///     }
///     flow.promise()
/// });
/// assert_eq!(p.peek().and_then(Result::ok).as_deref(), Some("ada came and went"));
/// ```
pub async fn take<T, A: Action>(
    co: &SagaCo<T>,
    pattern: impl Into<Pattern<A>>,
) -> Result<A, Abrupt<Error, T>> {
    typed_take(co, taking::<A, false>(pattern.into(), None, true)).await
}

/// `yield takeMaybe(pattern)`: the next matching action, or `None` once the
/// store has [ended](super::Store::end).
///
/// # Errors
///
/// `Err(Abrupt::Throw(_))` when the runtime has no store for `A`;
/// `Err(Abrupt::Return(_))` if the saga is cancelled while it waits (see
/// [errors of an effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::saga::{Action, Runtime, SagaCo, Store, take_maybe};
/// use baton::{EventLoop, Gen};
///
/// #[derive(Clone, Debug)]
/// struct Msg(&'static str);
/// impl Action for Msg {
///     fn action_type(&self) -> &str { "MSG" }
/// }
/// let p = EventLoop::virtual_clock().run(|| {
///     let store = Store::new((), |_: &mut (), _: &Msg| {});
///     let reader = Runtime::new().with_store(&store).run("reader", Gen::new(|co: SagaCo<Vec<&'static str>>| async move {
///         let mut read = Vec::new();
///         while let Some(Msg(text)) = take_maybe(&co, "MSG").await? {
///             read.push(text);
///         }
///         read.push("(end)");
///         Ok(read)
///     }));
///     store.dispatch(Msg("hello"));
///     store.end();
///     reader.promise()
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(vec!["hello", "(end)"]));
/// ```
pub async fn take_maybe<T, A: Action>(
    co: &SagaCo<T>,
    pattern: impl Into<Pattern<A>>,
) -> Result<Option<A>, Abrupt<Error, T>> {
    typed_take_maybe(co, taking::<A, true>(pattern.into(), None, true)).await
}
