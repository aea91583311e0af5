//! Stepping sagas effect by effect: no HTTP, no timers, no waiting.

#[allow(dead_code)]
#[path = "../examples/seeds/mod.rs"]
mod seeds;

use baton::Error;
use baton::saga::{Kind, Stepper};

#[test]
fn the_sequential_saga_steps_call_by_call() {
    let mut steps = Stepper::new(seeds::saga::sequential());
    let mut seen = Vec::new();
    let mut next = steps.next_effect();
    let mut fed = 0;
    while let Ok(effect) = next {
        seen.push(effect.to_string());
        fed += 1;
        next = steps.feed(format!("fed {fed}"));
    }
    assert_eq!(
        seen,
        [
            "Call fake_fetch(\"/api/a\")",
            "Call fake_fetch(\"/api/b\")",
            "Call fake_fetch(\"/api/c\")"
        ]
    );
    let returned = next.err().and_then(Result::ok);
    assert_eq!(
        returned,
        Some(vec!["fed 1".into(), "fed 2".into(), "fed 3".into()])
    );
}

#[test]
fn the_parallel_saga_yields_one_all_effect_describing_its_calls() {
    let mut steps = Stepper::new(seeds::saga::parallel());
    let effect = steps.next_effect().expect("an all");
    assert_eq!(effect.kind, Kind::All);
    assert_eq!(
        effect.args,
        "Call fake_fetch(\"/api/a\"), Call fake_fetch(\"/api/b\"), Call fake_fetch(\"/api/c\")"
    );
    let values = ["x", "y", "z"].map(String::from);
    let returned = steps.feed_all(values).err().and_then(Result::ok);
    assert_eq!(returned, Some(vec!["x".into(), "y".into(), "z".into()]));
}

#[test]
fn a_result_of_the_wrong_type_is_an_error_naming_the_effect() {
    let mut steps = Stepper::new(seeds::saga::sequential());
    steps.next_effect().expect("first call");
    let error = steps
        .feed(42u32)
        .err()
        .and_then(Result::err)
        .expect("a type error");
    assert_eq!(
        error.to_string(),
        "the result fed to `Call fake_fetch` is not of type alloc::string::String"
    );
}

#[test]
fn a_failed_effect_is_thrown_into_the_saga() {
    let mut steps = Stepper::new(seeds::saga::mixed_flow(7));
    let first = steps.next_effect().expect("user call");
    assert_eq!(first.to_string(), "Call fake_fetch(\"/api/users/7\")");
    let finished = steps.fail(Error::msg("404")).err().and_then(Result::err);
    assert_eq!(finished.map(|e| e.to_string()).as_deref(), Some("404"));
}

#[test]
fn a_race_is_one_effect_and_the_stepper_picks_the_winner() {
    let mut steps = Stepper::new(seeds::saga::with_timeout(100));
    let effect = steps.next_effect().expect("a race");
    assert_eq!(effect.kind, Kind::Race);
    assert_eq!(
        effect.args,
        "data: Call fetch_taking((100, \"/api/slow-endpoint\")), timeout: Call reject_after(5000)"
    );
    let finished = steps
        .feed_race("timeout", String::new())
        .err()
        .and_then(Result::err);
    assert_eq!(
        finished.map(|e| e.to_string()).as_deref(),
        Some("Operation timed out")
    );
}

#[test]
fn the_sagas_run_against_a_real_http_server() {
    assert_eq!(
        seeds::saga_http::over_http(),
        "sequential: /api/a:http /api/b:http /api/c:http\n\
         parallel: /api/a:http /api/b:http /api/c:http\n\
         mixedFlow: /api/users/7:http /api/users/7/posts:http /api/users/7/profile:http \
         /api/posts/1/comments:http /api/posts/2/comments:http\n"
    );
}

#[test]
fn the_download_timeline_shows_the_cancelled_fetch_and_the_cleanup() {
    let timeline = seeds::saga::download_timeline();
    let lines: Vec<&str> = timeline.lines().map(str::trim).collect();
    assert_eq!(
        lines,
        [
            "0ms  downloadFiles#1        Root task started",
            "0ms  downloadFiles#1        ▶ Call fetch_file(\"/files/a.txt\")",
            "80ms  downloadFiles#1        ✔ Call fetch_file(\"/files/a.txt\")",
            "80ms  downloadFiles#1        ▶ Call fetch_file(\"/files/b.txt\")",
            "160ms  downloadFiles#1        ✔ Call fetch_file(\"/files/b.txt\")",
            "160ms  downloadFiles#1        ▶ Call fetch_file(\"/files/c.txt\")",
            "200ms  downloadFiles#1        ⊘ Call fetch_file(\"/files/c.txt\")",
            "200ms  downloadFiles#1        ▶ Cancelled cancelled()",
            "200ms  downloadFiles#1        ✔ Cancelled cancelled()",
            "200ms  downloadFiles#1        task failed: cancelled: User pressed cancel",
        ]
    );
}

#[test]
fn a_whole_saga_runs_instantly_on_the_virtual_clock_with_its_trace() {
    let run =
        baton::saga::Runtime::traced().simulate("withTimeout", seeds::saga::with_timeout(6000));
    let error = run
        .outcome
        .clone()
        .and_then(Result::err)
        .map(|e| e.to_string());
    assert_eq!(error.as_deref(), Some("Request timed out"));
    assert_eq!(run.elapsed, std::time::Duration::from_millis(5000));
    let lines: Vec<String> = run
        .timeline()
        .lines()
        .map(|l| l.trim().to_string())
        .collect();
    assert_eq!(
        lines,
        [
            "0ms  withTimeout#1          Root task started",
            "0ms  withTimeout#1          ▶ Race race(data: Call fetch_taking((6000, \"/api/slow-endpoint\")), timeout: Call reject_after(5000))",
            "0ms  withTimeout#1          ▶ Call fetch_taking((6000, \"/api/slow-endpoint\"))",
            "0ms  withTimeout#1          ▶ Call reject_after(5000)",
            "5000ms  withTimeout#1          ✘ Call reject_after(5000) — Request timed out",
            "5000ms  withTimeout#1          ⊘ Call fetch_taking((6000, \"/api/slow-endpoint\"))",
            "5000ms  withTimeout#1          ✘ Race race(data: Call fetch_taking((6000, \"/api/slow-endpoint\")), timeout: Call reject_after(5000)) — Request timed out",
            "5000ms  withTimeout#1          task failed: Request timed out",
        ]
    );
}

#[test]
fn an_interceptor_provides_results_so_nothing_is_fetched_or_waited_for() {
    use baton::saga::{Kind, Running, Runtime};
    let runtime = Runtime::new().intercept(|effect| {
        (effect.kind == Kind::Call && effect.name == "fake_fetch").then(|| {
            let url = effect.args.trim_matches('"').to_string();
            Running::of(baton::Promise::resolve(format!("{url}:provided")))
        })
    });
    let run = runtime.simulate("mixedFlow", seeds::saga::mixed_flow(7));
    assert_eq!(run.elapsed, std::time::Duration::ZERO);
    assert_eq!(
        run.outcome.and_then(Result::ok),
        Some(vec![
            "/api/users/7:provided".to_string(),
            "/api/users/7/posts:provided".to_string(),
            "/api/users/7/profile:provided".to_string(),
            "/api/posts/1/comments:provided".to_string(),
            "/api/posts/2/comments:provided".to_string(),
        ])
    );
}

#[test]
fn a_mock_task_settles_as_the_test_says_and_cancelling_it_rejects_it() {
    use baton::saga::{Cancelled, Task};
    baton::EventLoop::virtual_clock().run(|| {
        let (done, control) = Task::<u32>::mock("done");
        assert!(done.is_running());
        control.resolve(7);
        assert!(!done.is_running());
        assert_eq!(done.promise().peek().and_then(Result::ok), Some(7));

        let (stopped, _control) = Task::<u32>::mock("stopped");
        stopped.cancel(Error::msg("not needed"));
        assert!(stopped.is_cancelled());
        let error = stopped
            .promise()
            .peek()
            .and_then(Result::err)
            .expect("rejected");
        assert!(Cancelled::is(&error));
        assert_eq!(error.to_string(), "not needed");
    });
}

#[test]
fn a_calls_value_comes_back_typed_from_a_settled_or_a_pending_promise_alone_or_in_an_all() {
    use baton::saga::{SagaCo, Value, all, all_effect, call, call_effect, run_saga};
    use baton::{EventLoop, Gen, Promise, set_timeout};
    use std::time::Duration;

    fn now_ready(n: u32) -> Promise<u32> {
        Promise::resolve(n)
    }
    fn later(n: u32) -> Promise<u32> {
        Promise::new(move |r| {
            set_timeout(move || r.resolve(n), Duration::from_millis(5));
        })
    }
    fn refused(n: u32) -> Promise<u32> {
        Promise::reject(Error::msg(format!("refused {n}")))
    }
    let saga = Gen::new(|co: SagaCo<Vec<String>>| async move {
        let mut seen = vec![
            call(&co, now_ready, 1).await?.to_string(),
            call(&co, later, 2).await?.to_string(),
        ];
        // Yielded as a plain effect, the value is the called function's.
        let raw: Value = co.yield_(call_effect(later, 3)).await?;
        seen.push(format!("{:?}", raw.downcast_ref::<u32>()));
        let raw: Value = co.yield_(call_effect(now_ready, 4)).await?;
        seen.push(format!("{:?}", raw.downcast_ref::<u32>()));
        let both = || vec![call_effect(later, 6), call_effect(now_ready, 7)];
        let typed: Vec<u32> = all(&co, both()).await?;
        seen.push(format!("{typed:?}"));
        let raw: Value = co.yield_(all_effect(both())).await?;
        let raw = raw.downcast_ref::<Vec<Value>>().expect("a Vec<Value>");
        let raw: Vec<_> = raw.iter().map(|v| v.downcast_ref::<u32>()).collect();
        seen.push(format!("{raw:?}"));
        match call(&co, refused, 5).await {
            Err(baton::Abrupt::Throw(e)) => seen.push(e.to_string()),
            other => seen.push(format!("unexpected {:?}", other.map(|_| ()).is_ok())),
        }
        Ok(seen)
    });
    let out = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
    assert_eq!(
        out.peek().and_then(Result::ok),
        Some(vec![
            "1".into(),
            "2".into(),
            "Some(3)".into(),
            "Some(4)".into(),
            "[6, 7]".into(),
            "[Some(6), Some(7)]".into(),
            "refused 5".into()
        ])
    );
}

#[test]
fn typed_combinators_over_parts_of_mixed_types_hand_back_each_value_untyped() {
    use baton::saga::{SagaCo, Value, Won, all, all_keyed, call_effect, race, race2, run_saga};
    use baton::{EventLoop, Gen, Promise, set_timeout};
    use std::time::Duration;

    fn size(path: &'static str) -> Promise<usize> {
        Promise::resolve(path.len())
    }
    fn name(id: u32) -> Promise<String> {
        Promise::new(move |r| {
            set_timeout(
                move || r.resolve(format!("#{id}")),
                Duration::from_millis(5),
            );
        })
    }
    fn shown(value: &Value) -> String {
        match (
            value.downcast_ref::<usize>(),
            value.downcast_ref::<String>(),
        ) {
            (Some(n), _) => format!("usize {n}"),
            (_, Some(s)) => format!("String {s}"),
            _ => "neither".into(),
        }
    }
    fn which<A, B>(
        won: Won<A, B>,
        a: impl FnOnce(A) -> String,
        b: impl FnOnce(B) -> String,
    ) -> String {
        match won {
            Won::First(v) => format!("first: {}", a(v)),
            Won::Second(v) => format!("second: {}", b(v)),
        }
    }
    let saga = Gen::new(|co: SagaCo<Vec<String>>| async move {
        let mut seen = Vec::new();
        let values: Vec<Value> =
            all(&co, vec![call_effect(size, "/abc"), call_effect(name, 7)]).await?;
        seen.extend(values.iter().map(shown));
        let pairs: Vec<(&str, Value)> = all_keyed(
            &co,
            vec![
                ("name", call_effect(name, 8)),
                ("size", call_effect(size, "/a")),
            ],
        )
        .await?;
        seen.extend(pairs.iter().map(|(k, v)| format!("{k}: {}", shown(v))));
        let (key, won): (&str, Value) = race(
            &co,
            vec![
                ("slow", call_effect(name, 9)),
                ("fast", call_effect(size, "/ab")),
            ],
        )
        .await?;
        seen.push(format!("{key} won: {}", shown(&won)));
        // race2 with a `Value` on either side.
        let pair = |n, path| {
            (
                ("name", call_effect(name, n)),
                ("size", call_effect(size, path)),
            )
        };
        let ((a, b), (c, d)) = (pair(10, "/"), pair(11, "/xy"));
        let won: Won<Value, usize> = race2(&co, a, b).await?;
        seen.push(which(won, |v| shown(&v), |n| n.to_string()));
        let won: Won<String, Value> = race2(&co, c, d).await?;
        seen.push(which(won, |s| s, |v| shown(&v)));
        Ok(seen)
    });
    let out = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
    assert_eq!(
        out.peek().map(|r| r.map_err(|e| e.to_string())),
        Some(Ok(vec![
            "usize 4".into(),
            "String #7".into(),
            "name: String #8".into(),
            "size: usize 2".into(),
            "fast won: usize 3".into(),
            "second: 1".into(),
            "second: usize 3".into(),
        ]))
    );
}

/// One step of the property test below.
#[derive(Debug, Clone)]
enum CallStep {
    /// A call whose promise settles after `delay` ms (`None`: already
    /// settled), to `outcome`; yielded typed (`call`) or raw.
    Call {
        delay: Option<u64>,
        outcome: Result<u32, u8>,
        raw: bool,
    },
    /// A typed `all` of calls that all succeed.
    All(Vec<(Option<u64>, u32)>),
}

fn call_step() -> impl proptest::strategy::Strategy<Value = CallStep> {
    use proptest::prelude::*;
    let delay = proptest::option::of(1u64..50);
    prop_oneof![
        (
            delay.clone(),
            prop_oneof![any::<u32>().prop_map(Ok), any::<u8>().prop_map(Err)],
            any::<bool>()
        )
            .prop_map(|(delay, outcome, raw)| CallStep::Call {
                delay,
                outcome,
                raw
            }),
        proptest::collection::vec((delay, any::<u32>()), 0..5).prop_map(CallStep::All),
    ]
}

/// The promise a step's call returns.
fn settling(delay: Option<u64>, outcome: Result<u32, u8>) -> baton::Promise<u32> {
    let outcome = outcome.map_err(|code| Error::msg(format!("code {code}")));
    match delay {
        None => baton::Promise::from_resolution(outcome),
        Some(ms) => baton::Promise::new(move |r| {
            baton::set_timeout(
                move || r.resolve_with(outcome),
                std::time::Duration::from_millis(ms),
            );
        }),
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Whatever mix of settled, pending and failing calls a saga makes,
    /// typed or raw, alone or in an `all`: each resumes the saga with the
    /// called function's value (or throws its error) once the promise has
    /// settled, as a model computes.
    #[test]
    fn every_call_resumes_with_its_own_outcome_at_its_time(steps in proptest::collection::vec(call_step(), 0..12)) {
        use baton::saga::{SagaCo, all, call, call_effect, run_saga};
        use baton::{Abrupt, EventLoop, Gen, now};

        let mut expected = Vec::new();
        let mut clock = 0;
        for step in &steps {
            let (shown, took) = match step {
                CallStep::Call { delay, outcome, .. } => (
                    match outcome {
                        Ok(v) => v.to_string(),
                        Err(code) => format!("caught code {code}"),
                    },
                    delay.unwrap_or(0),
                ),
                CallStep::All(parts) => (
                    format!("{:?}", parts.iter().map(|p| p.1).collect::<Vec<_>>()),
                    parts.iter().filter_map(|p| p.0).max().unwrap_or(0),
                ),
            };
            clock += took;
            expected.push(format!("{shown} at {clock}ms"));
        }

        let saga = Gen::new(move |co: SagaCo<Vec<String>>| async move {
            let mut seen = Vec::new();
            for step in steps {
                let shown = match step {
                    CallStep::Call { delay, outcome, raw: false } => {
                        match call(&co, move |()| settling(delay, outcome), ()).await {
                            Ok(v) => v.to_string(),
                            Err(Abrupt::Throw(e)) => format!("caught {e}"),
                            Err(other) => return Err(other),
                        }
                    }
                    CallStep::Call { delay, outcome, raw: true } => {
                        let effect = call_effect(move |()| settling(delay, outcome), ());
                        match co.yield_(effect).await {
                            Ok(v) => v.downcast_ref::<u32>().map_or("not a u32".into(), u32::to_string),
                            Err(Abrupt::Throw(e)) => format!("caught {e}"),
                            Err(other) => return Err(other),
                        }
                    }
                    CallStep::All(parts) => {
                        let calls = parts
                            .into_iter()
                            .map(|(delay, v)| call_effect(move |()| settling(delay, Ok(v)), ()))
                            .collect();
                        let values: Vec<u32> = all(&co, calls).await?;
                        format!("{values:?}")
                    }
                };
                seen.push(format!("{shown} at {}ms", now().as_millis()));
            }
            Ok(seen)
        });
        let out = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
        proptest::prop_assert_eq!(out.peek().and_then(Result::ok), Some(expected));
    }
}

#[test]
fn a_saga_waiting_on_a_promise_that_never_settles_is_freed_with_it() {
    use baton::saga::{SagaCo, call, run_saga};
    use baton::{EventLoop, Gen, Promise};
    use std::rc::Rc;

    fn never(_: ()) -> Promise<u32> {
        Promise::with_resolver().0 // its resolver is dropped: it can never settle
    }
    let alive = Rc::new(());
    let held = alive.clone();
    EventLoop::virtual_clock().run(move || {
        run_saga(Gen::new(move |co: SagaCo<u32>| async move {
            let _held = held;
            call(&co, never, ()).await
        }));
    });
    // The loop ran dry with the saga still waiting; once nothing can
    // settle the promise, nothing keeps it, the saga or its body alive.
    assert_eq!(Rc::strong_count(&alive), 1);
}

#[test]
fn a_context_read_is_stepped_and_misuse_is_a_clear_error() {
    use baton::saga::{Runtime, SagaCo, get_context, set_context};
    use baton::{EventLoop, Gen};
    let reader = || {
        Gen::new(|co: SagaCo<String>| async move {
            let api: Option<String> = get_context(&co, "api").await?;
            Ok(api.unwrap_or_else(|| "none".into()))
        })
    };
    // Stepped: the read is an effect like any other, answered by the test.
    let mut steps = Stepper::new(reader());
    let read = steps.next_effect().expect("a read");
    assert_eq!(read.to_string(), "Context getContext(\"api\")");
    let done = steps.feed(Some("https://api.test".to_string()));
    assert_eq!(
        done.err().and_then(Result::ok).as_deref(),
        Some("https://api.test")
    );
    // Run: contexts off, and a value of another type, are thrown errors.
    let outcome = |runtime: Runtime| {
        EventLoop::virtual_clock()
            .run(move || runtime.run("reader", reader()).promise())
            .peek()
            .map(|r| r.map_err(|e| e.to_string()))
    };
    assert_eq!(
        outcome(Runtime::new()),
        Some(Err(
            "contexts are off in this runtime: make it with Runtime::with_context".into()
        ))
    );
    let wrong = outcome(Runtime::new().with_context("api", 8080_u16));
    assert!(
        wrong
            .and_then(Result::err)
            .is_some_and(|e| e.starts_with("getContext(\"api\"): the context holds another type")),
    );
    assert_eq!(
        outcome(Runtime::new().with_context("api", "v1".to_string())),
        Some(Ok("v1".into()))
    );
    // What a saga sets is its own: a sibling started later still reads the
    // runtime's value.
    let seen = EventLoop::virtual_clock().run(|| {
        let runtime = Runtime::new().with_context("api", "v1".to_string());
        runtime.run(
            "setter",
            Gen::new(
                |co: SagaCo<()>| async move { set_context(&co, "api", "mine".to_string()).await },
            ),
        );
        runtime.run("reader", reader()).promise()
    });
    assert_eq!(seen.peek().and_then(Result::ok).as_deref(), Some("v1"));
}

#[test]
fn a_stepper_feeds_values_of_mixed_types_untyped() {
    use baton::saga::{SagaCo, Stepper, Value, all, call, call_effect, run_saga};
    use baton::{Gen, Promise};
    use std::rc::Rc;

    fn size(_: &'static str) -> Promise<usize> {
        Promise::resolve(0)
    }
    fn name(_: u32) -> Promise<String> {
        Promise::resolve(String::new())
    }
    let saga = || {
        Gen::new(|co: SagaCo<String>| async move {
            let values: Vec<Value> =
                all(&co, vec![call_effect(size, "/a"), call_effect(name, 7)]).await?;
            let size = values[0].downcast_ref::<usize>().copied();
            let name = values[1].downcast_ref::<String>().cloned();
            Ok(format!("{size:?} {name:?}"))
        })
    };
    let fed = [
        Rc::new(3_usize) as Value,
        Rc::new("#7".to_string()) as Value,
    ];
    let mut steps = Stepper::new(saga());
    steps.next_effect().ok();
    let by_all = steps.feed_all(fed.clone()).err().and_then(Result::ok);
    let mut steps = Stepper::new(saga());
    steps.next_effect().ok();
    let by_vec = steps.feed(fed.to_vec()).err().and_then(Result::ok);
    let expected = Some("Some(3) Some(\"#7\")".to_string());
    assert_eq!((by_all, by_vec), (expected.clone(), expected));

    // A callee whose value is a `Value` itself: fed as it is, or run.
    fn any_value(n: u8) -> Promise<Value> {
        Promise::resolve(Rc::new(n) as Value)
    }
    let saga = || {
        Gen::new(|co: SagaCo<Option<u8>>| async move {
            let value: Value = call(&co, any_value, 5).await?;
            Ok(value.downcast_ref::<u8>().copied())
        })
    };
    let mut steps = Stepper::new(saga());
    steps.next_effect().ok();
    let fed = steps
        .feed(Rc::new(6_u8) as Value)
        .err()
        .and_then(Result::ok);
    let ran = baton::EventLoop::virtual_clock().run(move || run_saga(saga()).promise());
    assert_eq!(
        (fed, ran.peek().and_then(Result::ok)),
        (Some(Some(6)), Some(Some(5)))
    );
}

/// A promise awaited in a saga's body instead of yielded as an effect: the
/// saga cannot wait for it, and fails with a fault that says to `call` it.
#[test]
fn a_promise_awaited_instead_of_called_fails_the_saga_saying_so() {
    use baton::saga::{SagaCo, call, run_saga};
    use baton::{EventLoop, Fault, FaultKind, Gen, Promise};
    fn ready(v: u64) -> Promise<u64> {
        Promise::resolve(v)
    }
    let outcome = EventLoop::virtual_clock().run(|| {
        run_saga(Gen::new(|co: SagaCo<u64>| async move {
            let a = call(&co, ready, 1).await?;
            let b = ready(2).await?; // should have been `call(&co, ready, 2)`
            Ok(a + b)
        }))
        .promise()
    });
    let error = outcome.peek().expect("settled").expect_err("failed");
    assert_eq!(
        error.downcast_ref::<Fault>().map(Fault::kind),
        Some(FaultKind::Panic)
    );
    let said = error.to_string();
    assert!(
        said.contains("a `Gen` cannot wait") && said.contains("in a saga, yield an effect (`call`"),
        "{said}"
    );
}
