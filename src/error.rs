//! The default dynamic error: what a JavaScript `throw anything` becomes.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// A cheaply clonable error that can carry any value, like a JavaScript
/// exception.
///
/// JavaScript can `throw` (or `reject` with) any value. baton keeps errors
/// typed where the author wants them typed (every generator, and later every
/// promise, is generic over its error type) and offers this type as the
/// convenient default:
///
/// | JavaScript                     | baton                              |
/// |--------------------------------|------------------------------------|
/// | `throw new Error("boom")`      | `Error::msg("boom")`               |
/// | `throw 42` / `throw {code: 1}` | `Error::value(42)`                 |
/// | a caught Node error object     | `Error::new(io_error)` (a source; `?` converts an `io::Error`) |
/// | `e instanceof X` / `e.code`    | `e.downcast_ref::<X>()`            |
///
/// Clones share one allocation, so a rejection delivered to many handlers is
/// not copied.
///
/// ```
/// use baton::Error;
///
/// let e = Error::msg("BOO!");
/// assert_eq!(e.to_string(), "BOO!");
/// let v = Error::value(42_u8);
/// assert_eq!(v.downcast_ref::<u8>(), Some(&42));
/// let io = Error::new(std::io::Error::other("disk"));
/// assert!(std::error::Error::source(&io).is_some());
/// ```
#[derive(Clone)]
pub struct Error(Arc<Repr>);

enum Repr {
    Message(Cow<'static, str>),
    Value(Box<dyn AnyDebug>),
    Source(Box<dyn ErrorAny>),
}

/// A Rust error that can also be downcast.
trait ErrorAny: std::error::Error + Send + Sync + 'static {
    fn as_any(&self) -> &dyn Any;
    fn as_error(&self) -> &(dyn std::error::Error + 'static);
}

impl<T: std::error::Error + Send + Sync + 'static> ErrorAny for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_error(&self) -> &(dyn std::error::Error + 'static) {
        self
    }
}

/// `Any + Debug`, so a thrown value can be both printed and downcast.
trait AnyDebug: Any + fmt::Debug + Send + Sync {
    fn as_any(&self) -> &dyn Any;
}

impl<T: Any + fmt::Debug + Send + Sync> AnyDebug for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Error {
    /// An error with a message, like `new Error(message)`.
    ///
    /// ```
    /// use baton::Error;
    ///
    /// let e = Error::msg(format!("HTTP {}", 404));
    /// assert_eq!(e.to_string(), "HTTP 404");
    /// assert_eq!(e.message(), Some("HTTP 404"));
    /// ```
    pub fn msg(message: impl Into<Cow<'static, str>>) -> Self {
        Error(Arc::new(Repr::Message(message.into())))
    }

    /// Any value thrown as an error, like `throw value`.
    ///
    /// ```
    /// use baton::Error;
    ///
    /// #[derive(Debug, PartialEq)]
    /// struct Code(u16);
    /// let e = Error::value(Code(503));
    /// assert_eq!(e.downcast_ref::<Code>(), Some(&Code(503)));
    /// assert_eq!(e.to_string(), "Code(503)"); // printed with Debug, as Node prints a thrown object
    /// ```
    pub fn value<V: Any + fmt::Debug + Send + Sync>(value: V) -> Self {
        Error(Arc::new(Repr::Value(Box::new(value))))
    }

    /// Wraps a Rust error; it stays reachable through `source()` and
    /// `downcast_ref`.
    ///
    /// ```
    /// use baton::Error;
    /// use std::io;
    ///
    /// let e = Error::new(io::Error::new(io::ErrorKind::NotFound, "config.toml"));
    /// assert_eq!(e.to_string(), "config.toml");
    /// assert_eq!(e.downcast_ref::<io::Error>().map(io::Error::kind), Some(io::ErrorKind::NotFound));
    /// ```
    pub fn new<E: std::error::Error + Send + Sync + 'static>(error: E) -> Self {
        Error(Arc::new(Repr::Source(Box::new(error))))
    }

    /// The message, if this error was made with [`Error::msg`].
    ///
    /// ```
    /// use baton::Error;
    ///
    /// assert_eq!(Error::msg("plain").message(), Some("plain"));
    /// assert_eq!(Error::value(7).message(), None);
    /// ```
    pub fn message(&self) -> Option<&str> {
        match &*self.0 {
            Repr::Message(m) => Some(m),
            _ => None,
        }
    }

    /// The thrown value or wrapped error, if it has type `V`.
    ///
    /// ```
    /// let e = baton::Error::value("a string thrown as is");
    /// assert_eq!(e.downcast_ref::<&str>(), Some(&"a string thrown as is"));
    /// assert_eq!(e.downcast_ref::<String>(), None);
    /// ```
    pub fn downcast_ref<V: Any>(&self) -> Option<&V> {
        match &*self.0 {
            Repr::Message(_) => None,
            Repr::Value(v) => AnyDebug::as_any(&**v).downcast_ref(),
            Repr::Source(e) => ErrorAny::as_any(&**e).downcast_ref(),
        }
    }

    /// Whether two handles are the same thrown error (JavaScript's `===` on
    /// error objects).
    ///
    /// ```
    /// use baton::Error;
    ///
    /// let thrown = Error::msg("once");
    /// let caught = thrown.clone();
    /// assert!(thrown.same(&caught)); // the same error object
    /// assert!(!thrown.same(&Error::msg("once"))); // an equal message is another error
    /// ```
    pub fn same(&self, other: &Error) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            Repr::Message(m) => f.write_str(m),
            Repr::Value(v) => write!(f, "{v:?}"),
            Repr::Source(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            Repr::Message(m) => f.debug_tuple("Error").field(m).finish(),
            Repr::Value(v) => f.debug_tuple("Error::value").field(v).finish(),
            Repr::Source(e) => f.debug_tuple("Error::new").field(e).finish(),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.0 {
            Repr::Source(e) => Some(e.as_error()),
            _ => None,
        }
    }
}

impl From<&'static str> for Error {
    fn from(message: &'static str) -> Self {
        Error::msg(message)
    }
}

impl From<String> for Error {
    fn from(message: String) -> Self {
        Error::msg(message)
    }
}

/// I/O errors convert with `?`, since baton's tasks await tokio's I/O more
/// than anything else. (A conversion from every `std::error::Error` cannot
/// be written: `Error` is one itself. Others take `map_err(Error::new)`.)
///
/// ```
/// use baton::{Error, EventLoop};
///
/// let out = EventLoop::virtual_clock().block_on(async {
///     let text = std::fs::read_to_string("/no/such/file")?;
///     Ok::<_, Error>(text)
/// });
/// let e = out.unwrap_err();
/// assert_eq!(e.downcast_ref::<std::io::Error>().map(|e| e.kind()), Some(std::io::ErrorKind::NotFound));
/// ```
impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Self {
        Error::new(error)
    }
}

/// In a generator's body, `?` on an I/O result throws the error, as it
/// would throw an [`Error`].
///
/// ```
/// use baton::{AsyncGen, Co, Error, EventLoop};
/// use baton::async_gen::AsyncIteratorExt;
///
/// let lines = AsyncGen::new(|co: Co<String, (), (), Error>| async move {
///     let text = std::fs::read_to_string("/no/such/file")?;
///     for line in text.lines() {
///         co.yield_(line.to_owned()).await?;
///     }
///     Ok(())
/// });
/// let out = EventLoop::virtual_clock().block_on(lines.to_vec());
/// assert!(out.unwrap_err().downcast_ref::<std::io::Error>().is_some());
/// ```
impl<T> From<std::io::Error> for crate::Abrupt<Error, T> {
    fn from(error: std::io::Error) -> Self {
        crate::Abrupt::Throw(Error::new(error))
    }
}
