//! Run boundaries. What a run does with async functions still waiting
//! when its work runs out: it drops them, as a tokio runtime drops its
//! tasks when it shuts down, so what they hold is freed and their
//! destructors run. And what happens to work begun between runs: it
//! belongs to the next run.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::mpsc;
use std::task::{Context, Poll, Waker};

use baton::async_gen::AsyncIterator;
use baton::{AsyncGen, Co, Error, EventLoop, Promise, queue_microtask, spawn};

/// Logs its drop.
struct Guard(&'static str, Rc<RefCell<Vec<String>>>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.1.borrow_mut().push(format!("{} dropped", self.0));
    }
}

#[test]
fn a_task_awaiting_a_promise_nobody_can_settle_is_freed_when_the_run_ends() {
    // The task holds the promise and the promise's reaction holds the
    // task: a cycle of `Rc`s that nothing else would ever free.
    let witness = Rc::new(());
    let watched = Rc::downgrade(&witness);
    let never = EventLoop::virtual_clock().run(move || {
        let (gate, resolver) = Promise::<u32, Error>::with_resolver();
        drop(resolver);
        spawn(async move {
            let _held = witness;
            Ok::<_, Error>(gate.await? + 1)
        })
    });
    assert!(never.is_pending(), "its promise stays pending");
    assert!(watched.upgrade().is_none(), "the task's body was dropped");
}

#[test]
fn a_waiting_tasks_destructors_run_at_the_end_of_its_run_in_order() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    let (_, _resolver) = EventLoop::virtual_clock().run(move || {
        let (gate, resolver) = Promise::<u32, Error>::with_resolver();
        let inner_gate = gate.clone();
        let (outer_log, inner_log) = (l.clone(), l.clone());
        let inner = spawn(async move {
            let _guard = Guard("inner", inner_log);
            inner_gate.await
        });
        let outer = spawn(async move {
            let _guard = Guard("outer", outer_log);
            inner.await
        });
        l.borrow_mut().push("main returns".into());
        (outer, resolver)
    });
    // Dropped in the order they were spawned; the resolver, still held
    // here, cannot resume them any more.
    assert_eq!(
        *log.borrow(),
        ["main returns", "inner dropped", "outer dropped"]
    );
}

#[test]
fn a_task_dropped_at_the_end_of_a_run_is_not_resumed_by_a_later_one() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    let (waiting, resolver) = EventLoop::virtual_clock().run(move || {
        let (gate, resolver) = Promise::<u32, Error>::with_resolver();
        let waiting = spawn(async move {
            let v = gate.await?;
            l.borrow_mut().push(format!("resumed with {v}"));
            Ok::<_, Error>(v)
        });
        (waiting, resolver)
    });
    let l = log.clone();
    let next = EventLoop::virtual_clock().block_on(async move {
        resolver.resolve(7);
        let v = Promise::<u32>::resolve(1).await?;
        l.borrow_mut().push("the next run's task ran".into());
        Ok::<_, Error>(v)
    });
    assert_eq!(next.ok(), Some(1));
    assert_eq!(*log.borrow(), ["the next run's task ran"]);
    assert!(waiting.is_pending());
}

/// Pending until a helper thread wakes it: the thread gets the waker, then
/// waits for `go` before it wakes.
struct Foreign {
    woken: mpsc::Receiver<()>,
    to_thread: Option<mpsc::Sender<Waker>>,
}

/// A [`Foreign`] future, the sender of its helper thread's `go`, and the
/// thread.
fn foreign_wake() -> (Foreign, mpsc::Sender<()>, std::thread::JoinHandle<()>) {
    let (waker_tx, waker_rx) = mpsc::channel::<Waker>();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let (woken_tx, woken_rx) = mpsc::channel::<()>();
    let helper = std::thread::spawn(move || {
        if let (Ok(waker), Ok(())) = (waker_rx.recv(), go_rx.recv()) {
            let _ = woken_tx.send(());
            waker.wake();
        }
    });
    let foreign = Foreign {
        woken: woken_rx,
        to_thread: Some(waker_tx),
    };
    (foreign, go_tx, helper)
}

impl Future for Foreign {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if let Some(tx) = self.to_thread.take() {
            let _ = tx.send(cx.waker().clone());
            return Poll::Pending;
        }
        match self.woken.try_recv() {
            Ok(()) => Poll::Ready(()),
            Err(_) => Poll::Pending,
        }
    }
}

#[test]
fn a_task_left_from_an_earlier_run_does_not_disturb_this_runs_tasks() {
    // Run 1 leaves a task waiting (its resolver is kept). In run 2 a task
    // waits for a wake-up from another thread, and run 1's resolver is
    // used: the old task must not touch run 2's bookkeeping (it used to
    // free the key run 2's task had been given, so the loop stopped
    // waiting for that task's wake-up).
    let (_old, resolver) = EventLoop::virtual_clock().run(|| {
        let (gate, resolver) = Promise::<u32, Error>::with_resolver();
        (spawn(async move { gate.await }), resolver)
    });
    let (foreign, go_tx, helper) = foreign_wake();
    let out = EventLoop::real_clock().run(move || {
        // The first task of run 2: given the key run 1's task had.
        let foreign = spawn(async move {
            foreign.await;
            Ok::<_, Error>("woken from outside")
        });
        resolver.resolve(1);
        // After the resolver's reaction has had its turn.
        queue_microtask(move || {
            let _ = go_tx.send(());
        });
        foreign
    });
    let _ = helper.join();
    assert_eq!(out.peek().and_then(Result::ok), Some("woken from outside"));
}

/// What a task in [`every_task_is_dropped_once_and_only_finished_ones_finish`]
/// waits for.
#[derive(Clone, Debug)]
enum Wait {
    /// A promise a timer resolves after this many ms.
    Timer(u64),
    /// A promise whose resolver is dropped at once.
    Never,
    /// A promise whose resolver is kept outside the run, and used after it.
    Kept,
    /// The promise of an earlier task (index modulo the tasks before it).
    Task(usize),
}

fn wait_strategy() -> impl proptest::strategy::Strategy<Value = Wait> {
    use proptest::prelude::*;
    prop_oneof![
        (0u64..50).prop_map(Wait::Timer),
        Just(Wait::Never),
        Just(Wait::Kept),
        (0usize..8).prop_map(Wait::Task),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Tasks waiting on timers, on promises nobody can settle, on
    /// resolvers kept outside, and on each other: the ones whose wait ends
    /// finish; every task's body is dropped exactly once, by the time the
    /// run returns (after finishing, for those that finish); a later run
    /// resumes none.
    #[test]
    fn every_task_is_dropped_once_and_only_finished_ones_finish(
        plan in proptest::collection::vec(wait_strategy(), 1..12),
    ) {
        let log = Rc::new(RefCell::new(Vec::<String>::new()));
        // Which tasks can finish: a timer's always, another task's if that
        // one can.
        let mut finishes = Vec::new();
        let plan: Vec<Wait> = plan
            .into_iter()
            .enumerate()
            .map(|(i, wait)| match wait {
                Wait::Task(_) if i == 0 => Wait::Never,
                Wait::Task(j) => Wait::Task(j % i),
                other => other,
            })
            .collect();
        for wait in &plan {
            let ends = match wait {
                Wait::Timer(_) => true,
                Wait::Never | Wait::Kept => false,
                Wait::Task(j) => finishes[*j],
            };
            finishes.push(ends);
        }
        let l = log.clone();
        let run_plan = plan.clone();
        let kept = EventLoop::virtual_clock().run(move || {
            let mut tasks: Vec<Promise<(), Error>> = Vec::new();
            let mut kept = Vec::new();
            for (i, wait) in run_plan.into_iter().enumerate() {
                let awaited: Promise<(), Error> = match wait {
                    Wait::Timer(ms) => {
                        let (p, r) = Promise::with_resolver();
                        baton::set_timeout(move || r.resolve(()), std::time::Duration::from_millis(ms));
                        p
                    }
                    Wait::Never => Promise::with_resolver().0,
                    Wait::Kept => {
                        let (p, r) = Promise::with_resolver();
                        kept.push(r);
                        p
                    }
                    Wait::Task(j) => tasks[j].clone(),
                };
                let l = l.clone();
                tasks.push(spawn(async move {
                    let _guard = Dropped(i, l.clone());
                    awaited.await?;
                    l.borrow_mut().push(format!("{i} done"));
                    Ok::<_, Error>(())
                }));
            }
            kept
        });
        let after_run = log.borrow().clone();
        EventLoop::virtual_clock().run(move || {
            for r in kept {
                r.resolve(());
            }
        });
        proptest::prop_assert_eq!(&*log.borrow(), &after_run, "a later run resumed nothing");
        for (i, ends) in finishes.iter().enumerate() {
            let done = format!("{i} done");
            let dropped = format!("{i} dropped");
            let at = |line: &str| after_run.iter().position(|l| l == line);
            proptest::prop_assert_eq!(
                after_run.iter().filter(|l| **l == dropped).count(),
                1,
                "task {} dropped once: {:?}",
                i,
                &after_run
            );
            if *ends {
                proptest::prop_assert!(at(&done) < at(&dropped), "{:?}", &after_run);
            } else {
                proptest::prop_assert_eq!(at(&done), None);
            }
        }
    }
}

/// Logs `"<i> dropped"`.
struct Dropped(usize, Rc<RefCell<Vec<String>>>);

impl Drop for Dropped {
    fn drop(&mut self) {
        self.1.borrow_mut().push(format!("{} dropped", self.0));
    }
}

/// Panics when dropped.
struct Bomb;

impl Drop for Bomb {
    fn drop(&mut self) {
        panic!("a destructor blew up");
    }
}

#[test]
fn a_destructor_that_panics_is_reported_and_the_other_tasks_are_still_dropped() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let (l, faults) = (log.clone(), log.clone());
    EventLoop::virtual_clock()
        .on_uncaught(move |fault| faults.borrow_mut().push(format!("uncaught: {fault}")))
        .run(move || {
            let (gate, resolver) = Promise::<u32, Error>::with_resolver();
            drop(resolver);
            let other = gate.clone();
            spawn(async move {
                let _bomb = Bomb;
                gate.await
            });
            spawn(async move {
                let _guard = Guard("second", l);
                other.await
            });
        });
    assert_eq!(log.borrow().len(), 2, "{:?}", log.borrow());
    assert!(
        log.borrow()[0].starts_with("uncaught: ")
            && log.borrow()[0].contains("a destructor blew up")
    );
    assert_eq!(log.borrow()[1], "second dropped");
}

/// An async generator that awaits a promise nobody can settle before its
/// first yield; it holds `witness`.
fn stuck_generator(witness: Rc<()>) -> AsyncGen<u32> {
    AsyncGen::new(move |co: Co<u32, (), (), Error>| async move {
        let _held = witness;
        let (never, resolver) = Promise::<u32, Error>::with_resolver();
        drop(resolver);
        co.yield_(never.await?).await?;
        Ok(())
    })
}

#[test]
fn an_async_generator_awaiting_what_nobody_can_settle_is_dropped_when_the_run_ends() {
    // Its body holds the promise, whose reaction holds the generator.
    let witness = Rc::new(());
    let watched = Rc::downgrade(&witness);
    let (first, consumer) = EventLoop::virtual_clock().run(move || {
        let mut generator = stuck_generator(witness);
        let first = generator.next(());
        let consumer = spawn(async move {
            let step = AsyncIterator::next(&mut generator).await?;
            Ok::<_, Error>(step.is_some())
        });
        (first, consumer)
    });
    assert!(first.is_pending() && consumer.is_pending());
    assert!(
        watched.upgrade().is_none(),
        "the generator's body was dropped"
    );
}

#[test]
fn an_async_generator_between_yields_is_not_dropped_when_the_run_ends() {
    // Parked at a yield, a generator is only a value: a later run resumes
    // it, as a JavaScript program may keep a generator object.
    let generator = AsyncGen::new(|co: Co<u32, (), (), Error>| async move {
        co.yield_(1).await?;
        co.yield_(2).await?;
        Ok(())
    });
    let next = generator.clone();
    let first = EventLoop::virtual_clock().run(|| next.next(()));
    let second = EventLoop::virtual_clock().run(move || generator.next(()));
    let value = |p: &Promise<baton::Step<u32, ()>, Error>| match p.peek() {
        Some(Ok(baton::Step::Yielded(v))) => Some(v),
        _ => None,
    };
    assert_eq!((value(&first), value(&second)), (Some(1), Some(2)));
}

#[test]
fn a_task_spawned_before_a_run_is_waited_for_in_that_run() {
    // Spawned outside any run, the task belongs to the next one: that run
    // waits for its wake-up from another thread instead of dropping it.
    let (foreign, go_tx, helper) = foreign_wake();
    let early = spawn(async move {
        foreign.await;
        Ok::<_, Error>("woken from outside")
    });
    EventLoop::real_clock().run(move || {
        let _ = go_tx.send(());
    });
    let _ = helper.join();
    assert_eq!(
        early.peek().and_then(Result::ok),
        Some("woken from outside")
    );
}

#[test]
fn a_timer_set_between_runs_counts_from_the_next_runs_start() {
    let log = Rc::new(RefCell::new(Vec::new()));
    EventLoop::virtual_clock().run(|| {
        baton::set_timeout(|| {}, std::time::Duration::from_millis(500));
    });
    assert_eq!(baton::now(), std::time::Duration::from_millis(500));
    let l = log.clone();
    baton::set_timeout(
        move || l.borrow_mut().push(format!("fired at {:?}", baton::now())),
        std::time::Duration::from_millis(10),
    );
    EventLoop::virtual_clock().run(|| {});
    assert_eq!(*log.borrow(), ["fired at 10ms"]);
}

#[test]
fn a_timer_id_from_an_earlier_run_clears_nothing_in_a_later_one() {
    // Each run's timers start afresh: the id of the first timer of a run
    // must not match the first timer of the next.
    let old = EventLoop::virtual_clock()
        .run(|| baton::set_timeout(|| {}, std::time::Duration::from_millis(5)));
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    EventLoop::virtual_clock().run(move || {
        let new = baton::set_timeout(
            move || l.borrow_mut().push("fired"),
            std::time::Duration::from_millis(10),
        );
        assert_ne!(new, old);
        baton::clear_timeout(old);
    });
    assert_eq!(*log.borrow(), ["fired"]);
}

#[test]
fn a_run_that_panics_still_drops_its_waiting_tasks() {
    let witness = Rc::new(());
    let watched = Rc::downgrade(&witness);
    let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        EventLoop::virtual_clock().run(move || {
            let (gate, resolver) = Promise::<u32, Error>::with_resolver();
            drop(resolver);
            spawn(async move {
                let _held = witness;
                gate.await
            });
            panic!("main gave up");
        })
    }));
    assert!(unwound.is_err());
    assert!(watched.upgrade().is_none(), "the task's body was dropped");
}

/// Pending for ever; checks, as it drops, that it is where it was polled
/// (a pinned future must not move until dropped).
struct StaysPut {
    polled_at: Option<usize>,
    log: Rc<RefCell<Vec<String>>>,
    _pinned: std::marker::PhantomPinned,
}

impl Future for StaysPut {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        let at = std::ptr::from_ref::<Self>(&self) as usize;
        // SAFETY: only a plain field is written; nothing is moved.
        unsafe { self.get_unchecked_mut().polled_at = Some(at) };
        Poll::Pending
    }
}

impl Drop for StaysPut {
    fn drop(&mut self) {
        let here = std::ptr::from_ref::<Self>(self) as usize;
        let line = match self.polled_at {
            Some(at) if at == here => "dropped where it was polled",
            Some(_) => "moved after it was pinned",
            None => "never polled",
        };
        self.log.borrow_mut().push(line.into());
    }
}

#[test]
fn a_waiting_task_is_dropped_in_place_as_pinning_requires() {
    // A tokio timer in a task is linked into the timer wheel by its
    // address: moved before it drops, it unlinks the wrong place.
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    EventLoop::virtual_clock().run(move || {
        spawn(async move {
            StaysPut {
                polled_at: None,
                log: l,
                _pinned: std::marker::PhantomPinned,
            }
            .await;
            Ok::<_, Error>(())
        });
    });
    assert_eq!(*log.borrow(), ["dropped where it was polled"]);
}

/// Spawns, as it drops, a task that waits for ever and holds `0`.
struct SpawnsOnDrop(Rc<()>);

impl Drop for SpawnsOnDrop {
    fn drop(&mut self) {
        let held = self.0.clone();
        let (never, resolver) = Promise::<u32, Error>::with_resolver();
        drop(resolver);
        spawn(async move {
            let _held = held;
            never.await
        });
    }
}

#[test]
fn a_task_a_destructor_spawns_as_the_run_ends_is_dropped_too() {
    let witness = Rc::new(());
    let watched = Rc::downgrade(&witness);
    EventLoop::virtual_clock().run(move || {
        let (never, resolver) = Promise::<u32, Error>::with_resolver();
        drop(resolver);
        spawn(async move {
            let _spawns = SpawnsOnDrop(witness);
            never.await
        });
    });
    assert!(watched.upgrade().is_none(), "both tasks were dropped");
}

/// Waiting outside any run is the classic mistake (baton's futures on
/// another executor with no run around them): the uncaught hook is told,
/// once a thread. Between runs the hook is the default one, a line on
/// stderr, so the test runs itself in a child process and reads it.
#[test]
#[cfg_attr(miri, ignore = "starts a child process, which Miri cannot")]
fn waiting_outside_any_run_is_told_once_on_stderr() {
    const CHILD: &str = "BATON_TEST_OUTSIDE_RUN_CHILD";
    let name = "waiting_outside_any_run_is_told_once_on_stderr";
    if std::env::var_os(CHILD).is_some() {
        let mut cx = Context::from_waker(Waker::noop());
        // Settled: completes at once, nothing to tell.
        let mut settled = Box::pin(std::future::IntoFuture::into_future(
            Promise::<u8>::resolve(1),
        ));
        assert!(matches!(settled.as_mut().poll(&mut cx), Poll::Ready(Ok(1))));
        // An async generator's next step and two pending promises: told once.
        let mut items = AsyncGen::<u32>::new(|co: Co<u32, (), (), Error>| async move {
            co.yield_(1).await?;
            Ok(())
        });
        let mut step = Box::pin(AsyncIterator::next(&mut items));
        assert!(step.as_mut().poll(&mut cx).is_pending());
        for _ in 0..2 {
            let (pending, _resolver) = Promise::<u8>::with_resolver();
            let mut waiting = Box::pin(std::future::IntoFuture::into_future(pending));
            assert!(waiting.as_mut().poll(&mut cx).is_pending());
        }
        eprintln!("child done");
        return;
    }
    let me = std::env::current_exe().expect("the test binary's path");
    let out = std::process::Command::new(me)
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .expect("the test binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed: {stderr}");
    let told: Vec<&str> = stderr.lines().filter(|l| l.starts_with("baton:")).collect();
    assert_eq!(told.len(), 1, "{stderr}");
    assert!(
        told[0].starts_with("baton: uncaught outside a run: a promise is awaited outside any run"),
        "{stderr}"
    );
    assert!(stderr.contains("child done"), "{stderr}");
}
