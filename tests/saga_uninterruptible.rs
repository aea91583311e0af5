//! `uninterruptible` regions on the virtual clock: a cancellation (or a
//! child's failure) that comes during one waits for its end, each cleanup
//! still runs once, and a region nobody interrupts changes nothing.

#[path = "shared/saga_log.rs"]
mod saga_log;

use std::cell::RefCell;
use std::rc::Rc;

use baton::saga::{
    BoxSaga, Kind, SagaCo, Stepper, call, cancel_and_wait, cancelled, delay, fork, run_saga,
    uninterruptible,
};
use baton::{Abrupt, Error, EventLoop, Gen, Promise};
use proptest::prelude::*;
use saga_log::{Log, cancel_after, outcome};

/// Works `before` ms, then `region` ms in a region, then `after` ms; its
/// cleanup (5 ms) says whether it was cancelled.
fn worker(log: &Log, name: &'static str, before: u64, region: u64, after: u64) -> BoxSaga<()> {
    let log = log.clone();
    Gen::new(move |co: SagaCo<()>| async move {
        let worked = async {
            delay(&co, before).await?;
            uninterruptible(&co, async {
                log.say(format_args!("{name} region starts"));
                delay(&co, region).await?;
                log.say(format_args!("{name} region ends"));
                Ok(())
            })
            .await?;
            delay(&co, after).await?;
            log.say(format_args!("{name} done"));
            Ok(())
        }
        .await;
        if cancelled(&co).await? {
            delay(&co, 5).await?;
            log.say(format_args!("{name} cleaned up"));
        }
        worked
    })
    .boxed()
}

#[test]
fn a_cancellation_during_the_region_takes_effect_as_it_ends() {
    let log = Log::default();
    let task = EventLoop::virtual_clock().run(|| {
        let task = run_saga(worker(&log, "payment", 10, 100, 1000));
        cancel_after(&task, 50, "stop");
        task
    });
    assert_eq!(
        log.lines(),
        [
            "10 payment region starts",
            "110 payment region ends",
            "115 payment cleaned up"
        ]
    );
    assert_eq!(outcome(&task), "cancelled: stop");
}

#[test]
fn before_and_after_the_region_a_cancellation_stops_the_saga_at_once() {
    let log = Log::default();
    let (early, late) = EventLoop::virtual_clock().run(|| {
        let early = run_saga(worker(&log, "early", 10, 100, 1000));
        cancel_after(&early, 5, "stop");
        let late = run_saga(worker(&log, "late", 10, 100, 1000));
        cancel_after(&late, 200, "stop");
        (early, late)
    });
    assert_eq!(
        log.lines(),
        [
            "10 late region starts",
            "10 early cleaned up",
            "110 late region ends",
            "205 late cleaned up",
        ]
    );
    assert_eq!(outcome(&early), "cancelled: stop");
    assert_eq!(outcome(&late), "cancelled: stop");
}

#[test]
fn a_parents_cancellation_waits_for_a_child_in_its_region() {
    let log = Log::default();
    let (parent, waited) = EventLoop::virtual_clock().run(|| {
        let l = log.clone();
        let parent = run_saga(Gen::new(move |co: SagaCo<()>| async move {
            let child = {
                let l = l.clone();
                move |()| worker(&l, "child", 0, 100, 1000)
            };
            fork(&co, child, ()).await?;
            let sibling = {
                let l = l.clone();
                move |()| worker(&l, "sibling", 1000, 100, 0)
            };
            fork(&co, sibling, ()).await?;
            let waited = delay(&co, 1000).await;
            l.say(format_args!(
                "parent cleanup, cancelled: {}",
                cancelled(&co).await?
            ));
            waited
        }));
        // Another saga waits for the whole tree to be cancelled.
        let (p, l) = (parent.clone(), log.clone());
        let waited = run_saga(Gen::new(move |co: SagaCo<()>| async move {
            delay(&co, 20).await?;
            cancel_and_wait(&co, &p, Error::msg("stop")).await?;
            l.say("the tree is down");
            Ok(())
        }));
        (parent, waited)
    });
    assert_eq!(
        log.lines(),
        [
            // A delay of 0 ms waits 1 ms, as `setTimeout` does.
            "1 child region starts",
            "25 sibling cleaned up",
            "101 child region ends",
            "106 child cleaned up",
            "106 parent cleanup, cancelled: true",
            "106 the tree is down",
        ]
    );
    assert_eq!(outcome(&parent), "cancelled: stop");
    assert_eq!(outcome(&waited), "ok ()");
}

#[test]
fn a_childs_failure_during_the_region_fails_the_parent_as_it_ends() {
    let log = Log::default();
    let parent = EventLoop::virtual_clock().run(|| {
        let l = log.clone();
        let parent = run_saga(Gen::new(move |co: SagaCo<()>| async move {
            let failing = |()| {
                Gen::new(|co: SagaCo<()>| async move {
                    delay(&co, 10).await?;
                    Err(Error::msg("child failed").into())
                })
            };
            let l2 = l.clone();
            let worked = uninterruptible(&co, async {
                fork(&co, failing, ()).await?;
                delay(&co, 100).await?;
                l2.say("region ends");
                Ok(())
            })
            .await;
            l.say(format_args!("left the region: {}", worked.is_ok()));
            worked
        }));
        parent.promise().catch(|_| Ok(()));
        parent
    });
    assert_eq!(
        log.lines(),
        ["100 region ends", "100 left the region: false"]
    );
    assert_eq!(outcome(&parent), "failed: child failed");
}

#[test]
fn nested_regions_leave_at_the_outermost() {
    let log = Log::default();
    let task = EventLoop::virtual_clock().run(|| {
        let l = log.clone();
        let task = run_saga(Gen::new(move |co: SagaCo<()>| async move {
            let outer = uninterruptible(&co, async {
                uninterruptible(&co, async { delay(&co, 50).await }).await?;
                l.say("inner region ended");
                delay(&co, 50).await?;
                l.say("outer region ends");
                Ok(())
            })
            .await;
            l.say(format_args!("outside, stopped: {}", outer.is_err()));
            outer
        }));
        cancel_after(&task, 10, "stop");
        task
    });
    assert_eq!(
        log.lines(),
        [
            "50 inner region ended",
            "100 outer region ends",
            "100 outside, stopped: true"
        ]
    );
    assert_eq!(outcome(&task), "cancelled: stop");
}

#[test]
fn a_body_that_panics_in_its_region_ends_as_the_cancellation_says() {
    let reports = Rc::new(RefCell::new(Vec::new()));
    let r = reports.clone();
    let task = EventLoop::virtual_clock()
        .on_unhandled_rejection(move |rejection| r.borrow_mut().push(rejection.reason.clone()))
        .run(|| {
            let task = run_saga(Gen::new(|co: SagaCo<()>| async move {
                uninterruptible(&co, async {
                    delay(&co, 50).await?;
                    panic!("the region broke");
                })
                .await
            }));
            cancel_after(&task, 10, "stop");
            task
        });
    assert_eq!(outcome(&task), "cancelled: stop");
    assert_eq!(reports.borrow().len(), 1);
    assert!(reports.borrow()[0].contains("the region broke"));
}

/// The same saga, its middle step in a region or not.
fn ticking(log: &Log, shielded: bool) -> BoxSaga<u32> {
    let log = log.clone();
    Gen::new(move |co: SagaCo<u32>| async move {
        let answer = |n: u32| Promise::<u32>::resolve(n);
        let a = call(&co, answer, 1).await?;
        let b = if shielded {
            uninterruptible(&co, async { call(&co, answer, 2).await }).await?
        } else {
            call(&co, answer, 2).await?
        };
        log.say(format_args!("saga got {}", a + b));
        Ok(a + b)
    })
    .boxed()
}

#[test]
fn a_region_nobody_interrupts_takes_no_turn_of_its_own() {
    let lines = |shielded| {
        let log = Log::default();
        EventLoop::virtual_clock().run(|| {
            let mut p = Promise::<(), Error>::resolve(());
            for i in 1..=5 {
                let l = log.clone();
                p = p.map(move |()| l.say(format_args!("tick {i}")));
            }
            run_saga(ticking(&log, shielded));
        });
        log.lines()
    };
    assert_eq!(lines(true), lines(false));
    assert!(lines(true).contains(&"0 saga got 3".to_string()));
}

#[test]
fn a_stepper_sees_the_region_as_two_effects() {
    let mut steps = Stepper::new(ticking(&Log::default(), true));
    let first = steps.next_effect().expect("the first call");
    assert_eq!(first.kind, Kind::Call);
    let enter = steps.feed(1_u32).expect("entering");
    assert_eq!(
        (enter.kind, enter.to_string().as_str()),
        (
            Kind::Uninterruptible,
            "Uninterruptible uninterruptible(enter)"
        )
    );
    let second = steps.feed(false).expect("the second call");
    assert_eq!(second.kind, Kind::Call);
    let leave = steps.feed(2_u32).expect("leaving");
    assert_eq!(leave.to_string(), "Uninterruptible uninterruptible(leave)");
    let finished = steps.feed(()).expect_err("done");
    assert_eq!(finished.ok(), Some(3));
}

proptest! {
    /// Wherever the cancellation falls, the region runs whole or not at
    /// all, the cleanup runs once, and the work after the region never
    /// runs once cancelled.
    #[test]
    fn the_region_runs_whole_and_the_cleanup_once(
        before in 1_u64..50,
        region in 1_u64..50,
        cancel_at in 1_u64..150,
    ) {
        let log = Log::default();
        let task = EventLoop::virtual_clock().run(|| {
            let task = run_saga(worker(&log, "w", before, region, 20));
            cancel_after(&task, cancel_at, "stop");
            task
        });
        let lines = log.lines();
        let count = |what: &str| lines.iter().filter(|l| l.ends_with(what)).count();
        let finished = before + region + 20;
        // A timer due at the same time as the cancellation's was set
        // later, and fires after it.
        if cancel_at > finished {
            prop_assert_eq!(outcome(&task), "ok ()");
            prop_assert_eq!(count("w done"), 1);
            prop_assert_eq!(count("cleaned up"), 0);
        } else {
            prop_assert_eq!(outcome(&task), "cancelled: stop");
            prop_assert_eq!(count("w done"), 0);
            prop_assert_eq!(count("cleaned up"), 1);
            let entered = cancel_at >= before;
            prop_assert_eq!(count("region starts"), usize::from(entered));
            prop_assert_eq!(count("region ends"), usize::from(entered));
            // The cleanup starts where the cancellation took effect.
            let took_effect = if entered { cancel_at.max(before + region) } else { cancel_at };
            let cleaned = format!("{} w cleaned up", took_effect + 5);
            prop_assert_eq!(lines.last(), Some(&cleaned));
        }
    }
}

#[test]
fn abrupt_return_is_what_the_body_sees_as_it_leaves() {
    let seen = Rc::new(RefCell::new(None));
    let s = seen.clone();
    EventLoop::virtual_clock().run(move || {
        let task = run_saga(Gen::new(move |co: SagaCo<()>| async move {
            let out = uninterruptible(&co, async { delay(&co, 20).await }).await;
            *s.borrow_mut() = Some(matches!(out, Err(Abrupt::Return(()))));
            out
        }));
        cancel_after(&task, 10, "stop");
    });
    assert_eq!(*seen.borrow(), Some(true));
}
