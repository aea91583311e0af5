//! Async generators: bodies that both `await` and `yield`, with
//! JavaScript's protocol — `next(v)`, `throw(e)` and `return(v)` each
//! return a promise of a [`Step`], and calls made without waiting are
//! queued and settle in request order.
//!
//! The body is written exactly like a synchronous generator's (a closure
//! taking a [`Co`] and returning an `async` block), and may also await
//! promises and any other future. The generator is its own task on the
//! thread's event loop: an awaited promise resumes it one microtask after
//! settling, as in JavaScript; `yield v` and `return v` await their operand
//! (one turn each), and so does the value of a `return(v)` request.
//!
//! `co.yield_promise(p)` is `yield p` for a promise: `p` is awaited and
//! its value handed out (a rejection is thrown in at the yield), one turn
//! after `p` settles. `co.yield_from_async(inner)` is `yield*`: `inner`'s
//! steps are awaited and its values handed out at once, as JavaScript's
//! async `yield*` does, with `throw` and `return` forwarded to any
//! [`AsyncGenerator`] (an `AsyncGen`, a pinned [`PinnedAsyncGen`], a
//! hand-written generator); `co.yield_from_iter(source)` is `yield*` over
//! any [`AsyncIterator`] (`yield* [p1, p2]` with [`promises`]).
//!
//! [`PinnedAsyncGen`] is the same generator pinned in place and driven by
//! its one consumer (requests through `Pin<&mut>`, answered by the
//! request's future): no queue, no promise, no task of its own, the same
//! turns, and a for-await item in half the time. Use it where one consumer
//! awaits each step (a for-await loop, a stage of a pipeline), as
//! [`PinnedGen`](crate::PinnedGen) beside [`Gen`](crate::Gen). An
//! `AsyncGen` handed to [`for_await`] (or to a helper stage) that nothing
//! else reaches is driven so by itself: its body is taken out of its
//! machine and goes on pinned in the loop's future.
//!
//! A Rust body ends with an explicit `Ok(v)`, which counts as `return v`
//! (awaited: one turn). JavaScript's body falling off its end, or a bare
//! `return;`, completes a turn sooner: end the body with [`fall_off()`]
//! for that (the helpers do, as the seed's `async function*` helpers fall
//! off theirs).
//!
//! Toward Rust's ecosystem: an async generator that takes no resume value
//! (either kind) is a `futures_core::Stream` of its yields and a
//! `FusedStream`, for `select!` and the stream combinators, and any
//! `Stream` or poll function becomes one ([`AsyncGen::from_stream`],
//! [`AsyncGen::from_poll_fn`]). Dropping a stream midway cannot run
//! cleanup that awaits: [`for_await`] closes the generator as
//! JavaScript's loop does.
//!
//! # JavaScript's iterator helpers
//!
//! [`AsyncIteratorExt`] has JavaScript's helpers (the async iterator
//! helpers proposal, and `Array.fromAsync`) under Rust's names where the
//! two differ. Each lazy one is an async generator pulling one item at a
//! time; each that stops early closes its source and waits for its
//! cleanup; a thousand random programs check them against Node
//! (`tests/random_helpers.rs`).
//!
//! | JavaScript                    | baton                                   |
//! |-------------------------------|-----------------------------------------|
//! | `map(f)`, `filter(f)`, `take(n)` | `map`, `filter`, `take`; `map_async` awaits a promise per item |
//! | `drop(n)`                     | `skip(n)`                               |
//! | `flatMap(f)`                  | `flat_map(f)` (`f` gives an [`AsyncIterator`]) |
//! | `forEach(f)`                  | `for_each(f)`                           |
//! | `reduce(f, init)` / `reduce(f)` | `fold(init, f)` / `reduce(f)` (`None` for no items, where JavaScript throws) |
//! | `find(f)`, `some(f)`, `every(f)` | `find`, `any`, `all`               |
//! | `toArray()`, `Array.fromAsync(it)` | `to_vec()`, [`from_async`]         |
//! | (the seed's `batch`, a timeout) | `batch(n)`, `with_timeout(limit)`     |
//! | (futures' `buffered`)         | `map_concurrent(n, f)`: n steps at once, in order |
//! | `for await (…) { … break … }` | [`for_await`] with `ControlFlow::Break` |
//!
//! # Implementation notes
//!
//! The airlock's outer waker is the generator's own task waker, which leads
//! to the generator, so a promise its body awaits resumes it directly.
//! Requests go into a queue; the head is served when the body is suspended
//! at a yield (or has not started), otherwise it waits, which is how a
//! `return()` made during an `await` runs after it. A request that finds the
//! generator idle and the queue empty is served without entering it (one
//! consumer, one request at a time: the usual case). The states and turn
//! counts follow the specification's AsyncGenerator algorithms;
//! `tests/oracle/async_gen/` holds the order to Node's.
//!
//! The handle (`AsyncGen`, here) shares a machine (`async_gen/machine.rs`):
//! the body, the request queue, the request being served and the turns
//! that move them.
//!
//! A `next` made through `AsyncIterator` (`for_await`, the helpers, `Stream`)
//! from a task on the loop needs no promise: the answer goes to a one-answer
//! slot in the generator and the waiting task is queued as a job, the turn a
//! promise's reaction would take (`async_gen/direct.rs`); a second consumer,
//! or one polled from outside the loop, takes the promise path. Such a
//! `next` to a generator paused at a yield, with nothing queued, resumes
//! the body in place; and a delivery that is the whole of its microtask runs
//! the waiting task's turn at once when that turn would be the next one (the
//! loop's rule for going on at once, which
//! `tests/oracle/async_gen/for_await_runs_on.js` holds to Node's order).
//! When the body yields within that `next`'s own poll, by a task whose turn
//! is the whole of its microtask, with nothing queued, the delivery's turn
//! is owed to the task instead of queued: the task polls again as soon as
//! its poll returns and takes the delivery's turn there, and its own next
//! one too when nothing was queued meanwhile. A for-await loop over a
//! generator that yields without waiting runs in one turn of its task.
//! A body resumed in a turn that is the whole of its microtask (after an
//! `await`, or by its source's delivery in a pipeline) and yielding with
//! nothing queued delivers at once, the turn its `yield` awaits being the
//! next one.
//!
//! A generator is held by the loop only while it executes with a waker out
//! (a poll that cloned or woke the lent waker); at a yield it is parked (its
//! loop key and waker kept), so a generator nobody holds any more is freed,
//! and one that only awaits baton's own promises never touches the registry.
//! `push_queue` bridges push sources (callbacks, a socket reader) into this
//! pull world: a FIFO the pusher fills and the generator drains, with
//! `consumer_gone()` telling the pusher to release its connection.

use std::fmt;
use std::future::Future;
use std::rc::Rc;

mod bridge;
mod delegate;
mod direct;
mod helpers;
mod iteration;
mod machine;
mod owned;
mod pinned;
mod protocol;
mod turn;

pub use bridge::{Pusher, push_queue};
#[cfg(test)]
pub(crate) use direct::NEVER_DIRECT;
pub use helpers::{AsyncIteratorExt, from_async};
pub use iteration::{AsyncIterator, Promises, for_await, promises};
use machine::{Body, Machine, Reply};
pub use pinned::{PinnedAsyncGen, Request};
pub use protocol::AsyncGenerator;

use crate::generator::airlock;
use crate::generator::{Abrupt, Co, Outcome, Resume, Step};
use crate::{Error, Promise, Reason};

/// Ends an async generator's body as JavaScript's falling off its end (or
/// a bare `return;`) does: completed at once, where `Ok(v)` is `return v`
/// and awaits `v` first (one microtask turn).
///
/// # Errors
///
/// Always `Err`: an `Outcome` of `Err(Abrupt::Return(_))` is how a body ends by
/// returning (JavaScript's `return`), which the generator turns into its
/// completion, not an error.
///
/// ```
/// use baton::async_gen::fall_off;
/// use baton::{AsyncGen, Co, Error, EventLoop, Promise, Step};
/// use std::{cell::RefCell, rc::Rc};
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let (a, b, c) = (log.clone(), log.clone(), log.clone());
/// EventLoop::virtual_clock().run(move || {
///     let explicit = AsyncGen::new(|_co: Co<u8, (), (), Error>| async move { Ok(()) });
///     let fell_off = AsyncGen::new(|_co: Co<u8, (), (), Error>| async move { fall_off() });
///     explicit.next(()).map(move |_: Step<u8, ()>| a.borrow_mut().push("return;"));
///     fell_off.next(()).map(move |_: Step<u8, ()>| b.borrow_mut().push("fell off"));
///     Promise::<(), Error>::resolve(()).map(move |()| c.borrow_mut().push("a microtask"));
/// });
/// // JavaScript's order: the generator that fell off its end settles first.
/// assert_eq!(*log.borrow(), ["fell off", "a microtask", "return;"]);
/// ```
pub fn fall_off<T: Default, E>() -> Outcome<T, E> {
    Err(Abrupt::Return(T::default()))
}

/// An async generator: JavaScript's `async function*`.
///
/// A cheap handle (`Clone` shares the generator). Values, return values
/// and errors are cloned into each request's promise.
///
/// ```
/// use baton::{AsyncGen, Co, Error, EventLoop, Promise, Step, set_timeout};
/// use std::time::Duration;
///
/// // async function* asyncCounter(start, end, delay) { … await sleep(delay); yield i … }
/// fn async_counter(start: u32, end: u32, delay: u64) -> AsyncGen<u32> {
///     AsyncGen::new(move |co: Co<u32, (), (), Error>| async move {
///         for i in start..=end {
///             Promise::<()>::new(|r| {
///                 set_timeout(move || r.resolve(()), Duration::from_millis(delay));
///             })
///             .await?;
///             co.yield_(i).await?;
///         }
///         Ok(())
///     })
/// }
///
/// let seen = EventLoop::virtual_clock().block_on(async {
///     let counter = async_counter(1, 3, 100);
///     let mut seen = Vec::new();
///     while let Step::Yielded(i) = counter.next(()).await? {
///         seen.push((i, baton::now()));
///     }
///     Ok::<_, Error>(seen)
/// });
/// assert_eq!(seen.ok().map(|s| s.len()), Some(3));
/// ```
pub struct AsyncGen<Y, R = (), T = (), E = Error> {
    machine: Rc<Machine<Y, R, T, E>>,
    /// This handle's `next()` in flight, when polled as a `Stream`.
    in_flight: Option<direct::NextStep<Y, (), T, E>>,
    exhausted: bool,
}

impl<Y, R, T, E> Clone for AsyncGen<Y, R, T, E> {
    fn clone(&self) -> Self {
        AsyncGen {
            machine: self.machine.clone(),
            in_flight: None,
            exhausted: false,
        }
    }
}

impl<Y, R, T, E> fmt::Debug for AsyncGen<Y, R, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncGen")
            .field("state", &self.machine.state())
            .field("queued", &self.machine.queued())
            .finish()
    }
}

impl<Y, R, T, E> AsyncGen<Y, R, T, E>
where
    Y: Clone + 'static,
    R: 'static,
    T: Clone + 'static,
    E: Reason,
{
    /// Creates the generator; its body does not run until the first
    /// request.
    ///
    /// ```
    /// use baton::async_gen::{AsyncGen, AsyncIteratorExt};
    /// use baton::{Co, Error, EventLoop, Promise};
    ///
    /// // async function* pages() { yield await fetch(1); yield await fetch(2) }
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     let pages = AsyncGen::new(|co: Co<String, (), (), Error>| async move {
    ///         for n in 1..=2 {
    ///             let page = Promise::<String>::resolve(format!("page {n}")).await?;
    ///             co.yield_(page).await?;
    ///         }
    ///         Ok(())
    ///     });
    ///     pages.to_vec().await
    /// });
    /// assert_eq!(out.ok(), Some(vec!["page 1".to_string(), "page 2".to_string()]));
    /// ```
    pub fn new<F>(body: impl FnOnce(Co<Y, R, T, E>) -> F) -> Self
    where
        F: Future<Output = Outcome<T, E>> + 'static,
    {
        let owner = airlock::fresh_owner_id();
        let body: Body<T, E> = Box::pin(body(Co::new(owner)));
        AsyncGen {
            machine: Rc::new(Machine::new(owner, body)),
            in_flight: None,
            exhausted: false,
        }
    }

    /// `next(v)`: a promise of the next step. The first call's value is
    /// discarded, as in JavaScript.
    ///
    /// ```
    /// use baton::async_gen::AsyncGen;
    /// use baton::{Co, Error, EventLoop, Step};
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     let g = AsyncGen::new(|co: Co<u32, u32, &'static str, Error>| async move {
    ///         let a = co.yield_(1).await?;
    ///         Ok(if a == 10 { "got ten" } else { "?" })
    ///     });
    ///     // Two requests made at once settle in request order.
    ///     let (first, second) = (g.next(0), g.next(10));
    ///     let third = g.next(0);
    ///     Ok::<_, Error>((first.await?, second.await?, third.await?))
    /// });
    /// assert_eq!(out.ok(), Some((Step::Yielded(1), Step::Returned("got ten"), Step::Done)));
    /// ```
    pub fn next(&self, value: R) -> Promise<Step<Y, T>, E> {
        self.enqueue(Resume::Next(value))
    }

    /// `throw(e)`: the paused `yield` fails with `e`.
    ///
    /// ```
    /// use baton::async_gen::AsyncGen;
    /// use baton::{Abrupt, Co, Error, EventLoop, Step};
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     let g = AsyncGen::new(|co: Co<&'static str, (), (), Error>| async move {
    ///         match co.yield_("ready").await {
    ///             Err(Abrupt::Throw(e)) => co.yield_(if e.to_string() == "reset" { "reset done" } else { "?" }).await?,
    ///             other => other?,
    ///         }
    ///         Ok(())
    ///     });
    ///     let first = g.next(()).await?;
    ///     let after_throw = g.throw(Error::msg("reset")).await?;
    ///     Ok::<_, Error>((first, after_throw))
    /// });
    /// assert_eq!(out.ok(), Some((Step::Yielded("ready"), Step::Yielded("reset done"))));
    /// ```
    pub fn throw(&self, error: E) -> Promise<Step<Y, T>, E> {
        self.enqueue(Resume::Throw(error))
    }

    /// `return(v)`: the paused `yield` returns `v`, running the body's
    /// cleanup (which may await and yield).
    ///
    /// ```
    /// use baton::async_gen::AsyncGen;
    /// use baton::{Abrupt, Co, Error, EventLoop, Promise, Step};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// let l = log.clone();
    /// let out = EventLoop::virtual_clock().block_on(async move {
    ///     let g = AsyncGen::new(move |co: Co<u32, (), u32, Error>| async move {
    ///         let step = co.yield_(1).await;
    ///         if let Err(Abrupt::Return(_)) = step {
    ///             // Async cleanup: awaits before the return completes.
    ///             Promise::<()>::resolve(()).await?;
    ///             l.borrow_mut().push("connection closed");
    ///         }
    ///         step?;
    ///         Ok(0)
    ///     });
    ///     g.next(()).await?;
    ///     g.r#return(9).await
    /// });
    /// assert_eq!(out.ok(), Some(Step::Returned(9)));
    /// assert_eq!(*log.borrow(), ["connection closed"]);
    /// ```
    pub fn r#return(&self, value: T) -> Promise<Step<Y, T>, E> {
        self.enqueue(Resume::Return(value))
    }

    /// `next(v)` for the iteration protocol: answered straight to the
    /// waiting task when it can be (see `direct`).
    fn next_step(&self, value: R) -> direct::NextStep<Y, R, T, E> {
        direct::NextStep::new(self.machine.clone(), value)
    }

    fn enqueue(&self, how: Resume<R, E, T>) -> Promise<Step<Y, T>, E> {
        let (promise, resolver) = Promise::with_resolver();
        self.machine.clone().request(how, Reply::Promise(resolver));
        promise
    }
}
