//! The protocol's one implementation, shared by [`Gen`](super::Gen) (body
//! boxed) and [`PinnedGen`](super::PinnedGen) (body pinned in place): what
//! a resume does in each state, and the poll through the airlock.

use std::future::Future;
use std::pin::Pin;
use std::task::{Poll, Waker};

use super::airlock;
use super::co::Exchange;
use super::protocol::{Abrupt, Outcome, Resume, Step, StepResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    /// Created; the body has not run (JavaScript's "suspendedStart").
    Fresh,
    /// Paused at a yield ("suspendedYield").
    Suspended,
    /// Completed: returned, threw, or was closed before starting.
    Done,
}

/// A generator's owner word before the first resume: the owner id with its
/// top bit set (ids never reach it), so the word reads as negative.
pub(super) const FRESH: u64 = 1 << 63;
/// The owner word once the generator is done (no id is 0).
pub(super) const DONE: u64 = 0;

/// Where a generator stands, read off its owner word.
#[inline(always)]
pub(super) fn state(owner: u64) -> State {
    match owner.cast_signed() {
        1.. => State::Suspended,
        0 => State::Done,
        _ => State::Fresh,
    }
}

/// Where a generator's body lives: the driver polls it, and drops it once
/// the generator is done.
pub(super) trait BodySlot {
    type Body: Future + ?Sized;
    fn body(&mut self) -> Option<Pin<&mut Self::Body>>;
    fn clear(&mut self);
}

impl<F: Future + ?Sized> BodySlot for Option<Pin<Box<F>>> {
    type Body = F;
    #[inline(always)]
    fn body(&mut self) -> Option<Pin<&mut F>> {
        self.as_mut().map(Pin::as_mut)
    }
    fn clear(&mut self) {
        *self = None;
    }
}

impl<F: Future> BodySlot for Pin<&mut Option<F>> {
    type Body = F;
    #[inline(always)]
    fn body(&mut self) -> Option<Pin<&mut F>> {
        self.as_mut().as_pin_mut()
    }
    fn clear(&mut self) {
        self.set(None);
    }
}

/// One resume of the generator `id` whose owner word is `owner` and whose
/// body sits in `slot`.
// Always inlined: the body's poll then inlines into the caller's loop,
// which is worth 5x on a tight resume loop (see BENCHMARKS.md).
#[inline(always)]
pub(super) fn resume<S, Y, R, T, E>(
    id: u64,
    owner: &mut u64,
    slot: &mut S,
    how: Resume<R, E, T>,
) -> StepResult<Y, T, E>
where
    S: BodySlot + ?Sized,
    S::Body: Future<Output = Outcome<T, E>>,
{
    let input = match (state(*owner), how) {
        // The first `next` sends its value in like any other; the body's
        // first yield drops it (it has no `yield` to go to, as in
        // JavaScript). The fresh bit is cleared only when set: a resume
        // loop is bound by its stores.
        (State::Fresh | State::Suspended, Resume::Next(r)) => {
            if owner.cast_signed() < 0 {
                *owner &= !FRESH;
            }
            Exchange::Next(r)
        }
        (State::Suspended, Resume::Throw(e)) => Exchange::Throw(e),
        (State::Suspended, Resume::Return(v)) => Exchange::Return(v),
        (State::Fresh, Resume::Throw(e)) => {
            finish(owner, slot);
            return Err(e);
        }
        (State::Fresh, Resume::Return(v)) => {
            finish(owner, slot);
            return Ok(Step::Returned(v));
        }
        (State::Done, Resume::Next(_)) => return Ok(Step::Done),
        (State::Done, Resume::Throw(e)) => return Err(e),
        (State::Done, Resume::Return(v)) => return Ok(Step::Returned(v)),
    };
    // One call site for the body's poll, so it can be inlined.
    step(id, owner, slot, input)
}

fn finish<S: BodySlot + ?Sized>(owner: &mut u64, slot: &mut S) {
    *owner = DONE;
    slot.clear();
}

#[inline(always)]
fn step<S, Y, R, T, E>(
    id: u64,
    owner: &mut u64,
    slot: &mut S,
    input: Exchange<Y, R, E, T>,
) -> StepResult<Y, T, E>
where
    S: BodySlot + ?Sized,
    S::Body: Future<Output = Outcome<T, E>>,
{
    let Some(body) = slot.body() else {
        return Ok(Step::Done);
    };
    // A panicking body leaves a finished generator behind; the guard costs
    // nothing unless it unwinds.
    let unwinding = DoneOnUnwind(owner);
    let (poll, yielded) = airlock::poll_in_airlock(
        id,
        Waker::noop(),
        false,
        input,
        body,
        Exchange::take_yielded,
    );
    std::mem::forget(unwinding);
    match (poll, yielded) {
        (Poll::Ready(outcome), _) => {
            finish(owner, slot);
            match outcome {
                Ok(value) | Err(Abrupt::Return(value)) => Ok(Step::Returned(value)),
                Err(Abrupt::Throw(error)) => Err(error),
            }
        }
        // The owner word already says suspended: it was set before the poll.
        (Poll::Pending, Some(value)) => Ok(Step::Yielded(value)),
        (Poll::Pending, None) => {
            finish(owner, slot);
            panic!("{AWAITED_IN_GEN}")
        }
    }
}

/// What a synchronous generator's body that awaited something else than
/// its own yield is told. Under `run()` and in sagas this is the usual
/// slip (a promise awaited where it should be yielded), so it says how to
/// write it there too.
const AWAITED_IN_GEN: &str = "a synchronous generator's body awaited a future that is \
     still pending and is not its own `co.yield_()`: a `Gen` cannot wait. Under `run()`, \
     yield the promise instead of awaiting it; in a saga, yield an effect (`call` the function \
     that returns it); to await inside the body, make it an async generator (`AsyncGen`)";

/// Marks the generator done if the body panics while being polled (its
/// body, poisoned, is dropped with the generator, never polled again).
struct DoneOnUnwind<'s>(&'s mut u64);

impl Drop for DoneOnUnwind<'_> {
    fn drop(&mut self) {
        *self.0 = DONE;
    }
}
