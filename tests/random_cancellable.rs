//! A thousand random cancellable runs through baton's `run_cancellable`,
//! each compared line by line with what Node logged running the same
//! program through seed 003's `runCancellable`
//! (`tests/oracle/random/cancellable.out`, made by `cancellable.js` there,
//! which documents what a program can do): a token cancelled from the
//! script, some microtask turns in, from a timer or never, while the
//! generator yields, checks the token, catches and cleans up.

mod random_support;

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use baton::runner::{CancellationToken, run_cancellable};
use baton::{Abrupt, Co, Error, Gen, Promise, queue_microtask, set_timeout};
use random_support::{
    Log, check_against_node, index, list, log_settled, make_promises, name, number, run_logged,
    say, text, ticks, try_statement,
};
use serde_json::Value;

type Completion = Result<(), Abrupt<Error, i64>>;
type RunCo = Co<Promise<i64, Error>, i64, i64, Error>;

/// What a block of the body shares.
#[derive(Clone)]
struct Scope {
    co: Rc<RunCo>,
    log: Log,
    promises: Rc<Vec<Promise<i64, Error>>>,
    token: CancellationToken,
}

fn exec(scope: Scope, stmts: Vec<Value>) -> Pin<Box<dyn Future<Output = Completion>>> {
    Box::pin(async move {
        for st in stmts {
            match st["s"].as_str().expect("a statement") {
                "yield" => {
                    let yielded = scope.promises[index(&st["p"])].clone();
                    let got = scope.co.yield_(yielded).await?;
                    say(&scope.log, format!("got {got}"));
                }
                "check" => scope.token.throw_if_cancelled().map_err(Abrupt::Throw)?,
                "throw" => return Err(Abrupt::Throw(Error::msg(text(&st["r"])))),
                "log" => say(&scope.log, format!("at {}", st["id"])),
                "try" => {
                    let log = scope.log.clone();
                    try_statement(&st, &log, "", name, |stmts| exec(scope.clone(), stmts)).await?;
                }
                other => panic!("unknown statement {other}"),
            }
        }
        Ok(())
    })
}

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
            let scope = Scope {
                co: Rc::new(co),
                log: body_log,
                promises,
                token: body_token,
            };
            exec(scope, body).await?;
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
        ticks(log, program["ticks"].as_u64().expect("a count"));
        say(log, "script end".into());
    })
}

#[test]
fn random_cancellable_runs_log_what_node_logs() {
    check_against_node("cancellable.out", 1000, run);
}
