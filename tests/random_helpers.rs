//! A thousand random programs of async iterator helpers on baton's
//! `AsyncIteratorExt`, each compared line by line with what Node logged
//! running the same program on the helpers written as seed 004 writes its
//! own (`tests/oracle/random/helpers.out`, made by `helpers.js` there):
//! lazy stages (map, filter, take, skip, flat_map over inner generators
//! that may fail, map_concurrent with steps settling out of order) and a consumer (a loop that may break, for_each, fold,
//! find, any, all, to_vec), against a chain of ticks.

mod random_support;

use std::ops::ControlFlow;

use baton::async_gen::{AsyncIteratorExt, for_await};
use baton::{Error, spawn};
use random_support::stages::{Items, logged_generator, stage};
use random_support::{Log, check_against_node, list, number, run_logged, say, ticks};
use serde_json::Value;

fn source(log: &Log, program: &Value) -> Items {
    let items = list(&program["source"])
        .iter()
        .map(|s| (number(&s["v"]), s["pause"] == true))
        .collect();
    let failure = (program["fails"] == true).then(|| "source failed".to_string());
    logged_generator(log, "source".into(), items, failure)
}

/// What the consumer ends with, as the JavaScript side prints it.
fn shown(outcome: Result<String, Error>, end: &str) -> String {
    match outcome {
        Ok(line) => line,
        Err(e) => format!("{end} failed: {e}"),
    }
}

/// The consumer, awaited by an async function that logs how it ends; each
/// helper runs as a task of its own, as JavaScript's async function does.
fn consume(log: &Log, items: Items, end: &Value) {
    let log = log.clone();
    let e = end["e"].as_str().expect("a consumer").to_string();
    let modulus = number(&end["mod"]);
    let break_at = end["breakAt"].as_u64().expect("a count");
    let tested = {
        let (log, e) = (log.clone(), e.clone());
        move |x: &i64| {
            say(&log, format!("{e} tests {x}"));
            x % modulus == 0
        }
    };
    drop(spawn(async move {
        let outcome = match e.as_str() {
            "loop" => {
                let l = log.clone();
                let mut seen = 0;
                for_await(items, async |x| {
                    say(&l, format!("loop got {x}"));
                    seen += 1;
                    if seen == break_at {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    }
                })
                .await
                .map(|_| "loop ends".to_string())
            }
            "forEach" => {
                let l = log.clone();
                spawn(items.for_each(move |x| say(&l, format!("forEach got {x}"))))
                    .await
                    .map(|()| "forEach ends".to_string())
            }
            "reduce" => {
                let l = log.clone();
                let sum = items.fold(0, move |acc, x| {
                    say(&l, format!("reduce adds {x} to {acc}"));
                    acc + x
                });
                spawn(sum).await.map(|sum| format!("reduce -> {sum}"))
            }
            "find" => spawn(items.find(tested)).await.map(|found| {
                let found = found.map_or("undefined".to_string(), |x| x.to_string());
                format!("find -> {found}")
            }),
            "some" => spawn(items.any(tested))
                .await
                .map(|any| format!("some -> {any}")),
            "every" => spawn(items.all(move |x| !tested(x)))
                .await
                .map(|all| format!("every -> {all}")),
            _ => spawn(items.to_vec()).await.map(|all| {
                let all: Vec<String> = all.iter().map(i64::to_string).collect();
                format!("toArray -> [{}]", all.join(","))
            }),
        };
        say(&log, shown(outcome, &e));
        say(&log, "done".into());
        Ok::<(), Error>(())
    }));
}

fn run(program: &Value) -> Vec<String> {
    let program = program.clone();
    run_logged(move |log| {
        let mut items = source(log, &program);
        for (i, spec) in list(&program["stages"]).into_iter().enumerate() {
            items = stage(log, items, i, spec);
        }
        ticks(log, "", program["ticks"].as_u64().expect("a count"));
        consume(log, items, &program["end"]);
        say(log, "script end".into());
    })
}

#[test]
fn random_helpers_log_what_node_logs() {
    check_against_node("helpers.out", 1000, run);
}
