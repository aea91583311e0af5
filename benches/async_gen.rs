//! Async generators: ns per item consumed by a for-await loop (from an
//! `AsyncGen` and from a `PinnedAsyncGen`), handed on by `yield*`, through
//! `map_concurrent`, a 4-stage lazy pipeline over 200,000 items, and items
//! read from another thread's loop (compared with Node by `bench/run`).

use std::hint::black_box;
use std::ops::ControlFlow;

#[path = "shared/allocator.rs"]
mod allocator;

#[path = "shared/pipeline.rs"]
mod pipeline;

use std::pin::pin;

use baton::async_gen::{AsyncIteratorExt, PinnedAsyncGen, for_await};
use baton::{AsyncGen, Co, Error, EventLoop, Promise, Step};
use criterion::{Criterion, criterion_group, criterion_main};
use pipeline::{numbers, run_pipeline};

// Each row writes its for-await loop out: summed through one shared
// `async fn`, the loop's code changed shape and the for-await row went
// from 16.5 to 19.4 µs a thousand items.
fn for_await_items(c: &mut Criterion) {
    c.bench_function("for_await_x1000/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().block_on(async {
                let mut sum = 0;
                for_await(numbers(1000), async |n| {
                    sum += n;
                    ControlFlow::<()>::Continue(())
                })
                .await?;
                Ok::<_, Error>(sum)
            });
            black_box(out.ok())
        })
    });
}

/// The same items from a generator pinned in place, driven by its one
/// consumer (`PinnedAsyncGen`).
fn for_await_pinned_items(c: &mut Criterion) {
    c.bench_function("for_await_pinned_x1000/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().block_on(async {
                let numbers = pin!(PinnedAsyncGen::new(
                    |co: Co<u64, (), (), Error>| async move {
                        for i in 0..1000 {
                            co.yield_(i).await?;
                        }
                        Ok(())
                    }
                ));
                let mut sum = 0;
                for_await(numbers, async |n| {
                    sum += n;
                    ControlFlow::<()>::Continue(())
                })
                .await?;
                Ok::<_, Error>(sum)
            });
            black_box(out.ok())
        })
    });
}

/// 1,000 items an outer generator hands on from the one it delegates to
/// (`yield*`), consumed by for await: the inner one an `AsyncGen`, or a
/// `PinnedAsyncGen` pinned in the outer body.
fn delegated_items(c: &mut Criterion) {
    c.bench_function("yield_star_x1000/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().block_on(async {
                let outer = AsyncGen::new(|co: Co<u64, (), (), Error>| async move {
                    co.yield_from_async(numbers(1000)).await
                });
                let mut sum = 0;
                for_await(outer, async |n| {
                    sum += n;
                    ControlFlow::<()>::Continue(())
                })
                .await?;
                Ok::<_, Error>(sum)
            });
            black_box(out.ok())
        })
    });
    c.bench_function("yield_star_pinned_x1000/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().block_on(async {
                let outer = AsyncGen::new(|co: Co<u64, (), (), Error>| async move {
                    let inner = pin!(PinnedAsyncGen::new(
                        |co: Co<u64, (), (), Error>| async move {
                            for i in 0..1000 {
                                co.yield_(i).await?;
                            }
                            Ok(())
                        }
                    ));
                    co.yield_from_async(inner).await
                });
                let mut sum = 0;
                for_await(outer, async |n| {
                    sum += n;
                    ControlFlow::<()>::Continue(())
                })
                .await?;
                Ok::<_, Error>(sum)
            });
            black_box(out.ok())
        })
    });
}

/// 1,000 items taken by calling `next()` and awaiting its promise (the
/// protocol by hand, as JavaScript code without for-await does).
fn next_promise_items(c: &mut Criterion) {
    c.bench_function("next_promise_x1000/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().block_on(async {
                let source = numbers(1000);
                let mut sum = 0;
                while let Step::Yielded(n) = source.next(()).await? {
                    sum += n;
                }
                Ok::<_, Error>(sum)
            });
            black_box(out.ok())
        })
    });
}

/// 1,000 items through `map_concurrent(4, …)` (each step a settled
/// promise), consumed by for await.
fn map_concurrent_items(c: &mut Criterion) {
    c.bench_function("map_concurrent_x1000/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().block_on(async {
                let mut sum = 0;
                let stage = numbers(1000).map_concurrent(4, |n| Promise::resolve(n * 2));
                for_await(stage, async |n| {
                    sum += n;
                    ControlFlow::<()>::Continue(())
                })
                .await?;
                Ok::<_, Error>(sum)
            });
            black_box(out.ok())
        })
    });
}

fn pipeline(c: &mut Criterion) {
    let mut group = c.benchmark_group("pipeline_200k");
    group.sample_size(10);
    group.bench_function("baton", |b| {
        b.iter(|| {
            let out = run_pipeline(200_000);
            assert_eq!(out, Some(100_000));
        })
    });
    group.finish();
}

/// 100,000 numbers sent by a loop on another thread through a bounded
/// channel (tokio's `mpsc`, room for 1,024), read by this loop as an async
/// generator and summed: what a message costs crossing between loops
/// (`examples/per_core.rs`). The sending thread is started each round.
fn between_loops(c: &mut Criterion) {
    const N: u64 = 100_000;
    c.bench_function("between_loops_100k/baton", |b| {
        b.iter(|| {
            let (sender, mut receiver) = tokio::sync::mpsc::channel::<u64>(1024);
            let worker = std::thread::spawn(move || {
                EventLoop::virtual_clock().block_on(async move {
                    for i in 0..N {
                        if sender.send(i).await.is_err() {
                            break;
                        }
                    }
                    Ok::<_, Error>(())
                })
            });
            let sum = EventLoop::virtual_clock().block_on(async move {
                let items =
                    AsyncGen::<u64, (), (), Error>::from_poll_fn(move |cx| receiver.poll_recv(cx));
                items.fold(0, |sum, i| sum + i).await
            });
            let sent = worker.join().ok().and_then(Result::ok);
            black_box((sent, sum.ok()))
        })
    });
}

criterion_group!(
    async_gen,
    for_await_items,
    for_await_pinned_items,
    delegated_items,
    next_promise_items,
    map_concurrent_items,
    pipeline,
    between_loops
);
criterion_main!(async_gen);
