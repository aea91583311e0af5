//! The saga bodies of `random/_saga_calls.js` (seed 003's effects: calls
//! answered or refused, `all` and `race` of them, 0 ms delays, throws and
//! try / catch / finally), run by the suites that perform them and by the
//! one that steps them.

use std::rc::Rc;

use baton::saga::{Effect, SagaCo, all, call, call_effect, delay, race};
use baton::{Abrupt, Error};
use serde_json::Value;

use super::sagas::{Block, answer, refuse};
use super::{Log, list, name, number, say, text, try_statement};

/// The keys of a race's parts, in order.
pub const KEYS: [&str; 3] = ["a", "b", "c"];

/// A call effect of the program, as data (for `all` and `race`).
fn call_of(effect: &Value) -> Effect {
    match effect["e"].as_str().expect("an effect") {
        "call" => call_effect(answer, number(&effect["v"])),
        _ => call_effect(refuse, text(&effect["r"])),
    }
}

/// Yields the effect `effect` in the saga of `co`; returns what the saga
/// was given, as the JavaScript side shows it.
async fn perform<T>(co: &SagaCo<T>, effect: &Value) -> Result<String, Abrupt<Error, T>> {
    Ok(match effect["e"].as_str().expect("an effect") {
        "call" => call(co, answer, number(&effect["v"])).await?.to_string(),
        "refuse" => call(co, refuse, text(&effect["r"])).await?.to_string(),
        "all" => {
            let values: Vec<i64> =
                all(co, list(&effect["of"]).iter().map(call_of).collect()).await?;
            let shown: Vec<String> = values.iter().map(i64::to_string).collect();
            shown.join(",")
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

/// Runs a block of the body of saga `g` (whose lines start with `g`).
pub fn exec<T: 'static>(co: Rc<SagaCo<T>>, log: Log, g: String, stmts: Vec<Value>) -> Block<T> {
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
