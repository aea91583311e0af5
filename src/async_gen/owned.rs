//! An [`AsyncGen`] that a `for await` loop holds alone, driven pinned.
//!
//! A loop that owns its generator is its one consumer, and awaits each
//! step before asking for the next: what [`PinnedAsyncGen`] is for. When
//! no other handle, request or job reaches the generator and it is at
//! rest (not started, or paused at a yield with nothing queued), the loop
//! takes its body out of the machine and drives it pinned, in the loop's
//! own future: the same turns (`tests/pinned_async_gen.rs` holds the two
//! kinds to each other), without the machine's queue, slot and task. What
//! differs between the kinds is kept as an `AsyncGen` has it: a panic in
//! the body fails the step with a [`Fault`] instead of
//! unwinding out of the loop.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::machine::Body;
use super::{AsyncGen, AsyncIterator, PinnedAsyncGen, delegate};
use crate::generator::{Abrupt, Outcome};
use crate::{Fault, Reason};

/// The generator taken over: boxed once per loop, so the loop's future
/// can move before it is polled. `RELAYED`: taken over by a helper
/// stage's relay, which awaits each request as it makes it, and says so
/// in its requests (see `Made::GoingOn`).
pub(super) struct Owned<Y, R, T, E, const RELAYED: bool = false>(Pin<Box<Driven<Y, R, T, E>>>);

/// The pinned generator the body goes on in.
type Driven<Y, R, T, E> = PinnedAsyncGen<Caught<T, E>, Y, R, T, E>;

/// The body, a panic in it thrown as a [`Fault`] (an `AsyncGen` fails the
/// step with it, and is done): the driver takes it as any error the body
/// throws, with the same turn. `fresh` until its first poll.
pub(super) struct Caught<T, E>(Body<T, E>, bool);

impl<T, E: Reason> Future for Caught<T, E> {
    type Output = Outcome<T, E>;

    #[inline(always)]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome<T, E>> {
        let polled = if self.1 {
            self.1 = false;
            let body = self.0.as_mut();
            // A stage of a pipeline starts inside the first poll of the
            // stage that pulls from it: counted, so that a consumer knows
            // how deep in a chain it starts (`into_owned_alone`), and on a
            // fresh stack segment past the first levels. Counted on every
            // poll, the pipeline's item took 27 instructions and 10% more
            // time.
            crate::stack::chained(|| catch_unwind(AssertUnwindSafe(|| body.poll(cx))))
        } else {
            let body = self.0.as_mut();
            catch_unwind(AssertUnwindSafe(|| body.poll(cx)))
        };
        match polled {
            Ok(polled) => polled,
            Err(payload) => Poll::Ready(Err(Abrupt::Throw(panicked(&*payload)))),
        }
    }
}

#[cold]
#[inline(never)]
fn panicked<E: Reason>(payload: &(dyn std::any::Any + Send)) -> E {
    // A delegated yield that panicked left its mark behind.
    delegate::forget_delegation();
    Fault::from_panic(payload).into()
}

impl<Y, R, T, E> AsyncGen<Y, R, T, E>
where
    Y: Clone + 'static,
    R: 'static,
    T: Clone + 'static,
    E: Reason,
{
    /// This generator as its one consumer's, if nothing else reaches it
    /// and the consumer is in the first levels of a chain of taken-over
    /// generators: each turn of a pinned level is taken by polling down
    /// from the top, so a chain taken over all the way (a pipeline's
    /// stages, loops nested in bodies) would close in time square in its
    /// length (8,000 stages: 2.25 s). Deeper ones keep their machines.
    pub(super) fn into_owned_alone(self) -> Result<Owned<Y, R, T, E>, Self> {
        if self.in_flight.is_some()
            || self.exhausted
            || crate::stack::chain_depth() >= crate::stack::STRAIGHT
        {
            return Err(self);
        }
        match self.machine.take_alone() {
            Some((owner, body, paused)) => Ok(Owned(Box::pin(PinnedAsyncGen::resumed(
                owner,
                Caught(body, true),
                paused,
            )))),
            None => Err(self),
        }
    }
}

impl<Y, R, T, E> Owned<Y, R, T, E> {
    pub(super) fn relayed(self) -> Owned<Y, R, T, E, true> {
        Owned(self.0)
    }
}

impl<Y, R, T, E, const RELAYED: bool> AsyncIterator for Owned<Y, R, T, E, RELAYED>
where
    Y: Clone + 'static,
    R: Default + 'static,
    T: Clone + Default + 'static,
    E: Reason,
{
    type Item = Y;
    type Error = E;

    #[inline(always)]
    fn next(&mut self) -> impl Future<Output = Result<Option<Y>, E>> {
        self.0.as_mut().item::<RELAYED>()
    }

    #[inline(always)]
    fn next_in_loop(&mut self, going_on: bool) -> impl Future<Output = Result<Option<Y>, E>> {
        self.0.as_mut().item_in_loop(going_on)
    }

    fn close(&mut self) -> impl Future<Output = Result<(), E>> {
        self.0.as_mut().close_for_loop()
    }
}
