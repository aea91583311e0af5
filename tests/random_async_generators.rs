//! A thousand random async generator programs, each run on baton and
//! compared line by line with what Node logged running it
//! (`tests/oracle/random/async_generators.out`, made by
//! `async_generators.js` there, which documents what a program can do):
//! requests queued from the script, microtasks and timers while the body
//! yields, awaits, catches and cleans up, a for-await loop beside them,
//! and the rejection reports.

mod random_support;

use std::rc::Rc;
use std::time::Duration;

use baton::async_gen::for_await;
use baton::{AsyncGen, Co, Error, Step, queue_microtask, set_timeout, spawn};
use random_support::{
    Body, Log, check_against_node, counting_body, exec, list, make_promises, name, number,
    run_logged, say, text, ticks,
};
use serde_json::Value;

type G = AsyncGen<i64, i64, i64, Error>;

fn request(g: &G, log: &Log, q: &Value) {
    let call = match q["c"].as_str().expect("a call") {
        "throw" => format!("throw({})", text(&q["r"])),
        how => format!("{how}({})", q["v"]),
    };
    say(log, format!("call {call}"));
    let promise = match q["c"].as_str().expect("a call") {
        "next" => g.next(number(&q["v"])),
        "throw" => g.throw(Error::msg(text(&q["r"]))),
        "return" => g.r#return(number(&q["v"])),
        other => panic!("unknown request {other}"),
    };
    let (on_step, on_error) = (log.clone(), log.clone());
    let shown = call.clone();
    drop(promise.then_else(
        move |step| {
            let (value, done) = match step {
                Step::Yielded(v) => (v.to_string(), false),
                // A for-await loop that breaks closes the generator with
                // `return(T::default())` where JavaScript's sends
                // `undefined`: the one return value of 0 in these programs.
                Step::Returned(0) | Step::Done => ("undefined".to_string(), true),
                Step::Returned(v) => (v.to_string(), true),
            };
            say(&on_step, format!("{shown} -> {{{value}, {done}}}"));
            Ok::<(), Error>(())
        },
        move |e| {
            say(&on_error, format!("{call} threw {}", name(&e)));
            Ok::<(), Error>(())
        },
    ));
}

/// Runs one program on baton's loop; returns its log.
fn run(program: &Value) -> Vec<String> {
    let program = program.clone();
    run_logged(move |log| {
        let promises = make_promises(log, &program["promises"]);
        let (body_log, body, end) = (log.clone(), list(&program["body"]), number(&program["end"]));
        let promises = Rc::new(promises);
        let g: G = AsyncGen::new(move |co: Co<i64, i64, i64, Error>| async move {
            let scope = Body {
                co: Rc::new(co),
                log: body_log,
                promises,
            };
            exec(scope, body).await?;
            Ok(end)
        });
        if let Some(break_after) = program["loop"]["breakAfter"].as_u64() {
            let (g, log) = (g.clone(), log.clone());
            drop(spawn(async move {
                let body = counting_body(&log, "loop got".into(), break_after);
                let looped = for_await(g, body).await;
                match looped {
                    Ok(_) => say(&log, "loop ended".into()),
                    Err(e) => say(&log, format!("loop threw {}", name(&e))),
                }
                Ok::<(), Error>(())
            }));
        }
        ticks(log, "", program["ticks"].as_u64().expect("a count"));
        for q in list(&program["requests"]) {
            match q["when"].as_str().expect("a time") {
                "sync" => request(&g, log, &q),
                "micro" => {
                    let (g, log) = (g.clone(), log.clone());
                    queue_microtask(move || request(&g, &log, &q));
                }
                _ => {
                    let (g, log) = (g.clone(), log.clone());
                    set_timeout(move || request(&g, &log, &q), Duration::ZERO);
                }
            }
        }
        say(log, "script end".into());
    })
}

#[test]
fn random_async_generator_programs_log_what_node_logs() {
    check_against_node("async_generators.out", 1000, run);
}

/// The same programs, each `yield*` delegating to a generator pinned in
/// the delegating body instead of to an `AsyncGen`: the same turns.
#[test]
fn random_async_generator_programs_log_what_node_logs_delegating_to_pinned() {
    random_support::delegate_to_pinned();
    check_against_node("async_generators.out", 1000, run);
}
