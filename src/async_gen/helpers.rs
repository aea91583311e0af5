//! Helpers over any [`AsyncIterator`]: the lazy stages `map`,
//! `map_async`, `map_concurrent`, `filter`, `take`, `skip`, `flat_map`,
//! `batch` and `with_timeout`, the consumers
//! `to_vec`, `for_each`, `fold`, `reduce`, `find`, `any` and `all`, and
//! `from_async`.
//!
//! Each stage is an async generator pulling from the stage before it only
//! when it is asked for an item, so a pipeline moves one item at a time
//! through every stage (backpressure comes free), and a stage that stops
//! early — or is closed by its consumer — closes its source and waits for
//! that cleanup. A consumer that stops early (`find`, `any`, `all`) closes
//! its source the same way, as JavaScript's iterator helpers do.

use std::collections::VecDeque;
use std::future::{Future, IntoFuture};
use std::ops::ControlFlow;
use std::task::Poll;
use std::time::Duration;

use super::iteration::Waited;
use super::{AsyncGen, AsyncIterator, fall_off, for_await};
use crate::generator::{Abrupt, Co, Outcome};
use crate::{Fault, FaultKind, Promise, set_timeout};

/// The most items a stage sets room aside for before it has them (a
/// batch's size, `map_concurrent`'s limit): a size given as "no limit"
/// (`usize::MAX`) must not be allocated up front.
const PREALLOCATED: usize = 1024;

/// What a stage does with one item from its source.
enum Flow<U> {
    Emit(U),
    Skip,
    /// Emit, then close the source (the last item of a `take`).
    EmitThenStop(U),
}

/// `batch(size)`'s stage: items gathered into groups of `size`, the last
/// group handed on at the source's end if it is not empty.
struct Batch<X> {
    group: Vec<X>,
    size: usize,
    room: usize,
}

impl<X> Stage<X> for Batch<X> {
    type Out = Vec<X>;
    fn item(&mut self, item: X) -> Flow<Vec<X>> {
        self.group.push(item);
        if self.group.len() == self.size {
            Flow::Emit(std::mem::replace(
                &mut self.group,
                Vec::with_capacity(self.room),
            ))
        } else {
            Flow::Skip
        }
    }
    fn end(&mut self) -> Option<Vec<X>> {
        Some(std::mem::take(&mut self.group)).filter(|g| !g.is_empty())
    }
}

/// How a stage's pulling loop ended.
enum End<E> {
    Exhausted,
    Stopped,
    SourceFailed(E),
    Closed(Abrupt<E, ()>),
}

/// What a stage does with its source's items, and once the source is
/// exhausted.
trait Stage<X> {
    type Out;
    fn item(&mut self, item: X) -> Flow<Self::Out>;
    /// What is left to hand on at the source's end (a batch's last group).
    fn end(&mut self) -> Option<Self::Out> {
        None
    }
}

/// A stage that is a function of each item, with nothing left at the end.
struct PerItem<F>(F);

impl<X, U, F: FnMut(X) -> Flow<U>> Stage<X> for PerItem<F> {
    type Out = U;
    #[inline(always)]
    fn item(&mut self, item: X) -> Flow<U> {
        (self.0)(item)
    }
}

/// Pulls items from `source` through `stage`, yielding what it emits;
/// closes the source when the stage stops early or is closed itself. A
/// helper's body is this future itself, with `co` moved in: a layer of
/// `async` around it cost the pipeline's item 92 instructions (1,123 →
/// 1,031).
async fn relay<I, S>(source: I, co: Co<S::Out, (), (), I::Error>, stage: S) -> Outcome<(), I::Error>
where
    I: AsyncIterator,
    S: Stage<I::Item>,
    S::Out: Clone + 'static,
{
    // A source it holds alone is driven pinned, as `for_await` drives one;
    // its requests, awaited as they are made, take their turns in place
    // when the stage's own request may (`Made::GoingOn`).
    match source.into_relayed() {
        Ok(owned) => relay_from(owned, &co, stage).await,
        Err(source) => relay_from(source, &co, stage).await,
    }
}

async fn relay_from<I, S>(
    mut source: I,
    co: &Co<S::Out, (), (), I::Error>,
    mut stage: S,
) -> Outcome<(), I::Error>
where
    I: AsyncIterator,
    S: Stage<I::Item>,
    S::Out: Clone + 'static,
{
    let end = loop {
        let item = match source.next().await {
            Ok(Some(item)) => item,
            Ok(None) => break End::Exhausted,
            Err(e) => break End::SourceFailed(e),
        };
        let emitted = match stage.item(item) {
            Flow::Skip => continue,
            Flow::Emit(value) => co.yield_(value).await.map(|()| false),
            Flow::EmitThenStop(value) => co.yield_(value).await.map(|()| true),
        };
        match emitted {
            Ok(false) => {}
            Ok(true) => break End::Stopped,
            Err(abrupt) => break End::Closed(abrupt),
        }
    };
    // Each helper ends as the seed's `async function*` helpers do: falling
    // off its end (or a bare `return;`), with no value to await.
    match end {
        End::Exhausted => {
            if let Some(rest) = stage.end() {
                co.yield_(rest).await?;
            }
            fall_off()
        }
        End::SourceFailed(e) => Err(Abrupt::Throw(e)),
        End::Stopped => {
            source.close().await.map_err(Abrupt::Throw)?;
            fall_off()
        }
        // `close_then`, written in place: the stage's future stays as small
        // as it was.
        End::Closed(abrupt) => {
            let closed = source.close().await;
            if let Abrupt::Return(()) = abrupt {
                closed.map_err(Abrupt::Throw)?;
            }
            Err(abrupt)
        }
    }
}

/// The source's next item, `None` once it is exhausted; its failure ends
/// the stage (thrown on, with nothing to close: a source that failed is
/// done).
async fn pull<I: AsyncIterator>(source: &mut I) -> Result<Option<I::Item>, Abrupt<I::Error, ()>> {
    source.next().await.map_err(Abrupt::Throw)
}

/// Closes `source` on the way out with `abrupt`, as a `for await` loop left
/// by that completion does: the close is awaited either way; its error
/// replaces a `return`, and is dropped under a `throw`, whose error wins
/// (JavaScript's `AsyncIteratorClose`).
async fn close_then<I: AsyncIterator, T>(
    source: &mut I,
    abrupt: Abrupt<I::Error, T>,
) -> Outcome<T, I::Error> {
    let closed = source.close().await;
    match abrupt {
        Abrupt::Throw(e) => Err(Abrupt::Throw(e)),
        Abrupt::Return(v) => {
            closed.map_err(Abrupt::Throw)?;
            Err(Abrupt::Return(v))
        }
    }
}

/// Lazy combinators for every [`AsyncIterator`] (JavaScript's async
/// iterator helpers, and the seed's hand-rolled ones).
///
/// An [`AsyncGen`] is a `futures::Stream` too, and `StreamExt` has methods
/// of the same names (`map`, `filter`, `take`, `skip`, `flat_map`, `any`,
/// `all`, …) without JavaScript's closing of the source: with both traits
/// in scope, name the one meant (`AsyncIteratorExt::take(items, 2)`).
///
/// ```
/// use baton::{AsyncGen, Co, Error, EventLoop};
/// use baton::async_gen::AsyncIteratorExt;
///
/// let out = EventLoop::virtual_clock().block_on(async {
///     let numbers = AsyncGen::new(|co: Co<u32, (), (), Error>| async move {
///         for i in 1..=10 {
///             co.yield_(i).await?;
///         }
///         Ok(())
///     });
///     numbers.filter(|n| n % 2 == 0).map(|n| n * 10).take(3).to_vec().await
/// });
/// assert_eq!(out.ok(), Some(vec![20, 40, 60]));
/// ```
pub trait AsyncIteratorExt: AsyncIterator + Sized + 'static {
    /// Each item transformed by `f`.
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, promises};
    /// use baton::{EventLoop, Promise};
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     promises(vec![Promise::<u32>::resolve(1), Promise::resolve(2)]).map(|n| format!("#{n}")).to_vec().await
    /// });
    /// assert_eq!(out.ok(), Some(vec!["#1".to_string(), "#2".to_string()]));
    /// ```
    fn map<U: Clone + 'static>(
        self,
        mut f: impl FnMut(Self::Item) -> U + 'static,
    ) -> AsyncGen<U, (), (), Self::Error> {
        AsyncGen::new(move |co: Co<U, (), (), Self::Error>| {
            relay(self, co, PerItem(move |item| Flow::Emit(f(item))))
        })
    }

    /// Each item transformed by an asynchronous step (a lookup, a request):
    /// the next item is pulled only after this one's promise settles.
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, promises};
    /// use baton::{EventLoop, Promise, set_timeout};
    /// use std::time::Duration;
    ///
    /// // An asynchronous lookup per item (a cache, a request).
    /// fn lookup(id: u32) -> Promise<String> {
    ///     Promise::new(move |r| {
    ///         set_timeout(move || r.resolve(format!("user {id}")), Duration::from_millis(10));
    ///     })
    /// }
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     promises(vec![Promise::<u32>::resolve(1), Promise::resolve(2)]).map_async(lookup).to_vec().await
    /// });
    /// assert_eq!(out.ok(), Some(vec!["user 1".to_string(), "user 2".to_string()]));
    /// ```
    fn map_async<U: Clone + 'static>(
        self,
        mut f: impl FnMut(Self::Item) -> Promise<U, Self::Error> + 'static,
    ) -> AsyncGen<U, (), (), Self::Error> {
        AsyncGen::new(move |co: Co<U, (), (), Self::Error>| async move {
            let mut source = self;
            loop {
                let Some(item) = pull(&mut source).await? else {
                    return fall_off();
                };
                let mapped = match f(item).await {
                    Ok(mapped) => mapped,
                    Err(e) => return close_then(&mut source, Abrupt::Throw(e)).await,
                };
                if let Err(abrupt) = co.yield_(mapped).await {
                    return close_then(&mut source, abrupt).await;
                }
            }
        })
    }

    /// Each item transformed by an asynchronous step, up to `limit` steps
    /// at once, the results handed out in the source's order (futures'
    /// `buffered`, as a lazy stage): the stage pulls ahead while steps run,
    /// never holding more than `limit` items, and pulls nothing until its
    /// consumer asks. Leaving early, or a step failing, closes the source;
    /// steps still running are let go of (a failure of theirs is not
    /// reported). A `limit` of 0 counts as 1 ([`map_async`](Self::map_async)).
    ///
    /// `tests/oracle/async_gen/map_concurrent.js` holds its order to the
    /// same stage written as a JavaScript async generator.
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, promises};
    /// use baton::{EventLoop, Promise, now, set_timeout};
    /// use std::time::Duration;
    ///
    /// // A lookup that takes 100 ms: three at a time.
    /// fn lookup(id: u32) -> Promise<String> {
    ///     Promise::new(move |r| {
    ///         set_timeout(move || r.resolve(format!("user {id}")), Duration::from_millis(100));
    ///     })
    /// }
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     let ids = promises((1..=6).map(Promise::<u32>::resolve));
    ///     let users = ids.map_concurrent(3, lookup).to_vec().await?;
    ///     Ok::<_, baton::Error>((users, now()))
    /// });
    /// let (users, took) = out.expect("looked up");
    /// assert_eq!(users[5], "user 6");
    /// assert_eq!(took, Duration::from_millis(200)); // two rounds of three
    /// ```
    fn map_concurrent<U: Clone + 'static>(
        self,
        limit: usize,
        mut f: impl FnMut(Self::Item) -> Promise<U, Self::Error> + 'static,
    ) -> AsyncGen<U, (), (), Self::Error> {
        AsyncGen::new(move |co: Co<U, (), (), Self::Error>| async move {
            let mut source = self;
            let limit = limit.max(1);
            let mut running = VecDeque::with_capacity(limit.min(PREALLOCATED));
            let mut exhausted = false;
            loop {
                while !exhausted && running.len() < limit {
                    match pull(&mut source).await {
                        Ok(Some(item)) => {
                            let step = f(item);
                            // A step let go of (the stage closed first) fails
                            // unheard: the same one turn as JavaScript's
                            // `step.catch(() => {})`.
                            step.subscribe(|_| {});
                            running.push_back(step);
                        }
                        Ok(None) => exhausted = true,
                        // A source that throws is done: nothing to close.
                        Err(abrupt) => return Err(abrupt),
                    }
                }
                let Some(head) = running.pop_front() else {
                    return fall_off();
                };
                let abrupt = match head.await {
                    Ok(value) => match co.yield_(value).await {
                        Ok(()) => continue,
                        Err(abrupt) => abrupt,
                    },
                    Err(e) => Abrupt::Throw(e),
                };
                return if exhausted {
                    Err(abrupt)
                } else {
                    close_then(&mut source, abrupt).await
                };
            }
        })
    }

    /// Only the items `keep` accepts.
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, promises};
    /// use baton::{EventLoop, Promise};
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     promises((1..=6).map(Promise::<u32>::resolve)).filter(|n| n % 3 == 0).to_vec().await
    /// });
    /// assert_eq!(out.ok(), Some(vec![3, 6]));
    /// ```
    fn filter(
        self,
        mut keep: impl FnMut(&Self::Item) -> bool + 'static,
    ) -> AsyncGen<Self::Item, (), (), Self::Error> {
        AsyncGen::new(move |co: Co<Self::Item, (), (), Self::Error>| {
            relay(
                self,
                co,
                PerItem(move |item| {
                    if keep(&item) {
                        Flow::Emit(item)
                    } else {
                        Flow::Skip
                    }
                }),
            )
        })
    }

    /// The first `n` items; then the source is closed without pulling
    /// another.
    ///
    /// ```
    /// use baton::async_gen::AsyncIteratorExt;
    /// use baton::{AsyncGen, Co, Error, EventLoop};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// let pulled = Rc::new(RefCell::new(Vec::new()));
    /// let p = pulled.clone();
    /// let out = EventLoop::virtual_clock().block_on(async move {
    ///     let endless = AsyncGen::new(move |co: Co<u32, (), (), Error>| async move {
    ///         for i in 0.. {
    ///             p.borrow_mut().push(i);
    ///             co.yield_(i).await?;
    ///         }
    ///         Ok(())
    ///     });
    ///     endless.take(2).to_vec().await
    /// });
    /// assert_eq!(out.ok(), Some(vec![0, 1]));
    /// assert_eq!(*pulled.borrow(), [0, 1]); // no third item was pulled
    /// ```
    fn take(self, n: usize) -> AsyncGen<Self::Item, (), (), Self::Error> {
        AsyncGen::new(move |co: Co<Self::Item, (), (), Self::Error>| async move {
            let mut source = self;
            if n == 0 {
                source.close().await.map_err(Abrupt::Throw)?;
                return fall_off();
            }
            let mut taken = 0;
            relay(
                source,
                co,
                PerItem(move |item| {
                    taken += 1;
                    if taken == n {
                        Flow::EmitThenStop(item)
                    } else {
                        Flow::Emit(item)
                    }
                }),
            )
            .await
        })
    }

    /// All but the first `n` items (JavaScript's `drop(n)`): the first `n`
    /// are pulled and dropped, the rest handed on.
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, promises};
    /// use baton::{EventLoop, Promise};
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     promises((1..=5).map(Promise::<u32>::resolve)).skip(3).to_vec().await
    /// });
    /// assert_eq!(out.ok(), Some(vec![4, 5]));
    /// ```
    fn skip(self, n: usize) -> AsyncGen<Self::Item, (), (), Self::Error> {
        AsyncGen::new(move |co: Co<Self::Item, (), (), Self::Error>| {
            let mut skipped = 0;
            relay(
                self,
                co,
                PerItem(move |item| {
                    if skipped < n {
                        skipped += 1;
                        Flow::Skip
                    } else {
                        Flow::Emit(item)
                    }
                }),
            )
        })
    }

    /// Each item mapped by `f` to an async iterator whose items are handed
    /// on in turn (JavaScript's `flatMap`). The inner iterator is run to its
    /// end before the next item is pulled; closing the stage closes the
    /// inner iterator, then the source. An inner iterator that fails ends
    /// the stage with its error, after closing the source.
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, promises};
    /// use baton::{EventLoop, Promise};
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     promises((1..=3).map(Promise::<u32>::resolve))
    ///         .flat_map(|n| promises((0..n).map(move |i| Promise::resolve(n * 10 + i))))
    ///         .to_vec()
    ///         .await
    /// });
    /// assert_eq!(out.ok(), Some(vec![10, 20, 21, 30, 31, 32]));
    /// ```
    fn flat_map<J>(
        self,
        mut f: impl FnMut(Self::Item) -> J + 'static,
    ) -> AsyncGen<J::Item, (), (), Self::Error>
    where
        J: AsyncIterator<Error = Self::Error> + 'static,
    {
        AsyncGen::new(move |co: Co<J::Item, (), (), Self::Error>| async move {
            let mut source = self;
            // `for await (x of source) for await (y of f(x)) yield y`.
            loop {
                let Some(item) = pull(&mut source).await? else {
                    return fall_off();
                };
                let mut inner = f(item);
                loop {
                    let value = match inner.next().await {
                        Ok(Some(value)) => value,
                        Ok(None) => break,
                        Err(e) => return close_then(&mut source, Abrupt::Throw(e)).await,
                    };
                    if let Err(abrupt) = co.yield_(value).await {
                        // The inner loop closes first, then the outer one
                        // with what the inner close left.
                        let left = match close_then(&mut inner, abrupt).await {
                            Err(left) => left,
                            Ok(()) => Abrupt::Return(()),
                        };
                        return close_then(&mut source, left).await;
                    }
                }
            }
        })
    }

    /// Items in groups of `size` (the last group may be smaller).
    ///
    /// # Panics
    ///
    /// If `size` is zero.
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, promises};
    /// use baton::{EventLoop, Promise};
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     promises((1..=5).map(Promise::<u32>::resolve)).batch(2).to_vec().await
    /// });
    /// assert_eq!(out.ok(), Some(vec![vec![1, 2], vec![3, 4], vec![5]]));
    /// ```
    fn batch(self, size: usize) -> AsyncGen<Vec<Self::Item>, (), (), Self::Error> {
        assert!(size > 0, "batch size must be at least 1");
        AsyncGen::new(move |co: Co<Vec<Self::Item>, (), (), Self::Error>| {
            // Room for a whole batch up front, unless that is more than a
            // few pages: a size meant as "everything" grows as needed.
            let room = size.min(PREALLOCATED);
            relay(
                self,
                co,
                Batch {
                    group: Vec::with_capacity(room),
                    size,
                    room,
                },
            )
        })
    }

    /// Fails with a [`FaultKind::TimedOut`] fault if an item takes longer
    /// than `limit` to arrive, closing the source first.
    ///
    /// ```
    /// use baton::async_gen::AsyncIteratorExt;
    /// use baton::{AsyncGen, Co, Error, EventLoop, Fault, FaultKind, Promise, set_timeout};
    /// use std::time::Duration;
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     let slow = AsyncGen::new(|co: Co<u32, (), (), Error>| async move {
    ///         for ms in [10, 20, 500] {
    ///             let arrived = Promise::<u32>::new(move |r| {
    ///                 set_timeout(move || r.resolve(ms as u32), Duration::from_millis(ms));
    ///             });
    ///             co.yield_(arrived.await?).await?;
    ///         }
    ///         Ok(())
    ///     });
    ///     let mut seen = Vec::new();
    ///     let mut items = slow.with_timeout(Duration::from_millis(100));
    ///     let error = loop {
    ///         match baton::async_gen::AsyncIterator::next(&mut items).await {
    ///             Ok(Some(v)) => seen.push(v),
    ///             Ok(None) => break None,
    ///             Err(e) => break Some(e),
    ///         }
    ///     };
    ///     let kind = error.and_then(|e| e.downcast_ref::<Fault>().map(Fault::kind));
    ///     Ok::<_, Error>((seen, kind))
    /// });
    /// assert_eq!(out.ok(), Some((vec![10, 20], Some(FaultKind::TimedOut))));
    /// ```
    fn with_timeout(self, limit: Duration) -> AsyncGen<Self::Item, (), (), Self::Error> {
        AsyncGen::new(move |co: Co<Self::Item, (), (), Self::Error>| async move {
            let mut source = self;
            loop {
                let first = {
                    let timer = Promise::<(), Self::Error>::new(move |r| {
                        set_timeout(move || r.resolve(()), limit);
                    });
                    let mut timer = std::pin::pin!(timer.into_future());
                    let mut next = std::pin::pin!(source.next());
                    // Whichever is ready first: the item, or the deadline.
                    std::future::poll_fn(|cx| {
                        if let Poll::Ready(item) = next.as_mut().poll(cx) {
                            return Poll::Ready(Some(item));
                        }
                        timer.as_mut().poll(cx).map(|_| None)
                    })
                    .await
                };
                let item = match first {
                    Some(Ok(Some(item))) => item,
                    Some(Ok(None)) => return fall_off(),
                    Some(Err(e)) => return Err(Abrupt::Throw(e)),
                    None => {
                        let fault = Fault::new(
                            FaultKind::TimedOut,
                            format!("no item within {} ms", limit.as_millis()),
                        );
                        return close_then(&mut source, Abrupt::Throw(fault.into())).await;
                    }
                };
                if let Err(abrupt) = co.yield_(item).await {
                    return close_then(&mut source, abrupt).await;
                }
            }
        })
    }

    /// Every item, in order (`Array.fromAsync`).
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, promises};
    /// use baton::{Error, EventLoop, Promise};
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     promises(vec![Promise::<&str>::resolve("a"), Promise::resolve("b")]).to_vec().await
    /// });
    /// assert_eq!(out.ok(), Some(vec!["a", "b"]));
    /// ```
    #[allow(async_fn_in_trait)]
    async fn to_vec(self) -> Result<Vec<Self::Item>, Self::Error> {
        self.fold(Vec::new(), |mut items, item| {
            items.push(item);
            items
        })
        .await
    }

    /// Calls `f` with every item, in order (JavaScript's `forEach`).
    ///
    /// # Errors
    ///
    /// The source's error, which ends the loop.
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, promises};
    /// use baton::{EventLoop, Promise};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// let seen = Rc::new(RefCell::new(Vec::new()));
    /// let s = seen.clone();
    /// let out = EventLoop::virtual_clock().block_on(async move {
    ///     promises((1..=3).map(Promise::<u32>::resolve)).for_each(|n| s.borrow_mut().push(n)).await
    /// });
    /// assert!(out.is_ok());
    /// assert_eq!(*seen.borrow(), [1, 2, 3]);
    /// ```
    #[allow(async_fn_in_trait)]
    async fn for_each(self, mut f: impl FnMut(Self::Item)) -> Result<(), Self::Error> {
        self.fold((), |(), item| f(item)).await
    }

    /// Folds every item into `init` with `f` (JavaScript's `reduce` with an
    /// initial value).
    ///
    /// # Errors
    ///
    /// The source's error, which ends the fold.
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, promises};
    /// use baton::{EventLoop, Promise};
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     promises((1..=4).map(Promise::<u32>::resolve)).fold(0, |sum, n| sum + n).await
    /// });
    /// assert_eq!(out.ok(), Some(10));
    /// ```
    #[allow(async_fn_in_trait)]
    async fn fold<A>(self, init: A, f: impl FnMut(A, Self::Item) -> A) -> Result<A, Self::Error> {
        // A generator it holds alone is driven pinned, as `for_await`
        // drives one.
        match self.into_owned() {
            Ok(owned) => fold_over(owned, init, f).await,
            Err(source) => fold_over(source, init, f).await,
        }
    }

    /// Folds the items with `f`, the first item being the start (JavaScript's
    /// `reduce` without an initial value); `None` for no items, where
    /// JavaScript throws a `TypeError`.
    ///
    /// # Errors
    ///
    /// The source's error, which ends the reduction.
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, promises};
    /// use baton::{EventLoop, Promise};
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     promises((1..=4).map(Promise::<u32>::resolve)).reduce(u32::max).await
    /// });
    /// assert_eq!(out.ok(), Some(Some(4)));
    /// ```
    #[allow(async_fn_in_trait)]
    async fn reduce(
        self,
        mut f: impl FnMut(Self::Item, Self::Item) -> Self::Item,
    ) -> Result<Option<Self::Item>, Self::Error> {
        self.fold(None, |acc, item| {
            Some(match acc {
                Some(acc) => f(acc, item),
                None => item,
            })
        })
        .await
    }

    /// The first item `found` accepts (JavaScript's `find`); the source is
    /// then closed, and its cleanup awaited, without pulling another.
    ///
    /// # Errors
    ///
    /// The source's error; or, once an item is found, the error of the
    /// source's cleanup.
    ///
    /// ```
    /// use baton::async_gen::AsyncIteratorExt;
    /// use baton::{AsyncGen, Co, Error, EventLoop};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// let l = log.clone();
    /// let out = EventLoop::virtual_clock().block_on(async move {
    ///     let endless = AsyncGen::new(move |co: Co<u32, (), (), Error>| async move {
    ///         let mut i = 0;
    ///         let outcome = loop {
    ///             if let Err(closed) = co.yield_(i).await {
    ///                 break Err(closed);
    ///             }
    ///             i += 1;
    ///         };
    ///         l.borrow_mut().push(format!("closed after {i}"));
    ///         outcome
    ///     });
    ///     endless.find(|n| n * n > 10).await
    /// });
    /// assert_eq!(out.ok(), Some(Some(4)));
    /// assert_eq!(*log.borrow(), ["closed after 4"]);
    /// ```
    #[allow(async_fn_in_trait)]
    async fn find(
        self,
        mut found: impl FnMut(&Self::Item) -> bool,
    ) -> Result<Option<Self::Item>, Self::Error> {
        for_await(self, async |item| {
            if found(&item) {
                ControlFlow::Break(item)
            } else {
                ControlFlow::Continue(())
            }
        })
        .await
    }

    /// Whether any item passes `test` (JavaScript's `some`); stops at the
    /// first that does, closing the source.
    ///
    /// # Errors
    ///
    /// As [`find`](Self::find).
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, promises};
    /// use baton::{EventLoop, Promise};
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     promises((1..=4).map(Promise::<u32>::resolve)).any(|n| *n > 3).await
    /// });
    /// assert_eq!(out.ok(), Some(true));
    /// ```
    #[allow(async_fn_in_trait)]
    async fn any(self, mut test: impl FnMut(&Self::Item) -> bool) -> Result<bool, Self::Error> {
        Ok(self.find(|item| test(item)).await?.is_some())
    }

    /// Whether every item passes `test` (JavaScript's `every`); stops at the
    /// first that does not, closing the source.
    ///
    /// # Errors
    ///
    /// As [`find`](Self::find).
    ///
    /// ```
    /// use baton::async_gen::{AsyncIteratorExt, promises};
    /// use baton::{EventLoop, Promise};
    ///
    /// let out = EventLoop::virtual_clock().block_on(async {
    ///     promises((1..=4).map(Promise::<u32>::resolve)).all(|n| *n < 3).await
    /// });
    /// assert_eq!(out.ok(), Some(false));
    /// ```
    #[allow(async_fn_in_trait)]
    async fn all(self, mut test: impl FnMut(&Self::Item) -> bool) -> Result<bool, Self::Error> {
        Ok(self.find(|item| !test(item)).await?.is_none())
    }
}

/// Every item of `source` into `acc` through `f`, to its end: a loop
/// whose body never waits, so it goes on in each turn that gives it an
/// item, as `for_await`'s does.
async fn fold_over<I: AsyncIterator, A>(
    mut source: I,
    mut acc: A,
    mut f: impl FnMut(A, I::Item) -> A,
) -> Result<A, I::Error> {
    let mut going_on = false;
    while let Some(item) = Waited::new(source.next_in_loop(going_on), &mut going_on, true).await? {
        acc = f(acc, item);
    }
    Ok(acc)
}

impl<I: AsyncIterator + 'static> AsyncIteratorExt for I {}

/// `Array.fromAsync(source)`: every item of an async iterator, in order.
///
/// # Errors
///
/// The first error of `source`: the items before it are dropped, as
/// `Array.fromAsync` rejects.
///
/// ```
/// use baton::async_gen::{AsyncGen, from_async};
/// use baton::{Co, Error, EventLoop};
///
/// let out = EventLoop::virtual_clock().block_on(async {
///     let squares = AsyncGen::new(|co: Co<u32, (), (), Error>| async move {
///         for i in 1..=3 {
///             co.yield_(i * i).await?;
///         }
///         Ok(())
///     });
///     from_async(squares).await
/// });
/// assert_eq!(out.ok(), Some(vec![1, 4, 9]));
/// ```
pub async fn from_async<I: AsyncIterator + 'static>(source: I) -> Result<Vec<I::Item>, I::Error> {
    source.to_vec().await
}
