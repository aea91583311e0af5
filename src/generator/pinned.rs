//! [`PinnedGen`]: a generator whose body is stored in place, not boxed.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use pin_project_lite::pin_project;

use super::airlock;
use super::co::Co;
use super::coroutine::Types;
use super::drive::{self, DONE, FRESH};
use super::protocol::{Generator, Outcome, Resume, StepResult};

pin_project! {
    /// A generator whose body lives inside it rather than in a box: it
    /// allocates nothing, and must be pinned (with [`std::pin::pin!`], or
    /// `Box::pin`) before it is resumed.
    ///
    /// The protocol is [`Gen`](super::Gen)'s, word for word; only where the
    /// body's state lives differs. In a `Gen` it is on the heap, so a resume
    /// loop reads and writes the body's locals in memory at every step.
    /// Pinned on the stack of the function that resumes it, it is that
    /// function's own data: the optimiser can keep the body's locals in
    /// registers and turn the resume loop into the loop a hand-written state
    /// machine gives (BENCHMARKS.md, the generator rows).
    ///
    /// The price is the pin: a `PinnedGen` cannot move once it has been
    /// pinned, so one pinned on a stack cannot be returned from that function.
    /// Return the unpinned value (nothing runs before the first resume), or
    /// use `Gen`, which moves freely.
    ///
    /// ```
    /// use baton::{Co, PinnedGen, Step};
    /// use std::pin::pin;
    ///
    /// // function* counts() { yield 1; yield 2; return 3 }
    /// let mut counter = pin!(PinnedGen::new(|co: Co<i32, (), i32>| async move {
    ///     co.yield_(1).await?;
    ///     co.yield_(2).await?;
    ///     Ok(3)
    /// }));
    /// assert_eq!(counter.next(()), Ok(Step::Yielded(1)));
    /// assert_eq!(counter.next(()), Ok(Step::Yielded(2)));
    /// assert_eq!(counter.next(()), Ok(Step::Returned(3)));
    /// assert_eq!(counter.next(()), Ok(Step::Done));
    /// ```
    ///
    /// A pinned generator is a [`Generator`] (and, when it takes nothing and
    /// cannot throw, an `Iterator`) through `Pin<&mut PinnedGen>`:
    ///
    /// ```
    /// use baton::generator::for_of;
    /// use baton::{Co, PinnedGen};
    /// use std::ops::ControlFlow;
    /// use std::pin::pin;
    ///
    /// let squares = pin!(PinnedGen::new(|co: Co<u32>| async move {
    ///     for i in 1.. {
    ///         co.yield_(i * i).await?;
    ///     }
    ///     Ok(())
    /// }));
    /// let found = for_of(squares, |n| if n > 10 { ControlFlow::Break(n) } else { ControlFlow::Continue(()) });
    /// assert_eq!(found, Ok(Some(16)));
    /// ```
    pub struct PinnedGen<F, Y, R = (), T = (), E = Infallible> {
        // The owner id its yields check, and that id with the state in one
        // word, as `Gen` has it. The id apart costs a word and saves a
        // resume loop comparing a changing word with its yields' ids: the
        // optimiser sees a field that never changes match itself.
        id: u64,
        owner: u64,
        types: Types<R, (Y, T, E)>,
        #[pin]
        body: Option<F>,
    }
}

impl<F, Y, R, T, E> PinnedGen<F, Y, R, T, E>
where
    F: Future<Output = Outcome<T, E>>,
{
    /// Creates a generator; nothing is allocated, and the body does not run
    /// until the first resume.
    ///
    /// ```
    /// use baton::{Co, PinnedGen};
    /// use std::pin::pin;
    ///
    /// // Made in one function, pinned and resumed in another.
    /// fn evens() -> PinnedGen<impl baton::Body<()>, u32> {
    ///     PinnedGen::new(|co: Co<u32>| async move {
    ///         for i in [0, 2, 4] {
    ///             co.yield_(i).await?;
    ///         }
    ///         Ok(())
    ///     })
    /// }
    /// let g = pin!(evens());
    /// assert_eq!(g.collect::<Vec<_>>(), [0, 2, 4]);
    /// ```
    pub fn new(body: impl FnOnce(Co<Y, R, T, E>) -> F) -> Self {
        let owner = airlock::fresh_owner_id();
        PinnedGen {
            id: owner,
            owner: owner | FRESH,
            types: PhantomData,
            body: Some(body(Co::new(owner))),
        }
    }

    /// Resumes in any of the three ways: as [`Gen::resume`](super::Gen::resume).
    ///
    /// # Errors
    ///
    /// `Err(e)` when the body ends by throwing `e`.
    ///
    /// # Panics
    ///
    /// When the body awaits a pending future that is not its own yield, as
    /// `Gen::resume` does.
    ///
    /// ```
    /// use baton::{Abrupt, Co, PinnedGen, Resume, Step};
    /// use std::pin::pin;
    ///
    /// let mut g = pin!(PinnedGen::new(|co: Co<&str, (), &str>| async move {
    ///     match co.yield_("working").await {
    ///         Err(Abrupt::Return(v)) => {
    ///             co.yield_("cleaning up").await?; // a `finally` that yields
    ///             Err(Abrupt::Return(v))
    ///         }
    ///         other => other.map(|()| "finished"),
    ///     }
    /// }));
    /// assert_eq!(g.resume(Resume::Next(())), Ok(Step::Yielded("working")));
    /// assert_eq!(g.resume(Resume::Return("closed")), Ok(Step::Yielded("cleaning up")));
    /// assert_eq!(g.resume(Resume::Next(())), Ok(Step::Returned("closed")));
    /// ```
    #[inline(always)]
    pub fn resume(self: &mut Pin<&mut Self>, how: Resume<R, E, T>) -> StepResult<Y, T, E> {
        let this = self.as_mut().project();
        drive::resume(*this.id, this.owner, &mut { this.body }, how)
    }

    /// `next(v)`: as [`Gen::next`](super::Gen::next).
    ///
    /// # Errors
    ///
    /// `Err(e)` when the body throws `e` and does not catch it.
    ///
    /// # Panics
    ///
    /// As [`resume`](Self::resume).
    ///
    /// ```
    /// use baton::{Co, PinnedGen, Step};
    /// use std::pin::pin;
    ///
    /// // function* adder() { let sum = 0; while (true) sum += yield sum }
    /// let mut add = pin!(PinnedGen::new(|co: Co<i32, i32>| async move {
    ///     let mut sum = 0;
    ///     loop {
    ///         sum += co.yield_(sum).await?;
    ///     }
    /// }));
    /// assert_eq!(add.next(99), Ok(Step::Yielded(0))); // first value discarded
    /// assert_eq!(add.next(5), Ok(Step::Yielded(5)));
    /// assert_eq!(add.next(10), Ok(Step::Yielded(15)));
    /// ```
    #[inline]
    pub fn next(self: &mut Pin<&mut Self>, value: R) -> StepResult<Y, T, E> {
        self.resume(Resume::Next(value))
    }

    /// `throw(e)`: as [`Gen::throw`](super::Gen::throw).
    ///
    /// # Errors
    ///
    /// `Err(e)` when the body does not catch `e`, and at once when the
    /// generator has not started or has completed.
    ///
    /// # Panics
    ///
    /// As [`resume`](Self::resume).
    ///
    /// ```
    /// use baton::{Abrupt, Co, PinnedGen, Step};
    /// use std::pin::pin;
    ///
    /// let mut g = pin!(PinnedGen::new(|co: Co<&str, (), (), String>| async move {
    ///     match co.yield_("waiting").await {
    ///         Err(Abrupt::Throw(e)) => co.yield_(if e == "retry" { "caught" } else { "?" }).await?,
    ///         other => other?,
    ///     }
    ///     Ok(())
    /// }));
    /// assert_eq!(g.next(()), Ok(Step::Yielded("waiting")));
    /// assert_eq!(g.throw("retry".into()), Ok(Step::Yielded("caught")));
    /// assert_eq!(g.throw("fatal".into()), Err("fatal".to_string()));
    /// assert!(g.is_done());
    /// ```
    #[inline]
    pub fn throw(self: &mut Pin<&mut Self>, error: E) -> StepResult<Y, T, E> {
        self.resume(Resume::Throw(error))
    }

    /// `return(v)`: as [`Gen::return`](super::Gen::return); the cleanup
    /// runs in place.
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
    /// use baton::{Co, PinnedGen, Step};
    /// use std::pin::pin;
    ///
    /// let mut g = pin!(PinnedGen::new(|co: Co<u8, (), u8>| async move {
    ///     co.yield_(1).await?;
    ///     Ok(0)
    /// }));
    /// assert_eq!(g.r#return(7), Ok(Step::Returned(7))); // not started: done at once
    /// assert_eq!(g.next(()), Ok(Step::Done));
    /// ```
    #[inline]
    pub fn r#return(self: &mut Pin<&mut Self>, value: T) -> StepResult<Y, T, E> {
        self.resume(Resume::Return(value))
    }
}

impl<F, Y, R, T, E> PinnedGen<F, Y, R, T, E> {
    /// Whether the generator has completed (its body is then dropped).
    ///
    /// ```
    /// use baton::{Co, PinnedGen};
    /// use std::pin::pin;
    ///
    /// let mut g = pin!(PinnedGen::new(|co: Co<u8>| async move {
    ///     co.yield_(1).await?;
    ///     Ok(())
    /// }));
    /// assert!(!g.is_done());
    /// let _ = g.next(());
    /// let _ = g.next(());
    /// assert!(g.is_done());
    /// ```
    pub fn is_done(&self) -> bool {
        self.owner == DONE
    }
}

impl<F, Y, T, E> PinnedGen<F, Y, (), T, E>
where
    F: Future<Output = Outcome<T, E>>,
{
    /// An iterator over the yielded values that stops after the first
    /// error, as [`Gen::try_iter`](super::Gen::try_iter).
    ///
    /// ```
    /// use baton::{Co, PinnedGen};
    /// use std::pin::pin;
    ///
    /// let mut g = pin!(PinnedGen::new(|co: Co<u8, (), (), &str>| async move {
    ///     co.yield_(1).await?;
    ///     Err("broken pipe")?;
    ///     Ok(())
    /// }));
    /// let items: Vec<Result<u8, &str>> = g.try_iter().collect();
    /// assert_eq!(items, [Ok(1), Err("broken pipe")]);
    /// ```
    pub fn try_iter(self: &mut Pin<&mut Self>) -> impl Iterator<Item = Result<Y, E>> {
        std::iter::from_fn(move || match self.resume(Resume::Next(())) {
            Ok(step) => step.yielded().map(Ok),
            Err(error) => Some(Err(error)),
        })
    }
}

impl<F, Y, R, T, E> Generator for Pin<&mut PinnedGen<F, Y, R, T, E>>
where
    F: Future<Output = Outcome<T, E>>,
{
    type Input = R;
    type Yield = Y;
    type Return = T;
    type Error = E;
    #[inline(always)]
    fn resume(&mut self, how: Resume<R, E, T>) -> StepResult<Y, T, E> {
        PinnedGen::resume(self, how)
    }
}

/// As for [`Gen`](super::Gen): a generator that takes nothing and cannot
/// throw is an iterator over its yields.
impl<F, Y, T> Iterator for Pin<&mut PinnedGen<F, Y, (), T, Infallible>>
where
    F: Future<Output = Outcome<T, Infallible>>,
{
    type Item = Y;
    fn next(&mut self) -> Option<Y> {
        match PinnedGen::resume(self, Resume::Next(())) {
            Ok(step) => step.yielded(),
            Err(never) => match never {},
        }
    }
}

impl<F, Y, T> std::iter::FusedIterator for Pin<&mut PinnedGen<F, Y, (), T, Infallible>> where
    F: Future<Output = Outcome<T, Infallible>>
{
}

impl<F, Y, R, T, E> fmt::Debug for PinnedGen<F, Y, R, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PinnedGen")
            .field("state", &drive::state(self.owner))
            .finish_non_exhaustive()
    }
}
