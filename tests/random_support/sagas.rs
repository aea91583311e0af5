//! What the suites checked against redux-saga share: lines stamped with
//! the loop's virtual time, the root's outcome and failures logged as
//! redux-saga's `onError` and `toPromise()` show them, and the order in
//! which two traces are compared.

use baton::saga::Cancelled;
use baton::{Error, EventLoop, Promise, now};

use super::{Log, name, reported};

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
