//! A thousand random async pipelines on baton's helpers, each compared line
//! by line with what Node logged running the same pipeline on seed 004's
//! helpers (`tests/oracle/random/pipelines.out`, made by `pipelines.js`
//! there): the order of pulls, cleanups and items against a chain of ticks.

mod random_support;

use std::ops::ControlFlow;

use baton::async_gen::{AsyncIteratorExt, for_await};
use baton::{Abrupt, AsyncGen, Co, Error, Promise, spawn};
use random_support::{Log, check_against_node, list, number, run_logged, say};
use serde_json::Value;

type Items = AsyncGen<i64, (), (), Error>;

/// The source: yields, some after an await, and cleanup on the way out.
fn source(log: &Log, spec: &Value) -> Items {
    let (log, steps) = (log.clone(), list(spec));
    AsyncGen::new(move |co: Co<i64, (), (), Error>| async move {
        let attempt = async {
            for step in &steps {
                if step["pause"] == true {
                    Promise::<(), Error>::resolve(()).await?;
                }
                let v = number(&step["v"]);
                say(&log, format!("source yields {v}"));
                co.yield_(v).await?;
            }
            say(&log, "source exhausted".into());
            Ok::<(), Abrupt<Error, ()>>(())
        }
        .await;
        say(&log, "source cleanup".into());
        attempt?;
        // JavaScript's body falls off its end: no `return v` to await.
        Err(Abrupt::Return(()))
    })
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
        for (i, stage) in list(&program["stages"]).into_iter().enumerate() {
            let log = log.clone();
            items = match stage["s"].as_str().expect("a stage") {
                "map" => {
                    let add = number(&stage["add"]);
                    items.map(move |x| {
                        say(&log, format!("map {i} got {x}"));
                        x + add
                    })
                }
                "filter" => {
                    let modulus = number(&stage["mod"]);
                    items.filter(move |x| {
                        say(&log, format!("filter {i} got {x}"));
                        x % modulus != 0
                    })
                }
                "take" => items.take(usize::try_from(number(&stage["n"])).expect("a count")),
                _ => {
                    batch = Some(usize::try_from(number(&stage["size"])).expect("a size"));
                    break;
                }
            };
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
