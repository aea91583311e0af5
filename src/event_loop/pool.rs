//! A pool of loops, one per thread: the way to use several cores. Each
//! thread runs a loop of its own on the real clock, inside a
//! current-thread tokio runtime, for as long as the pool lives; work goes
//! to them as `Send` closures that build the future on the loop
//! (promises, tasks and sagas are made there and never leave it), and each
//! answer comes back as a `Send` future any executor, or another baton
//! loop, can await.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

use super::EventLoop;
use crate::{Error, Fault, spawn};

/// What travels to a loop: it spawns the job's task there.
type Job = Box<dyn FnOnce() + Send>;

/// Threads, each running an [`EventLoop`] of its own on the real clock,
/// that take work until the pool is dropped (like Node's workers, or
/// tokio-util's pool of `LocalSet`s). Work is handed out in turn. Each
/// loop runs inside a current-thread tokio runtime of its thread
/// ([`EventLoop::run_async`]), so a job can await tokio's I/O and timers
/// as well as baton's promises.
///
/// Dropping the pool lets every loop finish the work it was given, then
/// joins the threads: a job still waiting on a foreign future that is
/// never woken keeps the drop waiting too, as it would keep its loop.
/// Work left waiting on nothing (a promise nobody settles) ends with its
/// loop's run, and its asker is told it got no answer.
///
/// ```
/// use baton::event_loop::LoopPool;
/// use baton::{Error, EventLoop, Promise, set_timeout};
/// use std::time::Duration;
///
/// let pool = LoopPool::new(2);
/// // Each job is made on its loop: the promise and its timer live there.
/// let answers: Vec<_> = (1..=4u64)
///     .map(|n| {
///         pool.spawn(move || async move {
///             let later = Promise::<u64>::new(move |r| {
///                 set_timeout(move || r.resolve(n * 10), Duration::from_millis(n));
///             });
///             later.await
///         })
///     })
///     .collect();
/// // The answers are `Send` futures: here another loop awaits them.
/// let sum = EventLoop::real_clock().block_on(async move {
///     let mut sum = 0;
///     for answer in answers {
///         sum += answer.await??;
///     }
///     Ok::<_, Error>(sum)
/// });
/// assert_eq!(sum.ok(), Some(100));
/// ```
#[derive(Debug)]
pub struct LoopPool {
    loops: Vec<mpsc::UnboundedSender<Job>>,
    threads: Vec<JoinHandle<()>>,
    next: AtomicUsize,
}

impl LoopPool {
    /// Starts `loops` threads (at least one), each with its loop.
    ///
    /// # Panics
    ///
    /// If the system cannot start a thread (as [`std::thread::spawn`]) or
    /// a tokio runtime for it (its timer or I/O driver).
    ///
    /// ```
    /// use baton::event_loop::LoopPool;
    ///
    /// let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    /// let pool = LoopPool::new(cores);
    /// assert_eq!(pool.loops(), cores);
    /// ```
    pub fn new(loops: usize) -> Self {
        let (loops, threads) = (0..loops.max(1))
            .map(|i| {
                let (sender, mut jobs) = mpsc::unbounded_channel::<Job>();
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap_or_else(|e| panic!("starting a loop's tokio runtime: {e}"));
                let thread = std::thread::Builder::new()
                    .name(format!("baton-loop-{i}"))
                    .spawn(move || {
                        // Takes jobs until the pool lets go of its sender,
                        // then runs on until what they started is done.
                        let taking = async move {
                            while let Some(job) = jobs.recv().await {
                                job();
                            }
                            Ok::<_, Error>(())
                        };
                        runtime.block_on(EventLoop::real_clock().run_async(|| spawn(taking)));
                    })
                    .unwrap_or_else(|e| panic!("starting a loop's thread: {e}"));
                (sender, thread)
            })
            .unzip();
        LoopPool {
            loops,
            threads,
            next: AtomicUsize::new(0),
        }
    }

    /// How many loops (threads) the pool runs.
    ///
    /// ```
    /// assert_eq!(baton::event_loop::LoopPool::new(3).loops(), 3);
    /// ```
    pub fn loops(&self) -> usize {
        self.loops.len()
    }

    /// Runs the future `make` builds on the next loop in turn, as a task
    /// there; its output comes back through the returned `Send` future.
    ///
    /// # Errors
    ///
    /// The returned future fails if the job never answers: it panicked
    /// (building its future or polling it: a [`Fault`] with the panic's
    /// message, and its loop goes on), its loop ended its run while the job
    /// still waited (on a promise nobody settles, once the pool is
    /// dropped), or its loop is gone.
    ///
    /// ```
    /// use baton::event_loop::LoopPool;
    /// use baton::{EventLoop, FaultKind};
    ///
    /// let pool = LoopPool::new(1);
    /// let fine = pool.spawn(|| async { 7 });
    /// let broken = pool.spawn(|| async { panic!("boom") as u8 });
    /// let out = EventLoop::real_clock().block_on(async move {
    ///     let broken = broken.await.unwrap_err();
    ///     let fault = broken.downcast_ref::<baton::Fault>().map(|f| (f.kind(), f.message().to_owned()));
    ///     Ok::<_, baton::Error>((fine.await?, fault))
    /// });
    /// assert_eq!(out.ok(), Some((7, Some((FaultKind::Panic, "boom".to_owned())))));
    /// ```
    pub fn spawn<F, Fut, T>(
        &self,
        make: F,
    ) -> impl Future<Output = Result<T, Error>> + Send + use<F, Fut, T>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = T> + 'static,
        T: Send + 'static,
    {
        let (answer, answered) = oneshot::channel::<Result<T, Error>>();
        let job: Job = Box::new(move || {
            // The task runs on without its handle; it answers through
            // `answer`, a panic included (the task itself never fails).
            drop(spawn(async move {
                let outcome = match catch_unwind(AssertUnwindSafe(make)) {
                    Ok(future) => CatchPanic { future }.await,
                    Err(payload) => Err(Fault::from_panic(&*payload).into()),
                };
                let _ = answer.send(outcome); // the asker may have gone
                Ok::<_, Error>(())
            }));
        });
        let at = self.next.fetch_add(1, Ordering::Relaxed) % self.loops.len();
        // A loop that is gone drops the job, and with it the answer's end.
        let _ = self.loops[at].send(job);
        async move {
            answered.await.unwrap_or_else(|_| {
                Err(Error::msg(
                    "a pooled job ended without an answer (its loop's run ended while it \
                     waited, or its loop is gone)",
                ))
            })
        }
    }
}

pin_project_lite::pin_project! {
    /// A future whose panic is caught and becomes its error: a pooled
    /// job's panic travels back to its asker instead of failing the task.
    struct CatchPanic<F> {
        #[pin]
        future: F,
    }
}

impl<F: Future> Future for CatchPanic<F> {
    type Output = Result<F::Output, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let future = self.project().future;
        match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
            Ok(polled) => polled.map(Ok),
            Err(payload) => Poll::Ready(Err(Fault::from_panic(&*payload).into())),
        }
    }
}

impl Drop for LoopPool {
    fn drop(&mut self) {
        self.loops.clear();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}
