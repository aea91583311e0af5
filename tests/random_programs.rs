//! A thousand random promise programs, each run on baton and compared
//! line by line with what Node logged running it
//! (`tests/oracle/random/programs.out`, made by `programs.js` there, which
//! also documents what a program can do). The hand-written oracles pin
//! one ordering rule each; these mix the rules at random: handlers that
//! settle other promises or queue microtasks, adoption from handlers,
//! async functions and settling functions, combinators over promises in
//! any state, timers set and cleared from anywhere, and the unhandled / handled-later reports.

mod random_support;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use baton::async_gen::{for_await, promises};
use baton::promise::{AggregateError, all, all_settled, any, race};
use baton::{
    Error, Promise, Resolution, Resolver, Thenable, TimerId, clear_timeout, queue_microtask,
    set_timeout, spawn,
};
use random_support::{
    Log, check_against_node, counting_body, index, list, name, number, run_logged, text,
};
use serde_json::Value;

type P = Promise<i64, Error>;

/// One program's promises, resolvers and log.
#[derive(Default)]
struct World {
    log: Log,
    promises: RefCell<Vec<Option<P>>>,
    resolvers: RefCell<Vec<Option<Resolver<i64, Error>>>>,
    timers: RefCell<HashMap<String, TimerId>>,
}

impl World {
    fn log(&self, line: String) {
        self.log.borrow_mut().push(line);
    }

    fn promise(&self, id: &Value) -> P {
        let id = index(id);
        self.promises.borrow()[id]
            .clone()
            .unwrap_or_else(|| panic!("promise {id} is used before it is made"))
    }

    fn set(&self, id: &Value, promise: P) {
        let id = index(id);
        let mut promises = self.promises.borrow_mut();
        if promises.len() <= id {
            promises.resize(id + 1, None);
        }
        promises[id] = Some(promise);
    }

    fn resolver(&self, id: &Value) -> Resolver<i64, Error> {
        let id = index(id);
        self.resolvers.borrow()[id]
            .clone()
            .unwrap_or_else(|| panic!("promise {id} has no resolver"))
    }
}

/// Side effects: settle a pending promise, queue a microtask.
fn effects(w: &Rc<World>, fx: &Value) {
    for f in list(fx) {
        match f["e"].as_str() {
            Some("resolve") => w.resolver(&f["id"]).resolve(number(&f["v"])),
            Some("reject") => w.resolver(&f["id"]).reject(Error::msg(text(&f["r"]))),
            Some("adopt") => w.resolver(&f["id"]).resolve_with(w.promise(&f["src"])),
            Some("thenable") => w.resolver(&f["id"]).resolve_with(thenable(w, &f["t"])),
            Some("timeout") => {
                let w2 = w.clone();
                let tag = text(&f["tag"]);
                let timer = set_timeout(
                    move || {
                        w2.log(format!("timeout {}", text(&f["tag"])));
                        effects(&w2, &f["fx"]);
                    },
                    Duration::from_millis(50),
                );
                w.timers.borrow_mut().insert(tag, timer);
            }
            Some("clear") => {
                let timer = w.timers.borrow().get(&text(&f["tag"])).copied();
                if let Some(timer) = timer {
                    clear_timeout(timer);
                }
            }
            Some("micro") => {
                let w = w.clone();
                queue_microtask(move || {
                    w.log(format!("micro {}", text(&f["tag"])));
                    effects(&w, &f["fx"]);
                });
            }
            other => panic!("unknown effect {other:?}"),
        }
    }
}

/// What a handler returns: a value, a throw, a promise to adopt, or a
/// thenable.
fn outcome(w: &Rc<World>, out: &Value) -> Resolution<i64, Error> {
    match out["k"].as_str() {
        Some("value") => Resolution::Value(number(&out["v"])),
        Some("throw") => Resolution::Reject(Error::msg(text(&out["r"]))),
        Some("adopt") => Resolution::Adopt(w.promise(&out["src"])),
        Some("thenable") => thenable(w, &out["t"]),
        other => panic!("unknown outcome {other:?}"),
    }
}

/// A thenable whose `then` resolves, rejects or adopts a promise, at once
/// or from a microtask (JavaScript's object with a `then` method).
struct Then {
    w: Rc<World>,
    spec: Value,
}

impl Thenable<i64, Error> for Then {
    fn then(self: Box<Self>, resolver: Resolver<i64, Error>) {
        let Then { w, spec } = *self;
        w.log(format!("thenable {} called", text(&spec["tag"])));
        let sync = spec["at"] == "sync";
        let act = move || match spec["k"].as_str() {
            Some("value") => resolver.resolve(number(&spec["v"])),
            Some("reject") => resolver.reject(Error::msg(text(&spec["r"]))),
            Some("adopt") => resolver.resolve_with(w.promise(&spec["src"])),
            other => panic!("unknown thenable {other:?}"),
        };
        if sync {
            act();
        } else {
            queue_microtask(act);
        }
    }
}

fn thenable(w: &Rc<World>, spec: &Value) -> Resolution<i64, Error> {
    Resolution::Thenable(Box::new(Then {
        w: w.clone(),
        spec: spec.clone(),
    }))
}

fn observe(w: &Rc<World>, id: &Value) {
    let (on_value, on_reason) = (w.clone(), w.clone());
    let n = index(id);
    drop(w.promise(id).then_else(
        move |v| {
            on_value.log(format!("p{n} fulfilled {v}"));
            Ok::<(), Error>(())
        },
        move |e| {
            on_reason.log(format!("p{n} rejected {}", name(&e)));
            Ok::<(), Error>(())
        },
    ));
}

/// A handler: logs `label`, runs its effects, returns its outcome.
fn handler(
    w: &Rc<World>,
    h: &Value,
    label: String,
) -> impl FnOnce() -> Resolution<i64, Error> + use<> {
    let (w, h) = (w.clone(), h.clone());
    move || {
        w.log(label);
        effects(&w, &h["fx"]);
        outcome(&w, &h["out"])
    }
}

fn run_op(w: &Rc<World>, op: &Value) {
    let id = &op["id"];
    let n = id.as_u64().unwrap_or(0);
    let srcs = || -> Vec<P> { list(&op["srcs"]).iter().map(|s| w.promise(s)).collect() };
    match op["op"].as_str().expect("an op") {
        "resolved" => w.set(id, Promise::resolve(number(&op["v"]))),
        "rejected" => w.set(id, Promise::reject(Error::msg(text(&op["r"])))),
        "pending" => {
            let (promise, resolver) = Promise::with_resolver();
            w.set(id, promise);
            let mut resolvers = w.resolvers.borrow_mut();
            let at = index(id);
            if resolvers.len() <= at {
                resolvers.resize(at + 1, None);
            }
            resolvers[at] = Some(resolver);
        }
        "then" => {
            let (w2, h) = (w.clone(), op["h"].clone());
            let p = w
                .promise(&op["src"])
                .then(move |v| handler(&w2, &h, format!("then{n} got {v}"))());
            w.set(id, p);
        }
        "catch" => {
            let (w2, h) = (w.clone(), op["h"].clone());
            let p = w
                .promise(&op["src"])
                .catch(move |e| handler(&w2, &h, format!("catch{n} got {}", name(&e)))());
            w.set(id, p);
        }
        "finally" => {
            let run = handler(w, &op["h"], format!("finally{n}"));
            let p = w.promise(&op["src"]).finally(move || match run() {
                Resolution::Reject(e) => Resolution::Reject(e),
                _ => Resolution::Value(()),
            });
            w.set(id, p);
        }
        "both" => {
            let (w2, h) = (w.clone(), op["h"].clone());
            let (w3, h2) = (w.clone(), op["h2"].clone());
            let p = w.promise(&op["src"]).then_else(
                move |v| handler(&w2, &h, format!("both{n} got {v}"))(),
                move |e| handler(&w3, &h2, format!("both{n} caught {}", name(&e)))(),
            );
            w.set(id, p);
        }
        "all" => w.set(
            id,
            all(srcs()).then(|vs: Vec<i64>| Ok::<i64, Error>(vs.iter().sum())),
        ),
        "allSettled" => w.set(
            id,
            all_settled(srcs()).then(|rs: Vec<Result<i64, Error>>| {
                Ok::<i64, Error>(rs.iter().map(|r| *r.as_ref().unwrap_or(&1000)).sum())
            }),
        ),
        "race" => w.set(id, race(srcs())),
        "any" => {
            let (on_value, on_reason) = (w.clone(), w.clone());
            drop(any(srcs()).then_else(
                move |v| {
                    on_value.log(format!("any got {v}"));
                    Ok::<(), AggregateError<Error>>(())
                },
                move |e: AggregateError<Error>| {
                    let names: Vec<String> = e.errors.iter().map(name).collect();
                    on_reason.log(format!("any failed {}", names.join(",")));
                    Ok(())
                },
            ));
        }
        "async" => {
            let (w2, op) = (w.clone(), op.clone());
            let p: P = spawn(async move {
                let w = w2;
                w.log(format!("async{n} start"));
                for step in list(&op["body"]) {
                    if step["s"] == "fx" {
                        effects(&w, &step["fx"]);
                        continue;
                    }
                    // A thenable or a plain value is awaited as the
                    // promise resolved with it, as JavaScript's `await` does.
                    let awaited = if step.get("t").is_some() {
                        Promise::from_resolution(thenable(&w, &step["t"]))
                    } else if step.get("v").is_some() {
                        Promise::resolve(number(&step["v"]))
                    } else {
                        w.promise(&step["src"])
                    };
                    match awaited.await {
                        Ok(v) => w.log(format!("async{n} got {v}")),
                        Err(e) if step["catch"] == true => {
                            w.log(format!("async{n} caught {}", name(&e)));
                        }
                        Err(e) => return Resolution::Reject(e),
                    }
                }
                outcome(&w, &op["out"])
            });
            w.set(id, p);
        }
        "forAwait" => {
            let (w2, tag, all) = (w.clone(), text(&op["tag"]), srcs());
            let break_at = op["breakAt"].as_u64().expect("a count");
            drop(spawn(async move {
                let w = w2;
                let body = counting_body(&w.log, format!("loop {tag} got"), break_at);
                let looped = for_await(promises(all), body).await;
                match looped {
                    Ok(_) => w.log(format!("loop {tag} done")),
                    Err(e) => w.log(format!("loop {tag} threw {}", name(&e))),
                }
                Ok::<(), Error>(())
            }));
        }
        "observe" => observe(w, &op["src"]),
        "micro" => effects(
            w,
            &serde_json::json!([{ "e": "micro", "tag": op["tag"], "fx": op["fx"] }]),
        ),
        "timeout" => {
            let (w2, op) = (w.clone(), op.clone());
            let delay = op["delay"].as_u64().expect("a delay");
            let tag = text(&op["tag"]);
            let timer = set_timeout(
                move || {
                    w2.log(format!("timeout {}", text(&op["tag"])));
                    effects(&w2, &op["fx"]);
                    observe(&w2, &op["observe"]);
                },
                Duration::from_millis(delay),
            );
            w.timers.borrow_mut().insert(tag, timer);
        }
        "fx" => effects(w, &op["fx"]),
        other => panic!("unknown op {other}"),
    }
}

/// Runs one program on baton's loop; returns its log.
fn run(program: &Value) -> Vec<String> {
    let ops = list(&program["ops"]);
    run_logged(move |log| {
        let w = Rc::new(World {
            log: log.clone(),
            ..World::default()
        });
        for op in &ops {
            run_op(&w, op);
        }
        w.log("script end".into());
    })
}

#[test]
fn random_promise_programs_log_what_node_logs() {
    check_against_node("programs.out", 1000, run);
}
