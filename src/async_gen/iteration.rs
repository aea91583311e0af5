//! Async iteration: `for await` with JavaScript's early-exit cleanup, and
//! interop with `futures::Stream` in both directions.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_core::stream::FusedStream;

use super::AsyncGen;
use crate::generator::{Co, Step};
use crate::{Promise, Reason};

/// JavaScript's async iterator protocol: `next()` returns a promise of the
/// next item (`None` when done), and the optional `return()` — here
/// `close` — lets a consumer that stops early ask for cleanup and wait for
/// it.
///
/// Implement it for hand-written async sources, like seed 004's
/// `asyncRange` object:
///
/// ```
/// use baton::{Error, EventLoop, Promise, set_timeout};
/// use baton::async_gen::{AsyncIterator, for_await};
/// use std::future::{Future, IntoFuture};
/// use std::ops::ControlFlow;
/// use std::time::Duration;
///
/// /// `{ from, to, [Symbol.asyncIterator]() { … async next() … } }`
/// struct AsyncRange { current: u32, last: u32 }
///
/// impl AsyncIterator for AsyncRange {
///     type Item = u32;
///     type Error = Error;
///     // async next() { await sleep(300); return { value, done } }
///     fn next(&mut self) -> impl Future<Output = Result<Option<u32>, Error>> {
///         let value = (self.current <= self.last).then_some(self.current);
///         self.current += 1;
///         Promise::new(move |r| {
///             set_timeout(move || r.resolve(value), Duration::from_millis(300));
///         })
///         .into_future()
///     }
/// }
///
/// let out = EventLoop::virtual_clock().block_on(async {
///     let mut seen = Vec::new();
///     for_await(AsyncRange { current: 1, last: 5 }, async |n| {
///         seen.push((n, baton::now().as_millis()));
///         ControlFlow::<()>::Continue(())
///     })
///     .await?;
///     Ok::<_, Error>(seen)
/// });
/// assert_eq!(out.ok(), Some(vec![(1, 300), (2, 600), (3, 900), (4, 1200), (5, 1500)]));
/// ```
pub trait AsyncIterator {
    /// What each step produces.
    type Item: Clone + 'static;
    /// Why a step can fail.
    type Error: Reason;

    /// `next()`: the next item, or `None` once done. (JavaScript returns a
    /// promise; a future lets a generator's own step promise be awaited
    /// directly, without a second promise and turn.)
    ///
    /// ```
    /// use baton::async_gen::AsyncIterator;
    /// use baton::{Error, EventLoop};
    ///
    /// // seed 004's asyncRange, by hand.
    /// struct Range {
    ///     at: u32,
    ///     end: u32,
    /// }
    /// impl AsyncIterator for Range {
    ///     type Item = u32;
    ///     type Error = Error;
    ///     async fn next(&mut self) -> Result<Option<u32>, Error> {
    ///         if self.at == self.end {
    ///             return Ok(None);
    ///         }
    ///         self.at += 1;
    ///         Ok(Some(self.at - 1))
    ///     }
    /// }
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     let mut range = Range { at: 3, end: 5 };
    ///     Ok::<_, Error>((range.next().await?, range.next().await?, range.next().await?))
    /// });
    /// assert_eq!(out.ok(), Some((Some(3), Some(4), None)));
    /// ```
    fn next(&mut self) -> impl Future<Output = Result<Option<Self::Item>, Self::Error>>;

    /// `return()`: the consumer stops early; the future completes once the
    /// source has cleaned up. Sources without cleanup keep the default.
    ///
    /// ```
    /// use baton::async_gen::{AsyncIterator, AsyncIteratorExt};
    /// use baton::{Error, EventLoop};
    /// use std::{cell::Cell, rc::Rc};
    ///
    /// struct Feed {
    ///     closed: Rc<Cell<bool>>,
    /// }
    /// impl AsyncIterator for Feed {
    ///     type Item = u32;
    ///     type Error = Error;
    ///     async fn next(&mut self) -> Result<Option<u32>, Error> {
    ///         Ok(Some(1)) // endless
    ///     }
    ///     async fn close(&mut self) -> Result<(), Error> {
    ///         self.closed.set(true); // release the connection
    ///         Ok(())
    ///     }
    /// }
    /// let closed = Rc::new(Cell::new(false));
    /// let feed = Feed { closed: closed.clone() };
    /// let out = EventLoop::virtual_clock().block_on(async move { feed.take(3).to_vec().await });
    /// assert_eq!(out.ok(), Some(vec![1, 1, 1]));
    /// assert!(closed.get()); // `take` closed it when done
    /// ```
    fn close(&mut self) -> impl Future<Output = Result<(), Self::Error>> {
        std::future::ready(Ok(()))
    }

    /// `next()` asked by [`for_await`]'s loop: `going_on` when the loop
    /// goes on from its last answer in the poll that took it, its body
    /// run through. A generator may then take the request's turns in
    /// place (see `Made::GoingOn`). There is no need to implement it.
    #[doc(hidden)]
    fn next_in_loop(
        &mut self,
        going_on: bool,
    ) -> impl Future<Output = Result<Option<Self::Item>, Self::Error>> {
        let _ = going_on;
        self.next()
    }

    /// How a loop that owns the iterator drives it: `Err(self)`, itself,
    /// unless the iterator knows a faster way to be driven by its one
    /// consumer (an [`AsyncGen`] no other handle reaches is driven pinned
    /// in the loop's future, with the same turns). [`for_await`] asks;
    /// there is no need to implement it.
    #[doc(hidden)]
    fn into_owned(self) -> Result<impl AsyncIterator<Item = Self::Item, Error = Self::Error>, Self>
    where
        Self: Sized,
    {
        Err::<Unowned<Self::Item, Self::Error>, Self>(self)
    }

    /// [`into_owned`](Self::into_owned) for a helper stage's relay, which
    /// awaits each request as it makes it: an [`AsyncGen`] driven so may
    /// take the turns of a fresh request in place when the stage's own
    /// request may.
    #[doc(hidden)]
    fn into_relayed(
        self,
    ) -> Result<impl AsyncIterator<Item = Self::Item, Error = Self::Error>, Self>
    where
        Self: Sized,
    {
        self.into_owned()
    }
}

/// A request for a step, read as the iteration protocol's `next()`: the
/// value the step yields, `None` once the generator is done. A future of
/// its own, whose poll inlines into the loop that awaits it: an `async`
/// block around an `AsyncGen`'s step cost a for-await item 34
/// instructions (798 -> 764), and `std::future::poll_fn` around a pinned
/// request stayed out of line, twice an item over a taken-over `AsyncGen`
/// (307 -> 248).
pub(super) struct NextItem<S>(pub(super) S);

impl<S, Y, T, E> Future for NextItem<S>
where
    S: Future<Output = Result<Step<Y, T>, E>> + Unpin,
{
    type Output = Result<Option<Y>, E>;

    #[inline(always)]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|step| step.map(Step::yielded))
    }
}

/// No other way to drive an iterator: the default of
/// [`AsyncIterator::into_owned`], never made. Uninhabited, so a loop's arm
/// for it is dead: named as the iterator itself, that arm's loop was a
/// second call of the one loop, which then stayed out of line (a
/// `PinnedAsyncGen`'s for-await item 266 instructions against 202, a
/// pipeline of such stages written by hand 778 against 733).
struct Unowned<Y, E>(std::convert::Infallible, PhantomData<fn() -> (Y, E)>);

impl<Y: Clone + 'static, E: Reason> AsyncIterator for Unowned<Y, E> {
    type Item = Y;
    type Error = E;

    fn next(&mut self) -> impl Future<Output = Result<Option<Y>, E>> {
        let never = self.0;
        std::future::poll_fn(move |_| match never {})
    }
}

impl<Y, R, T, E> AsyncIterator for AsyncGen<Y, R, T, E>
where
    Y: Clone + 'static,
    R: Default + 'static,
    T: Clone + Default + 'static,
    E: Reason,
{
    type Item = Y;
    type Error = E;

    fn next(&mut self) -> impl Future<Output = Result<Option<Y>, E>> {
        NextItem(self.next_step(R::default()))
    }

    /// Calls `return()` with `T::default()` (JavaScript's `undefined`).
    fn close(&mut self) -> impl Future<Output = Result<(), E>> {
        let step = AsyncGen::r#return(self, T::default());
        async move { step.await.map(|_| ()) }
    }

    /// Taken over as a pinned generator when nothing else reaches it (see
    /// `owned.rs`).
    fn into_owned(self) -> Result<impl AsyncIterator<Item = Y, Error = E>, Self> {
        self.into_owned_alone()
    }

    fn into_relayed(self) -> Result<impl AsyncIterator<Item = Y, Error = E>, Self> {
        self.into_owned_alone().map(super::owned::Owned::relayed)
    }
}

/// The fallback `for await` applies to a plain iterable of promises: every
/// promise is already running; they are awaited in order, and a rejection
/// ends the loop. Each step takes JavaScript's two microtask turns (the
/// end of the iterable too), and closing the loop early one
/// (`tests/oracle/async_gen/for_await_array_turns.js`).
///
/// ```
/// use baton::{Error, EventLoop, Promise};
/// use baton::async_gen::{for_await, promises};
/// use std::ops::ControlFlow;
///
/// let out = EventLoop::virtual_clock().block_on(async {
///     let mut seen = Vec::new();
///     let all = vec![Promise::<u8>::resolve(1), Promise::resolve(2)];
///     for_await(promises(all), async |v| {
///         seen.push(v);
///         ControlFlow::<()>::Continue(())
///     })
///     .await?;
///     Ok::<_, Error>(seen)
/// });
/// assert_eq!(out.ok(), Some(vec![1, 2]));
/// ```
pub fn promises<I, T, E>(iterable: I) -> Promises<I::IntoIter, T, E>
where
    I: IntoIterator<Item = Promise<T, E>>,
{
    Promises(iterable.into_iter(), PhantomData)
}

/// See [`promises`].
///
/// ```
/// use baton::async_gen::{AsyncIteratorExt, promises};
/// use baton::{Error, EventLoop, Promise};
///
/// // for await (const v of [p1, p2]) — a rejection ends the loop.
/// let out = EventLoop::virtual_clock().block_on(async {
///     promises(vec![Promise::<u8>::resolve(1), Promise::reject(Error::msg("bad")), Promise::resolve(3)])
///         .to_vec()
///         .await
/// });
/// assert_eq!(out.err().map(|e| e.to_string()).as_deref(), Some("bad"));
/// ```
#[derive(Debug)]
pub struct Promises<I, T, E>(I, PhantomData<fn() -> (T, E)>);

impl<I, T, E> AsyncIterator for Promises<I, T, E>
where
    I: Iterator<Item = Promise<T, E>>,
    T: Clone + 'static,
    E: Reason,
{
    type Item = T;
    type Error = E;

    /// As JavaScript's async-from-sync iterator: the step's promise (or,
    /// past the end, a fulfilled one) is chained into a promise of the
    /// step, which the loop awaits — two turns, the last step included.
    fn next(&mut self) -> impl Future<Output = Result<Option<T>, E>> {
        let step = match self.0.next() {
            Some(promise) => promise.map(Some),
            None => Promise::<(), E>::resolve(()).map(|()| None),
        };
        step.into_future()
    }

    /// An iterable without a `return` method: the loop still awaits the
    /// step `return()` answers with, one turn.
    fn close(&mut self) -> impl Future<Output = Result<(), E>> {
        Promise::<(), E>::resolve(()).into_future()
    }
}

/// `for await (const item of source) { … }`, with JavaScript's guarantee:
/// leaving the loop early (the body returns `ControlFlow::Break`) calls the
/// source's `return()` and **waits for its cleanup**, even cleanup that
/// awaits. An error from the source ends the loop with that error.
///
/// Rust has no async drop: dropping a generator (or any `Stream`) midway
/// runs destructors but cannot run cleanup that awaits. This loop is the
/// way to get JavaScript's behaviour. Returns `Some(b)` if the body broke
/// out with `b`, `None` if the source was exhausted.
///
/// An [`AsyncGen`] the loop holds alone (no other handle, nothing asked of
/// it in flight) is its one consumer's, and the loop drives it as a
/// [`PinnedAsyncGen`](super::PinnedAsyncGen), in the loop's own future:
/// the same turns and results (a panic in its body still fails the loop
/// with a [`Fault`](crate::Fault)), in about two thirds of the
/// instructions an item. `fold`, `for_each`, `to_vec` and the helper
/// stages drive their source so too, in the first sixteen levels of a
/// chain of such consumers (deeper ones keep their machines). One thing tells the two apart: a
/// loop dropped midway (cancelled, as a Rust future is) drops such a body
/// where it stands, as dropping any future does, while a shared
/// generator's body goes on to its next `yield`, as JavaScript's would.
///
/// # Errors
///
/// The source's error, as it ends the loop; or the error of its `return()` when
/// the loop leaves early and that cleanup fails.
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
///     let found = for_await(numbers, async |n| {
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
pub async fn for_await<I, B>(
    source: I,
    mut body: impl AsyncFnMut(I::Item) -> ControlFlow<B>,
) -> Result<Option<B>, I::Error>
where
    I: AsyncIterator,
{
    // An `AsyncGen` the loop holds alone is driven pinned (`owned.rs`).
    match source.into_owned() {
        Ok(owned) => loop_over(owned, &mut body).await,
        Err(source) => loop_over(source, &mut body).await,
    }
}

async fn loop_over<I, B>(
    mut source: I,
    body: &mut impl AsyncFnMut(I::Item) -> ControlFlow<B>,
) -> Result<Option<B>, I::Error>
where
    I: AsyncIterator,
{
    // Whether the loop goes on in the turn that gave it its last answer:
    // that answer waited for a turn (or came to a request made so), and
    // the body ran through in the same poll. A JavaScript loop's
    // continuation is one microtask that ends as it awaits the next
    // answer: nothing of the task's runs after it in that poll.
    let mut going_on = false;
    loop {
        let next = source.next_in_loop(going_on);
        let Some(item) = Waited::new(next, &mut going_on, true).await? else {
            return Ok(None);
        };
        if let ControlFlow::Break(out) = Waited::new(body(item), &mut going_on, false).await {
            source.close().await?;
            return Ok(Some(out));
        }
    }
}

pin_project_lite::pin_project! {
    /// A future that sets `going_on` to `if_waited` when it returns
    /// `Pending`: a loop's answer that waited for its turn lets the loop go
    /// on in that turn; a body that waited does not.
    pub(super) struct Waited<'w, F> {
        #[pin]
        future: F,
        going_on: &'w mut bool,
        if_waited: bool,
    }
}

impl<'w, F> Waited<'w, F> {
    pub(super) fn new(future: F, going_on: &'w mut bool, if_waited: bool) -> Self {
        Waited {
            future,
            going_on,
            if_waited,
        }
    }
}

impl<F: Future> Future for Waited<'_, F> {
    type Output = F::Output;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let polled = this.future.poll(cx);
        if polled.is_pending() {
            **this.going_on = *this.if_waited;
        }
        polled
    }
}

/// An async generator that takes no resume value is a `Stream` of its
/// yields; an error ends the stream after being yielded as `Err`.
///
/// Dropping the stream midway drops the generator without running cleanup
/// that awaits (see [`for_await`]). Its body runs on baton's loop: polled
/// outside any run, the stream waits for one, and the uncaught hook is
/// told ([`FaultKind::OutsideRun`](crate::FaultKind::OutsideRun)).
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
        let waiting = match &mut this.in_flight {
            Some(waiting) => waiting,
            None => this.in_flight.insert(this.next_step(())),
        };
        let polled = Pin::new(waiting).poll(cx);
        let Poll::Ready(outcome) = polled else {
            return Poll::Pending;
        };
        this.in_flight = None;
        Poll::Ready(stream_item(outcome, &mut this.exhausted))
    }
}

/// The stream has ended once it has handed out its end: `None` after the
/// last item, or an error (its last item), so `select!`-style
/// combinators stop polling it. A
/// generator ended through another handle (a clone's `return()`) reports
/// its end on this stream's next poll.
///
/// ```
/// use baton::{AsyncGen, Co, Error, EventLoop};
/// use futures_core::Stream;
/// use futures_core::stream::FusedStream;
/// use std::future::poll_fn;
/// use std::pin::Pin;
///
/// let ends = EventLoop::virtual_clock().block_on(async {
///     let mut g = AsyncGen::new(|co: Co<u32, (), (), Error>| async move {
///         co.yield_(1).await?;
///         Ok(())
///     });
///     let mut ends = vec![g.is_terminated()];
///     while let Some(item) = poll_fn(|cx| Pin::new(&mut g).poll_next(cx)).await {
///         item?;
///         ends.push(g.is_terminated());
///     }
///     ends.push(g.is_terminated());
///     Ok::<_, Error>(ends)
/// });
/// assert_eq!(ends.ok(), Some(vec![false, false, true]));
/// ```
impl<Y, T, E> FusedStream for AsyncGen<Y, (), T, E>
where
    Y: Clone + 'static,
    T: Clone + 'static,
    E: Reason,
{
    fn is_terminated(&self) -> bool {
        self.exhausted
    }
}

/// A step as a stream's item: a yield is one; a completion ends the
/// stream, and a failure is its last item.
pub(super) fn stream_item<Y, T, E>(
    step: Result<Step<Y, T>, E>,
    ended: &mut bool,
) -> Option<Result<Y, E>> {
    match step {
        Ok(Step::Yielded(item)) => Some(Ok(item)),
        Ok(_) => {
            *ended = true;
            None
        }
        Err(e) => {
            *ended = true;
            Some(Err(e))
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
        let mut stream = Box::pin(stream);
        Self::from_poll_fn(move |cx| stream.as_mut().poll_next(cx))
    }

    /// A poll function as an async generator: each `Ready(Some(item))`
    /// is yielded in turn, `Ready(None)` ends it. The receiving end of a
    /// channel from another thread reads this way (its waker is `Send`),
    /// with no stream adapter in between.
    ///
    /// ```
    /// use baton::async_gen::AsyncIteratorExt;
    /// use baton::{AsyncGen, Error, EventLoop};
    /// use std::task::Poll;
    ///
    /// let (sender, mut receiver) = tokio::sync::mpsc::channel::<u32>(2);
    /// let producer = std::thread::spawn(move || {
    ///     for n in 1..=5 {
    ///         let _ = sender.blocking_send(n); // waits for room
    ///     }
    /// });
    /// let out = EventLoop::real_clock().block_on(async move {
    ///     AsyncGen::<u32, (), (), Error>::from_poll_fn(move |cx| receiver.poll_recv(cx))
    ///         .to_vec()
    ///         .await
    /// });
    /// let _ = producer.join();
    /// assert_eq!(out.ok(), Some(vec![1, 2, 3, 4, 5]));
    ///
    /// // Or any counter of one's own.
    /// let mut left = 3;
    /// let countdown = AsyncGen::<u32, (), (), Error>::from_poll_fn(move |_| {
    ///     left -= u32::from(left > 0);
    ///     Poll::Ready((left > 0).then_some(left))
    /// });
    /// let out = EventLoop::virtual_clock().block_on(countdown.to_vec());
    /// assert_eq!(out.ok(), Some(vec![2, 1]));
    /// ```
    pub fn from_poll_fn<F>(mut poll: F) -> Self
    where
        F: FnMut(&mut Context<'_>) -> Poll<Option<Y>> + 'static,
    {
        AsyncGen::new(move |co: Co<Y, (), (), E>| async move {
            while let Some(item) = std::future::poll_fn(&mut poll).await {
                co.yield_(item).await?;
            }
            Ok(())
        })
    }
}
