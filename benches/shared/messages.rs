//! The message-passing scenarios the saga benchmarks time and
//! `tests/saga_allocations.rs` counts the allocations of: round trips
//! through a store, and messages through a channel. Each is called inside
//! a run of the loop and returns the promise the run ends with.

use baton::saga::{
    Action, Buffer, Channel, Runtime, SagaCo, Store, put, put_to, run_saga, take, take_from,
};
use baton::{Error, Gen, Promise};

#[derive(Clone, Debug)]
pub enum Ball {
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

/// `rounds` round trips through a store: one saga puts PING and takes
/// PONG, the other takes PING and puts PONG. Fulfils with the number of
/// actions the store reduced.
pub fn store_ping_pong(rounds: u64) -> Promise<u64, Error> {
    let store = Store::new(0_u64, |n: &mut u64, _: &Ball| *n += 1);
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
}

/// `n` messages (`0..n`) from one saga to another through a channel, the
/// taker waiting for each. Fulfils with their sum.
pub fn channel_messages(n: u64) -> Promise<u64, Error> {
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
}
