//! A request to a [`PinnedAsyncGen`]: the future that serves it, and the
//! turns it takes.

use std::fmt;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use super::{Phase, PinnedAsyncGen, Then};
use crate::Reason;
use crate::async_gen::delegate;
use crate::async_gen::turn::{Made, Taking, Turn};
use crate::event_loop::{self, LentTask};
use crate::generator::airlock;
use crate::generator::co::Exchange;
use crate::generator::{Abrupt, Outcome, Resume, Step};

/// What a poll of the body gave, and what it left in the airlock's slot.
type Polled<Y, R, T, E> = (Poll<Outcome<T, E>>, Exchange<Y, R, E, T>);

/// Where a request stands.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    Fresh,
    /// Fresh, made by a `for await` loop going on from its last answer in
    /// the poll that took it (see [`Made::GoingOn`]).
    FreshGoingOn,
    /// The generator works for this request.
    Serving,
    /// The answer is made, and waits for the consumer's turn.
    Answered,
    Finished,
}

/// One request to a [`PinnedAsyncGen`]: a future of its [`Step`].
///
/// `RELAYED`: made by a helper stage's relay, which awaits it as it makes
/// it; `LOOPED`: made by a `for await` loop, whose stage says whether the
/// loop goes on from its last answer (see `Made::GoingOn` for both).
/// Parameters, not fields, so that every other request's code has no test
/// of them (a field read on each first poll cost a hand-written pipeline
/// of pinned stages 6% in time; the stage read unless `LOOPED`, `yield*`
/// and `map_concurrent` items 20 instructions).
#[must_use = "a request does nothing unless awaited"]
pub struct Request<'g, F, Y, R, T, E, const RELAYED: bool = false, const LOOPED: bool = false> {
    pub(super) generator: Pin<&'g mut PinnedAsyncGen<F, Y, R, T, E>>,
    pub(super) stage: Stage,
    pub(super) polled: bool,
}

impl<F, Y, R, T, E, const RELAYED: bool, const LOOPED: bool> fmt::Debug
    for Request<'_, F, Y, R, T, E, RELAYED, LOOPED>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stage = match self.stage {
            Stage::Fresh | Stage::FreshGoingOn => "not yet made",
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

impl<'g, F, Y, R, T, E, const RELAYED: bool, const LOOPED: bool>
    Request<'g, F, Y, R, T, E, RELAYED, LOOPED>
where
    F: Future<Output = Outcome<T, E>>,
    E: Reason,
{
    pub(in crate::async_gen) fn new(
        generator: Pin<&'g mut PinnedAsyncGen<F, Y, R, T, E>>,
        how: Resume<R, E, T>,
    ) -> Self {
        Self::made(generator, how, Stage::Fresh)
    }

    /// A request a `for await` loop makes: `going_on` from its last
    /// answer, taken in this poll (see [`Made::GoingOn`]).
    #[inline(always)]
    pub(in crate::async_gen) fn in_loop(
        generator: Pin<&'g mut PinnedAsyncGen<F, Y, R, T, E>>,
        how: Resume<R, E, T>,
        going_on: bool,
    ) -> Self {
        let stage = if going_on {
            Stage::FreshGoingOn
        } else {
            Stage::Fresh
        };
        Self::made(generator, how, stage)
    }

    #[inline(always)]
    fn made(
        mut generator: Pin<&'g mut PinnedAsyncGen<F, Y, R, T, E>>,
        how: Resume<R, E, T>,
        stage: Stage,
    ) -> Self {
        if generator.streaming.is_some() {
            Self::drop_streamed(generator.as_mut());
        }
        *generator.as_mut().project().request = Some(how);
        Request {
            generator,
            stage,
            polled: false,
        }
    }

    /// A request made while one made by polling the generator as a
    /// `Stream` is in flight: that one is dropped, as any request left for
    /// another is.
    #[cold]
    fn drop_streamed(mut generator: Pin<&mut PinnedAsyncGen<F, Y, R, T, E>>) {
        if let Some((stage, polled)) = generator.as_mut().project().streaming.take() {
            drop(Request::<F, Y, R, T, E> {
                generator,
                stage,
                polled,
            });
        }
    }

    /// Serves a fresh request to a generator at rest.
    fn serve(
        &mut self,
        lent: Option<&LentTask<'_>>,
        cx: &Context<'_>,
        made: Made,
    ) -> Move<Y, T, E> {
        self.stage = Stage::Serving;
        let mut g = self.generator.as_mut().project();
        let Some(how) = g.request.take() else {
            unreachable!("served once")
        };
        match (*g.phase, how) {
            (Phase::Start, Resume::Next(_first_value_is_discarded)) => {
                *g.phase = Phase::Running;
                self.drive(Exchange::Empty, lent, cx, made)
            }
            (Phase::Paused, Resume::Next(value)) => {
                *g.phase = Phase::Running;
                self.drive(Exchange::Next(value), lent, cx, made)
            }
            (Phase::Paused, Resume::Throw(error)) => {
                *g.phase = Phase::Running;
                self.drive(Exchange::Throw(error), lent, cx, made)
            }
            // The value of `return(v)` is awaited before the return
            // reaches the yield: one turn.
            (Phase::Paused, Resume::Return(value)) => {
                *g.returned = Some(value);
                self.await_then(Then::ResumeReturn, lent, cx, made)
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
                        self.await_then(Then::Complete, lent, cx, made)
                    }
                }
            }
            (Phase::Running | Phase::Awaiting, _) => {
                unreachable!("a fresh request is served to a generator at rest")
            }
        }
    }

    /// Polls the body with `input` in the airlock: what the poll gave,
    /// and what the body left in the slot. `in_place`: nothing runs after
    /// this request up to one made before ([`Made::in_place`]), which a
    /// relay in the body hands on to the fresh requests it makes.
    #[inline(always)]
    fn poll_body(
        &mut self,
        input: Exchange<Y, R, E, T>,
        waker: &Waker,
        in_place: bool,
    ) -> Polled<Y, R, T, E> {
        let g = self.generator.as_mut().project();
        let Some(body) = g.body.as_pin_mut() else {
            unreachable!("a running generator has its body")
        };
        // A panic in the body leaves the generator done as it unwinds out
        // of the request's poll (as a `Gen`'s out of its resume).
        let unwinding = DoneIfUnwinding(Some(g.phase));
        let polled = airlock::poll_in_airlock(*g.owner, waker, in_place, input, body, |slot| {
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
        made: Made,
    ) -> Move<Y, T, E> {
        let (polled, out) = self.poll_body(input, airlock::polled_under(cx), made.in_place());
        self.on_polled(polled, out, lent, cx, made)
    }

    /// What the body did, acted on.
    fn on_polled(
        &mut self,
        polled: Poll<Outcome<T, E>>,
        out: Exchange<Y, R, E, T>,
        lent: Option<&LentTask<'_>>,
        cx: &Context<'_>,
        made: Made,
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
                    self.await_then(Then::Deliver, lent, cx, made)
                }
            }
            (Poll::Pending, _) => Move::Pending,
            (Poll::Ready(ended), _) => {
                g.body.set(None);
                match ended {
                    // `return v` awaits `v`: one turn.
                    Ok(value) => {
                        *g.returned = Some(value);
                        self.await_then(Then::Complete, lent, cx, made)
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
        made: Made,
    ) -> Move<Y, T, E> {
        let taking = Taking::decide(lent, cx, made);
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
        made: Made,
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
                    Some(value) => self.drive(Exchange::Return(value), lent, cx, made),
                    None => unreachable!("a return has its value"),
                }
            }
        }
    }
}

impl<F, Y, R, T, E, const RELAYED: bool, const LOOPED: bool> Future
    for Request<'_, F, Y, R, T, E, RELAYED, LOOPED>
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
        // Found once a poll: the body is polled under it, and the task
        // is found from it.
        let waker = airlock::polled_under(cx);
        let lent = event_loop::lent_task(waker);
        if let Some(lent) = &lent {
            let g = this.generator.as_mut().project();
            if !this.polled {
                if *g.phase == Phase::Paused && matches!(g.request, Some(Resume::Next(_))) {
                    let made = Self::made_fresh(this.stage, cx);
                    this.polled = true;
                    this.stage = Stage::Serving;
                    *g.phase = Phase::Running;
                    let Some(Resume::Next(value)) = g.request.take() else {
                        unreachable!("a next")
                    };
                    let (polled, out) =
                        this.poll_body(Exchange::Next(value), waker, made.in_place());
                    if polled.is_pending()
                        && let Exchange::Yielded(_) = out
                        && !delegate::is_delegated()
                    {
                        if made == Made::GoingOn && lent.may_go_on() {
                            // Both turns taken now, as a request made
                            // before takes them.
                            let Exchange::Yielded(value) = out else {
                                unreachable!("a yield")
                            };
                            return this.yielded_now(value);
                        }
                        if lent.go_on_at_once() {
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
                    }
                    if polled.is_pending() && matches!(out, Exchange::Empty) {
                        // The body awaits (in a pipeline, its source's
                        // answer): the next poll resumes it. The slot is
                        // empty: nothing to drop, and no call to drop it.
                        mem::forget(out);
                        return Poll::Pending;
                    }
                    let moved = this.on_polled(polled, out, Some(lent), cx, made);
                    return this.go_on(moved, Some(lent), cx, made);
                }
            } else if *g.phase == Phase::Running && this.stage == Stage::Serving {
                // Resumed after an `await` (in a pipeline, its source's
                // answer): a yield's turn and the consumer's are taken at
                // once when they would come next.
                let (polled, out) = this.poll_body(Exchange::Empty, waker, true);
                if polled.is_pending() && matches!(out, Exchange::Empty) {
                    // Still awaiting: as above, nothing to drop.
                    mem::forget(out);
                    return Poll::Pending;
                }
                match (polled, out) {
                    (Poll::Pending, Exchange::Yielded(value))
                        if !delegate::is_delegated() && lent.may_go_on() =>
                    {
                        return this.yielded_now(value);
                    }
                    // A `yield*` hands its value out at once, with no turn
                    // of its own: the consumer's alone is left, taken now
                    // as well (through the general course, `yield*` from
                    // an `AsyncGen` took 944 instructions an item). An arm
                    // of its own: folded into the one above, the plain
                    // yield's code was laid out anew (a pipeline item 13
                    // instructions more).
                    (Poll::Pending, Exchange::Yielded(value)) if lent.may_go_on() => {
                        delegate::forget_delegation();
                        return this.yielded_now(value);
                    }
                    (polled, out) => {
                        let moved = this.on_polled(polled, out, Some(lent), cx, Made::Before);
                        return this.go_on(moved, Some(lent), cx, Made::Before);
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

impl<F, Y, R, T, E, const RELAYED: bool, const LOOPED: bool>
    Request<'_, F, Y, R, T, E, RELAYED, LOOPED>
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
        let made = if mem::replace(&mut self.polled, true) {
            Made::Before
        } else {
            Self::made_fresh(self.stage, cx)
        };
        self.go_on(Move::Again, lent, cx, made)
    }

    /// How a request polled for the first time under `cx` was made: by a
    /// relay whose own request may take its turns in place (its body's
    /// airlock says), by a loop going on from its last answer, or in this
    /// poll like any other.
    #[inline(always)]
    fn made_fresh(stage: Stage, cx: &Context<'_>) -> Made {
        if (LOOPED && stage == Stage::FreshGoingOn) || (RELAYED && airlock::in_place(cx)) {
            Made::GoingOn
        } else {
            Made::ThisPoll
        }
    }

    /// Hands out `value`, its turns taken now: the generator rests at its
    /// yield.
    #[inline(always)]
    fn yielded_now(&mut self, value: Y) -> Poll<Result<Step<Y, T>, E>> {
        *self.generator.as_mut().project().phase = Phase::Paused;
        self.stage = Stage::Finished;
        Poll::Ready(Ok(Step::Yielded(value)))
    }

    /// Moves the request on from `moved` until it is answered or waits.
    fn go_on(
        &mut self,
        mut moved: Move<Y, T, E>,
        lent: Option<&LentTask<'_>>,
        cx: &Context<'_>,
        made: Made,
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
                        return match Taking::decide(lent, cx, made) {
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
                (Phase::Awaiting, _) => self.take_awaited(lent, cx, made),
                (Phase::Running, _) => self.drive(Exchange::Empty, lent, cx, made),
                (_, Stage::Fresh | Stage::FreshGoingOn) => self.serve(lent, cx, made),
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

impl<F, Y, R, T, E, const RELAYED: bool, const LOOPED: bool> Drop
    for Request<'_, F, Y, R, T, E, RELAYED, LOOPED>
{
    #[inline(always)]
    fn drop(&mut self) {
        if self.stage != Stage::Finished {
            self.given_up();
        }
    }
}

impl<F, Y, R, T, E, const RELAYED: bool, const LOOPED: bool>
    Request<'_, F, Y, R, T, E, RELAYED, LOOPED>
{
    /// Dropped before its answer was taken.
    #[cold]
    fn given_up(&mut self) {
        let stage = self.stage;
        let g = self.generator.as_mut().project();
        match stage {
            Stage::Fresh | Stage::FreshGoingOn => drop(g.request.take()),
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
