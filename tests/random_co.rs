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

use baton::runner::{Thunk, run, thunk};
use baton::{Abrupt, Body, Co, Error, Gen, Promise, set_timeout};
use random_support::{
    Log, check_against_node, list, log_settled, make_promises, name, number, run_logged, say, text,
    ticks,
};
use serde_json::Value;

type Promises = Rc<Vec<Promise<i64, Error>>>;
type Object = BTreeMap<String, i64>;
/// `[promise, thunk]`: a tuple in Rust.
type Pair = (Promise<i64, Error>, Thunk<i64, Error>);

/// What one step of a generator shares with the rest of its body.
struct Step<'a> {
    log: &'a Log,
    g: &'a str,
    st: &'a Value,
}

impl Step<'_> {
    /// `yield y`, its value logged as `shown` prints it; a rejection is
    /// caught and logged if the step is guarded, else thrown on.
    async fn take<Y, R>(
        &self,
        co: &Co<Y, R, i64, Error>,
        y: Y,
        shown: impl Fn(R) -> String,
    ) -> Result<(), Abrupt<Error, i64>> {
        match co.yield_(y).await {
            Ok(v) => say(self.log, format!("{} got {}", self.g, shown(v))),
            Err(Abrupt::Throw(e)) if self.st["guard"] == true => {
                say(self.log, format!("{} caught {}", self.g, name(&e)));
            }
            Err(abrupt) => return Err(abrupt),
        }
        Ok(())
    }

    /// The promises of the step's parts.
    fn parts(&self, promises: &Promises) -> Vec<Promise<i64, Error>> {
        list(&self.st["parts"])
            .iter()
            .map(|p| promises[random_support::index(p)].clone())
            .collect()
    }
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

/// A generator of `kind`, driven by `run()`.
fn driven(log: &Log, promises: &Promises, g: &Value) -> Promise<i64, Error> {
    let (log, promises) = (log.clone(), promises.clone());
    let (kind, steps, end) = (text(&g["kind"]), list(&g["steps"]), number(&g["end"]));
    let g = text(&g["name"]);
    match kind.as_str() {
        "array" => run(Gen::new(
            move |co: Co<Vec<Promise<i64, Error>>, Vec<i64>, i64, Error>| async move {
                for st in &steps {
                    let step = Step {
                        log: &log,
                        g: &g,
                        st,
                    };
                    step.take(&co, step.parts(&promises), array).await?;
                }
                Ok(end)
            },
        )),
        "object" => run(Gen::new(
            move |co: Co<BTreeMap<String, Promise<i64, Error>>, Object, i64, Error>| async move {
                for st in &steps {
                    let step = Step {
                        log: &log,
                        g: &g,
                        st,
                    };
                    let members = step.parts(&promises).into_iter().enumerate();
                    let o = members.map(|(i, p)| (format!("k{i}"), p)).collect();
                    step.take(&co, o, object).await?;
                }
                Ok(end)
            },
        )),
        "pair" => run(Gen::new(
            move |co: Co<Pair, (i64, i64), i64, Error>| async move {
                for st in &steps {
                    let step = Step {
                        log: &log,
                        g: &g,
                        st,
                    };
                    let p = promises[random_support::index(&st["p"])].clone();
                    let v = number(&st["v"]);
                    let pair = (p, thunk(move |done| done(Ok(v))));
                    step.take(&co, pair, |(a, b)| array(vec![a, b])).await?;
                }
                Ok(end)
            },
        )),
        "thunk" => run(Gen::new(
            move |co: Co<Thunk<i64, Error>, i64, i64, Error>| async move {
                for st in &steps {
                    let step = Step {
                        log: &log,
                        g: &g,
                        st,
                    };
                    step.take(&co, callback(st), |v| v.to_string()).await?;
                }
                Ok(end)
            },
        )),
        "nested" => run(Gen::new(move |co: Co<_, i64, i64, Error>| async move {
            for st in &steps {
                let step = Step {
                    log: &log,
                    g: &g,
                    st,
                };
                let throws = st.get("throws").map(text);
                let inner = nested(step.parts(&promises), throws);
                step.take(&co, inner, |v| v.to_string()).await?;
            }
            Ok(end)
        })),
        "genfn" => run(Gen::new(move |co: Co<_, i64, i64, Error>| async move {
            for st in &steps {
                let step = Step {
                    log: &log,
                    g: &g,
                    st,
                };
                let (parts, throws) = (step.parts(&promises), st.get("throws").map(text));
                step.take(&co, move || nested(parts, throws), |v| v.to_string())
                    .await?;
            }
            Ok(end)
        })),
        _ => run(Gen::new(
            move |co: Co<Promise<i64, Error>, i64, i64, Error>| async move {
                for st in &steps {
                    let step = Step {
                        log: &log,
                        g: &g,
                        st,
                    };
                    let p = promises[random_support::index(&st["p"])].clone();
                    step.take(&co, p, |v| v.to_string()).await?;
                }
                Ok(end)
            },
        )),
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
        for g in list(&program["runs"]) {
            if g["when"] == "sync" {
                start(log, &promises, &g);
            } else {
                let (log, promises) = (log.clone(), promises.clone());
                set_timeout(move || start(&log, &promises, &g), Duration::ZERO);
            }
        }
        ticks(log, "script ", program["ticks"].as_u64().expect("a count"));
        say(log, "script end".into());
    })
}

#[test]
fn random_co_programs_log_what_co_logs() {
    check_against_node("co.out", 1000, go);
}
