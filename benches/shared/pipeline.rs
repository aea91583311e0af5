//! The 4-stage pipeline both the speed and the memory benchmarks run:
//! `numbers(n) → map → filter → batch(50) → for await`.

use std::ops::ControlFlow;

use baton::async_gen::{AsyncIteratorExt, for_await};
use baton::{AsyncGen, Co, Error, EventLoop};

/// An async generator of `0..n`.
pub fn numbers(n: u64) -> AsyncGen<u64, (), (), Error> {
    AsyncGen::new(move |co: Co<u64, (), (), Error>| async move {
        for i in 0..n {
            co.yield_(i).await?;
        }
        Ok(())
    })
}

/// Runs the pipeline over `n` items; returns how many items reached the end.
pub fn run_pipeline(n: u64) -> Option<usize> {
    EventLoop::virtual_clock()
        .block_on(async move {
            let batches = numbers(n).map(|x| x * 3).filter(|x| x % 2 == 0).batch(50);
            let mut count = 0usize;
            for_await(batches, async |batch| {
                count += batch.len();
                ControlFlow::<()>::Continue(())
            })
            .await?;
            Ok::<_, Error>(count)
        })
        .ok()
}
