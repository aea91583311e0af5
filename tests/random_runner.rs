//! A thousand random runner programs, each run on baton and compared line
//! by line with what Node logged running them through seed 002's `run()`
//! (`tests/oracle/random/runner.out`, made by `runner.js` there, which
//! documents what a program can do): several generators driven at once,
//! yielding promises in every state, catching rejections thrown in at
//! their yields, cleaning up, beside chains of `then` ticks and timers.

use std::cell::RefCell;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use baton::runner::run;
use baton::{Abrupt, Co, Error, EventLoop, Gen, Promise, set_timeout};
use serde_json::Value;

type Log = Rc<RefCell<Vec<String>>>;
type Completion = Result<(), Abrupt<Error, i64>>;
type RunCo = Co<Promise<i64, Error>, i64, i64, Error>;

fn say(log: &Log, line: String) {
    log.borrow_mut().push(line);
}

fn number(v: &Value) -> i64 {
    v.as_i64().expect("a number")
}

fn text(v: &Value) -> String {
    v.as_str().expect("a string").to_owned()
}

fn list(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

fn name(reason: &Error) -> String {
    reason
        .message()
        .map_or_else(|| reason.to_string(), str::to_owned)
}

/// A reported reason (its `Debug` form) as the JavaScript side prints it.
fn reported(debug: &str) -> String {
    debug
        .split('"')
        .nth(1)
        .map_or_else(|| debug.to_owned(), str::to_owned)
}

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
                    let yielded = promises[st["p"].as_u64().expect("an index") as usize].clone();
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
                    let id = &st["id"];
                    let mut done = exec(scope.clone(), list(&st["body"])).await;
                    if let (Err(Abrupt::Throw(e)), Some(handler)) = (&done, st.get("catch")) {
                        say(&log, format!("{g} catch {id} caught {}", name(e)));
                        done = exec(scope.clone(), list(handler)).await;
                    }
                    if let Some(cleanup) = st.get("finally") {
                        say(&log, format!("{g} finally {id}"));
                        // An abrupt completion of the finally block wins.
                        exec(scope.clone(), list(cleanup)).await?;
                    }
                    done?;
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
    let (on_value, on_reason) = (log.clone(), log.clone());
    let shown = g_name.clone();
    drop(run(generator).then_else(
        move |v| {
            say(&on_value, format!("{shown} resolved {v}"));
            Ok::<(), Error>(())
        },
        move |e| {
            say(&on_reason, format!("{g_name} rejected {}", name(&e)));
            Ok::<(), Error>(())
        },
    ));
}

/// Runs one program on baton's loop; returns its log.
fn go(program: &Value) -> Vec<String> {
    let log: Log = Rc::default();
    let (unhandled, handled, main) = (log.clone(), log.clone(), log.clone());
    let program = program.clone();
    EventLoop::virtual_clock()
        .on_unhandled_rejection(move |r| {
            say(&unhandled, format!("unhandled {}", reported(&r.reason)))
        })
        .on_rejection_handled(move |r| {
            say(&handled, format!("handled later {}", reported(&r.reason)));
        })
        .run(move || {
            let log = main;
            let promises: Vec<Promise<i64, Error>> = list(&program["promises"])
                .into_iter()
                .map(|p| match p["k"].as_str().expect("a kind") {
                    "resolved" => Promise::resolve(number(&p["v"])),
                    "rejected" => Promise::reject(Error::msg(text(&p["r"]))),
                    _ => {
                        let (promise, resolver) = Promise::with_resolver();
                        let log = log.clone();
                        set_timeout(
                            move || {
                                say(&log, "timer settles".into());
                                if p["ok"] == true {
                                    resolver.resolve(number(&p["v"]));
                                } else {
                                    resolver.reject(Error::msg(text(&p["r"])));
                                }
                            },
                            Duration::ZERO,
                        );
                        promise
                    }
                })
                .collect();
            let promises = Rc::new(promises);
            for g in list(&program["runs"]) {
                if g["when"] == "sync" {
                    start(&log, &promises, &g);
                } else {
                    let (log, promises) = (log.clone(), promises.clone());
                    set_timeout(move || start(&log, &promises, &g), Duration::ZERO);
                }
            }
            let n = program["ticks"].as_u64().expect("a count");
            if n > 0 {
                ticks(&log, "script".into(), n);
            }
            say(&log, "script end".into());
        });
    log.take()
}

#[test]
fn random_runner_programs_log_what_node_logs() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/random/runner.out");
    let text = std::fs::read_to_string(&path).expect("the programs and Node's traces");
    let mut programs = 0;
    let mut failures = Vec::new();
    for block in text.split("== ").filter(|b| !b.is_empty()) {
        let (program, trace) = block.split_once('\n').expect("a program line");
        let program: Value = serde_json::from_str(program).expect("a program");
        let expected: Vec<&str> = trace.lines().collect();
        let actual = go(&program);
        if actual != expected {
            failures.push(format!(
                "program {programs}: {program}\n  node:  {expected:?}\n  baton: {actual:?}"
            ));
        }
        programs += 1;
    }
    assert_eq!(programs, 1000);
    assert!(
        failures.is_empty(),
        "{} of {programs} programs differ from Node:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
