//! Seed 003's `SagaRuntime` store: state, dispatch, subscription, and the
//! effects that reach it — `select`, `put`, `take`.

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::fmt;
use std::rc::{Rc, Weak};

mod bus;
mod select_put;
mod take;

pub(crate) use bus::{Bus, Listen};
pub(crate) use select_put::putting;
pub use select_put::{put, put_effect, select, select_effect};
pub(crate) use take::{Ended, taking, typed_take, typed_take_maybe};
pub use take::{take, take_effect, take_maybe, take_maybe_effect};

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

/// Which actions a `take` waits for: any, those of one type, those of
/// any of several types (redux-saga's array pattern), or those a predicate
/// accepts.
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
/// let either: Pattern<Key> = (&["KEY", "TAP"]).into();
/// let digits = Pattern::when(|k: &Key| k.0.is_ascii_digit());
/// assert!(any.matches(&Key('x')) && typed.matches(&Key('x')) && either.matches(&Key('x')));
/// assert!(digits.matches(&Key('7')) && !digits.matches(&Key('x')));
/// ```
pub enum Pattern<A> {
    /// Every action (`'*'`).
    Any,
    /// Actions of this type.
    Type(&'static str),
    /// Actions of any of these types (`['A', 'B']`).
    OneOf(&'static [&'static str]),
    /// Actions the predicate accepts.
    When(Rc<dyn Fn(&A) -> bool>),
}

impl<A> Clone for Pattern<A> {
    fn clone(&self) -> Self {
        match self {
            Pattern::Any => Pattern::Any,
            Pattern::Type(t) => Pattern::Type(t),
            Pattern::OneOf(types) => Pattern::OneOf(types),
            Pattern::When(f) => Pattern::When(f.clone()),
        }
    }
}

impl<A> fmt::Debug for Pattern<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pattern::Any => f.write_str("*"),
            Pattern::Type(t) => write!(f, "{t:?}"),
            Pattern::OneOf(types) => write!(f, "{types:?}"),
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

impl<A> From<&'static [&'static str]> for Pattern<A> {
    fn from(action_types: &'static [&'static str]) -> Self {
        Pattern::OneOf(action_types)
    }
}

impl<A, const N: usize> From<&'static [&'static str; N]> for Pattern<A> {
    fn from(action_types: &'static [&'static str; N]) -> Self {
        Pattern::OneOf(action_types)
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
            Pattern::OneOf(types) => types.contains(&action.action_type()),
            Pattern::When(f) => f(action),
        }
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
/// A saga waiting in [`take`](super::take) is kept by the store it listens
/// to, as a JavaScript one is kept by the channel redux-saga's middleware
/// holds, and a runtime keeps its store: a saga left waiting for an
/// action when its run ends (a watcher's endless loop of takes) is a cycle
/// of `Rc`s, which JavaScript's collector would free once nothing else
/// reaches it. [`end`](Store::end) the store (redux-saga's `END`: its
/// takers finish) or cancel the saga to free both.
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

/// What a reducer that dispatches, or reads the store's state, is told.
#[cold]
#[inline(never)]
fn reducer_reentered() -> ! {
    panic!(
        "a store's reducer dispatched an action or read the store's state while it ran: a \
         reducer gets the state as its argument and changes it there (redux: \"Reducers may \
         not dispatch actions\"); dispatch from a subscriber or a saga instead"
    )
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
            let Ok(mut state) = s.try_borrow_mut() else {
                reducer_reentered()
            };
            reducer(&mut state, action);
        })));
        Store { state, bus }
    }

    /// The current state.
    ///
    /// # Panics
    ///
    /// Read from inside the store's reducer, which gets the state as its
    /// argument (redux: "You may not call store.getState() while the
    /// reducer is executing").
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
        match self.state.try_borrow() {
            Ok(state) => state.clone(),
            Err(_) => reducer_reentered(),
        }
    }

    /// Reduces `action` into the state, then tells subscribers and the
    /// sagas waiting for it. Subscribers are told at once, even of a
    /// dispatch made from inside another (a redux store's order); the
    /// sagas after them, as redux-saga's middleware tells its channel, and
    /// if a saga's put or another dispatch is being made, once it is over.
    ///
    /// # Panics
    ///
    /// Made from inside the store's reducer (redux: "Reducers may not
    /// dispatch actions"), or when the reducer panics.
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
    /// A saga waiting at a [`take()`] then ends as if `return()` were called
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
