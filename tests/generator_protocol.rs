//! The generator protocol, case by case, with exact traces.

use std::cell::RefCell;
use std::convert::Infallible;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use std::pin::pin;

use baton::{Abrupt, Co, Error, Gen, Generator, Outcome, PinnedGen, Resume, Step, StepResult};

type Trace = Rc<RefCell<Vec<String>>>;

fn trace() -> Trace {
    Rc::default()
}

fn note(t: &Trace, s: impl Into<String>) {
    t.borrow_mut().push(s.into());
}

fn lines(t: &Trace) -> Vec<String> {
    t.borrow().clone()
}

/// Pushes "dropped" when destroyed: a Rust destructor, not a JS `finally`.
struct Guard(Trace);
impl Drop for Guard {
    fn drop(&mut self) {
        note(&self.0, "dropped");
    }
}

#[test]
fn first_next_value_is_discarded_later_ones_arrive() {
    let t = trace();
    let t2 = t.clone();
    let mut g = Gen::new(move |co: Co<(), &str>| async move {
        note(&t2, "started");
        let a = co.yield_(()).await?;
        note(&t2, a);
        Ok(())
    });
    assert_eq!(g.next("lost"), Ok(Step::Yielded(())));
    assert_eq!(g.next("kept"), Ok(Step::Returned(())));
    assert_eq!(lines(&t), ["started", "kept"]);
}

/// The first `next`'s value has no yield to go to: whatever the body does
/// before its first yield (yield, return, panic), it is dropped exactly
/// once, and never seen by the body.
#[test]
fn first_next_value_is_dropped_once_however_the_body_starts() {
    let t = trace();
    let (a, b) = (t.clone(), t.clone());
    let mut yields = Gen::new(move |co: Co<(), Guard>| async move {
        note(&a, "started");
        let _kept = co.yield_(()).await?;
        note(&a, "resumed");
        Ok(())
    });
    assert_eq!(yields.next(Guard(t.clone())), Ok(Step::Yielded(())));
    note(&t, "first yield out");
    assert_eq!(yields.next(Guard(t.clone())), Ok(Step::Returned(())));
    assert_eq!(
        lines(&t),
        [
            "started",
            "dropped",
            "first yield out",
            "resumed",
            "dropped"
        ]
    );

    t.borrow_mut().clear();
    let mut returns = Gen::new(move |_: Co<(), Guard, u8>| async move {
        note(&b, "started");
        Ok(7)
    });
    assert_eq!(returns.next(Guard(t.clone())), Ok(Step::Returned(7)));
    assert_eq!(returns.next(Guard(t.clone())), Ok(Step::Done));
    assert_eq!(lines(&t), ["started", "dropped", "dropped"]);

    t.borrow_mut().clear();
    let mut panics = Gen::new(|_: Co<(), Guard>| async move {
        if true {
            panic!("before the first yield");
        }
        Ok(())
    });
    let caught = catch_unwind(AssertUnwindSafe(|| panics.next(Guard(t.clone()))));
    assert!(caught.is_err());
    assert_eq!(lines(&t), ["dropped"]);
    assert!(panics.is_done());
    // Done for good: the poisoned body is never polled again.
    assert_eq!(panics.next(Guard(t.clone())), Ok(Step::Done));
}

#[test]
fn a_generator_is_its_owner_word_and_its_body_pointer() {
    // The state (fresh, suspended, done) lives in the owner id's word.
    type Body = std::future::Ready<baton::Outcome<()>>;
    assert_eq!(size_of::<Gen<Body, u8>>(), 2 * size_of::<usize>());
    assert_eq!(
        size_of::<baton::BoxGen<'static, u8>>(),
        3 * size_of::<usize>()
    );
}

#[test]
fn return_value_is_delivered_once_then_done_forever() {
    let mut g = Gen::new(|co: Co<u8, (), u8>| async move {
        co.yield_(1).await?;
        Ok(2)
    });
    assert_eq!(g.next(()), Ok(Step::Yielded(1)));
    assert_eq!(g.next(()), Ok(Step::Returned(2)));
    assert!(g.is_done());
    for _ in 0..3 {
        assert_eq!(g.next(()), Ok(Step::Done));
    }
}

#[test]
fn throw_before_start_completes_without_running_the_body() {
    let t = trace();
    let t2 = t.clone();
    let guard = Guard(t.clone());
    let mut g = Gen::new(move |co: Co<u8, (), (), &str>| async move {
        let _guard = guard;
        note(&t2, "body ran");
        co.yield_(1).await?;
        Ok(())
    });
    assert_eq!(g.throw("early"), Err("early"));
    assert_eq!(
        lines(&t),
        ["dropped"],
        "captured state is released, the body never ran"
    );
    assert_eq!(g.next(()), Ok(Step::Done));
    assert_eq!(g.throw("late"), Err("late"));
    assert_eq!(g.r#return(()), Ok(Step::Returned(())));
}

#[test]
fn return_before_start_completes_with_the_value() {
    let t = trace();
    let t2 = t.clone();
    let mut g = Gen::new(move |co: Co<u8, (), u8>| async move {
        note(&t2, "body ran");
        co.yield_(1).await?;
        Ok(0)
    });
    assert_eq!(g.r#return(9), Ok(Step::Returned(9)));
    assert_eq!(g.next(()), Ok(Step::Done));
    assert!(lines(&t).is_empty());
}

#[test]
fn unhandled_throw_completes_the_generator_and_comes_out() {
    let mut g = Gen::new(|co: Co<u8, (), (), String>| async move {
        co.yield_(1).await?;
        co.yield_(2).await?;
        Ok(())
    });
    assert_eq!(g.next(()), Ok(Step::Yielded(1)));
    assert_eq!(g.throw("boom".into()), Err("boom".to_string()));
    assert!(g.is_done());
    assert_eq!(g.next(()), Ok(Step::Done));
}

#[test]
fn a_caught_throw_can_yield_again_and_finish_normally() {
    let mut g = Gen::new(|co: Co<&str, (), &str, Error>| async move {
        match co.yield_("first").await {
            Err(Abrupt::Throw(e)) => {
                co.yield_(if e.message() == Some("retry") {
                    "retrying"
                } else {
                    "?"
                })
                .await?
            }
            other => other?,
        }
        Ok("recovered")
    });
    assert_eq!(g.next(()).ok(), Some(Step::Yielded("first")));
    assert_eq!(
        g.throw(Error::msg("retry")).ok(),
        Some(Step::Yielded("retrying"))
    );
    assert_eq!(g.next(()).ok(), Some(Step::Returned("recovered")));
}

#[test]
fn body_errors_lift_into_throw_with_question_mark() {
    fn parse(s: &str) -> Result<i32, Error> {
        s.parse::<i32>().map_err(Error::new)
    }
    let mut g = Gen::new(|co: Co<i32, &str, (), Error>| async move {
        loop {
            let text = co.yield_(0).await?;
            let n = parse(text)?;
            co.yield_(n).await?;
        }
    });
    assert_eq!(g.next("").ok(), Some(Step::Yielded(0)));
    assert_eq!(g.next("41").ok(), Some(Step::Yielded(41)));
    assert_eq!(g.next("").ok(), Some(Step::Yielded(0)));
    let err = g.next("forty-two").expect_err("not a number");
    assert!(err.downcast_ref::<std::num::ParseIntError>().is_some());
}

/// A `finally` that yields during `return()`, then overrides the value.
#[test]
fn return_runs_cleanup_that_may_yield_and_override() {
    let t = trace();
    let t2 = t.clone();
    let mut g = Gen::new(move |co: Co<i32, (), i32>| async move {
        let outcome = co.yield_(1).await;
        note(&t2, "finally");
        co.yield_(99).await?;
        match outcome {
            Err(Abrupt::Return(v)) if v < 0 => Ok(0), // `return 0` inside finally
            other => other.map(|()| 1),
        }
    });
    assert_eq!(g.next(()), Ok(Step::Yielded(1)));
    assert_eq!(g.r#return(-5), Ok(Step::Yielded(99)));
    assert_eq!(g.next(()), Ok(Step::Returned(0)));
    assert_eq!(lines(&t), ["finally"]);

    let mut g = Gen::new(|co: Co<i32, (), i32>| async move {
        let outcome = co.yield_(1).await;
        co.yield_(99).await?;
        outcome.map(|()| 1)
    });
    g.next(()).ok();
    assert_eq!(g.r#return(7), Ok(Step::Yielded(99)));
    // A second return() while inside the finally ends it with that value.
    assert_eq!(g.r#return(8), Ok(Step::Returned(8)));
}

#[test]
fn dropping_a_suspended_generator_runs_destructors_not_finally() {
    let t = trace();
    let t2 = t.clone();
    let mut g = Gen::new(move |co: Co<u8>| async move {
        let _guard = Guard(t2.clone());
        let outcome = co.yield_(1).await;
        note(&t2, "finally");
        outcome
    });
    assert_eq!(Iterator::next(&mut g), Some(1));
    drop(g);
    assert_eq!(lines(&t), ["dropped"]);
}

#[test]
fn return_runs_finally_then_destructors() {
    let t = trace();
    let t2 = t.clone();
    let mut g = Gen::new(move |co: Co<u8>| async move {
        let _guard = Guard(t2.clone());
        let outcome = co.yield_(1).await;
        note(&t2, "finally");
        outcome
    });
    assert_eq!(Iterator::next(&mut g), Some(1));
    assert_eq!(g.r#return(()), Ok(Step::Returned(())));
    assert_eq!(lines(&t), ["finally", "dropped"]);
}

/// A hand-written state machine works as a `yield*` target.
struct Countdown(u8);
impl Generator for Countdown {
    type Input = ();
    type Yield = u8;
    type Return = u8;
    type Error = Infallible;
    fn resume(&mut self, how: Resume<(), Infallible, u8>) -> StepResult<u8, u8, Infallible> {
        match how {
            Resume::Next(()) if self.0 > 0 => {
                self.0 -= 1;
                Ok(Step::Yielded(self.0 + 1))
            }
            Resume::Next(()) => Ok(Step::Returned(100)),
            Resume::Return(v) => Ok(Step::Returned(v)),
            Resume::Throw(never) => match never {},
        }
    }
}

#[test]
fn yield_from_a_hand_written_machine_and_by_reference() {
    let g = Gen::new(|co: Co<u8, (), u8>| async move {
        let a = co.yield_from(Countdown(2)).await?;
        let mut inner = Countdown(1);
        let b = co.yield_from(&mut inner).await?;
        co.yield_(a).await?;
        Ok(b)
    });
    assert_eq!(g.collect::<Vec<_>>(), [2, 1, 1, 100]);
}

#[test]
fn yield_from_forwards_return_and_completes_the_outer_generator() {
    let mut g = Gen::new(|co: Co<u8, (), u8>| async move {
        let r = co.yield_from(Countdown(5)).await?;
        co.yield_(r).await?;
        Ok(0)
    });
    assert_eq!(g.next(()), Ok(Step::Yielded(5)));
    assert_eq!(g.r#return(42), Ok(Step::Returned(42)));
    assert_eq!(g.next(()), Ok(Step::Done));
}

#[test]
fn yield_from_an_exhausted_generator_panics_clearly() {
    let mut spent = Countdown(0);
    assert_eq!(spent.next(()), Ok(Step::Returned(100)));
    struct Spent;
    impl Generator for Spent {
        type Input = ();
        type Yield = u8;
        type Return = u8;
        type Error = Infallible;
        fn resume(&mut self, _: Resume<(), Infallible, u8>) -> StepResult<u8, u8, Infallible> {
            Ok(Step::Done)
        }
    }
    let mut g = Gen::new(|co: Co<u8, (), u8>| async move { co.yield_from(Spent).await });
    let panic = catch_unwind(AssertUnwindSafe(|| g.next(()))).expect_err("must panic");
    assert_panic_says(&panic, "already completed");
    assert!(g.is_done());
}

#[test]
fn iterator_and_try_iter() {
    let g = Gen::new(|co: Co<u32>| async move {
        for i in 0..4 {
            co.yield_(i * i).await?;
        }
        Ok(())
    });
    assert_eq!(g.map(|x| x + 1).collect::<Vec<_>>(), [1, 2, 5, 10]);

    let mut g = Gen::new(|co: Co<u32, (), (), &str>| async move {
        co.yield_(1).await?;
        Err(Abrupt::Throw("bad"))
    });
    assert_eq!(g.try_iter().collect::<Vec<_>>(), [Ok(1), Err("bad")]);
    assert_eq!(g.try_iter().next(), None);
    // Fused: `Iterator::fuse` adds nothing over it.
    fn fused<I: std::iter::FusedIterator>(_: &I) {}
    fused(&g.try_iter());
}

#[test]
fn ready_futures_inside_a_body_are_fine() {
    let mut g = Gen::new(|co: Co<u8>| async move {
        let n = std::future::ready(7).await;
        co.yield_(n).await?;
        Ok(())
    });
    assert_eq!(Iterator::next(&mut g), Some(7));
}

fn message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Asserts that the panic's message contains `words`, showing it if not.
fn assert_panic_says(panic: &Box<dyn std::any::Any + Send>, words: &str) {
    let message = message(panic);
    assert!(message.contains(words), "{message}");
}

#[test]
fn awaiting_a_pending_future_in_a_sync_generator_is_a_clear_error_not_a_hang() {
    let mut g = Gen::new(|co: Co<u8>| async move {
        co.yield_(1).await?;
        std::future::pending::<()>().await;
        Ok(())
    });
    assert_eq!(Iterator::next(&mut g), Some(1));
    let panic =
        catch_unwind(AssertUnwindSafe(|| Iterator::next(&mut g))).expect_err("must not hang");
    assert_panic_says(&panic, "cannot wait");
    assert!(g.is_done());
    assert_eq!(Iterator::next(&mut g), None);
}

#[test]
fn yielding_through_another_generators_co_is_a_clear_error() {
    let mut outer = Gen::new(|co: Co<u8>| async move {
        let mut inner = Gen::new(move |_inner_co: Co<u8>| async move {
            co.yield_(1).await?; // the outer Co, inside the inner body
            Ok(())
        });
        let _ = Iterator::next(&mut inner);
        Ok(())
    });
    let panic =
        catch_unwind(AssertUnwindSafe(|| Iterator::next(&mut outer))).expect_err("must panic");
    assert_panic_says(&panic, "another generator");
}

#[test]
fn a_yield_polled_outside_any_generator_is_a_clear_error() {
    let mut stolen = None;
    let mut g = Gen::new(|co: Co<u8>| {
        stolen = Some(co.clone());
        async move {
            co.yield_(1).await?;
            Ok(())
        }
    });
    assert_eq!(Iterator::next(&mut g), Some(1));
    let co = stolen.expect("the closure ran");
    let mut fut = std::pin::pin!(co.yield_(2));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let panic =
        catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(&mut cx))).expect_err("must panic");
    assert_panic_says(&panic, "outside its generator");
}

#[test]
fn a_panicking_body_propagates_and_leaves_the_generator_done() {
    let mut g = Gen::new(|co: Co<u8>| async move {
        co.yield_(1).await?;
        panic!("body failed");
    });
    assert_eq!(Iterator::next(&mut g), Some(1));
    assert!(catch_unwind(AssertUnwindSafe(|| Iterator::next(&mut g))).is_err());
    assert!(g.is_done());
    assert_eq!(Iterator::next(&mut g), None);
}

#[test]
fn two_yields_in_one_step_are_a_clear_error() {
    let mut g = Gen::new(|co: Co<u8>| async move {
        let (mut a, mut b) = (co.yield_(1), co.yield_(2));
        std::future::poll_fn(|cx| {
            let _ = std::pin::Pin::new(&mut a).poll(cx);
            std::pin::Pin::new(&mut b).poll(cx)
        })
        .await?;
        Ok(())
    });
    let panic = catch_unwind(AssertUnwindSafe(|| Iterator::next(&mut g))).expect_err("must panic");
    assert_panic_says(&panic, "twice in one step");
}

#[test]
fn generators_are_send_when_their_body_is() {
    fn assert_send<T: Send>(_: &T) {}
    fn assert_send_sync<T: Send + Sync>() {}
    let g = Gen::new(|co: Co<String, String, String, Error>| async move {
        let s = co.yield_("hi".to_string()).await?;
        Ok(s)
    });
    assert_send(&g);
    assert_send_sync::<Co<String, String, String, Error>>();
    let mut g = std::thread::spawn(move || {
        let mut g = g;
        assert_eq!(g.next(String::new()).ok(), Some(Step::Yielded("hi".into())));
        g
    })
    .join()
    .expect("thread");
    assert_eq!(
        g.next("back".into()).ok(),
        Some(Step::Returned("back".to_string()))
    );
}

use std::future::Future;

// A generator pinned in place (`PinnedGen`) follows the same protocol; the
// property and random suites check it against the model and Node. These
// pin what differs in where its body lives.

/// function* () { const guard = …; try { yield 1 } finally { log("finally") } }
/// with a destructor that logs "dropped".
fn guarded(t: &Trace) -> PinnedGen<impl Future<Output = Outcome<()>>, u8> {
    let t2 = t.clone();
    PinnedGen::new(move |co: Co<u8>| async move {
        let _guard = Guard(t2.clone());
        let outcome = co.yield_(1).await;
        note(&t2, "finally");
        outcome
    })
}

#[test]
fn a_pinned_generator_drops_its_body_in_place_when_done_and_its_locals_once() {
    let t = trace();
    let mut g = pin!(guarded(&t));
    assert_eq!(g.next(()), Ok(Step::Yielded(1)));
    assert_eq!(g.r#return(()), Ok(Step::Returned(())));
    // Done: the body was dropped where it lies, before the generator goes.
    assert_eq!(lines(&t), ["finally", "dropped"]);
    assert!(g.is_done());
    assert_eq!(g.next(()), Ok(Step::Done));
    assert_eq!(lines(&t), ["finally", "dropped"]);
}

#[test]
fn a_suspended_pinned_generator_going_out_of_scope_runs_destructors_not_finally() {
    let t = trace();
    {
        let mut g = pin!(guarded(&t));
        assert_eq!(g.next(()), Ok(Step::Yielded(1)));
        assert_eq!(format!("{:?}", *g), "PinnedGen { state: Suspended, .. }");
    }
    assert_eq!(lines(&t), ["dropped"]);
}

#[test]
fn a_pinned_generators_panics_and_misuse_are_gens() {
    let mut panics = pin!(PinnedGen::new(|co: Co<u8>| async move {
        co.yield_(1).await?;
        panic!("body failed");
    }));
    assert_eq!(panics.next(()), Ok(Step::Yielded(1)));
    assert!(catch_unwind(AssertUnwindSafe(|| panics.next(()))).is_err());
    assert!(panics.is_done());
    assert_eq!(panics.next(()), Ok(Step::Done));

    let mut waits = pin!(PinnedGen::new(|co: Co<u8>| async move {
        co.yield_(1).await?;
        std::future::pending::<()>().await;
        Ok(())
    }));
    assert_eq!(waits.next(()), Ok(Step::Yielded(1)));
    let panic = catch_unwind(AssertUnwindSafe(|| waits.next(()))).expect_err("must not hang");
    assert_panic_says(&panic, "cannot wait");
    assert!(waits.is_done());

    // A boxed generator's `Co` awaited in a pinned one's body.
    let mut outer = Gen::new(|co: Co<u8>| async move {
        let mut inner = pin!(PinnedGen::new(move |_inner: Co<u8>| async move {
            co.yield_(1).await?;
            Ok(())
        }));
        let _ = inner.next(());
        Ok(())
    });
    let panic = catch_unwind(AssertUnwindSafe(|| outer.next(()))).expect_err("must panic");
    assert_panic_says(&panic, "another generator");
}

#[test]
fn a_pinned_generator_is_a_generator_for_yield_from() {
    let inner = pin!(PinnedGen::new(|co: Co<&str, (), u32>| async move {
        co.yield_("b").await?;
        Ok(1)
    }));
    let outer = Gen::new(|co: Co<&str, (), u32>| async move {
        co.yield_("a").await?;
        let n = co.yield_from(inner).await?;
        co.yield_("c").await?;
        Ok(n + 1)
    });
    assert_eq!(outer.collect::<Vec<_>>(), ["a", "b", "c"]);
}

#[test]
fn a_pinned_generator_is_send_when_its_body_is_and_moves_until_pinned() {
    fn assert_send<T: Send>(_: &T) {}
    let g = PinnedGen::new(|co: Co<String, String, String, Error>| async move {
        let s = co.yield_("hi".to_string()).await?;
        Ok(s)
    });
    assert_send(&g);
    // Made on this thread, pinned and run to completion on another.
    let steps = std::thread::spawn(move || {
        let mut g = pin!(g);
        [g.next(String::new()).ok(), g.next("back".into()).ok()]
    })
    .join()
    .expect("thread");
    assert_eq!(
        steps,
        [
            Some(Step::Yielded("hi".to_string())),
            Some(Step::Returned("back".to_string()))
        ]
    );
}

/// A guard three words wide: a generator's slot for it is wider than two
/// words, so it is read in place rather than moved (the two tests below
/// run with both guards, one for each way).
struct WideGuard(#[allow(dead_code)] Guard, #[allow(dead_code)] [u64; 2]);

fn narrow(t: &Trace) -> Guard {
    Guard(t.clone())
}

fn wide(t: &Trace) -> WideGuard {
    WideGuard(Guard(t.clone()), [0; 2])
}

/// Two yields polled in one step (as `join!` would) is misuse: the step
/// panics with a message that says so, the generator is done, and each
/// value involved (the one sent in, both yielded) is dropped exactly once.
#[test]
fn two_yields_in_one_step_panic_and_drop_each_value_once() {
    assert!(size_of::<WideGuard>() > 2 * size_of::<usize>());
    two_yields_in_one_step(narrow);
    two_yields_in_one_step(wide);
}

fn two_yields_in_one_step<G: 'static>(make: fn(&Trace) -> G) {
    use std::future::Future;
    use std::task::{Context, Poll};

    /// Polls both futures each time it is polled, as `join!` does.
    struct Both<A, B>(A, B);
    impl<A: Future + Unpin, B: Future + Unpin> Future for Both<A, B> {
        type Output = ();
        fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            let _ = std::pin::Pin::new(&mut self.0).poll(cx);
            let _ = std::pin::Pin::new(&mut self.1).poll(cx);
            Poll::Pending
        }
    }

    let t = trace();
    let inner = t.clone();
    let mut g = Gen::new(move |co: Co<G, G>| async move {
        let first = co.yield_(make(&inner));
        let second = co.yield_(make(&inner));
        Both(first, second).await;
        Ok(())
    });
    let caught = catch_unwind(AssertUnwindSafe(|| g.next(make(&t))));
    let message = caught
        .err()
        .and_then(|p| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert!(message.contains("yielded twice in one step"), "{message}");
    assert!(g.is_done());
    assert_eq!(lines(&t), ["dropped", "dropped", "dropped"]);
}

/// Every kind of hand-off through the slot (a value sent in by `next`, an
/// error by `throw`, a value by `return`, a yielded value) moves its value
/// once: each guard is dropped exactly once, where its receiver drops it.
#[test]
fn every_hand_off_moves_its_value_exactly_once() {
    every_hand_off(narrow);
    every_hand_off(wide);
}

fn every_hand_off<G: 'static>(make: fn(&Trace) -> G) {
    let t = trace();
    let inner = t.clone();
    let mut g = Gen::new(move |co: Co<G, G, G, G>| async move {
        let sent = co.yield_(make(&inner)).await?;
        note(&inner, "got next");
        drop(sent);
        match co.yield_(make(&inner)).await {
            Err(Abrupt::Throw(e)) => {
                note(&inner, "got throw");
                drop(e);
            }
            other => panic!("expected a throw, got {}", other.is_ok()),
        }
        co.yield_(make(&inner)).await?;
        Ok(make(&inner))
    });
    let out = |step: StepResult<G, G, G>, t: &Trace, what: &str| {
        note(t, what);
        drop(step);
    };
    out(g.next(make(&t)), &t, "yield 1 out");
    out(g.next(make(&t)), &t, "yield 2 out");
    out(g.throw(make(&t)), &t, "yield 3 out");
    out(g.r#return(make(&t)), &t, "returned");
    assert_eq!(
        lines(&t),
        [
            "dropped", // the first next's value, which has no yield
            "yield 1 out",
            "dropped", // yield 1's value
            "got next",
            "dropped", // the value sent in
            "yield 2 out",
            "dropped", // yield 2's value
            "got throw",
            "dropped", // the error thrown in
            "yield 3 out",
            "dropped", // yield 3's value
            "returned",
            "dropped", // the value return() sent back out
        ]
    );
}

/// `yield*` 100,000 deep: each level resumes the next inside its own
/// resume, past a thread's stack; the chain goes on on fresh stack
/// segments (JavaScript throws a `RangeError` some thousands deep). Its
/// return, forwarded down every level, and its drop while suspended, too.
#[test]
fn yield_from_a_hundred_thousand_deep_does_not_overflow_the_stack() {
    const DEPTH: u32 = if cfg!(miri) { 40 } else { 100_000 };
    fn nest(depth: u32) -> baton::BoxGen<'static, u32, (), u32> {
        Gen::new(move |co: Co<u32, (), u32>| async move {
            if depth == 0 {
                co.yield_(7).await?;
                co.yield_(8).await?;
                Ok(0)
            } else {
                Ok(co.yield_from(nest(depth - 1)).await? + 1)
            }
        })
        .boxed()
    }
    let mut deep = nest(DEPTH);
    assert_eq!(deep.next(()), Ok(Step::Yielded(7)));
    assert_eq!(deep.next(()), Ok(Step::Yielded(8)));
    assert_eq!(deep.next(()), Ok(Step::Returned(DEPTH)));
    let mut closed = nest(DEPTH);
    assert_eq!(closed.next(()), Ok(Step::Yielded(7)));
    assert_eq!(closed.r#return(42), Ok(Step::Returned(42)));
    // Dropped while suspended, level inside level.
    let mut dropped = nest(DEPTH);
    assert_eq!(dropped.next(()), Ok(Step::Yielded(7)));
    drop(dropped);
}
