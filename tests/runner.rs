//! The runner beyond the Node oracles: faults, every kind of yieldable,
//! hand-written generators, and timing parity with async functions.

use std::collections::HashMap;
use std::time::Duration;

use baton::runner::{future, run, wrap};
use baton::{
    Co, Error, EventLoop, Fault, FaultKind, Gen, Generator, Promise, Resume, Step, StepResult, now,
    set_timeout, spawn,
};

fn later<T: Clone + 'static>(ms: u64, value: T) -> Promise<T> {
    Promise::new(move |r| {
        set_timeout(move || r.resolve(value), Duration::from_millis(ms));
    })
}

fn fault_kind(e: &Error) -> Option<FaultKind> {
    e.downcast_ref::<Fault>().map(Fault::kind)
}

#[test]
fn a_panicking_generator_rejects_the_run() {
    let p = EventLoop::virtual_clock().run(|| {
        let p = run(Gen::new(|co: Co<Promise<u8>, u8, u8, Error>| async move {
            let v = co.yield_(Promise::resolve(1)).await?;
            if v == 1 {
                panic!("generator blew up");
            }
            Ok(v)
        }));
        p.catch(|_| Ok(0));
        p
    });
    assert_eq!(
        fault_kind(&p.peek().expect("settled").expect_err("rejected")),
        Some(FaultKind::Panic)
    );
}

#[test]
fn an_exhausted_generator_is_a_clear_rejection() {
    let p = EventLoop::virtual_clock().run(|| {
        let mut g = Gen::new(|_co: Co<Promise<u8>, u8, u8, Error>| async move { Ok(1) });
        assert!(matches!(g.next(0), Ok(Step::Returned(1))));
        let p = run(g);
        p.catch(|_| Ok(0));
        p
    });
    assert_eq!(
        fault_kind(&p.peek().expect("settled").expect_err("rejected")),
        Some(FaultKind::Exhausted)
    );
}

#[test]
fn tuples_maps_and_futures_are_yieldable() {
    type Pair = (Promise<u8>, Promise<&'static str>);
    type Keyed<V> = HashMap<&'static str, V>;
    let out = EventLoop::virtual_clock().run(|| {
        let pair = run(Gen::new(
            |co: Co<Pair, (u8, &str), String, Error>| async move {
                let (n, s) = co.yield_((later(20, 7), later(10, "seven"))).await?;
                Ok(format!("{n}={s} at {:?}", now()))
            },
        ));
        let keyed = run(Gen::new(
            |co: Co<Keyed<Promise<u8>>, Keyed<u8>, u8, Error>| async move {
                let m = co
                    .yield_(HashMap::from([("a", later(5, 1)), ("b", later(1, 2))]))
                    .await?;
                Ok(m["a"] * 10 + m["b"])
            },
        ));
        let from_future = run(Gen::new(|co: Co<_, u8, u8, Error>| async move {
            let v = co
                .yield_(future(async { Ok::<u8, Error>(later(3, 40).await? + 2) }))
                .await?;
            Ok(v)
        }));
        (pair, keyed, from_future)
    });
    assert_eq!(
        out.0.peek().and_then(Result::ok).as_deref(),
        Some("7=seven at 20ms")
    );
    assert_eq!(out.1.peek().and_then(Result::ok), Some(12));
    assert_eq!(out.2.peek().and_then(Result::ok), Some(42));
}

/// The hand-written state machine of `function* () { a = yield p1; b = yield p2; return a + b }`.
struct Sum {
    state: u8,
    first: u32,
}

impl Generator for Sum {
    type Input = u32;
    type Yield = Promise<u32>;
    type Return = u32;
    type Error = Error;
    fn resume(&mut self, how: Resume<u32, Error, u32>) -> StepResult<Promise<u32>, u32, Error> {
        let input = match how {
            Resume::Next(v) => v,
            Resume::Throw(e) => return Err(e),
            Resume::Return(v) => return Ok(Step::Returned(v)),
        };
        self.state += 1;
        match self.state {
            1 => Ok(Step::Yielded(later(10, 2))),
            2 => {
                self.first = input;
                Ok(Step::Yielded(later(10, 3)))
            }
            3 => Ok(Step::Returned(self.first + input)),
            _ => Ok(Step::Done),
        }
    }
}

#[test]
fn run_drives_a_hand_written_generator_with_the_same_timing_as_async() {
    let (machine, native) = EventLoop::virtual_clock().run(|| {
        let machine = run(Sum { state: 0, first: 0 }).map(|v| (v, now()));
        let native = spawn(async {
            let a = later(10, 2).await?;
            let b = later(10, 3).await?;
            Ok::<_, Error>((a + b, now()))
        });
        (machine, native)
    });
    let expected = Some((5, Duration::from_millis(20)));
    assert_eq!(machine.peek().and_then(Result::ok), expected);
    assert_eq!(native.peek().and_then(Result::ok), expected);
}

#[test]
fn wrap_makes_a_reusable_async_function() {
    let add_later = wrap(|(a, b): (u32, u32)| {
        Gen::new(move |co: Co<Promise<u32>, u32, u32, Error>| async move {
            let x = co.yield_(later(u64::from(a), a)).await?;
            Ok(x + b)
        })
    });
    let results = EventLoop::virtual_clock().run(move || [add_later((1, 10)), add_later((2, 20))]);
    let values: Vec<_> = results
        .iter()
        .map(|p| p.peek().and_then(Result::ok))
        .collect();
    assert_eq!(values, [Some(11), Some(22)]);
}
