//! A thousand random generator programs, each run on baton and compared
//! line by line with what Node logged running it
//! (`tests/oracle/random/generators.out`, made by `generators.js` there).
//! A program is a generator body — yields, try / catch / finally with
//! yields and returns anywhere in them, throw, return, `yield*` to an inner
//! body — and a script of `next`, `throw` and `return` calls
//! (`random_support::exec` runs the body). Each program runs twice: on a
//! `Gen` and on a `PinnedGen`.

mod random_support;

use std::rc::Rc;

use std::pin::pin;

use baton::{Co, Error, Gen, Generator, PinnedGen, Resume, Step};
use random_support::{Body, Log, check_against_node, exec, list, name, number, say, text};
use serde_json::Value;

/// Runs one program on a `Gen` (or, `pinned`, a `PinnedGen`); returns
/// its log.
fn run(program: &Value, pinned: bool) -> Vec<String> {
    let log: Log = Rc::default();
    let (body_log, body) = (log.clone(), list(&program["body"]));
    let body = move |co: Co<i64, i64, i64, Error>| async move {
        let scope = Body {
            co: Rc::new(co),
            log: body_log,
            promises: Rc::default(),
        };
        exec(scope, body).await?;
        unreachable!("a body ends with a return")
    };
    // Either generator is dropped at the end of its statement.
    if pinned {
        calls(program, &log, pin!(PinnedGen::new(body)));
    } else {
        calls(program, &log, Gen::new(body));
    }
    log.take()
}

/// Makes the program's calls on `g`, logging each and what it gave.
fn calls(
    program: &Value,
    log: &Log,
    mut g: impl Generator<Input = i64, Yield = i64, Return = i64, Error = Error>,
) {
    for call in list(&program["calls"]) {
        let (how, arg) = match call["c"].as_str().expect("a call") {
            "next" => (Resume::Next(number(&call["v"])), call["v"].to_string()),
            "throw" => (
                Resume::Throw(Error::msg(text(&call["r"]))),
                text(&call["r"]),
            ),
            "return" => (Resume::Return(number(&call["v"])), call["v"].to_string()),
            other => panic!("unknown call {other}"),
        };
        say(log, format!("{}({arg})", text(&call["c"])));
        let shown = match g.resume(how) {
            Ok(Step::Yielded(v)) => format!("-> {{{v}, false}}"),
            Ok(Step::Returned(v)) => format!("-> {{{v}, true}}"),
            Ok(Step::Done) => "-> {undefined, true}".into(),
            Err(e) => format!("-> threw {}", name(&e)),
        };
        say(log, shown);
    }
}

#[test]
fn random_generator_programs_log_what_node_logs() {
    check_against_node("generators.out", 1000, |program| run(program, false));
}

#[test]
fn random_generator_programs_log_what_node_logs_pinned_in_place() {
    check_against_node("generators.out", 1000, |program| run(program, true));
}
