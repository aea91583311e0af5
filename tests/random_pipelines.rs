//! A thousand random async pipelines on baton's helpers, each compared line
//! by line with what Node logged running the same pipeline on seed 004's
//! helpers (`tests/oracle/random/pipelines.out`, made by `pipelines.js`
//! there): the order of pulls, cleanups and items against a chain of ticks.

mod random_support;

use std::ops::ControlFlow;

use baton::async_gen::{AsyncIteratorExt, for_await};
use baton::{AsyncGen, Error, Promise, spawn};
use random_support::stages::{Items, count, logged_generator, stage};
use random_support::{Log, check_against_node, list, number, run_logged, say};
use serde_json::Value;

/// The source: yields, some after an await, and cleanup on the way out.
fn source(log: &Log, spec: &Value) -> Items {
    let items = list(spec)
        .iter()
        .map(|s| (number(&s["v"]), s["pause"] == true))
        .collect();
    logged_generator(log, "source".into(), items, None)
}

fn show(batch: &[i64]) -> String {
    batch
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Loops over `items`, logging each, and breaking after `break_at` items.
fn consume<T: Clone + 'static>(
    log: &Log,
    items: AsyncGen<T, (), (), Error>,
    break_at: u64,
    shown: fn(&T) -> String,
) {
    let log = log.clone();
    drop(spawn(async move {
        let mut seen = 0;
        for_await(items, async |v| {
            say(&log, format!("loop got {}", shown(&v)));
            seen += 1;
            if seen == break_at {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .await?;
        say(&log, "loop done".into());
        Ok::<(), Error>(())
    }));
}

fn run(program: &Value) -> Vec<String> {
    let program = program.clone();
    run_logged(move |log| {
        let mut items = source(log, &program["source"]);
        let mut batch = None;
        for (i, spec) in list(&program["stages"]).into_iter().enumerate() {
            if spec["s"] == "batch" {
                batch = Some(count(&spec["size"]));
                break;
            }
            items = stage(log, items, i, spec);
        }
        let mut chain = Promise::<(), Error>::resolve(());
        for i in 1..=program["ticks"].as_u64().expect("a count") {
            let log = log.clone();
            chain = chain.map(move |()| say(&log, format!("tick {i}")));
        }
        let break_at = program["breakAt"].as_u64().expect("a count");
        match batch {
            Some(size) => consume(log, items.batch(size), break_at, |b: &Vec<i64>| show(b)),
            None => consume(log, items, break_at, i64::to_string),
        }
        say(log, "script end".into());
    })
}

#[test]
fn random_pipelines_log_what_node_logs() {
    check_against_node("pipelines.out", 1000, run);
}
