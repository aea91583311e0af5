//! The floor of bulk work: `all` over 100,000 promises alive at once, done
//! by the smallest Rust that can do it (see `floors.rs`). Apart from the
//! other floors because `bench/run` runs it with glibc's trimming off: its
//! allocation pattern had glibc hand its 8 MB back to the system after
//! every round and fault them in again on the next (2,100 page faults a
//! round), which measured the kernel, not the work (BENCHMARKS.md,
//! "Targets against floors").

use std::collections::VecDeque;
use std::hint::black_box;

#[path = "shared/allocator.rs"]
mod allocator;
#[path = "shared/link.rs"]
mod link;

use criterion::{Criterion, criterion_group, criterion_main};
use link::{Link, add_one};

/// `all` over 100,000 settled promises, per element: each input is a
/// promise made before the call (as the caller makes them); each is taken
/// from a queue (its reaction job, as JavaScript orders them; baton takes
/// the turns of inputs settled when gathered in one job), its value stored
/// in the result and the input let go; the result is one vector. At this
/// size the allocator's bulk behaviour shows, which a chain of 1,000 does
/// not.
fn all_floor(c: &mut Criterion) {
    const ELEMENTS: usize = 100_000;
    let mut group = c.benchmark_group("floor_all_100k");
    group.sample_size(20);
    group.bench_function("floor", |b| {
        b.iter(|| {
            let inputs: Vec<Box<Link>> = (0..ELEMENTS as u64)
                .map(|i| {
                    Box::new(Link {
                        value: i,
                        handler: black_box(add_one),
                        rest: [0; 8],
                    })
                })
                .collect();
            let mut jobs = VecDeque::from(inputs);
            let mut values = Vec::with_capacity(ELEMENTS);
            while let Some(input) = jobs.pop_front() {
                values.push(black_box(input.value));
            }
            black_box(values.len())
        })
    });
    group.finish();
}

criterion_group!(benches, all_floor);
criterion_main!(benches);
