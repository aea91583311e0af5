//! [`Gen`]: a generator whose body is ordinary Rust (an `async` block) that
//! pauses at `co.yield_(v).await`.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use super::airlock::{self};
use super::co::Co;
use super::drive::{self, DONE, FRESH};
use super::protocol::{Generator, Outcome, Resume, StepResult};

/// Names a generator's types without owning values of them, so auto traits
/// (`Send`, `Sync`, `Unpin`) follow what is really stored: the body.
pub(super) type Types<In, Out> = PhantomData<fn(In) -> Out>;

/// A generator with JavaScript's protocol: `next(v)`, `throw(e)` and
/// `return(v)`, with a body written as straight-line Rust.
///
/// Type parameters: `F` the body (inferred; see [`BoxGen`] and [`Body`] to
/// name it), `Y` yielded values, `R` values sent in by `next`, `T` the
/// return value, `E` the error `throw` sends in and a failing body throws
/// out.
///
/// # Writing a body
///
/// The body is a closure that receives a [`Co`] and returns an `async`
/// block. `co.yield_(v).await` pauses; it evaluates to `Ok(r)` for
/// `next(r)`, or to an [`Abrupt`](super::Abrupt) for `throw(e)` / `return(v)`, which `?`
/// propagates like JavaScript does. The closure runs when the generator is
/// created, the `async` block only when `next` is first called: put the
/// body's code inside the block.
///
/// ```
/// use baton::{Co, Gen, Step};
///
/// // function* counts(start) { yield start+1; yield start+2; return start+3 }
/// let mut counter = Gen::new(|co: Co<i32, (), i32>| async move {
///     co.yield_(1).await?;
///     co.yield_(2).await?;
///     Ok(3)
/// });
/// assert_eq!(counter.next(()), Ok(Step::Yielded(1)));
/// assert_eq!(counter.next(()), Ok(Step::Yielded(2)));
/// assert_eq!(counter.next(()), Ok(Step::Returned(3)));
/// assert_eq!(counter.next(()), Ok(Step::Done));
/// ```
///
/// # `throw` and `return`
///
/// Match on the yield's result to catch: a caught `throw` lets the body go
/// on (and yield again); cleanup for `return` may itself yield, which
/// pauses the generator inside its "finally", exactly as in JavaScript.
///
/// ```
/// use baton::{Abrupt, Co, Error, Gen, Step};
///
/// let mut g = Gen::new(|co: Co<&str, (), &str, Error>| async move {
///     match co.yield_("working").await {
///         Err(Abrupt::Throw(e)) => {
///             co.yield_("caught").await?;
///             Err(e.into())
///         }
///         Err(Abrupt::Return(v)) => {
///             co.yield_("cleaning up").await?; // a `finally` that yields
///             Err(Abrupt::Return(v))
///         }
///         Ok(()) => Ok("finished"),
///     }
/// });
/// assert_eq!(g.next(()).ok(), Some(Step::Yielded("working")));
/// assert_eq!(g.r#return("closed").ok(), Some(Step::Yielded("cleaning up")));
/// assert_eq!(g.next(()).ok(), Some(Step::Returned("closed")));
/// assert_eq!(g.next(()).ok(), Some(Step::Done));
/// ```
///
/// # Mapping to JavaScript
///
/// - **Re-entrancy.** JavaScript throws a `TypeError` when a generator's
///   body calls its own `next()`. Here `next` takes `&mut self`, so the
///   body cannot even hold the generator:
///
///   ```compile_fail,E0506
///   use baton::{BoxGen, Co, Gen};
///   let mut slot: Option<BoxGen<'_, i32>> = None;
///   let itself = &mut slot;
///   let g = Gen::new(move |co: Co<i32>| async move {
///       if let Some(g) = itself.as_mut() {
///           let _ = g.next(()); // the body resuming its own generator...
///       }
///       co.yield_(1).await?;
///       Ok(())
///   })
///   .boxed();
///   slot = Some(g); // ...needs `slot` borrowed while it receives it: rejected
///   ```
/// - **Dropping.** A generator that is dropped while suspended drops its
///   body: every local's destructor runs, but code after the yield (a
///   JavaScript `finally`) does not, as when JavaScript abandons a
///   generator. Call [`Gen::return`](Gen::return) to run that cleanup.
/// - **Errors are typed.** `E` is whatever the author picks; use
///   [`Error`](crate::Error) to throw any value, or `Infallible` (the
///   default) for generators nobody throws into.
///
/// # Panics
///
/// A synchronous generator cannot wait: if its body awaits anything that
/// stays pending other than its own `co.yield_`, the resuming call panics
/// with a message saying so (never hangs), and the generator is done. A
/// panic in the body propagates out of the resuming call and leaves the
/// generator done.
///
/// # Cost
///
/// One allocation per generator (the boxed body), none per resume; the
/// yielded value is handed over through the driver's stack. A generator
/// made, run and dropped within one function usually allocates nothing:
/// the optimiser sees that its body never escapes.
///
/// A resume is cheapest when the body's poll is inlined into the loop that
/// resumes it, which the optimiser does when the generator function is
/// resumed from one place (one `for` loop, one `next` call site), or when
/// its body is small. Resumed from several places, a larger body is called
/// instead, about three times the cost of an inlined resume; behind
/// [`BoxGen`] it is always an indirect call. A loop that makes and drives
/// its generator in one function goes faster still, with nothing
/// allocated, on a [`PinnedGen`](super::PinnedGen).
pub struct Gen<F: ?Sized, Y, R = (), T = (), E = Infallible> {
    /// The owner id its yields check, and its state in the same word
    /// ([`FRESH`], [`DONE`]): a generator is two words, not three, and a
    /// resume reads one word to know where it stands.
    owner: u64,
    types: Types<R, (Y, T, E)>,
    body: Option<Pin<Box<F>>>,
}

/// A generator with its body boxed behind `dyn Future`, so its type can be
/// named (in struct fields, collections, or trait objects).
///
/// ```
/// use baton::{BoxGen, Co, Gen};
///
/// fn countdown(from: u32) -> BoxGen<'static, u32> {
///     Gen::new(move |co: Co<u32>| async move {
///         for i in (1..=from).rev() {
///             co.yield_(i).await?;
///         }
///         Ok(())
///     })
///     .boxed()
/// }
/// assert_eq!(countdown(3).collect::<Vec<_>>(), [3, 2, 1]);
/// ```
pub type BoxGen<'a, Y, R = (), T = (), E = Infallible> =
    Gen<dyn Future<Output = Outcome<T, E>> + 'a, Y, R, T, E>;

/// The body of a generator returning `T` and throwing `E`: name it as
/// `impl Body<T, E>` in a function's return type.
///
/// ```
/// use baton::{Body, Co, Gen};
///
/// fn evens(limit: u32) -> Gen<impl Body<u32>, u32, (), u32> {
///     Gen::new(move |co: Co<u32, (), u32>| async move {
///         let mut n = 0;
///         while n < limit {
///             co.yield_(n).await?;
///             n += 2;
///         }
///         Ok(n)
///     })
/// }
/// assert_eq!(evens(5).collect::<Vec<_>>(), [0, 2, 4]);
/// ```
pub trait Body<T, E = Infallible>: Future<Output = Outcome<T, E>> {}

impl<T, E, F: Future<Output = Outcome<T, E>> + ?Sized> Body<T, E> for F {}

impl<F, Y, R, T, E> Gen<F, Y, R, T, E>
where
    F: Future<Output = Outcome<T, E>>,
{
    /// Creates a generator; its body does not run until the first `next`.
    ///
    /// ```
    /// use baton::{Co, Gen, Step};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// let l = log.clone();
    /// let mut g = Gen::new(move |co: Co<&str, (), &str>| async move {
    ///     l.borrow_mut().push("body started");
    ///     co.yield_("first").await?;
    ///     Ok("finished")
    /// });
    /// assert!(log.borrow().is_empty()); // nothing runs before the first `next`
    /// assert_eq!(g.next(()), Ok(Step::Yielded("first")));
    /// assert_eq!(*log.borrow(), ["body started"]);
    /// assert_eq!(g.next(()), Ok(Step::Returned("finished")));
    /// ```
    pub fn new(body: impl FnOnce(Co<Y, R, T, E>) -> F) -> Self {
        let owner = airlock::fresh_owner_id();
        Gen {
            owner: owner | FRESH,
            types: PhantomData,
            body: Some(Box::pin(body(Co::new(owner)))),
        }
    }

    /// Erases the body's type (see [`BoxGen`]).
    ///
    /// ```
    /// use baton::{BoxGen, Co, Gen};
    ///
    /// // Two bodies of different types behind one name.
    /// let evens = Gen::new(|co: Co<u32>| async move {
    ///     for i in [0, 2] {
    ///         co.yield_(i).await?;
    ///     }
    ///     Ok(())
    /// });
    /// let odds = Gen::new(|co: Co<u32>| async move {
    ///     co.yield_(1).await?;
    ///     Ok(())
    /// });
    /// let all: Vec<BoxGen<'_, u32>> = vec![evens.boxed(), odds.boxed()];
    /// let values: Vec<u32> = all.into_iter().flatten().collect();
    /// assert_eq!(values, [0, 2, 1]);
    /// ```
    pub fn boxed<'a>(self) -> BoxGen<'a, Y, R, T, E>
    where
        F: 'a,
    {
        let body = self
            .body
            .map(|b| -> Pin<Box<dyn Future<Output = Outcome<T, E>> + 'a>> { b });
        Gen {
            owner: self.owner,
            types: PhantomData,
            body,
        }
    }
}

impl<F, Y, R, T, E> Gen<F, Y, R, T, E>
where
    F: Future<Output = Outcome<T, E>> + ?Sized,
{
    /// `next(v)`: resumes the paused `yield` with `v`. The first call
    /// starts the body and discards `v`, as JavaScript does.
    ///
    /// # Errors
    ///
    /// `Err(e)` when the body throws `e` and does not catch it; the generator
    /// is then done.
    ///
    /// # Panics
    ///
    /// As [`resume`](Self::resume).
    ///
    /// ```
    /// use baton::{Co, Gen, Step};
    ///
    /// // function* echo() { while (true) { const v = yield; console.log(v) } }
    /// let mut echo = Gen::new(|co: Co<Option<&str>, &str>| async move {
    ///     let mut heard = None;
    ///     loop {
    ///         heard = Some(co.yield_(heard).await?);
    ///     }
    /// });
    /// assert_eq!(echo.next("dropped"), Ok(Step::Yielded(None))); // first value discarded
    /// assert_eq!(echo.next("hello"), Ok(Step::Yielded(Some("hello"))));
    /// assert_eq!(echo.next("world"), Ok(Step::Yielded(Some("world"))));
    /// ```
    #[inline]
    pub fn next(&mut self, value: R) -> StepResult<Y, T, E> {
        self.resume(Resume::Next(value))
    }

    /// `throw(e)`: the paused `yield` fails with `e`. Before the body has
    /// started, the generator completes without running it; after it has
    /// completed, `e` simply comes back.
    ///
    /// # Errors
    ///
    /// `Err(e)` when the body does not catch `e` (the generator is then done),
    /// and at once when the generator has not started or has completed, as in
    /// JavaScript.
    ///
    /// # Panics
    ///
    /// As [`resume`](Self::resume).
    ///
    /// ```
    /// use baton::{Abrupt, Co, Gen, Step};
    ///
    /// let mut g = Gen::new(|co: Co<&str, (), (), String>| async move {
    ///     match co.yield_("waiting").await {
    ///         Err(Abrupt::Throw(e)) => co.yield_(if e == "retry" { "caught" } else { "?" }).await?,
    ///         other => other?,
    ///     }
    ///     Ok(())
    /// });
    /// assert_eq!(g.next(()), Ok(Step::Yielded("waiting")));
    /// assert_eq!(g.throw("retry".into()), Ok(Step::Yielded("caught"))); // handled, yields again
    /// assert_eq!(g.throw("fatal".into()), Err("fatal".to_string())); // unhandled: comes out
    /// assert!(g.is_done());
    ///
    /// // Before the body starts, `throw` completes it without running it.
    /// let mut fresh = Gen::new(|co: Co<&str, (), (), String>| async move {
    ///     co.yield_("never").await?;
    ///     Ok(())
    /// });
    /// assert_eq!(fresh.throw("early".into()), Err("early".to_string()));
    /// assert_eq!(fresh.next(()), Ok(Step::Done));
    /// ```
    #[inline]
    pub fn throw(&mut self, error: E) -> StepResult<Y, T, E> {
        self.resume(Resume::Throw(error))
    }

    /// `return(v)`: the paused `yield` acts like `return v`; the body's
    /// cleanup runs and may yield (the generator then stays suspended) or
    /// return another value.
    ///
    /// # Errors
    ///
    /// `Err(e)` when the cleanup the forced completion runs throws `e`.
    ///
    /// # Panics
    ///
    /// As [`resume`](Self::resume).
    ///
    /// ```
    /// use baton::{Abrupt, Co, Gen, Step};
    ///
    /// let mut g = Gen::new(|co: Co<&str, (), i32>| async move {
    ///     let paused = co.yield_("working").await;
    ///     if let Err(Abrupt::Return(_)) = paused {
    ///         // Cleanup (JavaScript's `finally`) may yield...
    ///         co.yield_("cleaning up").await?;
    ///     }
    ///     paused?;
    ///     Ok(0)
    /// });
    /// assert_eq!(g.next(()), Ok(Step::Yielded("working")));
    /// assert_eq!(g.r#return(7), Ok(Step::Yielded("cleaning up"))); // still suspended
    /// assert_eq!(g.next(()), Ok(Step::Returned(7))); // ...then completes with 7
    /// assert_eq!(g.next(()), Ok(Step::Done));
    /// ```
    #[inline]
    pub fn r#return(&mut self, value: T) -> StepResult<Y, T, E> {
        self.resume(Resume::Return(value))
    }

    /// Resumes in any of the three ways.
    ///
    /// # Errors
    ///
    /// `Err(e)` when the body ends by throwing `e`: an uncaught error of its
    /// own, or a `throw(e)` it did not catch (a not-yet-started or completed
    /// generator hands a thrown `e` straight back).
    ///
    /// # Panics
    ///
    /// When the body awaits a future that is not its own `co.yield_()` and that
    /// future is still pending: a synchronous generator cannot wait (the
    /// message says what to yield instead under `run()` and in a saga, and to
    /// use an async generator to await in the body). The generator is done
    /// afterwards.
    ///
    /// ```
    /// use baton::{Co, Gen, Resume, Step};
    ///
    /// let mut g = Gen::new(|co: Co<u32, u32, u32>| async move {
    ///     let a = co.yield_(0).await?;
    ///     let b = co.yield_(a).await?;
    ///     Ok(a + b)
    /// });
    /// let script = [Resume::Next(0), Resume::Next(20), Resume::Next(22)];
    /// let steps: Vec<_> = script.into_iter().map(|how| g.resume(how)).collect();
    /// assert_eq!(steps, [Ok(Step::Yielded(0)), Ok(Step::Yielded(20)), Ok(Step::Returned(42))]);
    /// ```
    // Always inlined: the body's poll then inlines into the caller's loop.
    #[inline(always)]
    pub fn resume(&mut self, how: Resume<R, E, T>) -> StepResult<Y, T, E> {
        // Read after the fresh bit is cleared: the owner word is the id.
        drive::resume(self.owner & !FRESH, &mut self.owner, &mut self.body, how)
    }

    /// Whether the generator has completed.
    ///
    /// ```
    /// use baton::{Co, Gen};
    ///
    /// let mut g = Gen::new(|co: Co<u8>| async move {
    ///     co.yield_(1).await?;
    ///     Ok(())
    /// });
    /// assert!(!g.is_done());
    /// let _ = g.next(());
    /// assert!(!g.is_done());
    /// let _ = g.next(());
    /// assert!(g.is_done());
    /// ```
    pub fn is_done(&self) -> bool {
        self.owner == DONE
    }
}

impl<F, Y, T, E> Gen<F, Y, (), T, E>
where
    F: Future<Output = Outcome<T, E>> + ?Sized,
{
    /// An iterator over the yielded values that stops after the first
    /// error (for generators that take no resume value but may throw).
    ///
    /// ```
    /// use baton::{Co, Error, Gen};
    ///
    /// let mut g = Gen::new(|co: Co<u8, (), (), Error>| async move {
    ///     co.yield_(1).await?;
    ///     Err(Error::msg("broken").into())
    /// });
    /// let seen: Vec<_> = g.try_iter().map(|r| r.map_err(|e| e.to_string())).collect();
    /// assert_eq!(seen, [Ok(1), Err("broken".to_string())]);
    /// ```
    pub fn try_iter(&mut self) -> TryIter<'_, F, Y, T, E> {
        TryIter { generator: self }
    }
}

impl<F, Y, R, T, E> Generator for Gen<F, Y, R, T, E>
where
    F: Future<Output = Outcome<T, E>> + ?Sized,
{
    type Input = R;
    type Yield = Y;
    type Return = T;
    type Error = E;
    #[inline(always)]
    fn resume(&mut self, how: Resume<R, E, T>) -> StepResult<Y, T, E> {
        Gen::resume(self, how)
    }
}

/// A generator that takes no resume value and cannot throw is an
/// `Iterator` over its yields (the return value is dropped, as `for…of`
/// drops it). A `for` loop that breaks early drops the generator, which
/// runs destructors but not the body's cleanup; [`for_of`](super::for_of)
/// calls `return()` there, as JavaScript's `for…of` does.
impl<F, Y, T> Iterator for Gen<F, Y, (), T, Infallible>
where
    F: Future<Output = Outcome<T, Infallible>> + ?Sized,
{
    type Item = Y;
    fn next(&mut self) -> Option<Y> {
        match Gen::next(self, ()) {
            Ok(step) => step.yielded(),
            Err(never) => match never {},
        }
    }
}

impl<F, Y, T> std::iter::FusedIterator for Gen<F, Y, (), T, Infallible> where
    F: Future<Output = Outcome<T, Infallible>> + ?Sized
{
}

impl<F: ?Sized, Y, R, T, E> fmt::Debug for Gen<F, Y, R, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gen")
            .field("state", &drive::state(self.owner))
            .finish_non_exhaustive()
    }
}

/// Iterator of `Result<Y, E>` over a fallible generator: see
/// [`Gen::try_iter`].
///
/// ```
/// use baton::{Co, Gen};
///
/// let mut g = Gen::new(|co: Co<u8, (), (), &str>| async move {
///     co.yield_(1).await?;
///     co.yield_(2).await?;
///     Err("broken pipe")?;
///     Ok(())
/// });
/// let items: Vec<Result<u8, &str>> = g.try_iter().collect();
/// assert_eq!(items, [Ok(1), Ok(2), Err("broken pipe")]);
/// ```
#[derive(Debug)]
pub struct TryIter<'g, F: ?Sized, Y, T, E> {
    generator: &'g mut Gen<F, Y, (), T, E>,
}

impl<F, Y, T, E> Iterator for TryIter<'_, F, Y, T, E>
where
    F: Future<Output = Outcome<T, E>> + ?Sized,
{
    type Item = Result<Y, E>;
    fn next(&mut self) -> Option<Result<Y, E>> {
        match self.generator.next(()) {
            Ok(step) => step.yielded().map(Ok),
            Err(error) => Some(Err(error)),
        }
    }
}

/// An error ends the generator, so after it (and after its end) the
/// iterator gives `None` for good.
impl<F, Y, T, E> std::iter::FusedIterator for TryIter<'_, F, Y, T, E> where
    F: Future<Output = Outcome<T, E>> + ?Sized
{
}
