//! [`PinnedAsyncGen`]: an async generator whose body is stored in place
//! and driven by its one consumer's requests.
//!
//! [`AsyncGen`](super::AsyncGen) is JavaScript's object: a shared handle,
//! its own task on the loop, a request queue, promises for answers. Most
//! async generators have one consumer that awaits each request before the
//! next (a for-await loop, a helper stage); for them this type keeps the
//! protocol and its microtask turns and drops the rest: requests take the
//! generator by `Pin<&mut>`, so one is in flight at a time and no queue is
//! needed; the body is polled inside the request's own poll, under its
//! consumer's waker; the answer is the request future's output.
//!
//! # Implementation notes
//!
//! A `yield v`, a `return v` and a `return(v)` request each await their
//! operand: one turn, the generator's own (phase `Awaiting`). The
//! answer then takes the consumer's turn, as a promise's reaction would
//! (stage `Answered`). A turn is taken in place when it would be the
//! next microtask and the consumer's task runs alone (the loop's rule for
//! going on at once): owed to the task's next poll when the request was
//! made in this poll (its caller may still queue work after it), taken at
//! once otherwise. Else a [`Turn`] job is queued, which runs the
//! consumer's task when it comes. A request dropped before its answer
//! leaves the generator to the next request, which first sees the dropped
//! one's step through (its answer lost, as JavaScript's unawaited
//! request's is).
//!
//! Nested (a pinned generator pulled from inside another's body, as a
//! pipeline's stages are), each body is polled under the task's own
//! waker, so every level's requests reach the task and go on at once
//! alike; a task poll walks down the levels to the one that moves.
//! The usual courses (a request to a generator paused at a yield, the
//! owed turn taken, a body resumed after an `await`) are written out in
//! the request's inlined poll, the rest is out of line (a for-await item
//! 202 instructions; an `AsyncGen`'s 381 served by its machine, 243
//! taken over by the loop).

mod request;

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use super::turn::Turn;
pub use request::Request;
use request::Stage;

use super::iteration::stream_item;
use super::{AsyncIterator, direct};
use crate::generator::airlock;
use crate::generator::{Co, Outcome, Resume, Step};
use crate::{Error, Reason};

pin_project! {
    /// An async generator whose body lives inside it, driven by one
    /// consumer: [`AsyncGen`](super::AsyncGen)'s protocol and microtask
    /// turns, with requests made through `Pin<&mut Self>` and answered by
    /// the request's future. It allocates nothing per item (nothing at
    /// all on the usual course), and a for-await item costs a few times
    /// less than an `AsyncGen`'s (BENCHMARKS.md).
    ///
    /// The body is written as an `AsyncGen`'s, and `co.yield_promise`,
    /// `yield_from_async` and `yield_from_iter` work in it; another
    /// generator's body delegates to one pinned in it with
    /// `co.yield_from_async(inner.as_mut())` (an
    /// [`AsyncGenerator`](super::AsyncGenerator)).
    ///
    /// ```
    /// use baton::async_gen::{PinnedAsyncGen, for_await};
    /// use baton::{Co, Error, EventLoop, Promise};
    /// use std::ops::ControlFlow;
    /// use std::pin::pin;
    ///
    /// let sum = EventLoop::virtual_clock().block_on(async {
    ///     let numbers = pin!(PinnedAsyncGen::new(|co: Co<u32, (), (), Error>| async move {
    ///         for i in 1..=3 {
    ///             let n = Promise::<u32>::resolve(i).await?; // awaits…
    ///             co.yield_(n).await?;                       // …and yields
    ///         }
    ///         Ok(())
    ///     }));
    ///     let mut sum = 0;
    ///     for_await(numbers, async |n| {
    ///         sum += n;
    ///         ControlFlow::<()>::Continue(())
    ///     })
    ///     .await?;
    ///     Ok::<_, Error>(sum)
    /// });
    /// assert_eq!(sum.ok(), Some(6));
    /// ```
    ///
    /// # Mapping to JavaScript, and to `AsyncGen`
    ///
    /// - **One request at a time.** `next`, `throw` and `return` take
    ///   `Pin<&mut Self>`: a second request cannot be made while one is
    ///   in flight, so there is no request queue. Use `AsyncGen` for
    ///   several consumers, or for requests made without awaiting.
    /// - **Requests are futures.** A request does nothing until polled
    ///   (its first poll is JavaScript's call), like `AsyncGen`'s
    ///   `AsyncIterator::next`, where `AsyncGen::next` runs the body at the
    ///   call and returns a promise.
    /// - **The consumer drives the body.** The body runs inside its
    ///   requests' polls: an `await` in it that completes while no request
    ///   is being awaited goes on when the next request is polled, where
    ///   JavaScript (and `AsyncGen`) go on at once. A request dropped before
    ///   its answer is JavaScript's request whose promise nobody awaits:
    ///   the step it started is seen through by the next request, its
    ///   value is lost, and its failure is reported as an unhandled
    ///   rejection; but a body it left at an `await` waits for that next
    ///   request.
    /// - Awaited request by request, it takes Node's turns, as `AsyncGen`
    ///   does (`tests/random_consumers.rs` holds both to Node over a
    ///   thousand random bodies; `tests/pinned_async_gen.rs` holds the two
    ///   to each other).
    /// - A panic in the body unwinds out of the request's poll, as a
    ///   [`Gen`](crate::Gen)'s out of its resume (an `AsyncGen` rejects the
    ///   request with a [`Fault`](crate::Fault) instead); the generator is
    ///   done.
    pub struct PinnedAsyncGen<F, Y, R = (), T = (), E = Error> {
        owner: u64,
        phase: Phase,
        // While `Awaiting`: what the operand goes on to, the turn awaited
        // (`None`: owed to the consumer's task, or taken at once), and the
        // operand (`yielded` for a delivery, `returned` otherwise).
        then: Then,
        turn: Option<Rc<Turn>>,
        yielded: Option<Y>,
        returned: Option<T>,
        // The request the generator is working for was dropped: its
        // answer goes nowhere.
        orphaned: bool,
        // The request in flight until it is served, and its answer while
        // it waits for the consumer's turn: kept here, so a request is a
        // reference and two flags, made and dropped at no cost.
        request: Option<Resume<R, E, T>>,
        answer: Option<Result<Step<Y, T>, E>>,
        answer_turn: Option<Rc<Turn>>,
        // Polled as a `Stream`: the request in flight's stage and whether
        // it was polled, and whether the stream has ended.
        streaming: Option<(Stage, bool)>,
        ended: bool,
        // Reports the failure of a request dropped before its answer (an
        // unhandled rejection), named where `E`'s bounds are known.
        report_lost: fn(E),
        types: PhantomData<fn(R) -> (Y, T, E)>,
        #[pin]
        body: Option<F>,
    }
}

/// Where the generator stands. Its values are kept in fields of their
/// own beside it, each taken whole: a step's usual course writes a byte
/// and a value, and drops nothing.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    /// The body has not run.
    Start,
    /// Suspended at a `yield`.
    Paused,
    /// Running for a request: its body is suspended at an `await`.
    Running,
    /// Awaiting an operand (one turn) before going on with `then`.
    Awaiting,
    Done,
}

/// What an awaited operand goes on to once its turn has come.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Then {
    /// `yield v`: hand `v` out.
    Deliver,
    /// `return v`, or `return(v)` to a generator that is not at a yield:
    /// complete with `v`.
    Complete,
    /// `return(v)` to a generator paused at a yield: resume it there.
    ResumeReturn,
}

impl<F, Y, R, T, E> PinnedAsyncGen<F, Y, R, T, E>
where
    F: Future<Output = Outcome<T, E>>,
    E: Reason,
{
    /// Creates the generator; its body does not run until the first
    /// request is polled.
    ///
    /// ```
    /// use baton::async_gen::PinnedAsyncGen;
    /// use baton::{Co, Error, EventLoop, Step};
    /// use std::pin::pin;
    ///
    /// let steps = EventLoop::virtual_clock().block_on(async {
    ///     let mut g = pin!(PinnedAsyncGen::new(|co: Co<u32, u32, &str, Error>| async move {
    ///         let doubled = co.yield_(1).await? * 2;
    ///         Ok(if doubled == 20 { "twenty" } else { "?" })
    ///     }));
    ///     let first = g.as_mut().next(0).await?; // the first value is discarded
    ///     let second = g.as_mut().next(10).await?;
    ///     let third = g.as_mut().next(0).await?;
    ///     Ok::<_, Error>((first, second, third))
    /// });
    /// assert_eq!(steps.ok(), Some((Step::Yielded(1), Step::Returned("twenty"), Step::Done)));
    /// ```
    pub fn new(body: impl FnOnce(Co<Y, R, T, E>) -> F) -> Self {
        let owner = airlock::fresh_owner_id();
        Self::resumed(owner, body(Co::new(owner)), false)
    }

    /// A generator whose body was made for `owner`'s airlock, not started
    /// or (`paused`) suspended at a yield: an [`AsyncGen`](super::AsyncGen)'s,
    /// taken over by the one loop that holds it.
    pub(in crate::async_gen) fn resumed(owner: u64, body: F, paused: bool) -> Self {
        PinnedAsyncGen {
            owner,
            phase: if paused { Phase::Paused } else { Phase::Start },
            then: Then::Deliver,
            turn: None,
            yielded: None,
            returned: None,
            orphaned: false,
            request: None,
            answer: None,
            answer_turn: None,
            streaming: None,
            ended: false,
            report_lost: direct::report_lost::<E>,
            types: PhantomData,
            body: Some(body),
        }
    }

    /// `next(v)`: the next step, once the request is awaited. The first
    /// request's value is discarded, as in JavaScript.
    ///
    /// # Errors
    ///
    /// The request's output is `Err(e)` when the body throws `e` (or
    /// panics: a [`Fault`](crate::Fault)).
    pub fn next(self: Pin<&mut Self>, value: R) -> Request<'_, F, Y, R, T, E> {
        Request::new(self, Resume::Next(value))
    }

    /// `throw(e)`: the paused `yield` fails with `e`.
    ///
    /// ```
    /// use baton::async_gen::PinnedAsyncGen;
    /// use baton::{Abrupt, Co, Error, EventLoop, Step};
    /// use std::pin::pin;
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     let mut g = pin!(PinnedAsyncGen::new(|co: Co<&str, (), (), Error>| async move {
    ///         match co.yield_("ready").await {
    ///             Err(Abrupt::Throw(_)) => co.yield_("caught").await?,
    ///             other => other?,
    ///         }
    ///         Ok(())
    ///     }));
    ///     let first = g.as_mut().next(()).await?;
    ///     let after = g.as_mut().throw(Error::msg("reset")).await?;
    ///     Ok::<_, Error>((first, after))
    /// });
    /// assert_eq!(out.ok(), Some((Step::Yielded("ready"), Step::Yielded("caught"))));
    /// ```
    ///
    /// # Errors
    ///
    /// The request's output is `Err(e)` when the body does not catch `e`,
    /// or throws another error.
    pub fn throw(self: Pin<&mut Self>, error: E) -> Request<'_, F, Y, R, T, E> {
        Request::new(self, Resume::Throw(error))
    }

    /// `return(v)`: the paused `yield` returns `v`, running the body's
    /// cleanup, which may await and yield.
    ///
    /// ```
    /// use baton::async_gen::PinnedAsyncGen;
    /// use baton::{Abrupt, Co, Error, EventLoop, Promise, Step};
    /// use std::pin::pin;
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     let mut g = pin!(PinnedAsyncGen::new(|co: Co<u32, (), u32, Error>| async move {
    ///         let step = co.yield_(1).await;
    ///         if let Err(Abrupt::Return(_)) = step {
    ///             Promise::<()>::resolve(()).await?; // cleanup that awaits
    ///         }
    ///         step?;
    ///         Ok(0)
    ///     }));
    ///     g.as_mut().next(()).await?;
    ///     g.as_mut().r#return(9).await
    /// });
    /// assert_eq!(out.ok(), Some(Step::Returned(9)));
    /// ```
    ///
    /// # Errors
    ///
    /// The request's output is `Err(e)` when the cleanup throws `e`.
    pub fn r#return(self: Pin<&mut Self>, value: T) -> Request<'_, F, Y, R, T, E> {
        Request::new(self, Resume::Return(value))
    }
}

impl<F, Y, R, T, E> fmt::Debug for PinnedAsyncGen<F, Y, R, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.phase {
            Phase::Start => "suspended at its start",
            Phase::Paused => "suspended at a yield",
            Phase::Running | Phase::Awaiting => "running",
            Phase::Done => "completed",
        };
        f.debug_struct("PinnedAsyncGen")
            .field("state", &state)
            .finish_non_exhaustive()
    }
}

/// A pinned async generator that takes no resume value is a `Stream` of
/// its yields; an error ends the stream after being yielded as `Err`.
/// Dropping it midway drops the body without running its cleanup (see
/// [`for_await`](super::for_await), which closes it). A request made
/// while the stream waits for an item takes over: the stream's request
/// is dropped, as a request left for another is.
///
/// ```
/// use baton::async_gen::PinnedAsyncGen;
/// use baton::{Co, Error, EventLoop, Promise};
/// use futures_core::Stream;
/// use std::future::poll_fn;
/// use std::pin::pin;
///
/// let items = EventLoop::virtual_clock().block_on(async {
///     let mut g = pin!(PinnedAsyncGen::new(|co: Co<u32, (), (), Error>| async move {
///         co.yield_(1).await?;
///         co.yield_(Promise::<u32>::resolve(2).await?).await?;
///         Ok(())
///     }));
///     let mut items = Vec::new();
///     while let Some(item) = poll_fn(|cx| g.as_mut().poll_next(cx)).await {
///         items.push(item?);
///     }
///     Ok::<_, Error>(items)
/// });
/// assert_eq!(items.ok(), Some(vec![1, 2]));
/// ```
impl<F, Y, T, E> futures_core::Stream for PinnedAsyncGen<F, Y, (), T, E>
where
    F: Future<Output = Outcome<T, E>>,
    E: Reason,
{
    type Item = Result<Y, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Y, E>>> {
        if self.ended {
            return Poll::Ready(None);
        }
        let (stage, polled) = match self.as_mut().project().streaming.take() {
            Some(in_flight) => in_flight,
            None => {
                *self.as_mut().project().request = Some(Resume::Next(()));
                (Stage::Fresh, false)
            }
        };
        let mut request: Request<'_, F, Y, (), T, E> = Request {
            generator: self.as_mut(),
            stage,
            polled,
        };
        let poll = Pin::new(&mut request).poll(cx);
        let in_flight = (request.stage, request.polled);
        // Its state goes back to the generator, not to its drop.
        request.stage = Stage::Finished;
        drop(request);
        let this = self.project();
        match poll {
            Poll::Pending => {
                *this.streaming = Some(in_flight);
                Poll::Pending
            }
            Poll::Ready(step) => Poll::Ready(stream_item(step, this.ended)),
        }
    }
}

/// As an [`AsyncGen`](super::AsyncGen)'s: ended once the stream has
/// said so.
///
/// ```
/// use baton::async_gen::PinnedAsyncGen;
/// use baton::{Co, Error, EventLoop};
/// use futures_core::Stream;
/// use futures_core::stream::FusedStream;
/// use std::future::poll_fn;
/// use std::pin::pin;
///
/// let ended = EventLoop::virtual_clock().block_on(async {
///     let mut g = pin!(PinnedAsyncGen::new(|co: Co<u32, (), (), Error>| async move {
///         co.yield_(1).await?;
///         Err(Error::msg("broken"))?;
///         Ok(())
///     }));
///     let mut seen = Vec::new();
///     while let Some(item) = poll_fn(|cx| g.as_mut().poll_next(cx)).await {
///         seen.push((item.is_ok(), g.is_terminated()));
///     }
///     seen.push((true, g.is_terminated()));
///     Ok::<_, Error>(seen)
/// });
/// // An error is the stream's last item: it has ended as it is handed out.
/// assert_eq!(ended.ok(), Some(vec![(true, false), (false, true), (true, true)]));
/// ```
impl<F, Y, T, E> futures_core::stream::FusedStream for PinnedAsyncGen<F, Y, (), T, E>
where
    F: Future<Output = Outcome<T, E>>,
    E: Reason,
{
    fn is_terminated(&self) -> bool {
        self.ended
    }
}

/// A pinned async generator is an [`AsyncIterator`]: `next` sends
/// `R::default()`, and `close` calls `return(T::default())`
/// (JavaScript's `undefined`).
impl<F, Y, R, T, E> AsyncIterator for Pin<&mut PinnedAsyncGen<F, Y, R, T, E>>
where
    F: Future<Output = Outcome<T, E>>,
    Y: Clone + 'static,
    R: Default,
    T: Default,
    E: Reason,
{
    type Item = Y;
    type Error = E;

    #[inline(always)]
    fn next(&mut self) -> impl Future<Output = Result<Option<Y>, E>> {
        self.as_mut().next_item()
    }

    #[inline(always)]
    fn next_in_loop(&mut self, going_on: bool) -> impl Future<Output = Result<Option<Y>, E>> {
        self.as_mut().item_in_loop(going_on)
    }

    fn close(&mut self) -> impl Future<Output = Result<(), E>> {
        self.as_mut().close_for_loop()
    }
}

impl<F, Y, R, T, E> PinnedAsyncGen<F, Y, R, T, E>
where
    F: Future<Output = Outcome<T, E>>,
    Y: Clone + 'static,
    R: Default,
    T: Default,
    E: Reason,
{
    /// The iteration protocol's `next`: `next(R::default())`'s yield.
    #[inline(always)]
    pub(in crate::async_gen) fn next_item(
        self: Pin<&mut Self>,
    ) -> impl Future<Output = Result<Option<Y>, E>> {
        self.item::<false>()
    }

    /// [`next_item`](Self::next_item); `RELAYED`: asked by a helper
    /// stage's relay, which awaits it as it asks (see [`Made::GoingOn`]).
    ///
    /// [`Made::GoingOn`]: crate::async_gen::turn::Made::GoingOn
    #[inline(always)]
    pub(in crate::async_gen) fn item<const RELAYED: bool>(
        self: Pin<&mut Self>,
    ) -> impl Future<Output = Result<Option<Y>, E>> {
        super::iteration::NextItem(Request::<F, Y, R, T, E, RELAYED>::new(
            self,
            Resume::Next(R::default()),
        ))
    }

    /// [`next_item`](Self::next_item) asked by a `for await` loop,
    /// `going_on` from its last answer (see [`Made::GoingOn`]).
    ///
    /// [`Made::GoingOn`]: crate::async_gen::turn::Made::GoingOn
    #[inline(always)]
    pub(in crate::async_gen) fn item_in_loop(
        self: Pin<&mut Self>,
        going_on: bool,
    ) -> impl Future<Output = Result<Option<Y>, E>> {
        super::iteration::NextItem(Request::<F, Y, R, T, E, false, true>::in_loop(
            self,
            Resume::Next(R::default()),
            going_on,
        ))
    }

    /// The iteration protocol's `return()`, with JavaScript's `undefined`.
    pub(in crate::async_gen) fn close_for_loop(
        self: Pin<&mut Self>,
    ) -> impl Future<Output = Result<(), E>> {
        let request = self.r#return(T::default());
        async move { request.await.map(|_| ()) }
    }
}
