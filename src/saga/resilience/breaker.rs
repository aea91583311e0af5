//! A circuit breaker: closed → open after a run of failures → half-open
//! after a reset timeout → closed again on a success.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use crate::generator::Abrupt;
use crate::saga::{Callee, SagaCo, call};
use crate::{Error, now};

/// Where a breaker stands.
///
/// ```
/// use baton::saga::resilience::{BreakerState, CircuitBreaker};
/// use std::time::Duration;
///
/// let breaker = CircuitBreaker::new(3, Duration::from_secs(10));
/// assert_eq!(breaker.state(), BreakerState::Closed { failures: 0 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    /// Calls go through; `failures` in a row so far.
    Closed {
        /// Consecutive failures.
        failures: u32,
    },
    /// Calls fail fast until the loop's clock reaches `until`.
    Open {
        /// When a trial call will be let through.
        until: Duration,
    },
    /// One trial call is let through; its outcome closes or reopens.
    HalfOpen,
}

/// The error of a call refused by an open breaker.
///
/// ```
/// use baton::saga::resilience::{CircuitBreaker, CircuitOpen};
/// use baton::saga::{SagaCo, run_saga};
/// use baton::{Error, EventLoop, Gen, Promise};
/// use std::time::Duration;
///
/// let breaker = CircuitBreaker::new(1, Duration::from_millis(500));
/// let p = EventLoop::virtual_clock().run(move || {
///     run_saga(Gen::new(move |co: SagaCo<Option<Duration>>| async move {
///         let _ = breaker.call(&co, |()| Promise::<u8>::reject(Error::msg("down")), ()).await; // opens it
///         match breaker.call(&co, |()| Promise::resolve(1_u8), ()).await {
///             Err(baton::Abrupt::Throw(e)) => Ok(e.downcast_ref::<CircuitOpen>().map(|o| o.retry_after)),
///             _ => Ok(None),
///         }
///     }))
///     .promise()
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(Some(Duration::from_millis(500))));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircuitOpen {
    /// How long until a trial call is let through.
    pub retry_after: Duration,
}

impl fmt::Display for CircuitOpen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Circuit open (retry after {:?})", self.retry_after)
    }
}

impl std::error::Error for CircuitOpen {}

type Listener = Rc<dyn Fn(BreakerState, BreakerState)>;

struct Inner {
    threshold: u32,
    reset: Duration,
    state: Cell<BreakerState>,
    trial_running: Cell<bool>,
    listeners: RefCell<Vec<Listener>>,
}

/// Seed 003's `circuitBreaker`, as a value sagas share: its state is
/// observable ([`state`](Self::state), [`on_change`](Self::on_change)) and
/// time is the loop's (virtual in tests).
///
/// ```
/// use baton::{Error, EventLoop, Gen, Promise};
/// use baton::saga::{SagaCo, delay, run_saga};
/// use baton::saga::resilience::{BreakerState, CircuitBreaker};
/// use std::time::Duration;
///
/// let breaker = CircuitBreaker::new(2, Duration::from_millis(100));
/// let b = breaker.clone();
/// let p = EventLoop::virtual_clock().run(move || {
///     run_saga(Gen::new(move |co: SagaCo<Vec<String>>| async move {
///         let mut seen = Vec::new();
///         for fail in [true, true, false, false] {
///             let op = move |()| if fail { Promise::reject(Error::msg("down")) } else { Promise::resolve(1) };
///             let r = b.call(&co, op, ()).await;
///             seen.push(format!("{:?}", r.map_err(|e| match e { baton::Abrupt::Throw(e) => e.to_string(), _ => String::new() })));
///         }
///         delay(&co, 100).await?;
///         seen.push(format!("{:?}", b.call(&co, |()| Promise::resolve(2), ()).await.ok()));
///         Ok(seen)
///     })).promise()
/// });
/// assert_eq!(p.peek().and_then(Result::ok).unwrap_or_default(), [
///     "Err(\"down\")", "Err(\"down\")",
///     "Err(\"Circuit open (retry after 100ms)\")", "Err(\"Circuit open (retry after 100ms)\")",
///     "Some(2)",
/// ]);
/// assert_eq!(breaker.state(), BreakerState::Closed { failures: 0 });
/// ```
#[derive(Clone)]
pub struct CircuitBreaker {
    inner: Rc<Inner>,
}

impl fmt::Debug for CircuitBreaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CircuitBreaker")
            .field("state", &self.inner.state.get())
            .finish()
    }
}

impl CircuitBreaker {
    /// Opens after `threshold` failures in a row; lets a trial through
    /// `reset` after opening.
    ///
    /// ```
    /// use baton::saga::resilience::CircuitBreaker;
    /// use std::time::Duration;
    ///
    /// let shared = CircuitBreaker::new(5, Duration::from_secs(30));
    /// let for_another_saga = shared.clone(); // clones share the state
    /// assert_eq!(shared.state(), for_another_saga.state());
    /// ```
    pub fn new(threshold: u32, reset: Duration) -> Self {
        CircuitBreaker {
            inner: Rc::new(Inner {
                threshold: threshold.max(1),
                reset,
                state: Cell::new(BreakerState::Closed { failures: 0 }),
                trial_running: Cell::new(false),
                listeners: RefCell::new(Vec::new()),
            }),
        }
    }

    /// The state now (an open breaker past its timeout reads half-open).
    ///
    /// ```
    /// use baton::saga::resilience::{BreakerState, CircuitBreaker};
    /// use baton::saga::{SagaCo, run_saga};
    /// use baton::{Error, EventLoop, Gen, Promise};
    /// use std::time::Duration;
    ///
    /// let breaker = CircuitBreaker::new(2, Duration::from_millis(100));
    /// let b = breaker.clone();
    /// EventLoop::virtual_clock().run(move || {
    ///     run_saga(Gen::new(move |co: SagaCo<()>| async move {
    ///         let _ = b.call(&co, |()| Promise::<u8>::reject(Error::msg("down")), ()).await;
    ///         Ok(())
    ///     }));
    /// });
    /// assert_eq!(breaker.state(), BreakerState::Closed { failures: 1 });
    /// ```
    pub fn state(&self) -> BreakerState {
        match self.inner.state.get() {
            BreakerState::Open { until } if now() >= until => BreakerState::HalfOpen,
            state => state,
        }
    }

    /// Calls `listener(from, to)` on every change of state.
    ///
    /// ```
    /// use baton::saga::resilience::{BreakerState, CircuitBreaker};
    /// use baton::saga::{SagaCo, delay, run_saga};
    /// use baton::{Error, EventLoop, Gen, Promise};
    /// use std::{cell::RefCell, rc::Rc, time::Duration};
    ///
    /// let changes = Rc::new(RefCell::new(Vec::new()));
    /// let c = changes.clone();
    /// let breaker = CircuitBreaker::new(1, Duration::from_millis(100));
    /// breaker.on_change(move |from, to| {
    ///     let name = |s: BreakerState| match s {
    ///         BreakerState::Closed { .. } => "closed",
    ///         BreakerState::Open { .. } => "open",
    ///         BreakerState::HalfOpen => "half-open",
    ///     };
    ///     c.borrow_mut().push(format!("{} -> {}", name(from), name(to)));
    /// });
    /// EventLoop::virtual_clock().run(move || {
    ///     run_saga(Gen::new(move |co: SagaCo<()>| async move {
    ///         let _ = breaker.call(&co, |()| Promise::<u8>::reject(Error::msg("down")), ()).await;
    ///         delay(&co, 100).await?;
    ///         breaker.call(&co, |()| Promise::resolve(1_u8), ()).await?;
    ///         Ok(())
    ///     }));
    /// });
    /// assert_eq!(*changes.borrow(), ["closed -> open", "open -> half-open", "half-open -> closed"]);
    /// ```
    pub fn on_change(&self, listener: impl Fn(BreakerState, BreakerState) + 'static) {
        self.inner.listeners.borrow_mut().push(Rc::new(listener));
    }

    fn set(&self, to: BreakerState) {
        let from = self.inner.state.replace(to);
        if from != to {
            let listeners = self.inner.listeners.borrow().clone();
            for listener in listeners {
                listener(from, to);
            }
        }
    }

    /// Calls `f(arg)` through the breaker: refused with [`CircuitOpen`]
    /// while open, otherwise its outcome counts.
    ///
    /// # Errors
    ///
    /// `Err(Abrupt::Throw(_))` with [`CircuitOpen`] while the circuit is open
    /// (`f` is not called), or with `f`'s own error (which counts as a
    /// failure); `Err(Abrupt::Return(_))` if the saga is cancelled while it
    /// waits (see [errors of an effect](crate::saga#errors-of-an-effect)).
    ///
    /// ```
    /// use baton::saga::resilience::CircuitBreaker;
    /// use baton::saga::{SagaCo, run_saga};
    /// use baton::{EventLoop, Gen, Promise};
    /// use std::time::Duration;
    ///
    /// fn fetch(path: &'static str) -> Promise<usize> { Promise::resolve(path.len()) }
    /// let breaker = CircuitBreaker::new(3, Duration::from_secs(1));
    /// let p = EventLoop::virtual_clock().run(move || {
    ///     run_saga(Gen::new(move |co: SagaCo<usize>| async move { breaker.call(&co, fetch, "/health").await })).promise()
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok), Some(7));
    /// ```
    pub async fn call<T, A, C, F>(
        &self,
        co: &SagaCo<T>,
        f: F,
        arg: A,
    ) -> Result<C::Output, Abrupt<Error, T>>
    where
        A: fmt::Debug + 'static,
        C: Callee,
        F: FnOnce(A) -> C + 'static,
    {
        match self.inner.state.get() {
            BreakerState::Open { until } if now() < until => {
                let retry_after = until - now();
                return Err(Abrupt::Throw(Error::new(CircuitOpen { retry_after })));
            }
            BreakerState::Open { .. } => self.set(BreakerState::HalfOpen),
            _ => {}
        }
        let trial = self.inner.state.get() == BreakerState::HalfOpen;
        if trial && self.inner.trial_running.replace(true) {
            let retry_after = Duration::ZERO;
            return Err(Abrupt::Throw(Error::new(CircuitOpen { retry_after })));
        }
        let outcome = call(co, f, arg).await;
        if trial {
            self.inner.trial_running.set(false);
        }
        match &outcome {
            Ok(_) => self.set(BreakerState::Closed { failures: 0 }),
            Err(Abrupt::Throw(_)) => {
                let failures = match self.inner.state.get() {
                    BreakerState::Closed { failures } => failures + 1,
                    _ => self.inner.threshold,
                };
                if failures >= self.inner.threshold {
                    self.set(BreakerState::Open {
                        // A reset of `Duration::MAX` (never) saturates.
                        until: now().saturating_add(self.inner.reset),
                    });
                } else {
                    self.set(BreakerState::Closed { failures });
                }
            }
            Err(Abrupt::Return(_)) => {}
        }
        outcome
    }
}
