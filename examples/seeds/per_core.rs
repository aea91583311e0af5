//! One loop per core. baton's loop is single-threaded, as JavaScript's is:
//! promises and tasks are `Rc`s and never leave their thread. A program
//! uses its cores as Node uses workers: a thread per core, each running a
//! loop of its own, with plain `Send` data crossing between them.
//!
//! Here the work is seed 003's `sleeper` saga (`yield delay(1000); return
//! 1`), split over the worker loops, each on its own virtual clock. The
//! coordinator's loop awaits each worker's count as a foreign future (a
//! `tokio::sync::oneshot` receiver: its waker crosses to the worker's
//! thread), then reads a stream of squares one worker sends through a
//! bounded channel: an async generator on the coordinator's side, whose
//! `for await` pulls while the worker's `send` waits for room. Last,
//! actions made on another thread (a server's, say) are dispatched into a
//! store on the loop, where a `take_every` saga handles each. With the
//! `tokio` feature, a `LoopPool` keeps such loops for a program's life,
//! each inside a tokio runtime of its own: its sagas call tokio's timer.

use std::cell::RefCell;
use std::fmt::Write;
use std::ops::ControlFlow;
use std::rc::Rc;
use std::thread;

use baton::async_gen::{AsyncIteratorExt, for_await};
use baton::saga::{Action, Runtime, Saga, SagaCo, Store, delay, run_saga, take_every};
use baton::{AsyncGen, Co, Error, EventLoop, Gen, now, promise};
use tokio::sync::{mpsc, oneshot};

/// What one worker loop reports: how many sagas it ran, how many came
/// back with their value, and where its virtual clock stood at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerReport {
    pub sagas: u64,
    pub resumed: u64,
    pub virtual_ms: u128,
}

/// Seed 003's `function* sleeper() { yield delay(1000); return 1 }`.
fn sleeper() -> impl Saga<Output = u64> {
    Gen::new(|co: SagaCo<u64>| async move {
        delay(&co, 1000).await?;
        Ok(1)
    })
}

/// A worker: its own loop, on its own virtual clock, running `sagas`
/// sleepers side by side until every one has come back.
fn run_worker(sagas: u64) -> Result<WorkerReport, Error> {
    EventLoop::virtual_clock().block_on(async move {
        let all = promise::all((0..sagas).map(|_| run_saga(sleeper()).promise()));
        let resumed = all.await?.iter().sum();
        Ok::<_, Error>(WorkerReport {
            sagas,
            resumed,
            virtual_ms: now().as_millis(),
        })
    })
}

/// Runs `sagas` sleepers over `loops` threads, each with its own loop, and
/// gathers the reports on a coordinating loop. The reports come back in
/// the workers' order whatever order their threads finish in. Threads of
/// its own, not a `LoopPool`: a pool's loop waits for its next job, a
/// wake-up from outside that would hold a virtual clock's time back, so
/// its loops run on the real clock, where these sagas would sleep a real
/// second.
///
/// # Errors
///
/// A worker's failure, or a worker thread that ended without reporting.
pub fn sleepers_on_loops(loops: u64, sagas: u64) -> Result<Vec<WorkerReport>, Error> {
    let mut receivers = Vec::new();
    let mut threads = Vec::new();
    for worker in 0..loops {
        // The last worker takes the remainder.
        let share = sagas / loops
            + if worker + 1 == loops {
                sagas % loops
            } else {
                0
            };
        let (report, received) = oneshot::channel();
        receivers.push(received);
        threads.push(thread::spawn(move || {
            // The coordinator may have given up; nothing to tell then.
            let _ = report.send(run_worker(share));
        }));
    }
    let reports = EventLoop::real_clock().block_on(async move {
        let mut reports = Vec::new();
        for received in receivers {
            // A foreign future: the worker's thread wakes this loop.
            let report = received.await.map_err(Error::new)?;
            reports.push(report?);
        }
        Ok::<_, Error>(reports)
    });
    for thread in threads {
        thread
            .join()
            .map_err(|_| Error::msg("a worker thread panicked"))?;
    }
    reports
}

/// A worker loop sends the squares of `1..=n` through a channel with room
/// for `room`; the coordinator's loop reads them as an async generator.
/// Returns what the coordinator saw, in order, and their sum.
///
/// # Errors
///
/// A failure on either side.
pub fn squares_between_loops(n: u64, room: usize) -> Result<(Vec<u64>, u64), Error> {
    let (sender, mut receiver) = mpsc::channel::<u64>(room);
    let worker = thread::spawn(move || {
        EventLoop::virtual_clock().block_on(async move {
            let numbers = AsyncGen::new(move |co: Co<u64, (), (), Error>| async move {
                for i in 1..=n {
                    co.yield_(i).await?;
                }
                Ok(())
            });
            for_await(numbers.map(|i| i * i), async |square| {
                // Waits for room: the coordinator's pull wakes this loop.
                match sender.send(square).await {
                    Ok(()) => ControlFlow::Continue(()),
                    Err(_) => ControlFlow::Break(()), // the reader went away
                }
            })
            .await?;
            Ok::<_, Error>(())
        })
    });
    let seen = EventLoop::real_clock().block_on(async move {
        // The receiving end as an async iterable of this loop.
        let squares =
            AsyncGen::<u64, (), (), Error>::from_poll_fn(move |cx| receiver.poll_recv(cx));
        squares.to_vec().await
    });
    worker
        .join()
        .map_err(|_| Error::msg("the worker thread panicked"))??;
    let seen = seen?;
    let sum = seen.iter().sum();
    Ok((seen, sum))
}

/// An order placed on another thread: plain `Send` data until it is
/// dispatched on the loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub id: u32,
    pub items: u32,
}

impl Action for Order {
    fn action_type(&self) -> &str {
        "ORDER"
    }
}

/// A thread places `orders` and sends them through a channel; the loop's
/// side dispatches each into a store (whose reducer counts the items), a
/// `take_every("ORDER", ship)` saga forks a worker for each, and `END` is
/// dispatched once the sending side is gone, which ends the watcher.
/// Returns the workers' lines, in order, and the store's count.
///
/// # Errors
///
/// A failure on either side.
pub fn orders_into_a_store(orders: Vec<Order>) -> Result<(Vec<String>, u32), Error> {
    let (sender, mut receiver) = mpsc::unbounded_channel::<Order>();
    let front = thread::spawn(move || {
        for order in orders {
            if sender.send(order).is_err() {
                break; // the loop went away
            }
        }
    });
    let shipped = Rc::new(RefCell::new(Vec::new()));
    let lines = shipped.clone();
    let items = EventLoop::real_clock().block_on(async move {
        let store = Store::new(0u32, |items: &mut u32, order: &Order| *items += order.items);
        let runtime = Runtime::new().with_store(&store);
        let ship = move |order: Order| {
            let lines = lines.clone();
            Gen::new(move |_co: SagaCo<()>| async move {
                let line = format!("shipped order {} ({} items)", order.id, order.items);
                lines.borrow_mut().push(line);
                Ok(())
            })
        };
        let watcher = runtime.run("orders", take_every("ORDER", ship));
        // The channel's receiving end: a foreign future, woken from the
        // sending thread.
        while let Some(order) = std::future::poll_fn(|cx| receiver.poll_recv(cx)).await {
            store.dispatch(order);
        }
        store.end();
        watcher.promise().await?;
        Ok::<_, Error>(store.state())
    });
    front
        .join()
        .map_err(|_| Error::msg("the sending thread panicked"))?;
    let items = items?;
    let lines = shipped.borrow().clone();
    Ok((lines, items))
}

/// `pause(ms)`: tokio's timer, called by a saga (`runner::future` makes a
/// Rust future a call's result).
#[cfg(feature = "tokio")]
fn pause(
    ms: u64,
) -> baton::runner::FutureYield<impl std::future::Future<Output = Result<(), Error>>> {
    baton::runner::future(async move {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        Ok(())
    })
}

/// A [`LoopPool`](baton::event_loop::LoopPool) of `loops` threads runs
/// `jobs` sagas, each made on the loop it is handed to (it calls tokio's
/// timer for 5 ms, which a pooled loop can await, then gives its number
/// back). Returns, for each job in order, the thread it ran on and what
/// it returned.
///
/// # Errors
///
/// A job that never answered.
#[cfg(feature = "tokio")]
pub fn sagas_on_a_pool(loops: usize, jobs: u64) -> Result<Vec<(String, u64)>, Error> {
    let pool = baton::event_loop::LoopPool::new(loops);
    let answers: Vec<_> = (0..jobs)
        .map(|n| {
            pool.spawn(move || async move {
                let saga = Gen::new(move |co: SagaCo<u64>| async move {
                    baton::saga::call(&co, pause, 5).await?;
                    Ok(n)
                });
                let value = run_saga(saga).promise().await;
                let thread = thread::current().name().unwrap_or("?").to_owned();
                value.map(|v| (thread, v))
            })
        })
        .collect();
    EventLoop::real_clock().block_on(async move {
        let mut ran = Vec::new();
        for answer in answers {
            ran.push(answer.await??);
        }
        Ok::<_, Error>(ran)
    })
}

/// The tour's page: the scenarios, with what each loop reported.
pub fn per_core() -> String {
    let mut out = String::new();
    let (loops, sagas) = (2, 100_000);
    let _ = writeln!(
        out,
        "{sagas} sleeper sagas (`yield delay(1000); return 1`) over {loops} loops, one thread each:"
    );
    match sleepers_on_loops(loops, sagas) {
        Ok(reports) => {
            for (i, r) in reports.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "  loop {i}: {} sagas, {} came back with 1, its virtual clock at {} ms",
                    r.sagas, r.resumed, r.virtual_ms
                );
            }
            let total: u64 = reports.iter().map(|r| r.resumed).sum();
            let _ = writeln!(out, "  the coordinator's loop counted {total}");
        }
        Err(e) => {
            let _ = writeln!(out, "  failed: {e}");
        }
    }
    let _ = writeln!(
        out,
        "squares of 1..=8 from a worker loop, through a channel with room for 2:"
    );
    match squares_between_loops(8, 2) {
        Ok((seen, sum)) => {
            let _ = writeln!(
                out,
                "  for await on the coordinator's loop: {seen:?}, sum {sum}"
            );
        }
        Err(e) => {
            let _ = writeln!(out, "  failed: {e}");
        }
    }
    let _ = writeln!(
        out,
        "orders placed on another thread, dispatched into a store, handled by take_every:"
    );
    let orders = (1..=3).map(|id| Order { id, items: id * 2 }).collect();
    match orders_into_a_store(orders) {
        Ok((lines, items)) => {
            for line in lines {
                let _ = writeln!(out, "  {line}");
            }
            let _ = writeln!(
                out,
                "  END ended the watcher; the store counted {items} items"
            );
        }
        Err(e) => {
            let _ = writeln!(out, "  failed: {e}");
        }
    }
    #[cfg(feature = "tokio")]
    {
        let _ = writeln!(
            out,
            "a LoopPool of 2 loops, 4 sagas handed out in turn, each calling tokio's timer:"
        );
        match sagas_on_a_pool(2, 4) {
            Ok(ran) => {
                for (thread, n) in ran {
                    let _ = writeln!(out, "  saga {n} ran on {thread} and returned {n}");
                }
            }
            Err(e) => {
                let _ = writeln!(out, "  failed: {e}");
            }
        }
    }
    out
}
