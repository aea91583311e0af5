//! Resilience patterns under random failure and cancellation points, on
//! the virtual clock: every acquired resource is released exactly once in
//! reverse order, every completed step is undone exactly once in reverse
//! order, and the saga's outcome names the right cause.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use baton::saga::resilience::{transaction, with_resources};
use baton::saga::{Cancelled, Saga, SagaCo, call_effect, delay, run_saga};
use baton::{Error, EventLoop, Gen, Promise, set_timeout};
use proptest::prelude::*;

type Log = Rc<RefCell<Vec<String>>>;

/// Settles after `ms` with `value`, or fails with `error`.
fn after<T: Clone + 'static>(ms: u64, outcome: Result<T, String>) -> Promise<T> {
    Promise::new(move |r| {
        set_timeout(
            move || match outcome {
                Ok(v) => r.resolve(v),
                Err(e) => r.reject(Error::msg(e)),
            },
            Duration::from_millis(ms),
        );
    })
}

fn outcome_of<T: Clone + 'static>(p: &Promise<T>) -> String {
    match p.peek() {
        None => "pending".into(),
        Some(Ok(_)) => "ok".into(),
        Some(Err(e)) if Cancelled::is(&e) => "cancelled".into(),
        Some(Err(e)) => format!("failed: {e}"),
    }
}

#[derive(Debug, Clone)]
struct Plan {
    count: usize,
    failing_step: Option<usize>,
    failing_undos: Vec<usize>,
    body_fails: bool,
    cancel_at: Option<u64>,
}

fn plan() -> impl Strategy<Value = Plan> {
    (1usize..6).prop_flat_map(|count| {
        (
            Just(count),
            prop::option::of(0..count),
            prop::collection::vec(0..count, 0..3),
            any::<bool>(),
            prop::option::of(1u64..120),
        )
            .prop_map(
                |(count, failing_step, failing_undos, body_fails, cancel_at)| Plan {
                    count,
                    failing_step,
                    failing_undos,
                    body_fails,
                    cancel_at,
                },
            )
    })
}

impl Plan {
    /// How step (or acquisition) `i` ends: its number, or its failure.
    fn outcome_of_step(&self, i: usize, what: &str) -> Result<usize, String> {
        if self.failing_step == Some(i) {
            Err(format!("{what} {i} failed"))
        } else {
            Ok(i)
        }
    }
}

/// Runs the saga on the virtual clock, cancelled at `cancel_at` if given;
/// only its promise is kept.
fn run_planned<G: Saga<Output = ()>>(
    cancel_at: Option<u64>,
    saga: impl FnOnce() -> G + 'static,
) -> Promise<()> {
    EventLoop::virtual_clock().run(move || {
        let task = run_saga(saga());
        if let Some(at) = cancel_at {
            let t = task.clone();
            set_timeout(
                move || t.cancel(Error::msg("stop")),
                Duration::from_millis(at),
            );
        }
        task.promise().catch(|_| Ok(()));
        task.promise()
    })
}

/// The lines of `log` starting with `prefix`, as numbers.
fn numbers(log: &[String], prefix: &str) -> Vec<usize> {
    log.iter()
        .filter_map(|l| l.strip_prefix(prefix)?.parse().ok())
        .collect()
}

/// A release or undo effect: logs `what i`, takes 5 ms, may fail.
fn undo_effect(log: &Log, what: &'static str, i: usize, fails: bool) -> baton::saga::Effect {
    let log = log.clone();
    call_effect(
        move |()| {
            log.borrow_mut().push(format!("{what} {i}"));
            let outcome = if fails {
                Err(format!("{what} {i} failed"))
            } else {
                Ok(())
            };
            after(5, outcome)
        },
        (),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_acquired_resource_is_released_exactly_once_in_reverse(plan in plan()) {
        let log: Log = Rc::default();
        let (l, p) = (log.clone(), plan.clone());
        let result = run_planned(plan.cancel_at, move || {
            Gen::new(move |co: SagaCo<()>| async move {
                with_resources(&co, async |scope| {
                    for i in 0..p.count {
                        let outcome = p.outcome_of_step(i, "acquire");
                        let (l2, fails) = (l.clone(), p.failing_undos.contains(&i));
                        scope
                            .acquire(&co, format!("r{i}"), move |()| after(10, outcome), (), move |r: usize| {
                                undo_effect(&l2, "release", r, fails)
                            })
                            .await?;
                        l.borrow_mut().push(format!("got {i}"));
                    }
                    delay(&co, 20).await?;
                    if p.body_fails {
                        return Err(Error::msg("body failed").into());
                    }
                    Ok(())
                })
                .await
            })
        });
        let log = log.borrow().clone();
        let got = numbers(&log, "got ");
        let mut released = numbers(&log, "release ");
        released.reverse();
        prop_assert_eq!(&released, &got, "log: {:?}", log);
        // What the saga reports.
        let outcome = outcome_of(&result);
        let cancelled = outcome == "cancelled";
        if !cancelled {
            let expected = match plan.failing_step {
                Some(i) => format!("failed: acquire {i} failed"),
                None if plan.body_fails => "failed: body failed".to_string(),
                None if !plan.failing_undos.is_empty() => {
                    prop_assert!(outcome.starts_with("failed: failed to release"), "{}", outcome);
                    outcome.clone()
                }
                None => "ok".to_string(),
            };
            prop_assert_eq!(outcome, expected);
        }
    }

    #[test]
    fn every_completed_step_is_undone_exactly_once_in_reverse(plan in plan()) {
        let log: Log = Rc::default();
        let (l, p) = (log.clone(), plan.clone());
        let result = run_planned(plan.cancel_at, move || {
            Gen::new(move |co: SagaCo<()>| async move {
                transaction(&co, async |tx| {
                    for i in 0..p.count {
                        let outcome = p.outcome_of_step(i, "step");
                        let (l2, fails) = (l.clone(), p.failing_undos.contains(&i));
                        tx.step(&co, format!("s{i}"), move |()| after(10, outcome), (), move |s: &usize| {
                            undo_effect(&l2, "undo", *s, fails)
                        })
                        .await?;
                        l.borrow_mut().push(format!("done {i}"));
                    }
                    Ok(())
                })
                .await
            })
        });
        let log = log.borrow().clone();
        let done = numbers(&log, "done ");
        let mut undone = numbers(&log, "undo ");
        undone.reverse();
        let outcome = outcome_of(&result);
        match (plan.failing_step, outcome.as_str()) {
            (_, "cancelled") => prop_assert_eq!(&undone, &done, "log: {:?}", log),
            (Some(i), _) => {
                prop_assert_eq!(&undone, &done, "log: {:?}", log);
                let cause = format!("failed: failed and rolled back: step {i} failed");
                prop_assert!(outcome.starts_with(&cause), "{}", outcome);
            }
            (None, _) => {
                prop_assert!(undone.is_empty(), "nothing undone on success: {:?}", log);
                prop_assert_eq!(outcome, "ok");
            }
        }
    }
}
