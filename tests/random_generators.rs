//! A thousand random generator programs, each run on baton and compared
//! line by line with what Node logged running it
//! (`tests/oracle/random/generators.out`, made by `generators.js` there).
//! A program is a generator body — yields, try / catch / finally with
//! yields and returns anywhere in them, throw, return, `yield*` to an inner
//! body — and a script of `next`, `throw` and `return` calls. The body is
//! interpreted here as it is compiled there: a `return` is an abrupt
//! completion that runs the `finally` blocks on its way out, as the
//! protocol's `return(v)` is.

use std::cell::RefCell;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::rc::Rc;

use baton::{Abrupt, Co, Gen, Resume, Step};
use serde_json::Value;

type Log = Rc<RefCell<Vec<String>>>;
type Completion = Result<(), Abrupt<String, i64>>;

fn number(v: &Value) -> i64 {
    v.as_i64().expect("a number")
}

fn text(v: &Value) -> String {
    v.as_str().expect("a string").to_owned()
}

fn list(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

/// Runs `stmts` in the generator whose `Co` is `co`.
fn exec(
    co: Rc<Co<i64, i64, i64, String>>,
    log: Log,
    stmts: Vec<Value>,
) -> Pin<Box<dyn Future<Output = Completion>>> {
    Box::pin(async move {
        let say = |line: String| log.borrow_mut().push(line);
        for st in stmts {
            match st["s"].as_str().expect("a statement") {
                "yield" => {
                    let got = co.yield_(number(&st["v"])).await?;
                    say(format!("got {got}"));
                }
                "throw" => return Err(Abrupt::Throw(text(&st["r"]))),
                "return" => return Err(Abrupt::Return(number(&st["v"]))),
                "log" => say(format!("at {}", st["id"])),
                "try" => {
                    let id = &st["id"];
                    let mut done = exec(co.clone(), log.clone(), list(&st["body"])).await;
                    if let (Err(Abrupt::Throw(e)), Some(handler)) = (&done, st.get("catch")) {
                        say(format!("catch {id} caught {e}"));
                        done = exec(co.clone(), log.clone(), list(handler)).await;
                    }
                    if let Some(cleanup) = st.get("finally") {
                        say(format!("finally {id}"));
                        // An abrupt completion of the finally block wins.
                        exec(co.clone(), log.clone(), list(cleanup)).await?;
                    }
                    done?;
                }
                "delegate" => {
                    let (inner_log, body) = (log.clone(), list(&st["body"]));
                    let inner = Gen::new(move |inner_co: Co<i64, i64, i64, String>| async move {
                        exec(Rc::new(inner_co), inner_log, body).await?;
                        unreachable!("an inner body ends with a return")
                    });
                    let returned = co.yield_from(inner).await?;
                    say(format!("delegate {} returned {returned}", st["id"]));
                }
                other => panic!("unknown statement {other}"),
            }
        }
        Ok(())
    })
}

/// Runs one program; returns its log.
fn run(program: &Value) -> Vec<String> {
    let log: Log = Rc::default();
    let (body_log, body) = (log.clone(), list(&program["body"]));
    let mut g = Gen::new(move |co: Co<i64, i64, i64, String>| async move {
        exec(Rc::new(co), body_log, body).await?;
        unreachable!("a body ends with a return")
    });
    let say = |line: String| log.borrow_mut().push(line);
    for call in list(&program["calls"]) {
        let (how, arg) = match call["c"].as_str().expect("a call") {
            "next" => (Resume::Next(number(&call["v"])), call["v"].to_string()),
            "throw" => (Resume::Throw(text(&call["r"])), text(&call["r"])),
            "return" => (Resume::Return(number(&call["v"])), call["v"].to_string()),
            other => panic!("unknown call {other}"),
        };
        say(format!("{}({arg})", text(&call["c"])));
        say(match g.resume(how) {
            Ok(Step::Yielded(v)) => format!("-> {{{v}, false}}"),
            Ok(Step::Returned(v)) => format!("-> {{{v}, true}}"),
            Ok(Step::Done) => "-> {undefined, true}".into(),
            Err(e) => format!("-> threw {e}"),
        });
    }
    drop(g);
    log.take()
}

#[test]
fn random_generator_programs_log_what_node_logs() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/random/generators.out");
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
