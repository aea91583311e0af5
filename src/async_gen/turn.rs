//! A turn a generator or its consumer waits for: taken in place when it
//! would come next (a pinned generator's), or queued as a job that runs
//! the consumer when it comes — whose poll can tell that turn from any
//! other wake-up of its task (a pinned generator's turns, and an
//! `AsyncGen`'s answers gated behind a stale wake-up).

use std::cell::Cell;
use std::rc::Rc;
use std::task::{Context, Waker};

use crate::event_loop::{self, Job, LentTask};

/// A turn queued as a job: when it comes, it runs the consumer's task
/// (or wakes its waker), whose poll takes it.
pub(super) struct Turn {
    came: Cell<bool>,
    task: Cell<Option<Rc<dyn Job>>>,
    waker: Cell<Option<Waker>>,
}

impl Turn {
    fn new() -> Rc<Turn> {
        Rc::new(Turn {
            came: Cell::new(false),
            task: Cell::new(None),
            waker: Cell::new(None),
        })
    }

    /// Queues a turn for whoever polls with `cx` (`lent`: its task).
    #[cold]
    pub(super) fn queue(lent: Option<&LentTask<'_>>, cx: &Context<'_>) -> Rc<Turn> {
        let turn = Turn::new();
        turn.point_at(lent, cx);
        event_loop::queue_job(turn.clone());
        turn
    }

    /// The turn of an answer that `task` takes, for the caller to queue
    /// or run.
    pub(super) fn for_task(task: Option<Rc<dyn Job>>) -> Rc<Turn> {
        let turn = Turn::new();
        turn.task.set(task);
        turn
    }

    /// Whether the turn has come.
    pub(super) fn came(&self) -> bool {
        self.came.get()
    }

    /// A turn owed to a request dropped before its poll took it: queued
    /// where it was owed, ahead of everything queued since, to run
    /// whoever asks next.
    #[cold]
    pub(super) fn queue_first() -> Rc<Turn> {
        let turn = Turn::new();
        event_loop::queue_job_first(turn.clone());
        turn
    }

    /// Whether the turn has come; if not, it now resumes whoever polls
    /// with `cx` (a later request may come from another task).
    pub(super) fn has_come(&self, lent: Option<&LentTask<'_>>, cx: &Context<'_>) -> bool {
        if self.came.get() {
            return true;
        }
        self.point_at(lent, cx);
        false
    }

    fn point_at(&self, lent: Option<&LentTask<'_>>, cx: &Context<'_>) {
        match lent {
            Some(lent) => {
                drop(self.waker.take());
                self.task.set(Some(lent.task.clone()));
            }
            None => {
                drop(self.task.take());
                self.waker.set(Some(cx.waker().clone()));
            }
        }
    }

    fn come(&self) -> Option<Rc<dyn Job>> {
        self.came.set(true);
        if let Some(waker) = self.waker.take() {
            waker.wake();
        }
        self.task.take()
    }
}

impl Job for Turn {
    fn run(self: Rc<Self>) {
        if let Some(task) = self.come() {
            task.run();
        }
    }

    fn run_alone(self: Rc<Self>) {
        if let Some(task) = self.come() {
            task.run_alone();
        }
    }
}

/// How a needed turn is to be taken (see the module's notes).
pub(super) enum Taking {
    Now,
    Owed,
    Queued(Rc<Turn>),
}

/// When the request whose turn is needed was made, which decides how the
/// turn may be taken.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Made {
    /// In a poll before this one: the turn is taken in place when it
    /// would come next, and queued otherwise.
    Before,
    /// In this poll: its consumer may do more in this poll once it
    /// returns (a `join!`'s other futures, a loop's next statement), so
    /// the turn is owed to the task, taken in the order the task polls.
    ThisPoll,
    /// In this poll, by a consumer that awaits it as it makes it and goes
    /// on in a turn it was given: a helper stage's relay polled by a
    /// request made before or so (the body's airlock says,
    /// [`airlock::in_place`](crate::generator::airlock::in_place)), or a
    /// `for await` loop whose body ran through in the poll that took the
    /// loop's last answer, an answer to a request made before or so
    /// (the microtask the loop goes on in ends as it awaits). Nothing runs
    /// after it until the task's next poll, so the turn is taken in place
    /// when it would come next, and owed otherwise.
    GoingOn,
}

impl Made {
    /// Whether the levels from this request up to one made before run
    /// nothing once it returns: what the airlock of the body it polls
    /// tells a relay's fresh requests.
    #[inline(always)]
    pub(super) fn in_place(self) -> bool {
        self != Made::ThisPoll
    }
}

impl Taking {
    #[inline(always)]
    pub(super) fn decide(lent: Option<&LentTask<'_>>, cx: &Context<'_>, made: Made) -> Taking {
        match lent {
            Some(lent) if made != Made::ThisPoll && lent.may_go_on() => Taking::Now,
            Some(lent) if made != Made::Before && lent.go_on_at_once() => Taking::Owed,
            lent => Taking::Queued(Turn::queue(lent, cx)),
        }
    }

    /// The turn to wait for: `None` when it is taken by the next poll,
    /// or now.
    pub(super) fn into_turn(self) -> Option<Rc<Turn>> {
        match self {
            Taking::Now | Taking::Owed => None,
            Taking::Queued(turn) => Some(turn),
        }
    }
}
