//! Seed 003's `SagaRuntime` store: state, dispatch, subscription, and the
//! effects that reach it — `select`, `put`, `take`.

use std::any::{Any, TypeId};
use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::{Rc, Weak};

use super::SagaCo;
use super::effect::{
    Description, Effect, Handoff, Kind, Listening, Running, Settled, Stop, Value, stopper,
    take_value, unit, yield_typed,
};
use super::task::Scope;
use crate::generator::Abrupt;
use crate::roster::Roster;
use crate::{Error, Fault, Promise};

/// An action dispatched to a store: its `type`, as redux names it.
///
/// ```
/// use baton::saga::{Action, Pattern};
///
/// #[derive(Clone, Debug)]
/// enum Todo {
///     Add(String),
///     Clear,
/// }
/// impl Action for Todo {
///     fn action_type(&self) -> &str {
///         match self {
///             Todo::Add(_) => "ADD",
///             Todo::Clear => "CLEAR",
///         }
///     }
/// }
/// assert!(Pattern::from("ADD").matches(&Todo::Add("milk".into())));
/// assert!(!Pattern::from("ADD").matches(&Todo::Clear));
/// ```
pub trait Action: Clone + fmt::Debug + 'static {
    /// The action's type, which string patterns match.
    ///
    /// ```
    /// use baton::saga::Action;
    ///
    /// #[derive(Clone, Debug)]
    /// enum Cart {
    ///     Add(u32),
    ///     Checkout,
    /// }
    /// impl Action for Cart {
    ///     fn action_type(&self) -> &str {
    ///         match self {
    ///             Cart::Add(_) => "cart/add",
    ///             Cart::Checkout => "cart/checkout",
    ///         }
    ///     }
    /// }
    /// assert_eq!(Cart::Add(3).action_type(), "cart/add");
    /// assert_eq!(Cart::Checkout.action_type(), "cart/checkout");
    /// ```
    fn action_type(&self) -> &str;
}

/// Which actions a `take` waits for: any, those of one type, or those a
/// predicate accepts.
///
/// ```
/// use baton::saga::{Action, Pattern};
///
/// #[derive(Clone, Debug)]
/// struct Key(char);
/// impl Action for Key {
///     fn action_type(&self) -> &str { "KEY" }
/// }
/// let any: Pattern<Key> = "*".into();
/// let typed: Pattern<Key> = "KEY".into();
/// let digits = Pattern::when(|k: &Key| k.0.is_ascii_digit());
/// assert!(any.matches(&Key('x')) && typed.matches(&Key('x')));
/// assert!(digits.matches(&Key('7')) && !digits.matches(&Key('x')));
/// ```
pub enum Pattern<A> {
    /// Every action (`'*'`).
    Any,
    /// Actions of this type.
    Type(&'static str),
    /// Actions the predicate accepts.
    When(Rc<dyn Fn(&A) -> bool>),
}

impl<A> Clone for Pattern<A> {
    fn clone(&self) -> Self {
        match self {
            Pattern::Any => Pattern::Any,
            Pattern::Type(t) => Pattern::Type(t),
            Pattern::When(f) => Pattern::When(f.clone()),
        }
    }
}

impl<A> fmt::Debug for Pattern<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pattern::Any => f.write_str("*"),
            Pattern::Type(t) => write!(f, "{t:?}"),
            Pattern::When(_) => f.write_str("<predicate>"),
        }
    }
}

impl<A> From<&'static str> for Pattern<A> {
    fn from(action_type: &'static str) -> Self {
        if action_type == "*" {
            Pattern::Any
        } else {
            Pattern::Type(action_type)
        }
    }
}

impl<A: Action> Pattern<A> {
    /// The actions `predicate` accepts.
    ///
    /// ```
    /// use baton::saga::{Action, Pattern};
    ///
    /// #[derive(Clone, Debug)]
    /// struct Temp(i32);
    /// impl Action for Temp {
    ///     fn action_type(&self) -> &str { "TEMP" }
    /// }
    /// let freezing = Pattern::when(|t: &Temp| t.0 <= 0);
    /// assert!(freezing.matches(&Temp(-3)));
    /// assert!(!freezing.matches(&Temp(12)));
    /// ```
    pub fn when(predicate: impl Fn(&A) -> bool + 'static) -> Self {
        Pattern::When(Rc::new(predicate))
    }

    /// Whether `action` matches.
    ///
    /// ```
    /// use baton::saga::{Action, Pattern};
    ///
    /// #[derive(Clone, Debug)]
    /// struct Ping;
    /// impl Action for Ping {
    ///     fn action_type(&self) -> &str { "PING" }
    /// }
    /// assert!(Pattern::Type("PING").matches(&Ping));
    /// assert!(!Pattern::Type("PONG").matches(&Ping));
    /// ```
    pub fn matches(&self, action: &A) -> bool {
        match self {
            Pattern::Any => true,
            Pattern::Type(t) => action.action_type() == *t,
            Pattern::When(f) => f(action),
        }
    }
}

/// What hears a bus's actions: a subscriber's closure, or a waiting
/// `take` (which is its own listener, job and stop: one allocation).
pub(crate) trait Listen<A> {
    fn hear(self: Rc<Self>, action: &A);

    /// The store has ended (redux-saga's `END`): told once, to the sagas'
    /// listeners only, which listen no more.
    fn end(self: Rc<Self>) {}
}

impl<A, F: Fn(&A)> Listen<A> for F {
    fn hear(self: Rc<Self>, action: &A) {
        self(action);
    }
}

type Listener<A> = Rc<dyn Listen<A>>;

/// Where dispatched actions go: the reducer, then the store's subscribers
/// (as a redux store), then the sagas waiting for one (as redux-saga's
/// channel, which its middleware puts each action to after the store).
pub(crate) struct Bus<A> {
    reduce: Box<dyn Fn(&A)>,
    /// Called at once, even from inside another dispatch, as redux's are.
    subscribers: RefCell<Roster<Listener<A>>>,
    /// Takes and action channels: reached through redux-saga's scheduler.
    sagas: RefCell<Roster<Listener<A>>>,
    next: Cell<u64>,
    /// The buffer of the listeners a dispatch calls, kept between
    /// dispatches so dispatching allocates nothing.
    snapshot: Cell<Vec<Listener<A>>>,
    /// redux-saga's `END` has gone through: takes end at once.
    ended: Cell<bool>,
}

impl<A: Action> Bus<A> {
    /// A bus whose dispatches go through `reduce` first.
    pub(crate) fn new(reduce: Box<dyn Fn(&A)>) -> Self {
        Bus {
            reduce,
            subscribers: RefCell::new(Roster::default()),
            ended: Cell::new(false),
            sagas: RefCell::new(Roster::default()),
            next: Cell::new(0),
            snapshot: Cell::new(Vec::new()),
        }
    }

    /// Reduces `action` and tells the store's subscribers.
    pub(crate) fn reduce(&self, action: &A) {
        (self.reduce)(action);
        self.tell(&self.subscribers, action);
    }

    /// Tells the sagas waiting for an action (a saga's put, which the
    /// scheduler has let through).
    pub(crate) fn to_sagas(&self, action: &A) {
        self.tell(&self.sagas, action);
    }

    #[inline]
    fn tell(&self, listeners: &RefCell<Roster<Listener<A>>>, action: &A) {
        // The listeners as they are now: one added or removed by a
        // listener changes the next dispatch, not this one.
        let only = {
            let listeners = listeners.borrow();
            if listeners.is_empty() {
                return; // a store with no subscribers, or no saga waiting
            }
            listeners.only().cloned()
        };
        // One listener (a saga's take, the usual case): told with no
        // buffer.
        if let Some(listener) = only {
            listener.hear(action);
            return;
        }
        // A nested dispatch finds the buffer taken and makes its own.
        let mut snapshot = self.snapshot.take();
        snapshot.extend(listeners.borrow().iter().cloned());
        for listener in snapshot.drain(..) {
            listener.hear(action);
        }
        self.snapshot.set(snapshot);
    }

    fn add(&self, listeners: &RefCell<Roster<Listener<A>>>, listener: Listener<A>) -> u64 {
        let key = self.next.get() + 1;
        self.next.set(key);
        listeners.borrow_mut().join(key, listener);
        key
    }

    /// Adds a subscriber of the store; returns its key for
    /// [`Bus::drop_subscriber`].
    fn subscribe(&self, listener: Listener<A>) -> u64 {
        self.add(&self.subscribers, listener)
    }

    /// Removes subscriber `key`; whether it was there. Only subscribers:
    /// a key from the program never reaches a saga's listener.
    fn drop_subscriber(&self, key: u64) -> bool {
        let left = self.subscribers.borrow_mut().leave(key);
        // Dropped once the list is let go of: its captures may reach the
        // bus.
        left.is_some()
    }

    /// Adds a saga's listener (a take, an action channel); returns its key
    /// for [`Bus::unsubscribe`].
    pub(crate) fn listen(&self, listener: Listener<A>) -> u64 {
        self.add(&self.sagas, listener)
    }

    /// Whether redux-saga's `END` has gone through.
    pub(crate) fn is_ended(&self) -> bool {
        self.ended.get()
    }

    /// `END` reaches the sagas: every take and action channel listening is
    /// told, and none listens after (redux-saga closes its channel).
    pub(crate) fn end(&self) {
        if self.ended.replace(true) {
            return;
        }
        let listening = self.sagas.borrow_mut().drain();
        for listener in listening {
            listener.end();
        }
    }

    pub(crate) fn unsubscribe(&self, key: u64) {
        // Dropped once the lists are let go of: a listener's captures may
        // reach the bus.
        let left = self.sagas.borrow_mut().leave(key);
        let left = left.or_else(|| self.subscribers.borrow_mut().leave(key));
        drop(left);
    }
}

/// A store subscriber, as [`Store::subscribe`] added it: end it with
/// [`unsubscribe`](Self::unsubscribe), redux's unsubscribe function.
/// Dropping it does not unsubscribe (a subscriber meant to hear every
/// dispatch needs no handle kept); unsubscribing twice, which redux
/// ignores, cannot be written (`unsubscribe` takes the subscription).
/// `tests/oracle/saga/store_subscribe.js` pins the order to redux's.
///
/// ```
/// use baton::saga::{Action, Store};
/// use std::{cell::RefCell, rc::Rc};
///
/// #[derive(Clone, Debug)]
/// struct Tick(u32);
/// impl Action for Tick {
///     fn action_type(&self) -> &str { "TICK" }
/// }
/// let store = Store::new((), |_: &mut (), _: &Tick| {});
/// let heard = Rc::new(RefCell::new(Vec::new()));
/// let h = heard.clone();
/// let subscription = store.subscribe(move |Tick(n): &Tick| h.borrow_mut().push(*n));
/// store.dispatch(Tick(1));
/// assert!(subscription.unsubscribe());
/// store.dispatch(Tick(2));
/// assert_eq!(*heard.borrow(), [1]);
/// ```
pub struct Subscription<A> {
    /// Weak: a subscription kept by the program does not keep the store.
    bus: Weak<Bus<A>>,
    key: u64,
}

impl<A> fmt::Debug for Subscription<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("key", &self.key)
            .finish()
    }
}

impl<A: Action> Subscription<A> {
    /// Stops calling the subscriber, and drops it; whether it was still
    /// subscribed (`false` once the store is gone). A dispatch already
    /// going on still calls it, as redux's does.
    pub fn unsubscribe(self) -> bool {
        self.bus
            .upgrade()
            .is_some_and(|bus| bus.drop_subscriber(self.key))
    }
}

/// A store: state changed only by dispatching actions through a reducer.
///
/// ```
/// use baton::saga::{Action, Store};
///
/// #[derive(Clone, Debug)]
/// struct Add(i32);
/// impl Action for Add { fn action_type(&self) -> &str { "ADD" } }
///
/// let store = Store::new(0, |total: &mut i32, Add(n): &Add| *total += n);
/// store.subscribe(|a: &Add| println!("dispatched {a:?}"));
/// store.dispatch(Add(2));
/// store.dispatch(Add(3));
/// assert_eq!(store.state(), 5);
/// ```
pub struct Store<S, A> {
    state: Rc<RefCell<S>>,
    bus: Rc<Bus<A>>,
}

impl<S, A> Clone for Store<S, A> {
    fn clone(&self) -> Self {
        Store {
            state: self.state.clone(),
            bus: self.bus.clone(),
        }
    }
}

impl<S, A> fmt::Debug for Store<S, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl<S: Clone + 'static, A: Action> Store<S, A> {
    /// A store holding `initial`, changed by `reducer`.
    ///
    /// ```
    /// use baton::saga::{Action, Store};
    ///
    /// #[derive(Clone, Debug)]
    /// struct Inc;
    /// impl Action for Inc {
    ///     fn action_type(&self) -> &str { "INC" }
    /// }
    /// let store = Store::new(10, |n: &mut i32, _: &Inc| *n += 1);
    /// store.dispatch(Inc);
    /// assert_eq!(store.state(), 11);
    /// ```
    pub fn new(initial: S, reducer: impl Fn(&mut S, &A) + 'static) -> Self {
        let state = Rc::new(RefCell::new(initial));
        let s = state.clone();
        let bus = Rc::new(Bus::new(Box::new(move |action| {
            reducer(&mut s.borrow_mut(), action);
        })));
        Store { state, bus }
    }

    /// The current state.
    ///
    /// ```
    /// use baton::saga::{Action, Store};
    ///
    /// #[derive(Clone, Debug)]
    /// struct Rename(&'static str);
    /// impl Action for Rename {
    ///     fn action_type(&self) -> &str { "RENAME" }
    /// }
    /// let store = Store::new(String::from("draft"), |s: &mut String, Rename(n): &Rename| *s = n.to_string());
    /// assert_eq!(store.state(), "draft");
    /// store.dispatch(Rename("final"));
    /// assert_eq!(store.state(), "final");
    /// ```
    pub fn state(&self) -> S {
        self.state.borrow().clone()
    }

    /// Reduces `action` into the state, then tells subscribers and the
    /// sagas waiting for it. Subscribers are told at once, even of a
    /// dispatch made from inside another (a redux store's order); the
    /// sagas after them, as redux-saga's middleware tells its channel, and
    /// if a saga's put or another dispatch is being made, once it is over.
    ///
    /// ```
    /// use baton::saga::{Action, Store};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// #[derive(Clone, Debug)]
    /// struct Add(u32);
    /// impl Action for Add {
    ///     fn action_type(&self) -> &str { "ADD" }
    /// }
    /// let store = Store::new(0, |n: &mut u32, Add(k): &Add| *n += k);
    /// let seen = Rc::new(RefCell::new(Vec::new()));
    /// let (s, st) = (seen.clone(), store.clone());
    /// store.subscribe(move |_: &Add| s.borrow_mut().push(st.state())); // after the reducer
    /// store.dispatch(Add(2));
    /// store.dispatch(Add(3));
    /// assert_eq!(*seen.borrow(), [2, 5]);
    /// ```
    pub fn dispatch(&self, action: A) {
        self.bus.reduce(&action);
        let bus = self.bus.clone();
        super::scheduler::dispatch(move || bus.to_sagas(&action));
    }

    /// Calls `listener` after every dispatch, until its [`Subscription`]
    /// is ended (redux's `subscribe`, which returns the unsubscribe
    /// function). A dispatch calls the subscribers there were when it
    /// began, as redux's does.
    ///
    /// ```
    /// use baton::saga::{Action, Store};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// #[derive(Clone, Debug)]
    /// struct Log(&'static str);
    /// impl Action for Log {
    ///     fn action_type(&self) -> &str { "LOG" }
    /// }
    /// let store = Store::new((), |_: &mut (), _: &Log| {});
    /// let lines = Rc::new(RefCell::new(Vec::new()));
    /// let l = lines.clone();
    /// store.subscribe(move |Log(text): &Log| l.borrow_mut().push(*text));
    /// store.dispatch(Log("one"));
    /// store.dispatch(Log("two"));
    /// assert_eq!(*lines.borrow(), ["one", "two"]);
    /// ```
    pub fn subscribe(&self, listener: impl Fn(&A) + 'static) -> Subscription<A> {
        let key = self.bus.subscribe(Rc::new(listener));
        Subscription {
            bus: Rc::downgrade(&self.bus),
            key,
        }
    }

    /// Ends the store for its sagas: redux-saga's `store.dispatch(END)`,
    /// which a server uses to let its sagas finish before it renders.
    ///
    /// A saga waiting at a [`take`] then ends as if `return()` were called
    /// at that yield (its cleanup runs, [`cancelled`](super::cancelled) is
    /// `false`, its task settles with the default value, and its parent and
    /// joiners see a normal end), as does a `race` or an `all` with such a
    /// take in it; every later `take` ends its saga at once. A
    /// [`take_maybe`] gets `None` instead, and an
    /// [action channel](super::action_channel) is closed (the messages it
    /// holds are still taken first; a full sliding buffer drops its oldest,
    /// as the `END` it keeps in redux-saga does). Reducers and subscribers
    /// are not called (they take an action); later dispatches reach them
    /// as before, and no saga.
    ///
    /// ```
    /// use baton::saga::{Action, Runtime, SagaCo, Store, cancelled, take};
    /// use baton::{EventLoop, Gen};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// #[derive(Clone, Debug)]
    /// struct Job(u32);
    /// impl Action for Job {
    ///     fn action_type(&self) -> &str { "JOB" }
    /// }
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// let l = log.clone();
    /// let done = EventLoop::virtual_clock().run(move || {
    ///     let store = Store::new((), |_: &mut (), _: &Job| {});
    ///     let worker = Runtime::new().with_store(&store).run("worker", Gen::new(move |co: SagaCo<u32>| async move {
    ///         let mut handled = 0;
    ///         let outcome = async {
    ///             loop {
    ///                 let Job(n) = take(&co, "JOB").await?;
    ///                 l.borrow_mut().push(format!("job {n}"));
    ///                 handled += 1;
    ///             }
    ///         }
    ///         .await;
    ///         // finally { … }: runs, and this is no cancellation.
    ///         let was_cancelled = cancelled(&co).await?;
    ///         l.borrow_mut().push(format!("cleanup after {handled}, cancelled: {was_cancelled}"));
    ///         outcome
    ///     }));
    ///     store.dispatch(Job(1));
    ///     store.dispatch(Job(2));
    ///     store.end();
    ///     worker.promise()
    /// });
    /// assert_eq!(*log.borrow(), ["job 1", "job 2", "cleanup after 2, cancelled: false"]);
    /// assert_eq!(done.peek().and_then(Result::ok), Some(0)); // ended, not failed
    /// ```
    pub fn end(&self) {
        let bus = self.bus.clone();
        super::scheduler::dispatch(move || bus.end());
    }

    pub(crate) fn register(&self, services: &mut Services) {
        services.insert(self.state.clone());
        services.insert(self.bus.clone());
    }
}

fn missing<X>() -> Error {
    Error::msg(format!(
        "no store in this runtime holds {}: start it with Runtime::with_store",
        std::any::type_name::<X>()
    ))
}

fn described(kind: Kind, name: &str, args: String) -> Description {
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
            super::effect::short_name::<S>().into(),
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
    if super::scheduler::holding() {
        // Made once the forks starting have settled in.
        return Running::listening(put);
    }
    // Puts by the sagas this one wakes wait until the putter, going on
    // at once, waits too (redux-saga's scheduler).
    let hold = super::scheduler::Hold::new();
    put.dispatch();
    hold.pass_on();
    // Its last handle: kept for the next put's.
    crate::recycle::recycle(put);
    Running::now_held(unit())
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
        super::scheduler::asap(self, settled);
        None
    }
}

impl<A: Action> super::scheduler::HeldPut for StorePut<A> {
    /// A reducer or subscriber that panics fails the put, as it does one
    /// made at once: the putting saga is thrown the fault.
    fn make(self: Rc<Self>, settled: Settled) {
        match catch_unwind(AssertUnwindSafe(|| self.dispatch())) {
            Ok(()) => settled.deliver(Ok(unit())),
            Err(payload) => settled.deliver(Err(Fault::from_panic(&*payload).into())),
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
/// when the store has [ended](Store::end) (see
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
/// store has [ended](Store::end).
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

/// The runtime's services (a store's state and bus), one per type. A
/// runtime has a handful, and every put, take and select looks one up: a
/// scan of a short vector beats hashing the type's id, and each entry
/// keeps its type's id beside it, so the scan makes no virtual call.
#[derive(Default)]
pub(crate) struct Services(Vec<(TypeId, Rc<dyn Any>)>);

impl Services {
    /// Adds `service`, replacing one of the same type.
    fn insert<X: 'static>(&mut self, service: Rc<X>) {
        let id = TypeId::of::<X>();
        self.0.retain(|(kept, _)| *kept != id);
        self.0.push((id, service));
    }
}

/// Looks up a service by type.
pub(crate) fn find<X: 'static>(services: &RefCell<Services>) -> Option<Rc<X>> {
    let id = TypeId::of::<X>();
    let services = services.borrow();
    let (_, found) = services.0.iter().find(|(kept, _)| *kept == id)?;
    found.clone().downcast::<X>().ok()
}
