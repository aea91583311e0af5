//! The async generator protocol as a trait: what `yield*` needs of the
//! generator it delegates to, so it delegates to either kind of baton's
//! async generators and to hand-written ones alike.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::direct::NextStep;
use super::{AsyncGen, PinnedAsyncGen, Request};
use crate::Reason;
use crate::generator::{Outcome, Resume, Step, StepResult};
use crate::promise::Awaiting;

/// An async generator's protocol: `next(v)`, `throw(e)` and `return(v)`,
/// each a request whose future gives the [`Step`] it led
/// to. [`AsyncGen`], a pinned [`PinnedAsyncGen`] and `&mut` of either
/// implement it; so can a hand-written machine, as JavaScript's `yield*`
/// takes any object with these methods
/// ([`Co::yield_from_async`](crate::Co::yield_from_async) takes any
/// implementation).
///
/// [`AsyncIterator`](super::AsyncIterator) is the consumer's side (an item
/// or the end, and `close`); this trait is the whole protocol, with the
/// value sent in, the error thrown in and the value returned.
///
/// # Turns
///
/// JavaScript awaits the promise a request returns, so the step reaches
/// whoever awaits it one microtask turn after it is known at the
/// earliest. baton's generators keep that order; a hand-written one keeps
/// it by returning a [`Promise`](crate::Promise) (awaited, a settled one
/// takes that one turn), as in the example below. A future that is ready
/// at once skips the turn: the order of the steps is kept, their timing
/// against other microtasks is not JavaScript's.
///
/// ```
/// use baton::async_gen::AsyncGenerator;
/// use baton::{AsyncGen, Co, Error, EventLoop, Promise, Resume, Step, StepResult};
/// use std::future::IntoFuture;
///
/// /// Counts up to `end`; `throw(e)` resets the count, as a generator
/// /// that catches at its yield would.
/// struct Counter { at: u32, end: u32 }
///
/// impl AsyncGenerator for Counter {
///     type Input = ();
///     type Yield = u32;
///     type Return = u32;
///     type Error = Error;
///     fn resume(&mut self, how: Resume<(), Error, u32>) -> impl IntoFuture<Output = StepResult<u32, u32, Error>> {
///         let step = match how {
///             Resume::Next(()) if self.at < self.end => { self.at += 1; Step::Yielded(self.at) }
///             Resume::Next(()) => Step::Returned(self.at),
///             Resume::Throw(_) => { self.at = 0; Step::Yielded(0) }
///             Resume::Return(v) => { self.at = self.end; Step::Returned(v) }
///         };
///         Promise::resolve(step) // one turn, as JavaScript's awaited promise
///     }
/// }
///
/// let steps = EventLoop::virtual_clock().block_on(async {
///     let outer = AsyncGen::new(|co: Co<u32, (), u32, Error>| async move {
///         let total = co.yield_from_async(Counter { at: 0, end: 2 }).await?;
///         co.yield_(total * 10).await?;
///         Ok(0)
///     });
///     let mut steps = vec![outer.next(()).await?];
///     steps.push(outer.throw(Error::msg("reset")).await?); // forwarded in
///     for _ in 0..3 {
///         steps.push(outer.next(()).await?);
///     }
///     Ok::<_, Error>(steps)
/// });
/// use Step::Yielded;
/// assert_eq!(steps.ok(), Some(vec![Yielded(1), Yielded(0), Yielded(1), Yielded(2), Yielded(20)]));
/// ```
pub trait AsyncGenerator {
    /// The type `next(v)` sends in.
    type Input;
    /// The type of yielded values.
    type Yield;
    /// The completion value.
    type Return;
    /// What `throw(e)` sends in and what a failing generator throws out.
    type Error;

    /// Resumes the generator in one of the three ways; awaited, the
    /// request gives the step it led to.
    ///
    /// # Errors
    ///
    /// The request's output is `Err(e)` when the generator throws `e` out:
    /// an error it does not catch, or a `throw(e)` it was not suspended to
    /// receive.
    fn resume(
        &mut self,
        how: Resume<Self::Input, Self::Error, Self::Return>,
    ) -> impl IntoFuture<Output = StepResult<Self::Yield, Self::Return, Self::Error>>;
}

/// The shared handle: each request goes through its queue, awaited as
/// its promise would be (JavaScript's `await innerResult`); a `next` is
/// answered straight to the task awaiting it where it can be, as a
/// for-await loop's is (`async_gen/direct.rs`).
impl<Y, R, T, E> AsyncGenerator for AsyncGen<Y, R, T, E>
where
    Y: Clone + 'static,
    R: 'static,
    T: Clone + 'static,
    E: Reason,
{
    type Input = R;
    type Yield = Y;
    type Return = T;
    type Error = E;

    fn resume(&mut self, how: Resume<R, E, T>) -> impl IntoFuture<Output = StepResult<Y, T, E>> {
        match how {
            Resume::Next(value) => SharedRequest::Next(self.next_step(value)),
            how => SharedRequest::Promised(self.enqueue(how).into_future()),
        }
    }
}

/// A request to an [`AsyncGen`] made through the trait.
enum SharedRequest<Y, R, T, E> {
    Next(NextStep<Y, R, T, E>),
    Promised(Awaiting<Step<Y, T>, E>),
}

impl<Y, R, T, E> Future for SharedRequest<Y, R, T, E>
where
    Y: Clone + 'static,
    R: 'static,
    T: Clone + 'static,
    E: Reason,
{
    type Output = StepResult<Y, T, E>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            SharedRequest::Next(step) => Pin::new(step).poll(cx),
            SharedRequest::Promised(awaiting) => Pin::new(awaiting).poll(cx),
        }
    }
}

/// A generator pinned in place: each request is its `Request`, which
/// keeps the turns an `AsyncGen`'s promise would take.
impl<F, Y, R, T, E> AsyncGenerator for Pin<&mut PinnedAsyncGen<F, Y, R, T, E>>
where
    F: Future<Output = Outcome<T, E>>,
    E: Reason,
{
    type Input = R;
    type Yield = Y;
    type Return = T;
    type Error = E;

    fn resume(&mut self, how: Resume<R, E, T>) -> impl IntoFuture<Output = StepResult<Y, T, E>> {
        Request::<_, _, _, _, _, false>::new(self.as_mut(), how)
    }
}

/// Delegating to a generator through `&mut` keeps it for afterwards, as
/// JavaScript's `yield* g` leaves `g` to its owner.
impl<G: AsyncGenerator + ?Sized> AsyncGenerator for &mut G {
    type Input = G::Input;
    type Yield = G::Yield;
    type Return = G::Return;
    type Error = G::Error;

    fn resume(
        &mut self,
        how: Resume<G::Input, G::Error, G::Return>,
    ) -> impl IntoFuture<Output = StepResult<G::Yield, G::Return, G::Error>> {
        (**self).resume(how)
    }
}
