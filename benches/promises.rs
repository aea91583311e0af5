//! Promises and the event loop: ns per then-link, per await, per `all`
//! element, and 1,000,000 timers (compared with Node by `bench/run`), and
//! awaits of foreign futures, which Node has no counterpart for.

use std::cell::{Cell, RefCell};
use std::future::{Future, poll_fn};
use std::hint::black_box;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

#[path = "shared/allocator.rs"]
mod allocator;

use baton::promise::{all, race};
use baton::{Error, EventLoop, Promise, queue_microtask, set_timeout, spawn};
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
    c.bench_function("await_woken_x1000/baton", |b| {
        // An await of a promise still pending (a microtask fulfils it),
        // then of a settled one: the task resumed by the reaction goes on.
        b.iter(|| {
            let out = EventLoop::virtual_clock().block_on(async {
                let ready = Promise::<u64, Error>::resolve(1);
                let mut sum = 0;
                for _ in 0..N {
                    let (later, resolver) = Promise::<u64, Error>::with_resolver();
                    queue_microtask(move || resolver.resolve(1));
                    sum += later.await?;
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

/// 1,000 races of a settled promise against one that never settles (a
/// timeout that did not fire), each awaited.
fn races(c: &mut Criterion) {
    c.bench_function("race_x1000/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().block_on(async {
                let ready = Promise::<u64, Error>::resolve(1);
                let (never, _resolver) = Promise::<u64, Error>::with_resolver();
                let mut sum = 0;
                for _ in 0..N {
                    sum += race([ready.clone(), never.clone()]).await?;
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

/// Sets 1,000,000 timers of 1 ms; the last to fire resolves the promise
/// returned (Node's row: `if (++fired === 1000000) resolve()`).
fn million_timers() -> Promise<(), Error> {
    let (done, resolver) = Promise::with_resolver();
    let resolver = Rc::new(resolver);
    let fired = Rc::new(Cell::new(0u32));
    for _ in 0..1_000_000 {
        let (fired, resolver) = (fired.clone(), resolver.clone());
        set_timeout(
            move || {
                fired.set(fired.get() + 1);
                if fired.get() == 1_000_000 {
                    resolver.resolve(());
                }
            },
            Duration::from_millis(1),
        );
    }
    done
}

fn timers_1m(c: &mut Criterion) {
    let mut group = c.benchmark_group("timers_1m");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    // As Node's row runs: rounds awaited one after another on a running
    // loop, after a warm-up round (which grows the loop's timer slab as
    // Node's warm-up grows V8's heap).
    group.bench_function("baton", |b| {
        b.iter_custom(|rounds| {
            EventLoop::real_clock()
                .block_on(async move {
                    million_timers().await?;
                    let start = Instant::now();
                    for _ in 0..rounds {
                        million_timers().await?;
                    }
                    Ok::<_, Error>(start.elapsed())
                })
                .expect("every round completes")
        })
    });
    // Each round on a loop of its own, whose buffers are freed at its end:
    // the system allocator then hands the memory back to the kernel, and
    // every round pays the page faults of getting it again.
    group.bench_function("baton_fresh_loop", |b| {
        b.iter(|| {
            let done = EventLoop::real_clock().run(million_timers);
            assert!(done.peek().is_some_and(|r| r.is_ok()));
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

/// A future from outside baton: it keeps a clone of its waker (a foreign
/// waker, counted while alive) and wakes it, ready on its second poll.
struct Foreign(Option<Waker>);

impl Future for Foreign {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.0.take() {
            Some(kept) => {
                drop(kept);
                Poll::Ready(())
            }
            None => {
                let kept = cx.waker().clone();
                kept.wake_by_ref();
                self.0 = Some(kept);
                Poll::Pending
            }
        }
    }
}

/// An async fn awaiting 1,000 foreign futures in turn; and 10,000 tasks
/// each waiting on one at once, all woken together (where the count of
/// live foreign wakers per task must not search a list).
fn foreign_futures(c: &mut Criterion) {
    c.bench_function("foreign_await_x1000/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().block_on(async {
                for _ in 0..N {
                    Foreign(None).await;
                }
                Ok::<_, Error>(())
            });
            black_box(out.ok())
        })
    });
    c.bench_function("foreign_wait_10k/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().run(|| {
                let shelf: Rc<RefCell<Vec<Waker>>> = Rc::default();
                let tasks: Vec<_> = (0..10_000)
                    .map(|_| {
                        let shelf = shelf.clone();
                        let mut waited = false;
                        spawn(async move {
                            poll_fn(|cx| {
                                if std::mem::replace(&mut waited, true) {
                                    return Poll::Ready(());
                                }
                                shelf.borrow_mut().push(cx.waker().clone());
                                Poll::Pending
                            })
                            .await;
                            Ok::<_, Error>(())
                        })
                    })
                    .collect();
                baton::queue_microtask(move || {
                    let woken: Vec<_> = shelf.borrow_mut().drain(..).collect();
                    woken.into_iter().for_each(Waker::wake);
                });
                all(tasks)
            });
            black_box(out.peek().map(|r| r.is_ok()))
        })
    });
}

criterion_group!(
    promises,
    then_chain,
    awaits,
    races,
    all_100k,
    timers_1m,
    spawn_tasks,
    foreign_futures
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

/// 1,000 runs of `function* () { return yield ready }` on one token, each
/// adding its listener and removing it as it ends (seed 003's
/// `runCancellable` in Node, whose token keeps them).
fn cancellable_runs(c: &mut Criterion) {
    use baton::runner::{CancellationToken, run_cancellable};
    use baton::{Co, Gen};
    c.bench_function("run_cancellable_x1000/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().run(|| {
                let token = CancellationToken::<Error>::new();
                let ready = Promise::<u64, Error>::resolve(1);
                let runs: Vec<_> = (0..N)
                    .map(|_| {
                        let ready = ready.clone();
                        let one_yield =
                            Gen::new(move |co: Co<Promise<u64>, u64, u64, Error>| async move {
                                co.yield_(ready).await
                            });
                        run_cancellable(one_yield, &token)
                    })
                    .collect();
                all(runs)
            });
            black_box(out.peek().map(|r| r.is_ok()))
        })
    });
}

criterion_group!(runner_benches, runner, cancellable_runs);
criterion_main!(promises, runner_benches);
