//! `next()` without a promise: when a task on the loop iterates a
//! generator through [`AsyncIterator`](super::AsyncIterator) (`for_await`,
//! the helpers, `Stream`), the answer is handed straight to the waiting
//! task. The task is resumed by a job queued when the answer is ready, as
//! a promise's reaction would be: the same microtask turn, one promise
//! fewer per item.
//!
//! A generator has one slot for such an answer. A `next` that finds it in
//! use (another consumer's answer not yet taken), or that is not polled
//! from a task on the loop, goes through a promise as before.

use std::cell::Cell;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::machine::{Machine, Reply, State};
use super::turn::Turn;
use crate::event_loop::{self, Job};
use crate::generator::{Resume, Step};
use crate::promise::Awaiting;
use crate::promise::task::task_of;
use crate::{Promise, Reason};

#[cfg(test)]
thread_local! {
    /// Set by tests that compare the direct path with the promise path it
    /// stands in for (`shortcut_props`): every `next` takes the promise.
    pub(crate) static NEVER_DIRECT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The slot for the direct request's answer. Its fields are `Cell`s,
/// each taken and put back whole: no borrow flag to check and set on each
/// of the two to three visits an item makes (a `RefCell` around the whole
/// cost a for-await item 8 instructions and a pipeline item 28).
pub(super) struct Direct<Y, T, E> {
    /// Which request the slot belongs to.
    ticket: Cell<u64>,
    /// A direct request is queued or being served.
    outstanding: Cell<bool>,
    /// Its consumer went away: its answer is dropped.
    orphaned: Cell<bool>,
    /// Whether `answer` holds one: read without moving it out.
    answered: Cell<bool>,
    answer: Cell<Option<Result<Step<Y, T>, E>>>,
    waiter: Cell<Option<Rc<dyn Job>>>,
    /// A request was dropped after its answer had queued its task: that
    /// wake-up is still to come, and would let a later request take its
    /// answer a turn early. Until it has passed, answers are gated.
    stale_wake: Cell<bool>,
    /// The gate of the answer in the slot: taken only once its own turn
    /// has come.
    gate: Cell<Option<Rc<Turn>>>,
    /// [`report_lost`], named where `E`'s bounds are known.
    report_lost: fn(E),
}

impl<Y, T, E> Direct<Y, T, E> {
    pub(super) fn new(report_lost: fn(E)) -> Self {
        Direct {
            ticket: Cell::new(0),
            outstanding: Cell::new(false),
            orphaned: Cell::new(false),
            answered: Cell::new(false),
            answer: Cell::new(None),
            waiter: Cell::new(None),
            stale_wake: Cell::new(false),
            gate: Cell::new(None),
            report_lost,
        }
    }

    /// An answer nobody will take.
    fn lost(&self, answer: Result<Step<Y, T>, E>) {
        if let Err(error) = answer {
            (self.report_lost)(error);
        }
    }
}

impl<Y, T, E> Direct<Y, T, E> {
    /// Nothing in the slot, none on its way, no wake-up still to come.
    pub(super) fn is_free(&self) -> bool {
        let gate = self.gate.take();
        let gated = gate.is_some();
        self.gate.set(gate);
        !(self.outstanding.get() || self.answered.get() || self.stale_wake.get() || gated)
    }

    /// Claims the slot for a new request, if it is free.
    fn claim(&self, waiter: Rc<dyn Job>) -> Option<u64> {
        if self.outstanding.get() || self.answered.get() {
            return None;
        }
        #[cfg(test)]
        if NEVER_DIRECT.with(Cell::get) {
            return None;
        }
        let ticket = self.ticket.get() + 1;
        self.ticket.set(ticket);
        self.outstanding.set(true);
        // The slot is the claimant's before an earlier waiter's drop runs.
        drop(self.waiter.replace(Some(waiter)));
        Some(ticket)
    }

    /// Stores the answer; returns the task to resume.
    pub(super) fn answer(
        &self,
        make: impl FnOnce() -> Result<Step<Y, T>, E>,
    ) -> Option<Rc<dyn Job>> {
        self.outstanding.set(false);
        if self.orphaned.replace(false) {
            self.lost(make());
            return None;
        }
        self.answered.set(true);
        drop(self.answer.replace(Some(make())));
        let waiter = self.waiter.take();
        if self.stale_wake.get() {
            return self.gated(waiter);
        }
        waiter
    }

    /// The answer's turn as a job of its own, ahead of which the stale
    /// wake-up runs the task to no effect.
    #[cold]
    fn gated(&self, waiter: Option<Rc<dyn Job>>) -> Option<Rc<dyn Job>> {
        let turn = Turn::for_task(waiter);
        drop(self.gate.replace(Some(turn.clone())));
        Some(turn)
    }

    /// The request was answered by handing the value straight to its
    /// consumer: the slot is free again, its waiter not needed.
    pub(super) fn answered_in_place(&self) {
        self.outstanding.set(false);
        drop(self.waiter.take());
    }

    fn take(&self, ticket: u64) -> Option<Result<Step<Y, T>, E>> {
        if self.ticket.get() != ticket || !self.answered.get() {
            return None;
        }
        if self.stale_wake.get() && !self.gate_passed() {
            return None;
        }
        self.answered.set(false);
        self.answer.take()
    }

    /// Whether the gated answer's own turn has come: the stale wake-up,
    /// queued before it, has passed too.
    #[cold]
    fn gate_passed(&self) -> bool {
        let gate = self.gate.take();
        match gate {
            Some(turn) if !turn.came() => {
                self.gate.set(Some(turn));
                false
            }
            _ => {
                self.stale_wake.set(false);
                true
            }
        }
    }

    /// The request's consumer is now polled under a waker of its own (it
    /// was handed to a combinator after its first poll): the answer wakes
    /// `waiter` instead of resuming the task that made the request.
    fn rewait(&self, ticket: u64, waiter: Rc<dyn Job>) {
        if self.ticket.get() == ticket {
            let earlier = self.waiter.take();
            if earlier.is_some() {
                self.waiter.set(Some(waiter));
            }
            drop(earlier);
        }
    }

    /// The request's consumer is gone: free the slot now, or when the
    /// answer comes.
    fn abandon(&self, ticket: u64) {
        if self.ticket.get() == ticket {
            let waiter = self.waiter.take();
            if self.answered.get() {
                // Its answer had queued the task (or its gate), which will
                // still run.
                self.stale_wake.set(true);
                drop(self.gate.take());
            }
            self.answered.set(false);
            let answer = self.answer.take();
            self.orphaned.set(self.outstanding.get());
            // Dropped once the slot is consistent: their drops may reach it.
            drop(waiter);
            if let Some(answer) = answer {
                self.lost(answer);
            }
        }
    }
}

/// The failure of a request dropped before taking its answer, as
/// JavaScript's promise of a request nobody awaits: an unhandled
/// rejection, reported as the loop reports one.
pub(super) fn report_lost<E: Reason>(error: E) {
    drop(Promise::<(), E>::reject(error));
}

/// Wakes a combinator's waker when a direct answer is ready.
struct WakeOnAnswer(std::task::Waker);

impl Job for WakeOnAnswer {
    fn run(self: Rc<Self>) {
        self.0.wake_by_ref();
    }
}

enum Stage<Y, R, T, E> {
    Start(R),
    Direct(u64),
    /// The body yielded in the request's poll, with nothing queued: the
    /// turn that delivers its value is owed to this request's task, which
    /// polls again at once and takes it then (see [`NextStep::take_owed`]).
    Owed(u64),
    Promised(Awaiting<Step<Y, T>, E>),
    Done,
}

/// The future of one `next(value)` through the iteration protocol.
pub(crate) struct NextStep<Y, R, T, E> {
    machine: Rc<Machine<Y, R, T, E>>,
    stage: Stage<Y, R, T, E>,
}

impl<Y, R, T, E> NextStep<Y, R, T, E> {
    pub(super) fn new(machine: Rc<Machine<Y, R, T, E>>, value: R) -> Self {
        NextStep {
            machine,
            stage: Stage::Start(value),
        }
    }
}

impl<Y, R, T, E> NextStep<Y, R, T, E> {
    /// A later poll, its direct answer not ready: if it is now polled under
    /// a waker of its own (handed to a combinator after its first poll),
    /// the answer must wake that waker.
    #[cold]
    fn still_waiting(&mut self, ticket: u64, cx: &Context<'_>) -> Poll<Result<Step<Y, T>, E>> {
        self.stage = Stage::Direct(ticket);
        if task_of(cx).is_none() {
            let waker = Rc::new(WakeOnAnswer(cx.waker().clone()));
            self.machine.direct.rewait(ticket, waker);
        }
        Poll::Pending
    }
}

// Nothing is pinned: the stages hold no self-references.
impl<Y, R, T, E> Unpin for NextStep<Y, R, T, E> {}

impl<Y, R, T, E> Future for NextStep<Y, R, T, E>
where
    Y: Clone + 'static,
    R: 'static,
    T: Clone + 'static,
    E: Reason,
{
    type Output = Result<Step<Y, T>, E>;

    /// The answer's poll, the usual one after the first, is small enough
    /// to inline into the consumer; the rest is out of line.
    #[inline(always)]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        match this.stage {
            Stage::Owed(ticket) => this.take_owed(ticket, cx),
            Stage::Direct(ticket) => this.poll_direct(ticket, cx),
            _ => this.poll_other(cx),
        }
    }
}

impl<Y, R, T, E> NextStep<Y, R, T, E>
where
    Y: Clone + 'static,
    R: 'static,
    T: Clone + 'static,
    E: Reason,
{
    // Always inlined: the answer's poll is most of a pipeline stage's
    // `next` (out of line, a pipeline item took 14% more instructions).
    #[inline(always)]
    fn poll_direct(&mut self, ticket: u64, cx: &Context<'_>) -> Poll<Result<Step<Y, T>, E>> {
        let answer = self.machine.direct.take(ticket);
        match answer {
            Some(outcome) => {
                self.stage = Stage::Done;
                Poll::Ready(outcome)
            }
            None => self.still_waiting(ticket, cx),
        }
    }

    /// The poll after the one whose body yielded: the delivery's turn,
    /// owed since the queue was empty, is taken now, which is where it
    /// would have run (the task polls again as soon as its poll returns,
    /// and everything queued meanwhile came after the delivery). Then, as
    /// a queued delivery run alone would: with nothing queued the task's
    /// own turn comes next and is taken too, so the value is returned.
    ///
    /// JavaScript's two turns for a `yield` (it awaits its value, then the
    /// consumer awaits the step) in one poll when nothing can come between
    /// them: a for-await loop over a generator runs within one turn of its
    /// task, polling the body from its own poll.
    // Its usual course inlined, the rest out of line: wholly inlined,
    // a pipeline stage's `next` (which never owes a turn) took 8% more
    // instructions an item; wholly out of line, a for-await item 10%.
    #[inline(always)]
    fn take_owed(&mut self, ticket: u64, cx: &Context<'_>) -> Poll<Result<Step<Y, T>, E>> {
        if let Some(lent) = task_of(cx)
            && lent.may_go_on()
            && self.machine.nothing_queued()
            && let Some(value) = self.machine.hand_out_in_place()
        {
            // The task's turn would come next: the value goes straight to
            // it, as the answer it would take from the slot.
            self.stage = Stage::Done;
            return Poll::Ready(Ok(Step::Yielded(value)));
        }
        self.queue_owed(ticket, cx)
    }

    /// The owed delivery, when the task's own turn does not come next:
    /// the answer goes to the slot and the task's turn is queued.
    #[inline(never)]
    fn queue_owed(&mut self, ticket: u64, cx: &Context<'_>) -> Poll<Result<Step<Y, T>, E>> {
        self.stage = Stage::Direct(ticket);
        if self.machine.state.get() != State::Delivering {
            // Delivered meanwhile (its waker woken through its key).
            return self.poll_direct(ticket, cx);
        }
        if task_of(cx).is_none() {
            // Polled under a waker of its own now: the answer wakes it.
            let waker = Rc::new(WakeOnAnswer(cx.waker().clone()));
            self.machine.direct.rewait(ticket, waker);
        }
        // As the queued delivery would, in its place.
        self.machine.clone().deliver(false);
        Poll::Pending
    }

    /// The first poll (the request), or one through a promise. Its usual
    /// course first: a task on the loop asks a generator paused at a
    /// yield, with nothing queued, which is served in place, as `request`
    /// and `serve` would serve it, without moving the request through
    /// them. Inlined into the consumer (its rest is out of line): a call
    /// here cost a for-await item 32 instructions of its 391, a pipeline
    /// item 36 of its 1,568 (27.6 -> 25.6 ns a for-await item).
    #[inline(always)]
    fn poll_other(&mut self, cx: &mut Context<'_>) -> Poll<Result<Step<Y, T>, E>> {
        if matches!(self.stage, Stage::Start(_))
            && self.machine.paused_at_yield_and_idle()
            && let Some(lent) = task_of(cx)
        {
            let claimed = self.machine.direct.claim(lent.task.clone());
            if let Some(ticket) = claimed
                && let Stage::Start(value) =
                    std::mem::replace(&mut self.stage, Stage::Direct(ticket))
            {
                if let Some(owed) = self.machine.clone().resume_direct(value) {
                    if lent.go_on_at_once() {
                        self.stage = Stage::Owed(ticket);
                    } else {
                        event_loop::queue_job(owed);
                    }
                }
                return Poll::Pending;
            }
        }
        self.poll_else(cx)
    }

    /// The first poll otherwise, or one through a promise.
    #[cold]
    #[inline(never)]
    fn poll_else(&mut self, cx: &mut Context<'_>) -> Poll<Result<Step<Y, T>, E>> {
        match std::mem::replace(&mut self.stage, Stage::Done) {
            Stage::Start(value) => {
                let ticket =
                    task_of(cx).and_then(|lent| self.machine.direct.claim(lent.task.clone()));
                let reply = match ticket {
                    Some(ticket) => {
                        self.stage = Stage::Direct(ticket);
                        Reply::Direct
                    }
                    None => {
                        let (promise, resolver) = Promise::with_resolver();
                        self.stage = Stage::Promised(promise.into_future());
                        Reply::Promise(resolver)
                    }
                };
                self.machine.clone().request(Resume::Next(value), reply);
                match &mut self.stage {
                    Stage::Promised(waiting) => Pin::new(waiting).poll(cx),
                    // Even an answer given at once waits for its turn.
                    _ => Poll::Pending,
                }
            }
            Stage::Promised(mut waiting) => match Pin::new(&mut waiting).poll(cx) {
                Poll::Ready(outcome) => Poll::Ready(outcome),
                Poll::Pending => {
                    self.stage = Stage::Promised(waiting);
                    Poll::Pending
                }
            },
            Stage::Direct(_) | Stage::Owed(_) | Stage::Done => Poll::Pending,
        }
    }
}

impl<Y, R, T, E> Drop for NextStep<Y, R, T, E> {
    // Inlined, its rare work out of line: a step that finished leaves
    // nothing to do but its count (a for-await item 359 -> 341
    // instructions, 24.4 -> 23.1 ns).
    #[inline(always)]
    fn drop(&mut self) {
        match self.stage {
            Stage::Direct(ticket) => self.abandon(ticket),
            Stage::Owed(ticket) => self.abandon_owed(ticket),
            _ => {}
        }
    }
}

impl<Y, R, T, E> NextStep<Y, R, T, E> {
    #[inline(never)]
    fn abandon(&self, ticket: u64) {
        self.machine.direct.abandon(ticket);
    }

    /// Gone before taking the delivery's turn: it is queued where it was
    /// owed, ahead of everything queued since.
    #[cold]
    fn abandon_owed(&mut self, ticket: u64) {
        self.abandon(ticket);
        (self.machine.queue_first)(self.machine.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event_loop::Nothing as Nobody;

    type Slot = Direct<u32, (), ()>;

    fn slot() -> Slot {
        Direct::new(drop)
    }

    #[test]
    fn the_slot_serves_one_request_at_a_time_until_its_answer_is_taken() {
        let slot = slot();
        let first = slot.claim(Rc::new(Nobody)).expect("free");
        assert!(slot.claim(Rc::new(Nobody)).is_none(), "outstanding");
        assert!(
            slot.answer(|| Ok(Step::Yielded(7))).is_some(),
            "the waiter is resumed"
        );
        assert!(
            slot.claim(Rc::new(Nobody)).is_none(),
            "answer not taken yet"
        );
        assert!(matches!(slot.take(first), Some(Ok(Step::Yielded(7)))));
        let second = slot.claim(Rc::new(Nobody)).expect("free again");
        assert_ne!(first, second);
        assert!(slot.take(first).is_none(), "an old ticket gets nothing");
    }

    #[test]
    fn an_abandoned_request_frees_the_slot_once_answered() {
        let slot = slot();
        let ticket = slot.claim(Rc::new(Nobody)).expect("free");
        slot.abandon(ticket);
        assert!(slot.claim(Rc::new(Nobody)).is_none(), "still being served");
        assert!(slot.answer(|| Ok(Step::Done)).is_none(), "nobody to resume");
        let next = slot
            .claim(Rc::new(Nobody))
            .expect("free: the answer was dropped");
        assert!(slot.take(next).is_none());
    }

    #[test]
    fn abandoning_after_the_answer_drops_it() {
        let slot = slot();
        let ticket = slot.claim(Rc::new(Nobody)).expect("free");
        slot.answer(|| Ok(Step::Yielded(1)));
        slot.abandon(ticket);
        assert!(slot.claim(Rc::new(Nobody)).is_some());
    }
}
