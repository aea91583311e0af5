//! Where seed 003's runner takes its turns: calls answered at once or a
//! turn later, races decided by a call or a delay, beside chains of ticks
//! (`tests/oracle/saga/calls_*run_on.js`, `race_*.js`).

use baton::saga::{Effect, SagaCo, Value, all, call, call_effect, race, run_saga};
use baton::{Abrupt, Body, Error, Gen, Promise};

use crate::seeds::js::Log;
use crate::seeds::promises::{runs_on, scenario, side_steps, stamp, ticks, woken};

use super::with_timeout;

/// `answer(v)` of `calls_run_on.js`: a call answered at once.
pub(super) fn answer(v: i32) -> Promise<i32> {
    Promise::resolve(v)
}

/// `refuse(why)`: a call refused at once.
fn refuse(why: &'static str) -> Promise<i32> {
    Promise::reject(Error::msg(why))
}

/// `function* walker(name, n)` of `calls_run_on.js`.
fn walker(
    log: Log,
    name: &'static str,
    n: i32,
) -> Gen<impl Body<&'static str, Error>, Effect, Value, &'static str, Error> {
    Gen::new(move |co: SagaCo<&'static str>| async move {
        for i in 1..=n {
            let v = call(&co, answer, i).await?;
            log.line(format_args!("{name} got {v}"));
            side_steps(&log, name, i, walk);
            if name == "lone" && i == 2 {
                match call(&co, refuse, "boom").await {
                    Err(Abrupt::Throw(e)) => log.line(format_args!("{name} caught {e}")),
                    Ok(_) => log.line("not reached"),
                    Err(closing) => return Err(closing),
                }
            }
        }
        log.line(format_args!("{name} done"));
        Ok(name)
    })
}

/// `runEnhanced(walker, name, n)`
fn walk(log: &Log, name: &'static str, n: i32) -> Promise<&'static str> {
    run_saga(walker(log.clone(), name, n)).promise()
}

pub fn calls_run_on() -> String {
    runs_on(walk)
}

/// `soon()` of `calls_woken_run_on.js`: a call answered a turn later (or
/// two), `woken(name, i)`.
fn soon((log, name, i): (Log, &'static str, i32)) -> Promise<i32> {
    woken(&log, name, i)
}

/// `function* walker(name, n)` of `calls_woken_run_on.js`.
fn woken_walker(
    log: Log,
    name: &'static str,
    n: i32,
) -> Gen<impl Body<&'static str, Error>, Effect, Value, &'static str, Error> {
    Gen::new(move |co: SagaCo<&'static str>| async move {
        for i in 1..=n {
            let v = call(&co, soon, (log.clone(), name, i)).await?;
            log.line(format_args!("{name} woke with {v}"));
            let w = call(&co, answer, 10 * i).await?;
            log.line(format_args!("{name} got {w}"));
            side_steps(&log, name, i, walk_woken);
        }
        log.line(format_args!("{name} done"));
        Ok(name)
    })
}

/// `runEnhanced(walker, name, n)` of `calls_woken_run_on.js`.
fn walk_woken(log: &Log, name: &'static str, n: i32) -> Promise<&'static str> {
    run_saga(woken_walker(log.clone(), name, n)).promise()
}

pub fn calls_woken_run_on() -> String {
    runs_on(walk_woken)
}

pub fn race_timeout() -> String {
    scenario(|log| {
        let l = log.clone();
        baton::spawn(async move {
            let fast = run_saga(with_timeout(100)).await?;
            stamp(&l, format_args!("fast: {fast}"));
            match run_saga(with_timeout(6000)).await {
                Ok(slow) => stamp(&l, format_args!("slow: {slow}")),
                Err(e) => stamp(&l, format_args!("slow failed: {e}")),
            }
            Ok::<_, Error>(())
        });
    })
}

/// `refuse(why)` of `race_turns.js`: a call refused at once, with a
/// plain reason.
fn refuse_plainly(why: &'static str) -> Promise<i32> {
    Promise::reject(Error::msg(why))
}

pub fn race_turns() -> String {
    scenario(|log| {
        ticks(log, 8);
        let l = log.clone();
        let racer = Gen::new(move |co: SagaCo<()>| async move {
            let (won, _): (&str, i32) = race(
                &co,
                vec![("a", call_effect(answer, 1)), ("b", call_effect(answer, 2))],
            )
            .await?;
            l.line(format_args!("racer: won {won}"));
            let refused = race::<_, i32>(&co, vec![("a", call_effect(refuse_plainly, "no"))]).await;
            if let Err(Abrupt::Throw(e)) = refused {
                l.line(format_args!("racer: caught {e}"));
            }
            Ok(())
        });
        let l = log.clone();
        let gatherer = Gen::new(move |co: SagaCo<()>| async move {
            let values: Vec<i32> =
                all(&co, vec![call_effect(answer, 3), call_effect(answer, 4)]).await?;
            let shown: Vec<String> = values.iter().map(i32::to_string).collect();
            l.line(format_args!("gatherer: got {}", shown.join(",")));
            l.line(format_args!(
                "gatherer: got {}",
                call(&co, answer, 5).await?
            ));
            Ok(())
        });
        for (name, saga) in [("racer", racer.boxed()), ("gatherer", gatherer.boxed())] {
            let l = log.clone();
            drop(
                run_saga(saga)
                    .promise()
                    .map(move |()| l.line(format_args!("{name}: done"))),
            );
        }
        log.line("script end");
    })
}

/// `noisy(v)` of `race_in_turn.js`: says it is called, and queues a
/// microtask that says so too.
fn noisy(log: &Log) -> impl FnOnce(i32) -> Promise<i32> + use<> {
    let log = log.clone();
    move |v| {
        log.line("noisy called");
        baton::queue_microtask(move || log.line("noisy's microtask"));
        Promise::resolve(v)
    }
}

pub fn race_in_turn() -> String {
    scenario(|log| {
        ticks(log, 8);
        let l = log.clone();
        let racer = Gen::new(move |co: SagaCo<()>| async move {
            let (first, _): (&str, i32) = race(
                &co,
                vec![
                    ("a", call_effect(answer, 1)),
                    ("b", call_effect(noisy(&l), 2)),
                ],
            )
            .await?;
            l.line(format_args!("racer: {first} won"));
            let (second, _): (&str, i32) = race(
                &co,
                vec![
                    ("b", call_effect(noisy(&l), 3)),
                    ("a", call_effect(answer, 4)),
                ],
            )
            .await?;
            l.line(format_args!("racer: {second} won"));
            Ok(())
        });
        let l = log.clone();
        drop(
            run_saga(racer)
                .promise()
                .map(move |()| l.line("racer: done")),
        );
        let l = log.clone();
        baton::queue_microtask(move || l.line("a microtask queued after the race starts"));
        log.line("script end");
    })
}
