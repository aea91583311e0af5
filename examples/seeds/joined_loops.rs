//! `tests/oracle/async_gen/joined_loops.js`: for-await loops over chains
//! of helper stages, run beside each other as `Promise.all` runs async
//! functions: each in a task of its own (a JavaScript async function is a
//! `spawn`), or joined in one task. Joined, each loop owes the task a turn
//! at a time, and the task takes them one a poll, in the order it polls
//! its loops, so no loop's stages run on ahead of another's. (Futures
//! joined in one task that are woken in the same turn go on in the order
//! they are polled, not in the order of their wake-ups: with machines
//! serving the loops, whose deliveries wake the task, one line of the
//! third scenario comes a turn early. `baton::spawn` says more.)

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::Poll;

use baton::async_gen::{AsyncIteratorExt, fall_off};
use baton::promise::all;
use baton::{AsyncGen, Co, Error, Promise, spawn};

use super::async_gen::loop_logging;
use super::js::Log;
use super::promises::{scenario, sleep, ticks};

/// One loop: its name, its generator's count, its stages (0: the
/// generator itself, 1: a map, 2: a map then a filter) and the item it
/// leaves after (0: none).
type Loop = (&'static str, u32, u32, usize);

/// The scenarios of the oracle: a title, ticks queued beside, the loops.
const SCENARIOS: [(&str, usize, &[Loop]); 4] = [
    ("two maps", 0, &[("a", 2, 1, 0), ("b", 2, 1, 0)]),
    (
        "two maps beside ticks",
        3,
        &[("a", 2, 1, 0), ("b", 2, 1, 0)],
    ),
    (
        "map and filter, one left early",
        0,
        &[("a", 4, 2, 1), ("b", 4, 2, 0)],
    ),
    (
        "three loops, each its own depth",
        0,
        &[("a", 2, 0, 0), ("b", 2, 1, 0), ("c", 2, 2, 0)],
    ),
];

/// `async function* count(name, n)`: logs each yield, and its cleanup in
/// a `finally`.
fn count(log: &Log, name: &'static str, n: u32) -> AsyncGen<u32, (), (), Error> {
    let log = log.clone();
    AsyncGen::new(move |co: Co<u32, (), (), Error>| async move {
        let outcome = async {
            for i in 1..=n {
                log.line(format_args!("{name} yields {i}"));
                co.yield_(i).await?;
            }
            fall_off()
        }
        .await;
        log.line(format_args!("{name} cleanup"));
        outcome
    })
}

/// `chain(name, n, stages)`; `shared`: every generator of the chain also
/// held by another handle, so its machine serves its consumer instead of
/// the consumer taking it over.
fn chain(log: &Log, (name, n, stages, _): Loop, shared: bool) -> AsyncGen<u32, (), (), Error> {
    let keep = |g: AsyncGen<u32, (), (), Error>| {
        if shared {
            std::mem::forget(g.clone());
        }
        g
    };
    let mut it = keep(count(log, name, n));
    if stages >= 1 {
        let log = log.clone();
        it = keep(it.map(move |x| {
            log.line(format_args!("{name} map {x}"));
            x * 10
        }));
    }
    if stages >= 2 {
        let log = log.clone();
        it = keep(it.filter(move |x| {
            log.line(format_args!("{name} filter {x}"));
            x % 20 == 0
        }));
    }
    it
}

/// A loop's future, polled by the scenario's task beside the others.
pub type Looped = Pin<Box<dyn Future<Output = Result<(), Error>>>>;

/// `async function loop(name, n, stages, breakAfter)`.
fn looped(log: &Log, spec: Loop, shared: bool) -> Looped {
    let log = log.clone();
    let (name, _, _, break_after) = spec;
    let it = chain(&log, spec, shared);
    Box::pin(async move {
        loop_logging(&log, it, name, break_after).await?;
        log.line(format_args!("{name} ended"));
        Ok(())
    })
}

/// `Promise.all` of futures in one task: each polled in order on every
/// poll of the task until it is done.
pub async fn joined(mut futures: Vec<Looped>) -> Result<(), Error> {
    let mut done = vec![false; futures.len()];
    poll_fn(|cx| {
        for (future, done) in futures.iter_mut().zip(&mut done) {
            if !*done && let Poll::Ready(outcome) = future.as_mut().poll(cx) {
                outcome?;
                *done = true;
            }
        }
        if done.iter().all(|&d| d) {
            Poll::Ready(Ok(()))
        } else {
            Poll::Pending
        }
    })
    .await
}

/// How the scenario's loops run beside each other.
#[derive(Clone, Copy)]
enum Beside {
    /// In one task: one future polling each loop in turn.
    Joined,
    /// Each in a task of its own, as JavaScript's async functions are.
    Spawned,
}

fn joined_loops_of(shared: bool, beside: Beside) -> String {
    scenario(move |log| {
        let log = log.clone();
        spawn(async move {
            for (title, ticks_beside, loops) in SCENARIOS {
                log.line(format_args!("== {title}"));
                Promise::<()>::resolve(()).await?;
                ticks(&log, ticks_beside);
                let loops = loops.iter().map(|&spec| looped(&log, spec, shared));
                match beside {
                    Beside::Joined => joined(loops.collect()).await?,
                    Beside::Spawned => drop(all(loops.map(spawn::<(), Error, _>)).await?),
                }
                log.line("all ended");
                sleep(0).await?;
            }
            Ok::<_, Error>(())
        });
    })
}

/// The loops joined in one task, each holding its chain alone: every
/// stage takes its source over.
pub fn joined_loops() -> String {
    joined_loops_of(false, Beside::Joined)
}

/// Each loop a task of its own, every generator shared with another
/// handle (machines serve the loops).
pub fn joined_loops_spawned_shared() -> String {
    joined_loops_of(true, Beside::Spawned)
}
