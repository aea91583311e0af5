//! What the random-program suites share: reading a program, naming a
//! reason as JavaScript prints it, the loop with its rejection reports,
//! the promises a program makes up front, the interpreter of generator
//! and async generator bodies, and checking every program of a file
//! against Node's trace.

#![allow(dead_code)] // each suite uses its own part

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::path::Path;
use std::rc::Rc;

use baton::Error;
use baton::async_gen::PinnedAsyncGen;
use serde_json::Value;

pub mod saga_calls;
pub mod sagas;
pub mod stages;

/// A program's log.
pub type Log = Rc<RefCell<Vec<String>>>;

pub fn say(log: &Log, line: String) {
    log.borrow_mut().push(line);
}

pub fn number(v: &Value) -> i64 {
    v.as_i64().expect("a number")
}

pub fn index(v: &Value) -> usize {
    usize::try_from(v.as_u64().expect("an index")).expect("a small index")
}

pub fn text(v: &Value) -> String {
    v.as_str().expect("a string").to_owned()
}

pub fn list(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

/// What a promise resolved with itself rejects with (JavaScript's
/// `TypeError`, worded by each engine its own way).
const CYCLE: &str = "resolved with itself";

/// What redux-saga throws for a put to a full fixed buffer, printed.
pub const OVERFLOW: &str = "Error: Channel's Buffer overflow!";

/// A reason as the JavaScript side prints it.
pub fn name(reason: &Error) -> String {
    if reason.downcast_ref::<baton::saga::Overflow>().is_some() {
        return OVERFLOW.into();
    }
    let text = reason
        .message()
        .map_or_else(|| reason.to_string(), str::to_owned);
    if text.contains(CYCLE) {
        "cycle".into()
    } else {
        text
    }
}

/// A reported reason (its `Debug` form) as the JavaScript side prints it.
pub fn reported(debug: &str) -> String {
    if debug.contains("Aggregate") {
        return "aggregate".into();
    }
    if debug.contains(CYCLE) {
        return "cycle".into();
    }
    debug
        .split('"')
        .nth(1)
        .map_or_else(|| debug.to_owned(), str::to_owned)
}

/// Runs every program of `tests/oracle/random/<file>` (a line `== <program
/// as JSON>`, then Node's trace) with `run`, and fails listing each program
/// whose log differs from Node's.
pub fn check_against_node(file: &str, count: usize, run: impl Fn(&Value) -> Vec<String>) {
    check_against_node_by(file, count, run, |lines| lines, &[]);
}

/// The same, for the programs `include` picks only (the others are read,
/// not run).
pub fn check_against_node_where(
    file: &str,
    count: usize,
    run: impl Fn(&Value) -> Vec<String>,
    include: impl Fn(&Value) -> bool,
) {
    check_against_node(file, count, |program| {
        if include(program) {
            run(program)
        } else {
            SKIPPED.with(|s| s.set(true));
            Vec::new()
        }
    });
}

thread_local! {
    /// Whether an async body's `yield*` delegates to a `PinnedAsyncGen`
    /// pinned in it rather than to an `AsyncGen`.
    static DELEGATE_PINNED: Cell<bool> = const { Cell::new(false) };
}

/// From now on, on this thread, an async body's `yield*` delegates to a
/// generator pinned in the body (`PinnedAsyncGen`), not to an `AsyncGen`.
pub fn delegate_to_pinned() {
    DELEGATE_PINNED.with(|d| d.set(true));
}

thread_local! {
    /// Set by a run `check_against_node_where` left out.
    static SKIPPED: Cell<bool> = const { Cell::new(false) };
}

/// The same, comparing the logs as `normalize` orders them; the programs
/// numbered in `known` are known to differ (each with the reason), and
/// must.
pub fn check_against_node_by(
    file: &str,
    count: usize,
    run: impl Fn(&Value) -> Vec<String>,
    normalize: impl Fn(Vec<String>) -> Vec<String>,
    known: &[(usize, &str)],
) {
    check_against_reference(file, count, run, normalize, known, 0);
}

/// What a trace says where the reference itself broke down (an exception
/// escaped the JavaScript library under test): nothing to compare with.
pub const REFERENCE_BROKE: &str = "!! ";

/// The same, where the reference broke down on exactly `broken` programs
/// (their traces hold a line starting with [`REFERENCE_BROKE`]); those are
/// not compared.
pub fn check_against_reference(
    file: &str,
    count: usize,
    run: impl Fn(&Value) -> Vec<String>,
    normalize: impl Fn(Vec<String>) -> Vec<String>,
    known: &[(usize, &str)],
    broken: usize,
) {
    // A soak run (`tests/oracle/soak.sh`) reads programs of other seeds
    // from its own directory: their numbers and count are not the
    // committed file's, so the known differences and counts do not apply.
    let soak = std::env::var_os("BATON_SOAK_DIR");
    let known = if soak.is_some() { &[][..] } else { known };
    let path = soak
        .map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/random"),
            std::path::PathBuf::from,
        )
        .join(file);
    let text = std::fs::read_to_string(&path).expect("the programs and Node's traces");
    let mut programs = 0;
    let mut skipped = 0;
    let mut failures = Vec::new();
    for block in text.split("== ").filter(|b| !b.is_empty()) {
        let (program, trace) = block.split_once('\n').expect("a program line");
        let program: Value = serde_json::from_str(program).expect("a program");
        if trace.lines().any(|l| l.contains(REFERENCE_BROKE)) {
            skipped += 1;
            programs += 1;
            continue;
        }
        let expected = normalize(trace.lines().map(str::to_owned).collect());
        let actual = normalize(run(&program));
        if SKIPPED.with(|s| s.replace(false)) {
            programs += 1;
            continue;
        }
        let known_to_differ = known.iter().any(|&(n, _)| n == programs);
        if known_to_differ && actual == expected {
            failures.push(format!(
                "program {programs} is listed as differing, and no longer does"
            ));
        } else if !known_to_differ && actual != expected {
            failures.push(format!(
                "program {programs}: {program}\n  node:  {expected:?}\n  baton: {actual:?}"
            ));
        }
        programs += 1;
    }
    if std::env::var_os("BATON_SOAK_DIR").is_none() {
        assert_eq!(programs, count, "{file}: programs read");
        assert_eq!(
            skipped, broken,
            "{file}: programs where the reference broke"
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {programs} programs of {file} differ from Node:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A `try` statement of a generator body: its block, then its `catch`
/// block for a throw, then its `finally` block, whose abrupt completion
/// wins. `run` runs a block; `tell` logs a line of the statement's own;
/// `describe` prints a thrown reason.
pub async fn try_statement<E, T, F>(
    st: &Value,
    tell: impl Fn(String),
    describe: impl Fn(&E) -> String,
    run: impl Fn(Vec<Value>) -> F,
) -> Result<(), baton::Abrupt<E, T>>
where
    F: std::future::Future<Output = Result<(), baton::Abrupt<E, T>>>,
{
    let id = &st["id"];
    let mut done = run(list(&st["body"])).await;
    if let (Err(baton::Abrupt::Throw(e)), Some(handler)) = (&done, st.get("catch")) {
        tell(format!("catch {id} caught {}", describe(e)));
        done = run(list(handler)).await;
    }
    if let Some(cleanup) = st.get("finally") {
        tell(format!("finally {id}"));
        run(list(cleanup)).await?;
    }
    done
}

/// The promises a program makes up front (`promiseTable` in `_random.js`):
/// fulfilled, rejected, or settled by a 0 ms timer that logs it.
pub fn make_promises(log: &Log, table: &Value) -> Vec<baton::Promise<i64, Error>> {
    use baton::Promise;
    list(table)
        .into_iter()
        .map(|p| match p["k"].as_str().expect("a kind") {
            "resolved" => Promise::resolve(number(&p["v"])),
            "rejected" => Promise::reject(Error::msg(text(&p["r"]))),
            _ => {
                let (promise, resolver) = Promise::with_resolver();
                let log = log.clone();
                baton::set_timeout(
                    move || {
                        say(&log, "timer settles".into());
                        if p["ok"] == true {
                            resolver.resolve(number(&p["v"]));
                        } else {
                            resolver.reject(Error::msg(text(&p["r"])));
                        }
                    },
                    std::time::Duration::ZERO,
                );
                promise
            }
        })
        .collect()
}

/// The promises a program made up front, shared by its runs.
pub type Promises = Rc<Vec<baton::Promise<i64, Error>>>;

/// Starts each of `runs` with `start`: at once, or from a 0 ms timer when
/// its `when` says so.
pub fn start_runs(
    log: &Log,
    promises: &Promises,
    runs: &Value,
    start: fn(&Log, &Promises, &Value),
) {
    for g in list(runs) {
        if g["when"] == "sync" {
            start(log, promises, &g);
        } else {
            let (log, promises) = (log.clone(), promises.clone());
            baton::set_timeout(
                move || start(&log, &promises, &g),
                std::time::Duration::ZERO,
            );
        }
    }
}

/// Runs `script` on a virtual-clock loop that logs its unhandled and
/// late-handled rejections as the JavaScript side does; returns the log.
pub fn run_logged(script: impl FnOnce(&Log) + 'static) -> Vec<String> {
    let log: Log = Rc::default();
    let (unhandled, handled, main) = (log.clone(), log.clone(), log.clone());
    baton::EventLoop::virtual_clock()
        .on_unhandled_rejection(move |r| {
            say(&unhandled, format!("unhandled {}", reported(&r.reason)));
        })
        .on_rejection_handled(move |r| {
            say(&handled, format!("handled later {}", reported(&r.reason)));
        })
        .run(move || script(&main));
    log.take()
}

/// How a block of a generator body ends.
pub type Completion = Result<(), baton::Abrupt<Error, i64>>;

/// What a generator body's blocks share: its `Co`, the log, and the
/// promises made up front.
#[derive(Clone)]
pub struct Body {
    pub co: Rc<baton::Co<i64, i64, i64, Error>>,
    pub log: Log,
    pub promises: Rc<Vec<baton::Promise<i64, Error>>>,
}

/// Runs a block of a generator body, synchronous or async, as
/// `generators.js` and `async_generators.js` compile it: a `return` is an
/// abrupt completion that runs the `finally` blocks on its way out, as the
/// protocol's `return(v)` does.
pub fn exec(body: Body, stmts: Vec<Value>) -> std::pin::Pin<Box<dyn Future<Output = Completion>>> {
    use baton::{Abrupt, Co, Gen};
    Box::pin(async move {
        let Body { co, log, promises } = body.clone();
        for st in stmts {
            match st["s"].as_str().expect("a statement") {
                "yield" => {
                    let got = co.yield_(number(&st["v"])).await?;
                    say(&log, format!("got {got}"));
                }
                "yieldp" => {
                    let yielded = promises[index(&st["p"])].clone();
                    let got = co.yield_promise(yielded).await?;
                    say(&log, format!("got {got}"));
                }
                "await" => {
                    let awaited = promises[index(&st["p"])].clone();
                    let value = awaited.await.map_err(Abrupt::Throw)?;
                    say(&log, format!("awaited {value}"));
                }
                "throw" => return Err(Abrupt::Throw(Error::msg(text(&st["r"])))),
                "return" => return Err(Abrupt::Return(number(&st["v"]))),
                "log" => say(&log, format!("at {}", st["id"])),
                "try" => {
                    let tell = |line| say(&body.log, line);
                    try_statement(&st, tell, name, |stmts| exec(body.clone(), stmts)).await?;
                }
                "delegate" => {
                    let (inner_log, inner_promises) = (log.clone(), promises.clone());
                    let stmts = list(&st["body"]);
                    let inner = Gen::new(move |inner_co: Co<i64, i64, i64, Error>| async move {
                        let inner = Body {
                            co: Rc::new(inner_co),
                            log: inner_log,
                            promises: inner_promises,
                        };
                        exec(inner, stmts).await?;
                        unreachable!("an inner body ends with a return")
                    });
                    let returned = co.yield_from(inner).await?;
                    say(&log, format!("delegate {} returned {returned}", st["id"]));
                }
                "idelegate" => {
                    let all = list(&st["ps"])
                        .iter()
                        .map(|p| promises[index(p)].clone())
                        .collect::<Vec<_>>();
                    co.yield_from_iter(baton::async_gen::promises(all)).await?;
                    say(&log, format!("delegate {} returned undefined", st["id"]));
                }
                "adelegate" => {
                    let (inner_log, inner_promises) = (log.clone(), promises.clone());
                    let (stmts, end) = (list(&st["body"]), number(&st["end"]));
                    let inner_body = move |inner_co: Co<i64, i64, i64, Error>| async move {
                        let inner = Body {
                            co: Rc::new(inner_co),
                            log: inner_log,
                            promises: inner_promises,
                        };
                        exec(inner, stmts).await?;
                        Ok(end)
                    };
                    let returned = if DELEGATE_PINNED.with(Cell::get) {
                        let mut inner = std::pin::pin!(PinnedAsyncGen::new(inner_body));
                        co.yield_from_async(inner.as_mut()).await?
                    } else {
                        co.yield_from_async(baton::AsyncGen::new(inner_body))
                            .await?
                    };
                    // A for-await loop that breaks closes with
                    // `return(T::default())`, where JavaScript's sends
                    // `undefined`: the one return value of 0 these bodies
                    // see, which an inner body's cleanup may hand back.
                    let returned = match returned {
                        0 => "undefined".to_string(),
                        n => n.to_string(),
                    };
                    say(&log, format!("delegate {} returned {returned}", st["id"]));
                }
                other => panic!("unknown statement {other}"),
            }
        }
        Ok(())
    })
}

/// An async generator body's handle, in the random programs.
pub type AsyncCo = baton::Co<i64, i64, i64, Error>;

/// An async generator body, boxed for either kind of generator.
pub type AsyncBody = std::pin::Pin<Box<dyn Future<Output = baton::Outcome<i64, Error>>>>;

/// The async generator body a program of `async_generators.js` describes
/// (its promises made now), for an `AsyncGen` or a `PinnedAsyncGen`.
pub fn async_body(log: &Log, program: &Value) -> impl FnOnce(AsyncCo) -> AsyncBody + use<> {
    let promises = Rc::new(make_promises(log, &program["promises"]));
    let (log, stmts, end) = (log.clone(), list(&program["body"]), number(&program["end"]));
    move |co| {
        Box::pin(async move {
            let scope = Body {
                co: Rc::new(co),
                log,
                promises,
            };
            exec(scope, stmts).await?;
            Ok(end)
        })
    }
}

/// `n` chained `then` links, each logging its turn (`<label>tick i`).
pub fn ticks(log: &Log, label: &str, n: u64) {
    let mut chain = baton::Promise::<(), Error>::resolve(());
    for i in 1..=n {
        let (log, label) = (log.clone(), label.to_owned());
        chain = chain.map(move |()| say(&log, format!("{label}tick {i}")));
    }
}

/// A generator driven by `run()` or `run_cancellable`: it yields promises.
pub type RunCo = baton::Co<baton::Promise<i64, Error>, i64, i64, Error>;

/// What the blocks of a body driven by `run()` share: its `Co`, the log,
/// the promises made up front, what starts each line it logs, and the
/// token it checks, if it has one.
#[derive(Clone)]
pub struct RunBody {
    pub co: Rc<RunCo>,
    pub log: Log,
    pub promises: Rc<Vec<baton::Promise<i64, Error>>>,
    pub prefix: String,
    pub token: Option<baton::runner::CancellationToken>,
}

/// Runs a block of a body driven by `run()`, as `runner.js` and
/// `cancellable.js` compile it.
pub fn exec_run(
    body: RunBody,
    stmts: Vec<Value>,
) -> std::pin::Pin<Box<dyn Future<Output = Completion>>> {
    use baton::{Abrupt, Promise};
    Box::pin(async move {
        let g = &body.prefix;
        for st in stmts {
            match st["s"].as_str().expect("a statement") {
                "yield" => {
                    let yielded = body.promises[index(&st["p"])].clone();
                    let got = body.co.yield_(yielded).await?;
                    say(&body.log, format!("{g}got {got}"));
                }
                "fresh" => {
                    let got = body.co.yield_(Promise::resolve(number(&st["v"]))).await?;
                    say(&body.log, format!("{g}got {got}"));
                }
                "ticks" => ticks(
                    &body.log,
                    &format!("{g}{} ", st["id"]),
                    st["n"].as_u64().expect("a count"),
                ),
                "check" => {
                    let token = body.token.as_ref().expect("a cancellable run");
                    token.throw_if_cancelled().map_err(Abrupt::Throw)?;
                }
                "throw" => return Err(Abrupt::Throw(Error::msg(text(&st["r"])))),
                "log" => say(&body.log, format!("{g}at {}", st["id"])),
                "try" => {
                    let tell = |line| say(&body.log, format!("{g}{line}"));
                    try_statement(&st, tell, name, |stmts| exec_run(body.clone(), stmts)).await?;
                }
                other => panic!("unknown statement {other}"),
            }
        }
        Ok(())
    })
}

/// Logs how `promise` settles: `<prefix>resolved <v>` or `<prefix>rejected
/// <reason>`.
pub fn log_settled<T>(log: &Log, promise: &baton::Promise<T, Error>, prefix: &str)
where
    T: std::fmt::Display + Clone + 'static,
{
    let (on_value, on_reason) = (log.clone(), log.clone());
    let (p1, p2) = (prefix.to_owned(), prefix.to_owned());
    drop(promise.then_else(
        move |v| {
            say(&on_value, format!("{p1}resolved {v}"));
            Ok::<(), Error>(())
        },
        move |e| {
            say(&on_reason, format!("{p2}rejected {}", name(&e)));
            Ok::<(), Error>(())
        },
    ));
}

/// A for-await loop body that logs each item as `<label> <item>` and
/// breaks after `break_after` items (never, if 0).
pub fn counting_body<T: std::fmt::Display>(
    log: &Log,
    label: String,
    break_after: u64,
) -> impl AsyncFnMut(T) -> std::ops::ControlFlow<()> {
    let log = log.clone();
    let mut seen = 0;
    async move |item: T| {
        say(&log, format!("{label} {item}"));
        seen += 1;
        if seen == break_after {
            std::ops::ControlFlow::Break(())
        } else {
            std::ops::ControlFlow::Continue(())
        }
    }
}
