//! What a saga's effects allocate. A call allocates nothing once the loop
//! is warm, alone or in an `all`: the called function's promise takes the
//! cell one before it left (`src/recycle.rs`), a small effect is kept
//! inline, and a value is not boxed again on its way back; a delay
//! nothing (its timer's callback is kept in its slot, the turn after it
//! queued in place); a store's or a channel's `put` and `take` nothing
//! once warm (one object each, recycled; a take keeps what it is
//! handed); a race of two its effect (the race and its parts take the
//! allocations the race before left); a fork its child. Its own test
//! binary: the counting allocator sees the whole process, so this file
//! holds a single test.

#[path = "shared/counting_allocator.rs"]
mod counting_allocator;
#[path = "../benches/shared/messages.rs"]
mod messages;
#[path = "../benches/shared/races.rs"]
mod races;

use std::fmt::Debug;

use baton::saga::{
    Action, Runtime, SagaCo, Store, all, call, call_effect, delay, fork, put, run_saga,
};
use baton::{Error, EventLoop, Gen, Promise};
use counting_allocator::allocations_during;

/// Allocations of a run of the loop whose script returns `main`'s
/// promise, and the value it fulfils with.
fn allocations_of_run<T: Clone + 'static>(
    main: impl FnOnce() -> Promise<T, Error>,
) -> (usize, Option<T>) {
    EventLoop::virtual_clock().run(|| ()); // the loop's own buffers
    let (made, out) = allocations_during(|| EventLoop::virtual_clock().run(main));
    (made, out.peek().and_then(Result::ok))
}

/// What `scenario` allocates for 1,000 units more than for `small`, after
/// a first run of `warm` units (thread-locals made on first use, the
/// loop's buffers grown to the size they keep); every run's value is
/// checked against `expect`.
fn for_a_thousand_more<R: Debug + PartialEq>(
    scenario: impl Fn(u64) -> (usize, Option<R>),
    warm: u64,
    small: u64,
    expect: impl Fn(u64) -> R,
) -> usize {
    let [_, base, more] = [warm, small, small + 1_000].map(|n| {
        let (made, value) = scenario(n);
        assert_eq!(value, Some(expect(n)), "the value of {n} units");
        made
    });
    more - base
}

fn ready(n: u64) -> Promise<u64> {
    Promise::resolve(n)
}

fn sum_below(n: u64) -> u64 {
    (0..n).sum()
}

/// How a saga makes its calls.
#[derive(Clone, Copy)]
enum Shape {
    OneByOne,
    AllAtOnce,
    /// A 1 ms delay before each call.
    Delayed,
}

/// A saga making `calls` calls, from start to settlement.
fn calls(calls: u64, shape: Shape) -> (usize, Option<u64>) {
    allocations_of_run(move || {
        run_saga(Gen::new(move |co: SagaCo<u64>| async move {
            if let Shape::AllAtOnce = shape {
                let calls = (0..calls).map(|i| call_effect(ready, i)).collect();
                let values: Vec<u64> = all(&co, calls).await?;
                return Ok(values.iter().sum());
            }
            let mut sum = 0;
            for i in 0..calls {
                if let Shape::Delayed = shape {
                    delay(&co, 1).await?;
                }
                sum += call(&co, ready, i).await?;
            }
            Ok(sum)
        }))
        .promise()
    })
}

/// An action four words large: too large for an effect's inline room.
#[derive(Clone, Debug)]
struct Big([u64; 4]);

impl Action for Big {
    fn action_type(&self) -> &str {
        "BIG"
    }
}

/// A saga putting `n` large actions to a store.
fn big_puts(n: u64) -> (usize, Option<u64>) {
    allocations_of_run(move || {
        let store = Store::new(0_u64, |sum: &mut u64, Big(words): &Big| *sum += words[0]);
        let saga = Runtime::new().with_store(&store).run(
            "putter",
            Gen::new(move |co: SagaCo<()>| async move {
                for i in 0..n {
                    put(&co, Big([i; 4])).await?;
                }
                Ok(())
            }),
        );
        saga.promise().map(move |()| store.state())
    })
}

/// A saga racing `n` calls against a delay (seed 003's `withTimeout`).
fn races(n: u64) -> (usize, Option<u64>) {
    allocations_of_run(move || races::with_timeouts(n))
}

/// A saga forking `n` children that return at once.
fn forks(n: u64) -> (usize, Option<u64>) {
    allocations_of_run(move || {
        run_saga(Gen::new(move |co: SagaCo<u64>| async move {
            let child = |v: u64| Gen::new(move |_co: SagaCo<u64>| async move { Ok(v) });
            for i in 0..n {
                fork(&co, child, i).await?;
            }
            Ok(n)
        }))
        .promise()
    })
}

#[test]
fn effects_allocate_only_what_they_carry() {
    let one_by_one = |n| calls(n, Shape::OneByOne);
    let allocations = for_a_thousand_more(one_by_one, 10, 10, sum_below);
    assert_eq!(allocations, 0, "no allocation per call");

    // In an `all`, every part is queued at once: the loop's queue grows
    // in the warm-up and keeps its room for the next runs, and the parts'
    // promises take the cells the warm-up's left (its values reach the
    // saga as the one handle to them, and are let go of there).
    let all_at_once = |n| calls(n, Shape::AllAtOnce);
    let allocations = for_a_thousand_more(all_at_once, 2_025, 1_025, sum_below);
    assert_eq!(allocations, 0, "no allocation per part");

    let delayed = |n| calls(n, Shape::Delayed);
    let allocations = for_a_thousand_more(delayed, 10, 10, sum_below);
    assert_eq!(allocations, 0, "none per delay or call");

    // A store: a put is one object; a take is one (the bus's listener,
    // the job that hands the action over and what stopping it reaches),
    // which keeps the action it hears for the saga to read. Each takes
    // the allocation the one before it left.
    let ping_pong = |n| allocations_of_run(move || messages::store_ping_pong(n));
    let allocations = for_a_thousand_more(ping_pong, 10, 10, |n| 2 * n);
    assert_eq!(allocations, 0, "none per put and take");
    let allocations = for_a_thousand_more(big_puts, 10, 10, sum_below);
    assert_eq!(allocations, 0, "none per put of a larger action");

    // A channel: a put is one object (its effect and the job that hands
    // its delivery back); a take the same, which keeps the message it is
    // handed for the saga to read. Recycled, as a store's.
    let messages = |n| allocations_of_run(move || messages::channel_messages(n));
    let allocations = for_a_thousand_more(messages, 10, 10, sum_below);
    assert_eq!(allocations, 0, "none per message");

    // A race of two: the effect holding its pair; the race and its parts
    // (apart, for the saga's stop to hold) recycled from the race before,
    // as the call's promise is; the losing delay's timer nothing, the
    // winner's value no box.
    let allocations = for_a_thousand_more(races, 10, 10, sum_below);
    assert_eq!(allocations, 1_000, "one per race of a call and a delay");

    // A fork: the child (its body, its task, its promise); the settled
    // promise the parent reads its task from takes a recycled cell.
    let allocations = for_a_thousand_more(forks, 10, 10, |n| n);
    assert_eq!(allocations, 3 * 1_000, "three per fork");
}
