//! ns per resume: baton's generators against hand-written state machines
//! (and, through `bench/run`, against Node's generators).

use std::convert::Infallible;
use std::hint::black_box;
use std::time::Instant;

#[path = "shared/allocator.rs"]
mod allocator;

use std::pin::pin;

use baton::{Body, BoxGen, Co, Gen, Generator, PinnedGen, Resume, Step, StepResult};
use criterion::{Criterion, criterion_group, criterion_main};

/// function* () { let i = 0; while (true) yield i++ }
///
/// `ROW` gives each row its own generator function, as a program has: a
/// body resumed from one place is inlined into the loop that resumes it,
/// while one shared by two loops is inlined only while it is small (LLVM's
/// threshold), which this body sits right at. The boxed rows show the cost
/// of a body called out of line.
fn counting<const ROW: u8>()
-> impl Generator<Input = (), Yield = u64, Return = (), Error = Infallible> {
    Gen::new(|co: Co<u64>| async move {
        let mut i = 0;
        loop {
            co.yield_(i).await?;
            i += 1;
        }
    })
}

/// The same body behind `dyn Future` (`BoxGen`): the body's poll is an
/// indirect call the optimiser cannot inline into the caller's loop.
fn counting_boxed() -> BoxGen<'static, u64> {
    Gen::new(|co: Co<u64>| async move {
        let mut i = 0;
        loop {
            co.yield_(i).await?;
            i += 1;
        }
    })
    .boxed()
}

/// The same body stored in place (`PinnedGen`), pinned on the stack of the
/// function that resumes it: nothing is allocated, and the body's locals
/// can stay in registers.
fn counting_pinned<const ROW: u8>() -> PinnedGen<impl Body<()>, u64> {
    PinnedGen::new(|co: Co<u64>| async move {
        let mut i = 0;
        loop {
            co.yield_(i).await?;
            i += 1;
        }
    })
}

struct CountingMachine(u64);

impl Generator for CountingMachine {
    type Input = ();
    type Yield = u64;
    type Return = ();
    type Error = Infallible;
    fn resume(&mut self, how: Resume<(), Infallible, ()>) -> StepResult<u64, (), Infallible> {
        match how {
            Resume::Next(()) => {
                let i = self.0;
                self.0 += 1;
                Ok(Step::Yielded(i))
            }
            Resume::Return(()) => Ok(Step::Returned(())),
            Resume::Throw(never) => match never {},
        }
    }
}

/// The seed's adder: function* (sum) { while (true) sum += yield sum }
fn ping_pong<const ROW: u8>()
-> impl Generator<Input = u64, Yield = u64, Return = u64, Error = Infallible> {
    Gen::new(|co: Co<u64, u64, u64>| async move {
        let mut sum = 0u64;
        loop {
            sum = sum.wrapping_add(co.yield_(sum).await?);
        }
    })
}

fn ping_pong_boxed() -> BoxGen<'static, u64, u64, u64> {
    Gen::new(|co: Co<u64, u64, u64>| async move {
        let mut sum = 0u64;
        loop {
            sum = sum.wrapping_add(co.yield_(sum).await?);
        }
    })
    .boxed()
}

fn ping_pong_pinned<const ROW: u8>() -> PinnedGen<impl Body<u64>, u64, u64, u64> {
    PinnedGen::new(|co: Co<u64, u64, u64>| async move {
        let mut sum = 0u64;
        loop {
            sum = sum.wrapping_add(co.yield_(sum).await?);
        }
    })
}

struct PingPongMachine {
    sum: u64,
    started: bool,
}

impl Generator for PingPongMachine {
    type Input = u64;
    type Yield = u64;
    type Return = u64;
    type Error = Infallible;
    fn resume(&mut self, how: Resume<u64, Infallible, u64>) -> StepResult<u64, u64, Infallible> {
        match how {
            Resume::Next(n) => {
                if self.started {
                    self.sum = self.sum.wrapping_add(n);
                }
                self.started = true;
                Ok(Step::Yielded(self.sum))
            }
            Resume::Return(v) => Ok(Step::Returned(v)),
            Resume::Throw(never) => match never {},
        }
    }
}

/// Times `iters` resumes in one tight loop, summing the yielded values as
/// the Node loop does (`for x of g) sum += x`), so the figure is the resume
/// itself and not the harness's per-call overhead. Inputs go through
/// `black_box` so no loop can be folded into a closed form. The generator
/// is made in the timed function's own frame (once per batch of `iters`),
/// as a program's resume loop makes the generator it drives: a pinned one
/// must be, since it cannot move after pinning.
macro_rules! resume_summing {
    ($c:expr, $group:expr, $row:literal, $make:expr, $input:expr) => {
        $c.bench_function(concat!($group, $row), |b| {
            b.iter_custom(|iters| {
                let mut g = $make;
                let start = Instant::now();
                let mut sum = 0u64;
                for _ in 0..iters {
                    if let Ok(Step::Yielded(v)) = g.next(black_box($input)) {
                        sum = sum.wrapping_add(v);
                    }
                }
                black_box(sum);
                start.elapsed()
            })
        })
    };
}

/// The same loop, but every step escapes to `black_box`: the optimiser must
/// materialise each result in memory (a pessimistic bound).
macro_rules! resume_opaque {
    ($c:expr, $group:expr, $row:literal, $make:expr, $input:expr) => {
        $c.bench_function(concat!($group, $row), |b| {
            b.iter_custom(|iters| {
                let mut g = $make;
                let start = Instant::now();
                for _ in 0..iters {
                    let _ = black_box(g.next(black_box($input)));
                }
                start.elapsed()
            })
        })
    };
}

/// Registers the four makes of both generators (`Gen`, a boxed body, a
/// `PinnedGen`, the hand-written machine) under `$counting/…` and
/// `$ping_pong/…`, each timed by the loop `$resume`; `$k` tells the
/// generators of one loop from the other's (each gets its own copy).
macro_rules! four_makes {
    ($resume:ident, $c:expr, $counting:literal, $ping_pong:literal, $k:literal) => {
        let pp = || PingPongMachine {
            sum: 0,
            started: false,
        };
        $resume!($c, $counting, "/baton", counting::<$k>(), ());
        $resume!($c, $counting, "/baton_boxed", counting_boxed(), ());
        $resume!(
            $c,
            $counting,
            "/baton_pinned",
            pin!(counting_pinned::<$k>()),
            ()
        );
        $resume!($c, $counting, "/hand_written", CountingMachine(0), ());
        $resume!($c, $ping_pong, "/baton", ping_pong::<$k>(), 1);
        $resume!($c, $ping_pong, "/baton_boxed", ping_pong_boxed(), 1);
        $resume!(
            $c,
            $ping_pong,
            "/baton_pinned",
            pin!(ping_pong_pinned::<$k>()),
            1
        );
        $resume!($c, $ping_pong, "/hand_written", pp(), 1);
    };
}

fn benches(c: &mut Criterion) {
    four_makes!(resume_summing, c, "counting", "ping_pong", 0);
    four_makes!(resume_opaque, c, "counting_opaque", "ping_pong_opaque", 1);
    // function* () { yield* counting() }: each resume passes through the
    // outer generator to the inner one and back.
    resume_summing!(
        c,
        "yield_star",
        "/baton",
        Gen::new(|co: Co<u64>| async move { co.yield_from(counting::<2>()).await }),
        ()
    );
    c.bench_function("create_run_drop/baton", |b| {
        b.iter(|| {
            let mut g = Gen::new(|co: Co<u64>| async move {
                let mut i = 0;
                loop {
                    co.yield_(i).await?;
                    i += 1;
                }
            });
            let _ = black_box(g.next(()));
            let _ = black_box(g.next(()));
        })
    });
    c.bench_function("create_run_drop/baton_pinned", |b| {
        b.iter(|| {
            let mut g = pin!(PinnedGen::new(|co: Co<u64>| async move {
                let mut i = 0;
                loop {
                    co.yield_(i).await?;
                    i += 1;
                }
            }));
            let _ = black_box(g.next(()));
            let _ = black_box(g.next(()));
        })
    });
}

criterion_group!(generators, benches);
criterion_main!(generators);
