//! Seed 003's `withTimeout` in a loop: the saga the race benchmark times
//! and `tests/saga_allocations.rs` counts the allocations of. Called inside
//! a run of the loop; returns the promise the run ends with.

use baton::saga::{SagaCo, Won, call_effect, delay_effect, race2, run_saga};
use baton::{Error, Gen, Promise};

fn ready(v: u64) -> Promise<u64> {
    Promise::resolve(v)
}

/// `n` races of a call whose promise has settled against a 1 s delay,
/// which loses and is cancelled. Fulfils with the sum of `0..n`.
pub fn with_timeouts(n: u64) -> Promise<u64, Error> {
    run_saga(Gen::new(move |co: SagaCo<u64>| async move {
        let mut sum = 0;
        for i in 0..n {
            let won: Won<u64, ()> = race2(
                &co,
                ("result", call_effect(ready, i)),
                ("timeout", delay_effect(1_000)),
            )
            .await?;
            if let Won::First(v) = won {
                sum += v;
            }
        }
        Ok(sum)
    }))
    .promise()
}
