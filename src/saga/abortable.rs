//! A called Rust future that a cancellation really stops: when the effect
//! is cancelled (a lost race, a cancelled saga), the future is dropped at
//! once — an HTTP request is aborted, a file closed — instead of running
//! to completion unobserved.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::task::Scope;
use super::{Callee, Running};
use crate::runner::FutureYield;
use crate::{Error, spawn};

type Slot<F> = RefCell<Option<Pin<Box<F>>>>;

/// Polls the future through a slot the cancel hook can empty. Once
/// emptied, the task stays pending: nobody waits for it any more, and it
/// holds no waker, so the loop does not wait for it either.
struct Abortable<F> {
    slot: Rc<Slot<F>>,
}

impl<F, U> Future for Abortable<F>
where
    F: Future<Output = Result<U, Error>>,
{
    type Output = Result<U, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut slot = self.slot.borrow_mut();
        let Some(inner) = slot.as_mut() else {
            return Poll::Pending; // aborted
        };
        let polled = inner.as_mut().poll(cx);
        if polled.is_ready() {
            let done = slot.take();
            drop(slot);
            drop(done);
        }
        polled
    }
}

/// A Rust future as a call: `call(&co, |url| future(fetch(url)), url)`.
/// Cancelling the call drops the future (aborting what it was doing).
///
/// ```
/// use baton::{Error, EventLoop, Gen};
/// use baton::runner::{FutureYield, future};
/// use baton::saga::{SagaCo, call_effect, delay_effect, race_effect, run_saga};
/// use std::{cell::Cell, rc::Rc};
///
/// struct Request(Rc<Cell<bool>>);
/// impl Drop for Request { fn drop(&mut self) { self.0.set(true) } }
///
/// let aborted = Rc::new(Cell::new(false));
/// let (a, seen) = (aborted.clone(), aborted.clone());
/// let slow_request = move |()| -> FutureYield<_> {
///     let guard = Request(a.clone());
///     future(async move { let _held = guard; std::future::pending::<Result<u32, Error>>().await })
/// };
/// let p = EventLoop::virtual_clock().run(move || {
///     run_saga(Gen::new(move |co: SagaCo<bool>| async move {
///         co.yield_(race_effect(vec![
///             ("request", call_effect(slow_request, ())),
///             ("timeout", delay_effect(100)),
///         ])).await?;
///         Ok(seen.get()) // already dropped when the saga resumes
///     })).promise()
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(true));
/// ```
impl<F, U> Callee for FutureYield<F>
where
    F: Future<Output = Result<U, Error>> + 'static,
    U: Clone + 'static,
{
    type Output = U;

    fn start(self, _: &Scope, _: fn() -> &'static str) -> Running {
        let slot = Rc::new(RefCell::new(Some(Box::pin(self.into_inner()))));
        let promise = spawn(Abortable { slot: slot.clone() });
        Running::of(promise).on_cancel(move |_| {
            // Cancelled from inside the future's own poll (which cannot
            // happen through the runtime): leave it be.
            let Ok(mut held) = slot.try_borrow_mut() else {
                return;
            };
            let dropped = held.take();
            drop(held);
            drop(dropped);
        })
    }
}
