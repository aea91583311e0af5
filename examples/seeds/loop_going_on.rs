//! `tests/oracle/async_gen/loop_going_on.js`: a for-await loop over an
//! async generator beside ticks, a microtask its body queues, a body that
//! awaits, a generator that awaits between yields, a promise the body
//! resolves for another async function, an async function awaiting
//! beside, and a loop left early. A loop whose body runs through in the
//! turn that gave it its item takes the turns of its next request in
//! place when nothing would come between; these scenarios pin where
//! something does. Over an `AsyncGen` the loop holds alone, one another
//! handle shares, and a `PinnedAsyncGen`; the async functions beside as
//! tasks of their own, or joined in one task.

use std::ops::ControlFlow;
use std::pin::pin;

use baton::async_gen::{PinnedAsyncGen, fall_off, for_await};
use baton::promise::all;
use baton::{AsyncGen, Error, Promise, Resolver, queue_microtask, spawn};

use super::async_gen::BoxedBody;
use super::joined_loops::{Looped, joined};
use super::js::Log;
use super::promises::{scenario, sleep, ticks};
use super::relayed_turns::awaiter;

/// The item at which the loop's body (or its generator) takes a step of
/// the scenario's; 0: never.
#[derive(Clone, Copy)]
struct Steps {
    queue: u32,
    body_await: u32,
    gen_await: u32,
    resolve: u32,
    leave: u32,
}

const NONE: Steps = Steps {
    queue: 0,
    body_await: 0,
    gen_await: 0,
    resolve: 0,
    leave: 0,
};

/// A title, ticks queued beside, the count, the steps, the awaits of the
/// async function beside.
type Scenario = (&'static str, usize, u32, Steps, u32);

const SCENARIOS: [Scenario; 8] = [
    ("a loop alone", 0, 4, NONE, 0),
    ("beside ticks", 5, 4, NONE, 0),
    (
        "a body that queues a microtask",
        0,
        4,
        Steps { queue: 2, ..NONE },
        0,
    ),
    (
        "a body that awaits",
        0,
        4,
        Steps {
            body_await: 2,
            ..NONE
        },
        0,
    ),
    (
        "a generator that awaits",
        0,
        4,
        Steps {
            gen_await: 3,
            ..NONE
        },
        0,
    ),
    (
        "a promise the body resolves",
        0,
        4,
        Steps { resolve: 2, ..NONE },
        0,
    ),
    ("beside an async function", 0, 4, NONE, 3),
    ("left early", 0, 5, Steps { leave: 2, ..NONE }, 0),
];

/// What the loop goes over.
#[derive(Clone, Copy)]
enum Source {
    /// An `AsyncGen` the loop holds alone (taken over, driven pinned).
    Alone,
    /// An `AsyncGen` another handle shares (its machine serves the loop).
    Shared,
    /// A `PinnedAsyncGen`.
    Pinned,
}

/// `async function* count(n, awaitAt)`, its cleanup in a `finally`
/// (`awaitAt` 0: it never awaits).
pub fn count(log: &Log, n: u32, await_at: u32) -> BoxedBody<u32> {
    let log = log.clone();
    Box::new(move |co| {
        Box::pin(async move {
            let outcome = async {
                for i in 1..=n {
                    if i == await_at {
                        Promise::<()>::resolve(()).await?;
                        log.line(format_args!("count awaited before {i}"));
                    }
                    log.line(format_args!("count yields {i}"));
                    co.yield_(i).await?;
                }
                fall_off()
            }
            .await;
            log.line("count cleanup");
            outcome
        })
    })
}

/// `async function loop(n, s, resolve)`.
async fn looped(
    log: Log,
    n: u32,
    steps: Steps,
    resolver: Resolver<u32>,
    source: Source,
) -> Result<(), Error> {
    let each = async |x: u32| {
        log.line(format_args!("got {x}"));
        if x == steps.queue {
            let log = log.clone();
            queue_microtask(move || log.line(format_args!("queued by the body at {x}")));
        }
        if x == steps.body_await {
            if Promise::<()>::resolve(()).await.is_err() {
                return ControlFlow::Break(());
            }
            log.line(format_args!("the body awaited at {x}"));
        }
        if x == steps.resolve {
            resolver.resolve(x);
        }
        if x == steps.leave {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let body = count(&log, n, steps.gen_await);
    match source {
        Source::Alone => for_await(AsyncGen::new(body), each).await?,
        Source::Shared => {
            let generator = AsyncGen::new(body);
            let _other_handle = generator.clone();
            for_await(generator, each).await?
        }
        Source::Pinned => for_await(pin!(PinnedAsyncGen::new(body)), each).await?,
    };
    log.line("loop ended");
    Ok(())
}

/// `async function waiter(promise, on)`.
async fn waiter(log: Log, promise: Promise<u32>, on: bool) -> Result<(), Error> {
    if on {
        let x = promise.await?;
        log.line(format_args!("waiter got {x}"));
    }
    Ok(())
}

/// The oracle's scenarios over `source`, the async functions `joined` in
/// one task or each a task of its own.
fn loop_going_on_over(source: Source, joined_in_one: bool) -> String {
    scenario(move |log| {
        let log = log.clone();
        spawn(async move {
            for (title, beside, n, steps, awaits) in SCENARIOS {
                log.line(format_args!("== {title}"));
                Promise::<()>::resolve(()).await?;
                ticks(&log, beside);
                let (resolved, resolver) = Promise::<u32>::with_resolver();
                let functions: Vec<Looped> = vec![
                    Box::pin(looped(log.clone(), n, steps, resolver, source)),
                    Box::pin(awaiter(log.clone(), awaits)),
                    Box::pin(waiter(log.clone(), resolved, steps.resolve != 0)),
                ];
                if joined_in_one {
                    joined(functions).await?;
                } else {
                    all(functions.into_iter().map(spawn::<(), Error, _>)).await?;
                }
                log.line("all ended");
                sleep(0).await?;
            }
            Ok::<_, Error>(())
        });
    })
}

pub fn loop_going_on() -> String {
    loop_going_on_over(Source::Alone, false)
}

pub fn loop_going_on_joined() -> String {
    loop_going_on_over(Source::Alone, true)
}

pub fn loop_going_on_pinned_joined() -> String {
    loop_going_on_over(Source::Pinned, true)
}

pub fn loop_going_on_shared() -> String {
    loop_going_on_over(Source::Shared, false)
}
