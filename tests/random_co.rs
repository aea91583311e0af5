//! A thousand random programs of co's extras, each run through baton's
//! `run()` and compared line by line with what co 4.6 itself logged under
//! Node (`tests/oracle/random/co.out`, made by `co.js` there, which
//! documents what a program can do): generators yielding arrays and
//! objects of promises in every state, a promise and a thunk together (a
//! tuple), thunks, nested generators, generator functions and promises,
//! guarded or not, beside a chain of `then` ticks.

mod random_support;

use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use baton::runner::{Thunk, Yieldable, run, thunk};
use baton::{Abrupt, Body, Co, Error, Gen, Promise, set_timeout};
use random_support::{
    Log, Promises, check_against_node, list, log_settled, make_promises, name, number, run_logged,
    say, start_runs, text, ticks,
};
use serde_json::Value;

type Object = BTreeMap<String, i64>;
/// `[promise, thunk]`: a tuple in Rust.
type Pair = (Promise<i64, Error>, Thunk<i64, Error>);

/// `yield y` in generator `g` for step `st`, its value logged as `shown`
/// prints it; a rejection is caught and logged if the step is guarded,
/// else thrown on.
async fn take<Y, R>(
    co: &Co<Y, R, i64, Error>,
    (log, g, st): (&Log, &str, &Value),
    y: Y,
    shown: impl Fn(R) -> String,
) -> Result<(), Abrupt<Error, i64>> {
    match co.yield_(y).await {
        Ok(v) => say(log, format!("{g} got {}", shown(v))),
        Err(Abrupt::Throw(e)) if st["guard"] == true => {
            say(log, format!("{g} caught {}", name(&e)));
        }
        Err(abrupt) => return Err(abrupt),
    }
    Ok(())
}

/// The promises of a step's parts.
fn parts(st: &Value, promises: &Promises) -> Vec<Promise<i64, Error>> {
    list(&st["parts"])
        .iter()
        .map(|p| promises[random_support::index(p)].clone())
        .collect()
}

/// `String(array)` in brackets.
fn array(v: Vec<i64>) -> String {
    let items: Vec<String> = v.iter().map(i64::to_string).collect();
    format!("[{}]", items.join(","))
}

/// An object's members, in their order.
fn object(o: Object) -> String {
    let members: Vec<String> = o.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{{{}}}", members.join(" "))
}

/// A thunk calling back at once or from a 0 ms timer.
fn callback(st: &Value) -> Thunk<i64, Error> {
    let outcome = if st["ok"] == true {
        Ok(number(&st["v"]))
    } else {
        Err(Error::msg(text(&st["r"])))
    };
    let sync = st["when"] == "sync";
    thunk(move |done| {
        if sync {
            done(outcome);
        } else {
            set_timeout(move || done(outcome), Duration::ZERO);
        }
    })
}

/// `(function* () { let s = 0; s += yield P[i]; …; return s })()`, or
/// throwing at its end.
fn nested(
    parts: Vec<Promise<i64, Error>>,
    throws: Option<String>,
) -> Gen<impl Body<i64, Error>, Promise<i64, Error>, i64, i64, Error> {
    Gen::new(
        move |co: Co<Promise<i64, Error>, i64, i64, Error>| async move {
            let mut s = 0;
            for p in parts {
                s += co.yield_(p).await?;
            }
            match throws {
                Some(reason) => Err(Abrupt::Throw(Error::msg(reason))),
                None => Ok(s),
            }
        },
    )
}

/// A generator driven by `run()` that yields, at each step, what `make`
/// makes of it, and logs what it gets as `shown` prints it.
fn drive<Y, R>(
    log: &Log,
    promises: &Promises,
    g: &Value,
    make: impl Fn(&Value, &Promises) -> Y + 'static,
    shown: impl Fn(R) -> String + 'static,
) -> Promise<i64, Error>
where
    Y: Yieldable<R, Error> + 'static,
    R: Default + Clone + 'static,
{
    let (log, promises) = (log.clone(), promises.clone());
    let (name, steps, end) = (text(&g["name"]), list(&g["steps"]), number(&g["end"]));
    run(Gen::new(move |co: Co<Y, R, i64, Error>| async move {
        for st in &steps {
            take(&co, (&log, &name, st), make(st, &promises), &shown).await?;
        }
        Ok(end)
    }))
}

/// A generator of `kind`, driven by `run()`.
fn driven(log: &Log, promises: &Promises, g: &Value) -> Promise<i64, Error> {
    let value = |v: i64| v.to_string();
    let throws = |st: &Value| st.get("throws").map(text);
    match g["kind"].as_str().expect("a kind") {
        "array" => drive(log, promises, g, parts, array),
        "object" => {
            let members = |st: &Value, p: &Promises| -> BTreeMap<String, Promise<i64, Error>> {
                let members = parts(st, p).into_iter().enumerate();
                members.map(|(i, p)| (format!("k{i}"), p)).collect()
            };
            drive(log, promises, g, members, object)
        }
        "pair" => {
            let pair = |st: &Value, p: &Promises| -> Pair {
                let v = number(&st["v"]);
                let promise = p[random_support::index(&st["p"])].clone();
                (promise, thunk(move |done| done(Ok(v))))
            };
            drive(log, promises, g, pair, |(a, b)| array(vec![a, b]))
        }
        "thunk" => drive(log, promises, g, |st, _| callback(st), value),
        "nested" => {
            let inner = move |st: &Value, p: &Promises| nested(parts(st, p), throws(st));
            drive(log, promises, g, inner, value)
        }
        "genfn" => {
            let make = move |st: &Value, p: &Promises| {
                let (parts, throws) = (parts(st, p), throws(st));
                move || nested(parts, throws)
            };
            drive(log, promises, g, make, value)
        }
        _ => {
            let promise = |st: &Value, p: &Promises| p[random_support::index(&st["p"])].clone();
            drive(log, promises, g, promise, value)
        }
    }
}

/// Starts one generator and logs how it ends.
fn start(log: &Log, promises: &Promises, g: &Value) {
    let g_name = text(&g["name"]);
    say(log, format!("{g_name} starts"));
    log_settled(log, &driven(log, promises, g), &format!("{g_name} "));
}

/// Runs one program on baton's loop; returns its log.
fn go(program: &Value) -> Vec<String> {
    let program = program.clone();
    run_logged(move |log| {
        let promises: Promises = Rc::new(make_promises(log, &program["promises"]));
        start_runs(log, &promises, &program["runs"], start);
        ticks(log, "script ", program["ticks"].as_u64().expect("a count"));
        say(log, "script end".into());
    })
}

#[test]
fn random_co_programs_log_what_co_logs() {
    check_against_node("co.out", 1000, go);
}
