//! `PinnedAsyncGen` against `AsyncGen`, whose turns are Node's: the
//! thousand random bodies of `tests/oracle/random/async_generators.out`
//! (yields, awaits, catches, cleanup that awaits and yields, delegation),
//! each driven by a consumer that awaits request after request, or by a
//! for-await loop that may break, among microtasks and timers that log —
//! the logs must be the same line for line, an `AsyncGen` shared with
//! another handle (its machine serving the loop) against one the loop
//! holds alone (taken over and driven pinned) and a `PinnedAsyncGen`; a pipeline of pinned
//! stages against one of `AsyncGen`s; a pinned generator as a `Stream`;
//! and what is Rust's own: a panic, a foreign executor, a request polled
//! after its answer. (Node's own traces hold both kinds in
//! `tests/random_consumers.rs` and in the seed ports' pinned runs.)

mod random_support;

use std::future::{Future, IntoFuture, poll_fn};
use std::path::Path;
use std::pin::{Pin, pin};
use std::task::Poll;

use baton::async_gen::{AsyncIterator, PinnedAsyncGen, fall_off, for_await};
use baton::{AsyncGen, Co, Error, EventLoop, Outcome, Step, queue_microtask, spawn};
use random_support::{
    Log, async_body, counting_body, list, name, number, run_logged, say, text, ticks,
};
use serde_json::Value;

type C = Co<i64, i64, i64, Error>;

/// What a request's answer logs, as `random_async_generators.rs` does.
fn show(call: &str, step: Result<Step<i64, i64>, Error>) -> String {
    match step {
        Ok(Step::Yielded(v)) => format!("{call} -> {{{v}, false}}"),
        Ok(Step::Returned(0) | Step::Done) => format!("{call} -> {{undefined, true}}"),
        Ok(Step::Returned(v)) => format!("{call} -> {{{v}, true}}"),
        Err(e) => format!("{call} threw {}", name(&e)),
    }
}

fn call_of(q: &Value) -> String {
    match q["c"].as_str().expect("a call") {
        "throw" => format!("throw({})", text(&q["r"])),
        how => format!("{how}({})", q["v"]),
    }
}

/// Awaits `request`, with work beside it after its first poll (JavaScript's
/// `const p = g.next(); queueMicrotask(…); await p`) when `beside`.
async fn answer<F: Future>(log: &Log, request: F, beside: bool) -> F::Output {
    let mut request = pin!(request);
    let mut polled = false;
    poll_fn(|cx| {
        let poll = request.as_mut().poll(cx);
        if beside && !std::mem::replace(&mut polled, true) {
            say(log, "asked".into());
            let log = log.clone();
            queue_microtask(move || say(&log, "beside".into()));
        }
        poll
    })
    .await
}

/// A request's answer, to come.
type Answer<'g> = Pin<Box<dyn Future<Output = Result<Step<i64, i64>, Error>> + 'g>>;

/// A request of a program's script, to either kind of generator, as a
/// future of its answer.
trait Ask {
    fn ask(&mut self, q: &Value) -> Answer<'_>;
}

impl Ask for AsyncGen<i64, i64, i64, Error> {
    fn ask(&mut self, q: &Value) -> Answer<'_> {
        Box::pin(match q["c"].as_str().expect("a call") {
            "next" => AsyncGen::next(self, number(&q["v"])).into_future(),
            "throw" => self.throw(Error::msg(text(&q["r"]))).into_future(),
            _ => self.r#return(number(&q["v"])).into_future(),
        })
    }
}

impl<F: Future<Output = Outcome<i64, Error>>> Ask
    for Pin<&mut PinnedAsyncGen<F, i64, i64, i64, Error>>
{
    fn ask(&mut self, q: &Value) -> Answer<'_> {
        let g = self.as_mut();
        Box::pin(match q["c"].as_str().expect("a call") {
            "next" => g.next(number(&q["v"])),
            "throw" => g.throw(Error::msg(text(&q["r"]))),
            _ => g.r#return(number(&q["v"])),
        })
    }
}

/// A program's consumer: its for-await loop, or its requests made one
/// after another, each awaited (`beside`: with a microtask queued after
/// its first poll).
async fn consume<G>(log: &Log, mut g: G, program: &Value, beside: bool)
where
    G: Ask + AsyncIterator<Item = i64, Error = Error>,
{
    if let Some(n) = program["loop"]["breakAfter"].as_u64() {
        return looped(
            log,
            for_await(g, counting_body(log, "loop got".into(), n)).await,
        );
    }
    for q in list(&program["requests"]) {
        let call = call_of(&q);
        say(log, format!("call {call}"));
        let step = answer(log, g.ask(&q), beside).await;
        say(log, show(&call, step));
    }
}

/// Which generator a program runs on.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// An `AsyncGen` another handle shares: its machine serves the loop.
    Shared,
    /// An `AsyncGen` the loop holds alone: taken over and driven pinned.
    Alone,
    Pinned,
}

/// Runs a program on one kind of generator, its ticks and timers beside
/// the consumer.
fn run(program: &Value, kind: Kind, beside: bool) -> Vec<String> {
    let program = program.clone();
    run_logged(move |log| {
        let make = async_body(log, &program);
        let (consumer, script) = (log.clone(), program.clone());
        drop(spawn(async move {
            match kind {
                Kind::Pinned => {
                    let g = pin!(PinnedAsyncGen::new(make));
                    consume(&consumer, g, &script, beside).await;
                }
                Kind::Shared => {
                    let g = AsyncGen::new(make);
                    let other = g.clone();
                    consume(&consumer, g, &script, beside).await;
                    drop(other);
                }
                Kind::Alone => consume(&consumer, AsyncGen::new(make), &script, beside).await,
            }
            Ok::<(), Error>(())
        }));
        ticks(log, "", program["ticks"].as_u64().expect("a count"));
        say(log, "script end".into());
    })
}

fn looped(log: &Log, outcome: Result<Option<()>, Error>) {
    match outcome {
        Ok(_) => say(log, "loop ended".into()),
        Err(e) => say(log, format!("loop threw {}", name(&e))),
    }
}

#[test]
fn a_thousand_random_bodies_take_the_turns_an_async_gen_takes() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/random/async_generators.out");
    let text = std::fs::read_to_string(path).expect("the programs");
    let mut programs = 0;
    let mut failures = Vec::new();
    for block in text.split("== ").filter(|b| !b.is_empty()) {
        let (line, _) = block.split_once('\n').expect("a program line");
        let program: Value = serde_json::from_str(line).expect("a program");
        for beside in [false, true] {
            let shared = run(&program, Kind::Shared, beside);
            for kind in [Kind::Alone, Kind::Pinned] {
                let other = run(&program, kind, beside);
                if shared != other {
                    failures.push(format!(
                        "program {programs} (beside: {beside}): {program}\n  AsyncGen, shared: {shared:?}\n  {kind:?}: {other:?}"
                    ));
                }
            }
        }
        programs += 1;
    }
    assert_eq!(programs, 1000);
    assert!(
        failures.is_empty(),
        "{} of {programs} programs differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A generator of `0..n` that logs its cleanup, which awaits.
fn numbers(
    log: &Log,
    n: i64,
) -> PinnedAsyncGen<impl Future<Output = Outcome<i64, Error>> + use<>, i64, i64, i64, Error> {
    let log = log.clone();
    PinnedAsyncGen::new(move |co: C| async move {
        let mut got = 0;
        for i in 0..n {
            match co.yield_(i).await {
                Ok(sent) => got += sent,
                Err(abrupt) => {
                    baton::Promise::<()>::resolve(())
                        .await
                        .map_err(baton::Abrupt::Throw)?;
                    say(&log, "cleaned up".into());
                    return Err(abrupt);
                }
            }
        }
        Ok(got)
    })
}

#[test]
fn throw_and_return_before_the_start_complete_it_without_running_the_body() {
    let log = run_logged(|log| {
        let log = log.clone();
        drop(spawn(async move {
            let mut g = pin!(numbers(&log, 3));
            let thrown = g.as_mut().throw(Error::msg("early")).await;
            say(&log, show("throw(early)", thrown));
            say(&log, show("next(0)", g.as_mut().next(0).await));
            let mut h = pin!(numbers(&log, 3));
            say(&log, show("return(7)", h.as_mut().r#return(7).await));
            say(&log, show("next(0)", h.as_mut().next(0).await));
            Ok::<_, Error>(())
        }));
    });
    assert_eq!(
        log,
        [
            "throw(early) threw early",
            "next(0) -> {undefined, true}",
            "return(7) -> {7, true}",
            "next(0) -> {undefined, true}",
        ]
    );
}

#[test]
fn a_for_await_loop_that_breaks_waits_for_the_cleanup_and_the_generator_is_done() {
    let log = run_logged(|log| {
        let log = log.clone();
        drop(spawn(async move {
            let mut g = pin!(numbers(&log, 5));
            let found = for_await(g.as_mut(), async |n| {
                if n == 2 {
                    std::ops::ControlFlow::Break(n)
                } else {
                    std::ops::ControlFlow::Continue(())
                }
            })
            .await?;
            say(&log, format!("found {found:?}"));
            say(&log, show("next(0)", g.as_mut().next(0).await));
            Ok::<_, Error>(())
        }));
    });
    assert_eq!(
        log,
        [
            "cleaned up",
            "found Some(2)",
            "next(0) -> {undefined, true}"
        ]
    );
}

#[test]
fn a_panicking_body_panics_out_of_the_request_and_leaves_the_generator_done() {
    let log = run_logged(|log| {
        let log = log.clone();
        drop(spawn(async move {
            let mut g = pin!(PinnedAsyncGen::new(|co: C| async move {
                co.yield_(1).await?;
                panic!("broken body");
            }));
            say(&log, show("next(0)", g.as_mut().next(0).await));
            let caught = {
                let mut request = pin!(g.as_mut().next(0));
                poll_fn(|cx| {
                    let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        request.as_mut().poll(cx)
                    }));
                    Poll::Ready(polled.is_err())
                })
                .await
            };
            say(&log, format!("panicked: {caught}"));
            say(&log, format!("{:?}", g.as_mut()));
            say(&log, show("next(0)", g.as_mut().next(0).await));
            Ok::<_, Error>(())
        }));
    });
    assert_eq!(
        log,
        [
            "next(0) -> {1, false}",
            "panicked: true",
            "PinnedAsyncGen { state: \"completed\", .. }",
            "next(0) -> {undefined, true}",
        ]
    );
}

/// A waker of the test's own around the task's: the generator cannot
/// reach the task, and its turns wake this waker instead.
struct Forward(std::task::Waker);

impl std::task::Wake for Forward {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.wake_by_ref();
    }
}

#[test]
fn requests_polled_under_a_foreign_waker_are_answered_in_order() {
    let log = run_logged(|log| {
        let log = log.clone();
        drop(spawn(async move {
            let mut g = pin!(numbers(&log, 3));
            let mut got = Vec::new();
            loop {
                let mut request = pin!(g.as_mut().next(10));
                let step = poll_fn(|cx| {
                    let waker =
                        std::task::Waker::from(std::sync::Arc::new(Forward(cx.waker().clone())));
                    request
                        .as_mut()
                        .poll(&mut std::task::Context::from_waker(&waker))
                })
                .await;
                match step {
                    Ok(Step::Yielded(v)) => got.push(v),
                    other => {
                        say(&log, format!("{got:?} then {}", show("next(10)", other)));
                        break;
                    }
                }
            }
            Ok::<_, Error>(())
        }));
    });
    // The first `next`'s 10 is discarded; the other three are summed.
    assert_eq!(log, ["[0, 1, 2] then next(10) -> {30, true}"]);
}

#[test]
fn a_request_polled_after_its_answer_panics_saying_so() {
    let out = EventLoop::virtual_clock().block_on(async {
        let mut g = pin!(numbers(&Log::default(), 1));
        let mut request = pin!(g.as_mut().next(0));
        request.as_mut().await?;
        poll_fn(|cx| request.as_mut().poll(cx)).await
    });
    let error = out.expect_err("a panic, as a task's failure");
    assert!(
        error
            .to_string()
            .contains("a generator's request was polled after it completed"),
        "{error}"
    );
}

type Boxed<Y> =
    Pin<Box<PinnedAsyncGen<Pin<Box<dyn Future<Output = Outcome<(), Error>>>>, Y, (), (), Error>>>;

/// The body of a pipeline's stage: pulls from `source`, logs, passes on
/// what `keep` keeps, and on a `return` closes its source (awaiting its
/// cleanup) after an await of its own.
async fn relay<I>(
    co: &Co<i64, (), (), Error>,
    log: &Log,
    label: &str,
    mut source: I,
    keep: fn(i64) -> bool,
) -> Outcome<(), Error>
where
    I: AsyncIterator<Item = i64, Error = Error>,
{
    while let Some(x) = source.next().await.map_err(baton::Abrupt::Throw)? {
        say(log, format!("{label} got {x}"));
        if keep(x)
            && let Err(abrupt) = co.yield_(x * 10).await
        {
            baton::Promise::<()>::resolve(())
                .await
                .map_err(baton::Abrupt::Throw)?;
            say(log, format!("{label} closes its source"));
            source.close().await.map_err(baton::Abrupt::Throw)?;
            say(log, format!("{label} closed"));
            return Err(abrupt);
        }
    }
    say(log, format!("{label} ran out"));
    Ok(())
}

/// A pinned generator's `AsyncIterator`, owned: `next` and `close` through
/// its box.
struct Owned(Boxed<i64>);

impl AsyncIterator for Owned {
    type Item = i64;
    type Error = Error;
    async fn next(&mut self) -> Result<Option<i64>, Error> {
        AsyncIterator::next(&mut self.0.as_mut()).await
    }
    async fn close(&mut self) -> Result<(), Error> {
        AsyncIterator::close(&mut self.0.as_mut()).await
    }
}

/// Runs `numbers(n) → stage a (evens) → stage b (all) → for await` that
/// breaks after `stop` items (if any), on `AsyncGen`s or on pinned ones,
/// with `ticks` microtasks and a timer beside it.
fn pipeline(pinned: bool, n: i64, stop: Option<u64>, ticks_beside: u64) -> Vec<String> {
    run_logged(move |log| {
        let l = log.clone();
        let numbers =
            move |co: Co<i64, (), (), Error>| -> Pin<Box<dyn Future<Output = Outcome<(), Error>>>> {
                Box::pin(async move {
                    for i in 0..n {
                        if i == 2 {
                            baton::Promise::<()>::resolve(())
                                .await
                                .map_err(baton::Abrupt::Throw)?;
                        }
                        say(&l, format!("numbers yields {i}"));
                        co.yield_(i).await?;
                    }
                    Ok(())
                })
            };
        let (la, lb, lc) = (log.clone(), log.clone(), log.clone());
        let evens: fn(i64) -> bool = |x| x % 2 == 0;
        let all: fn(i64) -> bool = |_| true;
        let consumer = async move |out: Result<Option<()>, Error>| looped(&lc, out);
        if pinned {
            let source = Owned(Box::pin(PinnedAsyncGen::new(numbers)));
            let a = Owned(Box::pin(PinnedAsyncGen::new(move |co: Co<i64, (), (), Error>| -> Pin<Box<dyn Future<Output = Outcome<(), Error>>>> {
                Box::pin(async move { relay(&co, &la, "a", source, evens).await })
            })));
            let b = Owned(Box::pin(PinnedAsyncGen::new(move |co: Co<i64, (), (), Error>| -> Pin<Box<dyn Future<Output = Outcome<(), Error>>>> {
                Box::pin(async move { relay(&co, &lb, "b", a, all).await })
            })));
            let log = log.clone();
            drop(spawn(async move {
                let body = counting_body(&log, "loop got".into(), stop.unwrap_or(u64::MAX));
                consumer(for_await(b, body).await).await;
                Ok::<(), Error>(())
            }));
        } else {
            let source = AsyncGen::new(numbers);
            let a = AsyncGen::new(move |co: Co<i64, (), (), Error>| async move {
                relay(&co, &la, "a", source, evens).await
            });
            let b = AsyncGen::new(move |co: Co<i64, (), (), Error>| async move {
                relay(&co, &lb, "b", a, all).await
            });
            let log = log.clone();
            drop(spawn(async move {
                let body = counting_body(&log, "loop got".into(), stop.unwrap_or(u64::MAX));
                consumer(for_await(b, body).await).await;
                Ok::<(), Error>(())
            }));
        }
        ticks(log, "", ticks_beside);
        let l = log.clone();
        baton::set_timeout(move || say(&l, "timer".into()), std::time::Duration::ZERO);
        say(log, "script end".into());
    })
}

#[test]
fn a_pipeline_of_pinned_stages_takes_the_turns_of_one_of_async_gens() {
    let mut compared = 0;
    for n in [0, 1, 3, 6] {
        for stop in [None, Some(1), Some(2)] {
            for ticks_beside in [0, 1, 3, 9] {
                let shared = pipeline(false, n, stop, ticks_beside);
                let pinned = pipeline(true, n, stop, ticks_beside);
                assert_eq!(pinned, shared, "n {n}, stop {stop:?}, ticks {ticks_beside}");
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 48);
}

/// Streams `0..4` (awaiting a settled promise before the third, failing
/// after the fourth when `fails`) from either kind of generator, polled
/// through `Stream`, among ticks.
fn streamed(pinned: bool, fails: bool) -> Vec<String> {
    use futures_core::Stream;
    run_logged(move |log| {
        let l = log.clone();
        let make = move |co: Co<i64, (), (), Error>| async move {
            for i in 0..4 {
                if i == 2 {
                    baton::Promise::<()>::resolve(())
                        .await
                        .map_err(baton::Abrupt::Throw)?;
                }
                say(&l, format!("yields {i}"));
                co.yield_(i).await?;
            }
            if fails {
                return Err(baton::Abrupt::Throw(Error::msg("dry")));
            }
            fall_off()
        };
        let log2 = log.clone();
        drop(spawn(async move {
            let log = log2;
            let mut pinned_g = pin!(PinnedAsyncGen::new(make.clone()));
            let mut shared_g = AsyncGen::new(make);
            loop {
                let item = if pinned {
                    poll_fn(|cx| pinned_g.as_mut().poll_next(cx)).await
                } else {
                    poll_fn(|cx| Pin::new(&mut shared_g).poll_next(cx)).await
                };
                match item {
                    Some(Ok(i)) => say(&log, format!("got {i}")),
                    Some(Err(e)) => say(&log, format!("failed {}", name(&e))),
                    None => {
                        say(&log, "ended".into());
                        break;
                    }
                }
            }
            Ok::<(), Error>(())
        }));
        ticks(log, "", 6);
    })
}

#[test]
fn as_a_stream_it_takes_the_turns_of_an_async_gen_stream() {
    for fails in [false, true] {
        let pinned = streamed(true, fails);
        assert_eq!(pinned, streamed(false, fails));
        assert_eq!(pinned.iter().filter(|l| l.starts_with("got")).count(), 4);
        // An error is the stream's last item.
        let end: &[&str] = if fails {
            &["failed dry", "ended"]
        } else {
            &["got 3", "ended"]
        };
        assert!(
            pinned.ends_with(&end.iter().map(|l| l.to_string()).collect::<Vec<_>>()),
            "{pinned:?}"
        );
    }
}

#[test]
fn a_request_made_while_the_stream_waits_takes_over_from_it() {
    use futures_core::Stream;
    let log = run_logged(|log| {
        let log = log.clone();
        drop(spawn(async move {
            let l = log.clone();
            let mut g = pin!(PinnedAsyncGen::new(
                move |co: Co<i64, (), (), Error>| async move {
                    for i in 0..3 {
                        baton::Promise::<()>::resolve(())
                            .await
                            .map_err(baton::Abrupt::Throw)?;
                        say(&l, format!("yields {i}"));
                        co.yield_(i).await?;
                    }
                    fall_off()
                }
            ));
            // Polled once as a stream: the body waits on its await.
            let first = poll_fn(|cx| Poll::Ready(g.as_mut().poll_next(cx).is_ready())).await;
            say(&log, format!("stream answered at once: {first}"));
            // The stream's request is dropped, its item lost.
            let next = AsyncIterator::next(&mut g.as_mut()).await?;
            say(&log, format!("next gave {next:?}"));
            let streamed = poll_fn(|cx| g.as_mut().poll_next(cx)).await;
            say(&log, format!("the stream goes on with {streamed:?}"));
            Ok::<_, Error>(())
        }));
    });
    assert_eq!(
        log,
        [
            "stream answered at once: false",
            "yields 0",
            "yields 1",
            "next gave Some(1)",
            "yields 2",
            "the stream goes on with Some(Ok(2))",
        ]
    );
}

/// What a for-await loop over an `AsyncGen` logs among ticks: the
/// generator shared with another handle (its machine serves the loop) or
/// held by the loop alone (taken over, driven pinned), started before the
/// loop or not, its body awaiting, panicking at an item, its cleanup
/// awaiting when the loop breaks.
fn taken_over(shared: bool, started: bool, panic_at: Option<i64>, break_after: u64) -> Vec<String> {
    run_logged(move |log| {
        let body_log = log.clone();
        let g = AsyncGen::new(move |co: C| async move {
            let outcome = async {
                for i in 1..=4 {
                    if panic_at == Some(i) {
                        panic!("broken at {i}");
                    }
                    let v = baton::Promise::<i64>::resolve(i * 10).await?;
                    say(&body_log, format!("yield {v}"));
                    co.yield_(v).await?;
                }
                Ok(0)
            }
            .await;
            baton::Promise::<()>::resolve(()).await?;
            say(&body_log, "cleanup awaited".into());
            outcome
        });
        let consumer = log.clone();
        drop(spawn(async move {
            if started {
                let first = AsyncGen::next(&g, 0).await;
                say(&consumer, show("next(0)", first));
            }
            let other = shared.then(|| g.clone());
            let outcome =
                for_await(g, counting_body(&consumer, "loop got".into(), break_after)).await;
            looped(&consumer, outcome);
            drop(other);
            Ok::<(), Error>(())
        }));
        ticks(log, "", 14);
        say(log, "script end".into());
    })
}

#[test]
fn a_loop_holding_its_async_gen_alone_takes_it_over_with_the_same_turns() {
    for started in [false, true] {
        for panic_at in [None, Some(1), Some(3)] {
            for break_after in [2, 10] {
                let shared = taken_over(true, started, panic_at, break_after);
                let alone = taken_over(false, started, panic_at, break_after);
                assert_eq!(
                    shared, alone,
                    "started {started}, panic at {panic_at:?}, break after {break_after}"
                );
            }
        }
    }
    // Node's lines for two of them: the `taken_over` port
    // (`examples/seeds/async_gen.rs`, checked by `tests/seeds.rs`).
    // A panic fails the loop with a fault, as the machine's step does.
    let panicked = taken_over(false, false, Some(3), 10);
    assert!(
        panicked.contains(&"loop threw panic: broken at 3".to_string()),
        "{panicked:?}"
    );
}

/// A for-await loop dropped while its generator's body awaits (cancelled
/// the Rust way): the log of the body and its destructor.
fn dropped_midway(shared: bool) -> Vec<String> {
    run_logged(move |log| {
        struct Guard(Log);
        impl Drop for Guard {
            fn drop(&mut self) {
                say(&self.0, "body dropped".into());
            }
        }
        let body_log = log.clone();
        let g = AsyncGen::new(move |co: C| async move {
            let _guard = Guard(body_log.clone());
            co.yield_(1).await?;
            let later = baton::Promise::<()>::new(|r| {
                baton::set_timeout(move || r.resolve(()), std::time::Duration::from_millis(10));
            });
            later.await?;
            say(&body_log, "after the await".into());
            co.yield_(2).await?;
            Ok(0)
        });
        let consumer = log.clone();
        drop(spawn(async move {
            let other = shared.then(|| g.clone());
            {
                let looping = for_await(g, counting_body(&consumer, "loop got".into(), 10));
                let mut looping = pin!(looping);
                // Polled until the body awaits its timer, then dropped.
                for _ in 0..4 {
                    let polled = poll_fn(|cx| Poll::Ready(looping.as_mut().poll(cx))).await;
                    assert!(polled.is_pending());
                    baton::Promise::<()>::resolve(()).await?;
                }
                say(&consumer, "loop dropped".into());
            }
            baton::Promise::<()>::new(|r| {
                baton::set_timeout(move || r.resolve(()), std::time::Duration::from_millis(20));
            })
            .await?;
            say(&consumer, "later".into());
            drop(other);
            Ok::<(), Error>(())
        }));
    })
}

#[test]
fn a_loop_dropped_midway_drops_a_body_it_holds_alone_where_a_shared_one_goes_on() {
    assert_eq!(
        dropped_midway(false),
        ["loop got 1", "loop dropped", "body dropped", "later"]
    );
    assert_eq!(
        dropped_midway(true),
        [
            "loop got 1",
            "loop dropped",
            "after the await",
            "later",
            "body dropped"
        ]
    );
}
