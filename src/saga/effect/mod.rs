//! Effects as data: a description tests and traces can read, and how the
//! runtime performs it.

use std::any::Any;
use std::fmt;
use std::rc::Rc;

mod object;
mod running;
mod typed;

pub use object::Effect;
pub use running::Running;
pub(crate) use running::{
    Handoff, Listening, Settled, Source, Stop, StopParts, Waiter, queue_resume_unit, stopper,
};
pub(crate) use typed::{
    Name, downcast, into_value, short_name, take_value, wants_values, yield_typed,
};

/// A value produced by an effect, on its way back into the saga.
///
/// ```
/// use baton::saga::{SagaCo, Stepper, Value, delay_effect};
/// use baton::Gen;
///
/// // A raw yield resumes with a `Value`: downcast it to the type the effect produces.
/// let saga = Gen::new(|co: SagaCo<u32>| async move {
///     let value: Value = co.yield_(delay_effect(1)).await?;
///     Ok(*value.downcast_ref::<u32>().unwrap_or(&0))
/// });
/// let mut steps = Stepper::new(saga);
/// steps.next_effect().ok();
/// assert_eq!(steps.feed(7_u32).err().and_then(Result::ok), Some(7));
/// ```
pub type Value = Rc<dyn Any>;

/// The value of an effect that produces nothing (JavaScript's
/// `undefined`): one `Rc` per thread, so handing it out allocates nothing.
pub(crate) fn unit() -> Value {
    thread_local! {
        static UNIT: Value = Rc::new(());
    }
    UNIT.with(Value::clone)
}

/// What kind of work an effect describes.
///
/// ```
/// use baton::saga::{Kind, all_effect, call_effect, delay_effect};
/// use baton::Promise;
///
/// fn ping(n: u8) -> Promise<u8> { Promise::resolve(n) }
/// let kinds: Vec<Kind> = [call_effect(ping, 1), delay_effect(5), all_effect(vec![])]
///     .iter()
///     .map(|e| e.describe().kind)
///     .collect();
/// assert_eq!(kinds, [Kind::Call, Kind::Delay, Kind::All]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// Call a function returning a promise, a value or a saga (blocking).
    Call,
    /// Call a function in Node's callback style, `f(args…, done)`
    /// (blocking; redux-saga's `cps`).
    Cps,
    /// Wait.
    Delay,
    /// Run several effects in parallel; the first failure cancels the rest.
    All,
    /// Run several effects; the first to settle wins, the others are
    /// cancelled.
    Race,
    /// Start an attached child saga (non-blocking).
    Fork,
    /// Start a detached saga (non-blocking).
    Spawn,
    /// Wait for a task to finish.
    Join,
    /// Cancel a task (non-blocking; `cancel_and_wait` blocks until it has
    /// ended).
    Cancel,
    /// Ask whether this saga is being cancelled.
    Cancelled,
    /// Read the store's state.
    Select,
    /// Dispatch an action to the store.
    Put,
    /// Wait for an action (or a channel's next message).
    Take,
    /// Read or set a value of the saga's context.
    Context,
    /// Enter or leave a region a cancellation waits for
    /// ([`uninterruptible`](crate::saga::uninterruptible)).
    Uninterruptible,
    /// An effect defined by the saga's author ([`Effect::custom`]).
    Custom,
}

/// An effect as data: what it is, readable by tests and traces.
///
/// ```
/// use baton::saga::{Description, Kind, call_effect};
/// use baton::Promise;
///
/// fn save(record: (u32, &'static str)) -> Promise<()> { Promise::resolve(()) }
/// let d: Description = call_effect(save, (7, "Ada")).describe();
/// assert_eq!(d, Description { kind: Kind::Call, name: "save".into(), args: "(7, \"Ada\")".into() });
/// assert_eq!(d.to_string(), "Call save((7, \"Ada\"))");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Description {
    /// The kind of effect.
    pub kind: Kind,
    /// The called function's name (for calls), or the effect's name.
    pub name: String,
    /// The arguments, as `Debug` prints them.
    pub args: String,
}

impl fmt::Display for Description {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} {}({})", self.kind, self.name, self.args)
    }
}
