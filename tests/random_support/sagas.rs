//! What the suites checked against redux-saga share: lines stamped with
//! the loop's virtual time, the interpreter of the statements every saga
//! body of theirs has, the root's outcome and failures logged as
//! redux-saga's `onError` and `toPromise()` show them, and the order in
//! which two traces are compared.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use baton::runner::Done;
use baton::saga::{
    Cancelled, Effect, SagaCo, Task, Value as SagaValue, all_keyed, call, cancelled, cps, delay,
    fork, race, run_saga,
};
use baton::{Abrupt, Error, EventLoop, Gen, Promise, now, set_timeout};
use serde_json::Value;

use super::{Log, list, name, number, reported, text, try_statement};

/// How a block of a saga body ends: on to what follows, or abruptly.
pub type Completion<T> = Result<(), Abrupt<Error, T>>;

/// A block of a saga body, running.
pub type Block<T> = Pin<Box<dyn Future<Output = Completion<T>>>>;

/// A suite's saga bodies: [`exec`] runs the statements every suite has
/// (log, call, refuse, delay, throw, cancelled, try), and `own` the
/// suite's own.
pub trait Body<T: 'static>: Clone + 'static {
    fn log(&self) -> &Log;

    /// Runs `st`, a statement of the suite's own, in task `g`.
    fn own(&self, co: Rc<SagaCo<T>>, g: String, st: Value) -> Block<T>;
}

/// `call(answer, v)`: a function that answers at once.
pub fn answer(v: i64) -> Promise<i64> {
    Promise::resolve(v)
}

/// `call(refuse, why)`: a function that refuses at once.
pub fn refuse(why: String) -> Promise<i64> {
    Promise::reject(Error::msg(why))
}

/// `cps(nodeStyle, v, ms, fail)`: a function in Node's callback style,
/// answering `v` (or failing with `fail`) at once, or after `ms` (a timer
/// nothing clears, as redux-saga's cps has no cancel).
fn node_style((v, ms, fail): (i64, u64, Option<String>), done: Done<i64, Error>) {
    let answer = move || done(fail.map_or(Ok(v), |why| Err(Error::msg(why))));
    if ms == 0 {
        answer();
    } else {
        set_timeout(answer, Duration::from_millis(ms));
    }
}

/// The keys of a race's or an `all`'s parts, in order.
const KEYS: [&str; 3] = ["a", "b", "c"];

/// A race or an `all` (`e`) of the effects `part` makes of `parts`, under
/// the keys a, b, c: what each part that gave something gave, as `k=v`
/// (`shown` says how a part's value is logged), as the JavaScript side's
/// `Object.keys(S).filter((k) => k in R)` lists them.
pub async fn group<T>(
    co: &SagaCo<T>,
    e: &str,
    parts: &[Value],
    part: impl Fn(&Value) -> Effect,
    shown: impl Fn(&Value, &SagaValue) -> String,
) -> Result<String, Abrupt<Error, T>> {
    let effects = KEYS.iter().zip(parts).map(|(k, p)| (*k, part(p))).collect();
    let given: Vec<(&str, SagaValue)> = if e == "all" {
        all_keyed(co, effects).await?
    } else {
        vec![race(co, effects).await?]
    };
    let shown = given.iter().map(|(k, v)| {
        let j = KEYS.iter().position(|key| key == k).expect("a key");
        format!("{k}={}", shown(&parts[j], v))
    });
    Ok(shown.collect::<Vec<_>>().join(" "))
}

/// Runs a block of the body of task `g`.
pub fn exec<T: 'static, B: Body<T>>(
    body: &B,
    co: Rc<SagaCo<T>>,
    g: String,
    stmts: Vec<Value>,
) -> Block<T> {
    let body = body.clone();
    Box::pin(async move {
        let log = body.log().clone();
        for st in stmts {
            match st["s"].as_str().expect("a statement") {
                "log" => say_at(&log, format!("{g} at {}", st["id"])),
                "call" => {
                    let v = call(&co, answer, number(&st["v"])).await?;
                    say_at(&log, format!("{g} called {v}"));
                }
                "refuse" => {
                    call(&co, refuse, text(&st["r"])).await?;
                }
                "cps" => {
                    let fail = st["fail"].as_str().map(str::to_owned);
                    let ms = st["ms"].as_u64().unwrap_or(0);
                    let v = cps(&co, node_style, (number(&st["v"]), ms, fail)).await?;
                    say_at(&log, format!("{g} cps gave {v}"));
                }
                "delay" => {
                    let ms = st["ms"].as_u64().expect("a delay");
                    delay(&co, ms).await?;
                    say_at(&log, format!("{g} delayed {ms}"));
                }
                "throw" => return Err(Abrupt::Throw(Error::msg(text(&st["r"])))),
                "cancelled" => {
                    let c = cancelled(&co).await?;
                    say_at(&log, format!("{g} cancelled? {c}"));
                }
                "try" => {
                    let tell = |line| say_at(&log, format!("{g} {line}"));
                    try_statement(&st, tell, name, |stmts| {
                        exec(&body, co.clone(), g.clone(), stmts)
                    })
                    .await?;
                }
                _ => body.own(co.clone(), g.clone(), st).await?,
            }
        }
        Ok(())
    })
}

/// A line of the trace, stamped with the loop's time.
pub fn say_at(log: &Log, line: String) {
    log.borrow_mut()
        .push(format!("{} {line}", now().as_millis()));
}

/// Logs a failure of `promise` as redux-saga's `onError` sees a root
/// task's (the root's, or a spawned task's: `! failed <reason>`); a
/// cancellation is not one.
pub fn report_failure<T: Clone + 'static>(log: &Log, promise: &Promise<T>) {
    let log = log.clone();
    drop(promise.then_else(
        |_| Ok::<(), Error>(()),
        move |e| {
            if !Cancelled::is(&e) {
                say_at(&log, format!("! failed {}", name(&e)));
            }
            Ok::<(), Error>(())
        },
    ));
}

/// Logs how the root task `m` ends, as its `toPromise()` settles in
/// redux-saga (`= m resolved <v>`, or `= m rejected <reason>`; a cancelled
/// task's promise resolves with a symbol), and its failure as `onError`.
pub fn log_root(log: &Log, promise: &Promise<i64>) {
    report_failure(log, promise);
    let (on_value, on_reason) = (log.clone(), log.clone());
    drop(promise.then_else(
        move |v| {
            say_at(&on_value, format!("= m resolved {v}"));
            Ok::<(), Error>(())
        },
        move |e| {
            let line = if Cancelled::is(&e) {
                "= m resolved @@redux-saga/TASK_CANCEL".to_owned()
            } else {
                format!("= m rejected {}", name(&e))
            };
            say_at(&on_reason, line);
            Ok::<(), Error>(())
        },
    ));
}

/// Runs `script` on a virtual clock whose unhandled rejections are logged
/// as failures (`! failed <reason>`), and returns the log.
pub fn run_on_virtual_clock(script: impl FnOnce(&Log) + 'static) -> Vec<String> {
    let log: Log = Log::default();
    let (unhandled, main) = (log.clone(), log.clone());
    EventLoop::virtual_clock()
        .on_unhandled_rejection(move |r| {
            say_at(&unhandled, format!("! failed {}", reported(&r.reason)));
        })
        .run(move || script(&main));
    log.take()
}

/// Lines in order of time, then of task; a task's lines at one instant
/// keep their order. Across tasks at one instant they are a set: baton
/// cancels a halted task's children before its own cleanup runs, where
/// redux-saga runs the parent's first (the saga module's docs list every
/// such difference). The failures reported at one instant (`!`) are a
/// set: redux-saga reports a spawned task's failure even when a joiner
/// takes it over, and baton reports it once, where it ends up.
pub fn by_time_and_task(lines: Vec<String>) -> Vec<String> {
    let mut keyed: Vec<(u64, String, usize, String)> = lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let mut words = line.splitn(3, ' ');
            let time = words.next().and_then(|t| t.parse().ok()).unwrap_or(0);
            let task = words.next().unwrap_or_default().to_owned();
            let order = if task == "!" { 0 } else { i };
            (time, task, order, line)
        })
        .collect();
    keyed.sort();
    keyed.dedup_by(|a, b| a.1 == "!" && a.3 == b.3);
    keyed.into_iter().map(|(.., line)| line).collect()
}

/// The root of the channel suites: forks a worker per body (task `w<k>`,
/// returning `100 + k`, kept in `workers` for the root's cancels), then
/// runs `root` as task `m` (returning 99), logged as redux-saga's root is.
pub fn run_root_with_workers<B: Body<i64>>(
    log: &Log,
    body: B,
    workers: Rc<RefCell<Vec<Task<i64>>>>,
    bodies: Vec<Value>,
    root: Vec<Value>,
) {
    let saga = Gen::new(move |co: SagaCo<i64>| async move {
        let co = Rc::new(co);
        for (k, stmts) in bodies.into_iter().enumerate() {
            let (worker, end) = (body.clone(), 100 + i64::try_from(k).unwrap_or(0));
            let saga = move |()| {
                Gen::new(move |co: SagaCo<i64>| async move {
                    exec(&worker, Rc::new(co), format!("w{k}"), list(&stmts)).await?;
                    Ok(end)
                })
            };
            let task = fork(&co, saga, ()).await?;
            workers.borrow_mut().push(task);
        }
        exec(&body, co.clone(), "m".into(), root).await?;
        Ok(99)
    });
    log_root(log, &run_saga(saga).promise());
}
