//! Programs that run for a long time keep flat memory: a watcher, a race
//! in a loop, a stream of forks, spawned tasks, a push source, a token
//! that outlives its runs, the waits on it given up and its children,
//! failures a hook hears or a saga catches, regions cancelled, a
//! multicast channel raced.
//! Each runs for `3 * ROUNDS` virtual milliseconds, one round a
//! millisecond, and the live bytes at `2 * ROUNDS` and at `3 * ROUNDS`
//! must match: anything kept per round would show as thousands of bytes. Its own test binary: the counting
//! allocator sees the whole process, so this file holds a single test.

#[path = "shared/counting_allocator.rs"]
mod counting_allocator;

use std::cell::RefCell;
use std::future::{Future, poll_fn};
use std::ops::ControlFlow;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use baton::async_gen::{AsyncIteratorExt, for_await, push_queue};
use baton::runner::{CancellationToken, run_cancellable};
use baton::saga::{
    Action, Buffer, Channel, MulticastChannel, Runtime, SagaCo, Store, Won, call, debounce, delay,
    delay_effect, fork, race2, run_saga, spawn as spawn_saga, take_every, take_latest, throttle,
    uninterruptible,
};
use baton::{Co, Error, EventLoop, Gen, Promise, clear_interval, set_interval, set_timeout, spawn};
use counting_allocator::live_bytes;

const ROUNDS: u64 = if cfg!(miri) { 20 } else { 2_000 };
const END: Duration = Duration::from_millis(3 * ROUNDS + 1);

#[derive(Clone, Debug)]
struct Ping;

impl Action for Ping {
    fn action_type(&self) -> &str {
        "PING"
    }
}

/// Calls `round` once a millisecond until the end.
fn every_ms(round: impl FnMut() + 'static) {
    let id = set_interval(round, Duration::from_millis(1));
    set_timeout(move || clear_interval(id), END);
}

fn watcher(kind: &str) {
    let store = Store::new((), |(): &mut (), _: &Ping| {});
    let runtime = Runtime::new().with_store(&store);
    let worker = |Ping| Gen::new(|co: SagaCo<()>| async move { delay(&co, 1).await });
    let watching = match kind {
        "take_every" => take_every("PING", worker),
        "take_latest" => take_latest("PING", worker),
        "debounce" => debounce(2, "PING", worker),
        _ => throttle(2, "PING", worker),
    };
    let task = runtime.run(kind, watching);
    every_ms(move || store.dispatch(Ping));
    set_timeout(move || task.cancel(Error::msg("end")), END);
}

fn race_in_a_loop() {
    let channel: Channel<u64> = Channel::new(Buffer::Expanding(4));
    let task = run_saga(Gen::new(move |co: SagaCo<()>| async move {
        loop {
            let _: Won<Option<u64>, ()> = race2(
                &co,
                ("take", channel.take_effect()),
                ("tick", delay_effect(1)),
            )
            .await?;
        }
    }));
    set_timeout(move || task.cancel(Error::msg("end")), END);
}

fn forks() {
    let task = run_saga(Gen::new(|co: SagaCo<()>| async move {
        loop {
            let child = |()| Gen::new(|co: SagaCo<()>| async move { delay(&co, 3).await });
            fork(&co, child, ()).await?;
            delay(&co, 1).await?;
        }
    }));
    set_timeout(move || task.cancel(Error::msg("end")), END);
}

fn spawned_tasks() {
    every_ms(|| {
        let _ = spawn(async { Promise::<u64>::resolve(1).await });
    });
}

fn push_source(with_timeout: bool) {
    let (pusher, source) = push_queue::<u64, Error>();
    every_ms(move || pusher.push(1));
    let _ = spawn(async move {
        let mut sum = 0;
        let add = async |v| {
            sum += v;
            ControlFlow::<()>::Continue(())
        };
        if with_timeout {
            for_await(source.with_timeout(Duration::from_millis(5)), add).await?;
        } else {
            for_await(source, add).await?;
        }
        Ok::<_, Error>(())
    });
}

fn token_outliving_its_runs() {
    let token = CancellationToken::<Error>::new();
    every_ms(move || {
        let run = Gen::new(|co: Co<Promise<u64>, u64, u64, Error>| async move {
            co.yield_(Promise::resolve(1)).await
        });
        let _ = run_cancellable(run, &token);
        let task = run_saga(Gen::new(
            |co: SagaCo<()>| async move { delay(&co, 1).await },
        ));
        task.cancel_on(&token);
    });
}

/// A task waits on the token's `cancelled()` once and gives up on it (a
/// race it lost): each round, for a token never cancelled.
fn cancelled_futures_given_up() {
    let token = CancellationToken::<Error>::new();
    every_ms(move || {
        let token = token.clone();
        let _ = spawn(async move {
            let mut waiting = std::pin::pin!(token.cancelled());
            poll_fn(|cx| {
                let _ = waiting.as_mut().poll(cx);
                Poll::Ready(())
            })
            .await;
            Promise::<u64>::resolve(1).await
        });
    });
}

/// Each round a request's token is made from the long-lived one, then
/// cancelled on its own or dropped.
fn child_tokens() {
    let shutdown = CancellationToken::<Error>::new();
    let mut round = 0;
    every_ms(move || {
        round += 1;
        let request = shutdown.child();
        if round % 2 == 0 {
            request.cancel(Error::msg("client went away"));
        }
    });
}

/// A saga races a multicast take against a tick, round after round, while
/// actions are put from outside: each lost take leaves the channel.
fn multicast_race_in_a_loop() {
    let chan = MulticastChannel::<Ping>::new();
    let c = chan.clone();
    let task = run_saga(Gen::new(move |co: SagaCo<()>| async move {
        loop {
            let _: Won<Ping, ()> = race2(
                &co,
                ("take", c.take_effect("PING")),
                ("tick", delay_effect(2)),
            )
            .await?;
        }
    }));
    every_ms(move || chan.put(Ping));
    set_timeout(move || task.cancel(Error::msg("end")), END);
}

/// Each round, under a runtime with a failure hook, a saga calls one
/// that fails and catches the error (its trail is left open), and a
/// spawned task fails (its trail is reported).
fn failures_heard_and_caught() {
    let runtime = Runtime::new().on_error(|_, _| {});
    every_ms(move || {
        let failing =
            |()| Gen::new(|_co: SagaCo<()>| async move { Err(Error::msg("refused").into()) });
        runtime.run(
            "caller",
            Gen::new(move |co: SagaCo<()>| async move {
                let _caught = call(&co, failing, ()).await;
                spawn_saga(&co, failing, ()).await?;
                Ok(())
            }),
        );
    });
}

/// Each round a task is cancelled while in an uninterruptible region.
fn regions_cancelled() {
    every_ms(|| {
        let task = run_saga(Gen::new(|co: SagaCo<()>| async move {
            uninterruptible(&co, async { delay(&co, 2).await }).await
        }));
        set_timeout(
            move || task.cancel(Error::msg("stop")),
            Duration::from_millis(1),
        );
    });
}

#[test]
fn long_running_programs_keep_flat_memory() {
    let scenarios: [(&str, fn()); 15] = [
        ("take_every", || watcher("take_every")),
        ("take_latest", || watcher("take_latest")),
        ("debounce", || watcher("debounce")),
        ("throttle", || watcher("throttle")),
        ("a race in a loop", race_in_a_loop),
        ("forks", forks),
        ("spawned tasks", spawned_tasks),
        ("a push source", || push_source(false)),
        ("a push source with a timeout", || push_source(true)),
        ("a token outliving its runs", token_outliving_its_runs),
        ("cancelled() given up on", cancelled_futures_given_up),
        ("child tokens", child_tokens),
        ("failures heard and caught", failures_heard_and_caught),
        ("regions cancelled", regions_cancelled),
        ("a multicast race in a loop", multicast_race_in_a_loop),
    ];
    for (name, scenario) in scenarios {
        let samples = Rc::new(RefCell::new(Vec::new()));
        let taken = samples.clone();
        EventLoop::virtual_clock().run(move || {
            for at in [2 * ROUNDS, 3 * ROUNDS] {
                let taken = taken.clone();
                set_timeout(
                    move || taken.borrow_mut().push(live_bytes()),
                    Duration::from_millis(at),
                );
            }
            scenario();
        });
        let samples = samples.borrow();
        assert_eq!(samples.len(), 2, "{name}: both samples taken");
        let grown = samples[1].saturating_sub(samples[0]);
        assert!(
            grown < 1_024,
            "{name}: {grown} bytes more after {ROUNDS} more rounds"
        );
    }
}
