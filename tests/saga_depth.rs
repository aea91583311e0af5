//! Saga trees deeper than a thread's stack. A fork starts its child at
//! once, a settled child settles its waiting parent at once and a join
//! resumes its joiner at once (redux-saga's order, kept), so the depth of
//! a tree is the depth of those calls: the runtime moves onto a fresh
//! stack segment as the thread's runs out, where redux-saga under Node
//! rejects a chain 1,000 deep with a `RangeError` (maximum call stack size
//! exceeded).

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use baton::saga::{BoxSaga, Cancelled, SagaCo, cancelled, delay, fork, join, run_saga, spawn};
use baton::{Error, EventLoop, Gen, now, set_timeout};

/// Deep enough to overflow a test thread's 2 MiB stack many times over.
const DEPTH: u64 = if cfg!(miri) { 40 } else { 100_000 };

/// Forks the next level down at once, then waits: the leaf 5 ms, the
/// others 1,000. A cancelled level writes its depth to `cleaned`.
fn level(depth: u64, cleaned: Rc<RefCell<Vec<u64>>>) -> BoxSaga<u64> {
    Gen::new(move |co: SagaCo<u64>| async move {
        let outcome = async {
            if depth > 0 {
                fork(&co, |(d, c)| level(d, c), (depth - 1, cleaned.clone())).await?;
            }
            delay(&co, if depth == 0 { 5 } else { 1000 }).await?;
            Ok(depth)
        }
        .await;
        if cancelled(&co).await? {
            cleaned.borrow_mut().push(depth);
        }
        outcome
    })
    .boxed()
}

fn outcome(result: Option<Result<u64, Error>>) -> String {
    match result {
        Some(Ok(v)) => format!("ok {v}"),
        Some(Err(e)) if Cancelled::is(&e) => format!("cancelled: {e}"),
        Some(Err(e)) => format!("failed: {e}"),
        None => "pending".into(),
    }
}

#[test]
fn a_chain_of_forks_deeper_than_the_stack_starts_and_finishes() {
    let cleaned = Rc::new(RefCell::new(Vec::new()));
    let run = EventLoop::virtual_clock().block_on({
        let cleaned = cleaned.clone();
        async move {
            let result = run_saga(level(DEPTH, cleaned)).promise().await?;
            Ok::<_, Error>((result, now().as_millis()))
        }
    });
    let (result, ended_at) = run.expect("the chain finishes");
    assert_eq!(result, DEPTH);
    assert_eq!(ended_at, 1000);
    assert!(cleaned.borrow().is_empty());
}

#[test]
fn cancelling_a_chain_deeper_than_the_stack_cleans_up_every_level_deepest_first() {
    let cleaned = Rc::new(RefCell::new(Vec::new()));
    let task = EventLoop::virtual_clock().run({
        let cleaned = cleaned.clone();
        move || {
            let task = run_saga(level(DEPTH, cleaned));
            let cancelling = task.clone();
            set_timeout(
                move || cancelling.cancel(Error::msg("stop")),
                Duration::from_millis(1),
            );
            task
        }
    });
    let expected: Vec<u64> = (0..=DEPTH).collect();
    assert!(
        *cleaned.borrow() == expected,
        "each level once, deepest first"
    );
    assert_eq!(outcome(task.promise().peek()), "cancelled: stop");
}

/// Spawns the next level down and joins it: each join resumes the level
/// above at once when the one below returns.
fn joining(depth: u64) -> BoxSaga<u64> {
    Gen::new(move |co: SagaCo<u64>| async move {
        if depth == 0 {
            delay(&co, 5).await?;
            return Ok(0);
        }
        let below = spawn(&co, joining, depth - 1).await?;
        Ok(join(&co, &below).await? + 1)
    })
    .boxed()
}

#[test]
fn a_chain_of_joins_deeper_than_the_stack_returns_through_every_level() {
    let result = EventLoop::virtual_clock().run(|| run_saga(joining(DEPTH)).promise());
    assert_eq!(outcome(result.peek()), format!("ok {DEPTH}"));
}
