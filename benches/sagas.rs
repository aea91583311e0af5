//! Sagas: ns per call effect, an all() of 1,000 calls, a put/take round
//! trip through a store, a message through a channel, a parent of 10,000
//! forked children taking from a channel cancelled, and 1,000,000
//! concurrent sagas each suspended on a delay, then all resumed (compared
//! with seed 003's runners in Node by `bench/run`, where they have one).

use std::hint::black_box;
use std::sync::mpsc;

#[path = "shared/allocator.rs"]
mod allocator;
#[path = "shared/messages.rs"]
mod messages;
#[path = "shared/races.rs"]
mod races;

use baton::saga::{
    Buffer, Channel, Saga, SagaCo, all, call, call_effect, delay, fork, run_saga, take_from,
};
use baton::{EventLoop, Gen, Promise};
use criterion::{Criterion, criterion_group, criterion_main};

const N: u64 = 1_000;

fn ready(v: u64) -> Promise<u64> {
    Promise::resolve(v)
}

fn calls(c: &mut Criterion) {
    c.bench_function("saga_call_x1000/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().run(|| {
                run_saga(Gen::new(|co: SagaCo<u64>| async move {
                    let mut sum = 0;
                    for i in 0..N {
                        sum += call(&co, ready, i).await?;
                    }
                    Ok(sum)
                }))
                .promise()
            });
            black_box(out.peek())
        })
    });
    c.bench_function("saga_all_1000/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().run(|| {
                run_saga(Gen::new(|co: SagaCo<u64>| async move {
                    let calls = (0..N).map(|i| call_effect(ready, i)).collect();
                    let values: Vec<u64> = all(&co, calls).await?;
                    Ok(values.iter().sum())
                }))
                .promise()
            });
            black_box(out.peek())
        })
    });
}

/// Seed 003's `withTimeout`, 1,000 times in a saga: a call whose promise
/// has settled races a 1 s delay, which loses and is cancelled.
fn races(c: &mut Criterion) {
    c.bench_function("saga_race_x1000/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().run(|| races::with_timeouts(N));
            black_box(out.peek())
        })
    });
}

/// A saga that waits 1 s on the virtual clock and returns 1.
pub fn sleeper() -> impl Saga<Output = u64> {
    Gen::new(|co: SagaCo<u64>| async move {
        delay(&co, 1_000).await?;
        Ok(1)
    })
}

fn million_delays(c: &mut Criterion) {
    let mut group = c.benchmark_group("sagas_1m_delays");
    group.sample_size(10);
    group.bench_function("baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().run(|| {
                let tasks: Vec<_> = (0..1_000_000)
                    .map(|_| run_saga(sleeper()).promise())
                    .collect();
                baton::promise::all(tasks)
            });
            black_box(out.peek().map(|r| r.map(|v| v.len())))
        })
    });
    // The same million over two loops, a thread each: how a program uses
    // a second core (`examples/per_core.rs`). The threads are kept for the
    // whole measurement, as Node's worker threads are, so each round finds
    // its thread's heap warm, as the single loop above does. Not a
    // `LoopPool`: its loops run on the real clock, where the delays would
    // take a real second.
    group.bench_function("baton_2_loops", |b| {
        let (done, finished) = mpsc::channel::<usize>();
        let (orders, threads): (Vec<_>, Vec<_>) = (0..2)
            .map(|_| {
                let (order, orders) = mpsc::channel::<usize>();
                let done = done.clone();
                let thread = std::thread::spawn(move || {
                    for n in orders {
                        let out = EventLoop::virtual_clock().run(|| {
                            let tasks: Vec<_> =
                                (0..n).map(|_| run_saga(sleeper()).promise()).collect();
                            baton::promise::all(tasks)
                        });
                        let ran = out.peek().and_then(Result::ok).map_or(0, |v| v.len());
                        if done.send(ran).is_err() {
                            break;
                        }
                    }
                });
                (order, thread)
            })
            .unzip();
        b.iter(|| {
            for order in &orders {
                let _ = order.send(500_000);
            }
            black_box(finished.iter().take(orders.len()).sum::<usize>())
        });
        drop(orders);
        for thread in threads {
            let _ = thread.join();
        }
    });
    group.finish();
}

/// A parent forks 10,000 children, each waiting to take from one channel,
/// then is cancelled: each child leaves the parent's list and the
/// channel's line of takers.
fn cancelled_children(c: &mut Criterion) {
    const CHILDREN: u64 = 10_000;
    c.bench_function("fork_cancel_10k/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().run(|| {
                let chan: Channel<u64> = Channel::new(Buffer::None);
                let parent = Gen::new(move |co: SagaCo<u64>| async move {
                    for _ in 0..CHILDREN {
                        let chan = chan.clone();
                        let taker = move |()| {
                            Gen::new(move |co: SagaCo<u64>| async move {
                                Ok(take_from(&co, &chan).await?.unwrap_or(0))
                            })
                        };
                        fork(&co, taker, ()).await?;
                    }
                    Ok(0)
                });
                let task = run_saga(parent);
                task.cancel(baton::Error::msg("stop"));
                task.promise()
            });
            black_box(out.peek().map(|r| r.is_err()))
        })
    });
}

criterion_group!(
    benches,
    calls,
    races,
    store_ping_pong,
    channel_messages,
    cancelled_children,
    million_delays
);
criterion_main!(benches);

/// 1,000 round trips through a store: one saga puts PING and takes PONG,
/// the other takes PING and puts PONG.
fn store_ping_pong(c: &mut Criterion) {
    c.bench_function("store_ping_pong_x1000/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().run(|| messages::store_ping_pong(N));
            black_box(out.peek())
        })
    });
}

/// 1,000 messages through a channel from one saga to another.
fn channel_messages(c: &mut Criterion) {
    c.bench_function("channel_x1000/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().run(|| messages::channel_messages(N));
            black_box(out.peek())
        })
    });
}
