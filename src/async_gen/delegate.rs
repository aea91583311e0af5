//! `yield*` and `yield promise` in an async generator: what is awaited
//! (the inner generator's steps, the promise) is awaited once, and the
//! value handed out at once — not awaited again as a `yield v` awaits `v`.

use std::cell::Cell;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{AsyncGenerator, AsyncIterator};
use crate::generator::{Abrupt, Co, Outcome, Resume, Step, Yield};
use crate::{Promise, Reason};

thread_local! {
    /// Set by a delegated yield as it hands its value over: the generator
    /// polling the body delivers that value at once (see
    /// `Machine::poll_body`).
    static DELEGATED: Cell<bool> = const { Cell::new(false) };
}

/// Clears the mark after a body panicked (a delegated yield awaited in the
/// wrong place panics after setting it).
pub(super) fn forget_delegation() {
    DELEGATED.with(|d| d.set(false));
}

/// Whether the yield the body just made was a delegated one, the mark
/// left in place.
#[inline]
pub(super) fn is_delegated() -> bool {
    DELEGATED.with(Cell::get)
}

/// Whether the yield the body just made was a delegated one.
pub(super) fn take_delegation() -> bool {
    DELEGATED.with(|d| d.replace(false))
}

/// A yield whose value is handed out at once.
struct Delegated<Y, R, T, E> {
    inner: Yield<Y, R, T, E>,
    handed: bool,
}

impl<Y, R, T, E> Future for Delegated<Y, R, T, E> {
    type Output = Result<R, Abrupt<E, T>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if !self.handed {
            self.handed = true;
            DELEGATED.with(|d| d.set(true));
        }
        Pin::new(&mut self.inner).poll(cx)
    }
}

impl<Y, R, T, E> Co<Y, R, T, E> {
    /// A yield of `value` that is handed out at once.
    fn yield_at_once(&self, value: Y) -> Delegated<Y, R, T, E> {
        Delegated {
            inner: self.yield_(value),
            handed: false,
        }
    }
}

impl<Y, R, T, E> Co<Y, R, T, E>
where
    Y: Clone + 'static,
    R: Default + 'static,
    T: Clone + 'static,
    E: Reason,
{
    /// `yield promise` in an async generator: the promise is awaited (one
    /// turn after it settles) and its value handed out, as JavaScript
    /// awaits a yielded promise before handing its value to the consumer;
    /// a rejection is thrown in at this yield, where the body may catch
    /// it. (`yield_(v)` hands out `v` after one turn, as `yield v` does.)
    ///
    /// # Errors
    ///
    /// `Err(Abrupt::Throw(e))` when `promise` rejects with `e` or the consumer
    /// calls `throw(e)`; `Err(Abrupt::Return(v))` when the consumer calls
    /// `return(v)` (pass it on with `?` so cleanup runs).
    ///
    /// ```
    /// use baton::{Abrupt, AsyncGen, Co, Error, EventLoop, Promise};
    /// use baton::async_gen::AsyncIteratorExt;
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     let g = AsyncGen::new(|co: Co<u32, (), (), Error>| async move {
    ///         co.yield_promise(Promise::resolve(1)).await?;
    ///         match co.yield_promise(Promise::reject(Error::msg("lost"))).await {
    ///             Err(Abrupt::Throw(e)) => co.yield_(e.to_string().len() as u32).await?,
    ///             other => other?,
    ///         }
    ///         Ok(())
    ///     });
    ///     g.to_vec().await
    /// });
    /// assert_eq!(out.ok(), Some(vec![1, 4])); // the rejection was caught inside
    /// ```
    pub async fn yield_promise(&self, promise: Promise<Y, E>) -> Result<R, Abrupt<E, T>> {
        let value = promise.await.map_err(Abrupt::Throw)?;
        self.yield_at_once(value).await
    }

    /// `yield* source` in an async generator, for any [`AsyncIterator`]
    /// (an iterable of promises through [`promises`](super::promises) is
    /// JavaScript's `yield* [p1, p2]`): each step is awaited and its item
    /// handed out at once. The trait has no `throw` and its `close` no
    /// value, so a `throw(e)` forwarded here closes `source` and throws `e`
    /// at this yield, and a `return(v)` closes it and returns `v`, as
    /// JavaScript does with an iterable of promises. Evaluates to `()`
    /// (JavaScript's `undefined`); for an [`AsyncGenerator`] (an
    /// [`AsyncGen`](super::AsyncGen), a pinned
    /// [`PinnedAsyncGen`](super::PinnedAsyncGen), a hand-written one),
    /// whose `throw` and return value go through, use
    /// [`yield_from_async`](Self::yield_from_async).
    ///
    /// # Errors
    ///
    /// `Err(Abrupt::Throw(e))` when `source` fails with `e` or a forwarded
    /// `throw(e)` closes it; `Err(Abrupt::Return(v))` when a forwarded
    /// `return(v)` closes it.
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, promises};
    /// use baton::{AsyncGen, Co, Error, EventLoop, Promise};
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     let g = AsyncGen::new(|co: Co<u32, (), (), Error>| async move {
    ///         co.yield_(1).await?;
    ///         co.yield_from_iter(promises(vec![Promise::resolve(2), Promise::resolve(3)])).await?;
    ///         Ok(())
    ///     });
    ///     g.to_vec().await
    /// });
    /// assert_eq!(out.ok(), Some(vec![1, 2, 3]));
    /// ```
    pub async fn yield_from_iter<I>(&self, mut source: I) -> Result<(), Abrupt<E, T>>
    where
        I: AsyncIterator<Item = Y, Error = E>,
    {
        loop {
            let Some(item) = source.next().await.map_err(Abrupt::Throw)? else {
                return Ok(());
            };
            if let Err(abrupt) = self.yield_at_once(item).await {
                source.close().await.map_err(Abrupt::Throw)?;
                return Err(abrupt);
            }
        }
    }

    /// `yield* inner` in an async generator: runs `inner` to completion,
    /// forwarding its values out and this generator's `next`, `throw` and
    /// `return` in; evaluates to `inner`'s return value. As in
    /// JavaScript, each step of `inner` is awaited (one turn after it
    /// settles), and the values it yields are handed out at once (a plain
    /// `yield v` awaits `v` first); `inner`'s first `next` receives
    /// `R::default()` (JavaScript's `undefined`), and a forwarded
    /// `return(v)` that completes `inner` completes this generator too.
    ///
    /// `inner` is any [`AsyncGenerator`]: an [`AsyncGen`](super::AsyncGen),
    /// a [`PinnedAsyncGen`](super::PinnedAsyncGen) pinned in this body
    /// (`inner.as_mut()`, with the same turns), a hand-written generator,
    /// or `&mut` of any of them, to keep it for afterwards.
    ///
    /// # Errors
    ///
    /// `Err(Abrupt::Throw(e))` when `inner` throws `e` (its own error, or a
    /// forwarded `throw(e)` it did not catch); `Err(Abrupt::Return(v))` when a
    /// forwarded `return(v)` completes `inner`, to be passed on with `?`.
    ///
    /// ```
    /// use baton::{AsyncGen, Co, Error, EventLoop, Promise};
    /// use baton::async_gen::AsyncIteratorExt;
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     let inner = AsyncGen::new(|co: Co<&str, (), u32, Error>| async move {
    ///         co.yield_("b").await?;
    ///         Promise::<()>::resolve(()).await?;
    ///         Ok(7)
    ///     });
    ///     let outer = AsyncGen::new(|co: Co<&str, (), u32, Error>| async move {
    ///         co.yield_("a").await?;
    ///         let n = co.yield_from_async(inner).await?;
    ///         co.yield_(if n == 7 { "c" } else { "?" }).await?;
    ///         Ok(0)
    ///     });
    ///     outer.to_vec().await
    /// });
    /// assert_eq!(out.ok(), Some(vec!["a", "b", "c"]));
    /// ```
    ///
    /// A generator pinned in the body, delegated to and asked again
    /// after (each `as_mut()` lends it anew): it completed, so it answers
    /// `Done`.
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, PinnedAsyncGen};
    /// use baton::{AsyncGen, Co, Error, EventLoop, Step};
    /// use std::pin::pin;
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     let outer = AsyncGen::new(|co: Co<u32, (), bool, Error>| async move {
    ///         let mut inner = pin!(PinnedAsyncGen::new(|co: Co<u32, (), bool, Error>| async move {
    ///             co.yield_(1).await?;
    ///             co.yield_(2).await?;
    ///             Ok(true)
    ///         }));
    ///         let returned = co.yield_from_async(inner.as_mut()).await?;
    ///         let after = inner.as_mut().next(()).await?;
    ///         co.yield_(u32::from(returned && after == Step::Done) * 3).await?;
    ///         Ok(false)
    ///     });
    ///     outer.to_vec().await
    /// });
    /// assert_eq!(out.ok(), Some(vec![1, 2, 3]));
    /// ```
    ///
    /// # Panics
    ///
    /// If `inner` has already completed and handed out its return value
    /// (it answers [`Step::Done`]; the panic rejects this generator's
    /// pending request).
    pub async fn yield_from_async<G>(&self, inner: G) -> Outcome<T, E>
    where
        G: AsyncGenerator<Input = R, Yield = Y, Return = T, Error = E>,
    {
        // Dropped while suspended here, a chain of delegations is let go
        // of level inside level: on enough stack, as it is resumed.
        let mut inner = crate::stack::DropsDeep::new(inner);
        let mut received = Resume::Next(R::default());
        loop {
            let forwarded_return = matches!(received, Resume::Return(_));
            // A request runs `inner`'s body in place, as it is made or
            // polled, and that body may delegate in turn: a chain deep
            // enough goes on on a fresh stack segment instead of
            // overflowing the thread's.
            let inner = inner.get_mut();
            let step = crate::stack::delegating(|| inner.resume(received).into_future());
            let mut step = std::pin::pin!(step);
            let step =
                std::future::poll_fn(|cx| crate::stack::delegating(|| step.as_mut().poll(cx)));
            match step.await {
                Ok(Step::Yielded(value)) => {
                    received = match self.yield_at_once(value).await {
                        Ok(r) => Resume::Next(r),
                        Err(Abrupt::Throw(e)) => Resume::Throw(e),
                        Err(Abrupt::Return(v)) => Resume::Return(v),
                    };
                }
                Ok(Step::Returned(value)) if forwarded_return => return Err(Abrupt::Return(value)),
                Ok(Step::Returned(value)) => return Ok(value),
                Ok(Step::Done) => panic!(
                    "`yield_from_async` was given a generator that had already completed: \
                     its return value is gone, so there is nothing to evaluate to"
                ),
                Err(error) => return Err(Abrupt::Throw(error)),
            }
        }
    }
}
