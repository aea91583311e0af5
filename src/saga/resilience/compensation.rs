//! Compensation (seed 003's `bookingTransaction`): each completed step
//! registers its undo; on failure the undos run in reverse.

use std::fmt;

use crate::Error;
use crate::generator::Abrupt;
use crate::saga::{Callee, Effect, SagaCo, call};

use super::unwind::{OnFailure, Undo, unwind};

type OnRollBack = Box<dyn Fn(&Error)>;

/// The undos of the steps completed so far, run newest first on
/// [`roll_back`](Self::roll_back).
///
/// ```
/// use baton::saga::resilience::Compensations;
/// use baton::saga::{SagaCo, call_effect, run_saga};
/// use baton::{Error, EventLoop, Gen, Promise};
/// use std::{cell::RefCell, rc::Rc};
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// let p = EventLoop::virtual_clock().run(move || {
///     run_saga(Gen::new(move |co: SagaCo<Vec<String>>| async move {
///         let mut undo = Compensations::new();
///         for step in ["reserve", "charge"] {
///             let l = l.clone();
///             undo.push(step, move || call_effect(move |()| { l.borrow_mut().push(format!("undo {step}")); Promise::resolve(()) }, ()));
///         }
///         let report = undo.roll_back(&co, Error::msg("shipping failed")).await?;
///         Ok(report.undone)
///     }))
///     .promise()
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(vec!["charge".to_string(), "reserve".to_string()]));
/// assert_eq!(*log.borrow(), ["undo charge", "undo reserve"]);
/// ```
#[derive(Default)]
pub struct Compensations {
    undos: Vec<(String, Undo)>,
    on_roll_back: Option<OnRollBack>,
    on_undo_failure: Option<OnFailure>,
}

impl fmt::Debug for Compensations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.undos.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Compensations")
            .field("undos", &names)
            .finish()
    }
}

/// A transaction that failed and was rolled back: the original cause, and
/// the undos that failed in turn (the others ran).
///
/// ```
/// use baton::saga::resilience::{RolledBack, transaction};
/// use baton::saga::{SagaCo, call_effect, run_saga};
/// use baton::{Error, EventLoop, Gen, Promise};
///
/// let p = EventLoop::virtual_clock().run(|| {
///     run_saga(Gen::new(|co: SagaCo<u32>| async move {
///         let refund = |_: &u32| call_effect(|()| Promise::<()>::reject(Error::msg("bank offline")), ());
///         transaction(&co, async |tx| {
///             tx.step(&co, "charge", |()| Promise::resolve(10), (), refund).await?;
///             Err(baton::Abrupt::Throw(Error::msg("out of stock")))
///         })
///         .await
///     }))
///     .promise()
/// });
/// let error = p.peek().and_then(Result::err).expect("rolled back");
/// let rolled = error.downcast_ref::<RolledBack>().expect("a RolledBack");
/// assert_eq!(rolled.cause.to_string(), "out of stock");
/// assert_eq!(rolled.failed.len(), 1); // the refund itself failed
/// assert_eq!(rolled.failed[0].0, "charge");
/// ```
#[derive(Debug, Clone)]
pub struct RolledBack {
    /// Why the transaction failed.
    pub cause: Error,
    /// The undos that ran, newest first.
    pub undone: Vec<String>,
    /// The undos that failed, with their errors.
    pub failed: Vec<(String, Error)>,
}

impl fmt::Display for RolledBack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "failed and rolled back: {}", self.cause)?;
        for (name, error) in &self.failed {
            write!(f, "; undo `{name}` failed: {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RolledBack {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.cause)
    }
}

impl Compensations {
    /// No steps yet.
    ///
    /// ```
    /// use baton::saga::resilience::Compensations;
    ///
    /// let undo = Compensations::new();
    /// assert!(undo.is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Calls `observer(cause)` when a roll back starts.
    ///
    /// ```
    /// use baton::saga::resilience::Compensations;
    /// use baton::saga::{SagaCo, run_saga};
    /// use baton::{Error, EventLoop, Gen};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// let seen = Rc::new(RefCell::new(Vec::new()));
    /// let s = seen.clone();
    /// EventLoop::virtual_clock().run(move || {
    ///     run_saga(Gen::new(move |co: SagaCo<()>| async move {
    ///         let mut undo = Compensations::new();
    ///         undo.on_roll_back(move |cause| s.borrow_mut().push(cause.to_string()));
    ///         undo.roll_back(&co, Error::msg("timeout")).await?;
    ///         Ok(())
    ///     }));
    /// });
    /// assert_eq!(*seen.borrow(), ["timeout"]);
    /// ```
    pub fn on_roll_back(&mut self, observer: impl Fn(&Error) + 'static) {
        self.on_roll_back = Some(Box::new(observer));
    }

    /// Calls `observer(index, name, error)` as soon as an undo fails
    /// (`index` counts steps from 0 in the order they completed).
    ///
    /// ```
    /// use baton::saga::resilience::Compensations;
    /// use baton::saga::{SagaCo, call_effect, run_saga};
    /// use baton::{Error, EventLoop, Gen, Promise};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// let seen = Rc::new(RefCell::new(Vec::new()));
    /// let s = seen.clone();
    /// EventLoop::virtual_clock().run(move || {
    ///     run_saga(Gen::new(move |co: SagaCo<()>| async move {
    ///         let mut undo = Compensations::new();
    ///         undo.on_undo_failure(move |i, name, e| s.borrow_mut().push(format!("{i} {name}: {e}")));
    ///         undo.push("ok step", || call_effect(|()| Promise::resolve(()), ()));
    ///         undo.push("bad step", || call_effect(|()| Promise::<()>::reject(Error::msg("stuck")), ()));
    ///         undo.roll_back(&co, Error::msg("cause")).await?;
    ///         Ok(())
    ///     }));
    /// });
    /// assert_eq!(*seen.borrow(), ["1 bad step: stuck"]);
    /// ```
    pub fn on_undo_failure(&mut self, observer: impl Fn(usize, &str, &Error) + 'static) {
        self.on_undo_failure = Some(Box::new(observer));
    }

    /// Registers the undo of a completed step.
    ///
    /// ```
    /// use baton::saga::resilience::Compensations;
    /// use baton::saga::delay_effect;
    ///
    /// let mut undo = Compensations::new();
    /// undo.push("wait it out", || delay_effect(10));
    /// assert_eq!(undo.len(), 1);
    /// ```
    pub fn push(&mut self, name: impl Into<String>, undo: impl FnOnce() -> Effect + 'static) {
        self.undos.push((name.into(), Box::new(undo)));
    }

    /// How many undos are registered.
    ///
    /// ```
    /// use baton::saga::resilience::Compensations;
    /// use baton::saga::delay_effect;
    ///
    /// let mut undo = Compensations::new();
    /// undo.push("a", || delay_effect(1));
    /// undo.push("b", || delay_effect(1));
    /// assert_eq!(undo.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.undos.len()
    }

    /// Whether no undo is registered.
    ///
    /// ```
    /// use baton::saga::resilience::Compensations;
    /// use baton::saga::delay_effect;
    ///
    /// let mut undo = Compensations::new();
    /// assert!(undo.is_empty());
    /// undo.push("a", || delay_effect(1));
    /// assert!(!undo.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.undos.is_empty()
    }

    /// Calls `f(arg)`; once it succeeds, registers `undo(&result)` under
    /// `name`.
    ///
    /// # Errors
    ///
    /// `Err(Abrupt::Throw(e))` when `f` fails with `e` (nothing is registered);
    /// `Err(Abrupt::Return(_))` if the saga is cancelled while it waits (see
    /// [errors of an effect](crate::saga#errors-of-an-effect)).
    ///
    /// ```
    /// use baton::saga::resilience::Compensations;
    /// use baton::saga::{SagaCo, call_effect, run_saga};
    /// use baton::{EventLoop, Gen, Promise};
    ///
    /// fn book(seat: u32) -> Promise<String> { Promise::resolve(format!("ticket {seat}")) }
    /// fn release(ticket: String) -> Promise<()> { let _ = ticket; Promise::resolve(()) }
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     run_saga(Gen::new(|co: SagaCo<(String, usize)>| async move {
    ///         let mut undo = Compensations::new();
    ///         let ticket = undo.step(&co, "book", book, 12, |t: &String| call_effect(release, t.clone())).await?;
    ///         Ok((ticket, undo.len()))
    ///     }))
    ///     .promise()
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok), Some(("ticket 12".to_string(), 1)));
    /// ```
    pub async fn step<T, A, C, F>(
        &mut self,
        co: &SagaCo<T>,
        name: impl Into<String>,
        f: F,
        arg: A,
        undo: impl FnOnce(&C::Output) -> Effect + 'static,
    ) -> Result<C::Output, Abrupt<Error, T>>
    where
        A: fmt::Debug + 'static,
        C: Callee,
        F: FnOnce(A) -> C + 'static,
    {
        let done = call(co, f, arg).await?;
        let undo = undo(&done);
        self.push(name, move || undo);
        Ok(done)
    }

    /// Runs every undo, newest first, each as an effect; a failing undo is
    /// recorded and the rest still run. Returns what happened, with
    /// `cause` as the reason.
    ///
    /// # Errors
    ///
    /// Only `Err(Abrupt::Return(_))`, if the saga is cancelled during the
    /// undos: a failing undo is recorded in the result, not thrown.
    ///
    /// ```
    /// use baton::saga::resilience::Compensations;
    /// use baton::saga::{SagaCo, delay_effect, run_saga};
    /// use baton::{Error, EventLoop, Gen, now};
    /// use std::time::Duration;
    ///
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     run_saga(Gen::new(|co: SagaCo<(usize, Duration)>| async move {
    ///         let mut undo = Compensations::new();
    ///         undo.push("slow undo", || delay_effect(30)); // undos are effects: they can wait
    ///         undo.push("quick undo", || delay_effect(10));
    ///         let report = undo.roll_back(&co, Error::msg("failed")).await?;
    ///         Ok((report.undone.len(), now()))
    ///     }))
    ///     .promise()
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok), Some((2, Duration::from_millis(40)))); // one after another
    /// ```
    pub async fn roll_back<T>(
        &mut self,
        co: &SagaCo<T>,
        cause: Error,
    ) -> Result<RolledBack, Abrupt<Error, T>> {
        if let Some(observer) = &self.on_roll_back {
            observer(&cause);
        }
        let unwound = unwind(co, &mut self.undos, self.on_undo_failure.as_ref()).await?;
        Ok(RolledBack {
            cause,
            undone: unwound.done,
            failed: unwound.failed,
        })
    }
}

/// Runs `body` as a transaction: if it throws, the registered undos run in
/// reverse and the saga gets a [`RolledBack`] naming the original cause;
/// if the saga is cancelled meanwhile, they run too.
///
/// # Errors
///
/// `Err(Abrupt::Throw(_))` with a [`RolledBack`] once the undos have run, when
/// `body` throws; `Err(Abrupt::Return(_))` when the saga is cancelled, after
/// the undos.
///
/// ```
/// use baton::{Error, EventLoop, Gen, Promise};
/// use baton::saga::{Effect, SagaCo, call_effect, run_saga, resilience::{RolledBack, transaction}};
/// use std::{cell::RefCell, rc::Rc};
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// let p = EventLoop::virtual_clock().run(move || {
///     run_saga(Gen::new(move |co: SagaCo<u32>| async move {
///         let undo = |what: &'static str| {
///             let l = l.clone();
///             move |_: &u32| call_effect(move |()| { l.borrow_mut().push(what); Promise::resolve(()) }, ())
///         };
///         transaction(&co, async |tx| {
///             tx.step(&co, "flight", |()| Promise::resolve(1), (), undo("cancel flight")).await?;
///             tx.step(&co, "hotel", |()| Promise::resolve(2), (), undo("cancel hotel")).await?;
///             tx.step(&co, "car", |()| Promise::<u32>::reject(Error::msg("no cars")), (), undo("cancel car")).await
///         }).await
///     })).promise()
/// });
/// let error = p.peek().and_then(Result::err).expect("rolled back");
/// assert_eq!(error.to_string(), "failed and rolled back: no cars");
/// assert_eq!(*log.borrow(), ["cancel hotel", "cancel flight"]);
/// ```
pub async fn transaction<T, U>(
    co: &SagaCo<T>,
    body: impl AsyncFnOnce(&mut Compensations) -> Result<U, Abrupt<Error, T>>,
) -> Result<U, Abrupt<Error, T>> {
    let mut steps = Compensations::new();
    match body(&mut steps).await {
        Ok(value) => Ok(value),
        Err(Abrupt::Throw(cause)) => {
            let report = steps.roll_back(co, cause).await?;
            Err(Abrupt::Throw(Error::new(report)))
        }
        Err(Abrupt::Return(value)) => {
            steps.roll_back(co, Error::msg("cancelled")).await?;
            Err(Abrupt::Return(value))
        }
    }
}
