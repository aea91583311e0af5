//! `tests/oracle/async_gen/relayed_turns.js`: a for-await loop over a
//! chain of helper stages (`map`, `filter`, `batch`), beside ticks, a
//! microtask a stage's function queues, another async function that
//! awaits, and a loop left early. Each stage takes its source over, and a
//! stage's fresh request to its source takes its turns in place when
//! nothing would come between; these scenarios pin where something does.

use baton::async_gen::AsyncIteratorExt;
use baton::promise::all;
use baton::{AsyncGen, Error, Promise, queue_microtask, spawn};

use super::async_gen::loop_showing;
use super::js::Log;
use super::promises::{scenario, sleep, ticks};

/// A scenario: its title, ticks queued beside, the count, the item whose
/// map queues a microtask (0: none), the batch the loop leaves after (0:
/// none) and the awaits of the async function beside.
type Scenario = (&'static str, usize, u32, u32, usize, u32);

const SCENARIOS: [Scenario; 5] = [
    ("a chain alone", 0, 5, 0, 0, 0),
    ("beside ticks", 6, 5, 0, 0, 0),
    ("a map that queues a microtask", 0, 5, 2, 0, 0),
    ("left early", 0, 6, 0, 1, 0),
    ("beside an async function", 0, 5, 0, 0, 4),
];

/// `async function* count(n)`, its cleanup in a `finally`: the one of
/// `loop_going_on`, never awaiting.
fn count(log: &Log, n: u32) -> AsyncGen<u32, (), (), Error> {
    AsyncGen::new(super::loop_going_on::count(log, n, 0))
}

/// `batch(asyncFilter(asyncMap(count(n), …), …), 2)`.
fn chain(log: &Log, n: u32, queue_at: u32) -> AsyncGen<Vec<u32>, (), (), Error> {
    let (map_log, filter_log) = (log.clone(), log.clone());
    count(log, n)
        .map(move |x| {
            map_log.line(format_args!("map {x}"));
            if x == queue_at {
                let log = map_log.clone();
                queue_microtask(move || log.line(format_args!("queued by map {x}")));
            }
            x * 10
        })
        .filter(move |x| {
            filter_log.line(format_args!("filter {x}"));
            *x != 30
        })
        .batch(2)
}

/// `async function loop(n, queueAt, breakAfter)`.
async fn looped(log: Log, n: u32, queue_at: u32, break_after: usize) -> Result<(), Error> {
    loop_showing(&log, chain(&log, n, queue_at), break_after, |batch| {
        // As JavaScript prints an array in a template: `10,20`.
        let shown: Vec<String> = batch.iter().map(u32::to_string).collect();
        format!("got [{}]", shown.join(","))
    })
    .await?;
    log.line("loop ended");
    Ok(())
}

/// `async function awaiter(n)`: an async function awaiting beside.
pub async fn awaiter(log: Log, n: u32) -> Result<(), Error> {
    for i in 1..=n {
        Promise::<()>::resolve(()).await?;
        log.line(format_args!("awaiter {i}"));
    }
    Ok(())
}

pub fn relayed_turns() -> String {
    scenario(move |log| {
        let log = log.clone();
        spawn(async move {
            for (title, beside, n, queue_at, break_after, awaits) in SCENARIOS {
                log.line(format_args!("== {title}"));
                Promise::<()>::resolve(()).await?;
                ticks(&log, beside);
                let looped = spawn(looped(log.clone(), n, queue_at, break_after));
                let beside = spawn(awaiter(log.clone(), awaits));
                all([looped, beside]).await?;
                log.line("all ended");
                sleep(0).await?;
            }
            Ok::<_, Error>(())
        });
    })
}
