//! A race's cancellation: the losers are stopped with the winner's name
//! (a losing delay's timer cleared), cancelling a racing saga stops every
//! part with its reason (and a gathering one's, as an `all` holds its
//! parts the same way), and a typed race stepped by a test takes the
//! `(key, value)` the test feeds.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use baton::saga::{
    Effect, Kind, Running, SagaCo, Stepper, Won, all, call_effect, delay_effect, race, race2,
    run_saga,
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
