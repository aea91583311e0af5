//! A thousand random saga programs on baton's runtime, each compared line
//! by line with what Node logged running the same sagas on seed 003's
//! `runEnhanced` (`tests/oracle/random/sagas.out`, made by `sagas.js`
//! there): calls answered or refused at once, `all` and `race` of them and
//! 0 ms delays, with try / catch / finally, several sagas at once beside a
//! chain of ticks.

mod random_support;

use std::rc::Rc;
use std::time::Duration;

use baton::saga::{SagaCo, run_saga};
use baton::{Gen, set_timeout};
use random_support::saga_calls::exec;
use random_support::{
    Log, check_against_node, list, log_settled, number, run_logged, say, text, ticks,
};
use serde_json::Value;

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
