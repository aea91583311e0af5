//! A thousand random async generator programs, each run on baton and
//! compared line by line with what Node logged running it
//! (`tests/oracle/random/async_generators.out`, made by
//! `async_generators.js` there, which documents what a program can do):
//! requests queued from the script, microtasks and timers while the body
//! yields, awaits, catches and cleans up, a for-await loop beside them,
//! and the rejection reports.

use std::cell::RefCell;
use std::future::Future;
use std::ops::ControlFlow;
use std::path::Path;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use baton::async_gen::for_await;
use baton::{
    Abrupt, AsyncGen, Co, Error, EventLoop, Promise, Step, queue_microtask, set_timeout, spawn,
};
use serde_json::Value;

type Log = Rc<RefCell<Vec<String>>>;
type Completion = Result<(), Abrupt<Error, i64>>;
type G = AsyncGen<i64, i64, i64, Error>;

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

/// Runs `stmts` in the generator whose `Co` is `co`.
fn exec(
    co: Rc<Co<i64, i64, i64, Error>>,
    log: Log,
    promises: Rc<Vec<Promise<i64, Error>>>,
    stmts: Vec<Value>,
) -> Pin<Box<dyn Future<Output = Completion>>> {
    Box::pin(async move {
        for st in stmts {
            match st["s"].as_str().expect("a statement") {
                "yield" => {
                    let got = co.yield_(number(&st["v"])).await?;
                    say(&log, format!("got {got}"));
                }
                "await" => {
                    let awaited = promises[st["p"].as_u64().expect("an index") as usize].clone();
                    let value = awaited.await.map_err(Abrupt::Throw)?;
                    say(&log, format!("awaited {value}"));
                }
                "throw" => return Err(Abrupt::Throw(Error::msg(text(&st["r"])))),
                "log" => say(&log, format!("at {}", st["id"])),
                "try" => {
                    let id = &st["id"];
                    let run = |stmts: &Value| {
                        exec(co.clone(), log.clone(), promises.clone(), list(stmts))
                    };
                    let mut done = run(&st["body"]).await;
                    if let (Err(Abrupt::Throw(e)), Some(handler)) = (&done, st.get("catch")) {
                        say(&log, format!("catch {id} caught {}", name(e)));
                        done = run(handler).await;
                    }
                    if let Some(cleanup) = st.get("finally") {
                        say(&log, format!("finally {id}"));
                        // An abrupt completion of the finally block wins.
                        run(cleanup).await?;
                    }
                    done?;
                }
                other => panic!("unknown statement {other}"),
            }
        }
        Ok(())
    })
}

fn request(g: &G, log: &Log, q: &Value) {
    let call = match q["c"].as_str().expect("a call") {
        "throw" => format!("throw({})", text(&q["r"])),
        how => format!("{how}({})", q["v"]),
    };
    say(log, format!("call {call}"));
    let promise = match q["c"].as_str().expect("a call") {
        "next" => g.next(number(&q["v"])),
        "throw" => g.throw(Error::msg(text(&q["r"]))),
        "return" => g.r#return(number(&q["v"])),
        other => panic!("unknown request {other}"),
    };
    let (on_step, on_error) = (log.clone(), log.clone());
    let shown = call.clone();
    drop(promise.then_else(
        move |step| {
            let (value, done) = match step {
                Step::Yielded(v) => (v.to_string(), false),
                // A for-await loop that breaks closes the generator with
                // `return(T::default())` where JavaScript's sends
                // `undefined`: the one return value of 0 in these programs.
                Step::Returned(0) | Step::Done => ("undefined".to_string(), true),
                Step::Returned(v) => (v.to_string(), true),
            };
            say(&on_step, format!("{shown} -> {{{value}, {done}}}"));
            Ok::<(), Error>(())
        },
        move |e| {
            say(&on_error, format!("{call} threw {}", name(&e)));
            Ok::<(), Error>(())
        },
    ));
}

/// Runs one program on baton's loop; returns its log.
fn run(program: &Value) -> Vec<String> {
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
            let (body_log, body, end) =
                (log.clone(), list(&program["body"]), number(&program["end"]));
            let promises = Rc::new(promises);
            let g: G = AsyncGen::new(move |co: Co<i64, i64, i64, Error>| async move {
                exec(Rc::new(co), body_log, promises, body).await?;
                Ok(end)
            });
            if let Some(break_after) = program["loop"]["breakAfter"].as_u64() {
                let (g, log) = (g.clone(), log.clone());
                drop(spawn(async move {
                    let mut seen = 0;
                    let looped = for_await(g, async |v| {
                        say(&log, format!("loop got {v}"));
                        seen += 1;
                        if seen == break_after {
                            ControlFlow::Break(())
                        } else {
                            ControlFlow::Continue(())
                        }
                    })
                    .await;
                    match looped {
                        Ok(_) => say(&log, "loop ended".into()),
                        Err(e) => say(&log, format!("loop threw {}", name(&e))),
                    }
                    Ok::<(), Error>(())
                }));
            }
            for q in list(&program["requests"]) {
                match q["when"].as_str().expect("a time") {
                    "sync" => request(&g, &log, &q),
                    "micro" => {
                        let (g, log) = (g.clone(), log.clone());
                        queue_microtask(move || request(&g, &log, &q));
                    }
                    _ => {
                        let (g, log) = (g.clone(), log.clone());
                        set_timeout(move || request(&g, &log, &q), Duration::ZERO);
                    }
                }
            }
            say(&log, "script end".into());
        });
    log.take()
}

#[test]
fn random_async_generator_programs_log_what_node_logs() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/random/async_generators.out");
    let text = std::fs::read_to_string(&path).expect("the programs and Node's traces");
    let mut programs = 0;
    let mut failures = Vec::new();
    for block in text.split("== ").filter(|b| !b.is_empty()) {
        let (program, trace) = block.split_once('\n').expect("a program line");
        let program: Value = serde_json::from_str(program).expect("a program");
        let expected: Vec<&str> = trace.lines().collect();
        let actual = run(&program);
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
