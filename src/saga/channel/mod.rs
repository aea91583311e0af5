//! Channels: queues sagas take from, with an explicit overflow policy;
//! event channels bridging a push source (callbacks) into `take`; and
//! action channels that queue a store's actions until a saga is ready.
//!
//! Nothing is lost or delivered twice: a message goes either to exactly one
//! waiting taker or into the buffer (or is refused by the policy, which
//! says so); a taker cancelled after a message reached it but before its
//! saga resumed hands the message back to the front of the queue.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::rc::{Rc, Weak};

use super::SagaCo;
use super::effect::{
    Description, Effect, Handoff, Kind, Listening, Running, Settled, Stop, Value, stopper,
    take_value, unit, yield_typed,
};
use super::task::Scope;
use crate::generator::Abrupt;
use crate::roster::Roster;
use crate::{Error, Promise, Resolver};

mod action;
mod event;

pub use action::{action_channel, action_channel_effect};
pub use event::{Emitter, event_channel};

/// What a channel does with a message no taker is waiting for.
///
/// ```
/// use baton::saga::{Buffer, Channel, Delivery};
///
/// let dropping = Channel::new(Buffer::Dropping(1));
/// assert_eq!(dropping.put("kept").ok(), Some(Delivery::Buffered));
/// assert_eq!(dropping.put("lost").ok(), Some(Delivery::Dropped)); // newest dropped
/// let none = Channel::new(Buffer::None);
/// assert_eq!(none.put(1).ok(), Some(Delivery::Dropped)); // nobody waiting
/// let expanding = Channel::new(Buffer::Expanding(1));
/// for i in 0..10 {
///     expanding.put(i).ok();
/// }
/// assert_eq!(expanding.len(), 10); // grows as needed
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Buffer {
    /// Keep nothing: the message is dropped (`put` reports it).
    None,
    /// Keep up to `n`; one more is an overflow error.
    Fixed(usize),
    /// Keep up to `n`; newer messages are dropped when full.
    Dropping(usize),
    /// Keep the latest `n`; the oldest is dropped when full.
    Sliding(usize),
    /// Keep everything (starting with room for `n`).
    Expanding(usize),
}

/// What happened to a put message.
///
/// ```
/// use baton::EventLoop;
/// use baton::saga::{Buffer, Channel, Delivery};
///
/// EventLoop::virtual_clock().run(|| {
///     let chan = Channel::new(Buffer::Fixed(4));
///     let waiting = chan.take(); // a taker is waiting
///     assert_eq!(chan.put("to the taker").ok(), Some(Delivery::Taken));
///     assert_eq!(chan.put("queued").ok(), Some(Delivery::Buffered));
///     chan.close();
///     assert_eq!(chan.put("late").ok(), Some(Delivery::Closed));
///     drop(waiting);
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Handed to a waiting taker.
    Taken,
    /// Queued in the buffer.
    Buffered,
    /// Queued, and the oldest queued message was dropped for it.
    DroppedOldest,
    /// Dropped by the policy (a full dropping buffer, or no buffer).
    Dropped,
    /// The channel is closed: ignored.
    Closed,
}

/// A `put` on a full [`Buffer::Fixed`] channel.
///
/// ```
/// use baton::saga::{Buffer, Channel, Overflow};
///
/// let chan = Channel::new(Buffer::Fixed(1));
/// chan.put(1).ok();
/// assert_eq!(chan.put(2), Err(Overflow { capacity: 1 }));
/// assert_eq!(Overflow { capacity: 1 }.to_string(), "channel buffer overflow (capacity 1)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overflow {
    /// The buffer's capacity.
    pub capacity: usize,
}

impl fmt::Display for Overflow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "channel buffer overflow (capacity {})", self.capacity)
    }
}

impl std::error::Error for Overflow {}

/// A taker waiting for a message: a promise ([`Channel::take`]), or a
/// saga's take, which hands the message over itself.
enum Taker<T> {
    Promise(Resolver<Option<T>, Error>),
    Saga(Rc<SagaTake<T>>),
}

impl<T: Clone + 'static> Taker<T> {
    fn give(self, message: Option<T>) {
        match self {
            Taker::Promise(resolver) => resolver.resolve(message),
            // The taking saga resumes at once, inside the put (redux-saga's
            // order: before the putter).
            Taker::Saga(take) => {
                take.handoff.keep(Ok(take.hand_over(message)));
                take.handoff.deliver();
                // The take's last handle once its saga has read the
                // message: kept for the next take's.
                crate::recycle::recycle(take);
            }
        }
    }
}

/// A saga waiting in [`take_from`]: kept by the channel as its taker, it
/// hands the message to the saga inside the put (redux-saga's order), and
/// is what stopping the take reaches. One allocation, where a promise, its
/// reaction and a cancel hook took three.
struct SagaTake<T> {
    channel: Weak<Inner<T>>,
    id: Cell<u64>,
    handoff: Handoff,
    /// [`take_from`]'s own taker, made with its effect: it keeps the
    /// message for the saga to read, and resumes it with `()`, where the
    /// message went back in a new box. Until performed, it holds the
    /// channel (`until_performed`).
    typed: bool,
    kept: Cell<Option<Option<T>>>,
    until_performed: Cell<Option<Channel<T>>>,
}

impl<T: Clone + 'static> SagaTake<T> {
    /// What the saga resumes with for `message` (see `kept`).
    fn hand_over(&self, message: Option<T>) -> Value {
        if self.typed {
            self.kept.set(Some(message));
            unit()
        } else {
            Rc::new(message)
        }
    }

    /// Joins the channel's takers, unless a message (or the end) is there
    /// already: what the saga resumes with then.
    fn start(self: Rc<Self>, chan: &Channel<T>) -> Running {
        match chan.take_now() {
            Some(now) => Running::now(Ok(self.hand_over(now))),
            None => self.join(chan),
        }
    }

    /// Joins the channel's takers, to be handed the next message.
    fn join(self: Rc<Self>, chan: &Channel<T>) -> Running {
        self.id.set(chan.next_taker_id());
        chan.inner
            .takers
            .borrow_mut()
            .join(self.id.get(), Taker::Saga(self.clone()));
        Running::listening(self)
    }
}

impl<T: Clone + 'static> Listening for SagaTake<T> {
    /// A message may have come between the take's start and this (a race
    /// or an `all` starts every part, then waits on each): it goes on now.
    fn wait(self: Rc<Self>, settled: Settled) -> Option<Stop> {
        self.handoff.wait(settled);
        self.handoff.deliver();
        Some(stopper(&self))
    }

    /// Leaves the channel's takers; a message that reached it but not its
    /// saga goes back to the front of the queue.
    fn stop(&self) {
        let undelivered = self.handoff.stop();
        let Some(inner) = self.channel.upgrade() else {
            return;
        };
        let chan = Channel { inner };
        drop(chan.inner.takers.borrow_mut().leave(self.id.get()));
        let Some(Ok(value)) = undelivered else {
            return;
        };
        if self.typed {
            if let Some(Some(message)) = self.kept.take() {
                chan.give_back(message);
            }
        } else if let Some(Some(message)) = value.downcast_ref::<Option<T>>() {
            chan.give_back(message.clone());
        }
    }
}

/// A saga's put: made with the effect, so the effect holds one word.
struct SagaPut<T> {
    channel: Channel<T>,
    message: RefCell<Option<T>>,
}

impl<T: Clone + 'static> SagaPut<T> {
    /// Puts the message: a saga waiting for it takes it at once, inside.
    fn put_now(&self) -> Result<Value, Error> {
        let message = self.message.borrow_mut().take();
        let delivered = message.map_or(Ok(Delivery::Closed), |m| self.channel.put(m));
        delivered.map(delivery_value).map_err(Error::new)
    }
}

impl<T: Clone + 'static> Listening for SagaPut<T> {
    /// A put made while forks start (see `scheduler`): it is made once
    /// they have settled in, and the putting saga resumes with it then, as
    /// it would have at once. There is nothing to stop.
    fn wait(self: Rc<Self>, settled: Settled) -> Option<Stop> {
        super::scheduler::asap(self, settled);
        None
    }
}

impl<T: Clone + 'static> super::scheduler::HeldPut for SagaPut<T> {
    fn make(self: Rc<Self>, settled: Settled) {
        // Handed over as it is made, as a store's held put (`select_put.rs`).
        settled.deliver_handed(self.put_now());
        // Usually the put's last handle: kept for the next put's.
        crate::recycle::recycle(self);
    }
}

/// A [`Delivery`] as a [`Value`], one `Rc` per kind and thread: handing it
/// back allocates nothing.
fn delivery_value(delivery: Delivery) -> Value {
    thread_local! {
        static VALUES: [Value; 5] = [
            Rc::new(Delivery::Taken),
            Rc::new(Delivery::Buffered),
            Rc::new(Delivery::DroppedOldest),
            Rc::new(Delivery::Dropped),
            Rc::new(Delivery::Closed),
        ];
    }
    let index = match delivery {
        Delivery::Taken => 0,
        Delivery::Buffered => 1,
        Delivery::DroppedOldest => 2,
        Delivery::Dropped => 3,
        Delivery::Closed => 4,
    };
    VALUES.with(|values| values[index].clone())
}

struct Inner<T> {
    id: u64,
    policy: Buffer,
    queue: RefCell<VecDeque<T>>,
    /// Waiting in the order they came; a stopped take leaves by its id.
    takers: RefCell<Roster<Taker<T>>>,
    closed: Cell<bool>,
    next_taker: Cell<u64>,
    on_close: RefCell<Option<Box<dyn FnOnce()>>>,
}

/// A channel of `T` (redux-saga's `channel(buffer)`).
///
/// A waiting taker is kept by the channel, as a JavaScript one is kept by
/// its resolver. A saga that waits in [`take_from`] on a channel it holds
/// itself (one captured by its body) is therefore a cycle of `Rc`s, which
/// JavaScript's collector would free once nothing else reaches either:
/// [`close`](Channel::close) the channel (its takers get `None`) or cancel
/// the saga to free both.
///
/// ```
/// use baton::EventLoop;
/// use baton::saga::{Buffer, Channel, Delivery};
///
/// let chan = Channel::new(Buffer::Sliding(2));
/// assert_eq!(chan.put(1).ok(), Some(Delivery::Buffered));
/// assert_eq!(chan.put(2).ok(), Some(Delivery::Buffered));
/// assert_eq!(chan.put(3).ok(), Some(Delivery::DroppedOldest));
/// assert_eq!(chan.flush(), vec![2, 3]);
/// let fixed = Channel::new(Buffer::Fixed(1));
/// fixed.put("a").ok();
/// assert!(fixed.put("b").is_err());
/// ```
pub struct Channel<T> {
    inner: Rc<Inner<T>>,
}

impl<T> Clone for Channel<T> {
    fn clone(&self) -> Self {
        Channel {
            inner: self.inner.clone(),
        }
    }
}

impl<T> fmt::Debug for Channel<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "channel#{}", self.inner.id)
    }
}

thread_local! {
    static NEXT_CHANNEL: Cell<u64> = const { Cell::new(0) };
}

impl<T: Clone + 'static> Channel<T> {
    /// An open channel with the given overflow policy.
    ///
    /// ```
    /// use baton::saga::{Buffer, Channel};
    ///
    /// let chan: Channel<u32> = Channel::new(Buffer::Expanding(16));
    /// assert!(chan.is_empty() && !chan.is_closed());
    /// ```
    pub fn new(policy: Buffer) -> Self {
        let id = NEXT_CHANNEL.with(|n| {
            n.set(n.get() + 1);
            n.get()
        });
        let room = match policy {
            Buffer::None => 0,
            Buffer::Fixed(n) | Buffer::Dropping(n) | Buffer::Sliding(n) | Buffer::Expanding(n) => n,
        };
        Channel {
            inner: Rc::new(Inner {
                id,
                policy,
                queue: RefCell::new(VecDeque::with_capacity(room.min(1024))),
                takers: RefCell::new(Roster::default()),
                closed: Cell::new(false),
                next_taker: Cell::new(0),
                on_close: RefCell::new(None),
            }),
        }
    }

    /// Puts `message`: to the first waiting taker, else into the buffer as
    /// the policy says. A full [`Buffer::Fixed`] refuses it.
    ///
    /// # Errors
    ///
    /// [`Overflow`] when the buffer is [`Buffer::Fixed`] and full (the message
    /// is dropped), as redux-saga's "Channel's Buffer overflow!".
    ///
    /// ```
    /// use baton::EventLoop;
    /// use baton::saga::{Buffer, Channel, Delivery};
    ///
    /// let got = EventLoop::virtual_clock().run(|| {
    ///     let chan = Channel::new(Buffer::Expanding(4));
    ///     let first = chan.take(); // waiting before the put
    ///     assert_eq!(chan.put("hello").ok(), Some(Delivery::Taken));
    ///     first
    /// });
    /// assert_eq!(got.peek().and_then(Result::ok), Some(Some("hello")));
    /// ```
    pub fn put(&self, message: T) -> Result<Delivery, Overflow> {
        if self.inner.closed.get() {
            return Ok(Delivery::Closed);
        }
        if let Some(taker) = self.next_taker() {
            taker.give(Some(message));
            return Ok(Delivery::Taken);
        }
        let mut queue = self.inner.queue.borrow_mut();
        let full = |n: usize| queue.len() >= n;
        Ok(match self.inner.policy {
            Buffer::None => Delivery::Dropped,
            Buffer::Fixed(n) if full(n) => return Err(Overflow { capacity: n }),
            Buffer::Dropping(n) if full(n) => Delivery::Dropped,
            Buffer::Sliding(0) => Delivery::Dropped,
            Buffer::Sliding(n) if full(n) => {
                queue.pop_front();
                queue.push_back(message);
                Delivery::DroppedOldest
            }
            _ => {
                queue.push_back(message);
                Delivery::Buffered
            }
        })
    }

    fn next_taker(&self) -> Option<Taker<T>> {
        self.inner.takers.borrow_mut().pop_front()
    }

    /// A message that reached a taker whose saga stopped waiting: back to
    /// the front of the line.
    fn give_back(&self, message: T) {
        match self.next_taker() {
            Some(taker) => taker.give(Some(message)),
            None => self.inner.queue.borrow_mut().push_front(message),
        }
    }

    /// The next message (`None` once closed and drained): now if one is
    /// buffered, else when one is put.
    ///
    /// ```
    /// use baton::EventLoop;
    /// use baton::saga::{Buffer, Channel};
    ///
    /// let got = EventLoop::virtual_clock().run(|| {
    ///     let chan = Channel::new(Buffer::Expanding(4));
    ///     chan.put(1).ok();
    ///     chan.close();
    ///     baton::promise::all([chan.take(), chan.take()]) // buffered, then drained
    /// });
    /// assert_eq!(got.peek().and_then(Result::ok), Some(vec![Some(1), None]));
    /// ```
    pub fn take(&self) -> Promise<Option<T>, Error> {
        if let Some(now) = self.take_now() {
            return Promise::resolve(now);
        }
        let (promise, resolver) = Promise::with_resolver();
        let id = self.next_taker_id();
        self.inner
            .takers
            .borrow_mut()
            .join(id, Taker::Promise(resolver));
        promise
    }

    /// What a take gets without waiting: a buffered message, or `None` once
    /// the channel is closed.
    fn take_now(&self) -> Option<Option<T>> {
        if let Some(message) = self.inner.queue.borrow_mut().pop_front() {
            return Some(Some(message));
        }
        self.inner.closed.get().then_some(None)
    }

    fn next_taker_id(&self) -> u64 {
        let id = self.inner.next_taker.get() + 1;
        self.inner.next_taker.set(id);
        id
    }

    /// The store's end reaching an action channel: redux-saga puts its
    /// `END` into the buffer, where the messages before it are still taken
    /// and, in a full sliding buffer, it takes the oldest one's place; the
    /// channel is closed after them. (Where redux-saga drops that `END` —
    /// no buffer, a full dropping buffer — or overflows a full fixed one,
    /// the channel is closed all the same, so its takers end rather than
    /// wait forever.)
    pub(crate) fn end(&self) {
        if let Buffer::Sliding(n) = self.inner.policy {
            let mut queue = self.inner.queue.borrow_mut();
            if n > 0 && queue.len() >= n {
                queue.pop_front();
            }
        }
        self.close();
    }

    /// Closes the channel: waiting takers get `None` (redux-saga's `END`),
    /// buffered messages can still be taken, later puts are ignored.
    ///
    /// ```
    /// use baton::EventLoop;
    /// use baton::saga::{Buffer, Channel};
    ///
    /// let got = EventLoop::virtual_clock().run(|| {
    ///     let chan = Channel::<u32>::new(Buffer::Expanding(4));
    ///     let waiting = chan.take();
    ///     chan.close(); // the waiting taker gets `None` (redux-saga's END)
    ///     waiting
    /// });
    /// assert_eq!(got.peek().and_then(Result::ok), Some(None));
    /// ```
    pub fn close(&self) {
        if self.inner.closed.replace(true) {
            return;
        }
        let takers = self.inner.takers.borrow_mut().drain();
        for taker in takers {
            taker.give(None);
        }
        if let Some(unsubscribe) = self.inner.on_close.borrow_mut().take() {
            unsubscribe();
        }
    }

    /// Whether the channel is closed.
    ///
    /// ```
    /// use baton::saga::{Buffer, Channel};
    ///
    /// let chan = Channel::<u8>::new(Buffer::None);
    /// assert!(!chan.is_closed());
    /// chan.close();
    /// assert!(chan.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.inner.closed.get()
    }

    /// Takes every buffered message at once.
    ///
    /// ```
    /// use baton::saga::{Buffer, Channel};
    ///
    /// let chan = Channel::new(Buffer::Expanding(4));
    /// chan.put('a').ok();
    /// chan.put('b').ok();
    /// assert_eq!(chan.flush(), ['a', 'b']);
    /// assert!(chan.is_empty());
    /// ```
    pub fn flush(&self) -> Vec<T> {
        self.inner.queue.borrow_mut().drain(..).collect()
    }

    /// How many messages are buffered.
    ///
    /// ```
    /// use baton::saga::{Buffer, Channel};
    ///
    /// let chan = Channel::new(Buffer::Sliding(2));
    /// for i in 0..5 {
    ///     chan.put(i).ok();
    /// }
    /// assert_eq!(chan.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.inner.queue.borrow().len()
    }

    /// Whether no message is buffered.
    ///
    /// ```
    /// use baton::saga::{Buffer, Channel};
    ///
    /// let chan = Channel::new(Buffer::Fixed(2));
    /// assert!(chan.is_empty());
    /// chan.put(()).ok();
    /// assert!(!chan.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The effect of taking the next message (`None` once closed).
    ///
    /// ```
    /// use baton::saga::{Buffer, Channel, Kind};
    ///
    /// let chan = Channel::<u8>::new(Buffer::None);
    /// assert_eq!(chan.take_effect().describe().kind, Kind::Take);
    /// ```
    pub fn take_effect(&self) -> Effect {
        let describe = |c: &Channel<T>| Description {
            kind: Kind::Take,
            name: "take".into(),
            args: format!("{c:?}"),
        };
        Effect::new(self.clone(), describe, |chan, _: &Scope| {
            // Its taker made only when it must wait.
            match chan.take_now() {
                Some(now) => Running::now(Ok(Rc::new(now))),
                None => chan.saga_take(false).join(&chan),
            }
        })
    }

    fn saga_take(&self, typed: bool) -> Rc<SagaTake<T>> {
        crate::recycle::new_rc(SagaTake {
            channel: Rc::downgrade(&self.inner),
            id: Cell::new(0),
            handoff: Handoff::default(),
            typed,
            kept: Cell::new(None),
            until_performed: Cell::new(None),
        })
    }

    /// [`take_from`]'s effect, and its taker, which the saga reads the
    /// message from (see [`SagaTake::hand_over`]).
    fn typed_take_effect(&self) -> (Effect, Rc<SagaTake<T>>) {
        let take = self.saga_take(true);
        take.until_performed.set(Some(self.clone()));
        let describe = |take: &Rc<SagaTake<T>>| {
            // Taken out and put back: a `Cell` needs no borrow flag.
            let chan = take.until_performed.take();
            let args = chan.as_ref().map(|c| format!("{c:?}"));
            take.until_performed.set(chan);
            Description {
                kind: Kind::Take,
                name: "take".into(),
                args: args.unwrap_or_default(),
            }
        };
        let effect = Effect::new(take.clone(), describe, |take, _: &Scope| {
            match take.until_performed.take() {
                Some(chan) => take.start(&chan),
                None => Running::new(Promise::new(|_| {})),
            }
        });
        (effect, take)
    }

    /// The effect of putting `message` (an [`Overflow`] is thrown into the
    /// saga). The putting saga resumes before the taker the message wakes.
    ///
    /// ```
    /// use baton::saga::{Buffer, Channel, Kind};
    ///
    /// let chan = Channel::new(Buffer::None);
    /// let d = chan.put_effect(5_u8).describe();
    /// assert_eq!((d.kind, d.args.as_str()), (Kind::Put, "channel#1, 5"));
    /// ```
    pub fn put_effect(&self, message: T) -> Effect
    where
        T: fmt::Debug,
    {
        let describe = |put: &Rc<SagaPut<T>>| Description {
            kind: Kind::Put,
            name: "put".into(),
            args: match &*put.message.borrow() {
                Some(m) => format!("{:?}, {m:?}", put.channel),
                None => format!("{:?}", put.channel),
            },
        };
        let put = crate::recycle::new_rc(SagaPut {
            channel: self.clone(),
            message: RefCell::new(Some(message)),
        });
        Effect::new(put, describe, |put, _| {
            if super::scheduler::holding() {
                // Made once the forks starting have settled in.
                return Running::listening(put);
            }
            // Puts by the sagas this one wakes wait until the putter, going
            // on at once, waits too (redux-saga's scheduler).
            let hold = super::scheduler::Hold::new();
            let running = match put.put_now() {
                Ok(delivered) => Running::now_held(delivered),
                // Thrown into the putter inside the put, as redux-saga's.
                Err(overflow) => Running::failed_now_held(overflow),
            };
            hold.pass_on();
            // Usually its last handle: kept for the next put's.
            crate::recycle::recycle(put);
            running
        })
    }
}

/// `yield takeMaybe(channel)`: the next message, `None` once the channel is
/// closed and drained (redux-saga's `END`). Where redux-saga's
/// `take(channel)` would end the saga at `END`, end it by returning:
/// `let Some(m) = take_from(&co, &chan).await? else { return Ok(T::default()) };`.
///
/// # Errors
///
/// `Err(Abrupt::Return(_))` if the saga is cancelled while it waits (see
/// [errors of an effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::saga::{Buffer, Channel, SagaCo, run_saga, take_from};
/// use baton::{EventLoop, Gen};
///
/// let chan = Channel::new(Buffer::Expanding(4));
/// for word in ["a", "b"] {
///     chan.put(word).ok();
/// }
/// chan.close();
/// let saga = Gen::new(move |co: SagaCo<Vec<&'static str>>| async move {
///     let mut words = Vec::new();
///     while let Some(w) = take_from(&co, &chan).await? {
///         words.push(w);
///     }
///     Ok(words)
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some(vec!["a", "b"]));
/// ```
pub async fn take_from<T, M: Clone + 'static>(
    co: &SagaCo<T>,
    channel: &Channel<M>,
) -> Result<Option<M>, Abrupt<Error, T>> {
    let (effect, take) = channel.typed_take_effect();
    let value = co.yield_(effect).await?;
    // A message fed by a test or an interceptor (the effect not
    // performed) comes as the value.
    match take.kept.take() {
        Some(message) => Ok(message),
        None => take_value(value, Kind::Take, "take").map_err(Abrupt::Throw),
    }
}

/// `yield put(channel, message)`: what happened to the message.
///
/// # Errors
///
/// `Err(Abrupt::Throw(_))` with the channel's [`Overflow`] when its fixed
/// buffer is full (thrown inside the put, as redux-saga's: what the saga
/// puts next, before it waits again, waits until it does);
/// `Err(Abrupt::Return(_))` if the saga is cancelled while it waits (see
/// [errors of an effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::saga::{Buffer, Channel, Delivery, SagaCo, put_to, run_saga};
/// use baton::{EventLoop, Gen};
///
/// let chan = Channel::new(Buffer::Dropping(1));
/// let c = chan.clone();
/// let saga = Gen::new(move |co: SagaCo<Vec<Delivery>>| async move {
///     Ok(vec![put_to(&co, &c, 1).await?, put_to(&co, &c, 2).await?])
/// });
/// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some(vec![Delivery::Buffered, Delivery::Dropped]));
/// assert_eq!(chan.flush(), [1]);
/// ```
pub async fn put_to<T, M: Clone + fmt::Debug + 'static>(
    co: &SagaCo<T>,
    channel: &Channel<M>,
    message: M,
) -> Result<Delivery, Abrupt<Error, T>> {
    yield_typed(co, channel.put_effect(message), Kind::Put, "put").await
}
