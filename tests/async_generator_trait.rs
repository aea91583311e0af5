//! `yield*` over the `AsyncGenerator` trait: a hand-written generator takes
//! the turns of a generator body doing the same, a pinned one forwards
//! `return(v)` to its awaiting cleanup, and misuse is told.

use std::cell::RefCell;
use std::future::IntoFuture;
use std::pin::pin;
use std::rc::Rc;

use baton::async_gen::{AsyncGenerator, PinnedAsyncGen};
use baton::{
    Abrupt, AsyncGen, Co, Error, EventLoop, Promise, Resume, Step, StepResult, queue_microtask,
};

type Log = Rc<RefCell<Vec<String>>>;

fn say(log: &Log, line: impl Into<String>) {
    log.borrow_mut().push(line.into());
}

/// `n` chained microtasks, each logging its turn.
fn ticks(log: &Log, n: u32) {
    fn tick(log: Log, i: u32, n: u32) {
        if i <= n {
            queue_microtask(move || {
                say(&log, format!("tick {i}"));
                tick(log, i + 1, n);
            });
        }
    }
    tick(log.clone(), 1, n);
}

/// Yields 1..=end and returns `end`; `throw(e)` ends it failing with `e`.
/// Each step is a settled promise, as JavaScript's `next()` returns one.
struct Counter {
    at: i64,
    end: i64,
    log: Log,
}

impl AsyncGenerator for Counter {
    type Input = i64;
    type Yield = i64;
    type Return = i64;
    type Error = Error;

    fn resume(
        &mut self,
        how: Resume<i64, Error, i64>,
    ) -> impl IntoFuture<Output = StepResult<i64, i64, Error>> {
        say(&self.log, format!("counter: {how:?}"));
        match how {
            Resume::Next(_) if self.at < self.end => {
                self.at += 1;
                Promise::resolve(Step::Yielded(self.at))
            }
            Resume::Next(_) if self.at == self.end => {
                self.at += 1;
                Promise::resolve(Step::Returned(self.end))
            }
            Resume::Next(_) => Promise::resolve(Step::Done),
            Resume::Throw(e) => {
                self.at = self.end + 1;
                Promise::reject(e)
            }
            Resume::Return(v) => {
                self.at = self.end + 1;
                Promise::resolve(Step::Returned(v))
            }
        }
    }
}

/// What the outer generator delegates to.
#[derive(Clone, Copy)]
enum Inner {
    HandWritten,
    Body,
    PinnedBody,
}

/// An outer generator delegating to a counter of two (hand-written, or a
/// body doing the same), asked three times with microtasks beside.
fn delegating(inner: Inner) -> Vec<String> {
    let log: Log = Rc::default();
    let l = log.clone();
    EventLoop::virtual_clock().run(move || {
        let inner_log = l.clone();
        let outer = AsyncGen::new(move |co: Co<i64, i64, i64, Error>| async move {
            let log = inner_log.clone();
            let body = move |co: Co<i64, i64, i64, Error>| async move {
                for i in 1..=2 {
                    say(&log, "counter: Next(0)");
                    co.yield_(i).await?;
                }
                say(&log, "counter: Next(0)");
                Ok(2)
            };
            let returned = match inner {
                Inner::HandWritten => {
                    let log = inner_log.clone();
                    co.yield_from_async(Counter { at: 0, end: 2, log }).await?
                }
                Inner::Body => co.yield_from_async(AsyncGen::new(body)).await?,
                Inner::PinnedBody => {
                    let mut pinned = pin!(PinnedAsyncGen::new(body));
                    co.yield_from_async(pinned.as_mut()).await?
                }
            };
            say(&inner_log, format!("returned {returned}"));
            Ok(returned * 10)
        });
        ticks(&l, 8);
        for _ in 0..3 {
            let l = l.clone();
            drop(outer.next(0).map(move |step| say(&l, format!("{step:?}"))));
        }
    });
    Rc::try_unwrap(log)
        .map(RefCell::into_inner)
        .unwrap_or_default()
}

/// What Node logs running the same (`hand` picks the object):
///
/// ```js
/// function counter(end) {
///   let at = 0;
///   return {
///     [Symbol.asyncIterator]() { return this; },
///     next(v) {
///       log("counter: Next(0)");
///       if (at < end) { at++; return Promise.resolve({ value: at, done: false }); }
///       if (at === end) { at++; return Promise.resolve({ value: end, done: true }); }
///       return Promise.resolve({ value: undefined, done: true });
///     },
///   };
/// }
/// async function* body() {
///   for (let i = 1; i <= 2; i++) { log("counter: Next(0)"); yield i; }
///   log("counter: Next(0)");
///   return 2;
/// }
/// async function* outer() {
///   const r = yield* (hand ? counter(2) : body());
///   log("returned " + r);
///   return r * 10;
/// }
/// const g = outer();
/// ticks(8); // eight chained microtasks
/// for (let i = 0; i < 3; i++) g.next(0).then((s) => log(show(s)));
/// ```
const BY_HAND: [&str; 15] = [
    "counter: Next(0)",
    "tick 1",
    "counter: Next(0)",
    "tick 2",
    "Yielded(1)",
    "counter: Next(0)",
    "tick 3",
    "Yielded(2)",
    "returned 2",
    "tick 4",
    "tick 5",
    "Returned(20)",
    "tick 6",
    "tick 7",
    "tick 8",
];
const BY_BODY: [&str; 15] = [
    "counter: Next(0)",
    "tick 1",
    "tick 2",
    "counter: Next(0)",
    "tick 3",
    "Yielded(1)",
    "tick 4",
    "counter: Next(0)",
    "tick 5",
    "Yielded(2)",
    "tick 6",
    "returned 2",
    "tick 7",
    "tick 8",
    "Returned(20)",
];

#[test]
fn a_hand_written_generator_returning_promises_takes_nodes_turns() {
    assert_eq!(delegating(Inner::HandWritten), BY_HAND);
    assert_eq!(delegating(Inner::Body), BY_BODY);
    assert_eq!(delegating(Inner::PinnedBody), BY_BODY);
}

#[test]
fn return_forwarded_to_a_pinned_generator_runs_its_awaiting_cleanup() {
    let log: Log = Rc::default();
    let l = log.clone();
    let outcome = EventLoop::virtual_clock().block_on(async move {
        let inner_log = l.clone();
        let outer = AsyncGen::new(move |co: Co<&str, (), u32, Error>| async move {
            let log = inner_log.clone();
            let mut inner = pin!(PinnedAsyncGen::new(
                |co: Co<&str, (), u32, Error>| async move {
                    let step = co.yield_("inner").await;
                    if let Err(Abrupt::Return(v)) = &step {
                        say(&log, format!("inner cleanup for {v}"));
                        Promise::<()>::resolve(()).await.map_err(Abrupt::Throw)?;
                        say(&log, "inner cleaned up");
                    }
                    step?;
                    Ok(0)
                }
            ));
            let got = co.yield_from_async(inner.as_mut()).await;
            say(&inner_log, format!("outer got {got:?}"));
            got
        });
        let first = outer.next(()).await?;
        let last = outer.r#return(7).await?;
        let after = outer.next(()).await?;
        Ok::<_, Error>((first, last, after))
    });
    assert_eq!(
        outcome.ok(),
        Some((Step::Yielded("inner"), Step::Returned(7), Step::Done))
    );
    assert_eq!(
        *log.borrow(),
        [
            "inner cleanup for 7",
            "inner cleaned up",
            "outer got Err(Return(7))"
        ]
    );
}

#[test]
fn a_hand_written_generator_ready_at_once_keeps_the_order_of_its_steps() {
    /// Two steps, each answered by a future ready at once (no turn).
    struct Ready(i64);
    impl AsyncGenerator for Ready {
        type Input = ();
        type Yield = i64;
        type Return = i64;
        type Error = Error;
        fn resume(
            &mut self,
            _how: Resume<(), Error, i64>,
        ) -> impl IntoFuture<Output = StepResult<i64, i64, Error>> {
            self.0 += 1;
            std::future::ready(Ok(if self.0 <= 2 {
                Step::Yielded(self.0)
            } else {
                Step::Returned(self.0)
            }))
        }
    }
    let out = EventLoop::virtual_clock().block_on(async {
        let outer = AsyncGen::new(|co: Co<i64, (), i64, Error>| async move {
            let n = co.yield_from_async(Ready(0)).await?;
            co.yield_(n).await?;
            Ok(0)
        });
        baton::async_gen::AsyncIteratorExt::to_vec(outer).await
    });
    assert_eq!(out.ok(), Some(vec![1, 2, 3]));
}

#[test]
fn delegating_to_a_finished_generator_rejects_saying_so() {
    let out = EventLoop::virtual_clock().block_on(async {
        let log: Log = Rc::default();
        let mut done = Counter { at: 3, end: 2, log };
        let outer = AsyncGen::new(move |co: Co<i64, i64, i64, Error>| async move {
            co.yield_from_async(&mut done).await
        });
        outer.next(0).await
    });
    let error = out.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        error.contains("had already completed"),
        "the rejection says why: {error}"
    );
}
