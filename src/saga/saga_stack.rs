//! The saga stack: which task an error began in, which tasks it went up
//! through, and which it cancelled on its way (redux-saga's `sagaStack`,
//! given to [`Runtime::on_error`](super::Runtime::on_error)).
//!
//! A trail is kept per error, not in one list for the thread as
//! redux-saga keeps it: two errors failing at once keep their own stacks,
//! and an error a saga caught leaves nothing in the next one's. The trails
//! are kept only when a hook is set, and only until the error reaches a
//! root or spawned task; those of errors caught on the way are dropped,
//! oldest first, beyond [`OPEN_TRAILS`].

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use super::task::TaskId;
use crate::{Error, Fault};

/// How many errors' trails are kept at once (errors caught on their way
/// up leave theirs open until they are pushed out).
const OPEN_TRAILS: usize = 64;

/// Where a failure went in a saga tree: given with the error to the hook
/// of [`Runtime::on_error`](super::Runtime::on_error) when it fails a root
/// or a spawned task.
///
/// Its `Display` is redux-saga's:
///
/// ```text
/// The above error occurred in task grandchild
///     created by child
///     created by checkout
/// Tasks cancelled due to error:
/// child
/// sibling
/// ```
///
/// ```
/// use baton::saga::{Runtime, Saga, SagaCo, delay, fork};
/// use baton::{Error, EventLoop, Gen};
/// use std::{cell::RefCell, rc::Rc};
///
/// fn payment(_: ()) -> impl Saga<Output = ()> {
///     Gen::new(|co: SagaCo<()>| async move {
///         delay(&co, 10).await?;
///         Err(Error::msg("card declined").into())
///     })
/// }
/// let reports = Rc::new(RefCell::new(Vec::new()));
/// let seen = reports.clone();
/// let runtime = Runtime::new().on_error(move |error, stack| {
///     seen.borrow_mut().push(format!("{error}\n{stack}"));
/// });
/// EventLoop::virtual_clock().run(|| {
///     runtime.run("checkout", Gen::new(|co: SagaCo<()>| async move {
///         fork(&co, payment, ()).await?;
///         delay(&co, 100).await
///     }));
/// });
/// assert_eq!(*reports.borrow(), ["card declined\n\
///     The above error occurred in task payment\n    \
///         created by checkout\n\
///     Tasks cancelled due to error:\n\
///     checkout"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SagaStack {
    tasks: Vec<SagaFrame>,
    cancelled: Vec<SagaFrame>,
}

/// A task in a [`SagaStack`]: its number and its name.
///
/// ```
/// use baton::saga::{Runtime, SagaCo};
/// use baton::{Error, EventLoop, Gen};
/// use std::{cell::RefCell, rc::Rc};
///
/// let frames = Rc::new(RefCell::new(Vec::new()));
/// let seen = frames.clone();
/// let runtime = Runtime::new().on_error(move |_, stack| {
///     let first = &stack.tasks()[0];
///     seen.borrow_mut().push(format!("{} {}", first.name, first.task));
/// });
/// let task = EventLoop::virtual_clock().run(|| {
///     runtime.run("import", Gen::new(|_co: SagaCo<()>| async move {
///         Err(Error::msg("bad file").into())
///     }))
/// });
/// assert_eq!(*frames.borrow(), [format!("import {}", task.id())]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SagaFrame {
    /// The task's number in its runtime.
    pub task: TaskId,
    /// Its name ([`Task::name`](super::Task::name)).
    pub name: String,
}

impl SagaFrame {
    pub(crate) fn new(task: TaskId, name: impl Into<String>) -> Self {
        SagaFrame {
            task,
            name: name.into(),
        }
    }
}

impl SagaStack {
    /// The tasks the error failed, first the one it began in, then each
    /// it went up to (a forked task's parent, a called saga's caller, a
    /// joined task's joiner failing with the same error).
    ///
    /// ```
    /// use baton::saga::{Runtime, Saga, SagaCo, call};
    /// use baton::{Error, EventLoop, Gen};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// fn parse(_: ()) -> impl Saga<Output = ()> {
    ///     Gen::new(|_co: SagaCo<()>| async move { Err(Error::msg("bad row").into()) })
    /// }
    /// let names = Rc::new(RefCell::new(Vec::new()));
    /// let seen = names.clone();
    /// let runtime = Runtime::new().on_error(move |_, stack| {
    ///     seen.borrow_mut().extend(stack.tasks().iter().map(|frame| frame.name.clone()));
    /// });
    /// EventLoop::virtual_clock().run(|| {
    ///     runtime.run("import", Gen::new(|co: SagaCo<()>| async move {
    ///         call(&co, parse, ()).await
    ///     }));
    /// });
    /// assert_eq!(*names.borrow(), ["parse", "import"]);
    /// ```
    pub fn tasks(&self) -> &[SagaFrame] {
        &self.tasks
    }

    /// The tasks whose work the error cancelled, in the order it did: at
    /// each task it failed, that task's body (if still running) and its
    /// attached children.
    ///
    /// ```
    /// use baton::saga::{Runtime, Saga, SagaCo, delay, fork};
    /// use baton::{Error, EventLoop, Gen};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// fn upload(ms: u64) -> impl Saga<Output = ()> {
    ///     Gen::new(move |co: SagaCo<()>| async move {
    ///         delay(&co, ms).await?;
    ///         Err(Error::msg("disk full").into())
    ///     })
    /// }
    /// let names = Rc::new(RefCell::new(Vec::new()));
    /// let seen = names.clone();
    /// let runtime = Runtime::new().on_error(move |_, stack| {
    ///     seen.borrow_mut().extend(stack.cancelled().iter().map(|frame| frame.name.clone()));
    /// });
    /// EventLoop::virtual_clock().run(|| {
    ///     runtime.run("sync", Gen::new(|co: SagaCo<()>| async move {
    ///         fork(&co, upload, 10).await?; // fails first
    ///         fork(&co, upload, 50).await?; // still running: cancelled
    ///         delay(&co, 100).await
    ///     }));
    /// });
    /// assert_eq!(*names.borrow(), ["sync", "upload"]);
    /// ```
    pub fn cancelled(&self) -> &[SagaFrame] {
        &self.cancelled
    }
}

impl fmt::Display for SagaStack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut tasks = self.tasks.iter();
        if let Some(first) = tasks.next() {
            write!(f, "The above error occurred in task {}", first.name)?;
        }
        for frame in tasks {
            write!(f, "\n    created by {}", frame.name)?;
        }
        if !self.cancelled.is_empty() {
            f.write_str("\nTasks cancelled due to error:")?;
            for frame in &self.cancelled {
                write!(f, "\n{}", frame.name)?;
            }
        }
        Ok(())
    }
}

type Hook = Rc<dyn Fn(&Error, &SagaStack)>;

/// A runtime's hook and the trails of the errors on their way to it.
pub(crate) struct Failures {
    hook: Hook,
    open: RefCell<VecDeque<(Error, SagaStack)>>,
}

impl Failures {
    pub(crate) fn new(hook: impl Fn(&Error, &SagaStack) + 'static) -> Self {
        Failures {
            hook: Rc::new(hook),
            open: RefCell::default(),
        }
    }

    /// Where the trail of `error` is in `open`, opened if it has none.
    fn trail_of(open: &mut VecDeque<(Error, SagaStack)>, error: &Error) -> usize {
        if let Some(at) = open.iter().position(|(e, _)| e.same(error)) {
            return at;
        }
        if open.len() == OPEN_TRAILS {
            open.pop_front();
        }
        open.push_back((error.clone(), SagaStack::default()));
        open.len() - 1
    }

    /// `error` halts a task: the work it cancels there.
    pub(crate) fn cancelled(&self, error: &Error, tasks: Vec<SagaFrame>) {
        if !tasks.is_empty() {
            let mut open = self.open.borrow_mut();
            let at = Self::trail_of(&mut open, error);
            open[at].1.cancelled.extend(tasks);
        }
    }

    /// `error` failed task `id`; a root or spawned task (`reports`) hands
    /// the trail to the hook, and the error's next failure starts anew.
    /// Returns whether the hook heard it.
    pub(crate) fn failed(&self, error: &Error, id: TaskId, name: &str, reports: bool) -> bool {
        let stack = {
            let mut open = self.open.borrow_mut();
            let at = Self::trail_of(&mut open, error);
            open[at].1.tasks.push(SagaFrame::new(id, name));
            if !reports {
                return false;
            }
            open.remove(at).map(|(_, stack)| stack).unwrap_or_default()
        };
        // Called with nothing borrowed: the hook may start sagas that fail.
        // A hook that panics is reported, as a timer's callback would be:
        // the task still settles.
        let hook = self.hook.clone();
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| hook(error, &stack))) {
            crate::event_loop::report_uncaught(&Fault::from_panic(&*payload));
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: u64, name: &str) -> SagaFrame {
        SagaFrame::new(TaskId(id), name)
    }

    #[test]
    fn a_trail_follows_one_error_and_ends_where_it_is_reported() {
        let heard = Rc::new(RefCell::new(Vec::new()));
        let h = heard.clone();
        let failures = Failures::new(move |e, s| h.borrow_mut().push(format!("{e}: {s}")));
        let (a, b) = (Error::msg("a"), Error::msg("b"));
        failures.failed(&a, TaskId(3), "leaf", false);
        failures.failed(&b, TaskId(7), "other", false);
        failures.cancelled(&a, vec![task(2, "mid"), task(4, "sibling")]);
        failures.failed(&a, TaskId(2), "mid", false);
        assert!(failures.failed(&a, TaskId(1), "root", true));
        // The same error failing again starts a new trail.
        failures.failed(&a, TaskId(9), "joiner", true);
        assert_eq!(
            *heard.borrow(),
            [
                "a: The above error occurred in task leaf\n    created by mid\n    created by root\n\
                 Tasks cancelled due to error:\nmid\nsibling",
                "a: The above error occurred in task joiner",
            ]
        );
        assert_eq!(failures.open.borrow().len(), 1, "b's trail stays open");
    }

    #[test]
    fn trails_of_errors_caught_on_the_way_are_bounded() {
        let failures = Failures::new(|_, _| {});
        for n in 0..OPEN_TRAILS * 3 {
            failures.failed(&Error::msg(format!("caught {n}")), TaskId(1), "t", false);
        }
        let open = failures.open.borrow();
        assert_eq!(open.len(), OPEN_TRAILS);
        let newest = format!("caught {}", OPEN_TRAILS * 3 - 1);
        assert_eq!(open.back().map(|(e, _)| e.to_string()), Some(newest));
    }
}
