//! A store's action bus: the reducer, then the store's subscribers, then
//! the sagas' takes and action channels, in redux-saga's order.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::roster::Roster;

use super::Action;

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
    pub(super) fn subscribe(&self, listener: Listener<A>) -> u64 {
        self.add(&self.subscribers, listener)
    }

    /// Removes subscriber `key`; whether it was there. Only subscribers:
    /// a key from the program never reaches a saga's listener.
    pub(super) fn drop_subscriber(&self, key: u64) -> bool {
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
