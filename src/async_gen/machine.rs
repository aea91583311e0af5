//! The machine behind an [`AsyncGen`](super::AsyncGen): its body, the
//! request queue, the request being served, the direct answer's slot, and
//! the turns that move them.

use std::cell::{Cell, RefCell, UnsafeCell};
use std::collections::VecDeque;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;

use crate::event_loop::{self, Job, WakeTarget};
use crate::generator::airlock;
use crate::generator::co::Exchange;
use crate::generator::{Abrupt, Outcome, Resume, Step};
use crate::{Fault, Reason, Resolver};

use super::{delegate, direct};

/// A generator's body: boxed, so the machine's type does not name it.
pub(super) type Body<T, E> = Pin<Box<dyn Future<Output = Outcome<T, E>>>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    SuspendedStart,
    SuspendedYield,
    /// Running, or suspended at an `await` inside the body.
    Executing,
    /// A yielded value is being awaited before it is handed out.
    Delivering,
    /// `return(v)` on a finished generator awaits `v` first.
    AwaitingReturn,
    Completed,
}

struct Request<Y, R, T, E> {
    how: Resume<R, E, T>,
    reply: Reply<Y, T, E>,
}

/// The requests waiting, with their count beside them: asked on every
/// step whether it is empty, it answers from the count, with no borrow.
struct Requests<Y, R, T, E> {
    list: RefCell<VecDeque<Request<Y, R, T, E>>>,
    count: Cell<usize>,
}

impl<Y, R, T, E> Default for Requests<Y, R, T, E> {
    fn default() -> Self {
        Requests {
            list: RefCell::new(VecDeque::new()),
            count: Cell::new(0),
        }
    }
}

impl<Y, R, T, E> Requests<Y, R, T, E> {
    #[inline]
    fn is_empty(&self) -> bool {
        self.count.get() == 0
    }

    fn len(&self) -> usize {
        self.count.get()
    }

    fn push_back(&self, request: Request<Y, R, T, E>) {
        self.list.borrow_mut().push_back(request);
        self.count.set(self.count.get() + 1);
    }

    fn push_front(&self, request: Request<Y, R, T, E>) {
        self.list.borrow_mut().push_front(request);
        self.count.set(self.count.get() + 1);
    }

    fn pop_front(&self) -> Option<Request<Y, R, T, E>> {
        let head = self.list.borrow_mut().pop_front();
        if head.is_some() {
            self.count.set(self.count.get() - 1);
        }
        head
    }
}

/// Where a request's answer goes: the promise `next()` returned, or (a
/// `next` through [`AsyncIterator`](super::AsyncIterator) from a task on the loop) straight to
/// the waiting task, which saves a promise per item and takes the same
/// microtask turn.
pub(super) enum Reply<Y, T, E> {
    Promise(Resolver<Step<Y, T>, E>),
    Direct,
}

/// The reply of the request being served: which kind it is and, for a
/// promised reply, its resolver. One `Option<Reply>` was stored whole,
/// built on the stack and copied in with a 16-byte load its stores could
/// not forward to; this way a direct reply stores one byte, and taking it
/// reads one.
struct Serving<Y, T, E> {
    kind: Cell<Serve>,
    resolver: Cell<Option<Resolver<Step<Y, T>, E>>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Serve {
    Nothing,
    Direct,
    Promised,
}

impl<Y, T, E> Serving<Y, T, E> {
    fn new() -> Self {
        Serving {
            kind: Cell::new(Serve::Nothing),
            resolver: Cell::new(None),
        }
    }

    // Always inlined: called out of line, its call and frame cost as much
    // as its body (16 instructions a for-await item).
    #[inline(always)]
    fn set(&self, reply: Reply<Y, T, E>) {
        match reply {
            Reply::Direct => self.kind.set(Serve::Direct),
            Reply::Promise(resolver) => {
                self.resolver.set(Some(resolver));
                self.kind.set(Serve::Promised);
            }
        }
    }

    fn is_busy(&self) -> bool {
        self.kind.get() != Serve::Nothing
    }

    #[inline]
    fn take(&self) -> Option<Reply<Y, T, E>> {
        match self.kind.replace(Serve::Nothing) {
            Serve::Nothing => None,
            Serve::Direct => Some(Reply::Direct),
            Serve::Promised => self.resolver.take().map(Reply::Promise),
        }
    }
}

pub(super) struct Machine<Y, R, T, E> {
    owner: u64,
    /// Reached only through [`take_body`](Self::take_body) and
    /// [`poll_body`](Self::poll_body), which the `polling` flag keeps apart.
    body: UnsafeCell<Option<Body<T, E>>>,
    pub(super) state: Cell<State>,
    queue: Requests<Y, R, T, E>,
    yielded: Cell<Option<Y>>,
    /// The request the body is serving (taken off the queue).
    serving: Serving<Y, T, E>,
    /// The one direct request's answer and waiting task.
    pub(super) direct: direct::Direct<Y, T, E>,
    /// The loop key for foreign wake-ups; it is reserved for the
    /// generator's life in one run. The loop holds the generator under it
    /// (`held`) only while it is suspended at an `await` in its body or
    /// has a waker out: parked at yields, so an abandoned generator is
    /// freed, and one still awaiting when the run ends is dropped there
    /// (what it awaits may hold it: a cycle of `Rc`s).
    registration: Cell<Option<WakeTarget>>,
    held: Cell<bool>,
    polling: Cell<bool>,
    /// Queues the generator's turn ahead of every microtask: for a
    /// request's future dropped while the turn was owed to it (`direct`),
    /// whose destructor cannot name the bounds a job needs. Kept here
    /// rather than in the future, which a pipeline stage holds in its
    /// state (a trait object there made it 40 bytes, from 24).
    pub(super) queue_first: fn(Rc<Self>),
}

impl<Y, R, T, E> Machine<Y, R, T, E> {
    /// A generator's machine, its body not started.
    pub(super) fn new(owner: u64, body: Body<T, E>) -> Self
    where
        Y: Clone + 'static,
        R: 'static,
        T: Clone + 'static,
        E: Reason,
    {
        Machine {
            owner,
            body: UnsafeCell::new(Some(body)),
            state: Cell::new(State::SuspendedStart),
            queue: Requests::default(),
            yielded: Cell::new(None),
            serving: Serving::new(),
            direct: direct::Direct::new(direct::report_lost::<E>),
            registration: Cell::new(None),
            held: Cell::new(false),
            polling: Cell::new(false),
            queue_first: |me| event_loop::queue_job_first(me),
        }
    }

    pub(super) fn state(&self) -> State {
        self.state.get()
    }

    /// How many requests wait in the queue.
    pub(super) fn queued(&self) -> usize {
        self.queue.len()
    }

    /// No request waits in the queue.
    #[inline(always)]
    pub(super) fn nothing_queued(&self) -> bool {
        self.queue.is_empty()
    }
}

impl<Y, R, T, E> Machine<Y, R, T, E>
where
    Y: Clone + 'static,
    R: 'static,
    T: Clone + 'static,
    E: Reason,
{
    /// AsyncGeneratorEnqueue: queue the request, and serve it at once if
    /// the generator is idle.
    pub(super) fn request(self: Rc<Self>, how: Resume<R, E, T>, reply: Reply<Y, T, E>) {
        let idle = !self.is_busy();
        if idle && self.queue.is_empty() {
            // Served at once, as it would be after a trip through the
            // empty queue; the trip cost two copies of the request, the
            // first read back before its stores could be forwarded.
            if self.clone().serve(Request { how, reply }) {
                self.resume_next();
            }
            return;
        }
        self.queue.push_back(Request { how, reply });
        if idle {
            self.resume_next();
        }
    }

    /// Hands the body over to a consumer that holds the generator alone
    /// (`for_await` taking it by value), to drive it pinned in its own
    /// future: its owner's id, the body, and whether it is paused at a
    /// yield (else not started). Only a generator at rest is handed over:
    /// no other handle or reference (a queued job, the loop's registry, a
    /// request's future), nothing queued, served, answered or owed; the
    /// machine is left completed, to be dropped.
    pub(super) fn take_alone(self: &Rc<Self>) -> Option<(u64, Body<T, E>, bool)> {
        if Rc::strong_count(self) != 1 || self.held.get() || !self.queue.is_empty() {
            return None;
        }
        let paused = match self.state.get() {
            State::SuspendedStart => false,
            State::SuspendedYield => true,
            _ => return None,
        };
        if self.serving.is_busy() || !self.direct.is_free() {
            return None;
        }
        let yielded = self.yielded.take();
        if yielded.is_some() {
            self.yielded.set(yielded);
            return None;
        }
        let body = self.take_body()?;
        self.state.set(State::Completed);
        Some((self.owner, body, paused))
    }

    /// Paused at a yield with no request waiting: a `next` is served at
    /// once.
    #[inline]
    pub(super) fn paused_at_yield_and_idle(&self) -> bool {
        self.state.get() == State::SuspendedYield && self.queue.is_empty()
    }

    /// Serves a direct `next(value)` to a generator
    /// `paused_at_yield_and_idle`, as `serve` would.
    /// Returns the generator when its body yielded: the delivery's turn is
    /// owed, for the caller to queue or to take itself (see `direct`).
    #[inline]
    pub(super) fn resume_direct(self: Rc<Self>, value: R) -> Option<Rc<Self>> {
        self.state.set(State::Executing);
        self.serving.set(Reply::Direct);
        self.poll_body_owing(Exchange::Next(value))
    }

    /// Whether a request must wait in the queue.
    fn is_busy(&self) -> bool {
        matches!(
            self.state.get(),
            State::Executing | State::Delivering | State::AwaitingReturn
        )
    }

    /// Settles a request with the outcome `make` makes, and queues the
    /// task a direct answer resumes.
    fn answer(&self, reply: Reply<Y, T, E>, make: impl FnOnce() -> Result<Step<Y, T>, E>) {
        if let Some(task) = self.settle(reply, make) {
            event_loop::queue_job(task);
        }
    }

    /// Settles a request with the outcome `make` makes: made where it is
    /// stored, since one made first and then moved in was read back before
    /// its stores could be forwarded. Returns the task a direct answer
    /// resumes, for the caller to queue or to run at once.
    #[inline(always)]
    fn settle(
        &self,
        reply: Reply<Y, T, E>,
        make: impl FnOnce() -> Result<Step<Y, T>, E>,
    ) -> Option<Rc<dyn Job>> {
        match reply {
            Reply::Promise(resolver) => {
                resolver.resolve_with(make());
                None
            }
            Reply::Direct => self.direct.answer(make),
        }
    }

    /// AsyncGeneratorResumeNext: serve the queue's head. Most calls find
    /// the queue empty (one consumer, one request at a time): that test is
    /// inlined, the serving is not.
    #[inline]
    fn resume_next(self: Rc<Self>) {
        if !self.queue.is_empty() {
            self.serve_queue();
        }
    }

    #[inline(never)]
    fn serve_queue(self: Rc<Self>) {
        while !self.is_busy() {
            let Some(head) = self.queue.pop_front() else {
                return;
            };
            if !self.clone().serve(head) {
                return;
            }
        }
    }

    /// Serves one request while the generator is not busy; returns whether
    /// the next one may be served at once.
    fn serve(self: Rc<Self>, request: Request<Y, R, T, E>) -> bool {
        let Request { how, reply } = request;
        match (self.state.get(), how) {
            (State::SuspendedStart, Resume::Next(_first_value_is_discarded)) => {
                self.state.set(State::Executing);
                self.serving.set(reply);
                self.poll_body(Exchange::Empty, false);
                false
            }
            (State::SuspendedStart, how) => {
                // throw/return before the body ran: it never will.
                self.finish_body();
                self.state.set(State::Completed);
                self.queue.push_front(Request { how, reply });
                true
            }
            (State::SuspendedYield, how) => {
                self.state.set(State::Executing);
                self.serving.set(reply);
                match how {
                    Resume::Next(r) => self.poll_body(Exchange::Next(r), false),
                    Resume::Throw(e) => self.poll_body(Exchange::Throw(e), false),
                    // The value of `return(v)` is awaited before the
                    // return reaches the yield: one turn.
                    Resume::Return(v) => {
                        event_loop::queue_microtask(move || {
                            self.poll_body(Exchange::Return(v), false);
                        });
                    }
                }
                false
            }
            (_, Resume::Next(_)) => {
                self.answer(reply, || Ok(Step::Done));
                true
            }
            (_, Resume::Throw(e)) => {
                self.answer(reply, || Err(e));
                true
            }
            (_, Resume::Return(v)) => {
                // A finished generator's return(v) awaits v: one turn.
                self.state.set(State::AwaitingReturn);
                let me = self.clone();
                event_loop::queue_microtask(move || {
                    me.state.set(State::Completed);
                    me.answer(reply, || Ok(Step::Returned(v)));
                    me.resume_next();
                });
                false
            }
        }
    }

    fn finish_body(&self) {
        drop(self.take_body());
        self.park();
    }

    /// Takes the body out to drop it; `None` while it is being polled
    /// (nothing reaches here then: a request made by the body itself is
    /// queued, since the generator is busy).
    fn take_body(&self) -> Option<Body<T, E>> {
        if self.polling.get() {
            return None;
        }
        // SAFETY: `polling` is clear, so no poll holds a reference into
        // the cell (`poll_body` sets it before making one and clears it
        // after the last use), and this one ends here. The machine is
        // `!Send` (it holds `Rc`s): no other thread reaches it.
        unsafe { &mut *self.body.get() }.take()
    }

    /// Lets go of the loop's strong reference (kept only while executing).
    fn park(&self) {
        if let Some(registration) = self.registration.get()
            && self.held.replace(false)
        {
            event_loop::park_task(registration.key());
        }
    }

    /// Where this step's wake-ups go: the generator's key in this run.
    fn wake_target(&self) -> WakeTarget {
        match self.registration.get() {
            Some(target) if target.run() == event_loop::current_run() => target,
            _ => {
                let target = event_loop::reserve_task_key();
                self.registration.set(Some(target));
                self.held.set(false);
                target
            }
        }
    }

    /// A waker escaped the poll (a wake-up may come through the key), or
    /// the body is suspended at an `await` (the run drops it if it ends
    /// first): the loop holds the generator until it next parks.
    fn hold(self: &Rc<Self>, target: WakeTarget) {
        if !self.held.replace(true) {
            event_loop::unpark_task(target.key(), self.clone());
        }
    }

    /// Polls the body with `input` in the airlock, then acts on what it
    /// did. `yield v` awaits v before handing it out: one turn, queued, or
    /// taken at once when the poll runs `alone` (the whole of its
    /// microtask) with nothing queued, as the runner's driver takes its own.
    fn poll_body(self: Rc<Self>, input: Exchange<Y, R, E, T>, alone: bool) {
        if let Some(owed) = self.poll_body_owing(input) {
            if event_loop::may_go_on_at_once(alone) {
                owed.deliver(true);
            } else {
                event_loop::queue_job(owed);
            }
        }
    }

    /// As [`poll_body`](Self::poll_body), but a body that yields (not
    /// delegating) leaves the turn that delivers its value to the caller:
    /// the generator is returned, in state `Delivering`.
    ///
    /// A chain of generators each pulling from the next polls them one
    /// inside another (as JavaScript calls them): counted, so that deep
    /// levels run on enough stack (`tests/async_gen.rs`, 20,000 stages),
    /// and a consumer knows how deep it is. Counted around the whole step,
    /// whose result is a word: around the body's poll, whose result is a
    /// step's, an item awaited through `next()` took 13% more time.
    #[inline]
    fn poll_body_owing(self: Rc<Self>, input: Exchange<Y, R, E, T>) -> Option<Rc<Self>> {
        crate::stack::chained(|| self.poll_body_here(input))
    }

    #[inline(always)]
    fn poll_body_here(self: Rc<Self>, input: Exchange<Y, R, E, T>) -> Option<Rc<Self>> {
        if self.polling.replace(true) {
            return None;
        }
        // SAFETY: `polling` was clear and is now set, so this is the one
        // reference into the cell (`take_body` reads the flag) until it is
        // cleared below, after the reference's last use.
        let Some(body) = (unsafe { &mut *self.body.get() }).as_mut() else {
            self.polling.set(false);
            return None;
        };
        let target = self.wake_target();
        let me: Rc<dyn Job> = self.clone();
        let (polled, escaped) = target.with_waker(&me, None, |waker| {
            catch_unwind(AssertUnwindSafe(|| {
                airlock::poll_in_airlock(
                    self.owner,
                    waker,
                    false,
                    input,
                    body.as_mut(),
                    // Taken whole: read in place (`Exchange::take_yielded`,
                    // as a `Gen`'s driver does), a for-await item took 13
                    // instructions more for no time saved.
                    |slot| slot.replace(Exchange::Empty),
                )
            }))
        });
        self.polling.set(false);
        if escaped {
            self.hold(target);
        }
        match polled {
            Ok((Poll::Pending, Exchange::Yielded(value))) => {
                self.yielded.set(Some(value));
                self.state.set(State::Delivering);
                if delegate::take_delegation() {
                    // `yield*` hands its inner generator's value out at
                    // once.
                    self.deliver(false);
                } else {
                    return Some(self);
                }
            }
            Ok((Poll::Pending, _)) => {
                // Suspended at an `await`: a reaction or a waker resumes it.
                self.hold(target);
            }
            Ok((Poll::Ready(outcome), _)) => self.finished(Ok(outcome)),
            Err(payload) => self.finished(Err(payload)),
        }
        None
    }

    /// The body returned, threw or panicked: once per generator, so out
    /// of the step's way (inlined there, its code cost a for-await item 4
    /// instructions and a pipeline item 15, in saved registers).
    #[cold]
    #[inline(never)]
    fn finished(self: Rc<Self>, outcome: std::thread::Result<Outcome<T, E>>) {
        drop(self.take_body());
        match outcome {
            Ok(Ok(value)) => {
                // `return v` in an async generator awaits v: one turn.
                event_loop::queue_microtask(move || self.complete(Ok(Step::Returned(value))));
            }
            Ok(Err(abrupt)) => self.complete(match abrupt {
                Abrupt::Return(value) => Ok(Step::Returned(value)),
                Abrupt::Throw(error) => Err(error),
            }),
            Err(payload) => {
                // A delegated yield that panicked left its mark behind.
                delegate::forget_delegation();
                self.complete(Err(Fault::from_panic(&*payload).into()));
            }
        }
    }

    /// The body finished: settle the head request, then the rest.
    fn complete(self: Rc<Self>, outcome: Result<Step<Y, T>, E>) {
        self.finish_body();
        self.state.set(State::Completed);
        if let Some(reply) = self.serving.take() {
            self.answer(reply, || outcome);
        }
        self.resume_next();
    }

    /// The generator's turn as a job: deliver what it yielded, or go on
    /// with its body after an `await`. `alone`: the turn is the whole of
    /// its microtask.
    // Always inlined: left to the inliner, a pipeline item took 2% more
    // instructions (1,841 -> 1,883).
    #[inline(always)]
    fn take_turn(self: Rc<Self>, alone: bool) {
        match self.state.get() {
            State::Delivering => self.deliver(alone),
            State::Executing => self.poll_body(Exchange::Empty, alone),
            _ => {}
        }
    }

    /// Hands a yielded value to the head request. `alone`: the delivery is
    /// the whole of its microtask, so a direct consumer whose turn would
    /// come next, with nothing queued before it, takes that turn at once
    /// (see `event_loop::may_go_on_at_once`).
    pub(super) fn deliver(self: Rc<Self>, alone: bool) {
        let Some(value) = self.yielded.take() else {
            return;
        };
        let waiter = self.hand_out(value);
        match waiter {
            // No request waits here, and the consumer's turn would be the
            // next microtask: it is taken now.
            Some(waiter) if self.queue.is_empty() && event_loop::may_go_on_at_once(alone) => {
                drop(self);
                // In a chain of generators, the consumer yields in turn
                // and delivers to its own, one inside another: counted,
                // as the pulls going down are.
                crate::stack::chained(|| waiter.run_alone());
            }
            waiter => {
                if let Some(waiter) = waiter {
                    event_loop::queue_job(waiter);
                }
                self.resume_next();
            }
        }
    }

    /// The delivery's work for a direct request whose consumer takes the
    /// value itself, now (see `direct`): the value, with nothing stored for
    /// it. `None`, with nothing done, when no value waits or the request
    /// served is not a direct one.
    #[inline]
    pub(super) fn hand_out_in_place(&self) -> Option<Y> {
        if self.serving.kind.get() != Serve::Direct {
            return None;
        }
        let value = self.yielded.take()?;
        self.serving.kind.set(Serve::Nothing);
        self.state.set(State::SuspendedYield);
        self.direct.answered_in_place();
        self.park();
        Some(value)
    }

    /// The delivery's work: the value goes to the request being served,
    /// and the generator is paused at its yield again. Returns the task a
    /// direct answer resumes.
    #[inline(always)]
    fn hand_out(&self, value: Y) -> Option<Rc<dyn Job>> {
        self.state.set(State::SuspendedYield);
        let waiter = self
            .serving
            .take()
            .and_then(|reply| self.settle(reply, || Ok(Step::Yielded(value))));
        self.park();
        waiter
    }
}

impl<Y, R, T, E> Drop for Machine<Y, R, T, E> {
    fn drop(&mut self) {
        if let Some(registration) = self.registration.get() {
            event_loop::release_task_key(registration.key(), registration.run());
        }
    }
}

impl<Y, R, T, E> Job for Machine<Y, R, T, E>
where
    Y: Clone + 'static,
    R: 'static,
    T: Clone + 'static,
    E: Reason,
{
    fn run(self: Rc<Self>) {
        self.take_turn(false);
    }

    fn run_alone(self: Rc<Self>) {
        self.take_turn(true);
    }

    fn reservation(&self) -> u64 {
        self.registration.get().map_or(0, |target| target.serial())
    }

    /// The run ended while the body awaited: drop it. Requests waiting
    /// for this step stay pending, as the promise of a dropped async
    /// function does.
    fn abandon(&self) {
        if self.polling.get() {
            return;
        }
        let body = self.take_body();
        self.park();
        drop(body);
    }
}
