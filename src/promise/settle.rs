//! What a promise can be resolved with: a value, a rejection, another
//! promise (adopted), or a foreign thenable.

use super::{Promise, Resolver};

/// How a promise gets its outcome.
///
/// Resolving with a promise or a thenable *adopts* it: the outcome comes
/// later, after the same number of microtask turns as in JavaScript (two for
/// a promise: the "resolve thenable job", then its reaction).
///
/// ```
/// use baton::{Error, EventLoop, Promise, Resolution};
///
/// let p = EventLoop::virtual_clock().run(|| {
///     Promise::<u32>::resolve(3).then(|n| match n {
///         0 => Resolution::Reject(Error::msg("zero")),
///         n if n < 10 => Resolution::Adopt(Promise::resolve(n * 10)), // two more turns
///         n => Resolution::Value(n),
///     })
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(30));
/// ```
pub enum Resolution<T, E> {
    /// Fulfil with this value.
    Value(T),
    /// Reject with this reason.
    Reject(E),
    /// Follow another promise.
    Adopt(Promise<T, E>),
    /// Follow a foreign thenable.
    Thenable(Box<dyn Thenable<T, E>>),
}

impl<T, E> std::fmt::Debug for Resolution<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Resolution::Value(_) => "Resolution::Value(..)",
            Resolution::Reject(_) => "Resolution::Reject(..)",
            Resolution::Adopt(_) => "Resolution::Adopt(..)",
            Resolution::Thenable(_) => "Resolution::Thenable(..)",
        })
    }
}

/// Anything a promise handler (or an async task) may produce:
/// `Result<T, E>` (a value, or a thrown error), a `Promise<T, E>` to adopt,
/// or an explicit [`Resolution`].
///
/// ```
/// use baton::{Error, EventLoop, Promise, Resolution, Settle};
///
/// // A handler may return any `Settle`: here, a custom outcome type.
/// enum Lookup {
///     Found(u32),
///     Missing,
/// }
/// impl Settle<u32, Error> for Lookup {
///     fn into_resolution(self) -> Resolution<u32, Error> {
///         match self {
///             Lookup::Found(v) => Resolution::Value(v),
///             Lookup::Missing => Resolution::Reject(Error::msg("missing")),
///         }
///     }
/// }
/// let p = EventLoop::virtual_clock().run(|| {
///     Promise::<&str>::resolve("id-7").then(|id| if id.ends_with('7') { Lookup::Found(7) } else { Lookup::Missing })
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(7));
/// ```
pub trait Settle<T, E> {
    /// Converts into a resolution.
    ///
    /// ```
    /// use baton::{Error, Promise, Resolution, Settle};
    ///
    /// let thrown: Result<u8, Error> = Err(Error::msg("no"));
    /// assert!(matches!(thrown.into_resolution(), Resolution::Reject(_)));
    /// assert!(matches!(Promise::<u8>::resolve(1).into_resolution(), Resolution::Adopt(_)));
    /// ```
    fn into_resolution(self) -> Resolution<T, E>;
}

impl<T, E> Settle<T, E> for Result<T, E> {
    fn into_resolution(self) -> Resolution<T, E> {
        match self {
            Ok(v) => Resolution::Value(v),
            Err(e) => Resolution::Reject(e),
        }
    }
}

impl<T, E> Settle<T, E> for Promise<T, E> {
    fn into_resolution(self) -> Resolution<T, E> {
        Resolution::Adopt(self)
    }
}

impl<T, E> Settle<T, E> for Resolution<T, E> {
    fn into_resolution(self) -> Resolution<T, E> {
        self
    }
}

/// A foreign "thenable": an object with a `then` that will eventually call
/// the resolver (JavaScript's duck-typed promise-likes).
///
/// ```
/// use baton::{EventLoop, Promise, Resolution, Resolver, Thenable};
///
/// struct Answer;
/// impl Thenable<u32, baton::Error> for Answer {
///     fn then(self: Box<Self>, resolver: Resolver<u32, baton::Error>) {
///         resolver.resolve(42);
///     }
/// }
///
/// let p = EventLoop::virtual_clock().run(|| {
///     Promise::new(|r| r.resolve_with(Resolution::Thenable(Box::new(Answer))))
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(42));
/// ```
pub trait Thenable<T, E> {
    /// Called in a microtask after the promise was resolved with this
    /// thenable.
    ///
    /// ```
    /// use baton::{EventLoop, Promise, Resolution, Resolver, Thenable, set_timeout};
    /// use std::time::Duration;
    ///
    /// // A thenable that settles later, from a timer.
    /// struct Later(u32);
    /// impl Thenable<u32, baton::Error> for Later {
    ///     fn then(self: Box<Self>, resolver: Resolver<u32, baton::Error>) {
    ///         set_timeout(move || resolver.resolve(self.0), Duration::from_millis(5));
    ///     }
    /// }
    /// let p = EventLoop::virtual_clock().run(|| Promise::from_resolution(Resolution::Thenable(Box::new(Later(8)))));
    /// assert_eq!(p.peek().and_then(Result::ok), Some(8));
    /// ```
    fn then(self: Box<Self>, resolver: Resolver<T, E>);
}
