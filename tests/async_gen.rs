//! Async generators: the request queue, Stream interop, and the difference
//! between `for_await` (async cleanup) and dropping a stream.

use std::cell::RefCell;
use std::future::poll_fn;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use baton::{Abrupt, AsyncGen, Co, Error, EventLoop, Promise, Resume, Step, set_timeout};
use futures_core::Stream;
use futures_core::stream::FusedStream;
use proptest::prelude::*;

type Log = Rc<RefCell<Vec<String>>>;

fn sleep(ms: u64) -> Promise<()> {
    Promise::new(move |r| {
        set_timeout(move || r.resolve(()), Duration::from_millis(ms));
    })
}

/// Yields 0..n with a timer between items; records cleanup.
fn ticking(n: u32, log: Log) -> AsyncGen<u32, (), u32, Error> {
    AsyncGen::new(move |co: Co<u32, (), u32, Error>| async move {
        struct Guard(Log);
        impl Drop for Guard {
            fn drop(&mut self) {
                self.0.borrow_mut().push("destructor".into());
            }
        }
        let _guard = Guard(log.clone());
        let outcome = async {
            for i in 0..n {
                sleep(10).await?;
                co.yield_(i).await?;
            }
            Ok(n)
        }
        .await;
        sleep(1).await?;
        log.borrow_mut().push("async cleanup".into());
        outcome
    })
}

#[test]
fn a_stream_of_yields_ends_after_the_return() {
    let log: Log = Rc::default();
    let l = log.clone();
    let out = EventLoop::virtual_clock().block_on(async move {
        let mut stream = ticking(3, l);
        let mut items = Vec::new();
        while let Some(item) = poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
            items.push(item?);
        }
        Ok::<_, Error>(items)
    });
    assert_eq!(out.ok(), Some(vec![0, 1, 2]));
    assert_eq!(*log.borrow(), ["async cleanup", "destructor"]);
}

#[test]
fn a_stream_is_terminated_once_it_hands_out_its_end() {
    let log: Log = Rc::default();
    let l = log.clone();
    let out = EventLoop::virtual_clock().block_on(async move {
        let mut stream = ticking(10, l);
        let other = stream.clone();
        let mut seen = vec![format!("{}", stream.is_terminated())];
        let first = poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await;
        seen.push(format!("{first:?} {}", stream.is_terminated()));
        // Ended through another handle: this stream learns it on its next
        // poll, and ends then.
        other.r#return(7).await?;
        seen.push(format!("returned {}", stream.is_terminated()));
        let next = poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await;
        seen.push(format!("{next:?} {}", stream.is_terminated()));
        let again = poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await;
        seen.push(format!("{again:?} {}", stream.is_terminated()));
        Ok::<_, Error>(seen)
    });
    assert_eq!(
        out.ok(),
        Some(vec![
            "false".to_string(),
            "Some(Ok(0)) false".to_string(),
            "returned false".to_string(),
            "None true".to_string(),
            "None true".to_string(),
        ])
    );
    assert_eq!(*log.borrow(), ["async cleanup", "destructor"]);
}

#[test]
fn dropping_a_stream_early_runs_destructors_but_not_async_cleanup() {
    let log: Log = Rc::default();
    let l = log.clone();
    let out = EventLoop::virtual_clock().block_on(async move {
        let mut stream = ticking(10, l);
        let first = poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await;
        drop(stream);
        Ok::<_, Error>(first.and_then(Result::ok))
    });
    assert_eq!(out.ok(), Some(Some(0)));
    // The generator is suspended at its yield; with every handle gone it is
    // dropped: its destructor runs, its async cleanup never does.
    assert_eq!(*log.borrow(), ["destructor"]);
}

#[test]
fn return_while_awaiting_is_queued_and_runs_async_cleanup() {
    let log: Log = Rc::default();
    let l = log.clone();
    let steps = EventLoop::virtual_clock().run(move || {
        let g = ticking(5, l);
        [g.next(()), g.r#return(99), g.next(())]
    });
    let steps: Vec<_> = steps
        .iter()
        .map(|p| p.peek().and_then(Result::ok))
        .collect();
    assert_eq!(
        steps,
        [
            Some(Step::Yielded(0)),
            Some(Step::Returned(99)),
            Some(Step::Done)
        ]
    );
    assert_eq!(*log.borrow(), ["async cleanup", "destructor"]);
}

#[test]
fn a_throw_can_be_caught_after_an_await() {
    let out = EventLoop::virtual_clock().block_on(async {
        let g = AsyncGen::new(|co: Co<&str, (), &str, Error>| async move {
            sleep(5).await?;
            match co.yield_("ready").await {
                Err(Abrupt::Throw(e)) => {
                    sleep(5).await?;
                    co.yield_(if e.message() == Some("nudge") {
                        "nudged"
                    } else {
                        "?"
                    })
                    .await?;
                    Ok("finished")
                }
                other => other.map(|()| "no throw"),
            }
        });
        let a = g.next(()).await?;
        let b = g.throw(Error::msg("nudge")).await?;
        let c = g.next(()).await?;
        Ok::<_, Error>([a, b, c])
    });
    assert_eq!(
        out.ok(),
        Some([
            Step::Yielded("ready"),
            Step::Yielded("nudged"),
            Step::Returned("finished")
        ])
    );
}

fn op() -> impl Strategy<Value = Resume<(), u8, u32>> {
    prop_oneof![
        5 => Just(Resume::Next(())),
        1 => any::<u8>().prop_map(Resume::Throw),
        1 => (0..100u32).prop_map(Resume::Return),
    ]
}

#[derive(Clone, Debug)]
struct Code(u8);
impl From<baton::Fault> for Code {
    fn from(_: baton::Fault) -> Self {
        Code(255)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// However requests are issued (all at once, without waiting), every
    /// request's promise settles exactly once, in request order, and after
    /// the generator completes every further `next` is `Done`.
    #[test]
    fn queued_requests_settle_once_in_order(ops in prop::collection::vec(op(), 1..20), n in 0u32..5) {
        let order: Rc<RefCell<Vec<usize>>> = Rc::default();
        let o = order.clone();
        let issued = ops.clone();
        let results = EventLoop::virtual_clock().run(move || {
            let g = AsyncGen::new(move |co: Co<u32, (), u32, Code>| async move {
                for i in 0..n {
                    sleep(u64::from(i % 3)).await.map_err(|_| Abrupt::Throw(Code(254)))?;
                    co.yield_(i).await?;
                }
                Ok(n)
            });
            ops.iter()
                .enumerate()
                .map(|(k, how)| {
                    let p = match how {
                        Resume::Next(()) => g.next(()),
                        Resume::Throw(c) => g.throw(Code(*c)),
                        Resume::Return(v) => g.r#return(*v),
                    };
                    let o = o.clone();
                    p.then_else(
                        move |s| { o.borrow_mut().push(k); Ok(Some(s)) },
                        |_| Ok(None),
                    );
                    p
                })
                .collect::<Vec<_>>()
        });
        prop_assert!(results.iter().all(|p| p.peek().is_some()), "every request settled");
        let fulfilled: Vec<usize> = (0..results.len())
            .filter(|&k| matches!(results[k].peek(), Some(Ok(_))))
            .collect();
        prop_assert_eq!(&*order.borrow(), &fulfilled, "settled in request order");
        for (k, p) in results.iter().enumerate() {
            if let Some(Err(Code(c))) = p.peek() {
                prop_assert!(matches!(issued[k], Resume::Throw(t) if t == c), "only a throw rejects, with its own error");
            }
        }
        let steps: Vec<Step<u32, u32>> = results.iter().filter_map(|p| p.peek().and_then(Result::ok)).collect();
        if let Some(end) = steps.iter().position(Step::is_done) {
            prop_assert!(steps[end + 1..].iter().all(Step::is_done));
        }
    }
}

mod helpers {
    use super::*;
    use baton::async_gen::{AsyncIteratorExt, from_async};
    use baton::{Fault, FaultKind};

    /// A source that logs every pull and its cleanup.
    fn logged_source(n: u32, log: Log) -> AsyncGen<u32, (), (), Error> {
        AsyncGen::new(move |co: Co<u32, (), (), Error>| async move {
            let outcome = async {
                for i in 1..=n {
                    log.borrow_mut().push(format!("pull {i}"));
                    co.yield_(i).await?;
                }
                Ok(())
            }
            .await;
            log.borrow_mut().push("source closed".into());
            outcome
        })
    }

    #[test]
    fn a_pipeline_pulls_one_item_through_every_stage_at_a_time() {
        let log: Log = Rc::default();
        let (l, l2, l3) = (log.clone(), log.clone(), log.clone());
        let out = EventLoop::virtual_clock().block_on(async move {
            let pipeline = logged_source(4, l.clone())
                .map(move |n| {
                    l2.borrow_mut().push(format!("map {n}"));
                    n * 10
                })
                .filter(move |n| {
                    l3.borrow_mut().push(format!("filter {n}"));
                    *n != 20
                });
            let mut pipeline = pipeline;
            let mut got = Vec::new();
            while let Some(v) = baton::async_gen::AsyncIterator::next(&mut pipeline).await? {
                l.borrow_mut().push(format!("consume {v}"));
                got.push(v);
            }
            Ok::<_, Error>(got)
        });
        assert_eq!(out.ok(), Some(vec![10, 30, 40]));
        assert_eq!(
            *log.borrow(),
            [
                "pull 1",
                "map 1",
                "filter 10",
                "consume 10",
                "pull 2",
                "map 2",
                "filter 20",
                "pull 3",
                "map 3",
                "filter 30",
                "consume 30",
                "pull 4",
                "map 4",
                "filter 40",
                "consume 40",
                "source closed",
            ]
        );
    }

    #[test]
    fn take_closes_the_source_without_pulling_another_item() {
        let log: Log = Rc::default();
        let l = log.clone();
        let out = EventLoop::virtual_clock()
            .block_on(async move { logged_source(100, l).take(2).to_vec().await });
        assert_eq!(out.ok(), Some(vec![1, 2]));
        assert_eq!(*log.borrow(), ["pull 1", "pull 2", "source closed"]);
    }

    #[test]
    fn batch_groups_and_keeps_the_remainder() {
        let log: Log = Rc::default();
        let out = EventLoop::virtual_clock()
            .block_on(async move { from_async(logged_source(7, log).batch(3)).await });
        assert_eq!(out.ok(), Some(vec![vec![1, 2, 3], vec![4, 5, 6], vec![7]]));
    }

    /// A size or a limit meant as "no limit" is not allocated up front.
    #[test]
    fn a_batch_of_any_size_and_an_unbounded_concurrency_allocate_as_they_go() {
        let log: Log = Rc::default();
        let l = log.clone();
        let out = EventLoop::virtual_clock().block_on(async move {
            let all = logged_source(5, log).batch(usize::MAX).to_vec().await?;
            let doubled = logged_source(3, l)
                .map_concurrent(usize::MAX, |n| Promise::resolve(n * 2))
                .to_vec()
                .await?;
            Ok::<_, Error>((all, doubled))
        });
        assert_eq!(out.ok(), Some((vec![vec![1, 2, 3, 4, 5]], vec![2, 4, 6])));
    }

    #[test]
    fn with_timeout_closes_the_slow_source_and_fails() {
        let log: Log = Rc::default();
        let l = log.clone();
        let out = EventLoop::virtual_clock().block_on(async move {
            let slow = AsyncGen::new(move |co: Co<u32, (), (), Error>| async move {
                let outcome = async {
                    for (i, delay) in [(1, 10), (2, 20), (3, 500)] {
                        sleep(delay).await?;
                        co.yield_(i).await?;
                    }
                    Ok(())
                }
                .await;
                l.borrow_mut().push("slow source closed".into());
                outcome
            });
            slow.with_timeout(Duration::from_millis(100)).to_vec().await
        });
        let fault = out.expect_err("timed out");
        assert_eq!(
            fault.downcast_ref::<Fault>().map(Fault::kind),
            Some(FaultKind::TimedOut)
        );
        assert_eq!(*log.borrow(), ["slow source closed"]);
    }
}

/// `next` through the iteration protocol hands its answer straight to the
/// waiting task; these pin down the cases where that slot is shared.
mod direct_answers {
    use super::*;
    use baton::async_gen::AsyncIterator;
    use baton::spawn;
    use std::future::Future;
    use std::task::Poll;

    fn numbers(n: u32) -> AsyncGen<u32, (), (), Error> {
        AsyncGen::new(move |co: Co<u32, (), (), Error>| async move {
            for i in 0..n {
                Promise::<()>::resolve(()).await?;
                co.yield_(i).await?;
            }
            Ok(())
        })
    }

    async fn drain(mut source: AsyncGen<u32, (), (), Error>) -> Result<Vec<u32>, Error> {
        let mut seen = Vec::new();
        while let Some(v) = AsyncIterator::next(&mut source).await? {
            seen.push(v);
        }
        Ok(seen)
    }

    #[test]
    fn two_consumers_of_one_generator_share_its_items_exactly_once() {
        let source = numbers(40);
        let both = EventLoop::virtual_clock().run(|| {
            baton::promise::all(vec![
                spawn(drain(source.clone())),
                spawn(drain(source.clone())),
            ])
        });
        let both = both.peek().and_then(Result::ok).expect("both finish");
        for seen in &both {
            assert!(seen.windows(2).all(|w| w[0] < w[1]), "in order: {seen:?}");
        }
        let mut all: Vec<u32> = both.concat();
        all.sort_unstable();
        assert_eq!(all, (0..40).collect::<Vec<_>>());
        assert!(both.iter().all(|s| !s.is_empty()), "both took items");
    }

    #[test]
    fn a_next_dropped_before_its_answer_consumes_its_item_and_frees_the_slot() {
        let out = EventLoop::virtual_clock().block_on(async {
            let mut source = numbers(4);
            {
                let mut first = Box::pin(AsyncIterator::next(&mut source));
                // Start the request, then give up on it.
                poll_fn(|cx| {
                    assert!(first.as_mut().poll(cx).is_pending());
                    Poll::Ready(())
                })
                .await;
            }
            let second = AsyncIterator::next(&mut source).await?;
            let rest = drain(source).await?;
            Ok::<_, Error>((second, rest))
        });
        assert_eq!(out.ok(), Some((Some(1), vec![2, 3])));
    }

    /// One pull of a consumer: through the iteration protocol (direct
    /// when the slot is free), through a promise, or started and dropped.
    #[derive(Debug, Clone, Copy)]
    enum Pull {
        Protocol,
        Promised,
        Abandoned,
    }

    async fn pull(source: &mut AsyncGen<u32, (), (), Error>, how: Pull) -> Option<Option<u32>> {
        match how {
            Pull::Protocol => AsyncIterator::next(source).await.ok(),
            Pull::Promised => AsyncGen::next(source, ()).await.ok().map(Step::yielded),
            Pull::Abandoned => {
                let mut started = Box::pin(AsyncIterator::next(source));
                poll_fn(|cx| {
                    let _ = started.as_mut().poll(cx);
                    Poll::Ready(())
                })
                .await;
                None
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Consumers pulling from one generator in any mix of ways, some
        /// giving up midway: no item is delivered twice, each consumer
        /// sees its items in order, and every pull not given up gets an
        /// item while the generator has any.
        #[test]
        fn nothing_is_lost_or_duplicated_across_consumers(
            plans in prop::collection::vec(
                prop::collection::vec(
                    prop_oneof![Just(Pull::Protocol), Just(Pull::Promised), Just(Pull::Abandoned)],
                    1..8,
                ),
                1..4,
            ),
        ) {
            let pulls: usize = plans.iter().map(Vec::len).sum();
            let kept = plans.iter().flatten().filter(|p| !matches!(p, Pull::Abandoned)).count();
            let source = numbers(pulls as u32);
            let seen = EventLoop::virtual_clock().run(|| {
                let consumers = plans.into_iter().map(|plan| {
                    let mut source = source.clone();
                    spawn(async move {
                        let mut got = Vec::new();
                        for how in plan {
                            if let Some(item) = pull(&mut source, how).await {
                                got.push(item);
                            }
                        }
                        Ok::<_, Error>(got)
                    })
                });
                baton::promise::all(consumers.collect::<Vec<_>>())
            });
            let seen = seen.peek().and_then(Result::ok).expect("every consumer finishes");
            let mut items = Vec::new();
            for got in &seen {
                let values: Vec<u32> = got.iter().flatten().copied().collect();
                prop_assert!(values.windows(2).all(|w| w[0] < w[1]), "in order: {:?}", got);
                prop_assert!(got.iter().all(Option::is_some), "an item per pull: {:?}", got);
                items.extend(values);
            }
            prop_assert_eq!(items.len(), kept);
            items.sort_unstable();
            items.dedup();
            prop_assert_eq!(items.len(), kept, "no item twice");
        }
    }

    #[test]
    fn the_stream_impl_takes_the_direct_path_and_gets_every_item() {
        let out = EventLoop::virtual_clock().block_on(async {
            let mut stream = numbers(3);
            let mut seen = Vec::new();
            while let Some(item) = poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
                seen.push(item?);
            }
            Ok::<_, Error>(seen)
        });
        assert_eq!(out.ok(), Some(vec![0, 1, 2]));
    }
}

/// A generator's yield handed to another generator's body panics there;
/// the delegation it was part of must not make the next plain `yield v`
/// skip its turn.
#[test]
fn a_delegated_yield_that_panics_leaves_the_next_yield_its_turn() {
    let log: Log = Rc::default();
    let l = log.clone();
    EventLoop::virtual_clock().run(move || {
        type Stolen = Rc<RefCell<Option<Co<u32, (), u32, Error>>>>;
        let stolen: Stolen = Rc::default();
        let keep = stolen.clone();
        let owner = AsyncGen::new(move |co: Co<u32, (), u32, Error>| async move {
            *keep.borrow_mut() = Some(co.clone());
            co.yield_(0).await?;
            Ok(0)
        });
        drop(owner.next(()));
        let inner = AsyncGen::new(|co: Co<u32, (), u32, Error>| async move {
            co.yield_(1).await?;
            Ok(1)
        });
        let thief = AsyncGen::new(move |_co: Co<u32, (), u32, Error>| async move {
            let co = stolen.borrow_mut().take().expect("the owner ran first");
            co.yield_from_async(inner).await
        });
        let l2 = l.clone();
        drop(thief.next(()).then_else(
            |_| Ok::<(), Error>(()),
            move |_| {
                l2.borrow_mut().push("thief: rejected".to_string());
                Ok::<(), Error>(())
            },
        ));
        // After the thief has panicked (a timer runs after the microtasks).
        set_timeout(
            move || {
                let plain = AsyncGen::new(|co: Co<u32, (), u32, Error>| async move {
                    co.yield_(2).await?;
                    Ok(2)
                });
                let (l3, l4) = (l.clone(), l.clone());
                Promise::<(), Error>::resolve(())
                    .map(move |()| l3.borrow_mut().push("tick 1".to_string()))
                    .map(move |()| l4.borrow_mut().push("tick 2".to_string()));
                let l5 = l.clone();
                drop(
                    plain
                        .next(())
                        .map(move |step| l5.borrow_mut().push(format!("plain: {step:?}"))),
                );
            },
            Duration::ZERO,
        );
    });
    // `yield 2` awaits 2 (a turn) before the request settles (another).
    let log = log.borrow();
    let plain = log
        .iter()
        .position(|l| l.starts_with("plain"))
        .expect("plain settled");
    let tick2 = log.iter().position(|l| l == "tick 2").expect("ticks ran");
    assert!(log.contains(&"thief: rejected".to_string()), "{log:?}");
    assert!(plain > tick2, "the plain yield skipped its turn: {log:?}");
}

mod map_concurrent {
    use super::*;
    use baton::async_gen::{AsyncIteratorExt, promises};
    use std::cell::Cell;

    #[test]
    fn steps_let_go_of_fail_unreported_and_the_first_failure_is_the_stages() {
        let reports = Rc::new(RefCell::new(Vec::new()));
        let r = reports.clone();
        let out = EventLoop::virtual_clock()
            .on_unhandled_rejection(move |rejection| r.borrow_mut().push(rejection.reason.clone()))
            .block_on(async {
                let failing = |i: u32| {
                    sleep(u64::from(4 - i) * 100)
                        .then(move |()| Err::<u32, _>(Error::msg(format!("step {i} failed"))))
                };
                let all = promises((1..=3).map(Promise::<u32>::resolve))
                    .map_concurrent(3, failing)
                    .to_vec()
                    .await;
                Ok::<_, Error>(all.err().map(|e| e.to_string()))
            });
        // Step 1 settles last; the stage's error is still step 1's, and
        // steps 2 and 3, failing first, are let go of without a report.
        assert_eq!(out.ok().flatten().as_deref(), Some("step 1 failed"));
        assert!(reports.borrow().is_empty(), "{:?}", reports.borrow());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Results come in the source's order, never more than `limit`
        /// steps run at once, and the stage never pulls more than `limit`
        /// items ahead of what its consumer has taken.
        #[test]
        fn order_is_kept_and_the_limit_holds(
            delays in proptest::collection::vec(0_u64..50, 0..20),
            limit in 0_usize..5,
        ) {
            let running = Rc::new(Cell::new(0_usize));
            let most = Rc::new(Cell::new(0_usize));
            let pulled = Rc::new(Cell::new(0_usize));
            let taken = Rc::new(Cell::new(0_usize));
            let ahead = Rc::new(Cell::new(0_usize));
            let n = delays.len();
            let (r, m, p, t, a) = (running.clone(), most.clone(), pulled.clone(), taken.clone(), ahead.clone());
            let out = EventLoop::virtual_clock().block_on(async move {
                let source = AsyncGen::new(move |co: Co<usize, (), (), Error>| async move {
                    for i in 0..n {
                        p.set(p.get() + 1);
                        a.set(a.get().max(p.get() - t.get()));
                        co.yield_(i).await?;
                    }
                    Ok(())
                });
                let step = move |i: usize| {
                    r.set(r.get() + 1);
                    m.set(m.get().max(r.get()));
                    let r = r.clone();
                    sleep(delays[i]).map(move |()| {
                        r.set(r.get() - 1);
                        i * 2
                    })
                };
                let mut seen = Vec::new();
                let stage = source.map_concurrent(limit, step);
                baton::async_gen::for_await(stage, async |v| {
                    taken.set(taken.get() + 1);
                    seen.push(v);
                    std::ops::ControlFlow::<()>::Continue(())
                })
                .await?;
                Ok::<_, Error>(seen)
            });
            prop_assert_eq!(out.ok(), Some((0..n).map(|i| i * 2).collect::<Vec<_>>()));
            prop_assert!(most.get() <= limit.max(1));
            prop_assert!(ahead.get() <= limit.max(1));
            prop_assert_eq!(running.get(), 0);
        }
    }
}

/// Two for-await loops polled together by one task (a `join` written
/// out) take their items in turn, as two loops under `Promise.all` do in
/// JavaScript: neither runs ahead to its end while the other waits.
#[test]
fn two_loops_joined_in_one_task_take_their_items_in_turn() {
    use std::future::Future;
    use std::ops::ControlFlow;
    use std::pin::pin;
    use std::task::Poll;

    use baton::async_gen::for_await;

    fn count(n: u32) -> AsyncGen<u32, (), (), Error> {
        AsyncGen::new(move |co: Co<u32, (), (), Error>| async move {
            for i in 1..=n {
                co.yield_(i).await?;
            }
            Ok(())
        })
    }
    let log: Log = Rc::default();
    let (la, lb) = (log.clone(), log.clone());
    let out = EventLoop::virtual_clock().block_on(async move {
        // From here on, the task's turns are microtasks of their own.
        Promise::<(), Error>::resolve(()).await?;
        let mut a = pin!(for_await(count(3), async |i| {
            la.borrow_mut().push(format!("a got {i}"));
            ControlFlow::<()>::Continue(())
        }));
        let mut b = pin!(for_await(count(3), async |i| {
            lb.borrow_mut().push(format!("b got {i}"));
            ControlFlow::<()>::Continue(())
        }));
        let (mut done_a, mut done_b) = (None, None);
        poll_fn(|cx| {
            if done_a.is_none()
                && let Poll::Ready(out) = a.as_mut().poll(cx)
            {
                done_a = Some(out);
            }
            if done_b.is_none()
                && let Poll::Ready(out) = b.as_mut().poll(cx)
            {
                done_b = Some(out);
            }
            if done_a.is_some() && done_b.is_some() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
        Ok::<_, Error>((done_a, done_b))
    });
    assert!(matches!(out, Ok((Some(Ok(None)), Some(Ok(None))))));
    assert_eq!(
        *log.borrow(),
        [
            "a got 1", "b got 1", "a got 2", "b got 2", "a got 3", "b got 3"
        ]
    );
}

/// A stream that waits (pending until a timer wakes it) becomes an async
/// generator whose items come out in order, each when its wake-up came;
/// a consumer that stops early closes the generator, which drops the
/// stream at once, and the item after the last taken is never polled.
#[test]
fn a_waiting_stream_read_as_an_async_generator_is_dropped_when_closed() {
    use baton::async_gen::AsyncIteratorExt;
    use std::task::{Context, Poll};

    struct Ticks {
        next: u32,
        armed: bool,
        log: Log,
    }
    impl Stream for Ticks {
        type Item = u32;
        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
            let this = &mut *self;
            this.log
                .borrow_mut()
                .push(format!("polled for {} at {:?}", this.next, baton::now()));
            // Every other poll waits for a timer's wake-up.
            this.armed = !this.armed;
            if this.armed {
                let waker = cx.waker().clone();
                set_timeout(move || waker.wake(), Duration::from_millis(10));
                return Poll::Pending;
            }
            this.next += 1;
            Poll::Ready(Some(this.next))
        }
    }
    impl Drop for Ticks {
        fn drop(&mut self) {
            self.log.borrow_mut().push("stream dropped".into());
        }
    }

    let log: Log = Rc::default();
    let (l, l2) = (log.clone(), log.clone());
    // The stream's timer holds a clone of the task's waker: told that no
    // wake-up comes from outside, the virtual clock moves on to it.
    let on_timers_alone = EventLoop::virtual_clock().without_outside_wake_ups();
    let out = on_timers_alone.block_on(async move {
        let ticks = Ticks {
            next: 0,
            armed: false,
            log: l,
        };
        let taken = AsyncGen::<u32, (), (), Error>::from_stream(ticks)
            .take(2)
            .to_vec()
            .await?;
        l2.borrow_mut()
            .push(format!("took {taken:?} at {:?}", baton::now()));
        Ok::<_, Error>(taken)
    });
    assert_eq!(out.ok(), Some(vec![1, 2]));
    assert_eq!(
        *log.borrow(),
        [
            "polled for 0 at 0ns",
            "polled for 0 at 10ms",
            "polled for 1 at 10ms",
            "polled for 1 at 20ms",
            "stream dropped",
            "took [1, 2] at 20ms",
        ]
    );
}

/// `from_poll_fn` over a channel fed from another thread: every item
/// arrives once, in order, whatever the room, and the generator ends when
/// the sending side is gone.
#[test]
fn a_poll_function_over_another_threads_channel_loses_nothing() {
    use baton::async_gen::AsyncIteratorExt;
    for room in [1, 3, 100] {
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<u32>(room);
        let producer = std::thread::spawn(move || {
            for n in 0..500 {
                if sender.blocking_send(n).is_err() {
                    break;
                }
            }
        });
        let out = EventLoop::real_clock().block_on(async move {
            AsyncGen::<u32, (), (), Error>::from_poll_fn(move |cx| receiver.poll_recv(cx))
                .to_vec()
                .await
        });
        assert!(producer.join().is_ok());
        assert_eq!(
            out.ok(),
            Some((0..500).collect::<Vec<_>>()),
            "room for {room}"
        );
    }
}

/// An async `yield*` 100,000 deep: a request runs the inner body in
/// place, level inside level, past a thread's stack; the chain goes on on
/// fresh stack segments, read to its end, closed after one item, or
/// dropped while suspended.
#[test]
fn an_async_yield_from_a_hundred_thousand_deep_does_not_overflow_the_stack() {
    use baton::async_gen::AsyncIteratorExt;
    const DEPTH: u32 = if cfg!(miri) { 40 } else { 100_000 };
    fn nest(depth: u32) -> AsyncGen<u32, (), u32, Error> {
        AsyncGen::new(move |co: Co<u32, (), u32, Error>| async move {
            if depth == 0 {
                co.yield_(7).await?;
                co.yield_(8).await?;
                Ok(0)
            } else {
                Ok(co.yield_from_async(nest(depth - 1)).await? + 1)
            }
        })
    }
    let all = EventLoop::virtual_clock().block_on(nest(DEPTH).to_vec());
    assert_eq!(all.ok(), Some(vec![7, 8]));
    let first = EventLoop::virtual_clock().block_on(nest(DEPTH).take(1).to_vec());
    assert_eq!(first.ok(), Some(vec![7]));
    // Dropped while suspended, level inside level.
    let dropped = EventLoop::virtual_clock().block_on(async {
        let deep = nest(DEPTH);
        let first = deep.next(()).await?;
        drop(deep);
        Ok::<_, Error>(first)
    });
    assert_eq!(dropped.ok(), Some(Step::Yielded(7)));
}

/// A pipeline longer than the levels its stages take over (sixteen, then
/// the machines go on): read to its end and closed after one item, the
/// source's cleanup heard through every stage, in time linear in its
/// length (taken over all the way, 8,000 stages took 2.25 s to close).
/// Each pull polls every stage inside the one above it, as JavaScript
/// calls them: 20,000 stages run on a test thread's 2 MiB of stack (they
/// overflowed a main thread's 8 MiB before the machines' polls were
/// counted, and 300 unoptimised overflowed the test thread's).
#[test]
fn a_pipeline_longer_than_its_taken_over_levels_runs_and_closes() {
    use baton::async_gen::AsyncIteratorExt;
    const STAGES: u32 = if cfg!(miri) { 40 } else { 20_000 };
    fn pipeline(log: &Log) -> AsyncGen<u32, (), (), Error> {
        let log = log.clone();
        let mut stages = AsyncGen::new(move |co: Co<u32, (), (), Error>| async move {
            let outcome = async {
                for i in 0..3 {
                    co.yield_(i).await?;
                }
                Ok(())
            }
            .await;
            log.borrow_mut().push("source closed".into());
            outcome
        });
        for _ in 0..STAGES {
            stages = stages.map(|x| x + 1);
        }
        stages
    }
    let log: Log = Rc::default();
    let all = EventLoop::virtual_clock().block_on(pipeline(&log).to_vec());
    assert_eq!(all.ok(), Some(vec![STAGES, STAGES + 1, STAGES + 2]));
    let first = EventLoop::virtual_clock().block_on(pipeline(&log).take(1).to_vec());
    assert_eq!(first.ok(), Some(vec![STAGES]));
    assert_eq!(*log.borrow(), ["source closed", "source closed"]);
}
