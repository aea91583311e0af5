//! Async generators: ns per item consumed by a for-await loop, and a
//! 4-stage lazy pipeline over 200,000 items (compared with Node by
//! `bench/run`).

use std::hint::black_box;
use std::ops::ControlFlow;

use baton::async_gen::{AsyncIteratorExt, for_await};
use baton::{AsyncGen, Co, Error, EventLoop};
use criterion::{Criterion, criterion_group, criterion_main};

fn numbers(n: u64) -> AsyncGen<u64, (), (), Error> {
    AsyncGen::new(move |co: Co<u64, (), (), Error>| async move {
        for i in 0..n {
            co.yield_(i).await?;
        }
        Ok(())
    })
}

fn for_await_items(c: &mut Criterion) {
    c.bench_function("for_await_x1000/baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().block_on(async {
                let mut sum = 0;
                for_await(numbers(1000), async |n| {
                    sum += n;
                    ControlFlow::<()>::Continue(())
                })
                .await?;
                Ok::<_, Error>(sum)
            });
            black_box(out.ok())
        })
    });
}

fn pipeline(c: &mut Criterion) {
    let mut group = c.benchmark_group("pipeline_200k");
    group.sample_size(10);
    group.bench_function("baton", |b| {
        b.iter(|| {
            let out = EventLoop::virtual_clock().block_on(async {
                let batches = numbers(200_000)
                    .map(|n| n * 3)
                    .filter(|n| n % 2 == 0)
                    .batch(50);
                let mut count = 0usize;
                for_await(batches, async |batch| {
                    count += batch.len();
                    ControlFlow::<()>::Continue(())
                })
                .await?;
                Ok::<_, Error>(count)
            });
            assert_eq!(out.ok(), Some(100_000));
        })
    });
    group.finish();
}

criterion_group!(async_gen, for_await_items, pipeline);
criterion_main!(async_gen);
