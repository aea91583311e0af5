//! What a saga's call and delay effects allocate: the called function's
//! promise, nothing more (a small effect is kept inline, a value is not
//! boxed again on its way back, a delay's timer callback is kept in its
//! slot and the turn after a timer is queued in place); and what a store's
//! and a channel's `put` and `take` allocate. Its own test binary: the counting allocator sees the whole
//! process, so this file holds a single test.

#[path = "shared/counting_allocator.rs"]
mod counting_allocator;
#[path = "../benches/shared/messages.rs"]
mod messages;

use baton::saga::{SagaCo, all, call, call_effect, delay, run_saga};
use baton::{EventLoop, Gen, Promise};
use counting_allocator::allocations_during;

fn ready(n: u64) -> Promise<u64> {
    Promise::resolve(n)
}

/// How a saga makes its calls.
#[derive(Clone, Copy)]
enum Shape {
    OneByOne,
    AllAtOnce,
    /// A 1 ms delay before each call.
    Delayed,
}

/// Allocations of a saga making `calls` calls, from start to settlement.
fn allocations_of_a_saga(calls: u64, shape: Shape) -> (usize, Option<u64>) {
    EventLoop::virtual_clock().run(|| ()); // the loop's own buffers
    let (made, out) = allocations_during(|| {
        EventLoop::virtual_clock().run(move || {
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
    });
    (made, out.peek().and_then(Result::ok))
}

/// Allocations of `rounds` round trips through a store.
fn allocations_of_ping_pong(rounds: u32) -> (usize, Option<u32>) {
    EventLoop::virtual_clock().run(|| ());
    let (made, out) = allocations_during(|| {
        EventLoop::virtual_clock().run(move || messages::store_ping_pong(rounds))
    });
    (made, out.peek().and_then(Result::ok))
}

/// Allocations of `n` messages from one saga to another through a
/// channel, the taker waiting for each.
fn allocations_of_channel_messages(n: u64) -> (usize, Option<u64>) {
    EventLoop::virtual_clock().run(|| ());
    let (made, out) = allocations_during(|| {
        EventLoop::virtual_clock().run(move || messages::channel_messages(n))
    });
    (made, out.peek().and_then(Result::ok))
}

/// An action four words large: too large for an effect's inline room.
#[derive(Clone, Debug)]
struct Big([u64; 4]);

impl baton::saga::Action for Big {
    fn action_type(&self) -> &str {
        "BIG"
    }
}

/// Allocations of a saga putting `n` large actions to a store.
fn allocations_of_big_puts(n: u64) -> (usize, Option<u64>) {
    use baton::saga::{Runtime, Store, put};
    EventLoop::virtual_clock().run(|| ());
    let (made, out) = allocations_during(|| {
        EventLoop::virtual_clock().run(move || {
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
    });
    (made, out.peek().and_then(Result::ok))
}

/// Allocations of a saga forking `n` children that return at once.
fn allocations_of_forks(n: u64) -> (usize, Option<u64>) {
    use baton::saga::fork;
    EventLoop::virtual_clock().run(|| ());
    let (made, out) = allocations_during(|| {
        EventLoop::virtual_clock().run(move || {
            run_saga(Gen::new(move |co: SagaCo<u64>| async move {
                let child = |v: u64| Gen::new(move |_co: SagaCo<u64>| async move { Ok(v) });
                for i in 0..n {
                    fork(&co, child, i).await?;
                }
                Ok(n)
            }))
            .promise()
        })
    });
    (made, out.peek().and_then(Result::ok))
}

#[test]
fn calls_allocate_only_their_promise_and_delays_nothing() {
    allocations_of_a_saga(10, Shape::OneByOne); // thread-locals made on first use
    let (base, sum) = allocations_of_a_saga(10, Shape::OneByOne);
    assert_eq!(sum, Some(45));
    let (more, sum) = allocations_of_a_saga(1_010, Shape::OneByOne);
    assert_eq!(sum, Some((0..1_010).sum()));
    assert_eq!(more - base, 1_000, "one allocation per call");

    // In an `all`, every part is queued at once: the loop's queue grows
    // in the first run and keeps its room for the next ones.
    allocations_of_a_saga(2_025, Shape::AllAtOnce);
    let (base, sum) = allocations_of_a_saga(1_025, Shape::AllAtOnce);
    assert_eq!(sum, Some((0..1_025).sum()));
    let (more, sum) = allocations_of_a_saga(2_025, Shape::AllAtOnce);
    assert_eq!(sum, Some((0..2_025).sum()));
    assert_eq!(more - base, 1_000, "one allocation per part");

    // A delay: nothing. Its effect is inline, its timer's callback (the
    // task and its epoch) is kept in the timer's slot, and the turn after
    // the timer fires is queued in place.
    allocations_of_a_saga(10, Shape::Delayed);
    let (base, _) = allocations_of_a_saga(10, Shape::Delayed);
    let (more, sum) = allocations_of_a_saga(1_010, Shape::Delayed);
    assert_eq!(sum, Some((0..1_010).sum()));
    assert_eq!(more - base, 1_000, "none per delay, one per call");

    // A store: a put boxes its dispatch; a take is one object (the bus's
    // listener, the job that hands the action over and what stopping it
    // reaches) and the action it hands over.
    allocations_of_ping_pong(10);
    let (base, dispatched) = allocations_of_ping_pong(10);
    assert_eq!(dispatched, Some(20));
    let (more, dispatched) = allocations_of_ping_pong(1_010);
    assert_eq!(dispatched, Some(2_020));
    assert_eq!(more - base, 6 * 1_000, "three per put and take");
    // A put of an action too large for the effect's inline room: one.
    allocations_of_big_puts(10);
    let (base, sum) = allocations_of_big_puts(10);
    assert_eq!(sum, Some(45));
    let (more, sum) = allocations_of_big_puts(1_010);
    assert_eq!(sum, Some((0..1_010).sum()));
    assert_eq!(
        more - base,
        1_000,
        "one per put, whatever the action's size"
    );

    // A fork: the child (its body, its task, its promise) and the settled
    // promise the parent reads its task from, nothing more.
    allocations_of_forks(10);
    let (base, forked) = allocations_of_forks(10);
    assert_eq!(forked, Some(10));
    let (more, forked) = allocations_of_forks(1_010);
    assert_eq!(forked, Some(1_010));
    assert_eq!(more - base, 4 * 1_000, "four per fork");

    // A channel: a put is one object (its effect and the job that hands
    // its delivery back); a take the same, and the message it hands over.
    allocations_of_channel_messages(10);
    let (base, sum) = allocations_of_channel_messages(10);
    assert_eq!(sum, Some(45));
    let (more, sum) = allocations_of_channel_messages(1_010);
    assert_eq!(sum, Some((0..1_010).sum()));
    assert_eq!(more - base, 3 * 1_000, "three per message");
}
