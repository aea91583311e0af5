//! The runner: `co` / `run` turns a generator that yields promises into a
//! promise — async/await rebuilt from generators, as seed 002 builds it.
//!
//! [`run`] is seed 002's `step()` loop: it calls `next()`; a yielded
//! [`Yieldable`] is turned into a promise and awaited with one reaction;
//! its value goes back in with `next(v)`, its rejection with `throw(e)`
//! (where the generator may catch it and carry on); an uncaught error
//! rejects the outer promise and the return value resolves it. The order of
//! these steps among other microtasks is Node's (see
//! `tests/oracle/runner/`).

mod yieldable;

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use crate::generator::{Generator, Resume, Step};
use crate::{Fault, FaultKind, Promise, Reason, Resolver};

pub use yieldable::{Done, FutureYield, Thunk, Yieldable, future, thunk};

/// Drives `generator` to completion on the event loop; returns the promise
/// of its return value.
///
/// The generator starts at once (like `co(fn)`), and runs synchronously up
/// to its first `yield`. JavaScript's first `next()` passes `undefined`;
/// baton passes `Input::default()`, which a [`Gen`](crate::Gen) discards.
/// A panic in the generator rejects the promise with a [`Fault`].
///
/// ```
/// use baton::{Co, Error, EventLoop, Gen, Promise, set_timeout};
/// use baton::runner::run;
/// use std::time::Duration;
///
/// fn wait(ms: u64, value: u32) -> Promise<u32> {
///     Promise::new(move |r| {
///         set_timeout(move || r.resolve(value), Duration::from_millis(ms));
///     })
/// }
///
/// // run(function* () { const a = yield wait(10, 2); const b = yield wait(10, 3); return a + b })
/// let p = EventLoop::virtual_clock().run(|| {
///     run(Gen::new(|co: Co<Promise<u32>, u32, u32, Error>| async move {
///         let a = co.yield_(wait(10, 2)).await?;
///         let b = co.yield_(wait(10, 3)).await?;
///         Ok(a + b)
///     }))
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(5));
/// ```
pub fn run<G>(generator: G) -> Promise<G::Return, G::Error>
where
    G: Generator + 'static,
    G::Yield: Yieldable<G::Input, G::Error>,
    G::Input: Default + Clone + 'static,
    G::Return: Clone + 'static,
    G::Error: Reason,
{
    let (promise, resolver) = Promise::with_resolver();
    let driver = Rc::new(Driver {
        generator: RefCell::new(generator),
        resolver,
    });
    driver.step(Resume::Next(G::Input::default()));
    promise
}

/// `co.wrap(fn*)`: turns a generator function into a function returning a
/// promise (what an `async function` is).
///
/// ```
/// use baton::{Co, Error, EventLoop, Gen, Promise};
/// use baton::runner::wrap;
///
/// let double = wrap(|n: u32| {
///     Gen::new(move |co: Co<Promise<u32>, u32, u32, Error>| async move {
///         let v = co.yield_(Promise::resolve(n)).await?;
///         Ok(v * 2)
///     })
/// });
/// let p = EventLoop::virtual_clock().run(move || double(21));
/// assert_eq!(p.peek().and_then(Result::ok), Some(42));
/// ```
pub fn wrap<A, G>(make: impl Fn(A) -> G + 'static) -> impl Fn(A) -> Promise<G::Return, G::Error>
where
    G: Generator + 'static,
    G::Yield: Yieldable<G::Input, G::Error>,
    G::Input: Default + Clone + 'static,
    G::Return: Clone + 'static,
    G::Error: Reason,
{
    move |args| run(make(args))
}

/// The state of one `run`: the generator and the outer promise's resolver.
///
/// Each step happens in a reaction to the yielded promise, so a step is
/// exactly one microtask after the promise settles. Cancellation (the saga
/// layer) will add an epoch here: bumping it makes the pending reaction a
/// no-op, and the driver then calls `return()` and keeps driving the
/// generator's cleanup before rejecting with the reason.
struct Driver<G: Generator> {
    generator: RefCell<G>,
    resolver: Resolver<G::Return, G::Error>,
}

impl<G> Driver<G>
where
    G: Generator + 'static,
    G::Yield: Yieldable<G::Input, G::Error>,
    G::Input: Clone + 'static,
    G::Return: Clone + 'static,
    G::Error: Reason,
{
    fn step(self: Rc<Self>, how: Resume<G::Input, G::Error, G::Return>) {
        let stepped = catch_unwind(AssertUnwindSafe(|| self.generator.borrow_mut().resume(how)));
        match stepped {
            Ok(Ok(Step::Yielded(next))) => {
                let promise = next.into_promise();
                promise.subscribe(move |outcome| match outcome {
                    Ok(value) => self.step(Resume::Next(value)),
                    Err(error) => self.step(Resume::Throw(error)),
                });
            }
            Ok(Ok(Step::Returned(value))) => self.resolver.resolve(value),
            Ok(Ok(Step::Done)) => self.resolver.reject(
                Fault::new(
                    FaultKind::Exhausted,
                    "run() was given a generator that had already completed",
                )
                .into(),
            ),
            Ok(Err(error)) => self.resolver.reject(error),
            Err(payload) => self.resolver.reject(Fault::from_panic(&*payload).into()),
        }
    }
}
