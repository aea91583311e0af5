//! Push-to-pull: a queue between a push source (callbacks, a socket
//! reader, events) and an async generator that a consumer pulls at its own
//! pace. Nothing is lost or delivered twice; when the consumer stops, the
//! pushing side learns it and can close its connection.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use super::AsyncGen;
use crate::generator::{Abrupt, Co};
use crate::{Promise, Reason, Resolver};

struct Queue<T, E> {
    items: VecDeque<T>,
    /// The consumer is waiting for the next push.
    waiting: Option<Resolver<(), E>>,
    ended: Option<Result<(), E>>,
    consumer_gone: bool,
}

/// The pushing end of [`push_queue`]. Cheap to clone.
///
/// ```
/// use baton::async_gen::{AsyncIteratorExt, push_queue};
/// use baton::{Error, EventLoop};
///
/// let out = EventLoop::virtual_clock().block_on(async {
///     let (pusher, items) = push_queue::<&str, Error>();
///     let other = pusher.clone(); // every clone pushes into the same queue
///     pusher.push("a");
///     other.push("b");
///     pusher.close();
///     items.to_vec().await
/// });
/// assert_eq!(out.ok(), Some(vec!["a", "b"]));
/// ```
pub struct Pusher<T, E> {
    queue: Rc<RefCell<Queue<T, E>>>,
}

impl<T, E> Clone for Pusher<T, E> {
    fn clone(&self) -> Self {
        Pusher {
            queue: self.queue.clone(),
        }
    }
}

impl<T, E> std::fmt::Debug for Pusher<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let q = self.queue.borrow();
        f.debug_struct("Pusher")
            .field("queued", &q.items.len())
            .field("consumer_gone", &q.consumer_gone)
            .finish()
    }
}

impl<T: Clone + 'static, E: Reason> Pusher<T, E> {
    /// Queues an item (ignored once the queue ended or the consumer left).
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, push_queue};
    /// use baton::{Error, EventLoop};
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     let (pusher, items) = push_queue::<u32, Error>();
    ///     pusher.push(1);
    ///     pusher.push(2);
    ///     pusher.close();
    ///     pusher.push(3); // after close: ignored
    ///     items.to_vec().await
    /// });
    /// assert_eq!(out.ok(), Some(vec![1, 2]));
    /// ```
    pub fn push(&self, item: T) {
        let waiting = {
            let mut q = self.queue.borrow_mut();
            if q.ended.is_some() || q.consumer_gone {
                return;
            }
            q.items.push_back(item);
            q.waiting.take()
        };
        if let Some(consumer) = waiting {
            consumer.resolve(());
        }
    }

    /// Ends the stream after the queued items.
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, push_queue};
    /// use baton::{Error, EventLoop};
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     let (pusher, items) = push_queue::<u32, Error>();
    ///     pusher.close(); // an empty stream
    ///     items.to_vec().await
    /// });
    /// assert_eq!(out.ok(), Some(vec![]));
    /// ```
    pub fn close(&self) {
        self.end(Ok(()));
    }

    /// Ends the stream with an error after the queued items.
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, push_queue};
    /// use baton::{Error, EventLoop};
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     let (pusher, items) = push_queue::<u32, Error>();
    ///     pusher.push(1);
    ///     pusher.fail(Error::msg("socket reset")); // after the queued items
    ///     items.to_vec().await
    /// });
    /// assert_eq!(out.err().map(|e| e.to_string()).as_deref(), Some("socket reset"));
    /// ```
    pub fn fail(&self, error: E) {
        self.end(Err(error));
    }

    fn end(&self, how: Result<(), E>) {
        let waiting = {
            let mut q = self.queue.borrow_mut();
            if q.ended.is_none() {
                q.ended = Some(how);
            }
            q.waiting.take()
        };
        if let Some(consumer) = waiting {
            consumer.resolve(());
        }
    }

    /// Whether the consumer is still reading: once it stopped (early exit,
    /// `return()`), the source should stop too and release its resources.
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, push_queue};
    /// use baton::{Error, EventLoop};
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     let (pusher, items) = push_queue::<u32, Error>();
    ///     for i in 0..10 {
    ///         pusher.push(i);
    ///     }
    ///     let gone_before = pusher.consumer_gone();
    ///     let first_two = items.take(2).to_vec().await?; // leaves early
    ///     Ok::<_, Error>((gone_before, first_two, pusher.consumer_gone()))
    /// });
    /// assert_eq!(out.ok(), Some((false, vec![0, 1], true)));
    /// ```
    pub fn consumer_gone(&self) -> bool {
        self.queue.borrow().consumer_gone
    }
}

/// A push-to-pull bridge: items pushed through the [`Pusher`] come out of
/// the async generator in order, when the consumer asks for them.
///
/// ```
/// use baton::{Error, EventLoop, set_timeout};
/// use baton::async_gen::{AsyncIteratorExt, push_queue};
/// use std::time::Duration;
///
/// let out = EventLoop::virtual_clock().block_on(async {
///     let (pusher, events) = push_queue::<u32, Error>();
///     for i in 1..=3 {
///         let p = pusher.clone();
///         set_timeout(move || p.push(i), Duration::from_millis(u64::from(i) * 10));
///     }
///     set_timeout(move || pusher.close(), Duration::from_millis(50));
///     events.to_vec().await
/// });
/// assert_eq!(out.ok(), Some(vec![1, 2, 3]));
/// ```
pub fn push_queue<T: Clone + 'static, E: Reason>() -> (Pusher<T, E>, AsyncGen<T, (), (), E>) {
    let queue = Rc::new(RefCell::new(Queue {
        items: VecDeque::new(),
        waiting: None,
        ended: None,
        consumer_gone: false,
    }));
    let pusher = Pusher {
        queue: queue.clone(),
    };
    let pull = AsyncGen::new(move |co: Co<T, (), (), E>| async move {
        let outcome = pull_loop(&queue, &co).await;
        queue.borrow_mut().consumer_gone = true;
        queue.borrow_mut().items.clear();
        outcome
    });
    (pusher, pull)
}

async fn pull_loop<T: Clone + 'static, E: Reason>(
    queue: &Rc<RefCell<Queue<T, E>>>,
    co: &Co<T, (), (), E>,
) -> Result<(), Abrupt<E, ()>> {
    loop {
        let next = queue.borrow_mut().items.pop_front();
        if let Some(item) = next {
            co.yield_(item).await?;
            continue;
        }
        let ended = queue.borrow_mut().ended.take();
        match ended {
            Some(Ok(())) => return Ok(()),
            Some(Err(e)) => return Err(Abrupt::Throw(e)),
            None => {
                let (arrival, resolver) = Promise::<(), E>::with_resolver();
                queue.borrow_mut().waiting = Some(resolver);
                arrival.await?;
            }
        }
    }
}
