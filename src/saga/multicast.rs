//! Multicast channels (redux-saga's `multicastChannel`): a put goes to
//! every saga waiting on the channel whose pattern matches, and to nobody
//! else; nothing is kept for a saga that takes later. A store's action
//! bus without the store.

use std::fmt;
use std::rc::Rc;

use super::SagaCo;
use super::effect::{Effect, Kind, yield_typed};
use super::store::{Action, Bus, Pattern, putting, taking, typed_take, typed_take_maybe};
use crate::Error;
use crate::generator::Abrupt;

/// A channel every waiting saga hears (redux-saga's `multicastChannel`):
/// [`take_on`] waits for the next matching action put after it starts;
/// [`put_on`] (or [`put`](Self::put) from outside any saga) hands an
/// action to every saga waiting for it, at once, in the order they began
/// to wait; [`close`](Self::close) is redux-saga's `END`: a waiting
/// `take_on` ends its saga (its cleanup runs, as at a store's end), a
/// `take_maybe_on` gets `None`, and later takes hear it at once.
///
/// The order of events is redux-saga's: `tests/oracle/saga/multicast.js`
/// pins it, and a thousand random programs (`tests/random_multicast.rs`)
/// hold it; so is a saga a put wakes putting in turn, which reaches the
/// others before the first put has reached them all (a saga waiting for
/// both actions can hear the second first and miss the first, as it does
/// in redux-saga).
///
/// ```
/// use baton::saga::{Action, MulticastChannel, Runtime, SagaCo, take_on};
/// use baton::{EventLoop, Gen};
/// use std::{cell::RefCell, rc::Rc};
///
/// #[derive(Clone, Debug)]
/// struct Price(u32);
/// impl Action for Price {
///     fn action_type(&self) -> &str { "PRICE" }
/// }
/// let ticker = MulticastChannel::new();
/// let heard = Rc::new(RefCell::new(Vec::new()));
/// EventLoop::virtual_clock().run(|| {
///     let runtime = Runtime::new();
///     for name in ["chart", "alerts"] {
///         let (ticker, heard) = (ticker.clone(), heard.clone());
///         runtime.run(name, Gen::new(move |co: SagaCo<()>| async move {
///             let Price(p) = take_on(&co, &ticker, "PRICE").await?;
///             heard.borrow_mut().push(format!("{name} heard {p}"));
///             Ok(())
///         }));
///     }
///     ticker.put(Price(101)); // both hear it
///     ticker.put(Price(102)); // nobody waits any more: lost
/// });
/// assert_eq!(*heard.borrow(), ["chart heard 101", "alerts heard 101"]);
/// ```
pub struct MulticastChannel<A> {
    bus: Rc<Bus<A>>,
}

impl<A> Clone for MulticastChannel<A> {
    fn clone(&self) -> Self {
        MulticastChannel {
            bus: self.bus.clone(),
        }
    }
}

impl<A> fmt::Debug for MulticastChannel<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MulticastChannel")
    }
}

impl<A: Action> Default for MulticastChannel<A> {
    fn default() -> Self {
        Self::new()
    }
}

impl<A: Action> MulticastChannel<A> {
    /// An open channel nobody waits on.
    ///
    /// ```
    /// use baton::saga::{Action, MulticastChannel};
    ///
    /// #[derive(Clone, Debug)]
    /// struct Ping;
    /// impl Action for Ping {
    ///     fn action_type(&self) -> &str { "PING" }
    /// }
    /// let chan = MulticastChannel::<Ping>::new();
    /// assert!(!chan.is_closed());
    /// ```
    pub fn new() -> Self {
        MulticastChannel {
            bus: Rc::new(Bus::new(Box::new(|_| {}))),
        }
    }

    /// Hands `action` to every saga waiting for it, at once (from outside
    /// any saga: a socket's callback, a timer). Ignored once closed.
    ///
    /// ```
    /// use baton::saga::{Action, MulticastChannel};
    ///
    /// #[derive(Clone, Debug)]
    /// struct Ping;
    /// impl Action for Ping {
    ///     fn action_type(&self) -> &str { "PING" }
    /// }
    /// MulticastChannel::new().put(Ping); // nobody waits: nothing happens
    /// ```
    pub fn put(&self, action: A) {
        self.bus.to_sagas(&action);
    }

    /// Closes the channel (redux-saga's `END`): the sagas waiting hear the
    /// end at once, and every later take hears it as it starts.
    ///
    /// ```
    /// use baton::saga::{Action, MulticastChannel, SagaCo, run_saga, take_maybe_on};
    /// use baton::{EventLoop, Gen};
    ///
    /// #[derive(Clone, Debug)]
    /// struct Ping;
    /// impl Action for Ping {
    ///     fn action_type(&self) -> &str { "PING" }
    /// }
    /// let chan = MulticastChannel::<Ping>::new();
    /// let c = chan.clone();
    /// let p = EventLoop::virtual_clock().run(move || {
    ///     let task = run_saga(Gen::new(move |co: SagaCo<bool>| async move {
    ///         Ok(take_maybe_on(&co, &c, "PING").await?.is_none())
    ///     }));
    ///     chan.close();
    ///     assert!(chan.is_closed());
    ///     task.promise()
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok), Some(true)); // heard the end
    /// ```
    pub fn close(&self) {
        self.bus.end();
    }

    /// Whether the channel is closed.
    ///
    /// ```
    /// use baton::saga::{Action, MulticastChannel};
    ///
    /// #[derive(Clone, Debug)]
    /// struct Ping;
    /// impl Action for Ping {
    ///     fn action_type(&self) -> &str { "PING" }
    /// }
    /// let chan = MulticastChannel::<Ping>::new();
    /// chan.close();
    /// assert!(chan.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.bus.is_ended()
    }

    /// The effect of waiting for the next action matching `pattern` put on
    /// this channel after the effect starts ([`take_on`]).
    ///
    /// ```
    /// use baton::saga::{Action, Kind, MulticastChannel};
    ///
    /// #[derive(Clone, Debug)]
    /// struct Ping;
    /// impl Action for Ping {
    ///     fn action_type(&self) -> &str { "PING" }
    /// }
    /// let d = MulticastChannel::<Ping>::new().take_effect("PING").describe();
    /// assert_eq!((d.kind, d.args.as_str()), (Kind::Take, "multicast, \"PING\""));
    /// ```
    pub fn take_effect(&self, pattern: impl Into<Pattern<A>>) -> Effect {
        taking::<A, false>(pattern.into(), Some(&self.bus), false).0
    }

    /// The effect of waiting for the next matching action or the end
    /// ([`take_maybe_on`]).
    ///
    /// ```
    /// use baton::saga::{Action, Kind, MulticastChannel};
    ///
    /// #[derive(Clone, Debug)]
    /// struct Ping;
    /// impl Action for Ping {
    ///     fn action_type(&self) -> &str { "PING" }
    /// }
    /// let d = MulticastChannel::<Ping>::new().take_maybe_effect("*").describe();
    /// assert_eq!((d.name.as_str(), d.args.as_str()), ("takeMaybe", "multicast, *"));
    /// ```
    pub fn take_maybe_effect(&self, pattern: impl Into<Pattern<A>>) -> Effect {
        taking::<A, true>(pattern.into(), Some(&self.bus), false).0
    }

    /// The effect of putting `action` on this channel ([`put_on`]).
    ///
    /// ```
    /// use baton::saga::{Action, Kind, MulticastChannel};
    ///
    /// #[derive(Clone, Debug)]
    /// struct Ping;
    /// impl Action for Ping {
    ///     fn action_type(&self) -> &str { "PING" }
    /// }
    /// let d = MulticastChannel::new().put_effect(Ping).describe();
    /// assert_eq!((d.kind, d.args.as_str()), (Kind::Put, "Ping"));
    /// ```
    pub fn put_effect(&self, action: A) -> Effect {
        putting(action, Some(self.bus.clone()))
    }
}

/// `yield take(multicastChannel, pattern)`: the next matching action put
/// on `channel` after this saga began to wait.
///
/// # Errors
///
/// `Err(Abrupt::Return(_))` if the saga is cancelled while it waits, or
/// when the channel is [closed](MulticastChannel::close) (the saga ends
/// there; see [errors of an effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::saga::{Action, MulticastChannel, SagaCo, run_saga, take_on};
/// use baton::{EventLoop, Gen};
///
/// #[derive(Clone, Debug)]
/// enum Msg { Hello(u8), Bye }
/// impl Action for Msg {
///     fn action_type(&self) -> &str {
///         match self { Msg::Hello(_) => "HELLO", Msg::Bye => "BYE" }
///     }
/// }
/// let chan = MulticastChannel::new();
/// let c = chan.clone();
/// let p = EventLoop::virtual_clock().run(move || {
///     let task = run_saga(Gen::new(move |co: SagaCo<u8>| async move {
///         match take_on(&co, &c, "HELLO").await? {
///             Msg::Hello(n) => Ok(n),
///             Msg::Bye => Ok(0),
///         }
///     }));
///     chan.put(Msg::Bye); // not what it waits for
///     chan.put(Msg::Hello(7));
///     task.promise()
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(7));
/// ```
pub async fn take_on<T, A: Action>(
    co: &SagaCo<T>,
    channel: &MulticastChannel<A>,
    pattern: impl Into<Pattern<A>>,
) -> Result<A, Abrupt<Error, T>> {
    typed_take(
        co,
        taking::<A, false>(pattern.into(), Some(&channel.bus), true),
    )
    .await
}

/// `yield takeMaybe(multicastChannel, pattern)`: the next matching action,
/// or `None` once the channel is closed.
///
/// # Errors
///
/// `Err(Abrupt::Return(_))` if the saga is cancelled while it waits (see
/// [errors of an effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::saga::{Action, MulticastChannel, SagaCo, run_saga, take_maybe_on};
/// use baton::{EventLoop, Gen};
///
/// #[derive(Clone, Debug)]
/// struct Line(&'static str);
/// impl Action for Line {
///     fn action_type(&self) -> &str { "LINE" }
/// }
/// let chan = MulticastChannel::new();
/// let c = chan.clone();
/// let p = EventLoop::virtual_clock().run(move || {
///     let task = run_saga(Gen::new(move |co: SagaCo<Vec<&'static str>>| async move {
///         let mut lines = Vec::new();
///         while let Some(Line(l)) = take_maybe_on(&co, &c, "*").await? {
///             lines.push(l);
///         }
///         Ok(lines)
///     }));
///     chan.put(Line("a"));
///     chan.put(Line("b"));
///     chan.close();
///     task.promise()
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(vec!["a", "b"]));
/// ```
pub async fn take_maybe_on<T, A: Action>(
    co: &SagaCo<T>,
    channel: &MulticastChannel<A>,
    pattern: impl Into<Pattern<A>>,
) -> Result<Option<A>, Abrupt<Error, T>> {
    typed_take_maybe(
        co,
        taking::<A, true>(pattern.into(), Some(&channel.bus), true),
    )
    .await
}

/// `yield put(multicastChannel, action)`: every saga waiting for `action`
/// hears it (and goes on at once, before this saga, as after a put to the
/// store).
///
/// # Errors
///
/// `Err(Abrupt::Throw(_))` when a saga that hears it panics there (a
/// [`Fault`](crate::Fault)); `Err(Abrupt::Return(_))` if this saga is
/// cancelled while it waits (see [errors of an
/// effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::saga::{Action, MulticastChannel, SagaCo, put_on, run_saga, take_on};
/// use baton::{EventLoop, Gen};
///
/// #[derive(Clone, Debug)]
/// struct Job(u32);
/// impl Action for Job {
///     fn action_type(&self) -> &str { "JOB" }
/// }
/// let chan = MulticastChannel::<Job>::new();
/// let (c1, c2) = (chan.clone(), chan.clone());
/// let p = EventLoop::virtual_clock().run(move || {
///     let worker = run_saga(Gen::new(move |co: SagaCo<u32>| async move {
///         Ok(take_on(&co, &c1, "JOB").await?.0 * 2)
///     }));
///     run_saga(Gen::new(move |co: SagaCo<()>| async move { put_on(&co, &c2, Job(21)).await }));
///     worker.promise()
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(42));
/// ```
pub async fn put_on<T, A: Action>(
    co: &SagaCo<T>,
    channel: &MulticastChannel<A>,
    action: A,
) -> Result<(), Abrupt<Error, T>> {
    yield_typed(co, channel.put_effect(action), Kind::Put, "put").await
}
