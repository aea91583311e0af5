//! Resilience patterns stepped effect by effect (nothing performed) and
//! the circuit breaker's states on the virtual clock.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use baton::saga::resilience::{
    BreakerState, CircuitBreaker, ReleaseFailed, Retry, transaction, with_resources,
};
use baton::saga::{SagaCo, Stepper, call_effect, delay, run_saga};
use baton::{Error, EventLoop, Gen, Promise};

fn fetch(url: &'static str) -> Promise<String> {
    unreachable!("never performed by the stepper: {url}")
}

fn undo(id: u32) -> Promise<()> {
    unreachable!("never performed by the stepper: {id}")
}

fn close(name: &'static str) -> Promise<()> {
    unreachable!("never performed by the stepper: {name}")
}

#[test]
fn a_retry_steps_call_delay_call_with_the_backoff_it_computed() {
    let policy = Retry::new(3)
        .base(Duration::from_millis(100))
        .random_source(|| 0.5);
    let saga =
        Gen::new(move |co: SagaCo<String>| async move { policy.call(&co, fetch, "/api").await });
    let mut steps = Stepper::new(saga);
    let mut seen = vec![steps.next_effect().expect("call").to_string()];
    seen.push(steps.fail(Error::msg("503")).expect("delay").to_string());
    seen.push(steps.feed(()).expect("call").to_string());
    seen.push(steps.fail(Error::msg("503")).expect("delay").to_string());
    seen.push(steps.feed(()).expect("call").to_string());
    assert_eq!(
        seen,
        [
            "Call fetch(\"/api\")",
            "Delay delay(105)",
            "Call fetch(\"/api\")",
            "Delay delay(210)",
            "Call fetch(\"/api\")",
        ]
    );
    let finished = steps.feed("ok".to_string()).err().and_then(Result::ok);
    assert_eq!(finished.as_deref(), Some("ok"));
}

#[test]
fn a_retry_gives_up_at_once_on_an_error_it_should_not_retry() {
    let policy = Retry::new(5).retry_if(|e| e.to_string() != "404");
    let saga =
        Gen::new(move |co: SagaCo<String>| async move { policy.call(&co, fetch, "/api").await });
    let mut steps = Stepper::new(saga);
    steps.next_effect().expect("call");
    let finished = steps.fail(Error::msg("404")).err().and_then(Result::err);
    assert_eq!(finished.map(|e| e.to_string()).as_deref(), Some("404"));
}

#[test]
fn a_transaction_steps_its_undos_in_reverse_when_a_step_fails() {
    let saga = Gen::new(|co: SagaCo<u32>| async move {
        transaction(&co, async |tx| {
            let a = tx
                .step(&co, "a", fetch, "/a", |_: &String| call_effect(undo, 1))
                .await?;
            let b = tx
                .step(&co, "b", fetch, "/b", |_: &String| call_effect(undo, 2))
                .await?;
            tx.step(&co, "c", fetch, "/c", |_: &String| call_effect(undo, 3))
                .await?;
            Ok((a.len() + b.len()) as u32)
        })
        .await
    });
    let mut steps = Stepper::new(saga);
    let mut seen = vec![steps.next_effect().expect("a").to_string()];
    seen.push(steps.feed("A".to_string()).expect("b").to_string());
    seen.push(steps.feed("B".to_string()).expect("c").to_string());
    seen.push(
        steps
            .fail(Error::msg("c failed"))
            .expect("undo b")
            .to_string(),
    );
    seen.push(
        steps
            .fail(Error::msg("undo b failed"))
            .expect("undo a")
            .to_string(),
    );
    assert_eq!(
        seen,
        [
            "Call fetch(\"/a\")",
            "Call fetch(\"/b\")",
            "Call fetch(\"/c\")",
            "Call undo(2)",
            "Call undo(1)",
        ]
    );
    let error = steps
        .feed(())
        .err()
        .and_then(Result::err)
        .expect("rolled back");
    assert_eq!(
        error.to_string(),
        "failed and rolled back: c failed; undo `b` failed: undo b failed"
    );
}

#[test]
fn resources_are_released_in_reverse_and_a_failed_release_is_an_error() {
    let saga = Gen::new(|co: SagaCo<usize>| async move {
        with_resources(&co, async |scope| {
            let db = scope
                .acquire(&co, "db", fetch, "db", |_| call_effect(close, "db"))
                .await?;
            let mq = scope
                .acquire(&co, "mq", fetch, "mq", |_| call_effect(close, "mq"))
                .await?;
            Ok(db.len() + mq.len())
        })
        .await
    });
    let mut steps = Stepper::new(saga);
    let mut seen = vec![steps.next_effect().expect("db").to_string()];
    seen.push(steps.feed("DB".to_string()).expect("mq").to_string());
    seen.push(steps.feed("MQ".to_string()).expect("close mq").to_string());
    seen.push(
        steps
            .fail(Error::msg("busy"))
            .expect("close db")
            .to_string(),
    );
    assert_eq!(
        seen,
        [
            "Call fetch(\"db\")",
            "Call fetch(\"mq\")",
            "Call close(\"mq\")",
            "Call close(\"db\")",
        ]
    );
    let error = steps
        .feed(())
        .err()
        .and_then(Result::err)
        .expect("release failed");
    assert!(error.downcast_ref::<ReleaseFailed>().is_some());
    assert_eq!(error.to_string(), "failed to release `mq`: busy");
}

#[test]
fn the_breaker_opens_fails_fast_goes_half_open_and_closes() {
    let breaker = CircuitBreaker::new(2, Duration::from_millis(100));
    let changes = Rc::new(RefCell::new(Vec::new()));
    let c = changes.clone();
    breaker.on_change(move |from, to| {
        c.borrow_mut()
            .push(format!("{} {from:?} -> {to:?}", baton::now().as_millis()))
    });
    let b = breaker.clone();
    let outcomes = EventLoop::virtual_clock().run(move || {
        run_saga(Gen::new(move |co: SagaCo<Vec<String>>| async move {
            let mut seen = Vec::new();
            // fail, fail (opens at 20), refused at 30, trial at 130 fails
            // (reopens), refused at 140, trial at 240 succeeds.
            for (at, ok) in [
                (10, false),
                (20, false),
                (30, true),
                (130, false),
                (140, true),
                (240, true),
            ] {
                delay(&co, at - baton::now().as_millis() as u64).await?;
                let op = move |()| {
                    if ok {
                        Promise::resolve(at)
                    } else {
                        Promise::reject(Error::msg("down"))
                    }
                };
                let r = b.call(&co, op, ()).await;
                seen.push(match r {
                    Ok(v) => format!("{at}: ok {v}"),
                    Err(baton::Abrupt::Throw(e)) => format!("{at}: {e}"),
                    Err(_) => format!("{at}: cancelled"),
                });
            }
            Ok(seen)
        }))
        .promise()
    });
    assert_eq!(
        outcomes.peek().and_then(Result::ok).unwrap_or_default(),
        [
            "10: down",
            "20: down",
            "30: Circuit open (retry after 90ms)",
            "130: down",
            "140: Circuit open (retry after 90ms)",
            "240: ok 240",
        ]
    );
    assert_eq!(
        *changes.borrow(),
        [
            "10 Closed { failures: 0 } -> Closed { failures: 1 }",
            "20 Closed { failures: 1 } -> Open { until: 120ms }",
            "130 Open { until: 120ms } -> HalfOpen",
            "130 HalfOpen -> Open { until: 230ms }",
            "240 Open { until: 230ms } -> HalfOpen",
            "240 HalfOpen -> Closed { failures: 0 }",
        ]
    );
    assert_eq!(breaker.state(), BreakerState::Closed { failures: 0 });
}

#[test]
fn using_disposes_once_even_when_the_saga_is_cancelled_mid_body() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    let task = EventLoop::virtual_clock().run(move || {
        let open = |name: &'static str| Promise::resolve(name.to_string());
        let task = run_saga(Gen::new(move |co: SagaCo<usize>| async move {
            let dispose = {
                let l = l.clone();
                move |conn: String| {
                    call_effect(
                        move |conn: String| {
                            l.borrow_mut()
                                .push(format!("{} dispose {conn}", baton::now().as_millis()));
                            // Disposal is itself asynchronous: 5 ms.
                            Promise::new(move |r| {
                                baton::set_timeout(move || r.resolve(()), Duration::from_millis(5));
                            })
                        },
                        conn,
                    )
                }
            };
            let l = l.clone();
            baton::saga::resilience::using(&co, open, "db", dispose, async |conn: &String| {
                l.borrow_mut().push(format!("using {conn}"));
                delay(&co, 100).await?;
                Ok(conn.len())
            })
            .await
        }));
        let t = task.clone();
        baton::set_timeout(
            move || t.cancel(Error::msg("stop")),
            Duration::from_millis(30),
        );
        task.promise()
    });
    assert_eq!(*log.borrow(), ["using db", "30 dispose db"]);
    let error = task.peek().and_then(Result::err).expect("cancelled");
    assert!(baton::saga::Cancelled::is(&error));
}

/// A breaker that never resets (`Duration::MAX`) opens and stays open,
/// refusing with the longest wait there is, where the open state's end
/// overflowed a `Duration` and panicked.
#[test]
fn a_breaker_that_never_resets_stays_open() {
    let breaker = CircuitBreaker::new(1, Duration::MAX);
    let b = breaker.clone();
    let seen = EventLoop::virtual_clock().run(move || {
        run_saga(Gen::new(move |co: SagaCo<Vec<String>>| async move {
            let mut seen = Vec::new();
            for _ in 0..2 {
                delay(&co, 5).await?;
                let r = b
                    .call(&co, |()| Promise::<u32>::reject(Error::msg("down")), ())
                    .await;
                seen.push(match r {
                    Err(baton::Abrupt::Throw(e)) => e
                        .downcast_ref::<baton::saga::resilience::CircuitOpen>()
                        .map_or_else(|| e.to_string(), |open| format!("{:?}", open.retry_after)),
                    other => format!("{other:?}"),
                });
            }
            Ok(seen)
        }))
        .promise()
    });
    let longest = format!("{:?}", Duration::MAX - Duration::from_millis(10));
    assert_eq!(
        seen.peek().and_then(Result::ok),
        Some(vec!["down".to_string(), longest])
    );
    assert!(matches!(breaker.state(), BreakerState::Open { .. }));
}

/// Backoff settings no wait can follow are read as the nearest waits
/// there are, where making the wait panicked: a negative factor or random
/// draw waits nothing, a NaN factor the cap, an unbounded jitter or cap
/// the longest (and the wait's milliseconds saturate).
#[test]
fn backoff_settings_no_wait_can_follow_wait_the_nearest_there_is() {
    let ms = Duration::from_millis;
    let negative = Retry::new(3).base(ms(100)).factor(-2.0).jitter(0.0);
    assert_eq!(negative.delay_after(2), Duration::ZERO);
    let nan = Retry::new(3)
        .base(ms(100))
        .factor(f64::NAN)
        .max_delay(ms(700))
        .jitter(0.0);
    assert_eq!(nan.delay_after(2), ms(700));
    let draws_below = Retry::new(3)
        .base(ms(100))
        .jitter(1.0)
        .random_source(|| -5.0);
    assert_eq!(draws_below.delay_after(1), Duration::ZERO);
    let endless = Retry::new(3)
        .base(ms(100))
        .jitter(f64::INFINITY)
        .random_source(|| 0.5);
    assert_eq!(endless.delay_after(1), Duration::MAX);
    let huge = Retry::new(3)
        .base(Duration::MAX)
        .max_delay(Duration::MAX)
        .jitter(1.0)
        .random_source(|| 0.99);
    assert_eq!(huge.delay_after(3), Duration::MAX);

    // A saga retrying after such a wait is cancelled while it waits, not
    // torn by a panic.
    let policy = Retry::new(2)
        .base(Duration::MAX)
        .max_delay(Duration::MAX)
        .jitter(0.0);
    let p = EventLoop::virtual_clock().run(move || {
        let task = baton::saga::Runtime::new().run(
            "patient",
            Gen::new(move |co: SagaCo<u32>| async move {
                policy
                    .call(&co, |()| Promise::<u32>::reject(Error::msg("down")), ())
                    .await
            }),
        );
        let t = task.clone();
        baton::set_timeout(move || t.cancel(Error::msg("enough")), ms(1_000));
        task.promise()
    });
    let outcome = p.peek().map(|r| r.map_err(|e| e.to_string()));
    assert!(
        matches!(&outcome, Some(Err(e)) if e.contains("enough")),
        "{outcome:?}"
    );
}
