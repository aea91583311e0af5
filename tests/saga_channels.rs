//! Channels and watchers on the virtual clock: exact logs of which worker
//! ran when, and a property test that no message is lost or duplicated.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use baton::saga::{
    Action, BoxSaga, Buffer, Channel, Runtime, SagaCo, Store, Task, all, cancelled, debounce,
    delay, fork, put_to, race_effect, run_saga, take_every, take_from, take_latest, take_leading,
    throttle,
};
use baton::{Error, EventLoop, Gen, now, set_timeout};
use proptest::prelude::*;

#[derive(Clone, Debug, PartialEq)]
struct Ping(u32);

impl Action for Ping {
    fn action_type(&self) -> &str {
        "PING"
    }
}

type Log = Rc<RefCell<Vec<String>>>;

fn say(log: &Log, line: impl std::fmt::Display) {
    log.borrow_mut()
        .push(format!("{} {line}", now().as_millis()));
}

/// A worker that takes 15 ms and logs its start, end or cancellation.
fn worker(log: &Log) -> impl Fn(Ping) -> BoxSaga<()> + Clone + 'static {
    let log = log.clone();
    move |Ping(n)| {
        let log = log.clone();
        Gen::new(move |co: SagaCo<()>| async move {
            say(&log, format_args!("start {n}"));
            let outcome = delay(&co, 15).await;
            if cancelled(&co).await? {
                say(&log, format_args!("cancelled {n}"));
            } else {
                say(&log, format_args!("end {n}"));
            }
            outcome
        })
        .boxed()
    }
}

/// Runs `watcher` against a store, dispatches `Ping(n)` at each `(ms, n)`,
/// and returns the log.
fn watch(make: impl FnOnce(&Log) -> BoxSaga<()>, pings: &[(u64, u32)]) -> Vec<String> {
    let log: Log = Rc::default();
    let watcher = make(&log);
    let pings = pings.to_vec();
    EventLoop::virtual_clock().run(move || {
        let store = Store::new((), |_: &mut (), _: &Ping| {});
        let task = Runtime::new().with_store(&store).run("watcher", watcher);
        for (at, n) in pings {
            let store = store.clone();
            set_timeout(move || store.dispatch(Ping(n)), Duration::from_millis(at));
        }
        set_timeout(
            move || task.cancel(Error::msg("end")),
            Duration::from_millis(500),
        );
    });
    log.borrow().clone()
}

#[test]
fn take_every_runs_a_worker_per_action_concurrently() {
    let log = watch(
        |l| take_every("PING", worker(l)),
        &[(1, 1), (10, 2), (20, 3)],
    );
    assert_eq!(
        log,
        [
            "1 start 1",
            "10 start 2",
            "16 end 1",
            "20 start 3",
            "25 end 2",
            "35 end 3"
        ]
    );
}

#[test]
fn take_latest_cancels_the_previous_worker() {
    let log = watch(
        |l| take_latest("PING", worker(l)),
        &[(1, 1), (10, 2), (40, 3)],
    );
    assert_eq!(
        log,
        [
            "1 start 1",
            "10 cancelled 1",
            "10 start 2",
            "25 end 2",
            "40 start 3",
            "55 end 3"
        ]
    );
}

#[test]
fn take_leading_ignores_actions_while_a_worker_runs() {
    let log = watch(
        |l| take_leading("PING", worker(l)),
        &[(1, 1), (10, 2), (20, 3)],
    );
    assert_eq!(log, ["1 start 1", "16 end 1", "20 start 3", "35 end 3"]);
}

#[test]
fn debounce_waits_for_quiet_and_keeps_the_latest() {
    let log = watch(
        |l| debounce(30, "PING", worker(l)),
        &[(1, 1), (10, 2), (20, 3), (100, 4)],
    );
    assert_eq!(log, ["50 start 3", "65 end 3", "130 start 4", "145 end 4"]);
}

#[test]
fn throttle_lets_one_through_per_window_and_keeps_the_latest_of_it() {
    let log = watch(
        |l| throttle(30, "PING", worker(l)),
        &[(1, 1), (5, 2), (10, 3), (40, 4)],
    );
    assert_eq!(
        log,
        [
            "1 start 1",
            "16 end 1",
            "31 start 3",
            "46 end 3",
            "61 start 4",
            "76 end 4"
        ]
    );
}

#[test]
fn closing_a_channel_ends_its_takers_cleanly() {
    let chan = Channel::new(Buffer::Expanding(4));
    let c = chan.clone();
    let got = EventLoop::virtual_clock().run(move || {
        let consumer = run_saga(Gen::new(move |co: SagaCo<Vec<u32>>| async move {
            let mut seen = Vec::new();
            while let Some(n) = take_from(&co, &c).await? {
                seen.push(n);
            }
            Ok(seen)
        }));
        let c = chan.clone();
        set_timeout(
            move || {
                let _ = c.put(1);
                let _ = c.put(2);
            },
            Duration::from_millis(5),
        );
        let c = chan.clone();
        set_timeout(move || c.close(), Duration::from_millis(10));
        consumer.promise()
    });
    assert_eq!(got.peek().and_then(Result::ok), Some(vec![1, 2]));
}

#[test]
fn a_message_put_while_a_take_races_a_call_wins_the_race_at_once() {
    // The message reaches the waiting take inside the put, so the take
    // wins before the call's answer comes a microtask later (redux-saga's
    // order); nothing is lost.
    let chan = Channel::<u32>::new(Buffer::Expanding(4));
    let c = chan.clone();
    let won: Rc<RefCell<Option<(&str, u32)>>> = Rc::default();
    let w = won.clone();
    EventLoop::virtual_clock().run(move || {
        let racer = run_saga(Gen::new(move |co: SagaCo<()>| async move {
            let race = race_effect(vec![
                ("now", baton::saga::call_effect(instant, ())),
                ("message", c.take_effect()),
            ]);
            let value = co.yield_(race).await?;
            let (key, v) = value
                .downcast_ref::<(&str, baton::saga::Value)>()
                .expect("a race's outcome");
            let n = v.downcast_ref::<Option<u32>>().copied().flatten();
            *w.borrow_mut() = Some((key, n.unwrap_or(0)));
            Ok(())
        }));
        let _ = chan.put(7);
        racer
    });
    assert_eq!(*won.borrow(), Some(("message", 7)));
}

#[test]
fn an_all_of_takes_finding_their_messages_goes_on_at_once() {
    // Both takes are answered as they are performed, so the `all` is known
    // at once and the saga goes on before a microtask queued just before
    // it (redux-saga's all resolves inside its own start); an all holding
    // a call keeps seed 003's turn.
    let log: Log = Rc::default();
    let l = log.clone();
    EventLoop::virtual_clock().run(move || {
        let (a, b) = (
            Channel::<u32>::new(Buffer::Expanding(2)),
            Channel::<u32>::new(Buffer::Expanding(2)),
        );
        let _ = (a.put(1), b.put(2));
        run_saga(Gen::new(move |co: SagaCo<()>| async move {
            let m = l.clone();
            baton::queue_microtask(move || say(&m, "a microtask"));
            let both: Vec<Option<u32>> = all(&co, vec![a.take_effect(), b.take_effect()]).await?;
            say(&l, format_args!("took {both:?}"));
            let m = l.clone();
            baton::queue_microtask(move || say(&m, "another microtask"));
            let _ = a.put(3);
            let some = |(): ()| baton::Promise::resolve(Some(0_u32));
            let with_call: Vec<Option<u32>> = all(
                &co,
                vec![baton::saga::call_effect(some, ()), a.take_effect()],
            )
            .await?;
            say(&l, format_args!("then {with_call:?}"));
            Ok(())
        }))
    });
    assert_eq!(
        *log.borrow(),
        [
            "0 took [Some(1), Some(2)]",
            "0 a microtask",
            "0 another microtask",
            "0 then [Some(0), Some(3)]",
        ]
    );
}

/// A put that overflows a fixed buffer throws into its saga inside the
/// put, as redux-saga's does: what the saga puts next, before it waits
/// again, is held back until it does (here, until an `all` has taken the
/// message that filled the buffer), and so fits.
#[test]
fn a_saga_thrown_a_puts_overflow_holds_its_next_puts_until_it_waits() {
    use baton::Abrupt;
    use baton::saga::{Value, all_keyed, race};

    let log: Log = Rc::default();
    let l = log.clone();
    EventLoop::virtual_clock().run(move || {
        let chan = Channel::<u32>::new(Buffer::Fixed(1));
        let _ = chan.put(73);
        run_saga(Gen::new(move |co: SagaCo<()>| async move {
            // Woken by a timer: nothing holds puts back (as the root's
            // start would).
            delay(&co, 1).await?;
            if let Err(Abrupt::Throw(e)) = put_to(&co, &chan, 7).await {
                say(&l, format_args!("caught {e}"));
                let parts = vec![("a", chan.put_effect(10)), ("b", chan.take_effect())];
                let got: Vec<(&str, Value)> = all_keyed(&co, parts).await?;
                let took = got[1].1.downcast_ref::<Option<u32>>().copied().flatten();
                let put = got[0].1.downcast_ref::<baton::saga::Delivery>().copied();
                say(&l, format_args!("the all took {took:?}, its put {put:?}"));
            }
            // Thrown inside a race too, as it is made.
            if let Err(Abrupt::Throw(e)) =
                race::<_, Value>(&co, vec![("a", chan.put_effect(8))]).await
            {
                say(&l, format_args!("the race threw {e}"));
            }
            say(&l, format_args!("buffered {:?}", chan.flush()));
            Ok(())
        }))
    });
    assert_eq!(
        *log.borrow(),
        [
            "1 caught channel buffer overflow (capacity 1)",
            "1 the all took Some(73), its put Some(Buffered)",
            "1 the race threw channel buffer overflow (capacity 1)",
            "1 buffered [10]",
        ]
    );
}

fn instant((): ()) -> baton::Promise<u32> {
    baton::Promise::resolve(0)
}

/// What a random test does next to a channel.
#[derive(Debug, Clone)]
enum Op {
    Put,
    Take,
    /// Cancel the n-th still-running taker.
    Cancel(usize),
    /// Let the loop run its microtasks.
    Settle,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Put),
        3 => Just(Op::Take),
        1 => (0usize..4).prop_map(Op::Cancel),
        2 => Just(Op::Settle),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Every message put is received by exactly one taker or is still
    /// buffered at the end; none is received twice.
    #[test]
    fn channel_messages_are_never_lost_or_duplicated(ops in prop::collection::vec(op(), 1..60)) {
        let received: Rc<RefCell<Vec<u32>>> = Rc::default();
        let chan = Channel::new(Buffer::Expanding(2));
        let (r, c) = (received.clone(), chan.clone());
        let put = EventLoop::virtual_clock().run(move || {
            let mut next = 0;
            let mut takers: Vec<Task<()>> = Vec::new();
            let mut step = 0u64;
            for op in ops {
                step += 1;
                match op {
                    Op::Put => {
                        let c = c.clone();
                        next += 1;
                        let n = next;
                        set_timeout(move || { let _ = c.put(n); }, Duration::from_millis(step));
                    }
                    Op::Take => {
                        let (c, r) = (c.clone(), r.clone());
                        takers.push(run_saga(Gen::new(move |co: SagaCo<()>| async move {
                            if let Some(n) = take_from(&co, &c).await? {
                                r.borrow_mut().push(n);
                            }
                            Ok(())
                        })));
                    }
                    Op::Cancel(i) => {
                        if let Some(t) = takers.iter().filter(|t| t.is_running()).nth(i) {
                            let t = t.clone();
                            set_timeout(move || t.cancel(Error::msg("stop")), Duration::from_millis(step));
                        }
                    }
                    Op::Settle => {}
                }
            }
            next
        });
        let mut all = received.borrow().clone();
        all.extend(chan.flush());
        all.sort_unstable();
        let expected: Vec<u32> = (1..=put).collect();
        prop_assert_eq!(all, expected);
        // Takers still waiting hold the channel they wait on: closing it
        // lets them finish (with `None`, taking nothing), so nothing is
        // left in a cycle.
        let taken = received.borrow().len();
        EventLoop::virtual_clock().run(|| chan.close());
        prop_assert_eq!(received.borrow().len(), taken);
    }
}

#[test]
fn a_taker_waiting_on_a_channel_resumes_inside_the_put_before_the_putter() {
    // redux-saga's order: the put hands the message to the waiting taker,
    // which goes on at once; then the putter goes on.
    use baton::saga::put_to;
    let order: Rc<RefCell<Vec<&str>>> = Rc::default();
    let chan = Channel::new(Buffer::None);
    let (o1, o2, c1, c2) = (order.clone(), order.clone(), chan.clone(), chan.clone());
    EventLoop::virtual_clock().run(move || {
        run_saga(Gen::new(move |co: SagaCo<()>| async move {
            let got: Option<u32> = take_from(&co, &c1).await?;
            o1.borrow_mut().push(if got == Some(1) {
                "taker got 1"
            } else {
                "taker got nothing"
            });
            Ok(())
        }));
        run_saga(Gen::new(move |co: SagaCo<()>| async move {
            let delivery = put_to(&co, &c2, 1).await?;
            o2.borrow_mut()
                .push(if delivery == baton::saga::Delivery::Taken {
                    "putter resumed: taken"
                } else {
                    "putter resumed: not taken"
                });
            Ok(())
        }));
    });
    assert_eq!(*order.borrow(), ["taker got 1", "putter resumed: taken"]);
}

/// A saga waiting on a channel its own body holds is a cycle of `Rc`s
/// (the channel keeps its taker, the taker's body keeps the channel):
/// nothing frees it when the run ends. Closing the channel does.
#[test]
fn a_saga_waiting_on_a_channel_it_holds_is_freed_when_the_channel_closes() {
    use baton::saga::take_from;
    let witness = Rc::new(());
    let alive = Rc::downgrade(&witness);
    let chan: Channel<u32> = Channel::new(Buffer::Expanding(4));
    let c = chan.clone();
    EventLoop::virtual_clock().run(move || {
        run_saga(Gen::new(move |co: SagaCo<()>| async move {
            let _witness = witness;
            let _ = take_from(&co, &c).await?;
            Ok(())
        }));
    });
    assert!(alive.upgrade().is_some(), "the waiting taker is still held");
    EventLoop::virtual_clock().run(|| chan.close());
    assert!(alive.upgrade().is_none(), "closing the channel freed it");
}

#[test]
fn a_put_to_a_channel_made_as_a_fork_starts_waits_for_the_parent_to_wait_too() {
    // As a store's put: redux-saga's scheduler holds it back, so the
    // parent's take right after the fork gets the message.
    let got = EventLoop::virtual_clock().block_on(async {
        let chan: Channel<u32> = Channel::new(Buffer::None);
        let c = chan.clone();
        run_saga(Gen::new(move |co: SagaCo<Option<u32>>| async move {
            let putter = c.clone();
            fork(
                &co,
                move |()| {
                    Gen::new(move |co: SagaCo<()>| async move {
                        put_to(&co, &putter, 7).await?;
                        Ok(())
                    })
                },
                (),
            )
            .await?;
            take_from(&co, &c).await
        }))
        .promise()
        .await
    });
    assert_eq!(got.ok(), Some(Some(7)));
}

#[test]
fn a_message_put_while_a_race_starts_its_parts_reaches_its_take() {
    // The race starts its take, then a called saga that puts: the message
    // reaches the take before the race waits on it, and is not lost.
    let won = EventLoop::virtual_clock().block_on(async {
        let chan = Channel::<u32>::new(Buffer::None);
        let (c, putter) = (chan.clone(), chan.clone());
        run_saga(Gen::new(move |co: SagaCo<&'static str>| async move {
            let put_now = move |()| {
                let putter = putter.clone();
                Gen::new(move |co: SagaCo<u32>| async move {
                    put_to(&co, &putter, 5).await?;
                    delay(&co, 1_000).await?;
                    Ok(0)
                })
            };
            let race = race_effect(vec![
                ("message", c.take_effect()),
                ("putter", baton::saga::call_effect(put_now, ())),
            ]);
            let value = co.yield_(race).await?;
            let (key, _) = value
                .downcast_ref::<(&'static str, baton::saga::Value)>()
                .expect("a race's outcome");
            Ok(*key)
        }))
        .promise()
        .await
    });
    assert_eq!(won.ok(), Some("message"));
}

/// `takers` sagas take from one channel or from the store (`from_store`);
/// every third one is cancelled; then a message for each is put. Returns
/// which taker got which message, in the order they got them.
fn many_takers(takers: u32, from_store: bool) -> Vec<(u32, u32)> {
    let got: Rc<RefCell<Vec<(u32, u32)>>> = Rc::default();
    let g = got.clone();
    EventLoop::virtual_clock().run(move || {
        let store = Store::new((), |_: &mut (), _: &Ping| {});
        let runtime = Runtime::new().with_store(&store);
        let chan: Channel<u32> = Channel::new(Buffer::Expanding(16));
        let tasks: Vec<Task<()>> = (0..takers)
            .map(|i| {
                let (g, chan) = (g.clone(), chan.clone());
                runtime.run(
                    "taker",
                    Gen::new(move |co: SagaCo<()>| async move {
                        let message = if from_store {
                            let Ping(n) = baton::saga::take(&co, "PING").await?;
                            n
                        } else {
                            take_from(&co, &chan).await?.unwrap_or(u32::MAX)
                        };
                        g.borrow_mut().push((i, message));
                        Ok(())
                    }),
                )
            })
            .collect();
        for task in tasks.iter().step_by(3) {
            task.cancel(Error::msg("not this one"));
        }
        for n in 0..takers {
            if from_store {
                store.dispatch(Ping(n));
            } else {
                chan.put(n).ok();
            }
        }
        chan.close();
    });
    got.take()
}

#[test]
fn takers_cancelled_among_many_leave_the_rest_in_line() {
    let takers: u32 = if cfg!(miri) { 30 } else { 3_000 };
    let waiting: Vec<u32> = (0..takers).filter(|i| i % 3 != 0).collect();
    // A channel hands each message to the taker first in line.
    let expected: Vec<(u32, u32)> = waiting.iter().copied().zip(0..).collect();
    assert_eq!(many_takers(takers, false), expected);
    // The store tells every waiting take of the first action.
    let expected: Vec<(u32, u32)> = waiting.iter().map(|&i| (i, 0)).collect();
    assert_eq!(many_takers(takers, true), expected);
}

#[test]
fn a_take_from_a_channel_is_stepped_with_the_message_a_test_feeds() {
    use baton::saga::Stepper;
    let chan = Channel::<u32>::new(Buffer::None);
    let c = chan.clone();
    let saga = Gen::new(move |co: SagaCo<Vec<Option<u32>>>| async move {
        let first = take_from(&co, &c).await?;
        let second = take_from(&co, &c).await?;
        Ok(vec![first, second])
    });
    let mut steps = Stepper::new(saga);
    let take = steps.next_effect().expect("a take");
    assert_eq!(take.to_string(), format!("Take take({chan:?})"));
    steps.feed(Some(5_u32)).expect("another take");
    let finished = steps.feed(None::<u32>).err().and_then(Result::ok);
    assert_eq!(finished, Some(vec![Some(5), None]));
}
