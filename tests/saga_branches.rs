//! A cloneable stepper (redux-saga's `cloneableGenerator`): a clone stands
//! where the original stands and goes on by itself; `saga/branches.js`
//! pins the seed-style example to redux-saga's (`tests/seeds.rs`).

use std::cell::Cell;
use std::rc::Rc;

use baton::saga::{BoxSaga, Description, Finished, SagaCo, Stepper, Task, call, delay, join};
use baton::{Abrupt, Error, Gen, Promise};
use proptest::prelude::*;

fn ask(_: (u32, u32)) -> Promise<u32> {
    unreachable!("stepped: the test answers")
}

fn recover(_: u32) -> Promise<u32> {
    unreachable!("stepped: the test answers")
}

fn clean_up(_: u32) -> Promise<()> {
    unreachable!("stepped: the test answers")
}

/// A saga whose effects depend on what it is fed alone: asks, waits or
/// recovers by the answers, and cleans up with an effect when returned.
/// Counts how often its body starts.
fn asker(runs: &Rc<Cell<u32>>) -> impl Fn() -> BoxSaga<u32> + 'static {
    let runs = runs.clone();
    move || {
        let runs = runs.clone();
        Gen::new(move |co: SagaCo<u32>| async move {
            runs.set(runs.get() + 1);
            let mut total = 0;
            let outcome = async {
                for round in 0..6 {
                    match call(&co, ask, (round, total)).await {
                        Ok(n) if n % 3 == 0 => delay(&co, u64::from(n)).await?,
                        Ok(n) => total += n,
                        Err(Abrupt::Throw(_)) => total += call(&co, recover, round).await?,
                        Err(stop) => return Err(stop),
                    }
                }
                Ok(total)
            }
            .await;
            if let Err(Abrupt::Return(_)) = outcome {
                call(&co, clean_up, total).await?;
            }
            outcome
        })
        .boxed()
    }
}

/// What a test feeds a step.
#[derive(Debug, Clone)]
enum Input {
    Value(u32),
    Fail,
    End,
}

/// What a step gave, comparable.
fn seen<T: std::fmt::Display>(step: Result<Description, Finished<T>>) -> String {
    match step {
        Ok(effect) => effect.to_string(),
        Err(Ok(value)) => format!("returned {value}"),
        Err(Err(error)) => format!("threw {error}"),
    }
}

/// Feeds `input` as the effect before it asks: a delay or a cleanup takes
/// `()`, anything else the number.
fn feed<G>(steps: &mut Stepper<G>, before: &str, input: &Input) -> String
where
    G: baton::Generator<
            Yield = baton::saga::Effect,
            Input = baton::saga::Value,
            Error = Error,
            Return = u32,
        >,
{
    let unit = before.starts_with("Delay") || before.starts_with("Call clean_up");
    seen(match input {
        Input::Value(_) if unit => steps.feed(()),
        Input::Value(n) => steps.feed(*n),
        Input::Fail => steps.fail(Error::msg("refused")),
        Input::End => steps.end(),
    })
}

fn inputs() -> impl Strategy<Value = Vec<Input>> {
    prop::collection::vec(
        prop_oneof![
            6 => (0..10_u32).prop_map(Input::Value),
            2 => Just(Input::Fail),
            1 => Just(Input::End),
        ],
        0..12,
    )
}

proptest! {
    /// Cloned after any number of steps, the clone then fed what the
    /// original is fed gives what the original gives, step for step; the
    /// body starts once more for each clone.
    #[test]
    fn a_clone_goes_on_as_the_original_does(inputs in inputs(), at in 0..12_usize) {
        let runs = Rc::new(Cell::new(0));
        let mut original = Stepper::cloneable(asker(&runs));
        let mut last = seen(original.next_effect());
        let at = at.min(inputs.len());
        for input in &inputs[..at] {
            last = feed(&mut original, &last, input);
        }
        let mut clone = original.clone();
        prop_assert_eq!(runs.get(), 2);
        let mut last_of_clone = last.clone();
        for input in &inputs[at..] {
            last = feed(&mut original, &last, input);
            last_of_clone = feed(&mut clone, &last_of_clone, input);
            prop_assert_eq!(&last_of_clone, &last);
        }
        // A clone of the clone stands where both ended.
        let mut again = clone.clone();
        prop_assert_eq!(runs.get(), 3);
        let next = feed(&mut again, &last, &Input::Value(1));
        prop_assert_eq!(next, feed(&mut original, &last, &Input::Value(1)));
    }
}

#[test]
fn clones_go_their_own_ways() {
    let runs = Rc::new(Cell::new(0));
    let mut steps = Stepper::cloneable(asker(&runs));
    assert_eq!(seen(steps.next_effect()), "Call ask((0, 0))");
    assert_eq!(seen(steps.feed(4_u32)), "Call ask((1, 4))");
    let mut other = steps.clone();
    assert_eq!(seen(other.feed(5_u32)), "Call ask((2, 9))");
    assert_eq!(seen(steps.fail(Error::msg("no"))), "Call recover(1)");
    assert_eq!(seen(other.end()), "Call clean_up(9)");
    assert_eq!(seen(steps.feed(7_u32)), "Call ask((2, 11))");
    assert_eq!(seen(other.feed(())), "returned 0");
    assert_eq!(runs.get(), 2);
}

#[test]
fn a_clone_of_an_unstarted_stepper_starts_afresh_and_one_of_a_finished_saga_is_finished() {
    let runs = Rc::new(Cell::new(0));
    let mut steps = Stepper::cloneable(asker(&runs));
    assert_eq!(runs.get(), 0, "made, not started");
    let mut fresh = steps.clone();
    assert_eq!(seen(fresh.next_effect()), "Call ask((0, 0))");
    steps.next_effect().ok();
    assert_eq!(seen(steps.end()), "Call clean_up(0)");
    assert_eq!(seen(steps.feed(())), "returned 0");
    let mut ended = steps.clone();
    assert_eq!(
        seen(ended.feed(1_u32)),
        "threw the saga had already finished"
    );
}

#[test]
fn a_task_fed_to_the_original_is_the_clones_too() {
    fn worker(_: u32) -> baton::saga::BoxSaga<u32> {
        unreachable!("stepped: the test feeds the task")
    }
    let make = || {
        Gen::new(|co: SagaCo<u32>| async move {
            let task: Task<u32> = baton::saga::fork(&co, worker, 1).await?;
            Ok(join(&co, &task).await? + 1)
        })
    };
    let (task, _resolver) = Task::<u32>::mock("worker");
    let mut steps = Stepper::cloneable(make);
    steps.next_effect().ok();
    assert_eq!(seen(steps.feed(task.clone())), "Join join(worker #0)");
    let mut clone = steps.clone();
    assert_eq!(seen(clone.feed(41_u32)), "returned 42");
    assert_eq!(seen(steps.feed(1_u32)), "returned 2");
}

#[test]
#[should_panic(
    expected = "a cloned saga took another way than the original: its step 2 gave Delay delay(2)"
)]
fn a_saga_whose_effects_depend_on_more_than_its_results_cannot_be_cloned() {
    let runs = Rc::new(Cell::new(0_u64));
    let mut steps = Stepper::cloneable(move || {
        let runs = runs.clone();
        Gen::new(move |co: SagaCo<()>| async move {
            runs.set(runs.get() + 1);
            delay(&co, 0).await?;
            delay(&co, runs.get()).await
        })
    });
    steps.next_effect().ok();
    steps.feed(()).ok();
    let _ = steps.clone();
}

#[test]
fn results_of_an_all_and_a_race_are_replayed_into_a_clone() {
    use baton::saga::{all, call_effect, race};
    fn price(_: &'static str) -> Promise<u32> {
        unreachable!("stepped: the test answers")
    }
    let make = || {
        Gen::new(|co: SagaCo<String>| async move {
            let prices: Vec<u32> = all(
                &co,
                vec![call_effect(price, "tea"), call_effect(price, "cake")],
            )
            .await?;
            let (winner, quote): (&str, u32) = race(
                &co,
                vec![
                    ("shop", call_effect(price, "shop")),
                    ("market", call_effect(price, "market")),
                ],
            )
            .await?;
            Ok(format!("{prices:?}, {winner} at {quote}"))
        })
    };
    let mut steps = Stepper::cloneable(make);
    steps.next_effect().ok();
    assert_eq!(
        seen(steps.feed_all([3_u32, 4])).split('(').next(),
        Some("Race race")
    );
    let mut clone = steps.clone();
    assert_eq!(
        seen(clone.feed_race("market", 9_u32)),
        "returned [3, 4], market at 9"
    );
    assert_eq!(
        seen(steps.feed_race("shop", 11_u32)),
        "returned [3, 4], shop at 11"
    );
}
