//! [`CancellationToken`]: seed 003's token. Cancel once, with a reason;
//! listeners hear of it; code checks it, or awaits it
//! ([`cancelled`](CancellationToken::cancelled), tokio-util's name for
//! the same future). A listener can be removed again
//! (JavaScript's `AbortSignal.removeEventListener`): the runner and the
//! saga runtime remove theirs when their run or task ends, so a token that
//! outlives them (a server's shutdown token, say) does not keep every run
//! it ever watched. A [`child`](CancellationToken::child) token follows
//! its parent's cancellation and leaves the parent's listeners when it is
//! cancelled on its own or dropped.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use crate::event_loop::{self, Job};
use crate::promise::task::task_of;
use crate::roster::Roster;
use crate::stack::on_enough_stack;

/// A cancellation token (seed 003's `CancellationToken`): cancel once,
/// with a reason; listeners hear about it; code can check it.
///
/// Like everything on a loop it stays on its thread (`!Send`; tokio-util's
/// token is the thread-safe one). To cancel from another thread, send the
/// loop a message (a tokio channel, say) that a task awaits and answers
/// with `cancel`.
///
/// ```
/// use baton::Error;
/// use baton::runner::CancellationToken;
///
/// let token = CancellationToken::<Error>::new();
/// token.on_cancel(|reason| println!("cancelled: {reason}"));
/// assert!(token.throw_if_cancelled().is_ok());
/// token.cancel(Error::msg("User pressed cancel"));
/// token.cancel(Error::msg("ignored: only the first cancel counts"));
/// assert_eq!(token.reason().map(|e| e.to_string()).as_deref(), Some("User pressed cancel"));
/// assert!(token.throw_if_cancelled().is_err());
/// ```
pub struct CancellationToken<E = crate::Error> {
    inner: Rc<TokenState<E>>,
}

type Listener<E> = Box<dyn FnOnce(&E)>;

struct TokenState<E> {
    reason: RefCell<Option<E>>,
    /// In the order they were added, under their ids: one leaves by binary
    /// search, and a thousand runs ending one after another leave nothing.
    listeners: RefCell<Roster<Listener<E>>>,
    /// Its [`child`](CancellationToken::child) tokens, held weakly, told
    /// after its listeners (Node's order for `AbortSignal.any`).
    children: RefCell<Roster<Weak<TokenState<E>>>>,
    /// Where it is among its parent's children: it leaves when it is
    /// cancelled on its own or dropped, so a parent that outlives its
    /// children keeps none of them.
    parent: Cell<Option<Place<E>>>,
}

impl<E> Drop for TokenState<E> {
    fn drop(&mut self) {
        self.leave_parent();
    }
}

impl<E> TokenState<E> {
    fn remove(&self, id: ListenerId) -> bool {
        let removed = self.listeners.borrow_mut().leave(id.0);
        // Dropped outside the borrow: what it holds may reach the token.
        removed.is_some()
    }

    fn leave_parent(&self) {
        if let Some(place) = self.parent.take() {
            place.leave_children();
        }
    }
}

impl<E: Clone + 'static> TokenState<E> {
    /// Sets the reason, then tells the listeners and the children, in
    /// order; a panic of one of them is resumed once all have been told.
    fn cancel(&self, reason: &E) {
        if self.reason.borrow().is_some() {
            return;
        }
        *self.reason.borrow_mut() = Some(reason.clone());
        self.leave_parent(); // cancelled on its own: the parent need not tell it
        let listeners = self.listeners.borrow_mut().drain();
        let children = self.children.borrow_mut().drain();
        let mut first_panic = None;
        for listener in listeners {
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| listener(reason))) {
                first_panic.get_or_insert(panic);
            }
        }
        for child in children.filter_map(|child| child.upgrade()) {
            // A chain of children is as deep as the program made it.
            let told = catch_unwind(AssertUnwindSafe(|| {
                on_enough_stack(|| child.cancel(reason))
            }));
            if let Err(panic) = told {
                first_panic.get_or_insert(panic);
            }
        }
        if let Some(panic) = first_panic {
            resume_unwind(panic);
        }
    }
}

/// A place in one of a token's rosters, the token held weakly: a run's or
/// a task's listener, which it leaves when it ends (see
/// [`CancellationToken::listen`]), or a child token among its parent's
/// children.
pub(crate) struct Place<E> {
    token: Weak<TokenState<E>>,
    id: ListenerId,
}

impl<E> Place<E> {
    pub(crate) fn leave_listeners(self) {
        if let Some(token) = self.token.upgrade() {
            token.remove(self.id);
        }
    }

    fn leave_children(self) {
        if let Some(token) = self.token.upgrade() {
            token.children.borrow_mut().leave(self.id.0);
        }
    }
}

/// Names a listener added with [`CancellationToken::on_cancel`], to
/// remove it with [`CancellationToken::remove_listener`].
///
/// Ids are unique on their thread (a token cannot leave it), so the id of
/// one token's listener never removes another token's.
///
/// ```
/// use baton::runner::CancellationToken;
///
/// let (a, b) = (CancellationToken::<&str>::new(), CancellationToken::<&str>::new());
/// let on_a = a.on_cancel(|_| {});
/// let on_b = b.on_cancel(|_| {});
/// assert_ne!(on_a, on_b);
/// assert!(!b.remove_listener(on_a)); // a's listener is not b's to remove
/// assert!(a.remove_listener(on_a));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ListenerId(u64);

impl ListenerId {
    /// The next id of this thread: ids grow, as a roster wants them to.
    fn fresh() -> Self {
        thread_local! {
            static NEXT: Cell<u64> = const { Cell::new(0) };
        }
        NEXT.with(|next| {
            let id = next.get() + 1;
            next.set(id);
            ListenerId(id)
        })
    }
}

impl<E> Clone for CancellationToken<E> {
    fn clone(&self) -> Self {
        CancellationToken {
            inner: self.inner.clone(),
        }
    }
}

impl<E> std::fmt::Debug for CancellationToken<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancellationToken")
            .field("cancelled", &self.inner.reason.borrow().is_some())
            .finish()
    }
}

impl<E: Clone + 'static> Default for CancellationToken<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Clone + 'static> CancellationToken<E> {
    /// A token not yet cancelled.
    ///
    /// ```
    /// use baton::runner::CancellationToken;
    ///
    /// let token: CancellationToken<String> = CancellationToken::new();
    /// assert!(!token.is_cancelled());
    /// assert_eq!(token.reason(), None);
    /// ```
    pub fn new() -> Self {
        CancellationToken {
            inner: Rc::new(TokenState {
                reason: RefCell::new(None),
                listeners: RefCell::new(Roster::default()),
                children: RefCell::new(Roster::default()),
                parent: Cell::new(None),
            }),
        }
    }

    /// Cancels with `reason` and tells every listener, in the order they
    /// were added; later calls are ignored.
    ///
    /// # Panics
    ///
    /// When a listener panics, once every listener has been told: the
    /// first panic is resumed then. (JavaScript's `forEach` over the
    /// callbacks would stop at a throwing one, and the runs after it would
    /// never hear of the cancellation.)
    ///
    /// ```
    /// use baton::runner::CancellationToken;
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// let heard = Rc::new(RefCell::new(Vec::new()));
    /// let token = CancellationToken::new();
    /// let h = heard.clone();
    /// token.on_cancel(move |why: &&str| h.borrow_mut().push(*why));
    /// token.cancel("user pressed stop");
    /// token.cancel("ignored: already cancelled");
    /// assert_eq!(*heard.borrow(), ["user pressed stop"]);
    /// ```
    pub fn cancel(&self, reason: E) {
        self.inner.cancel(&reason);
    }

    /// Whether it has been cancelled.
    ///
    /// ```
    /// use baton::runner::CancellationToken;
    ///
    /// let token = CancellationToken::new();
    /// let copy = token.clone(); // clones share the state
    /// copy.cancel("stop");
    /// assert!(token.is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.inner.reason.borrow().is_some()
    }

    /// The reason, once cancelled.
    ///
    /// ```
    /// use baton::runner::CancellationToken;
    ///
    /// let token = CancellationToken::new();
    /// assert_eq!(token.reason(), None);
    /// token.cancel(408);
    /// assert_eq!(token.reason(), Some(408));
    /// ```
    pub fn reason(&self) -> Option<E> {
        self.inner.reason.borrow().clone()
    }

    /// Calls `listener` on cancellation (at once if already cancelled);
    /// returns its id, for [`remove_listener`](Self::remove_listener).
    ///
    /// ```
    /// use baton::runner::CancellationToken;
    /// use std::{cell::Cell, rc::Rc};
    ///
    /// let calls = Rc::new(Cell::new(0));
    /// let token = CancellationToken::new();
    /// let c = calls.clone();
    /// token.on_cancel(move |_: &&str| c.set(c.get() + 1));
    /// token.cancel("now");
    /// let c = calls.clone();
    /// token.on_cancel(move |_| c.set(c.get() + 10)); // already cancelled: runs at once
    /// assert_eq!(calls.get(), 11);
    /// ```
    pub fn on_cancel(&self, listener: impl FnOnce(&E) + 'static) -> ListenerId {
        let id = ListenerId::fresh();
        let reason = self.reason();
        match reason {
            Some(reason) => listener(&reason),
            None => self
                .inner
                .listeners
                .borrow_mut()
                .join(id.0, Box::new(listener)),
        }
        id
    }

    /// Removes the listener `id` names, so it is not called and whatever
    /// it holds is dropped now; returns whether it was still waiting
    /// (`false` once the token is cancelled, or for another token's id).
    ///
    /// ```
    /// use baton::runner::CancellationToken;
    /// use std::{cell::Cell, rc::Rc};
    ///
    /// let heard = Rc::new(Cell::new(0));
    /// let token = CancellationToken::new();
    /// let h = heard.clone();
    /// let first = token.on_cancel(move |_: &&str| h.set(h.get() + 1));
    /// let h = heard.clone();
    /// token.on_cancel(move |_| h.set(h.get() + 10));
    /// assert!(token.remove_listener(first));
    /// assert!(!token.remove_listener(first)); // gone already
    /// token.cancel("stop");
    /// assert_eq!(heard.get(), 10); // only the second heard it
    /// ```
    pub fn remove_listener(&self, id: ListenerId) -> bool {
        self.inner.remove(id)
    }

    /// Adds `listener` for a run or task that removes it when it ends,
    /// through the returned handle. The handle holds the token weakly: a
    /// run waiting for ever must not keep alive the token that keeps it.
    pub(crate) fn listen(&self, listener: impl FnOnce(&E) + 'static) -> Place<E> {
        Place {
            token: Rc::downgrade(&self.inner),
            id: self.on_cancel(listener),
        }
    }

    /// `Err(reason)` once cancelled: `?` it inside a generator or task.
    ///
    /// # Errors
    ///
    /// The cancellation's reason, once the token is cancelled.
    ///
    /// ```
    /// use baton::runner::CancellationToken;
    ///
    /// fn step(token: &CancellationToken<&'static str>) -> Result<u32, &'static str> {
    ///     token.throw_if_cancelled()?;
    ///     Ok(1)
    /// }
    /// let token = CancellationToken::new();
    /// assert_eq!(step(&token), Ok(1));
    /// token.cancel("timed out");
    /// assert_eq!(step(&token), Err("timed out"));
    /// ```
    pub fn throw_if_cancelled(&self) -> Result<(), E> {
        match self.reason() {
            Some(reason) => Err(reason),
            None => Ok(()),
        }
    }

    /// A token cancelled, with this one's reason, when this one is; it can
    /// also be cancelled on its own, which leaves this one as it is
    /// (tokio-util's `child_token`; JavaScript's `AbortSignal.any([signal])`
    /// with an `AbortController` of its own). The children are told after
    /// this token's own listeners, in the order they were made, as Node
    /// tells the signals made by `AbortSignal.any`. A request's token made from
    /// a server's shutdown token, say: the child leaves its parent's
    /// listeners when it is cancelled or dropped, so the parent keeps none
    /// of the children it outlives.
    ///
    /// ```
    /// use baton::runner::CancellationToken;
    ///
    /// let shutdown = CancellationToken::new();
    /// let (request, other) = (shutdown.child(), shutdown.child());
    /// request.cancel("client went away");
    /// assert!(!shutdown.is_cancelled()); // a child's cancel stays its own
    /// shutdown.cancel("shutting down");
    /// assert_eq!(other.reason(), Some("shutting down"));
    /// assert_eq!(request.reason(), Some("client went away")); // the first reason counts
    /// assert_eq!(shutdown.child().reason(), Some("shutting down")); // born cancelled
    /// ```
    pub fn child(&self) -> CancellationToken<E> {
        let child = CancellationToken::new();
        match self.reason() {
            Some(reason) => child.cancel(reason),
            None => {
                let id = ListenerId::fresh();
                let children = &self.inner.children;
                children
                    .borrow_mut()
                    .join(id.0, Rc::downgrade(&child.inner));
                let token = Rc::downgrade(&self.inner);
                child.inner.parent.set(Some(Place { token, id }));
            }
        }
        child
    }

    /// A future of the cancellation: ready with the reason once the token
    /// is cancelled (at once if it is). Dropped before that (a race it
    /// lost), it removes its listener, so a long-lived token raced by many
    /// short tasks keeps none of them.
    ///
    /// Awaited by a task on baton's loop, the cancellation resumes the
    /// task one microtask later, as a promise's reaction would, and the
    /// virtual clock does not wait for it; under another executor it wakes
    /// that executor's waker.
    ///
    /// ```
    /// use baton::runner::CancellationToken;
    /// use baton::{Error, EventLoop, set_timeout};
    /// use std::time::Duration;
    ///
    /// let token = CancellationToken::new();
    /// let t = token.clone();
    /// let out = EventLoop::virtual_clock().block_on(async move {
    ///     set_timeout(move || t.cancel(Error::msg("shutdown")), Duration::from_secs(3));
    ///     let reason = token.cancelled().await;
    ///     Ok::<_, Error>(format!("{reason} at {:?}", baton::now()))
    /// });
    /// assert_eq!(out.ok().as_deref(), Some("shutdown at 3s"));
    /// ```
    pub fn cancelled(&self) -> WhenCancelled<E> {
        WhenCancelled {
            token: self.clone(),
            listening: None,
        }
    }
}

/// The future of [`CancellationToken::cancelled`]: the reason, once the
/// token is cancelled (at its first poll if it already was).
///
/// ```
/// use baton::runner::CancellationToken;
/// use baton::{Error, EventLoop, set_timeout};
/// use std::time::Duration;
///
/// let out = EventLoop::virtual_clock().block_on(async {
///     let token = CancellationToken::new();
///     let t = token.clone();
///     set_timeout(move || t.cancel("deadline"), Duration::from_millis(250));
///     let reason = token.cancelled().await;
///     Ok::<_, Error>((reason, baton::now()))
/// });
/// assert_eq!(out.ok(), Some(("deadline", Duration::from_millis(250))));
/// ```
#[must_use = "a future does nothing unless awaited"]
pub struct WhenCancelled<E: Clone + 'static> {
    token: CancellationToken<E>,
    /// Its listener, once polled, and who the listener wakes: shared with
    /// the listener, and changed when a later poll comes from elsewhere.
    listening: Option<(ListenerId, Rc<Cell<Option<Wake>>>)>,
}

/// Who a [`WhenCancelled`] wakes: the task on baton's loop that polled it
/// (queued as a promise's reaction queues it, with no waker cloned, so
/// the virtual clock does not wait on it), or another executor's waker.
enum Wake {
    Task(Rc<dyn Job>),
    Waker(Waker),
}

impl<E: Clone + 'static> std::fmt::Debug for WhenCancelled<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WhenCancelled")
            .field("cancelled", &self.token.is_cancelled())
            .finish()
    }
}

impl<E: Clone + 'static> Future for WhenCancelled<E> {
    type Output = E;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<E> {
        if let Some(reason) = self.token.reason() {
            self.listening = None; // heard, and gone from the token
            return Poll::Ready(reason);
        }
        let wake = match task_of(cx) {
            Some(lent) => Wake::Task(lent.task.clone()),
            None => Wake::Waker(cx.waker().clone()),
        };
        match &self.listening {
            Some((_, waiting)) => waiting.set(Some(wake)),
            None => {
                let waiting = Rc::new(Cell::new(Some(wake)));
                let heard = waiting.clone();
                let id = self.token.on_cancel(move |_| match heard.take() {
                    Some(Wake::Task(task)) => event_loop::queue_job(task),
                    Some(Wake::Waker(waker)) => waker.wake(),
                    None => {}
                });
                self.listening = Some((id, waiting));
            }
        }
        Poll::Pending
    }
}

impl<E: Clone + 'static> Drop for WhenCancelled<E> {
    fn drop(&mut self) {
        if let Some((id, _)) = self.listening.take() {
            self.token.remove_listener(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CancellationToken;
    use proptest::prelude::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// A parent holds its children weakly, and a child leaves it when
    /// cancelled on its own or dropped.
    #[test]
    fn a_child_leaves_its_parent_when_cancelled_alone_or_dropped() {
        let parent = CancellationToken::<&str>::new();
        let alone = parent.child();
        assert_eq!(std::rc::Rc::weak_count(&alone.inner), 1, "the parent's");
        alone.cancel("alone");
        assert_eq!(std::rc::Rc::weak_count(&alone.inner), 0, "left the parent");
        let dropped = parent.child();
        assert!(!parent.inner.children.borrow().is_empty());
        drop(dropped);
        assert!(parent.inner.children.borrow().is_empty(), "no child left");
        parent.cancel("parent");
        assert_eq!(alone.reason(), Some("alone"));
    }

    /// Cancelling the head of a chain of children 100,000 long reaches its
    /// end: each child cancels the next from its parent's listener.
    #[test]
    fn a_chain_of_children_deeper_than_the_stack_is_cancelled_to_its_end() {
        let depth = if cfg!(miri) { 50 } else { 100_000 };
        let root = CancellationToken::<&str>::new();
        let chain: Vec<CancellationToken<&str>> =
            std::iter::successors(Some(root.clone()), |token| Some(token.child()))
                .take(depth + 1)
                .collect();
        root.cancel("stop");
        assert!(chain.iter().all(|token| token.reason() == Some("stop")));
    }

    proptest! {
        /// Listeners added and removed in any order, the token cancelled
        /// at any point: every listener still there hears the reason once,
        /// in the order they were added; one removed never does; one added
        /// after the cancellation hears it at once.
        #[test]
        fn every_listener_still_there_hears_once_in_order(
            ops in proptest::collection::vec((0_u8..3, 0_usize..64), 0..120),
            cancel_at in 0_usize..130,
        ) {
            let token = CancellationToken::<u8>::new();
            let heard = Rc::new(RefCell::new(Vec::new()));
            let mut ids = Vec::new();
            let mut expected = Vec::new();
            let mut waiting: Vec<usize> = Vec::new();
            for (step, (op, pick)) in ops.into_iter().enumerate() {
                if step == cancel_at {
                    token.cancel(7);
                    expected.append(&mut waiting);
                }
                if op < 2 {
                    let n = ids.len();
                    let h = heard.clone();
                    ids.push(token.on_cancel(move |reason| h.borrow_mut().push((n, *reason))));
                    if token.is_cancelled() {
                        expected.push(n);
                    } else {
                        waiting.push(n);
                    }
                } else if !ids.is_empty() {
                    let n = pick % ids.len();
                    let was_waiting = waiting.iter().position(|&w| w == n).map(|at| waiting.remove(at));
                    prop_assert_eq!(token.remove_listener(ids[n]), was_waiting.is_some());
                }
            }
            // The first reason counts; a second cancel tells nobody.
            let reason = if token.is_cancelled() { 7 } else { 9 };
            token.cancel(9);
            expected.append(&mut waiting);
            let heard: Vec<(usize, u8)> = heard.borrow().clone();
            let expected: Vec<(usize, u8)> = expected.into_iter().map(|n| (n, reason)).collect();
            prop_assert_eq!(heard, expected);
        }
    }
}
