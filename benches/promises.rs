//! Promises and the event loop: ns per then-link, per await, per `all`
//! element, and 1,000,000 timers (compared with Node by `bench/run`).

use std::hint::black_box;
use std::time::Duration;

#[path = "shared/allocator.rs"]
mod allocator;

use baton::promise::all;
use baton::{Error, EventLoop, Promise, set_timeout, spawn};
use criterion::{Criterion, criterion_group, criterion_main};

/// Links per chain, awaits per task: each iteration does this many.
const N: u64 = 1_000;

fn then_chain(c: &mut Criterion) {
    c.bench_function("then_link_x1000/baton", |b| {
        b.iter(|| {
            let end = EventLoop::virtual_clock().run(|| {
                let mut p = Promise::<u64, Error>::resolve(0);
                for _ in 0..N {
                    p = p.map(|v| v + 1);
                }
                p
            });
            black_box(end.peek())
        })
    });
}

fn awaits(c: &mut Criterion) {
    c.bench_function("await_x1000/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().block_on(async {
                let ready = Promise::<u64, Error>::resolve(1);
                let mut sum = 0;
                for _ in 0..N {
                    sum += ready.clone().await?;
                }
                Ok::<_, Error>(sum)
            });
            black_box(out.ok())
        })
    });
    c.bench_function("await_x1000/rust_async_fn", |b| {
        // The same loop as a plain Rust async fn awaiting ready futures, on
        // the same loop: the floor for an await.
        b.iter(|| {
            let out = EventLoop::virtual_clock().block_on(async {
                let mut sum = 0;
                for _ in 0..N {
                    sum += std::future::ready(black_box(1u64)).await;
                }
                Ok::<_, Error>(sum)
            });
            black_box(out.ok())
        })
    });
}

fn all_100k(c: &mut Criterion) {
    let mut group = c.benchmark_group("all_100k");
    group.sample_size(10);
    group.bench_function("baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock()
                .run(|| all((0..100_000u64).map(Promise::<u64, Error>::resolve)).map(|v| v.len()));
            black_box(out.peek())
        })
    });
    group.finish();
}

fn timers_1m(c: &mut Criterion) {
    let mut group = c.benchmark_group("timers_1m");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("baton", |b| {
        b.iter(|| {
            let fired = std::rc::Rc::new(std::cell::Cell::new(0u32));
            let f = fired.clone();
            EventLoop::real_clock().run(move || {
                for _ in 0..1_000_000 {
                    let f = f.clone();
                    set_timeout(move || f.set(f.get() + 1), Duration::from_millis(1));
                }
            });
            assert_eq!(fired.get(), 1_000_000);
        })
    });
    group.finish();
}

fn spawn_tasks(c: &mut Criterion) {
    c.bench_function("spawn_await_x1000/baton", |b| {
        b.iter(|| {
            EventLoop::virtual_clock().run(|| {
                for _ in 0..N {
                    spawn(async { Ok::<_, Error>(Promise::<u64, Error>::resolve(1).await? + 1) });
                }
            })
        })
    });
}

criterion_group!(
    promises,
    then_chain,
    awaits,
    all_100k,
    timers_1m,
    spawn_tasks
);

fn runner(c: &mut Criterion) {
    use baton::runner::run;
    use baton::{Co, Gen};
    c.bench_function("run_yield_x1000/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().run(|| {
                let ready = Promise::<u64, Error>::resolve(1);
                run(Gen::new(
                    move |co: Co<Promise<u64>, u64, u64, Error>| async move {
                        let mut sum = 0;
                        for _ in 0..N {
                            sum += co.yield_(ready.clone()).await?;
                        }
                        Ok(sum)
                    },
                ))
            });
            black_box(out.peek())
        })
    });
}

criterion_group!(runner_benches, runner);
criterion_main!(promises, runner_benches);
