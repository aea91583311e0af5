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
    pub fn new() -> Self {
        Self::default()
    }

    /// Calls `observer(cause)` when a roll back starts.
    pub fn on_roll_back(&mut self, observer: impl Fn(&Error) + 'static) {
        self.on_roll_back = Some(Box::new(observer));
    }

    /// Calls `observer(index, name, error)` as soon as an undo fails
    /// (`index` counts steps from 0 in the order they completed).
    pub fn on_undo_failure(&mut self, observer: impl Fn(usize, &str, &Error) + 'static) {
        self.on_undo_failure = Some(Box::new(observer));
    }

    /// Registers the undo of a completed step.
    pub fn push(&mut self, name: impl Into<String>, undo: impl FnOnce() -> Effect + 'static) {
        self.undos.push((name.into(), Box::new(undo)));
    }

    /// How many undos are registered.
    pub fn len(&self) -> usize {
        self.undos.len()
    }

    /// Whether no undo is registered.
    pub fn is_empty(&self) -> bool {
        self.undos.is_empty()
    }

    /// Calls `f(arg)`; once it succeeds, registers `undo(&result)` under
    /// `name`.
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
