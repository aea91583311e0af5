//! A thousand random programs of watchers on baton's saga runtime, each
//! compared with what redux-saga logged running the same sagas under Node
//! (`tests/oracle/random/watchers.out`, made by `watchers.js` there):
//! `take_every`, `take_latest`, `take_leading`, `debounce` and `throttle`
//! on actions dispatched by timers, whose workers wait (or race a take and
//! a delay), call functions that
//! answer or refuse, put actions, read the store, throw, ask whether they
//! are cancelled, catch and clean up; sometimes redux-saga's END ends the
//! store (`Store::end`: the watchers end, their workers go on); at its end
//! the root cancels the watchers, and with them their running workers.
//!
//! Lines are compared per task and instant, as in `random_fork_trees.rs`
//! (`random_support::sagas::by_time_and_task`).

mod random_support;

use std::rc::Rc;
use std::time::Duration;

use baton::saga::{
    Action, BoxSaga, Runtime, Saga, SagaCo, Store, Won, cancel, debounce, delay, delay_effect,
    fork, put, race2, select, take_effect, take_every, take_latest, take_leading, throttle,
};
use baton::{Error, Gen, set_timeout};
use random_support::sagas::{
    Block, Body, by_time_and_task, exec, log_root, run_on_virtual_clock, say_at,
};
use random_support::{Log, check_against_node_by, list, number};
use serde_json::Value;

/// An action: its type (A and B are dispatched from outside, workers put
/// B and C) and its number.
#[derive(Clone, Debug)]
struct Act {
    kind: &'static str,
    n: i64,
}

impl Action for Act {
    fn action_type(&self) -> &str {
        self.kind
    }
}

/// The store: a count of the actions it has seen.
type Counter = Store<u64, Act>;

fn kind(v: &Value) -> &'static str {
    match v.as_str().expect("an action type") {
        "A" => "A",
        "B" => "B",
        "C" => "C",
        other => panic!("unknown action type {other}"),
    }
}

/// The worker of one watcher: its body, run for each action as task
/// `<prefix><n>`.
#[derive(Clone)]
struct Worker {
    log: Log,
    prefix: char,
    body: Rc<Vec<Value>>,
}

impl Worker {
    fn saga(&self, action: Act) -> impl Saga<Output = ()> + use<> {
        let worker = self.clone();
        let g = format!("{}{}", self.prefix, action.n);
        Gen::new(move |co: SagaCo<()>| async move {
            say_at(&worker.log, format!("{g} started"));
            let body = worker.body.to_vec();
            exec(&worker, Rc::new(co), g.clone(), body).await?;
            say_at(&worker.log, format!("{g} ended"));
            Ok(())
        })
    }
}

impl Body<()> for Worker {
    fn log(&self) -> &Log {
        &self.log
    }

    fn own(&self, co: Rc<SagaCo<()>>, g: String, st: Value) -> Block<()> {
        let log = self.log.clone();
        Box::pin(async move {
            match st["s"].as_str().expect("a statement") {
                "put" => {
                    let act = Act {
                        kind: kind(&st["type"]),
                        n: number(&st["v"]),
                    };
                    let what = format!("{}{}", act.kind, act.n);
                    put(&co, act).await?;
                    say_at(&log, format!("{g} put {what}"));
                }
                "select" => {
                    let seen = select(&co, |count: &u64| *count).await?;
                    say_at(&log, format!("{g} selected {seen}"));
                }
                "wait" => {
                    let (what, ms) = (kind(&st["type"]), st["ms"].as_u64().expect("a time"));
                    let got = ("got", take_effect::<Act>(what.into()));
                    let won: Won<Act, ()> = race2(&co, got, ("timeout", delay_effect(ms))).await?;
                    match won {
                        Won::First(act) => say_at(&log, format!("{g} got {what}{}", act.n)),
                        Won::Second(()) => say_at(&log, format!("{g} timed out {ms}")),
                    }
                }
                other => panic!("unknown statement {other}"),
            }
            Ok(())
        })
    }
}

/// The watcher a program describes, with its worker.
fn watcher(log: &Log, w: &Value, prefix: char) -> BoxSaga<()> {
    let worker = Worker {
        log: log.clone(),
        prefix,
        body: Rc::new(list(&w["body"])),
    };
    let work = move |action: Act| worker.saga(action);
    let (pattern, ms) = (kind(&w["type"]), w["ms"].as_u64().unwrap_or(0));
    match w["kind"].as_str().expect("a watcher") {
        "every" => take_every(pattern, work),
        "latest" => take_latest(pattern, work),
        "leading" => take_leading(pattern, work),
        "debounce" => debounce(ms, pattern, work),
        "throttle" => throttle(ms, pattern, work),
        other => panic!("unknown watcher {other}"),
    }
}

/// Logs each C action a worker puts.
fn logger(log: &Log) -> BoxSaga<()> {
    let log = log.clone();
    take_every("C", move |Act { n, .. }| {
        let log = log.clone();
        Gen::new(move |_co: SagaCo<()>| async move {
            say_at(&log, format!("c{n} got C{n}"));
            Ok(())
        })
    })
}

fn run(program: &Value) -> Vec<String> {
    let program = program.clone();
    run_on_virtual_clock(move |log| {
        let store: Counter = Store::new(0, |count, _| *count += 1);
        for d in list(&program["dispatches"]) {
            let (log, store) = (log.clone(), store.clone());
            let at = Duration::from_millis(d["at"].as_u64().expect("a time"));
            if d["type"] == "END" {
                set_timeout(
                    move || {
                        say_at(&log, "d END".into());
                        store.end();
                    },
                    at,
                );
                continue;
            }
            let act = Act {
                kind: kind(&d["type"]),
                n: number(&d["n"]),
            };
            set_timeout(
                move || {
                    say_at(&log, format!("d {}{}", act.kind, act.n));
                    store.dispatch(act);
                },
                at,
            );
        }
        let (main, end) = (log.clone(), program["end"].as_u64().expect("an end"));
        let mut sagas: Vec<BoxSaga<()>> = list(&program["watchers"])
            .iter()
            .zip(['x', 'y'])
            .map(|(w, prefix)| watcher(log, w, prefix))
            .collect();
        sagas.push(logger(log));
        let root = Gen::new(move |co: SagaCo<i64>| async move {
            let mut started = Vec::new();
            for saga in sagas {
                started.push(fork(&co, move |()| saga, ()).await?);
            }
            delay(&co, end).await?;
            say_at(&main, "m ends".into());
            for task in &started {
                cancel(&co, task, Error::msg("cancelled")).await?;
            }
            say_at(&main, "m cancelled the watchers".into());
            Ok(99)
        });
        let runtime = Runtime::new().with_store(&store);
        log_root(log, &runtime.run("m", root).promise());
    })
}

#[test]
fn random_watchers_log_what_redux_saga_logs() {
    check_against_node_by("watchers.out", 1000, run, by_time_and_task, &[]);
}
