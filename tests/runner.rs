//! The runner beyond the Node oracles: faults, every kind of yieldable,
//! hand-written generators, and timing parity with async functions.

use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use baton::runner::{future, run, wrap};
use baton::{
    Co, Error, EventLoop, Fault, FaultKind, Gen, Generator, Promise, Resume, Step, StepResult, now,
    set_timeout, spawn,
};

fn later<T: Clone + 'static>(ms: u64, value: T) -> Promise<T> {
    Promise::new(move |r| {
        set_timeout(move || r.resolve(value), Duration::from_millis(ms));
    })
}

fn fault_kind(e: &Error) -> Option<FaultKind> {
    e.downcast_ref::<Fault>().map(Fault::kind)
}

#[test]
fn a_panicking_generator_rejects_the_run() {
    let p = EventLoop::virtual_clock().run(|| {
        let p = run(Gen::new(|co: Co<Promise<u8>, u8, u8, Error>| async move {
            let v = co.yield_(Promise::resolve(1)).await?;
            if v == 1 {
                panic!("generator blew up");
            }
            Ok(v)
        }));
        p.catch(|_| Ok(0));
        p
    });
    assert_eq!(
        fault_kind(&p.peek().expect("settled").expect_err("rejected")),
        Some(FaultKind::Panic)
    );
}

#[test]
fn an_exhausted_generator_is_a_clear_rejection() {
    let p = EventLoop::virtual_clock().run(|| {
        let mut g = Gen::new(|_co: Co<Promise<u8>, u8, u8, Error>| async move { Ok(1) });
        assert!(matches!(g.next(0), Ok(Step::Returned(1))));
        let p = run(g);
        p.catch(|_| Ok(0));
        p
    });
    assert_eq!(
        fault_kind(&p.peek().expect("settled").expect_err("rejected")),
        Some(FaultKind::Exhausted)
    );
}

/// A promise awaited in the body instead of yielded: the generator cannot
/// wait, and the run fails with a fault that says what to write instead.
#[test]
fn a_promise_awaited_instead_of_yielded_fails_the_run_saying_so() {
    let p = EventLoop::virtual_clock().run(|| {
        let p = run(Gen::new(|co: Co<Promise<u8>, u8, u8, Error>| async move {
            let a = co.yield_(Promise::resolve(1)).await?;
            let b = later(5, 2).await?; // should have been yielded
            Ok(a + b)
        }));
        p.catch(|_| Ok(0));
        p
    });
    let error = p.peek().expect("settled").expect_err("rejected");
    assert_eq!(fault_kind(&error), Some(FaultKind::Panic));
    let said = error.to_string();
    assert!(
        said.contains("a `Gen` cannot wait") && said.contains("yield the promise instead"),
        "{said}"
    );
}

#[test]
fn tuples_maps_and_futures_are_yieldable() {
    type Pair = (Promise<u8>, Promise<&'static str>);
    type Keyed<V> = HashMap<&'static str, V>;
    let out = EventLoop::virtual_clock().run(|| {
        let pair = run(Gen::new(
            |co: Co<Pair, (u8, &str), String, Error>| async move {
                let (n, s) = co.yield_((later(20, 7), later(10, "seven"))).await?;
                Ok(format!("{n}={s} at {:?}", now()))
            },
        ));
        let keyed = run(Gen::new(
            |co: Co<Keyed<Promise<u8>>, Keyed<u8>, u8, Error>| async move {
                let m = co
                    .yield_(HashMap::from([("a", later(5, 1)), ("b", later(1, 2))]))
                    .await?;
                Ok(m["a"] * 10 + m["b"])
            },
        ));
        let from_future = run(Gen::new(|co: Co<_, u8, u8, Error>| async move {
            let v = co
                .yield_(future(async { Ok::<u8, Error>(later(3, 40).await? + 2) }))
                .await?;
            Ok(v)
        }));
        (pair, keyed, from_future)
    });
    assert_eq!(
        out.0.peek().and_then(Result::ok).as_deref(),
        Some("7=seven at 20ms")
    );
    assert_eq!(out.1.peek().and_then(Result::ok), Some(12));
    assert_eq!(out.2.peek().and_then(Result::ok), Some(42));
}

/// The hand-written state machine of `function* () { a = yield p1; b = yield p2; return a + b }`.
/// It keeps its `witness` to the end: what a run keeps alive shows in the
/// witness's count.
#[derive(Default)]
struct Sum {
    state: u8,
    first: u32,
    _witness: Option<Rc<()>>,
}

impl Generator for Sum {
    type Input = u32;
    type Yield = Promise<u32>;
    type Return = u32;
    type Error = Error;
    fn resume(&mut self, how: Resume<u32, Error, u32>) -> StepResult<Promise<u32>, u32, Error> {
        let input = match how {
            Resume::Next(v) => v,
            Resume::Throw(e) => return Err(e),
            Resume::Return(v) => return Ok(Step::Returned(v)),
        };
        self.state += 1;
        match self.state {
            1 => Ok(Step::Yielded(later(10, 2))),
            2 => {
                self.first = input;
                Ok(Step::Yielded(later(10, 3)))
            }
            3 => Ok(Step::Returned(self.first + input)),
            _ => Ok(Step::Done),
        }
    }
}

#[test]
fn run_drives_a_hand_written_generator_with_the_same_timing_as_async() {
    let (machine, native) = EventLoop::virtual_clock().run(|| {
        let machine = run(Sum::default()).map(|v| (v, now()));
        let native = spawn(async {
            let a = later(10, 2).await?;
            let b = later(10, 3).await?;
            Ok::<_, Error>((a + b, now()))
        });
        (machine, native)
    });
    let expected = Some((5, Duration::from_millis(20)));
    assert_eq!(machine.peek().and_then(Result::ok), expected);
    assert_eq!(native.peek().and_then(Result::ok), expected);
}

#[test]
fn wrap_makes_a_reusable_async_function() {
    let add_later = wrap(|(a, b): (u32, u32)| {
        Gen::new(move |co: Co<Promise<u32>, u32, u32, Error>| async move {
            let x = co.yield_(later(u64::from(a), a)).await?;
            Ok(x + b)
        })
    });
    let results = EventLoop::virtual_clock().run(move || [add_later((1, 10)), add_later((2, 20))]);
    let values: Vec<_> = results
        .iter()
        .map(|p| p.peek().and_then(Result::ok))
        .collect();
    assert_eq!(values, [Some(11), Some(22)]);
}

/// A rejected promise that had already settled when yielded is handled by
/// the yield (as `.then(onFulfilled, onRejected)` handles it in the seed's
/// runner): caught inside, it is never reported; uncaught, only the run's
/// own promise is.
#[test]
fn a_settled_rejection_the_generator_catches_is_not_reported_as_unhandled() {
    let reports = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let r = reports.clone();
    let (caught, uncaught) = EventLoop::virtual_clock()
        .on_unhandled_rejection(move |rejection| r.borrow_mut().push(rejection.reason.clone()))
        .run(|| {
            let caught = run(Gen::new(
                |co: Co<Promise<u32>, u32, String, Error>| async move {
                    match co.yield_(Promise::reject(Error::msg("refused"))).await {
                        Ok(v) => Ok(format!("got {v}")),
                        Err(baton::Abrupt::Throw(e)) => Ok(format!("caught: {e}")),
                        Err(abrupt) => Err(abrupt),
                    }
                },
            ));
            let uncaught = run(Gen::new(
                |co: Co<Promise<u32>, u32, String, Error>| async move {
                    let v = co.yield_(Promise::reject(Error::msg("not caught"))).await?;
                    Ok(format!("got {v}"))
                },
            ));
            (caught, uncaught)
        });
    assert_eq!(
        caught.peek().and_then(Result::ok).as_deref(),
        Some("caught: refused")
    );
    assert!(uncaught.peek().is_some_and(|o| o.is_err()));
    assert_eq!(*reports.borrow(), [r#"Error("not caught")"#]);
}

mod cancellation {
    use super::*;
    use baton::Abrupt;
    use baton::runner::{CancellationToken, run_cancellable};
    use std::cell::RefCell;

    type Log = Rc<RefCell<Vec<String>>>;

    /// Why `promise` rejected, if it has.
    fn rejection<T: Clone + 'static>(promise: &Promise<T>) -> Option<String> {
        promise.peek().and_then(Result::err).map(|e| e.to_string())
    }

    fn note(log: &Log, line: impl Into<String>) {
        log.borrow_mut()
            .push(format!("[{}ms] {}", now().as_millis(), line.into()));
    }

    /// Runs a generator that yields `first`, then, once cancelled, cleans
    /// up by yielding `cleanup` (cleanup that itself waits: closing a
    /// connection, say). The token is cancelled `cancel_at` ms in, or at
    /// once, before the first yield's turn. Returns the rejection and the
    /// log.
    fn cancelled_mid_step(
        first: fn() -> Promise<u32>,
        cleanup: fn() -> Promise<u32>,
        cancel_at: Option<u64>,
    ) -> (String, Vec<String>) {
        let log: Log = Rc::default();
        let l = log.clone();
        let outcome = EventLoop::virtual_clock().run(move || {
            let token = CancellationToken::<Error>::new();
            let g = Gen::new(move |co: Co<Promise<u32>, u32, u32, Error>| async move {
                let step = co.yield_(first()).await;
                if let Ok(v) = step {
                    note(
                        &l,
                        format!("step after the first promise got {v} (must not run)"),
                    );
                }
                note(&l, "cleanup starts");
                let closed = co.yield_(cleanup()).await?;
                note(&l, format!("cleanup got {closed}"));
                step.map(|v| v + 1)
            });
            let p = run_cancellable(g, &token);
            match cancel_at {
                Some(ms) => {
                    set_timeout(
                        move || token.cancel(Error::msg("stop")),
                        Duration::from_millis(ms),
                    );
                }
                None => token.cancel(Error::msg("stop")),
            }
            p
        });
        let reason = outcome.peek().expect("settled").expect_err("rejected");
        (reason.to_string(), log.borrow().clone())
    }

    #[test]
    fn cleanup_can_await_and_the_step_after_the_pending_promise_never_runs() {
        let (reason, log) = cancelled_mid_step(|| later(100, 1), || later(50, 7), Some(30));
        assert_eq!(reason, "stop");
        assert_eq!(log, ["[30ms] cleanup starts", "[80ms] cleanup got 7"]);
    }

    /// A yielded promise that has already settled still takes a turn: a
    /// cancel in that gap stops the step after it, and the turn does not
    /// resume the cleanup's own yield with the first promise's value.
    #[test]
    fn a_cancel_before_a_settled_promise_s_turn_stops_the_step_after_it() {
        let (reason, log) = cancelled_mid_step(|| Promise::resolve(1), || later(10, 7), None);
        assert_eq!(reason, "stop");
        assert_eq!(log, ["[0ms] cleanup starts", "[10ms] cleanup got 7"]);
    }

    #[test]
    fn a_token_cancelled_before_the_run_never_starts_the_body() {
        let log: Log = Rc::default();
        let l = log.clone();
        let outcome = EventLoop::virtual_clock().run(move || {
            let token = CancellationToken::<Error>::new();
            token.cancel(Error::msg("too late"));
            run_cancellable(
                Gen::new(move |co: Co<Promise<u32>, u32, u32, Error>| async move {
                    note(&l, "body ran");
                    co.yield_(later(1, 1)).await
                }),
                &token,
            )
        });
        assert_eq!(rejection(&outcome).as_deref(), Some("too late"));
        assert!(log.borrow().is_empty());
    }

    #[test]
    fn cancelling_after_completion_changes_nothing_and_uncancelled_runs_resolve() {
        let (done, token) = EventLoop::virtual_clock().run(|| {
            let token = CancellationToken::<Error>::new();
            let p = run_cancellable(
                Gen::new(|co: Co<Promise<u32>, u32, u32, Error>| async move {
                    match co.yield_(later(10, 41)).await {
                        Ok(v) => Ok(v + 1),
                        Err(Abrupt::Return(_)) => Ok(0),
                        Err(e) => Err(e),
                    }
                }),
                &token,
            );
            let t = token.clone();
            set_timeout(
                move || t.cancel(Error::msg("after the fact")),
                Duration::from_millis(20),
            );
            (p, token)
        });
        assert_eq!(done.peek().and_then(Result::ok), Some(42));
        assert!(token.is_cancelled());
    }

    /// A token that outlives its runs (a server's shutdown token) keeps
    /// none of them once they have ended: each run removes its listener.
    #[test]
    fn a_token_keeps_no_run_that_has_ended() {
        let witness = Rc::new(());
        let kept = Rc::new(std::cell::Cell::new(usize::MAX));
        let token = CancellationToken::<Error>::new();
        let (done, cancelled) = EventLoop::virtual_clock().run(|| {
            let runs = (0..1_000).map(|_| {
                let sum = Sum {
                    _witness: Some(witness.clone()),
                    ..Sum::default()
                };
                run_cancellable(sum, &token)
            });
            let done = baton::promise::all(runs.collect::<Vec<_>>());
            // One still running when the token is cancelled hears it.
            let slow = Gen::new(|co: Co<Promise<u32>, u32, u32, Error>| async move {
                co.yield_(later(100, 1)).await
            });
            let cancelled = run_cancellable(slow, &token);
            let (w, kept) = (witness.clone(), kept.clone());
            // Less the test's own and this closure's.
            set_timeout(
                move || kept.set(Rc::strong_count(&w) - 2),
                Duration::from_millis(30),
            );
            let t = token.clone();
            set_timeout(
                move || t.cancel(Error::msg("shutdown")),
                Duration::from_millis(50),
            );
            (done, cancelled)
        });
        assert_eq!(
            done.peek().and_then(Result::ok).map(|v| v.len()),
            Some(1_000)
        );
        assert_eq!(rejection(&cancelled).as_deref(), Some("shutdown"));
        assert_eq!(
            kept.get(),
            0,
            "runs kept at 30 ms, when all 1,000 had ended"
        );
    }

    #[test]
    fn a_removed_listener_is_not_called_and_another_token_s_id_removes_nothing() {
        let heard: Log = Rc::default();
        let (first, second) = (CancellationToken::<&str>::new(), CancellationToken::new());
        let h = heard.clone();
        let of_first = first.on_cancel(move |why| h.borrow_mut().push(format!("first: {why}")));
        let h = heard.clone();
        let of_second = second.on_cancel(move |why| h.borrow_mut().push(format!("second: {why}")));
        assert!(!first.remove_listener(of_second), "not first's listener");
        assert!(second.remove_listener(of_second));
        assert!(!second.remove_listener(of_second), "removed once");
        first.cancel("a");
        second.cancel("b");
        assert!(!first.remove_listener(of_first), "called and gone");
        assert_eq!(*heard.borrow(), ["first: a"]);
    }

    /// A listener that panics does not keep the cancellation from the
    /// listeners after it; the panic comes out of `cancel` once all have
    /// heard.
    #[test]
    fn a_panicking_listener_lets_the_others_hear_then_its_panic_comes_out() {
        let heard: Log = Rc::default();
        let token = CancellationToken::<&str>::new();
        let h = heard.clone();
        token.on_cancel(move |why| h.borrow_mut().push(format!("first: {why}")));
        token.on_cancel(|_| panic!("a listener broke"));
        let h = heard.clone();
        token.on_cancel(move |why| h.borrow_mut().push(format!("third: {why}")));
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| token.cancel("stop")));
        let message = outcome
            .err()
            .and_then(|panic| panic.downcast_ref::<&str>().map(|m| m.to_string()));
        assert_eq!(message.as_deref(), Some("a listener broke"));
        assert_eq!(*heard.borrow(), ["first: stop", "third: stop"]);
        assert!(token.is_cancelled());
    }

    #[test]
    fn cancelled_wakes_a_foreign_waker_once_and_is_ready_with_the_reason() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::task::{Context, Poll, Wake, Waker};

        struct Wakes(AtomicUsize);
        impl Wake for Wakes {
            fn wake(self: Arc<Self>) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let wakes = Arc::new(Wakes(AtomicUsize::new(0)));
        let waker = Waker::from(wakes.clone());
        let mut cx = Context::from_waker(&waker);
        let token = CancellationToken::<&str>::new();
        let mut waiting = std::pin::pin!(token.cancelled());
        assert_eq!(waiting.as_mut().poll(&mut cx), Poll::Pending);
        // Polled again: the same listener, told whom to wake now.
        assert_eq!(waiting.as_mut().poll(&mut cx), Poll::Pending);
        token.cancel("stop");
        assert_eq!(wakes.0.load(Ordering::SeqCst), 1);
        assert_eq!(waiting.as_mut().poll(&mut cx), Poll::Ready("stop"));
        // Already cancelled: ready at once.
        assert_eq!(
            std::pin::pin!(token.cancelled()).poll(&mut cx),
            Poll::Ready("stop")
        );
    }

    /// Nothing cancels the token: the run ends with the task still
    /// waiting, which `block_on` reports, on the virtual clock at once
    /// (the task's wait holds no waker the clock would wait for).
    #[test]
    fn a_cancellation_that_never_comes_stalls_instead_of_hanging() {
        let token = CancellationToken::<Error>::new();
        let out = EventLoop::virtual_clock().block_on(async move {
            let reason = token.cancelled().await;
            Ok::<_, Error>(reason.to_string())
        });
        let error = out.expect_err("stalled");
        assert_eq!(fault_kind(&error), Some(FaultKind::Stalled), "{error}");
    }
}
