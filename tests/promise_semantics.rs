//! Promise and event-loop behaviour beyond the Node oracle suite: faults,
//! hooks, interop with other executors, and timer invariants.

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use baton::promise::all;
use baton::{
    Error, EventLoop, Fault, FaultKind, Promise, Rejection, clear_timeout, now, queue_microtask,
    set_interval, set_timeout, spawn,
};
use proptest::prelude::*;

type Lines = Rc<RefCell<Vec<String>>>;

fn fault_kind(e: &Error) -> Option<FaultKind> {
    e.downcast_ref::<Fault>().map(Fault::kind)
}

#[test]
fn resolving_a_promise_with_itself_rejects_with_a_chaining_cycle() {
    let p = EventLoop::virtual_clock().run(|| {
        let (p, r) = Promise::<u8>::with_resolver();
        r.resolve_with(p.clone());
        p.catch(|_| Ok(0)); // handled: no report
        p
    });
    let e = p.peek().expect("settled").expect_err("rejected");
    assert_eq!(fault_kind(&e), Some(FaultKind::ChainingCycle));
}

#[test]
fn a_panicking_handler_rejects_its_promise_and_the_loop_goes_on() {
    let seen: Lines = Rc::default();
    let s = seen.clone();
    let (p, later) = EventLoop::virtual_clock().run(move || {
        let p = Promise::<u8>::resolve(1).map(|_| -> u8 { panic!("handler blew up") });
        let s2 = s.clone();
        set_timeout(
            move || s2.borrow_mut().push("timer after the panic".into()),
            Duration::from_millis(5),
        );
        let later = p.catch(|e| Ok(u8::from(fault_kind(&e) == Some(FaultKind::Panic))));
        (p, later)
    });
    assert!(p.peek().expect("settled").is_err());
    assert_eq!(later.peek().and_then(Result::ok), Some(1));
    assert_eq!(*seen.borrow(), ["timer after the panic"]);
}

#[test]
fn a_panicking_timer_is_reported_and_later_timers_still_fire() {
    let faults: Lines = Rc::default();
    let seen: Lines = Rc::default();
    let (f, s) = (faults.clone(), seen.clone());
    EventLoop::virtual_clock()
        .on_uncaught(move |fault| f.borrow_mut().push(fault.to_string()))
        .run(move || {
            set_timeout(|| panic!("timer blew up"), Duration::from_millis(1));
            queue_microtask(|| panic!("microtask blew up"));
            set_timeout(
                move || s.borrow_mut().push("still running".into()),
                Duration::from_millis(2),
            );
        });
    assert_eq!(
        *faults.borrow(),
        ["panic: microtask blew up", "panic: timer blew up"]
    );
    assert_eq!(*seen.borrow(), ["still running"]);
}

#[test]
fn unhandled_rejections_are_reported_once_with_their_reason() {
    let reports: Rc<RefCell<Vec<Rejection>>> = Rc::default();
    let r = reports.clone();
    EventLoop::virtual_clock()
        .on_unhandled_rejection(move |rejection| r.borrow_mut().push(rejection.clone()))
        .run(|| {
            let _ = Promise::<u8>::reject(Error::msg("nobody listens"));
            // Rejected through a chain: only the end of the chain is unhandled.
            let _ = Promise::<u8>::reject(Error::msg("chained")).map(|v| v + 1);
        });
    let reasons: Vec<_> = reports.borrow().iter().map(|r| r.reason.clone()).collect();
    assert_eq!(reasons, ["Error(\"nobody listens\")", "Error(\"chained\")"]);
}

/// `block_on` hands the future's failure to its caller, who handles it:
/// not an unhandled rejection. A promise the future leaves unhandled
/// still is one.
#[test]
fn a_failure_block_on_returns_is_not_reported_as_unhandled() {
    let reports: Rc<RefCell<Vec<Rejection>>> = Rc::default();
    let r = reports.clone();
    let out = EventLoop::virtual_clock()
        .on_unhandled_rejection(move |rejection| r.borrow_mut().push(rejection.clone()))
        .block_on(async {
            let _ = Promise::<u8>::reject(Error::msg("left behind"));
            Promise::<u8>::reject(Error::msg("returned")).await
        });
    assert_eq!(out.map_err(|e| e.to_string()), Err("returned".to_string()));
    let reasons: Vec<_> = reports.borrow().iter().map(|r| r.reason.clone()).collect();
    assert_eq!(reasons, ["Error(\"left behind\")"]);
}

#[test]
fn spawn_runs_synchronously_until_the_first_await() {
    let log: Lines = Rc::default();
    let l = log.clone();
    EventLoop::virtual_clock().run(move || {
        let l2 = l.clone();
        spawn(async move {
            l2.borrow_mut().push("task start".into());
            Promise::<()>::resolve(()).await?;
            l2.borrow_mut().push("task resumed".into());
            Ok::<_, Error>(())
        });
        l.borrow_mut().push("after spawn".into());
    });
    assert_eq!(*log.borrow(), ["task start", "after spawn", "task resumed"]);
}

#[test]
fn a_panicking_task_rejects_its_promise() {
    let p = EventLoop::virtual_clock().run(|| {
        let p = spawn(async {
            Promise::<()>::resolve(()).await?;
            if now() == Duration::ZERO {
                panic!("task blew up");
            }
            Ok::<u8, Error>(1)
        });
        p.catch(|_| Ok(0));
        p
    });
    let e = p.peek().expect("settled").expect_err("rejected");
    assert_eq!(fault_kind(&e), Some(FaultKind::Panic));
}

#[test]
fn block_on_reports_a_future_that_can_never_complete() {
    let out: Result<u8, Error> = EventLoop::virtual_clock().block_on(async {
        // A foreign future that never wakes anyone.
        std::future::pending::<()>().await;
        Ok(1)
    });
    assert_eq!(
        fault_kind(&out.expect_err("stalled")),
        Some(FaultKind::Stalled)
    );
}

#[test]
fn virtual_time_jumps_to_each_timer() {
    let times: Rc<RefCell<Vec<Duration>>> = Rc::default();
    let t = times.clone();
    let out = EventLoop::virtual_clock().block_on(async move {
        for secs in [2, 5, 60] {
            let t = t.clone();
            Promise::<()>::new(move |r| {
                set_timeout(move || r.resolve(()), Duration::from_secs(secs));
            })
            .await?;
            t.borrow_mut().push(now());
        }
        Ok::<_, Error>(now())
    });
    assert_eq!(out.ok(), Some(Duration::from_secs(67)));
    assert_eq!(
        *times.borrow(),
        [
            Duration::from_secs(2),
            Duration::from_secs(7),
            Duration::from_secs(67)
        ]
    );
}

#[test]
fn handlers_of_a_promise_dropped_while_pending_are_dropped_with_it() {
    for handlers in [1usize, 3] {
        let held = Rc::new(());
        EventLoop::virtual_clock().run(|| {
            let (pending, resolver) = Promise::<u32>::with_resolver();
            for _ in 0..handlers {
                let keep = held.clone();
                drop(pending.map(move |v| {
                    let _keep = &keep;
                    v
                }));
            }
            assert_eq!(Rc::strong_count(&held), 1 + handlers);
            drop((pending, resolver));
        });
        assert_eq!(Rc::strong_count(&held), 1, "{handlers} handler(s) leaked");
    }
}

/// Runs its function when dropped: a capture whose destructor does
/// something the test can see.
struct OnDrop<F: FnMut()>(F);

impl<F: FnMut()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}

type Log = Rc<RefCell<Vec<&'static str>>>;

/// A capture whose destructor uses the loop: it sets a timer.
fn sets_timer_on_drop(log: &Log) -> OnDrop<impl FnMut() + use<>> {
    let log = log.clone();
    OnDrop(move || {
        let log = log.clone();
        set_timeout(
            move || log.borrow_mut().push("set while dropping"),
            Duration::from_millis(1),
        );
    })
}

#[test]
fn a_timer_callback_may_use_the_timers_while_it_is_dropped() {
    let log: Log = Rc::default();
    let l = log.clone();
    EventLoop::virtual_clock().run(move || {
        // Dropped by clear_timeout.
        let guard = sets_timer_on_drop(&l);
        let id = set_timeout(
            move || {
                let _keep = &guard;
            },
            Duration::from_millis(5),
        );
        clear_timeout(id);
        // Dropped after it has run.
        let guard = sets_timer_on_drop(&l);
        let l = l.clone();
        set_timeout(
            move || {
                let _keep = &guard;
                l.borrow_mut().push("fired");
            },
            Duration::from_millis(2),
        );
    });
    assert_eq!(
        *log.borrow(),
        ["set while dropping", "fired", "set while dropping"]
    );
}

#[test]
fn a_timeout_lets_go_of_its_captures_before_the_microtasks_it_queued() {
    let log: Log = Rc::default();
    let l = log.clone();
    EventLoop::virtual_clock().run(move || {
        let dropped = l.clone();
        let guard = OnDrop(move || dropped.borrow_mut().push("captures dropped"));
        set_timeout(
            move || {
                let _keep = &guard;
                let queued = l.clone();
                baton::queue_microtask(move || queued.borrow_mut().push("microtask"));
                l.borrow_mut().push("fired");
            },
            Duration::from_millis(1),
        );
    });
    // The timeout is spent once it has run: its captures go before the
    // checkpoint that follows it, as its slot does.
    assert_eq!(*log.borrow(), ["fired", "captures dropped", "microtask"]);
}

struct CountingWaker(AtomicUsize);
impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn a_promise_polled_by_another_executor_wakes_its_waker() {
    let wakes = Arc::new(CountingWaker(AtomicUsize::new(0)));
    let waker = Waker::from(wakes.clone());
    let polled = EventLoop::virtual_clock().run(move || {
        let p = Promise::<u8>::new(|r| {
            set_timeout(move || r.resolve(7), Duration::from_millis(3));
        });
        let mut fut = Box::pin(p.into_future());
        let first = fut.as_mut().poll(&mut Context::from_waker(&waker));
        (first.is_pending(), fut, waker)
    });
    let (was_pending, mut fut, waker) = polled;
    assert!(was_pending);
    assert_eq!(
        wakes.0.load(Ordering::SeqCst),
        1,
        "woken when the timer resolved it"
    );
    let ready = fut.as_mut().poll(&mut Context::from_waker(&waker));
    assert!(matches!(ready, Poll::Ready(Ok(7))));
}

#[test]
fn all_over_many_promises_keeps_input_order() {
    let p = EventLoop::virtual_clock().run(|| {
        let inputs = (0..100u64).map(|i| {
            Promise::<u64>::new(move |r| {
                set_timeout(move || r.resolve(i), Duration::from_millis(100 - i));
            })
        });
        all(inputs)
    });
    assert_eq!(
        p.peek().and_then(Result::ok),
        Some((0..100).collect::<Vec<_>>())
    );
}

#[test]
#[should_panic(expected = "already running")]
fn runs_do_not_nest() {
    EventLoop::virtual_clock().run(|| EventLoop::virtual_clock().run(|| ()));
}

#[test]
fn a_pinned_spawned_future_can_be_awaited_by_another_task() {
    let out = EventLoop::virtual_clock().block_on(async {
        let inner = spawn(async { Ok::<_, Error>(20u8) });
        let mut twice = pin!(async move { Ok::<_, Error>(inner.await? * 2) });
        twice.as_mut().await
    });
    assert_eq!(out.ok(), Some(40));
}

proptest! {
    /// Handlers attached to settled promises and plain microtasks run
    /// once each, in the order they were queued (JavaScript queues one
    /// job per handler), including handlers attached from inside a
    /// handler, whichever promise they are attached to.
    #[test]
    fn handlers_on_settled_promises_keep_queue_order(ops in prop::collection::vec(0u8..4, 0..40)) {
        let log: Lines = Rc::default();
        let l = log.clone();
        let ops2 = ops.clone();
        EventLoop::virtual_clock().run(move || {
            let p = Promise::<u32>::resolve(1);
            let q = Promise::<u32>::resolve(2);
            for (i, op) in ops2.into_iter().enumerate() {
                let l = l.clone();
                let _ = match op {
                    0 => p.map(move |_| l.borrow_mut().push(format!("p{i}"))),
                    1 => q.map(move |_| l.borrow_mut().push(format!("q{i}"))),
                    2 => {
                        queue_microtask(move || l.borrow_mut().push(format!("m{i}")));
                        continue;
                    }
                    _ => {
                        let q = q.clone();
                        p.map(move |_| {
                            l.borrow_mut().push(format!("n{i}"));
                            let l = l.clone();
                            let _ = q.map(move |_| l.borrow_mut().push(format!("n{i}.q")));
                        })
                    }
                };
            }
        });
        // The model: one FIFO queue of jobs; a nested handler joins its
        // end when the handler that attaches it runs.
        let mut queue: std::collections::VecDeque<(String, bool)> = ops
            .iter()
            .enumerate()
            .map(|(i, op)| match op {
                0 => (format!("p{i}"), false),
                1 => (format!("q{i}"), false),
                2 => (format!("m{i}"), false),
                _ => (format!("n{i}"), true),
            })
            .collect();
        let mut expected = Vec::new();
        while let Some((label, nests)) = queue.pop_front() {
            if nests {
                queue.push_back((format!("{label}.q"), false));
            }
            expected.push(label);
        }
        prop_assert_eq!(&*log.borrow(), &expected);
    }

    /// Timers fire in (due time, registration) order, each exactly once,
    /// and cleared timers never fire, whatever the delays.
    #[test]
    fn timers_fire_in_due_then_registration_order(
        delays in prop::collection::vec(0u64..50, 1..40),
        cleared in prop::collection::vec(any::<bool>(), 40),
    ) {
        let fired: Rc<RefCell<Vec<usize>>> = Rc::default();
        let f = fired.clone();
        let delays2 = delays.clone();
        let cleared2 = cleared.clone();
        EventLoop::virtual_clock().run(move || {
            for (i, &d) in delays2.iter().enumerate() {
                let f = f.clone();
                let id = set_timeout(move || f.borrow_mut().push(i), Duration::from_millis(d));
                if cleared2[i] {
                    clear_timeout(id);
                }
            }
        });
        let mut expected: Vec<usize> = (0..delays.len()).filter(|&i| !cleared[i]).collect();
        expected.sort_by_key(|&i| (delays[i].max(1), i));
        prop_assert_eq!(&*fired.borrow(), &expected);
    }

    /// An interval fires at every multiple of its period before a timer at
    /// the horizon clears it. At an equal time the earlier registration
    /// wins: the interval's first run (set before the clearing timer), but
    /// not a rescheduled run (set after it), as in Node.
    #[test]
    fn intervals_fire_on_schedule(period in 1u64..20, horizon in 1u64..200) {
        let count = Rc::new(RefCell::new(0u64));
        let c = count.clone();
        EventLoop::virtual_clock().run(move || {
            let id = set_interval(move || *c.borrow_mut() += 1, Duration::from_millis(period));
            set_timeout(move || clear_timeout(id), Duration::from_millis(horizon));
        });
        let expected = if period == horizon { 1 } else { (horizon - 1) / period };
        prop_assert_eq!(*count.borrow(), expected);
    }
}

/// Promises fulfilled from the start (`Promise::resolve`) and one settled
/// later, through `all`, `allSettled`, `then` and queued microtasks around
/// them, keep Node's order (each input of `all` one reaction job, where it
/// subscribed). Node printed, for the same script:
/// `b.then | m1 | m2 | r1 | all2 1,5 | settled fulfilled,rejected,fulfilled
/// | r2 | all 1,2,3,4 | r3 | r4`.
#[test]
fn promises_fulfilled_from_the_start_keep_nodes_order_through_all_and_then() {
    let log = Rc::new(RefCell::new(Vec::<String>::new()));
    let say = |s: String| {
        let log = log.clone();
        move || log.borrow_mut().push(s)
    };
    EventLoop::virtual_clock().run(|| {
        let a = Promise::<u32>::resolve(1);
        let b = Promise::<u32>::resolve(2);
        let b_then = say("b.then".into());
        let _ = b.map(move |_| b_then());
        queue_microtask(say("m1".into()));
        let (late, resolve_late) = Promise::<u32>::with_resolver();
        let every = all([a.clone(), b.clone(), late, Promise::resolve(4)]);
        let m2 = say("m2".into());
        queue_microtask(move || {
            m2();
            resolve_late.resolve(3);
        });
        let log_all = log.clone();
        let _ = every.map(move |v| {
            let shown: Vec<String> = v.iter().map(u32::to_string).collect();
            log_all
                .borrow_mut()
                .push(format!("all {}", shown.join(",")));
        });
        let log_all2 = log.clone();
        let _ = all([a.clone(), Promise::resolve(5)]).map(move |v| {
            log_all2
                .borrow_mut()
                .push(format!("all2 {},{}", v[0], v[1]));
        });
        let log_settled = log.clone();
        let _ = baton::promise::all_settled([a, Promise::reject(Error::msg("no")), b]).map(
            move |outcomes| {
                let shown: Vec<&str> = outcomes
                    .iter()
                    .map(|o| if o.is_ok() { "fulfilled" } else { "rejected" })
                    .collect();
                log_settled
                    .borrow_mut()
                    .push(format!("settled {}", shown.join(",")));
            },
        );
        let (r1, r2, r3, r4) = (
            say("r1".into()),
            say("r2".into()),
            say("r3".into()),
            say("r4".into()),
        );
        let _ = Promise::<()>::resolve(())
            .map(move |()| r1())
            .map(move |()| r2())
            .map(move |()| r3())
            .map(move |()| r4());
    });
    assert_eq!(
        log.borrow().join(" | "),
        "b.then | m1 | m2 | r1 | all2 1,5 | settled fulfilled,rejected,fulfilled | r2 | all 1,2,3,4 | r3 | r4"
    );
}

/// A promise is one pointer, whatever its value type, and so is what an
/// `await` of it keeps besides its waiter. Kept so on purpose: a promise
/// holding a value fulfilled from the start inline (16 bytes for a `u64`)
/// made `all` of such promises 28% faster and a yield of any promise
/// through `run()` 20-40% slower, shared promises too (BENCHMARKS.md).
#[test]
fn a_promise_is_one_pointer() {
    assert_eq!(size_of::<Promise<u64, Error>>(), size_of::<usize>());
    assert_eq!(size_of::<Promise<String, Error>>(), size_of::<usize>());
    assert_eq!(
        size_of::<baton::promise::Awaiting<u64, Error>>(),
        2 * size_of::<usize>()
    );
}

#[test]
fn a_race_won_at_once_leaves_nothing_on_a_promise_that_never_settles() {
    use baton::promise::race;
    let token = Rc::new(());
    let (never, resolver) = EventLoop::virtual_clock().run(Promise::<Rc<()>>::with_resolver);
    let (t, n) = (token.clone(), never.clone());
    let won = EventLoop::virtual_clock().run(move || {
        let results: Vec<_> = (0..3)
            .map(|_| race([Promise::resolve(t.clone()), n.clone()]))
            .collect();
        baton::promise::all(results)
    });
    assert_eq!(won.peek().and_then(Result::ok).map(|v| v.len()), Some(3));
    drop(won);
    // Each race's result holds the token; `never` keeps none of them (as
    // JavaScript's would, through the reaction each race attaches to it).
    assert_eq!(Rc::strong_count(&token), 1);
    drop((never, resolver));
}
