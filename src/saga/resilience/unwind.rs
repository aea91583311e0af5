//! What compensation and resource scopes share: a stack of effects that
//! undo what was done, run newest first.

use crate::Error;
use crate::generator::Abrupt;
use crate::saga::{Effect, SagaCo};

/// An effect that undoes one thing (an undo, a release), made when run.
pub(crate) type Undo = Box<dyn FnOnce() -> Effect>;

/// Told of each failing undo: its index (from 0, in the order things were
/// done), its name, its error.
pub(crate) type OnFailure = Box<dyn Fn(usize, &str, &Error)>;

/// What unwinding did.
#[derive(Default)]
pub(crate) struct Unwound {
    /// The undos that ran, newest first.
    pub(crate) done: Vec<String>,
    /// The undos that failed, with their errors.
    pub(crate) failed: Vec<(String, Error)>,
}

/// Runs every undo on `stack`, newest first, each as an effect of the saga.
/// A failing undo is reported and recorded and the rest still run; a
/// cancellation arriving meanwhile does not cut the unwinding short — it
/// is returned once everything has run. The stack is empty afterwards, so
/// each undo runs once.
pub(crate) async fn unwind<T>(
    co: &SagaCo<T>,
    stack: &mut Vec<(String, Undo)>,
    on_failure: Option<&OnFailure>,
) -> Result<Unwound, Abrupt<Error, T>> {
    let mut unwound = Unwound::default();
    let mut stopped = None;
    while let Some((name, undo)) = stack.pop() {
        match co.yield_(undo()).await {
            Ok(_) => unwound.done.push(name),
            Err(Abrupt::Throw(error)) => {
                if let Some(observer) = on_failure {
                    observer(stack.len(), &name, &error);
                }
                unwound.failed.push((name, error));
            }
            Err(abrupt) => stopped = Some(abrupt),
        }
    }
    stopped.map_or(Ok(unwound), Err)
}
