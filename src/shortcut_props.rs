//! Three shortcuts must be unobservable: going on at once
//! (`event_loop::may_go_on_at_once`); an async generator's direct answer to
//! a consumer on the loop, which stands in for the promise `next()` returns
//! (`async_gen/direct.rs`); and a waiter queueing itself on a promise that
//! has already settled instead of subscribing to it (`run()`'s driver, a
//! saga's effect; `all` over promises, or a saga's `all`, taking the turns
//! of those settled in one job; `race` and `any` leaving the inputs after
//! a deciding one unsubscribed: `promise::may_skip_subscribing`). Random
//! scenarios of awaits (one or two a poll, of promises pending when
//! awaited — a task, a run or a saga resumed by a promise's reaction goes
//! on at once after it too — or of `all`, `all_settled`, `race` and `any`
//! over settled, pending and rejected promises), `run()`s, for-await loops
//! (alone, over a chain of stages whose function takes side steps, or two
//! over stages joined in one task), a source's
//! `next()` polled beside a neighbour or dropped after one poll, and sagas
//! taking settled steps or gathering settled and pending calls with `all`
//! (some of them rejected and caught, some loops stopping early, a
//! for-await source's cleanup awaiting), beside microtasks,
//! `then`s, lost rejections, timers and walkers started midway, log the
//! same lines, reports of unhandled rejections included, with every
//! shortcut, with none, and with each added in turn. The `*_runs_on`
//! oracles pin one such scenario to Node's order, and
//! `tests/await_order.rs` holds awaits alone to a model of the queue; this
//! checks the shortcuts everywhere they are taken, against the loop
//! without them.

use std::cell::RefCell;
use std::future::{Future, poll_fn};
use std::ops::ControlFlow;
use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use proptest::prelude::*;

use crate::async_gen::{AsyncIterator, AsyncIteratorExt, NEVER_DIRECT, for_await};
use crate::event_loop::NEVER_GO_ON;
use crate::promise::ALWAYS_SUBSCRIBE;
use crate::runner::run;
use crate::saga::{Effect, SagaCo, all, call, call_effect, delay, run_saga};
use crate::{
    Abrupt, AsyncGen, Co, Error, EventLoop, Gen, Promise, queue_microtask, set_timeout, spawn,
};

type Log = Rc<RefCell<Vec<String>>>;

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Awaits of settled promises; on even steps, first one of a promise
    /// still pending (it fulfils a turn later, and on every fourth step
    /// another task awaits it too, first): the task resumed by the
    /// promise's reaction, alone in its microtask or not.
    Await,
    /// Two awaits in one poll of its task (`join!`).
    Join,
    /// An await of `all` (or, every third step, `all_settled`; on some
    /// others, `race` or `any`, the inputs reversed on some) over promises
    /// settled, pending (every other step) and (at `catch_at`) rejected.
    All,
    Run,
    ForAwait,
    /// Two for-await loops, each over a `map` of a source, joined in one
    /// task (one future polling both in turn): each owes the task a turn
    /// at a time, and neither may take the turns after its own in place
    /// ahead of the other's.
    JoinedLoops,
    /// A for-await loop over a chain of helper stages (`map`, whose
    /// function logs and takes the walker's side steps, `filter` and
    /// `batch`): a stage's fresh request to its source takes its turns in
    /// place only when nothing comes between.
    Stages,
    /// A source's `next()` polled in one poll with a neighbour that logs
    /// and queues a microtask after it.
    NextBeside,
    /// A source's `next()` polled once and dropped, a microtask queued,
    /// then another `next()`.
    NextDropped,
    Saga,
    /// A saga gathering calls with `all`: fulfilled ones (some that log
    /// and queue a microtask as they are called), one pending, one
    /// rejected at `catch_at`.
    SagaAll,
}

/// What a walker does after one of its steps, beside logging it.
#[derive(Debug, Clone)]
enum Side {
    Microtask,
    Then,
    Start(Kind, u32),
    /// A rejected promise nobody handles: reported after the checkpoint.
    LoseRejection,
}

#[derive(Debug, Clone)]
struct Walker {
    kind: Kind,
    /// `None`: started by the script; `Some(ms)`: by a timer.
    timer: Option<u64>,
    plan: Plan,
}

fn note(log: &Log, line: String) {
    log.borrow_mut().push(line);
}

/// What walker `name` does after step `i`.
fn side_steps(log: &Log, name: &str, i: u32, sides: &[(u32, Side)]) {
    for (n, (at, side)) in sides.iter().enumerate() {
        if *at != i {
            continue;
        }
        match side {
            Side::Microtask => {
                let (log, name) = (log.clone(), name.to_string());
                queue_microtask(move || note(&log, format!("microtask of {name}")));
            }
            Side::Then => {
                let (log, name) = (log.clone(), name.to_string());
                Promise::<()>::resolve(()).map(move |()| note(&log, format!("then of {name}")));
            }
            Side::LoseRejection => {
                drop(Promise::<u32>::reject(Error::msg(format!(
                    "lost by {name}"
                ))));
            }
            Side::Start(kind, steps) => {
                let plan = Plan {
                    steps: *steps,
                    ..Plan::default()
                };
                start(log, *kind, format!("{name}.{n}"), Rc::new(plan));
            }
        }
    }
}

/// What a walker does: `steps` settled steps, with `sides` after some of
/// them; at step `catch_at` it also takes a rejected step and catches the
/// error; after step `stop_at` it stops early (a for-await loop breaks,
/// and its source's cleanup awaits before it logs).
#[derive(Debug, Clone, Default)]
struct Plan {
    steps: u32,
    sides: Vec<(u32, Side)>,
    catch_at: Option<u32>,
    stop_at: Option<u32>,
}

/// A for-await body's answer: leave the loop if `stop`.
fn stop_if(stop: bool) -> ControlFlow<()> {
    if stop {
        ControlFlow::Break(())
    } else {
        ControlFlow::Continue(())
    }
}

fn boom() -> Error {
    Error::msg("boom")
}

fn caught(log: &Log, name: &str, outcome: Result<u32, Error>) {
    match outcome {
        Err(e) => note(log, format!("{name} caught {e}")),
        Ok(v) => note(log, format!("{name} not rejected: {v}")),
    }
}

/// A step thrown into a generator, caught as `caught` catches it; a
/// forced return goes on out.
fn caught_thrown<T>(
    log: &Log,
    name: &str,
    step: Result<u32, Abrupt<Error, T>>,
) -> Result<(), Abrupt<Error, T>> {
    match step {
        Err(Abrupt::Throw(e)) => caught(log, name, Err(e)),
        Err(closing) => return Err(closing),
        Ok(v) => caught(log, name, Ok(v)),
    }
    Ok(())
}

/// `n` settled values, yielded one by one (the even ones after an await);
/// closed early, its cleanup awaits, then logs.
fn count(n: u32, log: Log, name: String) -> AsyncGen<u32, (), (), Error> {
    AsyncGen::new(move |co: Co<u32, (), (), Error>| async move {
        let outcome = async {
            for i in 1..=n {
                if i % 2 == 0 {
                    // Resumed by the promise, it yields in a turn of its own.
                    Promise::<()>::resolve(()).await?;
                }
                if i % 3 == 0 {
                    // Pending when awaited: resumed by its reaction.
                    Promise::<()>::resolve(()).map(|()| ()).await?;
                }
                note(&log, format!("{name} yields {i}"));
                co.yield_(i).await?;
            }
            Ok(())
        }
        .await;
        if let Err(Abrupt::Return(())) = outcome {
            Promise::<()>::resolve(()).await?;
            note(&log, format!("{name} source closed"));
        }
        outcome
    })
}

/// Starts walker `name` of `kind`.
fn start(log: &Log, kind: Kind, name: String, plan: Rc<Plan>) {
    let log = log.clone();
    match kind {
        Kind::Await => {
            spawn(async move {
                for i in 1..=plan.steps {
                    if i % 2 == 0 {
                        let later = Promise::<()>::resolve(()).map(move |()| 10 * i);
                        if i % 4 == 0 {
                            let (log, name, later) = (log.clone(), name.clone(), later.clone());
                            spawn(async move {
                                let v = later.await?;
                                note(&log, format!("{name}'s listener heard {v}"));
                                Promise::<()>::resolve(()).await?;
                                note(&log, format!("{name}'s listener went on"));
                                Ok::<_, Error>(())
                            });
                        }
                        let v = later.await?;
                        note(&log, format!("{name} woke with {v}"));
                    }
                    let v = Promise::<u32>::resolve(i).await?;
                    note(&log, format!("{name} awaited {v}"));
                    side_steps(&log, &name, i, &plan.sides);
                    if plan.catch_at == Some(i) {
                        caught(&log, &name, Promise::<u32>::reject(boom()).await);
                    }
                    if plan.stop_at == Some(i) {
                        break;
                    }
                }
                note(&log, format!("{name} done"));
                Ok::<_, Error>(())
            });
        }
        Kind::All => {
            spawn(async move {
                for i in 1..=plan.steps {
                    let inputs = inputs(i, plan.catch_at == Some(i));
                    if i.is_multiple_of(3) {
                        let outcomes = crate::promise::all_settled(inputs).await?;
                        let shown: Vec<_> = outcomes.iter().map(|o| o.as_ref().ok()).collect();
                        note(&log, format!("{name} settled {shown:?}"));
                    } else if i % 5 == 2 || i % 5 == 1 || i.is_multiple_of(4) {
                        // `any` on some steps, `race` on others; the inputs
                        // reversed on even steps, so a rejection or a
                        // pending input may come before the settled ones.
                        let mut inputs = inputs;
                        if i.is_multiple_of(2) {
                            inputs.reverse();
                        }
                        let first = if i % 5 == 2 {
                            let value = crate::promise::any(inputs).await;
                            value
                                .map(|v| format!("got any {v}"))
                                .map_err(|e| e.to_string())
                        } else {
                            let value = crate::promise::race(inputs).await;
                            value
                                .map(|v| format!("raced {v}"))
                                .map_err(|e| e.to_string())
                        };
                        match first {
                            Ok(line) => note(&log, format!("{name} {line}")),
                            Err(e) => note(&log, format!("{name} caught {e}")),
                        }
                    } else {
                        match crate::promise::all(inputs).await {
                            Ok(values) => note(&log, format!("{name} gathered {values:?}")),
                            Err(e) => note(&log, format!("{name} caught {e}")),
                        }
                    }
                    side_steps(&log, &name, i, &plan.sides);
                    if plan.stop_at == Some(i) {
                        break;
                    }
                }
                note(&log, format!("{name} done"));
                Ok::<_, Error>(())
            });
        }
        Kind::Join => {
            spawn(async move {
                for i in 1..=plan.steps {
                    let (a, b) =
                        tokio::join!(Promise::<u32>::resolve(i), Promise::<u32>::resolve(10 * i));
                    note(&log, format!("{name} joined {} and {}", a?, b?));
                    side_steps(&log, &name, i, &plan.sides);
                    if plan.catch_at == Some(i) {
                        let (a, b) = tokio::join!(
                            Promise::<u32>::reject(boom()),
                            Promise::<u32>::resolve(i)
                        );
                        caught(&log, &name, a.and(b));
                    }
                    if plan.stop_at == Some(i) {
                        break;
                    }
                }
                note(&log, format!("{name} done"));
                Ok::<_, Error>(())
            });
        }
        Kind::Run => {
            run(Gen::new(
                move |co: Co<Promise<u32>, u32, (), Error>| async move {
                    for i in 1..=plan.steps {
                        if i % 2 == 0 {
                            // Pending when yielded: its reaction resumes
                            // the run, alone in its microtask.
                            let later = Promise::<()>::resolve(()).map(move |()| 10 * i);
                            let v = co.yield_(later).await?;
                            note(&log, format!("{name} woke with {v}"));
                        }
                        let v = co.yield_(Promise::resolve(i)).await?;
                        note(&log, format!("{name} got {v}"));
                        side_steps(&log, &name, i, &plan.sides);
                        if plan.catch_at == Some(i) {
                            let step = co.yield_(Promise::reject(boom())).await;
                            caught_thrown(&log, &name, step)?;
                        }
                        if plan.stop_at == Some(i) {
                            break;
                        }
                    }
                    note(&log, format!("{name} done"));
                    Ok(())
                },
            ));
        }
        Kind::ForAwait => {
            spawn(async move {
                let source = count(plan.steps, log.clone(), name.clone());
                for_await(source, async |i| {
                    note(&log, format!("{name} item {i}"));
                    side_steps(&log, &name, i, &plan.sides);
                    if plan.catch_at == Some(i) {
                        caught(&log, &name, Promise::<u32>::reject(boom()).await);
                    }
                    stop_if(plan.stop_at == Some(i))
                })
                .await?;
                note(&log, format!("{name} done"));
                Ok::<_, Error>(())
            });
        }
        Kind::JoinedLoops => {
            spawn(async move {
                // A turn first: the loops start in a poll of the task
                // alone in its microtask, where their turns are owed to it.
                Promise::<()>::resolve(()).await?;
                let looped = |part: &'static str| {
                    let (log, name) = (log.clone(), format!("{name}{part}"));
                    let mapped = {
                        let (log, name) = (log.clone(), name.clone());
                        count(plan.steps, log.clone(), name.clone()).map(move |i| {
                            note(&log, format!("{name} maps {i}"));
                            i * 10
                        })
                    };
                    let plan = plan.clone();
                    async move {
                        for_await(mapped, async |i| {
                            note(&log, format!("{name} item {i}"));
                            side_steps(&log, &name, i / 10, &plan.sides);
                            stop_if(plan.stop_at == Some(i / 10))
                        })
                        .await
                    }
                };
                // Polled in order, `a` first, on every poll of the task.
                let (a, b) = tokio::join!(biased; looped("a"), looped("b"));
                a?;
                b?;
                note(&log, format!("{name} done"));
                Ok::<_, Error>(())
            });
        }
        Kind::Stages => {
            spawn(async move {
                let mapped = {
                    let (log, name, plan) = (log.clone(), name.clone(), plan.clone());
                    count(plan.steps, log.clone(), name.clone()).map(move |i| {
                        note(&log, format!("{name} maps {i}"));
                        side_steps(&log, &name, i, &plan.sides);
                        i
                    })
                };
                let filtered = {
                    let (log, name) = (log.clone(), name.clone());
                    mapped.filter(move |i| {
                        note(&log, format!("{name} filters {i}"));
                        i % 3 != 0
                    })
                };
                for_await(filtered.batch(2), async |batch| {
                    note(&log, format!("{name} batch {batch:?}"));
                    let last = batch.last().copied().unwrap_or_default();
                    if plan.catch_at.is_some_and(|at| batch.contains(&at)) {
                        caught(&log, &name, Promise::<u32>::reject(boom()).await);
                    }
                    stop_if(plan.stop_at.is_some_and(|at| at <= last))
                })
                .await?;
                note(&log, format!("{name} done"));
                Ok::<_, Error>(())
            });
        }
        Kind::NextBeside => {
            spawn(async move {
                let mut source = count(plan.steps, log.clone(), name.clone());
                for i in 1.. {
                    let item = {
                        let mut next = pin!(AsyncIterator::next(&mut source));
                        let mut first = true;
                        poll_fn(|cx| {
                            let polled = next.as_mut().poll(cx);
                            if std::mem::take(&mut first) {
                                note(&log, format!("{name} beside next {i}"));
                                let (log, name) = (log.clone(), name.clone());
                                queue_microtask(move || {
                                    note(&log, format!("microtask beside {name}"));
                                });
                            }
                            polled
                        })
                        .await?
                    };
                    let Some(item) = item else { break };
                    note(&log, format!("{name} item {item}"));
                    side_steps(&log, &name, item, &plan.sides);
                    if plan.stop_at == Some(item) {
                        source.close().await?;
                        break;
                    }
                }
                note(&log, format!("{name} done"));
                Ok::<_, Error>(())
            });
        }
        Kind::NextDropped => {
            spawn(async move {
                let mut source = count(plan.steps, log.clone(), name.clone());
                for i in 1..=plan.steps {
                    let Some(item) = AsyncIterator::next(&mut source).await? else {
                        break;
                    };
                    note(&log, format!("{name} item {item}"));
                    side_steps(&log, &name, item, &plan.sides);
                    let mut next = pin!(AsyncIterator::next(&mut source));
                    let polled = poll_fn(|cx| Poll::Ready(next.as_mut().poll(cx))).await;
                    if let Poll::Ready(item) = polled {
                        note(&log, format!("{name} had {:?} at once", item.ok()));
                    }
                    note(&log, format!("{name} drops next {i}"));
                    let (log, name) = (log.clone(), name.clone());
                    queue_microtask(move || note(&log, format!("microtask of {name}'s drop")));
                }
                note(&log, format!("{name} done"));
                Ok::<_, Error>(())
            });
        }
        Kind::Saga => {
            run_saga(Gen::new(move |co: SagaCo<()>| async move {
                for i in 1..=plan.steps {
                    if i % 2 == 0 {
                        // Answered a turn later: the promise's reaction
                        // resumes the saga, alone in its microtask.
                        let soon = |v: u32| Promise::<()>::resolve(()).map(move |()| v);
                        let v = call(&co, soon, 10 * i).await?;
                        note(&log, format!("{name} woke with {v}"));
                    }
                    if i % 3 == 0 {
                        // Resumed by a delay's microtask, alone in it.
                        delay(&co, 1).await?;
                        note(&log, format!("{name} slept"));
                    }
                    let v = call(&co, |v: u32| Promise::<u32>::resolve(v), i).await?;
                    note(&log, format!("{name} called {v}"));
                    side_steps(&log, &name, i, &plan.sides);
                    if plan.catch_at == Some(i) {
                        let step = call(&co, |_: u32| Promise::<u32>::reject(boom()), i).await;
                        caught_thrown(&log, &name, step)?;
                    }
                    if plan.stop_at == Some(i) {
                        break;
                    }
                }
                note(&log, format!("{name} done"));
                Ok(())
            }));
        }
        Kind::SagaAll => {
            run_saga(Gen::new(move |co: SagaCo<()>| async move {
                for i in 1..=plan.steps {
                    let parts = gathered(&log, &name, i, plan.catch_at == Some(i));
                    match all::<_, u32>(&co, parts).await {
                        Ok(values) => note(&log, format!("{name} gathered {values:?}")),
                        Err(Abrupt::Throw(e)) => note(&log, format!("{name} caught {e}")),
                        Err(closing) => return Err(closing),
                    }
                    side_steps(&log, &name, i, &plan.sides);
                    if plan.stop_at == Some(i) {
                        break;
                    }
                }
                note(&log, format!("{name} done"));
                Ok(())
            }));
        }
    }
}

/// The promises an `All` walker gathers at step `i`: settled ones, on
/// even steps one that fulfils a turn later between them, and with
/// `failing` two rejected.
fn inputs(i: u32, failing: bool) -> Vec<Promise<u32>> {
    let mut inputs = vec![Promise::resolve(10 * i)];
    if i.is_multiple_of(2) {
        inputs.push(Promise::<()>::resolve(()).map(move |()| 10 * i + 1));
    }
    if failing {
        inputs.push(Promise::reject(boom()));
    }
    for k in 0..i % 3 {
        inputs.push(Promise::resolve(10 * i + 2 + k));
    }
    if failing {
        // A second rejection, which `all` passes over.
        inputs.push(Promise::reject(Error::msg("bang")));
    }
    inputs
}

/// The calls a `SagaAll` walker gathers at step `i`: one to three that
/// have fulfilled by the time they return (the first logs and queues a
/// microtask as it is called), on even steps one that fulfils a turn
/// later between them, and with `failing` one rejected.
fn gathered(log: &Log, name: &str, i: u32, failing: bool) -> Vec<Effect> {
    let loud = |(log, name, k): (Log, String, u32)| {
        note(&log, format!("{name} calls {k}"));
        queue_microtask(move || note(&log, format!("microtask of {name}'s call {k}")));
        Promise::<u32>::resolve(k)
    };
    let mut parts = vec![call_effect(loud, (log.clone(), name.to_string(), 10 * i))];
    if i.is_multiple_of(2) {
        let later = |k: u32| Promise::<()>::resolve(()).map(move |()| k);
        parts.push(call_effect(later, 10 * i + 1));
    }
    if failing {
        parts.push(call_effect(|_: u32| Promise::<u32>::reject(boom()), 0));
    }
    for k in 0..i % 3 {
        parts.push(call_effect(
            |k: u32| Promise::<u32>::resolve(k),
            10 * i + 2 + k,
        ));
    }
    parts
}

/// Which shortcuts a run takes.
#[derive(Clone, Copy)]
struct Shortcuts {
    skip_subscribing: bool,
    direct: bool,
    going_on: bool,
}

const NONE: Shortcuts = Shortcuts {
    skip_subscribing: false,
    direct: false,
    going_on: false,
};

/// Runs the scenario on a fresh virtual clock; returns its lines.
fn play(walkers: &[Walker], ticks: u32, shortcuts: Shortcuts) -> Vec<String> {
    ALWAYS_SUBSCRIBE.with(|always| always.set(!shortcuts.skip_subscribing));
    NEVER_DIRECT.with(|never| never.set(!shortcuts.direct));
    NEVER_GO_ON.with(|never| never.set(!shortcuts.going_on));
    let log: Log = Rc::default();
    let l = log.clone();
    let walkers = walkers.to_vec();
    let (unhandled, uncaught) = (log.clone(), log.clone());
    let lp = EventLoop::virtual_clock()
        .on_unhandled_rejection(move |r| note(&unhandled, format!("unhandled {}", r.reason)))
        .on_uncaught(move |fault| note(&uncaught, format!("uncaught {fault}")));
    lp.run(move || {
        let mut chain = Promise::<()>::resolve(());
        for t in 1..=ticks {
            let l = l.clone();
            chain = chain.map(move |()| note(&l, format!("tick {t}")));
        }
        for (w, walker) in walkers.into_iter().enumerate() {
            let (l, name) = (l.clone(), format!("w{w}"));
            let (kind, plan) = (walker.kind, Rc::new(walker.plan));
            match walker.timer {
                None => start(&l, kind, name, plan),
                Some(ms) => {
                    set_timeout(
                        move || start(&l, kind, name, plan),
                        Duration::from_millis(ms),
                    );
                }
            }
        }
        note(&l, "script end".to_string());
    });
    ALWAYS_SUBSCRIBE.with(|always| always.set(false));
    NEVER_DIRECT.with(|never| never.set(false));
    NEVER_GO_ON.with(|never| never.set(false));
    log.take()
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Await),
        Just(Kind::Join),
        Just(Kind::All),
        Just(Kind::Run),
        Just(Kind::ForAwait),
        Just(Kind::JoinedLoops),
        Just(Kind::Stages),
        Just(Kind::NextBeside),
        Just(Kind::NextDropped),
        Just(Kind::Saga),
        Just(Kind::SagaAll)
    ]
}

fn side() -> impl Strategy<Value = Side> {
    prop_oneof![
        Just(Side::Microtask),
        Just(Side::Then),
        Just(Side::LoseRejection),
        (kind(), 1..4u32).prop_map(|(k, n)| Side::Start(k, n)),
    ]
}

fn walker() -> impl Strategy<Value = Walker> {
    (
        kind(),
        prop::option::of(0..3u64),
        1..5u32,
        prop::collection::vec((1..5u32, side()), 0..3),
        prop::option::of(1..5u32),
        prop::option::of(1..5u32),
    )
        .prop_map(|(kind, timer, steps, sides, catch_at, stop_at)| Walker {
            kind,
            timer,
            plan: Plan {
                steps,
                sides,
                catch_at,
                stop_at,
            },
        })
}

proptest! {
    #[test]
    fn no_shortcut_changes_a_line(
        walkers in prop::collection::vec(walker(), 1..5),
        ticks in 0..6u32,
    ) {
        let none = play(&walkers, ticks, NONE);
        prop_assert!(none.iter().any(|line| line.ends_with(" done")));
        let skipping = Shortcuts { skip_subscribing: true, ..NONE };
        prop_assert_eq!(&play(&walkers, ticks, skipping), &none);
        let direct = Shortcuts { direct: true, ..skipping };
        prop_assert_eq!(&play(&walkers, ticks, direct), &none);
        let all = Shortcuts { going_on: true, ..direct };
        prop_assert_eq!(&play(&walkers, ticks, all), &none);
    }
}
