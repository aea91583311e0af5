//! A race's cancellation: the losers are stopped with the winner's name
//! (a losing delay's timer cleared), cancelling a racing saga stops every
//! part with its reason (and a gathering one's, as an `all` holds its
//! parts the same way), a typed race stepped by a test takes the
//! `(key, value)` the test feeds, a fork decides a race or an `all` at
//! once, holding the puts its child made until the saga waits again, and a
//! put held back inside a race or an `all` decides it as it is made, in
//! the order of the `all`'s parts.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use baton::saga::{
    Action, Buffer, Channel, Effect, Kind, Pattern, Running, Runtime, Saga, SagaCo, Stepper, Store,
    Task, Value as SagaValue, Won, all, all_effect, call_effect, delay, delay_effect, fork,
    fork_effect, put, put_effect, put_to, race, race_effect, race2, run_saga, take, take_effect,
};
use baton::{Abrupt, Error, EventLoop, Gen, Promise, now, set_timeout};

type Heard = Rc<RefCell<Vec<String>>>;

/// An effect that never settles and says why it was stopped.
fn hang(name: &'static str, heard: &Heard) -> Effect {
    let heard = heard.clone();
    Effect::custom_with(Kind::Custom, name, "", move |_| {
        let never = Promise::<u32>::with_resolver().0;
        Running::of(never).on_cancel(move |why| heard.borrow_mut().push(format!("{name}: {why}")))
    })
}

fn answer(v: u32) -> Promise<u32> {
    Promise::resolve(v)
}

#[test]
fn the_losers_are_stopped_with_the_winners_name_and_a_losing_delay_is_cleared() {
    let heard = Heard::default();
    let h = heard.clone();
    let out = EventLoop::virtual_clock().run(move || {
        run_saga(Gen::new(
            move |co: SagaCo<((&'static str, u32), Duration)>| async move {
                let won = race(
                    &co,
                    vec![
                        ("slow", hang("slow", &h)),
                        ("fast", call_effect(answer, 7)),
                        ("timeout", delay_effect(5_000)),
                        ("later", hang("later", &h)),
                    ],
                )
                .await?;
                Ok((won, now()))
            },
        ))
        .promise()
    });
    // The delay's timer was cleared: the run never reached 5 s.
    assert_eq!(
        out.peek().and_then(Result::ok),
        Some((("fast", 7), Duration::ZERO))
    );
    assert_eq!(
        *heard.borrow(),
        [
            "slow: lost a race to `fast`",
            "later: lost a race to `fast`"
        ]
    );
}

/// What two parts that never settle heard when the saga waiting on them
/// (as `waits` does) was cancelled after 1 ms.
fn heard_when_cancelled<F>(
    waits: impl FnOnce(SagaCo<()>, Effect, Effect) -> F + 'static,
) -> Vec<String>
where
    F: Future<Output = Result<(), Abrupt<Error, ()>>> + 'static,
{
    let heard = Heard::default();
    let (a, b) = (hang("a", &heard), hang("b", &heard));
    let out = EventLoop::virtual_clock().run(move || {
        let task = run_saga(Gen::new(move |co: SagaCo<()>| waits(co, a, b)));
        let t = task.clone();
        set_timeout(
            move || t.cancel(Error::msg("page closed")),
            Duration::from_millis(1),
        );
        task.promise()
    });
    assert!(out.peek().is_some_and(|r| r.is_err()), "cancelled");
    heard.take()
}

#[test]
fn cancelling_a_racing_saga_stops_every_part_with_its_reason() {
    let heard = heard_when_cancelled(|co, a, b| async move {
        let _: Won<u32, u32> = race2(&co, ("a", a), ("b", b)).await?;
        Ok(())
    });
    assert_eq!(heard, ["a: page closed", "b: page closed"]);
}

#[test]
fn cancelling_a_gathering_saga_stops_every_part_with_its_reason() {
    let heard = heard_when_cancelled(|co, a, b| async move {
        let _: Vec<u32> = all(&co, vec![a, b]).await?;
        Ok(())
    });
    assert_eq!(heard, ["a: page closed", "b: page closed"]);
}

#[test]
fn a_typed_race_of_two_takes_the_pair_a_test_feeds() {
    let saga = Gen::new(|co: SagaCo<String>| async move {
        let won: Won<u32, ()> = race2(
            &co,
            ("data", call_effect(answer, 1)),
            ("timeout", delay_effect(10)),
        )
        .await?;
        Ok(match won {
            Won::First(v) => format!("data {v}"),
            Won::Second(()) => "timed out".into(),
        })
    });
    let mut steps = Stepper::new(saga);
    let effect = steps.next_effect().expect("a race");
    assert_eq!(
        effect.to_string(),
        "Race race(data: Call answer(1), timeout: Delay delay(10))"
    );
    let finished = steps.feed_race("data", 42_u32).err().and_then(Result::ok);
    assert_eq!(finished.as_deref(), Some("data 42"));
}

#[test]
fn a_saga_racing_parts_that_never_settle_is_freed_with_them() {
    fn never(_: ()) -> Promise<u32> {
        Promise::with_resolver().0 // its resolver is dropped: it can never settle
    }
    let alive = Rc::new(());
    let held = alive.clone();
    let heard = Heard::default();
    let h = heard.clone();
    EventLoop::virtual_clock().run(move || {
        run_saga(Gen::new(move |co: SagaCo<()>| async move {
            let _held = held;
            let _: Won<u32, u32> =
                race2(&co, ("a", call_effect(never, ())), ("b", hang("b", &h))).await?;
            Ok(())
        }));
    });
    // Nothing can settle the race: nothing keeps it, the saga or its body
    // alive (its parts are let go unstopped, as nothing cancelled them).
    assert_eq!(Rc::strong_count(&alive), 1);
    assert!(heard.borrow().is_empty());
}

/// A store's action: its type only.
#[derive(Clone, Debug)]
struct Act(&'static str);

impl Action for Act {
    fn action_type(&self) -> &str {
        self.0
    }
}

/// A child that puts an action of its name as it starts.
fn putting_child(heard: Heard, name: &'static str) -> impl Saga<Output = ()> {
    Gen::new(move |co: SagaCo<()>| async move {
        heard.borrow_mut().push(format!("{name} started"));
        put(&co, Act(name)).await?;
        heard.borrow_mut().push(format!("{name} put"));
        Ok(())
    })
}

#[test]
fn a_fork_decides_a_race_or_an_all_at_once_and_its_childs_puts_wait_for_the_saga() {
    // redux-saga 1.5 logs these lines in this order for the same sagas.
    let heard = Heard::default();
    let store = Store::new(0_u32, |count, _: &Act| *count += 1);
    EventLoop::virtual_clock().run(|| {
        let runtime = Runtime::new().with_store(&store);
        let h = heard.clone();
        runtime.run(
            "listener",
            Gen::new(move |co: SagaCo<()>| async move {
                loop {
                    let Act(kind) = take(&co, Pattern::Any).await?;
                    h.borrow_mut().push(format!("heard {kind}"));
                }
            }),
        );
        let h = heard.clone();
        let child = {
            let heard = heard.clone();
            move |name| putting_child(heard.clone(), name)
        };
        runtime.run(
            "p",
            Gen::new(move |co: SagaCo<()>| async move {
                delay(&co, 1).await?;
                let won = race2::<_, Act, Task<()>>(
                    &co,
                    ("never", take_effect::<Act>("NEVER".into())),
                    ("child", fork_effect(child.clone(), "A")),
                )
                .await?;
                let by_fork = matches!(won, Won::Second(_));
                h.borrow_mut().push(format!("won by the fork: {by_fork}"));
                let inner = race_effect(vec![
                    ("child", fork_effect(child.clone(), "C")),
                    ("never", take_effect::<Act>("NEVER".into())),
                ]);
                co.yield_(all_effect(vec![fork_effect(child, "B"), inner]))
                    .await?;
                h.borrow_mut().push("after the all".into());
                take::<_, Act>(&co, Pattern::from("LATE")).await?;
                h.borrow_mut().push("took LATE".into());
                Ok(())
            }),
        );
        // Nothing holds the scheduler any more: an action from outside
        // reaches its takers.
        let s = store.clone();
        set_timeout(move || s.dispatch(Act("LATE")), Duration::from_millis(5));
        // The listener's endless takes end with the store's END: left
        // waiting, it and the store would hold each other.
        let s = store.clone();
        set_timeout(move || s.end(), Duration::from_millis(6));
    });
    assert_eq!(
        *heard.borrow(),
        [
            "A started",
            "won by the fork: true",
            "B started",
            "C started",
            "after the all",
            "heard A",
            "A put",
            "heard B",
            "B put",
            "heard C",
            "C put",
            "took LATE",
            "heard LATE",
        ]
    );
}

#[test]
fn a_put_held_back_inside_a_race_or_an_all_decides_it_as_it_is_made() {
    // redux-saga 1.5 logs these lines in this order for the same sagas:
    // the children's puts wait for the forks to settle in, and each
    // child goes on inside its put, before the next put is made.
    let heard = Heard::default();
    let store = Store::new(0_u32, |count, _: &Act| *count += 1);
    let chan = Channel::<u32>::new(Buffer::Expanding(1));
    EventLoop::virtual_clock().run(|| {
        let h = heard.clone();
        let child = move |(raced, effect): (bool, Effect)| {
            let h = h.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                if raced {
                    co.yield_(race_effect(vec![("put", effect)])).await?;
                    h.borrow_mut().push("c1 race gave".into());
                } else {
                    co.yield_(all_effect(vec![effect])).await?;
                    h.borrow_mut().push("c0 all gave".into());
                }
                Ok(())
            })
        };
        let h = heard.clone();
        Runtime::new().with_store(&store).run(
            "m",
            Gen::new(move |co: SagaCo<()>| async move {
                fork(&co, child.clone(), (false, put_effect(Act("S1")))).await?;
                fork(&co, child, (true, chan.put_effect(1))).await?;
                h.borrow_mut().push("m forked".into());
                put(&co, Act("S0")).await?;
                h.borrow_mut().push("m put S0".into());
                Ok(())
            }),
        );
    });
    assert_eq!(
        *heard.borrow(),
        ["m forked", "c0 all gave", "c1 race gave", "m put S0"]
    );
    assert_eq!(store.state(), 2);
}

#[test]
fn an_alls_held_back_put_goes_out_before_the_puts_of_a_child_it_forks_after() {
    // redux-saga 1.5 logs these lines for the same sagas: the parts of an
    // `all` are performed in turn, so its put is held back before the
    // forked child's, and its take gets the `all`'s own message.
    let heard = Heard::default();
    let chan = Channel::<u32>::new(Buffer::Expanding(2));
    EventLoop::virtual_clock().run(|| {
        let (h, c) = (heard.clone(), chan.clone());
        let child = move |()| {
            let (h, c) = (h.clone(), c.clone());
            Gen::new(move |co: SagaCo<()>| async move {
                put_to(&co, &c, 2).await?;
                h.borrow_mut().push("c0 put 2".into());
                Ok(())
            })
        };
        let h = heard.clone();
        Runtime::new().run(
            "m",
            Gen::new(move |co: SagaCo<()>| async move {
                let parts = vec![
                    chan.put_effect(1),
                    fork_effect(child, ()),
                    chan.take_effect(),
                ];
                let values = co.yield_(all_effect(parts)).await?;
                let took = values
                    .downcast_ref::<Vec<SagaValue>>()
                    .and_then(|v| v.get(2)?.downcast_ref::<Option<u32>>().copied().flatten());
                h.borrow_mut().push(format!("m all took {took:?}"));
                Ok(())
            }),
        );
    });
    assert_eq!(*heard.borrow(), ["m all took Some(1)", "c0 put 2"]);
}

/// A race of no effects never settles (redux-saga's `race({})`, seed
/// 003's `Promise.race([])`): the saga waits until it is cancelled, and
/// its cleanup runs then.
#[test]
fn a_race_of_nothing_waits_until_the_saga_is_cancelled() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    EventLoop::virtual_clock().run(move || {
        let task = Runtime::new().run(
            "waiter",
            Gen::new(move |co: SagaCo<()>| async move {
                let won = race::<_, SagaValue>(&co, Vec::new()).await;
                l.borrow_mut().push(format!(
                    "{} at {:?}",
                    if matches!(won, Err(Abrupt::Return(_))) {
                        "cancelled"
                    } else {
                        "settled"
                    },
                    now()
                ));
                won.map(|_| ())
            }),
        );
        let t = task.clone();
        set_timeout(
            move || t.cancel(Error::msg("enough")),
            Duration::from_millis(300),
        );
    });
    assert_eq!(*log.borrow(), ["cancelled at 300ms"]);
}
