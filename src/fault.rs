//! Failures baton raises itself, and what a promise's error type must be.

use std::fmt;

/// A failure raised by baton rather than by user code: a panic caught in a
/// callback, or a misuse that JavaScript would report as a `TypeError`.
///
/// Promise error types convert from it ([`Reason`]), so a handler that
/// panics rejects its derived promise instead of tearing down the loop, as
/// a JavaScript handler that throws does.
///
/// ```
/// use baton::{Error, Fault, FaultKind};
///
/// let e: Error = Fault::new(FaultKind::Panic, "index out of bounds").into();
/// assert_eq!(e.downcast_ref::<Fault>().map(Fault::kind), Some(FaultKind::Panic));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    kind: FaultKind,
    message: String,
}

/// What went wrong, for a [`Fault`].
///
/// ```
/// use baton::{EventLoop, FaultKind, Promise};
///
/// let stalled = EventLoop::virtual_clock().block_on(async {
///     Promise::<u8>::with_resolver().0.await // nobody will ever resolve it
/// });
/// let e = stalled.unwrap_err();
/// assert_eq!(e.downcast_ref::<baton::Fault>().map(|f| f.kind()), Some(FaultKind::Stalled));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FaultKind {
    /// A callback (promise handler, timer, task) panicked.
    Panic,
    /// A promise was resolved with itself (JavaScript's `TypeError: Chaining
    /// cycle detected for promise`).
    ChainingCycle,
    /// The event loop ran out of work while a result was still awaited: it
    /// can never arrive.
    Stalled,
    /// A generator handed to the runner had already completed.
    Exhausted,
    /// A wait took longer than its limit.
    TimedOut,
    /// A promise began to wait outside any run of its thread's event loop,
    /// where nothing settles it until a run does: told once a thread, to
    /// the uncaught hook (await baton's futures inside a run, such as
    /// [`EventLoop::block_on`](crate::EventLoop::block_on)'s).
    OutsideRun,
    /// A blocking run of the loop ([`EventLoop::run`](crate::EventLoop::run),
    /// [`EventLoop::block_on`](crate::EventLoop::block_on)) made inside a
    /// current-thread tokio runtime waited two seconds for a wake-up from
    /// outside: if it blocks that runtime, the runtime's timers and I/O
    /// cannot wake it. Told once a run, to the uncaught hook; inside a
    /// runtime, await `EventLoop::run_async` (the `tokio` feature).
    BlockedRuntime,
}

impl Fault {
    /// A fault of `kind` with a message.
    ///
    /// ```
    /// use baton::{Fault, FaultKind};
    ///
    /// let f = Fault::new(FaultKind::TimedOut, "no reply in 5 s");
    /// assert_eq!(f.to_string(), "timed out: no reply in 5 s");
    /// ```
    pub fn new(kind: FaultKind, message: impl Into<String>) -> Self {
        Fault {
            kind,
            message: message.into(),
        }
    }

    /// The fault's kind.
    ///
    /// ```
    /// use baton::{Error, EventLoop, Fault, FaultKind, Promise};
    ///
    /// let p = EventLoop::virtual_clock().run(|| Promise::<u8>::resolve(1).map(|_| -> u8 { panic!("bug") }));
    /// let error: Error = p.peek().and_then(Result::err).expect("the panic rejected it");
    /// assert_eq!(error.downcast_ref::<Fault>().map(Fault::kind), Some(FaultKind::Panic));
    /// ```
    pub fn kind(&self) -> FaultKind {
        self.kind
    }

    /// The message.
    ///
    /// ```
    /// use baton::{Fault, FaultKind};
    ///
    /// assert_eq!(Fault::new(FaultKind::Exhausted, "already done").message(), "already done");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A fault from a caught panic's payload.
    pub(crate) fn from_panic(payload: &(dyn std::any::Any + Send)) -> Self {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic with a non-string payload".to_string());
        Fault::new(FaultKind::Panic, message)
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            FaultKind::Panic => "panic",
            FaultKind::ChainingCycle => "TypeError",
            FaultKind::Stalled => "stalled",
            FaultKind::Exhausted => "exhausted",
            FaultKind::TimedOut => "timed out",
            FaultKind::OutsideRun => "outside a run",
            FaultKind::BlockedRuntime => "blocked runtime",
        };
        write!(f, "{kind}: {}", self.message)
    }
}

impl std::error::Error for Fault {}

impl From<Fault> for crate::Error {
    fn from(fault: Fault) -> Self {
        crate::Error::new(fault)
    }
}

/// What a promise's error type must offer: cheap to clone (every handler
/// gets the reason), printable (unhandled rejections are reported), and able
/// to carry a [`Fault`]. [`Error`](crate::Error) is the default; a typed
/// error needs `Clone`, `Debug` and one `From<Fault>` impl.
///
/// ```
/// use baton::{EventLoop, Fault, Promise};
///
/// // A typed rejection reason: Clone + Debug + From<Fault>.
/// #[derive(Debug, Clone, PartialEq)]
/// enum ApiError {
///     NotFound,
///     Internal(String),
/// }
/// impl From<Fault> for ApiError {
///     fn from(fault: Fault) -> Self {
///         ApiError::Internal(fault.to_string())
///     }
/// }
/// let p = EventLoop::virtual_clock().run(|| {
///     Promise::<u8, ApiError>::reject(ApiError::NotFound)
///         .catch(|e| if e == ApiError::NotFound { Ok(0) } else { Err(e) })
/// });
/// assert_eq!(p.peek(), Some(Ok(0)));
/// ```
pub trait Reason: Clone + fmt::Debug + From<Fault> + 'static {}

impl<E: Clone + fmt::Debug + From<Fault> + 'static> Reason for E {}
