//! A thousand random runner programs, each run on baton and compared line
//! by line with what Node logged running them through seed 002's `run()`
//! (`tests/oracle/random/runner.out`, made by `runner.js` there, which
//! documents what a program can do): several generators driven at once,
//! yielding promises in every state, catching rejections thrown in at
//! their yields, cleaning up, beside chains of `then` ticks and timers.

mod random_support;

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use baton::runner::run;
use baton::{Abrupt, Co, Error, Gen, Promise, set_timeout};
use random_support::{
    Log, check_against_node, index, list, log_settled, make_promises, name, number, run_logged,
    say, text, try_statement,
};
use serde_json::Value;

type Completion = Result<(), Abrupt<Error, i64>>;
type RunCo = Co<Promise<i64, Error>, i64, i64, Error>;

/// `n` chained `then` links, each logging its turn.
fn ticks(log: &Log, label: String, n: u64) {
    let mut p = Promise::<(), Error>::resolve(());
    for i in 1..=n {
        let (log, label) = (log.clone(), label.clone());
        p = p.map(move |()| say(&log, format!("{label} tick {i}")));
    }
}

/// What a generator body shares while it runs.
#[derive(Clone)]
struct Scope {
    co: Rc<RunCo>,
    log: Log,
    promises: Rc<Vec<Promise<i64, Error>>>,
    name: String,
}

/// Runs `stmts` in the generator of `scope`.
fn exec(scope: Scope, stmts: Vec<Value>) -> Pin<Box<dyn Future<Output = Completion>>> {
    Box::pin(async move {
        let Scope {
            co,
            log,
            promises,
            name: g,
        } = scope.clone();
        for st in stmts {
            match st["s"].as_str().expect("a statement") {
                "yield" => {
                    let yielded = promises[index(&st["p"])].clone();
                    let got = co.yield_(yielded).await?;
                    say(&log, format!("{g} got {got}"));
                }
                "fresh" => {
                    let got = co.yield_(Promise::resolve(number(&st["v"]))).await?;
                    say(&log, format!("{g} got {got}"));
                }
                "ticks" => ticks(
                    &log,
                    format!("{g} {}", st["id"]),
                    st["n"].as_u64().expect("a count"),
                ),
                "throw" => return Err(Abrupt::Throw(Error::msg(text(&st["r"])))),
                "log" => say(&log, format!("{g} at {}", st["id"])),
                "try" => {
                    try_statement(&st, &log, &format!("{g} "), name, |stmts| {
                        exec(scope.clone(), stmts)
                    })
                    .await?;
                }
                other => panic!("unknown statement {other}"),
            }
        }
        Ok(())
    })
}

/// Starts one generator through `run()` and logs how it ends.
fn start(log: &Log, promises: &Rc<Vec<Promise<i64, Error>>>, g: &Value) {
    let g_name = text(&g["name"]);
    say(log, format!("{g_name} starts"));
    let scope_log = log.clone();
    let (promises, body, end) = (promises.clone(), list(&g["body"]), number(&g["end"]));
    let scope_name = g_name.clone();
    let generator = Gen::new(move |co: RunCo| async move {
        let scope = Scope {
            co: Rc::new(co),
            log: scope_log,
            promises,
            name: scope_name,
        };
        exec(scope, body).await?;
        Ok(end)
    });
    log_settled(log, &run(generator), &format!("{g_name} "));
}

/// Runs one program on baton's loop; returns its log.
fn go(program: &Value) -> Vec<String> {
    let program = program.clone();
    run_logged(move |log| {
        let promises = make_promises(log, &program["promises"]);
        let promises = Rc::new(promises);
        for g in list(&program["runs"]) {
            if g["when"] == "sync" {
                start(log, &promises, &g);
            } else {
                let (log, promises) = (log.clone(), promises.clone());
                set_timeout(move || start(&log, &promises, &g), Duration::ZERO);
            }
        }
        let n = program["ticks"].as_u64().expect("a count");
        if n > 0 {
            ticks(log, "script".into(), n);
        }
        say(log, "script end".into());
    })
}

#[test]
fn random_runner_programs_log_what_node_logs() {
    check_against_node("runner.out", 1000, go);
}
