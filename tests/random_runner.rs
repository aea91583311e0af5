//! A thousand random runner programs, each run on baton and compared line
//! by line with what Node logged running them through seed 002's `run()`
//! (`tests/oracle/random/runner.out`, made by `runner.js` there, which
//! documents what a program can do): several generators driven at once,
//! yielding promises in every state, catching rejections thrown in at
//! their yields, cleaning up, beside chains of `then` ticks and timers.

mod random_support;

use std::rc::Rc;

use baton::Gen;
use baton::runner::run;
use random_support::{
    Log, Promises, RunBody, RunCo, check_against_node, exec_run, list, log_settled, make_promises,
    number, run_logged, say, start_runs, text, ticks,
};
use serde_json::Value;

/// Starts one generator through `run()` and logs how it ends.
fn start(log: &Log, promises: &Promises, g: &Value) {
    let g_name = text(&g["name"]);
    say(log, format!("{g_name} starts"));
    let scope_log = log.clone();
    let (promises, body, end) = (promises.clone(), list(&g["body"]), number(&g["end"]));
    let prefix = format!("{g_name} ");
    let generator = Gen::new(move |co: RunCo| async move {
        let scope = RunBody {
            co: Rc::new(co),
            log: scope_log,
            promises,
            prefix,
            token: None,
        };
        exec_run(scope, body).await?;
        Ok(end)
    });
    log_settled(log, &run(generator), &format!("{g_name} "));
}

/// Runs one program on baton's loop; returns its log.
fn go(program: &Value) -> Vec<String> {
    let program = program.clone();
    run_logged(move |log| {
        let promises = Rc::new(make_promises(log, &program["promises"]));
        start_runs(log, &promises, &program["runs"], start);
        let n = program["ticks"].as_u64().expect("a count");
        if n > 0 {
            ticks(log, "script ", n);
        }
        say(log, "script end".into());
    })
}

#[test]
fn random_runner_programs_log_what_node_logs() {
    check_against_node("runner.out", 1000, go);
}
