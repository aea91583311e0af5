//! The waker a task lends to each poll: free to lend, a real thread-safe
//! waker once cloned, and counted so the loop waits only for wake-ups that
//! can still come.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use baton::{Error, EventLoop, Promise, spawn};
use proptest::prelude::*;

type Log = Rc<RefCell<Vec<String>>>;

/// Pending until `ready` is set; hands its waker to `stash` on each poll.
struct Gate<F> {
    ready: Arc<AtomicBool>,
    stash: F,
    log: Log,
}

impl<F: FnMut(&Waker) + Unpin> Future for Gate<F> {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.ready.load(Ordering::SeqCst) {
            self.log.borrow_mut().push("gate: open".into());
            return Poll::Ready(());
        }
        self.log.borrow_mut().push("gate: pending".into());
        (self.stash)(cx.waker());
        Poll::Pending
    }
}

#[test]
fn a_waker_cloned_on_another_thread_during_a_poll_wakes_the_task_later() {
    let log: Log = Rc::default();
    let ready = Arc::new(AtomicBool::new(false));
    let waker_thread = Arc::new(Mutex::new(None::<std::thread::JoinHandle<()>>));
    let (l, r, w) = (log.clone(), ready.clone(), waker_thread.clone());
    let out = EventLoop::real_clock().block_on(async move {
        let gate = Gate {
            ready: r.clone(),
            stash: move |waker: &Waker| {
                // Clone the lent waker on another thread, while the poll runs.
                let cloned = std::thread::scope(|s| {
                    s.spawn(|| waker.clone()).join().expect("cloning thread")
                });
                let r = r.clone();
                *w.lock().expect("lock") = Some(std::thread::spawn(move || {
                    r.store(true, Ordering::SeqCst);
                    cloned.wake();
                }));
            },
            log: l.clone(),
        };
        gate.await;
        l.borrow_mut().push("task: done".into());
        Ok::<_, Error>(7)
    });
    if let Some(t) = waker_thread.lock().expect("lock").take() {
        t.join().expect("waking thread");
    }
    assert_eq!(out.ok(), Some(7));
    assert_eq!(*log.borrow(), ["gate: pending", "gate: open", "task: done"]);
}

/// A gate that opens itself and wakes the lent waker by reference in its
/// first poll: the task is polled again as a wake-up from outside.
fn woken_by_ref(log: &Log, ready: Arc<AtomicBool>) -> Gate<impl FnMut(&Waker) + Unpin> {
    Gate {
        ready: ready.clone(),
        stash: move |waker: &Waker| {
            ready.store(true, Ordering::SeqCst);
            waker.wake_by_ref();
        },
        log: log.clone(),
    }
}

#[test]
fn wake_by_ref_on_the_lent_waker_polls_the_task_again() {
    let log: Log = Rc::default();
    let ready = Arc::new(AtomicBool::new(false));
    let (l, r) = (log.clone(), ready.clone());
    let out = EventLoop::virtual_clock().block_on(async move {
        woken_by_ref(&l, r).await;
        Ok::<_, Error>(1)
    });
    assert_eq!(out.ok(), Some(1));
    assert_eq!(*log.borrow(), ["gate: pending", "gate: open"]);
}

#[test]
fn a_task_woken_from_outside_goes_on_after_its_awaits_in_turn_order() {
    // Polled again as the whole of its turn, the task takes its awaits'
    // turns at once only while nothing else is queued.
    let log: Log = Rc::default();
    let ready = Arc::new(AtomicBool::new(false));
    let (l, r) = (log.clone(), ready.clone());
    let out = EventLoop::virtual_clock().block_on(async move {
        woken_by_ref(&l, r).await;
        let m = l.clone();
        baton::queue_microtask(move || m.borrow_mut().push("microtask".into()));
        let a = Promise::<u32>::resolve(1).await?;
        l.borrow_mut().push(format!("awaited {a}"));
        let b = Promise::<u32>::resolve(2).await?;
        l.borrow_mut().push(format!("awaited {b}"));
        Ok::<_, Error>(a + b)
    });
    assert_eq!(out.ok(), Some(3));
    assert_eq!(
        *log.borrow(),
        [
            "gate: pending",
            "gate: open",
            "microtask",
            "awaited 1",
            "awaited 2"
        ]
    );
}

#[test]
fn a_finished_tasks_leaked_waker_does_not_keep_the_loop_alive() {
    let leaked: Arc<Mutex<Vec<Waker>>> = Arc::default();
    for run in 0..2 {
        let keep = leaked.clone();
        let log: Log = Rc::default();
        let l = log.clone();
        let out = EventLoop::virtual_clock().block_on(async move {
            // A waker kept by someone else after the task is done with it.
            std::future::poll_fn(|cx| {
                keep.lock().expect("lock").push(cx.waker().clone());
                Poll::Ready(())
            })
            .await;
            let v = Promise::<u32>::resolve(run).await?;
            l.borrow_mut().push(format!("run {v}: done"));
            Ok::<_, Error>(v)
        });
        assert_eq!(out.ok(), Some(run));
        assert_eq!(*log.borrow(), [format!("run {run}: done")]);
    }
    // Waking the stale wakers after their runs is harmless.
    for waker in leaked.lock().expect("lock").drain(..) {
        waker.wake();
    }
    let out = EventLoop::virtual_clock().block_on(async { Ok::<_, Error>(3) });
    assert_eq!(out.ok(), Some(3));
}

#[test]
fn a_waiting_task_whose_wakers_are_all_dropped_is_reported_stalled() {
    let out: Result<u8, Error> = EventLoop::virtual_clock().block_on(async {
        let gate = Gate {
            ready: Arc::default(),
            // The clone is dropped at once: nobody can wake the task.
            stash: |waker: &Waker| drop(waker.clone()),
            log: Rc::default(),
        };
        gate.await;
        Ok(1)
    });
    let fault = out.expect_err("stalled");
    assert!(fault.to_string().contains("stalled"), "{fault}");
}

#[test]
fn many_tasks_each_wait_on_a_foreign_wake() {
    // Keys are reused as tasks finish: each waker still reaches its task.
    let wakers: Arc<Mutex<Vec<(usize, Waker)>>> = Arc::default();
    let flags: Arc<Vec<AtomicBool>> = Arc::new((0..50).map(|_| AtomicBool::new(false)).collect());
    let (w, f) = (wakers.clone(), flags.clone());
    let waker_thread = std::thread::spawn(move || {
        let mut woken = 0;
        while woken < 50 {
            let batch: Vec<_> = w.lock().expect("lock").drain(..).collect();
            for (i, waker) in batch {
                f[i].store(true, Ordering::SeqCst);
                waker.wake();
                woken += 1;
            }
            std::thread::yield_now();
        }
    });
    let done = EventLoop::real_clock().run(move || {
        let all = (0..50usize).map(|i| {
            let (w, f) = (wakers.clone(), flags.clone());
            spawn(async move {
                std::future::poll_fn(|cx| {
                    if f[i].load(Ordering::SeqCst) {
                        Poll::Ready(())
                    } else {
                        w.lock().expect("lock").push((i, cx.waker().clone()));
                        Poll::Pending
                    }
                })
                .await;
                Ok::<_, Error>(i)
            })
        });
        baton::promise::all(all.collect::<Vec<_>>())
    });
    waker_thread.join().expect("waking thread");
    assert_eq!(
        done.peek().and_then(Result::ok),
        Some((0..50).collect::<Vec<_>>())
    );
}

#[test]
fn tasks_awaiting_foreign_futures_in_turn_are_each_woken_every_time() {
    // Each task awaits 50 foreign futures one after another, each woken
    // from another thread, often while the loop waits for it: the waker a
    // task keeps from one await to the next reaches it every time, and
    // the loop is roused from its wait every time.
    const TASKS: usize = 20;
    const AWAITS: usize = 50;
    type Parked = Arc<Mutex<Vec<(Arc<AtomicBool>, Waker)>>>;
    let parked: Parked = Arc::default();
    let finished = Arc::new(AtomicBool::new(false));
    let (p, f) = (parked.clone(), finished.clone());
    let waker_thread = std::thread::spawn(move || {
        let mut woken = 0;
        while !f.load(Ordering::SeqCst) {
            let batch: Vec<_> = p.lock().expect("lock").drain(..).collect();
            for (ready, waker) in batch {
                ready.store(true, Ordering::SeqCst);
                waker.wake();
                woken += 1;
            }
            // Long enough for the loop to run out of work and wait.
            std::thread::sleep(std::time::Duration::from_micros(100));
        }
        woken
    });
    // A hang would be the failure here: the run goes on a thread of its
    // own, and a generous deadline turns a hang into a failed test.
    let (sent, received) = std::sync::mpsc::channel();
    let runner = std::thread::spawn(move || {
        let done = EventLoop::real_clock().run(move || {
            let tasks = (0..TASKS).map(|i| {
                let parked = parked.clone();
                spawn(async move {
                    let mut sum = 0;
                    for n in 0..AWAITS {
                        let ready = Arc::new(AtomicBool::new(false));
                        std::future::poll_fn(|cx| {
                            if ready.load(Ordering::SeqCst) {
                                return Poll::Ready(());
                            }
                            let waker = cx.waker().clone();
                            parked.lock().expect("lock").push((ready.clone(), waker));
                            Poll::Pending
                        })
                        .await;
                        sum += i * AWAITS + n;
                    }
                    Ok::<_, Error>(sum)
                })
            });
            baton::promise::all(tasks.collect::<Vec<_>>())
        });
        let _ = sent.send(done.peek().and_then(Result::ok));
    });
    let sums = received
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("the run finished");
    finished.store(true, Ordering::SeqCst);
    runner.join().expect("the loop's thread");
    let woken = waker_thread.join().expect("the waking thread");
    let expected: Vec<usize> = (0..TASKS)
        .map(|i| (0..AWAITS).map(|n| i * AWAITS + n).sum())
        .collect();
    assert_eq!(sums, Some(expected));
    assert_eq!(woken, TASKS * AWAITS);
}

/// An async generator whose body awaits a foreign future between yields:
/// the loop holds it while a waker is out, and parks it at each yield.
fn gated_numbers(
    gates: Vec<Arc<AtomicBool>>,
    wake: fn(&Waker, &Arc<AtomicBool>),
    log: Log,
) -> baton::AsyncGen<usize> {
    baton::AsyncGen::new(move |co: baton::Co<usize, (), (), Error>| async move {
        for (i, ready) in gates.into_iter().enumerate() {
            let r = ready.clone();
            let gate = Gate {
                ready,
                stash: move |waker: &Waker| wake(waker, &r),
                log: log.clone(),
            };
            gate.await;
            co.yield_(i).await?;
        }
        Ok(())
    })
}

#[test]
fn an_async_generator_awaiting_a_foreign_wake_between_yields_resumes() {
    let log: Log = Rc::default();
    let gates: Vec<_> = (0..3).map(|_| Arc::new(AtomicBool::new(false))).collect();
    // Each step's waker is cloned and woken from another thread.
    fn wake_later(waker: &Waker, ready: &Arc<AtomicBool>) {
        let (waker, ready) = (waker.clone(), ready.clone());
        let handle = std::thread::spawn(move || {
            ready.store(true, Ordering::SeqCst);
            waker.wake();
        });
        THREADS.with(|t| t.borrow_mut().push(handle));
    }
    thread_local! {
        static THREADS: RefCell<Vec<std::thread::JoinHandle<()>>> = const { RefCell::new(Vec::new()) };
    }
    let numbers = gated_numbers(gates, wake_later, log.clone());
    let out = EventLoop::real_clock().block_on(async move {
        let mut seen = Vec::new();
        while let baton::Step::Yielded(i) = numbers.next(()).await? {
            seen.push(i);
        }
        Ok::<_, Error>(seen)
    });
    for t in THREADS.with(|t| std::mem::take(&mut *t.borrow_mut())) {
        t.join().expect("waking thread");
    }
    assert_eq!(out.ok(), Some(vec![0, 1, 2]));
    assert_eq!(log.borrow().len(), 6, "each gate: pending, then open");
}

#[test]
fn an_async_generator_woken_through_its_lent_waker_resumes() {
    let gates: Vec<_> = (0..2).map(|_| Arc::new(AtomicBool::new(false))).collect();
    fn wake_now(waker: &Waker, ready: &Arc<AtomicBool>) {
        ready.store(true, Ordering::SeqCst);
        waker.wake_by_ref();
    }
    let numbers = gated_numbers(gates, wake_now, Rc::default());
    let out = EventLoop::virtual_clock().block_on(async move {
        let mut seen = Vec::new();
        while let baton::Step::Yielded(i) = numbers.next(()).await? {
            seen.push(i);
        }
        Ok::<_, Error>(seen)
    });
    assert_eq!(out.ok(), Some(vec![0, 1]));
}

#[test]
fn an_async_generator_whose_waker_is_dropped_is_reported_stalled() {
    fn drop_it(waker: &Waker, _: &Arc<AtomicBool>) {
        drop(waker.clone());
    }
    let numbers = gated_numbers(vec![Arc::default()], drop_it, Rc::default());
    let out = EventLoop::virtual_clock().block_on(async move {
        numbers.next(()).await?;
        Ok::<_, Error>(())
    });
    let fault = out.expect_err("stalled");
    assert!(fault.to_string().contains("stalled"), "{fault}");
}

/// Polls its future only after its own waker was woken, as
/// `FuturesUnordered` and `buffer_unordered` do: a future under it that
/// resumed the task without waking that waker would never be looked at
/// again.
struct OnlyWhenWoken<F> {
    inner: Pin<Box<F>>,
    own: Arc<OwnWaker>,
}

struct OwnWaker {
    woken: AtomicBool,
    wakes: std::sync::atomic::AtomicUsize,
    outer: Mutex<Option<Waker>>,
}

impl std::task::Wake for OwnWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        self.wakes.fetch_add(1, Ordering::SeqCst);
        let outer = self.outer.lock().map(|w| w.clone()).unwrap_or_default();
        if let Some(outer) = outer {
            outer.wake();
        }
    }
}

impl<F: Future> OnlyWhenWoken<F> {
    fn new(inner: F) -> Self {
        OnlyWhenWoken {
            inner: Box::pin(inner),
            own: Arc::new(OwnWaker {
                // Polled the first time, as any future is.
                woken: AtomicBool::new(true),
                wakes: Default::default(),
                outer: Mutex::new(None),
            }),
        }
    }
}

impl<F: Future> Future for OnlyWhenWoken<F> {
    type Output = (F::Output, usize);
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Ok(mut outer) = self.own.outer.lock() {
            *outer = Some(cx.waker().clone());
        }
        if !self.own.woken.swap(false, Ordering::SeqCst) {
            return Poll::Pending;
        }
        let waker = Waker::from(self.own.clone());
        let wakes = self.own.wakes.load(Ordering::SeqCst);
        match self.inner.as_mut().poll(&mut Context::from_waker(&waker)) {
            Poll::Ready(out) => Poll::Ready((out, wakes)),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[test]
fn a_promise_awaited_under_a_combinators_own_waker_wakes_that_waker() {
    let out = EventLoop::real_clock().block_on(async {
        let (promise, resolver) = Promise::<u32, Error>::with_resolver();
        baton::queue_microtask(move || resolver.resolve(5));
        let (value, wakes) = OnlyWhenWoken::new(promise.into_future()).await;
        Ok::<_, Error>((value?, wakes))
    });
    assert_eq!(out.ok(), Some((5, 1)), "its own waker woken once");
}

#[test]
fn a_promise_fulfilled_from_the_start_awaited_under_a_combinators_own_waker_wakes_it_once() {
    let out = EventLoop::real_clock().block_on(async {
        let (value, wakes) =
            OnlyWhenWoken::new(Promise::<u32, Error>::resolve(6).into_future()).await;
        Ok::<_, Error>((value?, wakes))
    });
    assert_eq!(
        out.ok(),
        Some((6, 1)),
        "one turn, then its own waker woken once"
    );
}

#[test]
fn an_async_generators_next_under_a_combinators_own_waker_wakes_that_waker() {
    let numbers = baton::AsyncGen::new(|co: baton::Co<u32, (), (), Error>| async move {
        co.yield_(7).await?;
        Ok(())
    });
    let mut numbers = numbers;
    let out = EventLoop::real_clock().block_on(async move {
        // The iteration protocol's `next`, which answers a task directly.
        let (item, wakes) =
            OnlyWhenWoken::new(baton::async_gen::AsyncIterator::next(&mut numbers)).await;
        Ok::<_, Error>((item?, wakes))
    });
    assert_eq!(out.ok(), Some((Some(7), 1)));
}

#[test]
fn a_promise_awaited_in_an_async_generators_body_under_a_combinator_resumes_it() {
    let numbers = baton::AsyncGen::new(|co: baton::Co<u32, (), (), Error>| async move {
        let (promise, resolver) = Promise::<u32, Error>::with_resolver();
        baton::queue_microtask(move || resolver.resolve(9));
        let (value, wakes) = OnlyWhenWoken::new(promise.into_future()).await;
        co.yield_(value? * 10 + wakes as u32).await?;
        Ok(())
    });
    let out = EventLoop::real_clock().block_on(async move {
        let step = numbers.next(()).await?;
        Ok::<_, Error>(step.yielded())
    });
    assert_eq!(out.ok(), Some(Some(91)));
}

/// Runs `main` on a virtual clock with a gate that keeps its waker and
/// opens only when the uncaught hook is told something (it then wakes the
/// kept waker): the outcome, the gate's log and what the hook was told.
fn gated_until_told<T: Clone + 'static, M>(
    main: impl FnOnce(Gate<Box<dyn FnMut(&Waker)>>) -> M,
) -> (Option<T>, Vec<String>, Vec<String>)
where
    M: Future<Output = Result<T, Error>> + 'static,
{
    let kept: Rc<RefCell<Option<Waker>>> = Rc::default();
    let ready = Arc::new(AtomicBool::new(false));
    let told: Log = Rc::default();
    let (k, r, t) = (kept.clone(), ready.clone(), told.clone());
    let log: Log = Rc::default();
    let gate = Gate {
        ready,
        stash: Box::new(move |waker: &Waker| *k.borrow_mut() = Some(waker.clone()))
            as Box<dyn FnMut(&Waker)>,
        log: log.clone(),
    };
    let out = EventLoop::virtual_clock()
        .on_uncaught(move |fault| {
            t.borrow_mut().push(fault.to_string());
            r.store(true, Ordering::SeqCst);
            if let Some(waker) = kept.borrow_mut().take() {
                waker.wake();
            }
        })
        .block_on(main(gate));
    let (log, told) = (log.borrow().clone(), told.borrow().clone());
    (out.ok(), log, told)
}

/// The gate of [`gated_until_told`] opened once the hook was told, and
/// the hook was told once, saying `what`.
fn opened_and_told_once(log: &[String], told: &[String], what: &str) {
    assert_eq!(log, ["gate: pending", "gate: open"]);
    assert_eq!(told.len(), 1, "told once: {told:?}");
    assert!(told[0].contains(what), "{}", told[0]);
}

#[test]
fn a_virtual_clock_held_back_by_a_kept_waker_tells_the_uncaught_hook() {
    // A timer is due, but a clone of the task's waker is alive: the
    // virtual clock waits for that wake-up before it moves. After a while
    // it says so; here the hook itself lets the gate open.
    let (out, log, told) = gated_until_told(|gate| async move {
        let (timer, resolver) = Promise::<u32, Error>::with_resolver();
        baton::set_timeout(
            move || resolver.resolve(7),
            std::time::Duration::from_secs(60),
        );
        gate.await;
        let fired = timer.await?;
        Ok::<_, Error>((fired, baton::now()))
    });
    assert_eq!(out, Some((7, std::time::Duration::from_secs(60))));
    opened_and_told_once(&log, &told, "virtual clock has held its timers back");
}

#[test]
fn a_virtual_clock_loop_idle_on_a_kept_waker_tells_the_uncaught_hook() {
    // No timer at all, and a clone of the task's waker alive: only a
    // wake-up from outside can bring work. A future that keeps its waker
    // and never wakes it would hang in silence; after a while the loop
    // says so, and here the hook itself opens the gate.
    let (out, log, told) = gated_until_told(|gate| async move {
        gate.await;
        Ok::<_, Error>(baton::now())
    });
    assert_eq!(out, Some(std::time::Duration::ZERO));
    opened_and_told_once(&log, &told, "with no timer) has waited 2 s");
}

#[test]
fn a_park_that_returns_early_is_no_stall() {
    // The loop waits on the virtual clock, idle, for a wake-up another
    // thread sends a little later; the thread's unpark token is already
    // set, so its first park returns at once with nothing woken. That is
    // no two-second stall: the loop parks again and takes the wake-up.
    let told: Log = Rc::default();
    let t = told.clone();
    let ready = Arc::new(AtomicBool::new(false));
    let log: Log = Rc::default();
    let r = ready.clone();
    let gate = Gate {
        ready: ready.clone(),
        stash: move |waker: &Waker| {
            let (waker, r) = (waker.clone(), r.clone());
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(300));
                r.store(true, Ordering::SeqCst);
                waker.wake();
            });
            // A token an earlier wake-up could have left.
            std::thread::current().unpark();
        },
        log: log.clone(),
    };
    let out = EventLoop::virtual_clock()
        .on_uncaught(move |fault| t.borrow_mut().push(fault.to_string()))
        .block_on(async move {
            gate.await;
            Ok::<_, Error>(baton::now())
        });
    assert_eq!(out.ok(), Some(std::time::Duration::ZERO));
    assert_eq!(*log.borrow(), ["gate: pending", "gate: open"]);
    assert_eq!(*told.borrow(), Vec::<String>::new());
}

/// Polls each of its futures under a waker of its own, and only once that
/// waker was woken (as `FuturesUnordered` does); done when all are.
struct JoinOwnWakers<F: Future> {
    parts: Vec<(OnlyWhenWoken<F>, Option<F::Output>)>,
}

impl<F: Future> Future for JoinOwnWakers<F>
where
    F::Output: Clone,
{
    type Output = Vec<F::Output>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<F::Output>> {
        let mut done = true;
        for (part, out) in &mut self.parts {
            if out.is_none() {
                match Pin::new(&mut *part).poll(cx) {
                    Poll::Ready((value, _)) => *out = Some(value),
                    Poll::Pending => done = false,
                }
            }
        }
        if !done {
            return Poll::Pending;
        }
        Poll::Ready(
            self.parts
                .iter()
                .filter_map(|(_, out)| out.clone())
                .collect(),
        )
    }
}

// Nothing is pinned in place: the futures are boxed.
impl<F> Unpin for OnlyWhenWoken<F> {}
impl<F: Future> Unpin for JoinOwnWakers<F> {}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Promises awaited directly by a task, under combinators' own wakers,
    /// or both, settled in any order after any number of microtask turns:
    /// every await gets its own value, and nothing is left waiting.
    #[test]
    fn every_await_completes_whoever_polls_it(
        plan in proptest::collection::vec((0u8..3, 0u8..4), 1..10),
        order in proptest::sample::subsequence((0..10usize).collect::<Vec<_>>(), 10).prop_shuffle(),
    ) {
        let n = plan.len();
        let out = EventLoop::real_clock().block_on(async move {
            let (promises, resolvers): (Vec<_>, Vec<_>) =
                (0..n).map(|_| Promise::<usize, Error>::with_resolver()).unzip();
            // Settle each after its number of microtask turns, in `order`.
            for i in order.into_iter().filter(|&i| i < n) {
                let resolver = resolvers[i].clone();
                let turns = plan[i].1;
                fn later(turns: u8, f: Box<dyn FnOnce()>) {
                    if turns == 0 {
                        f();
                    } else {
                        baton::queue_microtask(move || later(turns - 1, f));
                    }
                }
                baton::queue_microtask(move || later(turns, Box::new(move || resolver.resolve(i * 10))));
            }
            let mut direct = Vec::new();
            let mut combined = Vec::new();
            for (i, promise) in promises.into_iter().enumerate() {
                match plan[i].0 {
                    0 => direct.push(spawn(async move { promise.await })),
                    1 => combined.push(OnlyWhenWoken::new(promise.into_future())),
                    _ => direct.push(spawn(async move {
                        OnlyWhenWoken::new(promise.into_future()).await.0
                    })),
                }
            }
            let joined = JoinOwnWakers {
                parts: combined.into_iter().map(|part| (part, None)).collect(),
            }
            .await;
            let mut got: Vec<usize> = joined.into_iter().map(|r| r.unwrap_or(usize::MAX)).collect();
            for task in direct {
                got.push(task.await?);
            }
            got.sort_unstable();
            Ok::<_, Error>(got)
        });
        let expected: Vec<usize> = (0..n).map(|i| i * 10).collect();
        prop_assert_eq!(out.ok(), Some(expected));
    }
}

/// Polls its future once under the task's own waker, then only through a
/// combinator with a waker of its own.
struct FirstDirect<F> {
    first: bool,
    then: OnlyWhenWoken<F>,
}
impl<F> Unpin for FirstDirect<F> {}
impl<F: Future> Future for FirstDirect<F> {
    type Output = (F::Output, usize);
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if std::mem::replace(&mut self.first, false)
            && let Poll::Ready(out) = self.then.inner.as_mut().poll(cx)
        {
            return Poll::Ready((out, 0));
        }
        Pin::new(&mut self.then).poll(cx)
    }
}

#[test]
fn an_await_polled_by_its_task_then_handed_to_a_combinator_wakes_the_combinator() {
    let out = EventLoop::real_clock().block_on(async {
        let (promise, resolver) = Promise::<u32, Error>::with_resolver();
        baton::queue_microtask(move || resolver.resolve(3));
        let (value, wakes) = FirstDirect {
            first: true,
            then: OnlyWhenWoken::new(promise.into_future()),
        }
        .await;
        Ok::<_, Error>((value?, wakes))
    });
    assert_eq!(out.ok(), Some((3, 1)), "the combinator's waker woken once");
}

#[test]
fn a_next_polled_by_its_task_then_handed_to_a_combinator_wakes_the_combinator() {
    let mut numbers = baton::AsyncGen::new(|co: baton::Co<u32, (), (), Error>| async move {
        co.yield_(4).await?;
        Ok(())
    });
    let out = EventLoop::real_clock().block_on(async move {
        let next = baton::async_gen::AsyncIterator::next(&mut numbers);
        let (item, wakes) = FirstDirect {
            first: true,
            then: OnlyWhenWoken::new(next),
        }
        .await;
        Ok::<_, Error>((item?, wakes))
    });
    assert_eq!(
        out.ok(),
        Some((Some(4), 1)),
        "the combinator's waker woken once"
    );
}

#[test]
fn an_owed_next_handed_to_a_combinator_wakes_the_combinator() {
    // After its first item the task runs alone, so the body's next yield,
    // in the request's first poll, owes its delivery to the task; the
    // request is then polled under the combinator's waker, which the
    // delivery must wake.
    let mut numbers = baton::AsyncGen::new(|co: baton::Co<u32, (), (), Error>| async move {
        co.yield_(4).await?;
        co.yield_(5).await?;
        Ok(())
    });
    let out = EventLoop::real_clock().block_on(async move {
        let first = baton::async_gen::AsyncIterator::next(&mut numbers).await?;
        let next = baton::async_gen::AsyncIterator::next(&mut numbers);
        let (item, wakes) = FirstDirect {
            first: true,
            then: OnlyWhenWoken::new(next),
        }
        .await;
        Ok::<_, Error>((first, item?, wakes))
    });
    assert_eq!(
        out.ok(),
        Some((Some(4), Some(5), 1)),
        "the combinator's waker woken once"
    );
}

#[test]
fn a_stalled_main_future_is_dropped_with_what_holds_it() {
    // The main future waits for an async generator's answer, and the
    // generator for a wake-up that can never come: the generator's answer
    // slot holds the waiting task, and the task holds the generator. Once
    // the loop has run dry, the main future is dropped, and the cycle with
    // it (before, both stayed allocated for ever).
    let witness = Rc::new(());
    let watched = Rc::downgrade(&witness);
    let mut stuck = baton::AsyncGen::new(move |co: baton::Co<u8, (), (), Error>| async move {
        let _held = witness;
        Gate {
            ready: Arc::default(),
            stash: |waker: &Waker| drop(waker.clone()),
            log: Rc::default(),
        }
        .await;
        co.yield_(1).await?;
        Ok(())
    });
    let out = EventLoop::virtual_clock()
        .block_on(async move { baton::async_gen::AsyncIterator::next(&mut stuck).await });
    let fault = out.expect_err("stalled");
    assert!(fault.to_string().contains("stalled"), "{fault}");
    assert!(watched.upgrade().is_none(), "the generator was freed");
}

#[test]
fn without_outside_wake_ups_the_virtual_clock_moves_past_a_kept_waker() {
    // A combinator keeps its waker while its promise waits for a timer:
    // declared closed, the loop moves time instead of waiting for a
    // wake-up from outside, and ends when nothing is left.
    let out = EventLoop::virtual_clock()
        .without_outside_wake_ups()
        .block_on(async {
            let (timer, resolver) = Promise::<u32, Error>::with_resolver();
            baton::set_timeout(
                move || resolver.resolve(8),
                std::time::Duration::from_secs(5),
            );
            let (value, wakes) = OnlyWhenWoken::new(timer.into_future()).await;
            Ok::<_, Error>((value?, wakes, baton::now()))
        });
    assert_eq!(out.ok(), Some((8, 1, std::time::Duration::from_secs(5))));

    let kept: Rc<RefCell<Option<Waker>>> = Rc::default();
    let k = kept.clone();
    let stuck: Result<u8, Error> = EventLoop::virtual_clock()
        .without_outside_wake_ups()
        .block_on(async move {
            Gate {
                ready: Arc::default(),
                stash: move |waker: &Waker| *k.borrow_mut() = Some(waker.clone()),
                log: Rc::default(),
            }
            .await;
            Ok(1)
        });
    assert!(kept.borrow().is_some(), "the waker is still kept");
    let fault = stuck.expect_err("nothing can wake it: stalled, not a hang");
    assert!(fault.to_string().contains("stalled"), "{fault}");
}
