//! Async iteration: `for await` with JavaScript's early-exit cleanup, and
//! interop with `futures::Stream` in both directions.

use std::future::{Future, IntoFuture};
use std::ops::ControlFlow;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use super::AsyncGen;
use crate::Reason;
use crate::generator::{Co, Step};
use crate::promise::Awaiting;

/// `for await (const item of source) { … }`, with JavaScript's guarantee:
/// leaving the loop early (the body returns `ControlFlow::Break`, or
/// fails) calls the source's `return()` and **waits for its cleanup**,
/// even cleanup that awaits.
///
/// Rust has no async drop: dropping a generator (or any `Stream`) midway
/// runs destructors but cannot run cleanup that awaits. This loop is the
/// way to get JavaScript's behaviour. Returns `Some(b)` if the body broke
/// out with `b`, `None` if the source was exhausted. `return()` is called
/// with `T::default()` (JavaScript's `undefined`).
///
/// ```
/// use baton::{AsyncGen, Co, Error, EventLoop, Promise};
/// use baton::async_gen::for_await;
/// use std::cell::RefCell;
/// use std::ops::ControlFlow;
/// use std::rc::Rc;
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// let out = EventLoop::virtual_clock().block_on(async move {
///     let l2 = l.clone();
///     let numbers = AsyncGen::new(move |co: Co<u32, (), (), Error>| async move {
///         let outcome = async {
///             for i in 1.. {
///                 co.yield_(i).await?;
///             }
///             Ok(())
///         }
///         .await;
///         Promise::<()>::resolve(()).await?; // cleanup that awaits
///         l2.borrow_mut().push("cleaned up".to_string());
///         outcome
///     });
///     let found = for_await(&numbers, async |n| {
///         l.borrow_mut().push(format!("got {n}"));
///         if n == 2 { ControlFlow::Break(n) } else { ControlFlow::Continue(()) }
///     })
///     .await?;
///     l.borrow_mut().push("after the loop".to_string());
///     Ok::<_, Error>(found)
/// });
/// assert_eq!(out.ok(), Some(Some(2)));
/// assert_eq!(*log.borrow(), ["got 1", "got 2", "cleaned up", "after the loop"]);
/// ```
pub async fn for_await<Y, R, T, E, B>(
    source: &AsyncGen<Y, R, T, E>,
    mut body: impl AsyncFnMut(Y) -> ControlFlow<B>,
) -> Result<Option<B>, E>
where
    Y: Clone + 'static,
    R: Default + 'static,
    T: Clone + Default + 'static,
    E: Reason,
{
    loop {
        match source.next(R::default()).await? {
            Step::Yielded(item) => {
                if let ControlFlow::Break(out) = body(item).await {
                    source.r#return(T::default()).await?;
                    return Ok(Some(out));
                }
            }
            Step::Returned(_) | Step::Done => return Ok(None),
        }
    }
}

/// An async generator that takes no resume value is a `Stream` of its
/// yields; an error ends the stream after being yielded as `Err`.
///
/// Dropping the stream midway drops the generator without running cleanup
/// that awaits (see [`for_await`]).
impl<Y, T, E> Stream for AsyncGen<Y, (), T, E>
where
    Y: Clone + 'static,
    T: Clone + 'static,
    E: Reason,
{
    type Item = Result<Y, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Y, E>>> {
        let this = self.get_mut();
        if this.exhausted {
            return Poll::Ready(None);
        }
        let waiting: &mut Awaiting<Step<Y, T>, E> = match &mut this.in_flight {
            Some(waiting) => waiting,
            None => this.in_flight.insert(this.next(()).into_future()),
        };
        let polled = Pin::new(waiting).poll(cx);
        let Poll::Ready(outcome) = polled else {
            return Poll::Pending;
        };
        this.in_flight = None;
        match outcome {
            Ok(Step::Yielded(item)) => Poll::Ready(Some(Ok(item))),
            Ok(_) => {
                this.exhausted = true;
                Poll::Ready(None)
            }
            Err(e) => {
                this.exhausted = true;
                Poll::Ready(Some(Err(e)))
            }
        }
    }
}

impl<Y, E> AsyncGen<Y, (), (), E>
where
    Y: Clone + 'static,
    E: Reason,
{
    /// Any `Stream` as an async generator (the async-iterable protocol over
    /// a Rust stream); each item is yielded in turn.
    ///
    /// ```
    /// use baton::{AsyncGen, Error, EventLoop, Step};
    ///
    /// struct Countdown(u8);
    /// impl futures_core::Stream for Countdown {
    ///     type Item = u8;
    ///     fn poll_next(mut self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>)
    ///         -> std::task::Poll<Option<u8>> {
    ///         let n = self.0;
    ///         self.0 = n.saturating_sub(1);
    ///         std::task::Poll::Ready((n > 0).then_some(n))
    ///     }
    /// }
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     let g = AsyncGen::<u8, (), (), Error>::from_stream(Countdown(3));
    ///     let mut seen = Vec::new();
    ///     while let Step::Yielded(n) = g.next(()).await? {
    ///         seen.push(n);
    ///     }
    ///     Ok::<_, Error>(seen)
    /// });
    /// assert_eq!(out.ok(), Some(vec![3, 2, 1]));
    /// ```
    pub fn from_stream<S>(stream: S) -> Self
    where
        S: Stream<Item = Y> + 'static,
    {
        AsyncGen::new(move |co: Co<Y, (), (), E>| async move {
            let mut stream = Box::pin(stream);
            while let Some(item) = std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
                co.yield_(item).await?;
            }
            Ok(())
        })
    }
}
