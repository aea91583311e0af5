//! Floors: the work of a row of the other suites, done by the smallest Rust
//! that can do it, with nothing of baton's. What JavaScript's semantics
//! oblige any implementation to do — a then-link creates the promise it
//! returns and runs one job; an await takes one microtask turn — costs at
//! least this on this machine. `bench/run` prints these beside Node's
//! figures and the targets (ten times faster than Node), so a target below
//! its floor shows as one. The floor of bulk work (100,000 promises alive
//! at once) is in `floors_bulk.rs`.

use std::collections::VecDeque;
use std::hint::black_box;

#[path = "shared/allocator.rs"]
mod allocator;

use criterion::{Criterion, criterion_group, criterion_main};

/// Operations per iteration, as in the rows these are floors of.
const N: u64 = 1_000;

/// A job: one indirect call with one word of data, the smallest a
/// microtask can be.
type Job = (fn(&mut Queue, u64), u64);

/// A FIFO of jobs, drained as a microtask checkpoint is.
struct Queue {
    jobs: VecDeque<Job>,
    left: u64,
    sum: u64,
}

impl Queue {
    fn new() -> Self {
        Queue {
            jobs: VecDeque::with_capacity(16),
            left: 0,
            sum: 0,
        }
    }

    fn drain(&mut self) {
        while let Some((job, data)) = self.jobs.pop_front() {
            job(self, data);
        }
    }
}

/// One turn of a task that awaits again: it queues its own next turn.
fn turn(queue: &mut Queue, data: u64) {
    queue.sum = queue.sum.wrapping_add(data);
    if queue.left > 0 {
        queue.left -= 1;
        let again: fn(&mut Queue, u64) = turn;
        queue.jobs.push_back((black_box(again), data));
    }
}

#[path = "shared/link.rs"]
mod link;
use link::{Link, add_one};

fn floors(c: &mut Criterion) {
    c.bench_function("floor_alloc_free", |b| {
        b.iter(|| {
            let link = Box::new(Link {
                value: black_box(1),
                handler: add_one,
                rest: [0; 8],
            });
            drop(black_box(link));
        })
    });

    // An await: the task's next turn goes through the queue, N times.
    c.bench_function("floor_hop_x1000", |b| {
        let mut queue = Queue::new();
        b.iter(|| {
            queue.left = N - 1;
            queue.sum = 0;
            let first: fn(&mut Queue, u64) = turn;
            queue.jobs.push_back((black_box(first), 1));
            queue.drain();
            black_box(queue.sum)
        })
    });

    // A chain of N then-links on a settled promise: building it allocates
    // each link's promise; running it is one job per link, which calls the
    // handler, settles the link and frees the one before.
    c.bench_function("floor_then_link_x1000", |b| {
        b.iter(|| {
            let mut chain: VecDeque<Box<Link>> = (0..N)
                .map(|_| {
                    Box::new(Link {
                        value: 0,
                        handler: black_box(add_one),
                        rest: [0; 8],
                    })
                })
                .collect();
            let mut value = 0;
            let mut jobs: VecDeque<u64> = VecDeque::with_capacity(16);
            jobs.push_back(0);
            while let Some(v) = jobs.pop_front() {
                let Some(mut link) = chain.pop_front() else {
                    value = v;
                    break;
                };
                link.value = (link.handler)(v);
                jobs.push_back(black_box(link.value));
            }
            black_box(value)
        })
    });
}

/// The then-link floor with no allocator at all: the links live in an
/// arena reused from one chain to the next, as a garbage-collected heap
/// hands out and reclaims its young objects wholesale.
fn arena(c: &mut Criterion) {
    c.bench_function("floor_then_link_arena_x1000", |b| {
        let mut arena: Vec<Link> = Vec::with_capacity(N as usize);
        b.iter(|| {
            arena.clear();
            arena.extend((0..N).map(|_| Link {
                value: 0,
                handler: black_box(add_one),
                rest: [0; 8],
            }));
            let mut value = 0;
            let mut jobs: VecDeque<u64> = VecDeque::with_capacity(16);
            let mut next = 0;
            jobs.push_back(0);
            while let Some(v) = jobs.pop_front() {
                let Some(link) = arena.get_mut(next) else {
                    value = v;
                    break;
                };
                next += 1;
                link.value = (link.handler)(v);
                jobs.push_back(black_box(link.value));
            }
            black_box(value)
        })
    });
}

/// A counting generator written by hand, its state (where it paused, its
/// counter) kept in memory between resumes, as a generator stored in a
/// struct or driven from elsewhere keeps it: `black_box` on the pointer
/// stops the optimiser from holding the state in registers across the
/// loop, which is all it keeps from the hand-written rows of the
/// generators suite.
struct Counting {
    started: bool,
    i: u64,
}

impl Counting {
    #[inline(always)]
    fn resume(&mut self) -> u64 {
        if self.started {
            self.i += 1;
        } else {
            self.started = true;
        }
        self.i
    }
}

fn resumes(c: &mut Criterion) {
    c.bench_function("floor_resume_in_memory", |b| {
        b.iter_custom(|iters| {
            let mut generator = Counting {
                started: false,
                i: 0,
            };
            let start = std::time::Instant::now();
            let mut sum = 0u64;
            for _ in 0..iters {
                sum = sum.wrapping_add(black_box(&mut generator).resume());
            }
            black_box(sum);
            start.elapsed()
        })
    });
}

criterion_group!(benches, floors, arena, resumes);
criterion_main!(benches);
