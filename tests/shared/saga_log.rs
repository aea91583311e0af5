//! What the saga tree's tests share: a log stamped with the loop's time,
//! a task's outcome as a line, and a cancellation set for later.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use baton::saga::{Cancelled, Task};
use baton::{Error, now, set_timeout};

/// A log of `"<ms> <line>"` entries.
#[derive(Clone, Default)]
pub struct Log(Rc<RefCell<Vec<String>>>);

impl Log {
    pub fn say(&self, line: impl std::fmt::Display) {
        let ms = now().as_millis();
        self.0.borrow_mut().push(format!("{ms} {line}"));
    }

    pub fn lines(&self) -> Vec<String> {
        self.0.borrow().clone()
    }
}

/// `pending`, `ok <value>`, `cancelled: <reason>` or `failed: <error>`.
pub fn outcome<T: Clone + std::fmt::Debug + 'static>(task: &Task<T>) -> String {
    match task.promise().peek() {
        None => "pending".into(),
        Some(Ok(v)) => format!("ok {v:?}"),
        Some(Err(e)) if Cancelled::is(&e) => format!("cancelled: {e}"),
        Some(Err(e)) => format!("failed: {e}"),
    }
}

/// Cancels `task` with `reason` `ms` from now.
pub fn cancel_after<T: Clone + 'static>(task: &Task<T>, ms: u64, reason: &'static str) {
    let task = task.clone();
    set_timeout(
        move || task.cancel(Error::msg(reason)),
        Duration::from_millis(ms),
    );
}
