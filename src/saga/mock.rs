//! Tasks for the stepping harness: a saga that forks or joins can be
//! stepped with a stand-in task the test controls (redux-saga's
//! `createMockTask`).

use std::rc::Rc;

use super::task::{Cancelled, Core, Env, Halt, Link, Node, Task, TaskId};
use crate::{Error, Promise, Resolver};

/// A task no runtime runs: the test settles it, and cancelling it rejects
/// it with [`Cancelled`].
struct Stand<T> {
    core: Core,
    name: &'static str,
    resolver: Resolver<T, Error>,
}

impl<T: Clone + 'static> Node for Stand<T> {
    fn core(&self) -> &Core {
        &self.core
    }

    fn name(&self) -> &str {
        self.name
    }

    fn halt(self: Rc<Self>, why: Halt) {
        if self.is_settled() {
            return;
        }
        let reason = why.reason().clone();
        self.core.set_halt(why);
        self.resolver.reject(Error::new(Cancelled { reason }));
        // Cancelled on request: not an unhandled rejection.
        self.resolver.promise().subscribe(|_| {});
    }

    fn child_settled(self: Rc<Self>, _: TaskId, _: Option<Error>) {}

    fn is_settled(&self) -> bool {
        !self.resolver.promise().is_pending()
    }
}

thread_local! {
    static MOCKS: Rc<Env> = Env::new(None);
}

impl<T: Clone + 'static> Task<T> {
    /// A stand-in task for stepping a saga that forks, joins or cancels:
    /// feed it where the saga expects a [`Task`], and settle it through the
    /// returned resolver. Cancelling it rejects it with [`Cancelled`].
    ///
    /// ```
    /// use baton::{Error, EventLoop, Gen, Promise};
    /// use baton::saga::{SagaCo, Stepper, Task, fork, join};
    ///
    /// fn worker(n: u32) -> baton::saga::BoxSaga<u32> {
    ///     Gen::new(move |_co: SagaCo<u32>| async move { Ok(n) }).boxed()
    /// }
    /// let saga = Gen::new(|co: SagaCo<u32>| async move {
    ///     let task = fork(&co, worker, 20).await?;
    ///     Ok(join(&co, &task).await? + 1)
    /// });
    /// let mut steps = Stepper::new(saga);
    /// assert_eq!(steps.next_effect().map(|e| e.to_string()).ok().as_deref(), Some("Fork worker(20)"));
    /// let (task, _control) = Task::<u32>::mock("worker");
    /// assert_eq!(steps.feed(task).map(|e| e.to_string()).ok().as_deref(), Some("Join join(worker #0)"));
    /// assert_eq!(steps.feed(41_u32).err().and_then(Result::ok), Some(42));
    /// ```
    pub fn mock(name: &'static str) -> (Task<T>, Resolver<T, Error>) {
        let (promise, resolver) = Promise::with_resolver();
        let env = MOCKS.with(Rc::clone);
        let core = Core::new(TaskId(0), Link::Spawned, None, env);
        let stand = Rc::new(Stand {
            core,
            name,
            resolver: resolver.clone(),
        });
        let task = Task::from_parts(stand, promise);
        (task, resolver)
    }
}
