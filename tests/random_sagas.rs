//! A thousand random saga programs on baton's runtime, each compared line
//! by line with what Node logged running the same sagas on seed 003's
//! `runEnhanced` (`tests/oracle/random/sagas.out`, made by `sagas.js`
//! there): calls answered or refused at once, `all` and `race` of them and
//! 0 ms delays, with try / catch / finally, several sagas at once beside a
//! chain of ticks.

mod random_support;

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use baton::saga::{Effect, SagaCo, all, call, call_effect, delay, race, run_saga};
use baton::{Abrupt, Error, Gen, Promise, set_timeout};
use random_support::{
    Log, check_against_node, list, log_settled, name, number, run_logged, say, text, ticks,
    try_statement,
};
use serde_json::Value;

type Completion = Result<(), Abrupt<Error, i64>>;

const KEYS: [&str; 3] = ["a", "b", "c"];

fn answer(v: i64) -> Promise<i64> {
    Promise::resolve(v)
}

fn refuse(why: String) -> Promise<i64> {
    Promise::reject(Error::msg(why))
}

/// A call effect of the program, as data (for `all` and `race`).
fn call_of(effect: &Value) -> Effect {
    match effect["e"].as_str().expect("an effect") {
        "call" => call_effect(answer, number(&effect["v"])),
        _ => call_effect(refuse, text(&effect["r"])),
    }
}

/// Runs the effect `effect` in the saga of `co`; returns what it yields to
/// the saga, as the JavaScript side shows it.
async fn perform(co: &SagaCo<i64>, effect: &Value) -> Result<String, Abrupt<Error, i64>> {
    Ok(match effect["e"].as_str().expect("an effect") {
        "call" => call(co, answer, number(&effect["v"])).await?.to_string(),
        "refuse" => call(co, refuse, text(&effect["r"])).await?.to_string(),
        "all" => {
            let values: Vec<i64> =
                all(co, list(&effect["of"]).iter().map(call_of).collect()).await?;
            values
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
        }
        "race" => {
            let racers = list(&effect["of"])
                .iter()
                .zip(KEYS)
                .map(|(e, key)| (key, call_of(e)))
                .collect();
            let (key, value): (&str, i64) = race(co, racers).await?;
            format!("{key}={value}")
        }
        _ => {
            delay(co, 0).await?;
            "undefined".into()
        }
    })
}

/// Runs a block of the saga `g` of `co`.
fn exec(
    co: Rc<SagaCo<i64>>,
    log: Log,
    g: String,
    stmts: Vec<Value>,
) -> Pin<Box<dyn Future<Output = Completion>>> {
    Box::pin(async move {
        for st in stmts {
            match st["s"].as_str().expect("a statement") {
                "effect" => {
                    let got = perform(&co, &st["effect"]).await?;
                    say(&log, format!("{g} got {got}"));
                }
                "throw" => return Err(Abrupt::Throw(Error::msg(text(&st["r"])))),
                "log" => say(&log, format!("{g} at {}", st["id"])),
                "try" => {
                    let tell = |line| say(&log, format!("{g} {line}"));
                    try_statement(&st, tell, name, |stmts| {
                        exec(co.clone(), log.clone(), g.clone(), stmts)
                    })
                    .await?;
                }
                other => panic!("unknown statement {other}"),
            }
        }
        Ok(())
    })
}

/// Runs one saga and logs how it ends.
fn start(log: &Log, saga: &Value) {
    let g = text(&saga["name"]);
    say(log, format!("{g} starts"));
    let (body_log, body, end, body_name) = (
        log.clone(),
        list(&saga["body"]),
        number(&saga["end"]),
        g.clone(),
    );
    let saga = Gen::new(move |co: SagaCo<i64>| async move {
        exec(Rc::new(co), body_log, body_name, body).await?;
        Ok(end)
    });
    log_settled(log, &run_saga(saga).promise(), &format!("{g} "));
}

fn run(program: &Value) -> Vec<String> {
    let program = program.clone();
    run_logged(move |log| {
        for saga in list(&program["sagas"]) {
            if saga["when"] == "sync" {
                start(log, &saga);
            } else {
                let log = log.clone();
                set_timeout(move || start(&log, &saga), Duration::ZERO);
            }
        }
        ticks(log, "", program["ticks"].as_u64().expect("a count"));
        say(log, "script end".into());
    })
}

#[test]
fn random_saga_programs_log_what_node_logs() {
    check_against_node("sagas.out", 1000, run);
}
