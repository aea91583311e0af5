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
//! 188 instructions, an `AsyncGen`'s 325).

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::mem;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use pin_project_lite::pin_project;

use super::{AsyncIterator, delegate, direct};
use crate::event_loop::{self, Job, LentTask};
use crate::generator::airlock;
use crate::generator::co::Exchange;
use crate::generator::{Abrupt, Co, Outcome, Resume, Step};
use crate::promise::task::task_of;
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
    /// `yield_from_async` and `yield_from_iter` work in it.
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

/// A turn queued as a job: when it comes, it runs the consumer's task
/// (or wakes its waker), whose poll takes it.
struct Turn {
    came: Cell<bool>,
    task: Cell<Option<Rc<dyn Job>>>,
    waker: Cell<Option<Waker>>,
}

impl Turn {
    fn new() -> Rc<Turn> {
        Rc::new(Turn {
            came: Cell::new(false),
            task: Cell::new(None),
            waker: Cell::new(None),
        })
    }

    /// Queues a turn for whoever polls with `cx` (`lent`: its task).
    #[cold]
    fn queue(lent: Option<&LentTask<'_>>, cx: &Context<'_>) -> Rc<Turn> {
        let turn = Turn::new();
        turn.point_at(lent, cx);
        event_loop::queue_job(turn.clone());
        turn
    }

    /// A turn owed to a request dropped before its poll took it: queued
    /// where it was owed, ahead of everything queued since, to run
    /// whoever asks next.
    #[cold]
    fn queue_first() -> Rc<Turn> {
        let turn = Turn::new();
        event_loop::queue_job_first(turn.clone());
        turn
    }

    /// Whether the turn has come; if not, it now resumes whoever polls
    /// with `cx` (a later request may come from another task).
    fn has_come(&self, lent: Option<&LentTask<'_>>, cx: &Context<'_>) -> bool {
        if self.came.get() {
            return true;
        }
        self.point_at(lent, cx);
        false
    }

    fn point_at(&self, lent: Option<&LentTask<'_>>, cx: &Context<'_>) {
        match lent {
            Some(lent) => {
                drop(self.waker.take());
                self.task.set(Some(lent.task.clone()));
            }
            None => {
                drop(self.task.take());
                self.waker.set(Some(cx.waker().clone()));
            }
        }
    }

    fn come(&self) -> Option<Rc<dyn Job>> {
        self.came.set(true);
        if let Some(waker) = self.waker.take() {
            waker.wake();
        }
        self.task.take()
    }
}

impl Job for Turn {
    fn run(self: Rc<Self>) {
        if let Some(task) = self.come() {
            task.run();
        }
    }

    fn run_alone(self: Rc<Self>) {
        if let Some(task) = self.come() {
            task.run_alone();
        }
    }
}

/// How a needed turn is to be taken (see the module's notes).
enum Taking {
    Now,
    Owed,
    Queued(Rc<Turn>),
}

impl Taking {
    /// `first`: the request was made in this poll.
    #[inline(always)]
    fn decide(lent: Option<&LentTask<'_>>, cx: &Context<'_>, first: bool) -> Taking {
        match lent {
            Some(lent) if !first && lent.may_go_on() => Taking::Now,
            Some(lent) if first && lent.go_on_at_once() => Taking::Owed,
            lent => Taking::Queued(Turn::queue(lent, cx)),
        }
    }

    /// The turn to wait for: `None` when it is taken by the next poll,
    /// or now.
    fn into_turn(self) -> Option<Rc<Turn>> {
        match self {
            Taking::Now | Taking::Owed => None,
            Taking::Queued(turn) => Some(turn),
        }
    }
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
        PinnedAsyncGen {
            owner,
            phase: Phase::Start,
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
            body: Some(body(Co::new(owner))),
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

/// What a poll of the body gave, and what it left in the airlock's slot.
type Polled<Y, R, T, E> = (Poll<Outcome<T, E>>, Exchange<Y, R, E, T>);

/// Where a request stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Fresh,
    /// The generator works for this request.
    Serving,
    /// The answer is made, and waits for the consumer's turn.
    Answered,
    Finished,
}

/// One request to a [`PinnedAsyncGen`]: a future of its [`Step`].
#[must_use = "a request does nothing unless awaited"]
pub struct Request<'g, F, Y, R, T, E> {
    generator: Pin<&'g mut PinnedAsyncGen<F, Y, R, T, E>>,
    stage: Stage,
    polled: bool,
}

impl<F, Y, R, T, E> fmt::Debug for Request<'_, F, Y, R, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stage = match self.stage {
            Stage::Fresh => "not yet made",
            Stage::Serving => "being served",
            Stage::Answered => "answered",
            Stage::Finished => "finished",
        };
        f.debug_struct("Request")
            .field("stage", &stage)
            .finish_non_exhaustive()
    }
}

/// What one move of a request's poll came to.
enum Move<Y, T, E> {
    /// The request's answer, its consumer's turn still to come.
    Answer(Result<Step<Y, T>, E>),
    Pending,
    /// Go on at once (a turn taken in place, an orphan's answer dropped).
    Again,
}

impl<'g, F, Y, R, T, E> Request<'g, F, Y, R, T, E>
where
    F: Future<Output = Outcome<T, E>>,
    E: Reason,
{
    fn new(
        mut generator: Pin<&'g mut PinnedAsyncGen<F, Y, R, T, E>>,
        how: Resume<R, E, T>,
    ) -> Self {
        *generator.as_mut().project().request = Some(how);
        Request {
            generator,
            stage: Stage::Fresh,
            polled: false,
        }
    }

    /// Serves a fresh request to a generator at rest.
    fn serve(
        &mut self,
        lent: Option<&LentTask<'_>>,
        cx: &Context<'_>,
        first: bool,
    ) -> Move<Y, T, E> {
        self.stage = Stage::Serving;
        let mut g = self.generator.as_mut().project();
        let Some(how) = g.request.take() else {
            unreachable!("served once")
        };
        match (*g.phase, how) {
            (Phase::Start, Resume::Next(_first_value_is_discarded)) => {
                *g.phase = Phase::Running;
                self.drive(Exchange::Empty, lent, cx, first)
            }
            (Phase::Paused, Resume::Next(value)) => {
                *g.phase = Phase::Running;
                self.drive(Exchange::Next(value), lent, cx, first)
            }
            (Phase::Paused, Resume::Throw(error)) => {
                *g.phase = Phase::Running;
                self.drive(Exchange::Throw(error), lent, cx, first)
            }
            // The value of `return(v)` is awaited before the return
            // reaches the yield: one turn.
            (Phase::Paused, Resume::Return(value)) => {
                *g.returned = Some(value);
                self.await_then(Then::ResumeReturn, lent, cx, first)
            }
            (Phase::Start | Phase::Done, how) => {
                // throw/return before the body ran: it never will.
                g.body.set(None);
                *g.phase = Phase::Done;
                match how {
                    Resume::Next(_) => Move::Answer(Ok(Step::Done)),
                    Resume::Throw(error) => Move::Answer(Err(error)),
                    // A finished generator's `return(v)` awaits `v`.
                    Resume::Return(value) => {
                        *g.returned = Some(value);
                        self.await_then(Then::Complete, lent, cx, first)
                    }
                }
            }
            (Phase::Running | Phase::Awaiting, _) => {
                unreachable!("a fresh request is served to a generator at rest")
            }
        }
    }

    /// Polls the body with `input` in the airlock: what the poll gave,
    /// and what the body left in the slot.
    #[inline(always)]
    fn poll_body(&mut self, input: Exchange<Y, R, E, T>, cx: &Context<'_>) -> Polled<Y, R, T, E> {
        let g = self.generator.as_mut().project();
        let Some(body) = g.body.as_pin_mut() else {
            unreachable!("a running generator has its body")
        };
        // A panic in the body leaves the generator done as it unwinds out
        // of the request's poll (as a `Gen`'s out of its resume).
        let unwinding = DoneIfUnwinding(Some(g.phase));
        // Polled inside another generator's body (a pipeline's stage), the
        // body gets the task's waker, not that body's airlock: its own
        // requests reach the task, and wake-ups go there either way.
        let waker = airlock::outer_waker(cx.waker()).unwrap_or(cx.waker());
        let polled = airlock::poll_in_airlock(*g.owner, waker, input, body, |slot| {
            slot.replace(Exchange::Empty)
        });
        unwinding.disarm();
        polled
    }

    /// Polls the body with `input` in the airlock, and acts on what it did.
    fn drive(
        &mut self,
        input: Exchange<Y, R, E, T>,
        lent: Option<&LentTask<'_>>,
        cx: &Context<'_>,
        first: bool,
    ) -> Move<Y, T, E> {
        let (polled, out) = self.poll_body(input, cx);
        self.on_polled(polled, out, lent, cx, first)
    }

    /// What the body did, acted on.
    fn on_polled(
        &mut self,
        polled: Poll<Outcome<T, E>>,
        out: Exchange<Y, R, E, T>,
        lent: Option<&LentTask<'_>>,
        cx: &Context<'_>,
        first: bool,
    ) -> Move<Y, T, E> {
        let mut g = self.generator.as_mut().project();
        match (polled, out) {
            (Poll::Pending, Exchange::Yielded(value)) => {
                if delegate::take_delegation() {
                    // `yield*` and a yielded promise hand out at once.
                    *g.phase = Phase::Paused;
                    Move::Answer(Ok(Step::Yielded(value)))
                } else {
                    *g.yielded = Some(value);
                    self.await_then(Then::Deliver, lent, cx, first)
                }
            }
            (Poll::Pending, _) => Move::Pending,
            (Poll::Ready(ended), _) => {
                g.body.set(None);
                match ended {
                    // `return v` awaits `v`: one turn.
                    Ok(value) => {
                        *g.returned = Some(value);
                        self.await_then(Then::Complete, lent, cx, first)
                    }
                    Err(Abrupt::Return(value)) => {
                        *g.phase = Phase::Done;
                        Move::Answer(Ok(Step::Returned(value)))
                    }
                    Err(Abrupt::Throw(error)) => {
                        *g.phase = Phase::Done;
                        Move::Answer(Err(error))
                    }
                }
            }
        }
    }

    /// The generator awaits its operand (stored), then goes on with
    /// `then`: at once when its turn may be taken in place, else when it
    /// comes.
    fn await_then(
        &mut self,
        then: Then,
        lent: Option<&LentTask<'_>>,
        cx: &Context<'_>,
        first: bool,
    ) -> Move<Y, T, E> {
        let taking = Taking::decide(lent, cx, first);
        let now = matches!(taking, Taking::Now);
        let g = self.generator.as_mut().project();
        *g.phase = Phase::Awaiting;
        *g.then = then;
        *g.turn = taking.into_turn();
        if now { Move::Again } else { Move::Pending }
    }

    /// The generator awaits an operand: its turn has come, or not yet.
    fn take_awaited(
        &mut self,
        lent: Option<&LentTask<'_>>,
        cx: &Context<'_>,
        first: bool,
    ) -> Move<Y, T, E> {
        let g = self.generator.as_mut().project();
        if let Some(turn) = g.turn.as_ref()
            && !turn.has_come(lent, cx)
        {
            return Move::Pending;
        }
        drop(g.turn.take());
        match *g.then {
            Then::Deliver => {
                *g.phase = Phase::Paused;
                match g.yielded.take() {
                    Some(value) => Move::Answer(Ok(Step::Yielded(value))),
                    None => unreachable!("a delivery has its value"),
                }
            }
            Then::Complete => {
                *g.phase = Phase::Done;
                match g.returned.take() {
                    Some(value) => Move::Answer(Ok(Step::Returned(value))),
                    None => unreachable!("a completion has its value"),
                }
            }
            Then::ResumeReturn => {
                *g.phase = Phase::Running;
                match g.returned.take() {
                    Some(value) => self.drive(Exchange::Return(value), lent, cx, first),
                    None => unreachable!("a return has its value"),
                }
            }
        }
    }
}

impl<F, Y, R, T, E> Future for Request<'_, F, Y, R, T, E>
where
    F: Future<Output = Outcome<T, E>>,
    E: Reason,
{
    type Output = Result<Step<Y, T>, E>;

    /// The usual course inlined (a `next` to a generator paused at a
    /// yield that yields again at once, from a task that goes on at once:
    /// an item of a for-await loop, in two polls), the rest out of line.
    #[inline(always)]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let lent = task_of(cx);
        if let Some(lent) = &lent {
            let g = this.generator.as_mut().project();
            if !this.polled {
                if *g.phase == Phase::Paused && matches!(g.request, Some(Resume::Next(_))) {
                    this.polled = true;
                    this.stage = Stage::Serving;
                    *g.phase = Phase::Running;
                    let Some(Resume::Next(value)) = g.request.take() else {
                        unreachable!("a next")
                    };
                    let (polled, out) = this.poll_body(Exchange::Next(value), cx);
                    if polled.is_pending()
                        && let Exchange::Yielded(_) = out
                        && !delegate::is_delegated()
                        && lent.go_on_at_once()
                    {
                        // The turn its value awaits is owed to the task.
                        let g = this.generator.as_mut().project();
                        let Exchange::Yielded(value) = out else {
                            unreachable!("a yield")
                        };
                        *g.yielded = Some(value);
                        *g.then = Then::Deliver;
                        *g.phase = Phase::Awaiting;
                        return Poll::Pending;
                    }
                    let moved = this.on_polled(polled, out, Some(lent), cx, true);
                    return this.go_on(moved, Some(lent), cx, true);
                }
            } else if *g.phase == Phase::Running && this.stage == Stage::Serving {
                // Resumed after an `await` (in a pipeline, its source's
                // answer): a yield's turn and the consumer's are taken at
                // once when they would come next.
                let (polled, out) = this.poll_body(Exchange::Empty, cx);
                match (polled, out) {
                    (Poll::Pending, Exchange::Yielded(value))
                        if !delegate::is_delegated() && lent.may_go_on() =>
                    {
                        *this.generator.as_mut().project().phase = Phase::Paused;
                        this.stage = Stage::Finished;
                        return Poll::Ready(Ok(Step::Yielded(value)));
                    }
                    (Poll::Pending, Exchange::Empty) => return Poll::Pending,
                    (polled, out) => {
                        let moved = this.on_polled(polled, out, Some(lent), cx, false);
                        return this.go_on(moved, Some(lent), cx, false);
                    }
                }
            } else if *g.phase == Phase::Awaiting
                && *g.then == Then::Deliver
                && g.turn.is_none()
                && this.stage == Stage::Serving
                && lent.may_go_on()
            {
                // The owed turn, and the consumer's after it, taken now.
                *g.phase = Phase::Paused;
                if let Some(value) = g.yielded.take() {
                    this.stage = Stage::Finished;
                    return Poll::Ready(Ok(Step::Yielded(value)));
                }
            }
        }
        this.poll_otherwise(lent.as_ref(), cx)
    }
}

impl<F, Y, R, T, E> Request<'_, F, Y, R, T, E>
where
    F: Future<Output = Outcome<T, E>>,
    E: Reason,
{
    /// Every poll but the usual course's.
    #[inline(never)]
    fn poll_otherwise(
        &mut self,
        lent: Option<&LentTask<'_>>,
        cx: &Context<'_>,
    ) -> Poll<Result<Step<Y, T>, E>> {
        if self.stage == Stage::Answered {
            return self.take_answer(lent, cx);
        }
        let first = !mem::replace(&mut self.polled, true);
        self.go_on(Move::Again, lent, cx, first)
    }

    /// Moves the request on from `moved` until it is answered or waits.
    fn go_on(
        &mut self,
        mut moved: Move<Y, T, E>,
        lent: Option<&LentTask<'_>>,
        cx: &Context<'_>,
        first: bool,
    ) -> Poll<Result<Step<Y, T>, E>> {
        loop {
            match moved {
                Move::Again => {}
                Move::Pending => return Poll::Pending,
                Move::Answer(answer) => {
                    let g = self.generator.as_mut().project();
                    if mem::replace(g.orphaned, false) {
                        // The answer of a request dropped meanwhile: lost
                        // (a failure is an unhandled rejection), and this
                        // one is served next, at once.
                        if let Err(error) = answer {
                            (g.report_lost)(error);
                        }
                    } else {
                        // The consumer's turn, as a promise's reaction's.
                        return match Taking::decide(lent, cx, first) {
                            Taking::Now => {
                                self.stage = Stage::Finished;
                                Poll::Ready(answer)
                            }
                            taking => {
                                self.stage = Stage::Answered;
                                *g.answer = Some(answer);
                                *g.answer_turn = taking.into_turn();
                                Poll::Pending
                            }
                        };
                    }
                }
            }
            moved = match (self.generator.phase, self.stage) {
                (_, Stage::Finished) => {
                    panic!("a generator's request was polled after it completed")
                }
                (Phase::Awaiting, _) => self.take_awaited(lent, cx, first),
                (Phase::Running, _) => self.drive(Exchange::Empty, lent, cx, first),
                (_, Stage::Fresh) => self.serve(lent, cx, first),
                (_, Stage::Serving | Stage::Answered) => {
                    unreachable!("a request served is answered before the generator rests")
                }
            };
        }
    }

    /// The consumer's turn after the answer: come, or not yet.
    fn take_answer(
        &mut self,
        lent: Option<&LentTask<'_>>,
        cx: &Context<'_>,
    ) -> Poll<Result<Step<Y, T>, E>> {
        let g = self.generator.as_mut().project();
        if let Some(turn) = g.answer_turn.as_ref()
            && !turn.has_come(lent, cx)
        {
            return Poll::Pending;
        }
        drop(g.answer_turn.take());
        self.stage = Stage::Finished;
        match g.answer.take() {
            Some(answer) => Poll::Ready(answer),
            None => unreachable!("answered once"),
        }
    }
}

/// Marks the generator done if the body's poll unwinds.
struct DoneIfUnwinding<'s>(Option<&'s mut Phase>);

impl DoneIfUnwinding<'_> {
    #[inline(always)]
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for DoneIfUnwinding<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        if let Some(phase) = self.0.take() {
            // A delegated yield that panicked left its mark behind.
            delegate::forget_delegation();
            *phase = Phase::Done;
        }
    }
}

impl<F, Y, R, T, E> Drop for Request<'_, F, Y, R, T, E> {
    #[inline(always)]
    fn drop(&mut self) {
        if self.stage != Stage::Finished {
            self.given_up();
        }
    }
}

impl<F, Y, R, T, E> Request<'_, F, Y, R, T, E> {
    /// Dropped before its answer was taken.
    #[cold]
    fn given_up(&mut self) {
        let stage = self.stage;
        let g = self.generator.as_mut().project();
        match stage {
            Stage::Fresh => drop(g.request.take()),
            // Its answer is lost, as a promise's nobody awaits.
            Stage::Answered => {
                drop(g.answer_turn.take());
                if let Some(Err(error)) = g.answer.take() {
                    (g.report_lost)(error);
                }
            }
            Stage::Serving => *g.orphaned = matches!(*g.phase, Phase::Running | Phase::Awaiting),
            Stage::Finished => {}
        }
        if *g.phase == Phase::Awaiting && g.turn.is_none() {
            // Gone before its poll took the turn owed to it: queued where
            // it was owed, for whoever asks next.
            *g.turn = Some(Turn::queue_first());
        }
    }
}

/// A pinned async generator that takes no resume value is a `Stream` of
/// its yields; an error ends the stream after being yielded as `Err`.
/// Dropping it midway drops the body without running its cleanup (see
/// [`for_await`](super::for_await), which closes it).
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
        let mut request = Request {
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
            Poll::Ready(Ok(Step::Yielded(item))) => Poll::Ready(Some(Ok(item))),
            Poll::Ready(Ok(_)) => {
                *this.ended = true;
                Poll::Ready(None)
            }
            Poll::Ready(Err(e)) => {
                *this.ended = true;
                Poll::Ready(Some(Err(e)))
            }
        }
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
        let mut request = self.as_mut().next(R::default());
        std::future::poll_fn(move |cx| {
            Pin::new(&mut request)
                .poll(cx)
                .map(|step| step.map(Step::yielded))
        })
    }

    fn close(&mut self) -> impl Future<Output = Result<(), E>> {
        let request = self.as_mut().r#return(T::default());
        async move { request.await.map(|_| ()) }
    }
}
