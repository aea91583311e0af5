//! One task's driver: it steps the saga, performs each effect it yields
//! and resumes it when that effect settles, and carries out the tree's
//! rules for it (halting, waiting for its children, settling its promise,
//! telling its parent).

use std::cell::{Cell, UnsafeCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use super::Saga;
use super::effect::{Effect, Name, Running, Stop, Value, Waiter, unit};
use super::saga_stack::SagaFrame;
use super::scheduler;
use super::store::Ended;
use super::task::{AloneTurn, Cancelled, Core, Env, Halt, Link, Node, Scope, Task, TaskId};
use crate::generator::{Generator, Resume};
use crate::runner::{Stepped, stepped};
use crate::stack::on_enough_stack;
use crate::{Error, Fault, FaultKind, Promise, Resolver, event_loop};

const EXHAUSTED: &str = "a saga was run after it had already completed";

/// Where the body is. One field for what a live body waits on and what a
/// finished one left: a task has one or the other, and the union is the
/// size of the first (16 bytes fewer per task than two fields).
enum State<R> {
    /// Running, or driven through `return()` after a halt
    /// ([`Core::is_cleaning_up`]): the effect it waits on, if any.
    Live(Option<Stop>),
    /// Its result, until its children are gone.
    Finished(Result<R, Error>),
    /// The result went to the promise.
    Settled,
}

/// One task: the saga, its promise, and where its body is; and its name,
/// a type that keeps nothing when the name is worked out from a type.
struct Driver<G: Generator, N> {
    core: Core,
    name: N,
    /// Reached only between [`Core::begin_step`] and [`Core::end_step`]
    /// ([`Driver::resume`]): that bit of the task's flags does a
    /// `RefCell`'s work, so the cell needs no borrow flag of its own (8
    /// bytes per task).
    saga: UnsafeCell<G>,
    /// Settled by this task alone (see [`Resolver::of`]).
    promise: Promise<G::Return, Error>,
    /// Taken out and put back ([`Driver::with_state`]), never borrowed
    /// across a call that could reach this task: a `Cell` needs no borrow
    /// flag (8 bytes per task).
    state: Cell<State<G::Return>>,
}

pub(crate) fn start<G, N>(
    env: Rc<Env>,
    name: N,
    link: Link,
    parent: Option<Rc<dyn Node>>,
    from: Option<TaskId>,
    saga: G,
) -> Task<G::Return>
where
    G: Saga,
    N: Name + 'static,
{
    let id = TaskId(env.next_task.get() + 1);
    env.next_task.set(id.0);
    let (promise, _) = Promise::with_resolver();
    if let Some(contexts) = env.contexts.get() {
        contexts.begin(id, from);
    }
    if let Some(tracer) = &env.tracer {
        tracer.task_started(id, name.name(), link, parent.as_ref().map(|p| p.core().id));
    }
    let driver = Rc::new(Driver {
        core: Core::new(id, link, parent.clone(), env),
        name,
        saga: UnsafeCell::new(saga),
        promise: promise.clone(),
        state: Cell::new(State::Live(None)),
    });
    let node: Rc<dyn Node> = driver.clone();
    if let Some(parent) = &parent {
        parent.core().children.add(id, &node);
    }
    if from.is_some() {
        // Started from inside another saga's step (a fork, a spawn, a
        // called saga): this step nests in that one.
        on_enough_stack(|| driver.step(Resume::Next(unit())));
    } else {
        driver.step(Resume::Next(unit()));
    }
    Task::from_parts(node, promise)
}

/// How an effect's outcome resumes a saga: its value in, its error thrown
/// in.
#[inline]
fn resumed_by<T: Default>(outcome: Result<Value, Error>, core: &Core) -> Resume<Value, Error, T> {
    match outcome {
        Ok(value) => Resume::Next(value),
        Err(error) => thrown(error, core),
    }
}

/// An error thrown in; but redux-saga's END at a `take` (or at a race or an
/// `all` holding one) returns from that yield instead, as its TERMINATE
/// does: the saga ends, its cleanup runs, and it is no cancellation.
#[cold]
#[inline(never)]
fn thrown<T: Default>(error: Error, core: &Core) -> Resume<Value, Error, T> {
    if !Ended::is(&error) {
        return Resume::Throw(error);
    }
    if core.hear_end() {
        return Resume::Return(T::default());
    }
    // A body that swallows the `return()` and takes again would go round
    // at once for ever: a clear error instead of a hang.
    Resume::Throw(Error::msg(
        "a saga kept taking after the store's end: it ignores the return() a take \
         makes there (pass Err(Abrupt::Return(_)) on, with `?`)",
    ))
}

impl<G, N> Driver<G, N>
where
    G: Saga,
    N: Name + 'static,
{
    /// One resume of the body, its panic caught. A resume from inside the
    /// body's own step (which nothing in the runtime makes) is an error,
    /// as a `RefCell` borrowed twice was.
    fn resume(
        &self,
        how: Resume<Value, Error, G::Return>,
    ) -> Result<Stepped<Effect, G::Return>, Error> {
        if !self.core.begin_step() {
            return Err(Fault::new(
                FaultKind::Panic,
                "a saga was resumed from inside its own step",
            )
            .into());
        }
        // SAFETY: the generator is reached only here, between
        // `begin_step`, which found the bit clear, and `end_step` (after
        // the resume, whose panic is caught): this is the one reference to
        // it while it lives. The task is `!Send` (it holds `Rc`s), so no
        // other thread can reach it.
        let saga = unsafe { &mut *self.saga.get() };
        let resumed = catch_unwind(AssertUnwindSafe(|| saga.resume(how)));
        self.core.end_step();
        stepped(resumed, EXHAUSTED)
    }

    fn step(self: Rc<Self>, how: Resume<Value, Error, G::Return>) {
        let finished = match self.resume(how) {
            Ok(Stepped::Yielded(effect)) => return self.wait_on(effect),
            Ok(Stepped::Returned(value)) => Ok(value),
            Err(error) => Err(error),
        };
        self.body_finished(finished);
    }

    /// Performs `effect` and resumes the saga when it settles.
    fn wait_on(self: Rc<Self>, effect: Effect) {
        let epoch = self.core.epoch();
        let scope = Scope { node: self.clone() };
        // The usual effect is started, and its stop kept, inside the
        // guard where it was performed: nothing comes out. Returned
        // whole, the effect was copied out of the guard's union in moves
        // the processor could not forward from the stores that had just
        // written it (a call effect 54 -> 42 ns natively, for 39 more
        // instructions). What starting runs is baton's own (a
        // subscription, a queued turn, a timer): a user's code panics
        // only in the performer.
        let mut rare = None;
        // What the pending slot held: dropped after the guard (dropping
        // may run code that is not the performer's).
        let mut replaced = None;
        let performed = catch_unwind(AssertUnwindSafe(|| {
            let running = effect.perform(&scope);
            if self.core.epoch() == epoch && !running.is_now() {
                let stop = Stop::moved(running.start_for(&self, epoch, false));
                self.with_state(|state| match state {
                    State::Live(pending) => replaced = std::mem::replace(pending, stop),
                    _ => replaced = stop,
                });
                return;
            }
            rare = Some(running);
        }));
        drop(replaced);
        match (performed, rare) {
            (Ok(()), None) => {}
            (Ok(()), Some(running)) => self.performed_otherwise(running, epoch),
            // A performer that panics (a called function that blew up)
            // throws into the saga at its yield, as redux-saga does.
            (Err(payload), _) => self.go_on_now(Err(Fault::from_panic(&*payload).into()), false),
        }
    }

    /// An effect that halted this task while being performed, or whose
    /// outcome was known as it was (the guard in
    /// [`wait_on`](Self::wait_on) started every other).
    #[cold]
    #[inline(never)]
    fn performed_otherwise(self: Rc<Self>, running: Running, epoch: u64) {
        if self.core.epoch() != epoch {
            if running.holds() {
                scheduler::release(1); // a fork whose parent does not go on
            }
            if let (Some(stop), Some(why)) = (running.cancel, self.core.halted()) {
                stop.stop(why.reason());
            }
            return;
        }
        if let Some((outcome, held)) = running.into_now() {
            self.go_on_now(outcome, held);
        }
    }

    /// Resumes the saga at once with `outcome` (an effect known as it was
    /// performed: a fork, a `cancelled()`), and with the next such, as
    /// many as it yields in a row: a loop, not recursion. The loop marks
    /// the pending slot while it steps; a step inside it that has another
    /// outcome at once leaves it there and returns. `held`: the outcome is
    /// a fork's, whose hold on the scheduler is released once the saga
    /// waits again (or ends).
    #[cold]
    #[inline(never)]
    fn go_on_now(self: Rc<Self>, outcome: Result<Value, Error>, held: bool) {
        let outcome = self.with_state(|state| {
            let State::Live(pending) = state else {
                return None; // finished meanwhile: nobody to go on
            };
            if matches!(*pending, Some(Stop::Stepping)) {
                *pending = Some(if held {
                    Stop::NowHeld(outcome)
                } else {
                    Stop::Now(outcome)
                });
                return None;
            }
            *pending = Some(Stop::Stepping);
            Some(outcome)
        });
        let Some(outcome) = outcome else { return };
        let mut holds = u32::from(held);
        let mut next = outcome;
        loop {
            Rc::clone(&self).step(resumed_by(next, &self.core));
            let again = self.with_state(|state| {
                let State::Live(pending) = state else {
                    return None; // the body finished
                };
                match pending.take() {
                    Some(Stop::Now(outcome)) => {
                        *pending = Some(Stop::Stepping);
                        Some((outcome, false))
                    }
                    Some(Stop::NowHeld(outcome)) => {
                        *pending = Some(Stop::Stepping);
                        Some((outcome, true))
                    }
                    // It was halted: nothing pends.
                    Some(Stop::Stepping) | None => None,
                    // It waits on an effect now.
                    kept => {
                        *pending = kept;
                        None
                    }
                }
            });
            let Some((outcome, held)) = again else { break };
            holds += u32::from(held);
            next = outcome;
        }
        if holds > 0 {
            scheduler::release(holds);
        }
    }

    /// What a live body waits on, taken out (`None` for a body that is
    /// not live).
    fn take_pending(&self) -> Option<Stop> {
        self.with_state(|state| match state {
            State::Live(pending) => pending.take(),
            _ => None,
        })
    }

    /// `f` on the state, taken out of its cell and put back. Nothing `f`
    /// does reaches this task (each use reads or rearranges the state
    /// alone), so nobody sees the placeholder left meanwhile.
    #[inline(always)]
    fn with_state<X>(&self, f: impl FnOnce(&mut State<G::Return>) -> X) -> X {
        let mut state = self.state.replace(State::Settled);
        let out = f(&mut state);
        // The placeholder owns nothing: skip its drop glue.
        std::mem::forget(self.state.replace(state));
        out
    }

    /// The settled promise the task waits on, taken out of its pending
    /// slot, if that is what it waits on. Read in place, not through
    /// [`with_state`](Self::with_state): its take and put back read the
    /// state in moves of another shape than the ones that had just written
    /// it, which the processor cannot forward (a call effect 44 -> 34 ns
    /// natively, 479 -> 457 instructions).
    #[inline(always)]
    fn take_settled_pending(&self) -> Option<Stop> {
        // SAFETY: the cell is `!Sync`, and every other access to it is a
        // `Cell::replace` (`with_state` works on the value taken out), so
        // no other reference into it exists; this one lives for the match
        // and the move below, which make no call at all. The stop taken
        // out is dropped by the caller, outside.
        match unsafe { &mut *self.state.as_ptr() } {
            State::Live(pending) => Stop::take_settled(pending),
            _ => None,
        }
    }

    /// The body returned or threw: the task fails, or settles once its
    /// children have.
    fn body_finished(self: Rc<Self>, result: Result<G::Return, Error>) {
        if self.core.is_shielded()
            && let Some(why) = self.leave_region()
        {
            return self.finished_with_halt_put_off(result, why);
        }
        let failed = result.as_ref().err().cloned();
        if let Some(error) = &failed
            && self.core.is_cleaning_up()
        {
            // The cleanup of a halted body threw: the task still ends as
            // its halt says, and the error is reported as a rejection
            // nobody handles, not lost (redux-saga rethrows it).
            drop(Promise::<(), Error>::reject(error.clone()));
        }
        // What it waited on (if anything) is dropped after the borrow.
        let was = self.state.replace(State::Finished(result));
        drop(was);
        match failed {
            Some(error) if !self.core.is_halted() => self.body_failed(error),
            _ => self.settle_if_done(),
        }
    }

    /// The body threw: that halts the task, unless a halt queued in the
    /// same step came first, which wins; the body's error is then
    /// reported as a halted body's cleanup's would be.
    #[cold]
    fn body_failed(self: Rc<Self>, error: Error) {
        if self.core.is_halt_queued() {
            drop(Promise::<(), Error>::reject(error));
        } else {
            self.halt(Halt::Abort(error));
        }
    }

    /// The body ended inside an uninterruptible region (a panic): it
    /// leaves it. Returns the halt put off meanwhile, if any. Out of line,
    /// as is what follows: inlined into `step`, they cost every step of
    /// every saga six instructions (a call effect 650 -> 656).
    #[cold]
    #[inline(never)]
    fn leave_region(&self) -> Option<Halt> {
        self.core.unshield();
        self.core.env.take_deferred(self.core.id)
    }

    /// The halt put off takes effect now; the body's own error is
    /// reported as a halted body's cleanup's would be.
    #[cold]
    #[inline(never)]
    fn finished_with_halt_put_off(self: Rc<Self>, result: Result<G::Return, Error>, why: Halt) {
        if let Err(error) = &result {
            drop(Promise::<(), Error>::reject(error.clone()));
        }
        let was = self.state.replace(State::Finished(result));
        drop(was);
        self.halt(why);
    }

    /// Once the children are gone: the body's cleanup, or the settlement.
    fn clean_up_or_settle(self: Rc<Self>) {
        if !self.core.children.is_empty() {
            return;
        }
        let running =
            self.with_state(|state| matches!(state, State::Live(_))) && !self.core.is_cleaning_up();
        if running {
            self.core.begin_cleanup();
            self.step(Resume::Return(G::Return::default()));
        } else {
            self.settle_if_done();
        }
    }

    /// The task fails with `error`: its frame in the error's saga stack,
    /// and the hook told if the task is a root or spawned one. Whether
    /// the hook heard it.
    #[cold]
    fn failed(&self, error: &Error) -> bool {
        let Some(failures) = self.core.env.failures() else {
            return false;
        };
        let reports = matches!(self.core.link, Link::Root | Link::Spawned);
        failures.failed(error, self.core.id, self.name.name(), reports)
    }

    /// `error` halts this task: what it cancels here (the body, if still
    /// running, and the attached children), for the error's saga stack.
    #[cold]
    fn cancelled_by(&self, error: &Error) {
        let Some(failures) = self.core.env.failures() else {
            return;
        };
        let running = self.with_state(|state| matches!(state, State::Live(_)));
        let mut tasks = Vec::new();
        if running {
            tasks.push(SagaFrame::new(self.core.id, self.name.name()));
        }
        for child in self.core.children.snapshot() {
            let core = child.core();
            if core.link == Link::Forked {
                tasks.push(SagaFrame::new(core.id, child.name()));
            }
        }
        failures.cancelled(error, tasks);
    }

    fn settle_if_done(self: Rc<Self>) {
        if !self.core.children.is_empty() || self.core.is_halt_queued() {
            return;
        }
        let result = match self.state.replace(State::Settled) {
            State::Finished(result) => result,
            other => {
                // Not finished (live, or settled already): as it was.
                std::mem::forget(self.state.replace(other));
                return;
            }
        };
        let outcome = match self.core.halted() {
            Some(Halt::Cancel(reason)) => Err(Error::new(Cancelled { reason })),
            Some(Halt::Abort(error)) => Err(error),
            None => result,
        };
        if let Some(tracer) = &self.core.env.tracer {
            tracer.task_settled(self.core.id, outcome.as_ref().err());
        }
        let failure = match (&outcome, self.core.link) {
            (Err(e), Link::Forked) if !Cancelled::is(e) => Some(e.clone()),
            _ => None,
        };
        let cancelled = matches!(&outcome, Err(e) if Cancelled::is(e));
        let heard = match &outcome {
            Err(error) if !cancelled => self.failed(error),
            _ => false,
        };
        let joiners = self.core.env.joiners.borrow_mut().take(self.core.id);
        let joined = joiners.map(|joiners| (joiners, outcome.clone().map(|v| Rc::new(v) as Value)));
        Resolver::of(&self.promise).resolve_with(outcome);
        if cancelled || failure.is_some() || joined.is_some() || heard {
            // A cancellation somebody asked for is not an unhandled error,
            // nor is a failure the parent or a joiner takes over (it is
            // reported once, where it ends up), nor one the failure hook
            // heard.
            self.promise.subscribe(|_| {});
        }
        self.core.env.task_settled(self.core.id);
        let parent = self.core.parent.take();
        if let Some(parent) = parent {
            on_enough_stack(|| parent.child_settled(self.core.id, failure));
        }
        // Then its joiners, at once (redux-saga's order).
        if let Some((joiners, outcome)) = joined {
            for joiner in joiners {
                on_enough_stack(|| joiner(outcome.clone()));
            }
        }
    }
}

impl<G, N> Driver<G, N>
where
    G: Saga,
    N: Name + 'static,
{
    /// Takes the turn of the settled promise the task waits on for
    /// `epoch`, and the next such as long as each step owes it (a step
    /// that yields a call whose promise has settled, with no microtask
    /// queued, in a turn that is the whole of its microtask).
    fn take_owed_turns(self: &Rc<Self>, alone: &AloneTurn<'_>, mut epoch: u64) {
        loop {
            if self.core.epoch() != epoch {
                break; // halted meanwhile: this step never runs
            }
            // Read (and dropped) outside the state's cell: dropping a
            // promise may run code that reaches this task.
            let stop = self.take_settled_pending();
            let Some(outcome) = stop.and_then(Stop::into_settled_outcome) else {
                break;
            };
            Rc::clone(self).step(resumed_by(outcome, &self.core));
            if !alone.owed() {
                break;
            }
            epoch = self.core.epoch();
        }
    }
}

impl<G, N> Waiter for Driver<G, N>
where
    G: Saga,
    N: Name + 'static,
{
    fn resume_with(self: Rc<Self>, epoch: u64, outcome: Result<Value, Error>) {
        self.resume_told(epoch, outcome, false);
    }

    fn resume_unit_later(self: Rc<Self>, epoch: u64) {
        super::effect::queue_resume_unit(self, epoch);
    }

    /// Resumed by a promise's one reaction, alone in its microtask: a step
    /// that yields a call whose promise has settled takes that turn at
    /// once too, as in [`take_turn`](Waiter::take_turn).
    fn resume_told(self: Rc<Self>, epoch: u64, outcome: Result<Value, Error>, alone: bool) {
        if self.core.epoch() != epoch {
            return; // halted meanwhile: this step never runs
        }
        let turn = alone.then(|| AloneTurn::begin(&self.core));
        self.take_pending();
        Rc::clone(&self).step(resumed_by(outcome, &self.core));
        if let Some(turn) = turn
            && turn.owed()
        {
            self.take_owed_turns(&turn, self.core.epoch());
        }
    }

    /// Runs alone (the whole of its microtask): a step that yields a call
    /// whose promise has settled takes that turn here too, at once, while
    /// no microtask is queued.
    fn take_turn(self: Rc<Self>, epoch: u64) {
        let alone = AloneTurn::begin(&self.core);
        self.take_owed_turns(&alone, epoch);
    }

    fn go_on_at_once(&self) -> bool {
        self.core.owe_turn()
    }
}

impl<G, N> Node for Driver<G, N>
where
    G: Saga,
    N: Name + 'static,
{
    fn core(&self) -> &Core {
        &self.core
    }

    fn name(&self) -> &str {
        self.name.name()
    }

    fn halt(self: Rc<Self>, why: Halt) {
        if self.is_settled() || self.core.is_halted() || self.core.is_halt_queued() {
            return; // the first halt wins; later ones change nothing
        }
        if self.core.is_shielded() {
            // In an uninterruptible region: take effect as it leaves.
            self.core.env.defer_halt(self.core.id, why);
            return;
        }
        if self.core.is_stepping() {
            // Halted from inside its own step (a child it woke failed):
            // take effect after it. Until then the task does not settle,
            // even if the step ends its body: the halt decides how.
            self.core.queue_halt();
            event_loop::queue_microtask(move || {
                self.core.unqueue_halt();
                self.halt(why);
            });
            return;
        }
        if let Halt::Abort(error) = &why {
            self.cancelled_by(error);
        }
        self.core.set_halt(why.clone());
        self.core.next_epoch();
        let reason = why.reason();
        if let Some(stop) = self.take_pending() {
            stop.stop(reason);
        }
        let children = self.core.children.snapshot();
        for child in children {
            on_enough_stack(|| child.halt(Halt::Cancel(reason.clone())));
        }
        self.clean_up_or_settle();
    }

    fn child_settled(self: Rc<Self>, child: TaskId, failure: Option<Error>) {
        self.core.children.remove(child);
        if let Some(error) = failure {
            self.clone().halt(Halt::Abort(error));
        }
        if self.core.is_halted() {
            self.clean_up_or_settle();
        } else {
            self.settle_if_done();
        }
    }

    fn is_settled(&self) -> bool {
        self.with_state(|state| matches!(state, State::Settled))
    }
}
