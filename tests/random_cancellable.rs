//! A thousand random cancellable runs through baton's `run_cancellable`,
//! each compared line by line with what Node logged running the same
//! program through seed 003's `runCancellable`
//! (`tests/oracle/random/cancellable.out`, made by `cancellable.js` there,
//! which documents what a program can do): a token cancelled from the
//! script, some microtask turns in, from a timer or never, while the
//! generator yields, checks the token, catches and cleans up.

mod random_support;

use std::rc::Rc;
use std::time::Duration;

use baton::runner::{CancellationToken, run_cancellable};
use baton::{Error, Gen, queue_microtask, set_timeout};
use random_support::{
    Log, RunBody, RunCo, check_against_node, exec_run, list, log_settled, make_promises, number,
    run_logged, say, ticks,
};
use serde_json::Value;

/// Cancels the token `turns` microtask turns from now.
fn cancel_in(log: Log, token: CancellationToken, turns: u64) {
    if turns == 0 {
        say(&log, "cancel".into());
        token.cancel(Error::msg("stop"));
    } else {
        queue_microtask(move || cancel_in(log, token, turns - 1));
    }
}

fn run(program: &Value) -> Vec<String> {
    let program = program.clone();
    run_logged(move |log| {
        let promises = Rc::new(make_promises(log, &program["promises"]));
        let token = CancellationToken::new();
        let (body_log, body, end) = (log.clone(), list(&program["body"]), number(&program["end"]));
        let body_token = token.clone();
        let generator = Gen::new(move |co: RunCo| async move {
            let scope = RunBody {
                co: Rc::new(co),
                log: body_log,
                promises,
                prefix: String::new(),
                token: Some(body_token),
            };
            exec_run(scope, body).await?;
            Ok(end)
        });
        log_settled(log, &run_cancellable(generator, &token), "");
        let turns = program["turns"].as_u64().expect("a count");
        match program["cancel"].as_str().expect("when to cancel") {
            "sync" => cancel_in(log.clone(), token, 0),
            "micro" => {
                let log = log.clone();
                queue_microtask(move || cancel_in(log, token, turns));
            }
            "timer" => {
                let log = log.clone();
                set_timeout(move || cancel_in(log, token, 0), Duration::ZERO);
            }
            _ => {}
        }
        ticks(log, "", program["ticks"].as_u64().expect("a count"));
        say(log, "script end".into());
    })
}

#[test]
fn random_cancellable_runs_log_what_node_logs() {
    check_against_node("cancellable.out", 1000, run);
}
