//! Helpers over any [`AsyncIterator`]: `map`, `filter`, `take`, `batch`,
//! `with_timeout`, `to_vec`, and `from_async`.
//!
//! Each helper is an async generator pulling from the stage before it only
//! when it is asked for an item, so a pipeline moves one item at a time
//! through every stage (backpressure comes free), and a stage that stops
//! early — or is closed by its consumer — closes its source and waits for
//! that cleanup.

use std::future::{Future, IntoFuture};
use std::task::Poll;
use std::time::Duration;

use super::{AsyncGen, AsyncIterator, fall_off};
use crate::generator::{Abrupt, Co, Outcome};
use crate::{Fault, FaultKind, Promise, set_timeout};

/// What a stage does with one item from its source.
enum Flow<U> {
    Emit(U),
    Skip,
    /// Emit, then close the source (the last item of a `take`).
    EmitThenStop(U),
}

/// How a stage's pulling loop ended.
enum End<E> {
    Exhausted,
    Stopped,
    SourceFailed(E),
    Closed(Abrupt<E, ()>),
}

/// Pulls items from `source` through `per_item`, yielding what it emits;
/// closes the source when the stage stops early or is closed itself.
async fn relay<I, U>(
    mut source: I,
    co: &Co<U, (), (), I::Error>,
    mut per_item: impl FnMut(I::Item) -> Flow<U>,
    mut at_end: impl FnMut() -> Option<U>,
) -> Outcome<(), I::Error>
where
    I: AsyncIterator,
    U: Clone + 'static,
{
    let end = loop {
        let item = match source.next().await {
            Ok(Some(item)) => item,
            Ok(None) => break End::Exhausted,
            Err(e) => break End::SourceFailed(e),
        };
        let emitted = match per_item(item) {
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
            if let Some(rest) = at_end() {
                co.yield_(rest).await?;
            }
            fall_off()
        }
        End::SourceFailed(e) => Err(Abrupt::Throw(e)),
        End::Stopped => {
            source.close().await.map_err(Abrupt::Throw)?;
            fall_off()
        }
        End::Closed(abrupt) => {
            source.close().await.map_err(Abrupt::Throw)?;
            Err(abrupt)
        }
    }
}

/// Lazy combinators for every [`AsyncIterator`] (JavaScript's async
/// iterator helpers, and the seed's hand-rolled ones).
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
        AsyncGen::new(move |co: Co<U, (), (), Self::Error>| async move {
            relay(self, &co, |item| Flow::Emit(f(item)), || None).await
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
                let item = match source.next().await {
                    Ok(Some(item)) => item,
                    Ok(None) => return fall_off(),
                    Err(e) => return Err(Abrupt::Throw(e)),
                };
                let mapped = match f(item).await {
                    Ok(mapped) => mapped,
                    Err(e) => {
                        source.close().await.map_err(Abrupt::Throw)?;
                        return Err(Abrupt::Throw(e));
                    }
                };
                if let Err(abrupt) = co.yield_(mapped).await {
                    source.close().await.map_err(Abrupt::Throw)?;
                    return Err(abrupt);
                }
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
        AsyncGen::new(move |co: Co<Self::Item, (), (), Self::Error>| async move {
            relay(
                self,
                &co,
                |item| {
                    if keep(&item) {
                        Flow::Emit(item)
                    } else {
                        Flow::Skip
                    }
                },
                || None,
            )
            .await
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
                &co,
                |item| {
                    taken += 1;
                    if taken == n {
                        Flow::EmitThenStop(item)
                    } else {
                        Flow::Emit(item)
                    }
                },
                || None,
            )
            .await
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
        AsyncGen::new(
            move |co: Co<Vec<Self::Item>, (), (), Self::Error>| async move {
                let group = std::cell::RefCell::new(Vec::with_capacity(size));
                relay(
                    self,
                    &co,
                    |item| {
                        let mut group = group.borrow_mut();
                        group.push(item);
                        if group.len() == size {
                            Flow::Emit(std::mem::replace(&mut *group, Vec::with_capacity(size)))
                        } else {
                            Flow::Skip
                        }
                    },
                    || Some(std::mem::take(&mut *group.borrow_mut())).filter(|g| !g.is_empty()),
                )
                .await
            },
        )
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
                        source.close().await.map_err(Abrupt::Throw)?;
                        let fault = Fault::new(
                            FaultKind::TimedOut,
                            format!("no item within {} ms", limit.as_millis()),
                        );
                        return Err(Abrupt::Throw(fault.into()));
                    }
                };
                if let Err(abrupt) = co.yield_(item).await {
                    source.close().await.map_err(Abrupt::Throw)?;
                    return Err(abrupt);
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
    async fn to_vec(mut self) -> Result<Vec<Self::Item>, Self::Error> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await? {
            items.push(item);
        }
        Ok(items)
    }
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
