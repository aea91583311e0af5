//! The generator protocol as data: what goes in, what comes out, and the
//! trait every generator (built with [`Gen`](super::Gen) or written by hand)
//! implements.

use std::fmt;
use std::ops::ControlFlow;

/// What one call to `next`, `throw` or `return` hands back: JavaScript's
/// `{ value, done }` as an enum.
///
/// | JavaScript                        | baton              |
/// |-----------------------------------|--------------------|
/// | `{ value: y, done: false }`       | `Step::Yielded(y)` |
/// | `{ value: t, done: true }`        | `Step::Returned(t)`|
/// | `{ value: undefined, done: true }`| `Step::Done`       |
///
/// The return value is delivered once; later calls see `Done`.
/// `Display` prints the JavaScript shape:
///
/// ```
/// use baton::Step;
/// assert_eq!(Step::<i32, i32>::Yielded(1).to_string(), "{ value: 1, done: false }");
/// assert_eq!(Step::<i32, i32>::Returned(4).to_string(), "{ value: 4, done: true }");
/// assert_eq!(Step::<i32, i32>::Done.to_string(), "{ value: undefined, done: true }");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step<Y, T> {
    /// The generator paused at a `yield` with this value.
    Yielded(Y),
    /// The generator completed with this return value.
    Returned(T),
    /// The generator had already completed (and its value was taken).
    Done,
}

impl<Y, T> Step<Y, T> {
    /// JavaScript's `done`.
    ///
    /// ```
    /// use baton::Step;
    ///
    /// assert!(!Step::<u8, u8>::Yielded(1).is_done());
    /// assert!(Step::<u8, u8>::Returned(2).is_done());
    /// assert!(Step::<u8, u8>::Done.is_done());
    /// ```
    pub fn is_done(&self) -> bool {
        !matches!(self, Step::Yielded(_))
    }

    /// The yielded value, if any.
    ///
    /// ```
    /// use baton::Step;
    ///
    /// assert_eq!(Step::<u8, u8>::Yielded(1).yielded(), Some(1));
    /// assert_eq!(Step::<u8, u8>::Returned(2).yielded(), None);
    /// ```
    pub fn yielded(self) -> Option<Y> {
        match self {
            Step::Yielded(y) => Some(y),
            _ => None,
        }
    }

    /// The return value, if this step completed the generator.
    ///
    /// ```
    /// use baton::Step;
    ///
    /// assert_eq!(Step::<u8, u8>::Returned(2).returned(), Some(2));
    /// assert_eq!(Step::<u8, u8>::Done.returned(), None);
    /// ```
    pub fn returned(self) -> Option<T> {
        match self {
            Step::Returned(t) => Some(t),
            _ => None,
        }
    }
}

impl<Y: fmt::Display, T: fmt::Display> fmt::Display for Step<Y, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Yielded(y) => write!(f, "{{ value: {y}, done: false }}"),
            Step::Returned(t) => write!(f, "{{ value: {t}, done: true }}"),
            Step::Done => f.write_str("{ value: undefined, done: true }"),
        }
    }
}

/// How a suspended generator is resumed: `next(v)`, `throw(e)` or
/// `return(v)`.
///
/// ```
/// use baton::{Co, Gen, Generator, Resume, Step};
///
/// let mut g = Gen::new(|co: Co<u8, u8, u8, &str>| async move {
///     let v = co.yield_(0).await?;
///     Ok(v)
/// });
/// assert_eq!(g.resume(Resume::Next(9)), Ok(Step::Yielded(0))); // starts; 9 discarded
/// assert_eq!(g.resume(Resume::Return(3)), Ok(Step::Returned(3)));
/// assert_eq!(g.resume(Resume::Throw("late")), Err("late")); // done: comes back
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resume<R, E, T> {
    /// `next(v)`: the paused `yield` evaluates to `v`.
    Next(R),
    /// `throw(e)`: the paused `yield` throws `e`.
    Throw(E),
    /// `return(v)`: the paused `yield` acts like `return v`, running cleanup.
    Return(T),
}

impl<R, E, T> Resume<R, E, T> {
    /// How a driver resumes after what it waited on settled with
    /// `outcome`: a value goes in with `next`, an error with `throw`
    /// (seed 002's `step()`).
    pub(crate) fn settled(outcome: Result<R, E>) -> Self {
        match outcome {
            Ok(value) => Resume::Next(value),
            Err(error) => Resume::Throw(error),
        }
    }
}

/// An abrupt completion arriving at a `yield`: the error of a `throw(e)`, or
/// the value of a `return(v)`.
///
/// `co.yield_(v).await` evaluates to `Result<R, Abrupt<E, T>>`, so `?` gives
/// JavaScript's default: the throw or return propagates out of the body.
/// Matching on it is JavaScript's `try`/`catch`/`finally`: handle a `Throw`
/// and carry on, or run cleanup (which may yield again) before returning the
/// `Abrupt` to finish the `return(v)`.
///
/// `From<E>` lets `?` lift the body's own errors into `Throw`.
///
/// ```
/// use baton::{Abrupt, Co, Gen, Step};
///
/// let mut g = Gen::new(|co: Co<&str, (), u8, &str>| async move {
///     loop {
///         match co.yield_("ready").await {
///             Ok(()) => {}
///             Err(Abrupt::Throw(e)) if e == "hiccup" => continue, // catch and go on
///             Err(abrupt) => return Err(abrupt), // rethrow, or finish a return(v)
///         }
///     }
/// });
/// assert_eq!(g.next(()), Ok(Step::Yielded("ready")));
/// assert_eq!(g.throw("hiccup"), Ok(Step::Yielded("ready")));
/// assert_eq!(g.throw("fatal"), Err("fatal"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Abrupt<E, T> {
    /// The error of `throw(e)`, or one raised by the body.
    Throw(E),
    /// The value of `return(v)`.
    Return(T),
}

impl<E, T> From<E> for Abrupt<E, T> {
    fn from(error: E) -> Self {
        Abrupt::Throw(error)
    }
}

/// What a generator body evaluates to: its return value, or the abrupt
/// completion that ended it.
///
/// ```
/// use baton::{Co, Gen, Outcome};
///
/// async fn body(co: Co<u8, (), &'static str>) -> Outcome<&'static str> {
///     co.yield_(1).await?;
///     Ok("done")
/// }
/// let g = Gen::new(body);
/// assert_eq!(g.collect::<Vec<_>>(), [1]);
/// ```
pub type Outcome<T, E = std::convert::Infallible> = Result<T, Abrupt<E, T>>;

/// What every resume of a generator produces: a step, or the error the
/// generator threw.
///
/// ```
/// use baton::{Co, Gen, Step, StepResult};
///
/// let mut g = Gen::new(|co: Co<u8, (), (), &str>| async move {
///     co.yield_(1).await?;
///     Err("oops")?;
///     Ok(())
/// });
/// let first: StepResult<u8, (), &str> = g.next(());
/// assert_eq!(first, Ok(Step::Yielded(1)));
/// assert_eq!(g.next(()), Err("oops"));
/// ```
pub type StepResult<Y, T, E> = Result<Step<Y, T>, E>;

/// JavaScript's generator interface: `next`, `throw` and `return`.
///
/// [`Gen`](super::Gen) implements it for generator bodies; implement it by
/// hand for an explicit state machine, which then works anywhere a
/// generator does (for example as the target of
/// [`Co::yield_from`](super::Co::yield_from)).
///
/// ```
/// use baton::{Generator, Resume, Step, StepResult};
/// use std::convert::Infallible;
///
/// /// `makeCounter()` from the codelab, as a generator that never ends.
/// struct Counter(u32);
///
/// impl Generator for Counter {
///     type Input = ();
///     type Yield = u32;
///     type Return = ();
///     type Error = Infallible;
///     fn resume(&mut self, how: Resume<(), Infallible, ()>) -> StepResult<u32, (), Infallible> {
///         match how {
///             Resume::Next(()) => {
///                 self.0 += 1;
///                 Ok(Step::Yielded(self.0))
///             }
///             Resume::Return(()) => Ok(Step::Returned(())),
///             Resume::Throw(never) => match never {},
///         }
///     }
/// }
///
/// let mut c = Counter(0);
/// assert_eq!(c.next(()), Ok(Step::Yielded(1)));
/// assert_eq!(c.next(()), Ok(Step::Yielded(2)));
/// ```
pub trait Generator {
    /// The type `next(v)` sends in.
    type Input;
    /// The type of yielded values.
    type Yield;
    /// The completion value.
    type Return;
    /// What `throw(e)` sends in and what a failing generator throws out.
    type Error;

    /// Resumes the generator in one of the three ways.
    ///
    /// # Errors
    ///
    /// `Err(e)` when the generator throws `e` out: an error it does not catch,
    /// or a `throw(e)` it was not suspended to receive.
    ///
    /// ```
    /// use baton::{Co, Gen, Generator, Resume, Step};
    ///
    /// // Any generator, driven through the trait.
    /// fn drive<G: Generator<Input = u8, Yield = u8, Return = u8, Error = ()>>(g: &mut G) -> Vec<Step<u8, u8>> {
    ///     [Resume::Next(0), Resume::Next(5), Resume::Return(9)]
    ///         .into_iter()
    ///         .filter_map(|how| g.resume(how).ok())
    ///         .collect()
    /// }
    /// let mut g = Gen::new(|co: Co<u8, u8, u8, ()>| async move {
    ///     loop {
    ///         let v = co.yield_(1).await?;
    ///         co.yield_(v * 2).await?;
    ///     }
    /// });
    /// assert_eq!(drive(&mut g), [Step::Yielded(1), Step::Yielded(10), Step::Returned(9)]);
    /// ```
    fn resume(
        &mut self,
        how: Resume<Self::Input, Self::Error, Self::Return>,
    ) -> StepResult<Self::Yield, Self::Return, Self::Error>;

    /// `next(v)`.
    ///
    /// # Errors
    ///
    /// As [`resume`](Self::resume).
    ///
    /// ```
    /// use baton::{Generator, Resume, Step, StepResult};
    ///
    /// struct Doubler;
    /// impl Generator for Doubler {
    ///     type Input = u32;
    ///     type Yield = u32;
    ///     type Return = ();
    ///     type Error = ();
    ///     fn resume(&mut self, how: Resume<u32, (), ()>) -> StepResult<u32, (), ()> {
    ///         match how {
    ///             Resume::Next(v) => Ok(Step::Yielded(v * 2)),
    ///             Resume::Return(()) => Ok(Step::Returned(())),
    ///             Resume::Throw(e) => Err(e),
    ///         }
    ///     }
    /// }
    /// assert_eq!(Doubler.next(21), Ok(Step::Yielded(42)));
    /// ```
    // Always: a forwarder, and left to the inliner's judgement it kept a
    // generator's whole resume out of line in the caller's loop.
    #[inline(always)]
    fn next(&mut self, value: Self::Input) -> StepResult<Self::Yield, Self::Return, Self::Error> {
        self.resume(Resume::Next(value))
    }

    /// `throw(e)`.
    ///
    /// # Errors
    ///
    /// As [`resume`](Self::resume): `Err(error)` unless the body catches it.
    ///
    /// ```
    /// use baton::{Co, Gen, Generator};
    ///
    /// let mut g = Gen::new(|co: Co<u8, (), (), &str>| async move {
    ///     co.yield_(1).await?;
    ///     Ok(())
    /// });
    /// let _ = Generator::next(&mut g, ());
    /// assert_eq!(Generator::throw(&mut g, "stop"), Err("stop"));
    /// ```
    #[inline]
    fn throw(&mut self, error: Self::Error) -> StepResult<Self::Yield, Self::Return, Self::Error> {
        self.resume(Resume::Throw(error))
    }

    /// `return(v)`.
    ///
    /// # Errors
    ///
    /// As [`resume`](Self::resume): `Err(e)` if the cleanup throws `e`.
    ///
    /// ```
    /// use baton::{Co, Gen, Generator, Step};
    ///
    /// let mut g = Gen::new(|co: Co<u8, (), u8>| async move {
    ///     co.yield_(1).await?;
    ///     Ok(0)
    /// });
    /// let _ = Generator::next(&mut g, ());
    /// assert_eq!(Generator::r#return(&mut g, 5), Ok(Step::Returned(5)));
    /// ```
    #[inline]
    fn r#return(
        &mut self,
        value: Self::Return,
    ) -> StepResult<Self::Yield, Self::Return, Self::Error> {
        self.resume(Resume::Return(value))
    }
}

impl<G: Generator + ?Sized> Generator for &mut G {
    type Input = G::Input;
    type Yield = G::Yield;
    type Return = G::Return;
    type Error = G::Error;
    #[inline(always)]
    fn resume(
        &mut self,
        how: Resume<Self::Input, Self::Error, Self::Return>,
    ) -> StepResult<Self::Yield, Self::Return, Self::Error> {
        (**self).resume(how)
    }
}

impl<G: Generator + ?Sized> Generator for Box<G> {
    type Input = G::Input;
    type Yield = G::Yield;
    type Return = G::Return;
    type Error = G::Error;
    #[inline(always)]
    fn resume(
        &mut self,
        how: Resume<Self::Input, Self::Error, Self::Return>,
    ) -> StepResult<Self::Yield, Self::Return, Self::Error> {
        (**self).resume(how)
    }
}

/// `for (const x of source) { … }` with JavaScript's early-exit guarantee:
/// leaving the loop early (the body returns `ControlFlow::Break`) calls
/// the source's `return()`, so its cleanup runs, where dropping it (as a
/// `for` loop over an [`Iterator`] does) would run only destructors.
/// Returns `Some(b)` if the body broke out with `b`, `None` if the source
/// was exhausted. As in JavaScript, each `next` sends the default input
/// (`undefined`), `return()` the default value, and what `return()` gives
/// back is ignored (a cleanup that yields leaves the source suspended).
/// Pass `&mut source` to use the generator after the loop.
///
/// # Errors
///
/// The source's error, which ends the loop; or, when the loop leaves
/// early, the error its cleanup throws.
///
/// ```
/// use baton::generator::for_of;
/// use baton::{Co, Gen};
/// use std::{cell::RefCell, ops::ControlFlow, rc::Rc};
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// let numbers = Gen::new(move |co: Co<u32>| async move {
///     let outcome = async {
///         for i in 1.. {
///             co.yield_(i).await?;
///         }
///         Ok(())
///     }
///     .await;
///     l.borrow_mut().push("finally".to_string()); // JavaScript's `finally`
///     outcome
/// });
/// let found = for_of(numbers, |n| if n * n > 10 { ControlFlow::Break(n) } else { ControlFlow::Continue(()) });
/// assert_eq!(found, Ok(Some(4)));
/// assert_eq!(*log.borrow(), ["finally"]); // break ran the cleanup
/// ```
pub fn for_of<G, B>(
    mut source: G,
    mut body: impl FnMut(G::Yield) -> ControlFlow<B>,
) -> Result<Option<B>, G::Error>
where
    G: Generator,
    G::Input: Default,
    G::Return: Default,
{
    loop {
        match source.next(G::Input::default())? {
            Step::Yielded(item) => {
                if let ControlFlow::Break(out) = body(item) {
                    source.r#return(G::Return::default())?;
                    return Ok(Some(out));
                }
            }
            Step::Returned(_) | Step::Done => return Ok(None),
        }
    }
}
