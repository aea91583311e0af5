//! What a saga's call and delay effects allocate: the called function's
//! promise, nothing more (a small effect is kept inline, a value is not
//! boxed again on its way back, a delay's timer callback is kept in its
//! slot and the turn after a timer is queued in place); and what a store's
//! and a channel's `put` and `take` allocate. Its own test binary: the counting allocator sees the whole
//! process, so this file holds a single test.

#[path = "shared/counting_allocator.rs"]
mod counting_allocator;

use baton::saga::{
    Action, Buffer, Channel, Runtime, SagaCo, Store, all, call, call_effect, delay, put, put_to,
    run_saga, take, take_from,
};
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

#[derive(Clone, Debug)]
enum Ball {
    Ping,
    Pong,
}

impl Action for Ball {
    fn action_type(&self) -> &str {
        match self {
            Ball::Ping => "PING",
            Ball::Pong => "PONG",
        }
    }
}

/// Allocations of `rounds` round trips through a store: one saga puts
/// PING and takes PONG, the other takes PING and puts PONG.
fn allocations_of_ping_pong(rounds: u32) -> (usize, Option<u32>) {
    EventLoop::virtual_clock().run(|| ());
    let (made, out) = allocations_during(|| {
        EventLoop::virtual_clock().run(move || {
            let store = Store::new(0_u32, |n: &mut u32, _: &Ball| *n += 1);
            let runtime = Runtime::new().with_store(&store);
            runtime.run(
                "ponger",
                Gen::new(move |co: SagaCo<()>| async move {
                    for _ in 0..rounds {
                        take::<_, Ball>(&co, "PING").await?;
                        put(&co, Ball::Pong).await?;
                    }
                    Ok(())
                }),
            );
            let pinger = runtime.run(
                "pinger",
                Gen::new(move |co: SagaCo<()>| async move {
                    for _ in 0..rounds {
                        put(&co, Ball::Ping).await?;
                        take::<_, Ball>(&co, "PONG").await?;
                    }
                    Ok(())
                }),
            );
            pinger.promise().map(move |()| store.state())
        })
    });
    (made, out.peek().and_then(Result::ok))
}

/// Allocations of `n` messages from one saga to another through a
/// channel, the taker waiting for each.
fn allocations_of_channel_messages(n: u64) -> (usize, Option<u64>) {
    EventLoop::virtual_clock().run(|| ());
    let (made, out) = allocations_during(|| {
        EventLoop::virtual_clock().run(move || {
            let chan = Channel::new(Buffer::Expanding(16));
            let c = chan.clone();
            let consumer = run_saga(Gen::new(move |co: SagaCo<u64>| async move {
                let mut sum = 0;
                while let Some(m) = take_from(&co, &c).await? {
                    sum += m;
                }
                Ok(sum)
            }));
            run_saga(Gen::new(move |co: SagaCo<()>| async move {
                for i in 0..n {
                    put_to(&co, &chan, i).await?;
                }
                chan.close();
                Ok(())
            }));
            consumer.promise()
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

    // A channel: a put is one object (its effect and the job that hands
    // its delivery back); a take the same, and the message it hands over.
    allocations_of_channel_messages(10);
    let (base, sum) = allocations_of_channel_messages(10);
    assert_eq!(sum, Some(45));
    let (more, sum) = allocations_of_channel_messages(1_010);
    assert_eq!(sum, Some((0..1_010).sum()));
    assert_eq!(more - base, 3 * 1_000, "three per message");
}
