//! [`Co`]: the body's side of a generator — `co.yield_(v).await` hands `v`
//! out through the airlock and comes back with what the next resume
//! brought in.

use std::cell::Cell;
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::airlock::{self, Misplaced};
use super::coroutine::Types;
use super::protocol::{Abrupt, Generator, Outcome, Resume, Step};

/// What crosses the airlock: the resumption going in, the yield coming out.
/// One flat enum (not `Resume` nested inside) keeps the hand-off to a single
/// tag: this is the hottest data in the crate.
pub(crate) enum Exchange<Y, R, E, T> {
    Empty,
    Yielded(Y),
    Next(R),
    Throw(E),
    Return(T),
}

/// The body's handle for yielding: `co.yield_(v).await`.
///
/// A `Co` belongs to one generator; awaiting its yields anywhere else (in
/// another generator's body, or on an executor) panics with a message
/// naming the mistake. Pass `&Co` to helper `async fn`s to yield from them.
///
/// ```
/// use baton::{Abrupt, Co, Gen};
///
/// // A helper that yields through a borrowed `Co`.
/// async fn twice(co: &Co<&'static str>, what: &'static str) -> Result<(), Abrupt<std::convert::Infallible, ()>> {
///     co.yield_(what).await?;
///     co.yield_(what).await
/// }
/// let g = Gen::new(|co: Co<&'static str>| async move {
///     twice(&co, "tick").await?;
///     twice(&co, "tock").await
/// });
/// assert_eq!(g.collect::<Vec<_>>(), ["tick", "tick", "tock", "tock"]);
/// ```
pub struct Co<Y, R = (), T = (), E = Infallible> {
    owner: u64,
    types: Types<(Y, T, E), R>,
}

impl<Y, R, T, E> Co<Y, R, T, E> {
    pub(crate) fn new(owner: u64) -> Self {
        Co {
            owner,
            types: PhantomData,
        }
    }

    /// `yield value`: pauses the generator, handing `value` to the caller
    /// of `next`; evaluates to what the next resume sends in.
    ///
    /// ```
    /// use baton::{Co, Gen, Step};
    ///
    /// // function* adder() { let sum = 0; while (true) sum += yield sum }
    /// let mut add = Gen::new(|co: Co<i32, i32>| async move {
    ///     let mut sum = 0;
    ///     loop {
    ///         sum += co.yield_(sum).await?;
    ///     }
    /// });
    /// assert_eq!(add.next(0), Ok(Step::Yielded(0)));
    /// assert_eq!(add.next(5), Ok(Step::Yielded(5)));
    /// assert_eq!(add.next(10), Ok(Step::Yielded(15)));
    /// ```
    #[inline]
    pub fn yield_(&self, value: Y) -> Yield<Y, R, T, E> {
        Yield {
            owner: self.owner,
            value: Some(value),
            types: PhantomData,
        }
    }

    /// The second half of a yield whose value went out through
    /// [`yield_`](Self::yield_) in an earlier poll: its future evaluates
    /// to what the resume sends in. For futures that keep less than a
    /// yield holding its value while they wait.
    #[inline]
    pub(crate) fn resumption(&self) -> Yield<Y, R, T, E> {
        Yield {
            owner: self.owner,
            value: None,
            types: PhantomData,
        }
    }

    /// `yield* inner`: runs `inner` to completion inside this generator,
    /// forwarding its yields out and this generator's `next`, `throw` and
    /// `return` in; evaluates to `inner`'s return value.
    ///
    /// As in JavaScript, the inner generator's first `next` receives a
    /// placeholder (`R::default()`, JavaScript's `undefined`), and a
    /// forwarded `return(v)` that completes `inner` completes this generator
    /// too, with `inner`'s completion value.
    ///
    /// # Errors
    ///
    /// `Err(Abrupt::Throw(e))` when `inner` throws `e` (its own error, or a
    /// forwarded `throw(e)` it did not catch); `Err(Abrupt::Return(v))` when a
    /// forwarded `return(v)` completes `inner`, to be passed on with `?` so
    /// this generator completes too.
    ///
    /// ```
    /// use baton::{Co, Gen};
    ///
    /// let inner = Gen::new(|co: Co<&str, (), u32>| async move {
    ///     co.yield_("b").await?;
    ///     Ok(1)
    /// });
    /// let outer = Gen::new(|co: Co<&str, (), u32>| async move {
    ///     co.yield_("a").await?;
    ///     let n = co.yield_from(inner).await?;
    ///     co.yield_("c").await?;
    ///     Ok(n + 1)
    /// });
    /// assert_eq!(outer.collect::<Vec<_>>(), ["a", "b", "c"]);
    /// ```
    ///
    /// # Panics
    ///
    /// If `inner` has already completed and handed out its return value:
    /// there is no value of type `T` to evaluate to.
    pub async fn yield_from<G>(&self, inner: G) -> Outcome<T, E>
    where
        G: Generator<Input = R, Yield = Y, Return = T, Error = E>,
        R: Default,
    {
        // Dropped while suspended here, a chain of delegations is let go
        // of level inside level: on enough stack, as it is resumed.
        let mut inner = crate::stack::DropsDeep::new(inner);
        let mut how = Resume::Next(R::default());
        loop {
            let forwarded_return = matches!(how, Resume::Return(_));
            // Each level of delegation resumes the next inside its own
            // resume: a chain deep enough goes on on a fresh stack segment
            // instead of overflowing the thread's (JavaScript throws a
            // `RangeError` some thousands deep).
            match crate::stack::delegating(|| inner.get_mut().resume(how)) {
                Ok(Step::Yielded(value)) => {
                    how = match self.yield_(value).await {
                        Ok(r) => Resume::Next(r),
                        Err(Abrupt::Throw(e)) => Resume::Throw(e),
                        Err(Abrupt::Return(v)) => Resume::Return(v),
                    }
                }
                Ok(Step::Returned(value)) if forwarded_return => {
                    return Err(Abrupt::Return(value));
                }
                Ok(Step::Returned(value)) => return Ok(value),
                Ok(Step::Done) => panic!(
                    "`yield_from` was given a generator that had already completed: \
                     its return value is gone, so there is nothing to evaluate to"
                ),
                Err(error) => return Err(Abrupt::Throw(error)),
            }
        }
    }
}

impl<Y, R, T, E> Clone for Co<Y, R, T, E> {
    fn clone(&self) -> Self {
        Co::new(self.owner)
    }
}

impl<Y, R, T, E> fmt::Debug for Co<Y, R, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Co")
            .field("generator", &self.owner)
            .finish()
    }
}

/// The future of one `co.yield_(v)`.
///
/// ```
/// use baton::{Co, Gen};
///
/// let g = Gen::new(|co: Co<u8>| async move {
///     let pending = co.yield_(1); // nothing happens yet: a future
///     co.yield_(0).await?;
///     pending.await?; // yields 1 only now
///     Ok(())
/// });
/// assert_eq!(g.collect::<Vec<_>>(), [0, 1]);
/// ```
#[must_use = "a yield does nothing unless awaited"]
pub struct Yield<Y, R, T, E> {
    owner: u64,
    value: Option<Y>,
    types: Types<(), (R, T, E)>,
}

// The yielded value is moved out, never pinned in place.
impl<Y, R, T, E> Unpin for Yield<Y, R, T, E> {}

impl<Y, R, T, E> fmt::Debug for Yield<Y, R, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Yield")
            .field("generator", &self.owner)
            .field("handed_over", &self.value.is_none())
            .finish()
    }
}

impl<Y, R, T, E> Future for Yield<Y, R, T, E> {
    type Output = Result<R, Abrupt<E, T>>;

    #[inline(always)]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let value = self.value.take();
        match airlock::slot(cx, self.owner) {
            Ok(slot) => exchange(value, slot),
            Err(Misplaced::NoDriver) => panic!(
                "`co.yield_()` was awaited outside its generator: only the generator's own \
                 `next`/`throw`/`return` can drive its yields (was the `Co` moved into a task?)"
            ),
            Err(Misplaced::OtherGenerator) => panic!(
                "`co.yield_()` of one generator was awaited inside another generator's body: \
                 yield through that body's own `Co`, or delegate with `yield_from`"
            ),
        }
    }
}

/// A yield's side of the hand-off: deposit the value (the first poll), or
/// take what the resume sent in (the second).
// A function, not the closure's body, so it can be marked: left to the
// inliner's judgement, the exchange was sometimes called out of line
// (50 more instructions per saga step).
#[inline(always)]
fn exchange<Y, R, T, E>(
    value: Option<Y>,
    slot: &Cell<Exchange<Y, R, E, T>>,
) -> Poll<Result<R, Abrupt<E, T>>> {
    // A slot of two words or less is moved in registers, a word at a
    // time, as it was written; a wider one is copied as a block, which
    // is read in place instead (see `exchange_in_place`). Known when
    // compiled: one of the two is left.
    if size_of::<Exchange<Y, R, E, T>>() > 2 * size_of::<usize>() {
        exchange_in_place(value, slot)
    } else {
        exchange_moved(value, slot)
    }
}

/// [`exchange`] for a slot moved in registers. (In place, a generator
/// made, resumed twice and dropped kept its body's allocation, which the
/// compiler removed otherwise: 1.4 -> 17.5 ns.)
#[inline(always)]
fn exchange_moved<Y, R, T, E>(
    value: Option<Y>,
    slot: &Cell<Exchange<Y, R, E, T>>,
) -> Poll<Result<R, Abrupt<E, T>>> {
    match (value, slot.replace(Exchange::Empty)) {
        (Some(value), taken @ (Exchange::Empty | Exchange::Next(_))) => {
            match taken {
                // The body's first yield: the first `next`'s value has no
                // `yield` to go to, and is dropped, as JavaScript drops it.
                Exchange::Next(first) => drop(first),
                // Both `Empty`s (the one taken and the one replaced) own
                // nothing: forgetting them skips two calls to the
                // out-of-line drop glue, which is measurable here.
                empty => std::mem::forget(empty),
            }
            std::mem::forget(slot.replace(Exchange::Yielded(value)));
            Poll::Pending
        }
        (Some(_), _) => panic!(
            "a generator body yielded twice in one step (two `co.yield_()` futures \
             polled together, e.g. by `join!`): yields must be awaited one at a time"
        ),
        (None, Exchange::Next(r)) => Poll::Ready(Ok(r)),
        (None, Exchange::Throw(e)) => Poll::Ready(Err(Abrupt::Throw(e))),
        (None, Exchange::Return(v)) => Poll::Ready(Err(Abrupt::Return(v))),
        (None, other) => {
            slot.set(other);
            Poll::Pending
        }
    }
}

/// [`exchange`] for a slot copied as a block: read through a reference,
/// its tag and then the one payload the tag names, never copied whole.
/// The driver writes it a field at a time, and a whole copy read it back
/// in moves of another shape, which the processor cannot forward from
/// those stores: it waits for them to reach the cache, once or twice a
/// step (a saga's call effect 76 -> 57 ns, with the driver's side).
#[inline(always)]
fn exchange_in_place<Y, R, T, E>(
    value: Option<Y>,
    slot: &Cell<Exchange<Y, R, E, T>>,
) -> Poll<Result<R, Abrupt<E, T>>> {
    let at = slot.as_ptr();
    // SAFETY (each block below): `at` points at the live value in the
    // cell, which is `!Sync` and lends no reference to its content, so
    // nothing else reads or writes it while a block runs (none makes a
    // call). A payload moved out with `ptr::read` is overwritten with
    // `Empty` before the block ends, without being dropped: it is owned
    // once, by what it is returned in.
    let Some(value) = value else {
        let taken = unsafe {
            match &*at {
                Exchange::Next(r) => Ok(std::ptr::read(r)),
                Exchange::Throw(e) => Err(Abrupt::Throw(std::ptr::read(e))),
                Exchange::Return(t) => Err(Abrupt::Return(std::ptr::read(t))),
                // Nothing sent in yet (a waker forwarded a wake-up).
                Exchange::Empty | Exchange::Yielded(_) => return Poll::Pending,
            }
        };
        unsafe { at.write(Exchange::Empty) };
        return Poll::Ready(taken);
    };
    match unsafe { &*at } {
        Exchange::Empty => {}
        // The body's first yield: the first `next`'s value has no `yield`
        // to go to, and is dropped, as JavaScript drops it.
        Exchange::Next(_) => drop(slot.replace(Exchange::Empty)),
        _ => panic!(
            "a generator body yielded twice in one step (two `co.yield_()` futures \
             polled together, e.g. by `join!`): yields must be awaited one at a time"
        ),
    }
    // SAFETY: as above; the slot holds `Empty`, which owns nothing.
    unsafe { at.write(Exchange::Yielded(value)) };
    Poll::Pending
}

impl<Y, R, E, T> Exchange<Y, R, E, T> {
    /// The value a body yielded into `slot`, if it holds one, taken out
    /// (the slot left `Empty`) by reading the tag and then that payload,
    /// as [`exchange`] reads what comes in.
    #[inline(always)]
    pub(crate) fn take_yielded(slot: &Cell<Self>) -> Option<Y> {
        let at = slot.as_ptr();
        // SAFETY: as in `exchange`: no reference into the cell is lent
        // and no call is made; the value read out is owned by the
        // returned `Option` alone once `Empty` is written over it.
        unsafe {
            let Exchange::Yielded(value) = &*at else {
                return None;
            };
            let value = std::ptr::read(value);
            at.write(Exchange::Empty);
            Some(value)
        }
    }
}
