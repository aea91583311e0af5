//! A thousand random sagas stepped by a test with baton's cloneable
//! `Stepper`, each compared line by line with what Node logged stepping
//! the same saga with redux-saga's `cloneableGenerator`
//! (`tests/oracle/random/stepper.out`, made by `stepper.js` there): calls
//! answered or refused, `all` and `race` of them and delays, with try /
//! catch / finally; results fed, errors thrown in, `return()`, steppers
//! cloned where they stand (each clone replaying what its original was
//! fed) and stepped in turn.

mod random_support;

use std::rc::Rc;

use baton::saga::{BoxSaga, CloneableStepper, Description, Finished, Kind, SagaCo, Stepper};
use baton::{Error, Gen};
use random_support::saga_calls::{KEYS, exec};
use random_support::{Log, check_against_node, list, name, number, say, text};
use serde_json::Value;

/// What a saga returns: its own value, or `None` when a `return()` ended
/// it (JavaScript's `undefined`).
type Returned = Option<i64>;

/// One stepper of the script, with the effect it stands at.
struct Steps {
    steps: CloneableStepper<BoxSaga<Returned>>,
    effect: Option<Description>,
    finished: bool,
}

/// How many parts (all calls) an `all` or a race has.
fn parts(effect: &Description) -> usize {
    effect.args.matches("Call ").count()
}

/// Feeds the effect `s` stands at the result the script makes of `n`;
/// what was fed, as the JavaScript side shows it, and how the step went.
fn feed(s: &mut Steps, n: i64) -> (String, Result<Description, Finished<Returned>>) {
    let effect = s
        .effect
        .clone()
        .expect("a stepper that is not finished stands at an effect");
    match effect.kind {
        Kind::Call => (n.to_string(), s.steps.feed(n)),
        Kind::All => {
            let values: Vec<i64> = (0..parts(&effect)).map(|i| n + i as i64).collect();
            let shown: Vec<String> = values.iter().map(i64::to_string).collect();
            (shown.join(","), s.steps.feed_all(values))
        }
        Kind::Race => {
            let key = KEYS[usize::try_from(n).expect("small") % parts(&effect)];
            (format!("{key}={n}"), s.steps.feed_race(key, n))
        }
        Kind::Delay => ("undefined".into(), s.steps.feed(())),
        other => panic!("no such effect in these sagas: {other:?}"),
    }
}

/// Logs how a step went, and keeps where it leaves the stepper.
fn stepped(
    log: &Log,
    at: usize,
    s: &mut Steps,
    what: &str,
    step: Result<Description, Finished<Returned>>,
) {
    let outcome = match step {
        Ok(effect) => {
            let shown = effect.to_string();
            s.effect = Some(effect);
            shown
        }
        Err(finished) => {
            s.finished = true;
            s.effect = None;
            match finished {
                Ok(Some(value)) => format!("returned {value}"),
                Ok(None) => "returned (return)".into(),
                Err(error) => format!("threw {}", name(&error)),
            }
        }
    };
    say(log, format!("{at}: {what} -> {outcome}"));
}

fn run(program: &Value) -> Vec<String> {
    let log = Log::default();
    let (body, end) = (list(&program["body"]), number(&program["end"]));
    let body_log = log.clone();
    let make = move || {
        let (log, body) = (body_log.clone(), body.clone());
        Gen::new(move |co: SagaCo<Returned>| async move {
            exec(Rc::new(co), log, "s".into(), body).await?;
            Ok(Some(end))
        })
        .boxed()
    };
    let mut steppers: Vec<Steps> = Vec::new();
    let mut make = Some(make);
    let mut at = 0;
    for op in list(&program["script"]) {
        let op_name = text(&op["op"]);
        match op_name.as_str() {
            "start" => {
                let make = make.take().expect("one start");
                let mut s = Steps {
                    steps: Stepper::cloneable(make),
                    effect: None,
                    finished: false,
                };
                let step = s.steps.next_effect();
                stepped(&log, 0, &mut s, "start", step);
                steppers.push(s);
            }
            "clone" if steppers[at].finished => say(&log, format!("{at}: clone -> (finished)")),
            "clone" => {
                let original = &steppers[at];
                let clone = Steps {
                    steps: original.steps.clone(),
                    effect: original.effect.clone(),
                    finished: original.finished,
                };
                steppers.push(clone);
                at = steppers.len() - 1;
                say(&log, format!("clone -> {at}"));
            }
            "switch" => {
                at = usize::try_from(number(&op["to"])).expect("an index") % steppers.len();
                say(&log, format!("switch -> {at}"));
            }
            _ if steppers[at].finished => say(&log, format!("{at}: {op_name} -> (finished)")),
            "next" => {
                let s = &mut steppers[at];
                let (fed, step) = feed(s, number(&op["n"]));
                stepped(&log, at, s, &format!("next {fed}"), step);
            }
            "throw" => {
                let why = text(&op["r"]);
                let s = &mut steppers[at];
                let step = s.steps.fail(Error::msg(why.clone()));
                stepped(&log, at, s, &format!("throw {why}"), step);
            }
            "return" => {
                let s = &mut steppers[at];
                let step = s.steps.end();
                stepped(&log, at, s, "return", step);
            }
            other => panic!("unknown op {other}"),
        }
    }
    log.borrow().clone()
}

#[test]
fn random_sagas_stepped_and_cloned_log_what_node_logs() {
    check_against_node("stepper.out", 1000, run);
}
