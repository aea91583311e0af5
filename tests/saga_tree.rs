//! The saga runtime's fork tree on the virtual clock: cancellation order,
//! error propagation, races and joins, each checked as an exact log of
//! what ran when.

#[path = "shared/saga_log.rs"]
mod saga_log;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use baton::runner::CancellationToken;
use baton::saga::{
    BoxSaga, Buffer, Channel, Runtime, SagaCo, Task, all, call, call_effect, cancel,
    cancel_and_wait, cancel_self_effect, cancelled, delay, delay_effect, fork, join, race,
    run_saga, spawn, take_from,
};
use baton::{Error, EventLoop, Gen, Promise, now, set_timeout};
use saga_log::{Log, cancel_after, outcome};

/// A saga that forks `children`, waits `ms` and returns `ms`. Its cleanup
/// says whether it was cancelled and awaits a 5 ms "close" effect.
fn node(log: &Log, name: &'static str, ms: u64, children: Vec<BoxSaga<u64>>) -> BoxSaga<u64> {
    let log = log.clone();
    Gen::new(move |co: SagaCo<u64>| async move {
        let outcome = async {
            for child in children {
                fork(&co, move |()| child, ()).await?;
            }
            delay(&co, ms).await?;
            log.say(format_args!("{name} did its work"));
            Ok(ms)
        }
        .await;
        if cancelled(&co).await? {
            log.say(format_args!("{name} cleanup starts"));
            delay(&co, 5).await?;
            log.say(format_args!("{name} cleanup done"));
        } else {
            log.say(format_args!("{name} body ends"));
        }
        outcome
    })
    .boxed()
}

fn leaf(log: &Log, name: &'static str, ms: u64) -> BoxSaga<u64> {
    node(log, name, ms, Vec::new())
}

fn failing(log: &Log, name: &'static str, ms: u64) -> BoxSaga<u64> {
    let log = log.clone();
    Gen::new(move |co: SagaCo<u64>| async move {
        delay(&co, ms).await?;
        log.say(format_args!("{name} fails"));
        Err(Error::msg(format!("{name} failed")).into())
    })
    .boxed()
}

/// Runs `script` on a virtual clock; returns what it returned and the
/// reasons of the rejections the loop reported as unhandled.
fn reporting_unhandled<R: 'static>(script: impl FnOnce() -> R + 'static) -> (R, Vec<String>) {
    let reports = Rc::new(RefCell::new(Vec::new()));
    let r = reports.clone();
    let out = EventLoop::virtual_clock()
        .on_unhandled_rejection(move |rejection| r.borrow_mut().push(rejection.reason.clone()))
        .run(script);
    (out, reports.take())
}

#[test]
fn cancelling_a_parent_cancels_its_children_deepest_first_then_runs_its_own_cleanup() {
    let log = Log::default();
    let task = EventLoop::virtual_clock().run(|| {
        let grandchild = leaf(&log, "grandchild", 1000);
        let child = node(&log, "child", 1000, vec![grandchild]);
        let sibling = leaf(&log, "sibling", 1000);
        let task = run_saga(node(&log, "root", 1000, vec![child, sibling]));
        cancel_after(&task, 50, "stop");
        task
    });
    assert_eq!(
        log.lines(),
        [
            "50 grandchild cleanup starts",
            "50 sibling cleanup starts",
            "55 grandchild cleanup done",
            "55 child cleanup starts",
            "55 sibling cleanup done",
            "60 child cleanup done",
            "60 root cleanup starts",
            "65 root cleanup done",
        ]
    );
    assert_eq!(outcome(&task), "cancelled: stop");
}

#[test]
fn a_parent_finishes_only_when_its_attached_children_have() {
    let log = Log::default();
    let task = EventLoop::virtual_clock().run(|| {
        let slow = leaf(&log, "slow child", 300);
        run_saga(node(&log, "parent", 100, vec![slow]))
    });
    assert_eq!(
        log.lines(),
        [
            "100 parent did its work",
            "100 parent body ends",
            "300 slow child did its work",
            "300 slow child body ends",
        ]
    );
    assert_eq!(outcome(&task), "ok 100");
}

/// A saga that calls `wait` and logs what it got; holds `witness`.
fn waiter(log: &Log, witness: Rc<()>, wait: Promise<u64>) -> BoxSaga<u64> {
    let log = log.clone();
    Gen::new(move |co: SagaCo<u64>| async move {
        let _held = witness;
        let v = call(&co, move |()| wait, ()).await?;
        log.say(format_args!("child got {v}"));
        Ok(v)
    })
    .boxed()
}

/// A parent that forks `child`, then returns 1.
fn parent_of(child: BoxSaga<u64>) -> BoxSaga<u64> {
    Gen::new(move |co: SagaCo<u64>| async move {
        fork(&co, move |()| child, ()).await?;
        Ok(1)
    })
    .boxed()
}

#[test]
fn a_child_waiting_on_what_nothing_can_settle_is_freed_with_its_parent() {
    // The parent waits for the child, which waits for a promise whose
    // resolver is gone: neither can ever finish. The parent must not hold
    // the child that holds it (a cycle of `Rc`s): both are freed.
    let log = Log::default();
    let witness = Rc::new(());
    let watched = Rc::downgrade(&witness);
    let task = EventLoop::virtual_clock().run(|| {
        let (never, resolver) = Promise::<u64>::with_resolver();
        drop(resolver);
        run_saga(parent_of(waiter(&log, witness, never)))
    });
    assert_eq!(outcome(&task), "pending");
    drop(task);
    assert!(watched.upgrade().is_none(), "the child was freed");
    assert!(log.lines().is_empty());
}

#[test]
fn a_child_waiting_on_a_promise_settled_from_outside_the_tree_lives_on() {
    // Only the promise's reaction holds the child; the resolver is used
    // by a timer, outside the saga tree.
    let log = Log::default();
    let witness = Rc::new(());
    let watched = Rc::downgrade(&witness);
    let task = EventLoop::virtual_clock().run(|| {
        let (later, resolver) = Promise::<u64>::with_resolver();
        set_timeout(move || resolver.resolve(7), Duration::from_millis(40));
        run_saga(parent_of(waiter(&log, witness, later)))
    });
    assert_eq!(log.lines(), ["40 child got 7"]);
    assert_eq!(outcome(&task), "ok 1");
    assert!(watched.upgrade().is_none());
}

#[test]
fn an_error_in_an_attached_child_cancels_its_siblings_and_fails_the_parent() {
    let log = Log::default();
    let task = EventLoop::virtual_clock().run(|| {
        let bad = failing(&log, "bad child", 100);
        let good = leaf(&log, "good child", 1000);
        let task = run_saga(node(&log, "parent", 1000, vec![bad, good]));
        task.promise().catch(|_| Ok(0));
        task
    });
    // The child's error aborts the parent, which stops its body as a
    // cancellation does: cancelled() is true in its cleanup (redux-saga's
    // rule, checked against it by tests/random_fork_trees.rs).
    assert_eq!(
        log.lines(),
        [
            "100 bad child fails",
            "100 good child cleanup starts",
            "105 good child cleanup done",
            "105 parent cleanup starts",
            "110 parent cleanup done",
        ]
    );
    assert_eq!(outcome(&task), "failed: bad child failed");
}

#[test]
fn an_error_climbs_the_tree_through_every_attached_parent() {
    let log = Log::default();
    let task = EventLoop::virtual_clock().run(|| {
        let bad = failing(&log, "grandchild", 10);
        let child = node(&log, "child", 1000, vec![bad]);
        let task = run_saga(node(&log, "root", 1000, vec![child]));
        task.promise().catch(|_| Ok(0));
        task
    });
    assert_eq!(
        log.lines(),
        [
            "10 grandchild fails",
            "10 child cleanup starts",
            "15 child cleanup done",
            "15 root cleanup starts",
            "20 root cleanup done",
        ]
    );
    assert_eq!(outcome(&task), "failed: grandchild failed");
}

#[test]
fn an_error_thrown_by_the_cleanup_of_a_cancelled_saga_is_reported_not_lost() {
    let (task, reported) = reporting_unhandled(|| {
        let saga = Gen::new(|co: SagaCo<u64>| async move {
            let waited = delay(&co, 1000).await;
            if waited.is_err() {
                return Err(Error::msg("cleanup failed").into());
            }
            Ok(1)
        });
        let task = run_saga(saga);
        cancel_after(&task, 10, "stop");
        task
    });
    // The task ends as cancelled; the cleanup's error is told, once.
    assert_eq!(outcome(&task), "cancelled: stop");
    assert_eq!(reported.len(), 1);
    assert!(reported[0].contains("cleanup failed"));
}

#[test]
fn a_fork_cancel_and_cancelled_resume_the_saga_at_once_as_in_redux_saga() {
    let log = Log::default();
    let l = log.clone();
    EventLoop::virtual_clock().run(move || {
        let queued = l.clone();
        baton::queue_microtask(move || queued.say("a microtask queued first"));
        let child_log = l.clone();
        let child = move |()| {
            let l = child_log.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                l.say("child runs until it waits");
                delay(&co, 1000).await
            })
        };
        run_saga(Gen::new(move |co: SagaCo<()>| async move {
            let task = fork(&co, child, ()).await?;
            l.say("parent goes on");
            cancel(&co, &task, Error::msg("stop")).await?;
            l.say(format_args!("child cancelled: {}", task.is_cancelled()));
            l.say(format_args!("parent cancelled? {}", cancelled(&co).await?));
            Ok(())
        }));
    });
    assert_eq!(
        log.lines(),
        [
            "0 child runs until it waits",
            "0 parent goes on",
            "0 child cancelled: true",
            "0 parent cancelled? false",
            "0 a microtask queued first",
        ]
    );
}

#[test]
fn a_joiner_resumes_as_the_task_it_joins_ends() {
    let log = Log::default();
    let l = log.clone();
    EventLoop::virtual_clock().run(move || {
        let worker = |ms: u64| {
            Gen::new(move |co: SagaCo<u64>| async move {
                delay(&co, ms).await?;
                Ok(ms)
            })
        };
        let (a, b) = (l.clone(), l.clone());
        let task = run_saga(worker(10));
        let joined = task.clone();
        run_saga(Gen::new(move |co: SagaCo<()>| async move {
            let v = join(&co, &joined).await?;
            a.say(format_args!("joiner got {v}"));
            Ok(())
        }));
        // The task's own promise hears of it a microtask later.
        drop(
            task.promise()
                .map(move |v| b.say(format_args!("promise got {v}"))),
        );
    });
    assert_eq!(log.lines(), ["10 joiner got 10", "10 promise got 10"]);
}

#[test]
fn joining_a_task_that_was_cancelled_cancels_the_joiner() {
    let log = Log::default();
    let l = log.clone();
    let joiner = EventLoop::virtual_clock().run(move || {
        let task = run_saga(Gen::new(|co: SagaCo<u64>| async move {
            delay(&co, 1000).await?;
            Ok(1)
        }));
        task.cancel(Error::msg("not needed"));
        run_saga(Gen::new(move |co: SagaCo<u64>| async move {
            let joined = join(&co, &task).await;
            l.say(format_args!("joiner cancelled? {}", cancelled(&co).await?));
            joined
        }))
    });
    assert_eq!(log.lines(), ["0 joiner cancelled? true"]);
    assert_eq!(outcome(&joiner), "cancelled: not needed");
}

#[test]
fn tracing_a_runtime_does_not_change_the_order_of_its_sagas() {
    let run_on = |runtime: Runtime| {
        let log = Log::default();
        let l = log.clone();
        EventLoop::virtual_clock().run(move || {
            let queued = l.clone();
            baton::queue_microtask(move || queued.say("a microtask queued first"));
            let child = |()| Gen::new(|co: SagaCo<()>| async move { delay(&co, 10).await });
            runtime.run(
                "parent",
                Gen::new(move |co: SagaCo<()>| async move {
                    let task = fork(&co, child, ()).await?;
                    l.say("forked");
                    l.say(format_args!("cancelled? {}", cancelled(&co).await?));
                    cancel(&co, &task, Error::msg("stop")).await?;
                    l.say("cancelled the child");
                    Ok(())
                }),
            );
        });
        log.lines()
    };
    let plain = run_on(Runtime::new());
    assert_eq!(plain[0], "0 forked");
    assert_eq!(run_on(Runtime::traced()), plain);
}

#[test]
#[cfg_attr(miri, ignore = "110,000 effects take minutes under Miri")]
fn effects_known_at_once_run_in_a_loop_not_on_the_stack() {
    // A hundred thousand in a row: recursion would overflow the stack.
    let n = EventLoop::virtual_clock().block_on(async {
        run_saga(Gen::new(|co: SagaCo<u64>| async move {
            let mut n = 0;
            for _ in 0..100_000 {
                if !cancelled(&co).await? {
                    n += 1;
                }
            }
            for _ in 0..10_000 {
                fork(
                    &co,
                    |()| Gen::new(|_co: SagaCo<()>| async move { Ok(()) }),
                    (),
                )
                .await?;
                n += 1;
            }
            Ok(n)
        }))
        .promise()
        .await
    });
    assert_eq!(n.ok(), Some(110_000));
}

#[test]
fn spawned_sagas_are_detached_from_their_parent() {
    let log = Log::default();
    let (root, spawned) = EventLoop::virtual_clock().run(|| {
        let l = log.clone();
        let spawned = Rc::new(RefCell::new(None));
        let s = spawned.clone();
        let root = run_saga(Gen::new(move |co: SagaCo<u64>| async move {
            let l2 = l.clone();
            let task = spawn(&co, move |()| leaf(&l2, "detached", 300), ()).await?;
            *s.borrow_mut() = Some(task);
            delay(&co, 1000).await?;
            Ok(1)
        }));
        cancel_after(&root, 50, "stop the root");
        (root, spawned)
    });
    assert_eq!(
        log.lines(),
        ["300 detached did its work", "300 detached body ends"]
    );
    assert_eq!(outcome(&root), "cancelled: stop the root");
    let spawned = spawned.borrow().clone().expect("spawned");
    assert_eq!(outcome(&spawned), "ok 300");
}

#[test]
fn cancelling_while_an_effect_is_pending_never_runs_the_step_after_it() {
    let log = Log::default();
    let task = EventLoop::virtual_clock().run(|| {
        let l = log.clone();
        let task = run_saga(Gen::new(move |co: SagaCo<u32>| async move {
            let result = delay(&co, 100).await;
            if result.is_ok() {
                l.say("the step after the delay ran");
            }
            l.say(format_args!(
                "cleanup, cancelled = {}",
                cancelled(&co).await?
            ));
            result.map(|()| 1)
        }));
        cancel_after(&task, 40, "User pressed cancel");
        task
    });
    assert_eq!(log.lines(), ["40 cleanup, cancelled = true"]);
    assert_eq!(outcome(&task), "cancelled: User pressed cancel");
}

/// A saga that waits 10 ms, then returns, and keeps `witness` after it
/// has: what the runtime keeps alive shows in the witness's count.
struct Holding {
    /// Only counted, never read.
    _witness: Rc<()>,
    started: bool,
}

impl baton::Generator for Holding {
    type Input = baton::saga::Value;
    type Yield = baton::saga::Effect;
    type Return = u64;
    type Error = Error;
    fn resume(
        &mut self,
        how: baton::Resume<baton::saga::Value, Error, u64>,
    ) -> baton::StepResult<baton::saga::Effect, u64, Error> {
        match how {
            baton::Resume::Next(_) if !self.started => {
                self.started = true;
                Ok(baton::Step::Yielded(delay_effect(10)))
            }
            baton::Resume::Next(_) => Ok(baton::Step::Returned(1)),
            baton::Resume::Return(v) => Ok(baton::Step::Returned(v)),
            baton::Resume::Throw(e) => Err(e),
        }
    }
}

/// The token cancels a task still running; the 1,000 that settled before
/// are not kept by it (each removed its listener as it settled), as a
/// server's shutdown token must not keep every request it ever watched.
#[test]
fn a_cancellation_token_cancels_the_task_and_keeps_none_that_settled() {
    let log = Log::default();
    let witness = Rc::new(());
    let kept = Rc::new(std::cell::Cell::new(usize::MAX));
    let task = EventLoop::virtual_clock().run(|| {
        let token = CancellationToken::new();
        for _ in 0..1_000 {
            let holding = Holding {
                _witness: witness.clone(),
                started: false,
            };
            run_saga(holding).cancel_on(&token);
        }
        let (w, k) = (witness.clone(), kept.clone());
        // Less the test's own and this closure's.
        set_timeout(
            move || k.set(Rc::strong_count(&w) - 2),
            Duration::from_millis(20),
        );
        let task = run_saga(leaf(&log, "download", 500));
        task.cancel_on(&token);
        set_timeout(
            move || token.cancel(Error::msg("User pressed cancel")),
            Duration::from_millis(200),
        );
        task
    });
    assert_eq!(kept.get(), 0, "tasks kept at 20 ms, when 1,000 had settled");
    assert_eq!(
        log.lines(),
        ["200 download cleanup starts", "205 download cleanup done"]
    );
    assert_eq!(outcome(&task), "cancelled: User pressed cancel");
}

fn instantly(value: u64) -> Promise<u64> {
    Promise::resolve(value)
}

#[test]
fn a_race_cancels_its_losers_and_their_cleanup_runs() {
    let log = Log::default();
    let task = EventLoop::virtual_clock().run(|| {
        let l = log.clone();
        run_saga(Gen::new(move |co: SagaCo<&'static str>| async move {
            let slow = call_effect(move |()| leaf(&l, "slow saga", 500), ());
            let (winner, _): (&str, u64) = race(
                &co,
                vec![("saga", slow), ("timeout", call_effect(instantly, 0))],
            )
            .await?;
            Ok(winner)
        }))
    });
    assert_eq!(
        log.lines(),
        ["0 slow saga cleanup starts", "5 slow saga cleanup done"]
    );
    assert_eq!(outcome(&task), "ok \"timeout\"");
}

#[test]
fn a_losing_delay_is_cleared_so_the_loop_ends_at_the_winner() {
    let end = EventLoop::virtual_clock().run(|| {
        let task = run_saga(Gen::new(|co: SagaCo<&'static str>| async move {
            let (winner, ()) = race(
                &co,
                vec![("long", delay_effect(60_000)), ("short", delay_effect(10))],
            )
            .await?;
            Ok(winner)
        }));
        task.promise().map(|w| (w, now()))
    });
    assert_eq!(
        end.peek().and_then(Result::ok),
        Some(("short", Duration::from_millis(10)))
    );
    assert_eq!(now(), Duration::from_millis(10));
}

#[test]
fn a_failing_part_of_all_cancels_the_others() {
    let log = Log::default();
    let task = EventLoop::virtual_clock().run(|| {
        let (l1, l2) = (log.clone(), log.clone());
        let task = run_saga(Gen::new(move |co: SagaCo<Vec<u64>>| async move {
            all(
                &co,
                vec![
                    call_effect(move |()| leaf(&l1, "long", 1000), ()),
                    call_effect(move |()| failing(&l2, "short", 20), ()),
                ],
            )
            .await
        }));
        task.promise().catch(|_| Ok(Vec::new()));
        task
    });
    assert_eq!(
        log.lines(),
        [
            "20 short fails",
            "20 long cleanup starts",
            "25 long cleanup done"
        ]
    );
    assert_eq!(outcome(&task), "failed: short failed");
}

#[test]
fn a_called_sagas_error_is_thrown_at_the_callers_yield() {
    let log = Log::default();
    let task = EventLoop::virtual_clock().run(|| {
        let l = log.clone();
        run_saga(Gen::new(move |co: SagaCo<String>| async move {
            let called = call(&co, move |()| failing(&l, "callee", 10), ()).await;
            Ok(match called {
                Ok(v) => format!("got {v}"),
                Err(baton::Abrupt::Throw(e)) => format!("caught: {e}"),
                Err(abrupt) => return Err(abrupt),
            })
        }))
    });
    assert_eq!(log.lines(), ["10 callee fails"]);
    assert_eq!(outcome(&task), "ok \"caught: callee failed\"");
}

#[test]
fn a_called_saga_resumes_its_caller_as_it_ends_and_its_failure_is_the_callers() {
    // redux-saga's order: a called generator that ends as it starts
    // resumes its caller at once, before a microtask queued earlier; one
    // that ends later, as it ends. A failure the caller catches is never
    // reported as unhandled.
    let log = Log::default();
    let l = log.clone();
    let (task, reported) = reporting_unhandled(move || {
        let at_once = |fail: bool| {
            Gen::new(move |_co: SagaCo<u64>| async move {
                if fail {
                    Err(Error::msg("at once failed").into())
                } else {
                    Ok(7)
                }
            })
        };
        run_saga(Gen::new(move |co: SagaCo<()>| async move {
            let m = l.clone();
            baton::queue_microtask(move || m.say(format_args!("a microtask")));
            let v = call(&co, at_once, false).await?;
            l.say(format_args!("called: {v}"));
            for callee in [at_once(true).boxed(), failing(&l, "callee", 10)] {
                match call(&co, move |()| callee, ()).await {
                    Err(baton::Abrupt::Throw(e)) => l.say(format_args!("caught: {e}")),
                    other => l.say(format_args!("unexpected: {:?}", other.is_ok())),
                }
            }
            Ok(())
        }))
    });
    assert_eq!(
        log.lines(),
        [
            "0 called: 7",
            "0 caught: at once failed",
            "0 a microtask",
            "10 callee fails",
            "10 caught: callee failed"
        ]
    );
    assert_eq!(outcome(&task), "ok ()");
    assert!(reported.is_empty(), "reported: {reported:?}");
}

#[test]
fn joining_returns_the_childs_value_and_a_cancelled_join_cancels_the_joiner() {
    let log = Log::default();
    let (joined, joiner) = EventLoop::virtual_clock().run(|| {
        let l = log.clone();
        let joined = run_saga(Gen::new(move |co: SagaCo<u64>| async move {
            let child = fork(&co, move |()| leaf(&l, "child", 100), ()).await?;
            Ok(join(&co, &child).await? + 1)
        }));
        let l = log.clone();
        let joiner = run_saga(Gen::new(move |co: SagaCo<u64>| async move {
            let child = fork(
                &co,
                {
                    let l = l.clone();
                    move |()| leaf(&l, "victim", 100)
                },
                (),
            )
            .await?;
            let c = child.clone();
            set_timeout(
                move || c.cancel(Error::msg("victim cancelled")),
                Duration::from_millis(30),
            );
            let value = join(&co, &child).await;
            l.say(format_args!("joiner after join: ok = {}", value.is_ok()));
            Ok(value? + 1)
        }));
        (joined, joiner)
    });
    assert_eq!(
        log.lines(),
        [
            "30 victim cleanup starts",
            "35 victim cleanup done",
            "35 joiner after join: ok = false",
            "100 child did its work",
            "100 child body ends",
        ]
    );
    assert_eq!(outcome(&joined), "ok 101");
    assert_eq!(outcome(&joiner), "cancelled: victim cancelled");
}

#[test]
fn cancel_effects_stop_a_task_or_the_saga_itself() {
    let log = Log::default();
    let (outer, selfish) = EventLoop::virtual_clock().run(|| {
        let l = log.clone();
        let outer = run_saga(Gen::new(move |co: SagaCo<u64>| async move {
            let child = fork(
                &co,
                {
                    let l = l.clone();
                    move |()| leaf(&l, "child", 100)
                },
                (),
            )
            .await?;
            delay(&co, 10).await?;
            cancel(&co, &child, Error::msg("not needed")).await?;
            l.say("cancel did not block");
            Ok(7)
        }));
        let l = log.clone();
        let selfish = run_saga(Gen::new(move |co: SagaCo<u64>| async move {
            let stopped = co.yield_(cancel_self_effect(Error::msg("giving up"))).await;
            l.say(format_args!("self-cancelled: {}", cancelled(&co).await?));
            stopped.map(|_| 1)
        }));
        (outer, selfish)
    });
    assert_eq!(
        log.lines(),
        [
            "0 self-cancelled: true",
            "10 child cleanup starts",
            "10 cancel did not block",
            "15 child cleanup done",
        ]
    );
    assert_eq!(outcome(&outer), "ok 7");
    assert_eq!(outcome(&selfish), "cancelled: giving up");
}

#[test]
fn cancel_and_wait_resumes_once_the_whole_subtree_has_cleaned_up() {
    let log = Log::default();
    let (outer, done) = EventLoop::virtual_clock().run(|| {
        let l = log.clone();
        let outer = run_saga(Gen::new(move |co: SagaCo<u64>| async move {
            let child = fork(
                &co,
                {
                    let l = l.clone();
                    move |()| node(&l, "child", 1000, vec![leaf(&l, "grandchild", 1000)])
                },
                (),
            )
            .await?;
            delay(&co, 10).await?;
            cancel_and_wait(&co, &child, Error::msg("not needed")).await?;
            l.say(format_args!("waited: child {}", outcome(&child)));
            // A task that has ended: at once.
            cancel_and_wait(&co, &child, Error::msg("again")).await?;
            l.say("waited again");
            Ok(7)
        }));
        // A task that ended by itself is not cancelled by it.
        let done = run_saga(Gen::new(|_co: SagaCo<u64>| async move { Ok(1) }));
        let d = done.clone();
        run_saga(Gen::new(move |co: SagaCo<()>| async move {
            cancel_and_wait(&co, &d, Error::msg("late")).await
        }));
        (outer, done)
    });
    assert_eq!(
        log.lines(),
        [
            "10 grandchild cleanup starts",
            "15 grandchild cleanup done",
            "15 child cleanup starts",
            "20 child cleanup done",
            "20 waited: child cancelled: not needed",
            "20 waited again",
        ]
    );
    assert_eq!(outcome(&outer), "ok 7");
    assert_eq!(outcome(&done), "ok 1");
}

#[test]
fn a_saga_cancelled_while_it_waits_for_a_cancellation_stops_waiting() {
    let log = Log::default();
    let (waiter, slow) = EventLoop::virtual_clock().run(|| {
        let l = log.clone();
        // Its cleanup takes 100 ms.
        let slow = run_saga(Gen::new(move |co: SagaCo<u64>| async move {
            let waited = delay(&co, 1000).await;
            delay(&co, 100).await?;
            l.say("slow cleanup done");
            waited.map(|()| 0)
        }));
        let (l, s) = (log.clone(), slow.clone());
        let waiter = run_saga(Gen::new(move |co: SagaCo<u64>| async move {
            let waited = cancel_and_wait(&co, &s, Error::msg("stop")).await;
            l.say(format_args!("waiter resumed: {}", waited.is_ok()));
            waited.map(|()| 1)
        }));
        cancel_after(&waiter, 10, "impatient");
        (waiter, slow)
    });
    assert_eq!(
        log.lines(),
        ["10 waiter resumed: false", "100 slow cleanup done"]
    );
    assert_eq!(outcome(&waiter), "cancelled: impatient");
    assert_eq!(outcome(&slow), "cancelled: stop");
}

#[test]
fn waiting_for_ones_own_cancellation_is_an_error_not_a_hang() {
    let slot: Rc<RefCell<Option<Task<u64>>>> = Rc::default();
    let s = slot.clone();
    let task = EventLoop::virtual_clock().run(move || {
        let task = run_saga(Gen::new(move |co: SagaCo<u64>| async move {
            delay(&co, 1).await?;
            let me = s.borrow().clone().expect("set before the delay ends");
            cancel_and_wait(&co, &me, Error::msg("me")).await?;
            Ok(0)
        }));
        *slot.borrow_mut() = Some(task.clone());
        task.promise().catch(|_| Ok(0));
        task
    });
    assert_eq!(
        outcome(&task),
        "failed: a saga cannot wait for its own cancellation to end"
    );
}

/// A task cancelled by code its own body runs (not through an effect)
/// halts once that step is over: the step goes on to its next yield, then
/// the halt stops what it yielded and drives the cleanup.
#[test]
fn a_task_cancelled_from_inside_its_own_step_halts_once_the_step_is_over() {
    let log = Log::default();
    let me: Rc<RefCell<Option<Task<u64>>>> = Rc::default();
    let task = EventLoop::virtual_clock().run(|| {
        let (l, m) = (log.clone(), me.clone());
        let task = run_saga(Gen::new(move |co: SagaCo<u64>| async move {
            delay(&co, 5).await?;
            if let Some(task) = m.borrow_mut().take() {
                task.cancel(Error::msg("from within"));
            }
            l.say("the step goes on");
            let waited = delay(&co, 5).await;
            l.say(format_args!("cancelled: {}", cancelled(&co).await?));
            waited?;
            Ok(1)
        }));
        *me.borrow_mut() = Some(task.clone());
        task
    });
    assert_eq!(log.lines(), ["5 the step goes on", "5 cancelled: true"]);
    assert_eq!(outcome(&task), "cancelled: from within");
}

/// A parent that forks a taker of `chan`, which fails on the channel's
/// end, then closes the channel itself: the child fails inside the
/// parent's step, and the parent's body goes on to `end`.
fn closing_parent(log: &Log, end: Result<u64, &'static str>) -> BoxSaga<u64> {
    let log = log.clone();
    Gen::new(move |co: SagaCo<u64>| async move {
        let chan = Channel::<u64>::new(Buffer::None);
        let (taken, child_log) = (chan.clone(), log.clone());
        let child = move |()| {
            Gen::new(move |co: SagaCo<u64>| async move {
                let got = take_from(&co, &taken).await?;
                child_log.say(format_args!("child took {got:?}"));
                Err(Error::msg("child failed").into())
            })
        };
        fork(&co, child, ()).await?;
        delay(&co, 10).await?;
        chan.close();
        log.say("parent goes on");
        end.map_err(|e| Error::msg(e).into())
    })
    .boxed()
}

/// Runs [`closing_parent`] ending with `end`: its log, its task, and the
/// rejections reported as unhandled.
fn run_closing_parent(end: Result<u64, &'static str>) -> (Vec<String>, Task<u64>, Vec<String>) {
    let log = Log::default();
    let l = log.clone();
    let (task, reported) = reporting_unhandled(move || {
        let task = run_saga(closing_parent(&l, end));
        task.promise().catch(|_| Ok(0));
        task
    });
    (log.lines(), task, reported)
}

#[test]
fn a_child_failing_inside_its_parents_last_step_fails_the_parent() {
    let (lines, task, reported) = run_closing_parent(Ok(99));
    // The close resumes the child at once, inside the parent's step: the
    // abort waits for the step to end, and the body's return does not
    // settle the parent in between (redux-saga itself re-enters the
    // running generator here and breaks: baton ends as if the error had
    // come a moment later).
    assert_eq!(lines, ["10 child took None", "10 parent goes on"]);
    assert_eq!(outcome(&task), "failed: child failed");
    assert!(reported.is_empty(), "{reported:?}");
}

#[test]
fn a_parents_own_error_after_a_child_failed_inside_its_step_is_reported() {
    let (lines, task, reported) = run_closing_parent(Err("parent failed"));
    // The child's error came first and wins; the body's own is told.
    assert_eq!(lines, ["10 child took None", "10 parent goes on"]);
    assert_eq!(outcome(&task), "failed: child failed");
    assert_eq!(reported.len(), 1);
    assert!(reported[0].contains("parent failed"), "{reported:?}");
}

#[test]
fn the_trace_shows_the_tree_with_virtual_timestamps() {
    let log = Log::default();
    let runtime = Runtime::traced();
    EventLoop::virtual_clock().run(|| {
        let child = leaf(&log, "child", 50);
        let task = runtime.run("root", node(&log, "root", 100, vec![child]));
        cancel_after(&task, 70, "enough");
    });
    let lines: Vec<String> = runtime
        .timeline()
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect();
    assert_eq!(
        lines,
        [
            "     0ms  root#1                 Root task started",
            "     0ms  root#1                 ▶ Fork node(())",
            "     0ms    node#2               Forked task started",
            "     0ms    node#2               ▶ Delay delay(50)",
            "     0ms  root#1                 ✔ Fork node(())",
            "     0ms  root#1                 ▶ Delay delay(100)",
            "    50ms    node#2               ✔ Delay delay(50)",
            "    50ms    node#2               ▶ Cancelled cancelled()",
            "    50ms    node#2               ✔ Cancelled cancelled()",
            "    50ms    node#2               task done",
            "    70ms  root#1                 ⊘ Delay delay(100)",
            "    70ms  root#1                 ▶ Cancelled cancelled()",
            "    70ms  root#1                 ✔ Cancelled cancelled()",
            "    70ms  root#1                 ▶ Delay delay(5)",
            "    75ms  root#1                 ✔ Delay delay(5)",
            "    75ms  root#1                 task failed: cancelled: enough",
        ]
    );
}

#[test]
fn joining_oneself_is_an_error_not_a_hang() {
    let slot: Rc<RefCell<Option<Task<u64>>>> = Rc::default();
    let s = slot.clone();
    let task = EventLoop::virtual_clock().run(move || {
        let task = run_saga(Gen::new(move |co: SagaCo<u64>| async move {
            delay(&co, 1).await?;
            let me = s.borrow().clone().expect("set before the delay ends");
            join(&co, &me).await
        }));
        *slot.borrow_mut() = Some(task.clone());
        task.promise().catch(|_| Ok(0));
        task
    });
    assert_eq!(
        outcome(&task),
        "failed: a saga cannot join itself: it would wait forever"
    );
}

/// A random saga tree: each node forks its children, works for `work` ms,
/// and may fail.
#[derive(Debug, Clone)]
struct Spec {
    id: usize,
    work: u64,
    fails: bool,
    children: Vec<Spec>,
}

fn spec_tree() -> impl proptest::strategy::Strategy<Value = Spec> {
    use proptest::prelude::*;
    let leaf = (1u64..60, proptest::bool::weighted(0.15)).prop_map(|(work, fails)| Spec {
        id: 0,
        work,
        fails,
        children: Vec::new(),
    });
    leaf.prop_recursive(3, 12, 3, |inner| {
        (
            1u64..60,
            proptest::bool::weighted(0.1),
            proptest::collection::vec(inner, 0..3),
        )
            .prop_map(|(work, fails, children)| Spec {
                id: 0,
                work,
                fails,
                children,
            })
    })
}

fn number(spec: &mut Spec, next: &mut usize) {
    spec.id = *next;
    *next += 1;
    for child in &mut spec.children {
        number(child, next);
    }
}

/// Logs `start i` when the body starts, `end i` when its cleanup has run,
/// and (through its parent) `settled i` when its task settles.
fn tree_node(spec: Spec, log: Log) -> BoxSaga<u64> {
    Gen::new(move |co: SagaCo<u64>| async move {
        log.say(format_args!("start {}", spec.id));
        let outcome = async {
            for child in spec.children.clone() {
                let (l, id) = (log.clone(), child.id);
                let task = fork(&co, move |()| tree_node(child, l), ()).await?;
                let (l1, l2) = (log.clone(), log.clone());
                task.promise().then_else(
                    move |_| {
                        l1.say(format_args!("settled {id}"));
                        Ok(0)
                    },
                    move |_| {
                        l2.say(format_args!("settled {id}"));
                        Ok(0)
                    },
                );
            }
            delay(&co, spec.work).await?;
            if spec.fails {
                return Err(Error::msg(format!("node {} failed", spec.id)).into());
            }
            Ok(spec.work)
        }
        .await;
        // Cleanup that itself waits, as closing a connection would; a
        // cancellation arriving meanwhile must not cut it short.
        let _ = delay(&co, 2).await;
        log.say(format_args!("end {}", spec.id));
        outcome
    })
    .boxed()
}

fn ids(log: &[String], what: &str) -> Vec<usize> {
    log.iter()
        .filter_map(|l| l.split_once(' ').map(|(_, rest)| rest))
        .filter_map(|rest| rest.strip_prefix(what)?.trim().parse().ok())
        .collect()
}

fn parents(spec: &Spec, out: &mut Vec<(usize, usize)>) {
    for child in &spec.children {
        out.push((spec.id, child.id));
        parents(child, out);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

    /// For random trees, failures and cancellation times: every task that
    /// started runs its cleanup exactly once, and settles after all of its
    /// children have settled.
    #[test]
    fn every_started_task_cleans_up_once_and_settles_after_its_children(
        tree in spec_tree(),
        cancel_at in proptest::option::of(1u64..150),
    ) {
        let mut tree = tree;
        number(&mut tree, &mut 0);
        let log = Log::default();
        let (l, t) = (log.clone(), tree.clone());
        let root = EventLoop::virtual_clock().run(move || {
            let task = run_saga(tree_node(t, l.clone()));
            let l2 = l.clone();
            task.promise().then_else(
                move |_| { l.say("settled 0"); Ok(0) },
                move |_| { l2.say("settled 0"); Ok(0) },
            );
            if let Some(at) = cancel_at {
                cancel_after(&task, at, "stop");
            }
            // Only the promise is kept: nothing else holds the tree.
            task.promise()
        });
        let lines = log.lines();
        let mut started = ids(&lines, "start ");
        let mut ended = ids(&lines, "end ");
        started.sort_unstable();
        ended.sort_unstable();
        proptest::prop_assert_eq!(&ended, &started, "cleanup once per started task: {:?}", lines);
        let settled = ids(&lines, "settled ");
        let position = |id: usize| settled.iter().position(|&s| s == id);
        let mut edges = Vec::new();
        parents(&tree, &mut edges);
        for (parent, child) in edges {
            if let Some(c) = position(child) {
                let p = position(parent);
                proptest::prop_assert!(p.is_some_and(|p| c < p), "{child} settles before {parent}: {lines:?}");
            }
        }
        proptest::prop_assert!(root.peek().is_some(), "the root settled: {:?}", lines);
    }
}

#[test]
fn a_cancelled_task_is_not_reported_as_an_unhandled_rejection_but_a_failed_one_is() {
    let log = Log::default();
    let ((), reports) = reporting_unhandled(move || {
        let cancelled = run_saga(leaf(&log, "cancelled", 100));
        cancel_after(&cancelled, 10, "not needed");
        run_saga(failing(&log, "failing", 20));
    });
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].contains("failing failed"));
}

fn refused(why: &'static str) -> Promise<u64> {
    Promise::reject(Error::msg(why))
}

#[test]
fn a_saga_cancelled_before_a_settled_calls_turn_never_sees_it_and_its_cleanup_calls_wait_their_turns()
 {
    let log = Log::default();
    let task = EventLoop::virtual_clock().run(|| {
        let l = log.clone();
        let task = run_saga(Gen::new(move |co: SagaCo<u64>| async move {
            let result = call(&co, instantly, 1).await;
            if let Ok(v) = &result {
                l.say(format_args!("the step after the call ran with {v}"));
            }
            // Cleanup waits on settled promises too: each value comes one
            // turn after its call, never at the abandoned call's turn.
            for n in [7, 8] {
                let got = call(&co, instantly, n).await?;
                l.say(format_args!("cleanup got {got}"));
            }
            result
        }));
        task.cancel(Error::msg("at once"));
        let l = log.clone();
        baton::queue_microtask(move || l.say("a job queued after the cancel"));
        task
    });
    assert_eq!(
        log.lines(),
        [
            "0 cleanup got 7",
            "0 a job queued after the cancel",
            "0 cleanup got 8"
        ]
    );
    assert_eq!(outcome(&task), "cancelled: at once");
}

#[test]
fn a_settled_rejection_a_saga_catches_is_not_reported_as_unhandled() {
    let (got, reports) = reporting_unhandled(|| {
        run_saga(Gen::new(|co: SagaCo<String>| async move {
            match call(&co, refused, "no such user").await {
                Ok(v) => Ok(format!("got {v}")),
                Err(baton::Abrupt::Throw(e)) => Ok(format!("caught: {e}")),
                Err(abrupt) => Err(abrupt),
            }
        }))
        .promise()
    });
    assert_eq!(
        got.peek().and_then(Result::ok).as_deref(),
        Some("caught: no such user")
    );
    assert!(reports.is_empty(), "{reports:?}");
}

#[test]
fn an_all_of_settled_calls_gathers_in_order_fails_on_a_rejection_and_is_silent_once_cancelled() {
    let log = Log::default();
    let (gathered, failed, cancelled) = EventLoop::virtual_clock().run(|| {
        let gathered = run_saga(Gen::new(|co: SagaCo<Vec<u64>>| async move {
            let calls = vec![call_effect(instantly, 1), call_effect(instantly, 2)];
            all(&co, calls).await
        }));
        let failed = run_saga(Gen::new(|co: SagaCo<Vec<u64>>| async move {
            let calls = vec![
                call_effect(instantly, 1),
                call_effect(refused, "the second part"),
                call_effect(instantly, 3),
            ];
            all(&co, calls).await
        }));
        let l = log.clone();
        let cancelled = run_saga(Gen::new(move |co: SagaCo<Vec<u64>>| async move {
            let calls = vec![call_effect(instantly, 1), call_effect(instantly, 2)];
            let got = all::<_, u64>(&co, calls).await;
            l.say(format_args!("the all resumed the saga: {}", got.is_ok()));
            got
        }));
        cancelled.cancel(Error::msg("at once"));
        (gathered, failed, cancelled)
    });
    assert_eq!(outcome(&gathered), "ok [1, 2]");
    assert_eq!(outcome(&failed), "failed: the second part");
    assert_eq!(outcome(&cancelled), "cancelled: at once");
    assert_eq!(log.lines(), ["0 the all resumed the saga: false"]);
}

fn blows_up(what: &'static str) -> Promise<u32> {
    panic!("{what} blew up")
}

#[test]
fn a_called_function_that_panics_throws_into_the_saga() {
    let got = EventLoop::virtual_clock().run(|| {
        run_saga(Gen::new(|co: SagaCo<String>| async move {
            match baton::saga::call(&co, blows_up, "the fetcher").await {
                Ok(v) => Ok(format!("got {v}")),
                Err(baton::Abrupt::Throw(e)) => Ok(format!("caught: {e}")),
                Err(abrupt) => Err(abrupt),
            }
        }))
        .promise()
    });
    let text = got.peek().and_then(Result::ok).unwrap_or_default();
    assert!(
        text.starts_with("caught: ") && text.contains("the fetcher blew up"),
        "{text}"
    );
}

#[test]
fn race2_reports_which_of_two_typed_racers_won() {
    use baton::saga::{Won, race2};
    let log = Log::default();
    let got = EventLoop::virtual_clock().run(|| {
        let l = log.clone();
        run_saga(Gen::new(move |co: SagaCo<String>| async move {
            let slow = call_effect(move |()| leaf(&l, "slow", 1000), ());
            let won: Won<u64, ()> =
                race2(&co, ("job", slow), ("timeout", delay_effect(10))).await?;
            Ok(format!("{won:?}"))
        }))
        .promise()
    });
    assert_eq!(
        got.peek().and_then(Result::ok).as_deref(),
        Some("Second(())")
    );
    assert_eq!(
        log.lines(),
        ["10 slow cleanup starts", "15 slow cleanup done"]
    );
}

#[test]
fn a_parent_nobody_holds_still_waits_for_its_children_and_settles() {
    // Only the promise is kept: the parent's body ends before its child,
    // and a token-cancelled parent waits for its children's cleanup.
    let log = Log::default();
    let (done, cancelled) = EventLoop::virtual_clock().run(|| {
        let done = run_saga(node(&log, "parent", 10, vec![leaf(&log, "child", 50)])).promise();
        let token = CancellationToken::new();
        let task = run_saga(node(
            &log,
            "cancelled parent",
            100,
            vec![leaf(&log, "its child", 100)],
        ));
        task.cancel_on(&token);
        let cancelled = task.promise();
        drop(task);
        set_timeout(
            move || token.cancel(Error::msg("stop")),
            Duration::from_millis(20),
        );
        (done, cancelled)
    });
    assert_eq!(done.peek().and_then(Result::ok), Some(10));
    let error = cancelled
        .peek()
        .and_then(Result::err)
        .map(|e| e.to_string());
    assert_eq!(error.as_deref(), Some("stop"));
    assert!(
        log.lines()
            .contains(&"30 cancelled parent cleanup done".to_string()),
        "{:?}",
        log.lines()
    );
}

static CHILD_NAMES: std::sync::LazyLock<Vec<String>> =
    std::sync::LazyLock::new(|| (0..1_000).map(|i| format!("child {i}")).collect());

#[test]
fn a_parent_of_many_children_settles_each_once_and_cancels_the_rest_in_fork_order() {
    // Children finish in an order scrambled against their forking, so each
    // leaves from the middle of its parent's list; the parent is cancelled
    // when about half have finished.
    let children: u64 = if cfg!(miri) { 40 } else { 1_000 };
    let finish = move |i: u64| 1 + 2 * ((i * 7919) % children); // odd: never at the cancel
    let log = Log::default();
    let task = EventLoop::virtual_clock().run(|| {
        let leaves = (0..children).map(|i| leaf(&log, &CHILD_NAMES[i as usize], finish(i)));
        let task = run_saga(node(&log, "parent", 5_000, leaves.collect()));
        cancel_after(&task, children, "stop");
        task
    });
    let mut expected: Vec<(u64, u64, String)> = (0..children)
        .filter(|&i| finish(i) < children)
        .flat_map(|i| {
            let at = finish(i);
            [
                (at, i, format!("{at} child {i} did its work")),
                (at, i, format!("{at} child {i} body ends")),
            ]
        })
        .collect();
    expected.sort_by_key(|(at, i, _)| (*at, *i));
    let mut expected: Vec<String> = expected.into_iter().map(|(_, _, line)| line).collect();
    let cancelled: Vec<u64> = (0..children).filter(|&i| finish(i) > children).collect();
    expected.extend(
        cancelled
            .iter()
            .map(|i| format!("{children} child {i} cleanup starts")),
    );
    expected.extend(
        cancelled
            .iter()
            .map(|i| format!("{} child {i} cleanup done", children + 5)),
    );
    // The parent's own cleanup once the last child's is over.
    expected.push(format!("{} parent cleanup starts", children + 5));
    expected.push(format!("{} parent cleanup done", children + 10));
    assert_eq!(cancelled.len() as u64, children / 2);
    assert_eq!(log.lines(), expected);
    assert_eq!(outcome(&task), "cancelled: stop");
}

/// Where baton leaves redux-saga on purpose: an `all` performing its parts
/// one at a time (from a fork on) performs none after one that fails as it
/// starts (a `cps` calling back with an error at once), where redux-saga
/// still calls the function of a call there; and one whose fork's child
/// fails as it starts, halting the saga, performs the rest after the
/// saga's cleanup, where redux-saga performs them first.
#[test]
fn an_alls_parts_after_one_that_fails_or_halts_its_saga_as_it_starts() {
    use baton::Abrupt;
    use baton::runner::Done;
    use baton::saga::{Value, cps_effect, fork_effect};

    fn refuse_at_once(_: (), done: Done<u32, Error>) {
        done(Err(Error::msg("refused")));
    }
    let ran = |first: Box<dyn Fn() -> Vec<baton::saga::Effect>>| {
        let log = Log::default();
        let (l, side) = (log.clone(), log.clone());
        let task = EventLoop::virtual_clock().run(move || {
            let side_effect = move |()| {
                side.say("the call after it ran");
                Promise::<u32>::resolve(1)
            };
            run_saga(Gen::new(move |co: SagaCo<u32>| async move {
                let mut parts = first();
                parts.push(call_effect(side_effect, ()));
                let out = all::<_, Value>(&co, parts).await;
                l.say(match &out {
                    Ok(_) => "the all gave its values",
                    Err(Abrupt::Throw(_)) => "the all threw",
                    Err(Abrupt::Return(_)) => "the saga's cleanup",
                });
                out.map(|values| values.len() as u32)
            }))
        });
        (log.lines(), outcome(&task))
    };
    let failing = |()| Gen::new(|_co: SagaCo<u32>| async move { Err(Error::msg("boom").into()) });
    let waiting = |()| {
        Gen::new(|co: SagaCo<u32>| async move {
            delay(&co, 10).await?;
            Ok(1)
        })
    };
    let cleanup = vec![
        "0 the saga's cleanup".to_owned(),
        "0 the call after it ran".to_owned(),
    ];
    assert_eq!(
        ran(Box::new(move || vec![fork_effect(failing, ())])),
        (cleanup, "failed: boom".to_owned())
    );
    let threw = vec!["0 the all threw".to_owned()];
    assert_eq!(
        ran(Box::new(move || {
            vec![fork_effect(waiting, ()), cps_effect(refuse_at_once, ())]
        })),
        (threw, "failed: refused".to_owned())
    );
}

/// redux-saga's `join([...tasks])`: the values in order, or the first
/// failure thrown into the joiner; the other tasks run on.
#[test]
fn join_all_gives_the_values_in_order_or_the_first_failure() {
    use baton::Abrupt;
    use baton::saga::join_all;

    let log = Log::default();
    let (l, said) = (log.clone(), log.clone());
    let task = EventLoop::virtual_clock().run(move || {
        let sleeper = move |(ms, fails): (u64, bool)| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<u64>| async move {
                delay(&co, ms).await?;
                l.say(format_args!("{ms} ms task ends"));
                if fails {
                    return Err(Error::msg(format!("{ms} ms task failed")).into());
                }
                Ok(ms)
            })
        };
        let l = said;
        run_saga(Gen::new(move |co: SagaCo<String>| async move {
            let ok = vec![
                spawn(&co, sleeper.clone(), (20, false)).await?,
                spawn(&co, sleeper.clone(), (5, false)).await?,
            ];
            let values = join_all(&co, &ok).await?;
            l.say(format_args!("joined {values:?}"));
            let mixed = vec![
                spawn(&co, sleeper.clone(), (30, false)).await?,
                spawn(&co, sleeper.clone(), (10, true)).await?,
            ];
            match join_all(&co, &mixed).await {
                Err(Abrupt::Throw(e)) => l.say(format_args!("join threw: {e}")),
                other => l.say(format_args!("unexpected: {:?}", other.is_ok())),
            }
            Ok("done".to_string())
        }))
    });
    assert_eq!(
        log.lines(),
        [
            "5 5 ms task ends",
            "20 20 ms task ends",
            "20 joined [20, 5]",
            "30 10 ms task ends",
            "30 join threw: 10 ms task failed",
            "50 30 ms task ends",
        ]
    );
    assert_eq!(outcome(&task), "ok \"done\"");
}
