//! `Runtime::on_error` and the saga stack it is given, where baton's rules
//! go beyond what `tests/oracle/saga/saga_stack.js` pins against
//! redux-saga: a trail per error, cleanup that awaits, the unhandled
//! rejection the hook stands in for, a hook that starts sagas.

use std::cell::RefCell;
use std::rc::Rc;

use baton::saga::{Runtime, Saga, SagaCo, SagaStack, Task, call, cancel, delay, fork, join, spawn};
use baton::{Abrupt, Error, EventLoop, Gen};

/// What the hook heard, one line per report: the error, then the stack's
/// lines.
#[derive(Clone, Default)]
struct Heard(Rc<RefCell<Vec<String>>>);

impl Heard {
    fn runtime(&self) -> Runtime {
        let heard = self.clone();
        Runtime::new().on_error(move |error, stack| heard.record(error, stack))
    }

    fn record(&self, error: &Error, stack: &SagaStack) {
        let at = baton::now().as_millis();
        let stack: Vec<String> = stack
            .to_string()
            .lines()
            .map(|l| l.trim().to_string())
            .collect();
        self.0
            .borrow_mut()
            .push(format!("{at}ms {error}: {}", stack.join(" / ")));
    }

    fn lines(&self) -> Vec<String> {
        self.0.borrow().clone()
    }
}

/// Runs `script` on a virtual clock; returns the rejections reported as
/// unhandled.
fn unhandled_of(script: impl FnOnce() + 'static) -> Vec<String> {
    let reports = Rc::new(RefCell::new(Vec::new()));
    let r = reports.clone();
    EventLoop::virtual_clock()
        .on_unhandled_rejection(move |rejection| r.borrow_mut().push(rejection.reason.clone()))
        .run(script);
    reports.take()
}

fn declined(_: ()) -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move {
        delay(&co, 10).await?;
        Err(Error::msg("card declined").into())
    })
}

fn timed_out(_: ()) -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move {
        delay(&co, 30).await?;
        Err(Error::msg("timed out").into())
    })
}

fn idle(_: ()) -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move { delay(&co, 1000).await })
}

/// Closes a connection in its cleanup, which takes 25 ms.
fn closing(_: ()) -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move {
        let waited = delay(&co, 1000).await;
        delay(&co, 25).await?;
        waited
    })
}

#[test]
fn an_error_caught_on_its_way_leaves_nothing_in_the_next_ones_stack() {
    // redux-saga keeps one stack for the thread: the frame of the called
    // saga whose error was caught would open the next report.
    let heard = Heard::default();
    let runtime = heard.runtime();
    let unhandled = unhandled_of(move || {
        runtime.run(
            "retrying",
            Gen::new(|co: SagaCo<()>| async move {
                match call(&co, declined, ()).await {
                    Err(Abrupt::Throw(_)) => {}
                    other => other?,
                }
                Err(Error::msg("gave up").into())
            }),
        );
    });
    assert_eq!(
        heard.lines(),
        ["10ms gave up: The above error occurred in task retrying"]
    );
    assert!(unhandled.is_empty(), "the hook heard it: {unhandled:?}");
}

/// Runs a root `name` that forks `failing` and an idle sibling.
fn with_failing_child<F, G>(runtime: &Runtime, name: &str, failing: F)
where
    F: FnOnce(()) -> G + 'static,
    G: Saga<Output = ()>,
{
    runtime.run(
        name,
        Gen::new(move |co: SagaCo<()>| async move {
            fork(&co, failing, ()).await?;
            fork(&co, idle, ()).await?;
            delay(&co, 1000).await
        }),
    );
}

#[test]
fn two_errors_at_once_keep_their_own_stacks() {
    let heard = Heard::default();
    let runtime = heard.runtime();
    unhandled_of(move || {
        with_failing_child(&runtime, "pay", declined);
        with_failing_child(&runtime, "wait", timed_out);
    });
    assert_eq!(
        heard.lines(),
        [
            "10ms card declined: The above error occurred in task declined / \
             created by pay / Tasks cancelled due to error: / pay / idle",
            "30ms timed out: The above error occurred in task timed_out / \
             created by wait / Tasks cancelled due to error: / wait / idle",
        ]
    );
}

#[test]
fn a_stack_is_heard_once_the_cleanup_it_waits_for_has_run() {
    // The parent settles once its children have: its report comes after
    // the cancelled child's 25 ms of cleanup, with every frame in order.
    let heard = Heard::default();
    let runtime = heard.runtime();
    unhandled_of(move || {
        runtime.run(
            "visit",
            Gen::new(|co: SagaCo<()>| async move {
                fork(&co, closing, ()).await?;
                fork(&co, declined, ()).await?;
                delay(&co, 1000).await
            }),
        );
    });
    assert_eq!(
        heard.lines(),
        [
            "35ms card declined: The above error occurred in task declined / \
          created by visit / Tasks cancelled due to error: / visit / closing"
        ]
    );
}

#[test]
fn without_a_hook_the_failure_is_an_unhandled_rejection_and_a_cancellation_is_neither() {
    let unhandled = unhandled_of(|| {
        Runtime::new().run(
            "pay",
            Gen::new(|co: SagaCo<()>| async move { call(&co, declined, ()).await }),
        );
    });
    assert_eq!(unhandled, [r#"Error("card declined")"#]);

    let heard = Heard::default();
    let runtime = heard.runtime();
    let unhandled = unhandled_of(move || {
        let task: Task<()> = runtime.run(
            "idle",
            Gen::new(|co: SagaCo<()>| async move { delay(&co, 1000).await }),
        );
        task.cancel(Error::msg("shutting down"));
    });
    assert!(heard.lines().is_empty());
    assert!(unhandled.is_empty());
}

#[test]
fn a_spawned_task_is_heard_as_it_fails_and_its_joiner_again() {
    let heard = Heard::default();
    let runtime = heard.runtime();
    unhandled_of(move || {
        runtime.run(
            "supervisor",
            Gen::new(|co: SagaCo<()>| async move {
                let task = spawn(&co, declined, ()).await?;
                let other = spawn(&co, idle, ()).await?;
                let joined = join(&co, &task).await;
                cancel(&co, &other, Error::msg("not needed")).await?;
                joined
            }),
        );
    });
    assert_eq!(
        heard.lines(),
        [
            "10ms card declined: The above error occurred in task declined",
            "10ms card declined: The above error occurred in task supervisor",
        ]
    );
}

#[test]
fn a_hook_may_start_sagas_that_fail_in_turn() {
    let heard = Heard::default();
    let runtime: Rc<RefCell<Option<Runtime>>> = Rc::default();
    let (h, r) = (heard.clone(), runtime.clone());
    *runtime.borrow_mut() = Some(Runtime::new().on_error(move |error, stack| {
        h.record(error, stack);
        if error.to_string() == "card declined"
            && let Some(runtime) = r.borrow().as_ref()
        {
            runtime.run(
                "report",
                Gen::new(|_co: SagaCo<()>| async move { Err(Error::msg("report failed").into()) }),
            );
        }
    }));
    let first = runtime.clone();
    unhandled_of(move || {
        if let Some(runtime) = first.borrow().as_ref() {
            runtime.run(
                "pay",
                Gen::new(|co: SagaCo<()>| async move { call(&co, declined, ()).await }),
            );
        }
    });
    runtime.borrow_mut().take(); // the hook holds the runtime's slot
    assert_eq!(
        heard.lines(),
        [
            "10ms card declined: The above error occurred in task declined / created by pay",
            "10ms report failed: The above error occurred in task report",
        ]
    );
}

#[test]
fn a_hook_that_panics_is_reported_and_the_task_still_settles() {
    let faults = Rc::new(RefCell::new(Vec::new()));
    let f = faults.clone();
    let runtime = Runtime::new().on_error(|_, _| panic!("the hook broke"));
    let (task, after) = EventLoop::virtual_clock()
        .on_uncaught(move |fault| f.borrow_mut().push(fault.message().to_string()))
        .run(move || {
            let task = runtime.run(
                "pay",
                Gen::new(|co: SagaCo<()>| async move { call(&co, declined, ()).await }),
            );
            let after = task.promise().catch(|_| Ok::<_, Error>(()));
            (task, after)
        });
    assert!(task.promise().peek().is_some_and(|r| r.is_err()), "settled");
    assert!(after.peek().is_some(), "its promise reached its handlers");
    assert_eq!(faults.borrow().len(), 1);
    assert!(faults.borrow()[0].contains("the hook broke"));
}
