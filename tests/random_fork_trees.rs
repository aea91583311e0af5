//! A thousand random fork trees on baton's saga runtime, each compared with
//! what redux-saga logged running the same sagas under Node
//! (`tests/oracle/random/fork_trees.out`, made by `fork_trees.js` there):
//! forks and spawns, joins and cancels (a task cancelling itself too),
//! calls answered or refused (and `cps` calls, answering at once or
//! later), delays, puts to and takes from channels of
//! each buffer and closing them, puts to and takes from a store, reads and
//! sets of the context (which the runtime seeds, and half the roots set
//! before they start children), races and `all`s of takes and forks,
//! throws, `cancelled()`, and try / catch / finally.
//!
//! Each line carries its virtual time and its task. Within a task and an
//! instant, lines must come in redux-saga's order; across tasks at one
//! instant they are compared as sets: baton cancels a halted task's
//! children before its own cleanup runs, where redux-saga runs the
//! parent's first (the saga module's docs list every such difference).
//! The programs keep cleanup synchronous (see `fork_trees.js`). Where
//! redux-saga itself breaks down (a saga aborted while its body runs, by a
//! taker its own put or close woke: "Generator is already running"), the
//! trace is marked and not compared; no program of this seed falls there.

mod random_support;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use baton::saga::{
    Action, Buffer, Channel, Effect, Runtime, Saga, SagaCo, Store, Task, Value as SagaValue,
    cancel, cancel_self_effect, fork, fork_effect, get_context, join, put, put_effect, put_to,
    set_context, spawn, take, take_effect, take_from,
};
use baton::{Error, Gen};
use random_support::sagas::{
    Block, Body, by_time_and_task, exec, group, log_root, report_failure, run_on_virtual_clock,
    say_at,
};
use random_support::{Log, check_against_reference, list, number};
use serde_json::Value;

/// A store's action: S0 or S1, with a value.
#[derive(Clone, Debug)]
struct Signal {
    kind: &'static str,
    v: i64,
}

impl Action for Signal {
    fn action_type(&self) -> &str {
        self.kind
    }
}

fn signal_kind(st: &Value) -> &'static str {
    if st["k"].as_u64() == Some(0) {
        "S0"
    } else {
        "S1"
    }
}

/// What one program's sagas share: the log and the tasks forked so far
/// (numbered across the program, so one table serves every body).
#[derive(Clone)]
struct Tree {
    log: Log,
    tasks: Rc<RefCell<HashMap<u64, Task<i64>>>>,
    channels: Rc<Vec<Channel<i64>>>,
}

impl Tree {
    fn channel(&self, st: &Value) -> &Channel<i64> {
        &self.channels[random_support::index(&st["c"])]
    }

    fn task(&self, st: &Value) -> Task<i64> {
        let t = st["t"].as_u64().expect("a task number");
        self.tasks.borrow()[&t].clone()
    }

    /// A part of a race or an `all`: a take (of a channel or the store) or
    /// a fork.
    fn part(&self, p: &Value) -> Effect {
        match p["p"].as_str().expect("a part") {
            "ctake" => self.channel(p).take_effect(),
            "stake" => take_effect::<Signal>(signal_kind(p).into()),
            "cput" => self.channel(p).put_effect(number(&p["v"])),
            "sput" => put_effect(Signal {
                kind: signal_kind(p),
                v: number(&p["v"]),
            }),
            _ => {
                let saga = self.child(p);
                fork_effect(move |()| saga, ())
            }
        }
    }

    /// How a part's value is logged: a message (END for a closed
    /// channel), an action's value, a fork's child.
    fn shown(p: &Value, value: &SagaValue) -> String {
        match p["p"].as_str().expect("a part") {
            "ctake" => match value.downcast_ref::<Option<i64>>() {
                Some(Some(m)) => m.to_string(),
                Some(None) => "END".into(),
                None => panic!("a channel's message"),
            },
            "stake" => value
                .downcast_ref::<Signal>()
                .map(|a| a.v.to_string())
                .expect("an action"),
            "cput" | "sput" => format!("put {}", p["v"]),
            _ => format!("c{}", p["t"]),
        }
    }

    /// The saga of a forked or spawned child.
    fn child(&self, st: &Value) -> impl Saga<Output = i64> + use<> {
        let (tree, g) = (self.clone(), format!("c{}", st["t"]));
        let (body, end) = (list(&st["body"]), number(&st["end"]));
        Gen::new(move |co: SagaCo<i64>| async move {
            exec(&tree, Rc::new(co), g, body).await?;
            Ok(end)
        })
    }
}

impl Body<i64> for Tree {
    fn log(&self) -> &Log {
        &self.log
    }

    fn own(&self, co: Rc<SagaCo<i64>>, g: String, st: Value) -> Block<i64> {
        let tree = self.clone();
        Box::pin(async move {
            let log = &tree.log;
            match st["s"].as_str().expect("a statement") {
                link @ ("fork" | "spawn") => {
                    let saga = tree.child(&st);
                    let task = if link == "fork" {
                        fork(&co, move |()| saga, ()).await?
                    } else {
                        let task = spawn(&co, move |()| saga, ()).await?;
                        report_failure(log, &task.promise());
                        task
                    };
                    let t = st["t"].as_u64().expect("a task number");
                    tree.tasks.borrow_mut().insert(t, task);
                    say_at(log, format!("{g} {link}ed c{t}"));
                }
                "join" => {
                    let v = join(&co, &tree.task(&st)).await?;
                    say_at(log, format!("{g} joined c{} {v}", st["t"]));
                }
                "cancel" => {
                    cancel(&co, &tree.task(&st), Error::msg("cancelled")).await?;
                    say_at(log, format!("{g} cancelled c{}", st["t"]));
                }
                "cancelself" => {
                    co.yield_(cancel_self_effect(Error::msg("cancelled")))
                        .await?;
                    say_at(log, format!("{g} went on after cancelling itself"));
                }
                "cput" => {
                    let v = number(&st["v"]);
                    put_to(&co, tree.channel(&st), v).await?;
                    say_at(log, format!("{g} put {v} to {}", st["c"]));
                }
                "ctake" => {
                    let got = take_from(&co, tree.channel(&st)).await?;
                    let got = got.map_or_else(|| "END".to_owned(), |m| m.to_string());
                    say_at(log, format!("{g} took {got} from {}", st["c"]));
                }
                "sput" => {
                    let (kind, v) = (signal_kind(&st), number(&st["v"]));
                    put(&co, Signal { kind, v }).await?;
                    say_at(log, format!("{g} put {v} as {kind}"));
                }
                "stake" => {
                    let kind = signal_kind(&st);
                    let Signal { v, .. } = take(&co, kind).await?;
                    say_at(log, format!("{g} took {v} as {kind}"));
                }
                "cclose" => {
                    tree.channel(&st).close();
                    say_at(log, format!("{g} closed {}", st["c"]));
                }
                "cget" => {
                    let key = format!("K{}", st["k"]);
                    let v: Option<String> = get_context(&co, key.as_str()).await?;
                    let v = v.unwrap_or_else(|| "undefined".into());
                    say_at(log, format!("{g} read {key} {v}"));
                }
                "cset" => {
                    let key = format!("K{}", st["k"]);
                    set_context(&co, key.as_str(), format!("v{}", st["v"])).await?;
                    say_at(log, format!("{g} set {key}"));
                }
                "group" => {
                    // Its forks' tasks are shown, not kept, as in `fork_trees.js`.
                    let (e, parts) = (st["e"].as_str().expect("all or race"), list(&st["of"]));
                    let got = group(&co, e, &parts, |p| tree.part(p), Tree::shown).await?;
                    say_at(log, format!("{g} {e} gave {got}"));
                }
                other => panic!("unknown statement {other}"),
            }
            Ok(())
        })
    }
}

fn run(program: &Value) -> Vec<String> {
    let body = list(&program["body"]);
    let chans = program["chans"].clone();
    run_on_virtual_clock(move |log| {
        // redux-saga's buffers.none(), expanding(2), dropping(1),
        // sliding(1), fixed(1).
        let buffer = |b: &Value| match b.as_str().expect("a buffer") {
            "none" => Buffer::None,
            "expanding" => Buffer::Expanding(2),
            "dropping" => Buffer::Dropping(1),
            "fixed" => Buffer::Fixed(1),
            _ => Buffer::Sliding(1),
        };
        let channels = list(&chans)
            .iter()
            .map(|b| Channel::new(buffer(b)))
            .collect();
        let tree = Tree {
            log: log.clone(),
            tasks: Rc::default(),
            channels: Rc::new(channels),
        };
        let root = Gen::new(move |co: SagaCo<i64>| async move {
            exec(&tree, Rc::new(co), "m".into(), body).await?;
            Ok(99)
        });
        let store = Store::new((), |(), _: &Signal| {});
        let runtime = Runtime::new()
            .with_store(&store)
            .with_context("K0", "root".to_string());
        log_root(log, &runtime.run("m", root).promise());
    })
}

/// The programs on which redux-saga itself breaks down (see
/// `fork_trees.js`): not compared.
const BROKEN: usize = 0;

#[test]
fn random_fork_trees_log_what_redux_saga_logs() {
    check_against_reference("fork_trees.out", 1000, run, by_time_and_task, &[], BROKEN);
}
