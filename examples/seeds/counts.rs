//! Seed 000: `counts()`, a generator that generates values, the same
//! generator pinned in place, and the same thing as a hand-written state
//! machine.

use std::convert::Infallible;
use std::pin::pin;

use baton::{Body, Co, Gen, Generator, Outcome, PinnedGen, Resume, Step, StepResult};

use super::js::{self, Log};

/// function* counts(start) { yield start+1; yield start+2; yield start+3; return start+4 }
pub fn counts(start: i32) -> Gen<impl Body<i32>, i32, (), i32> {
    Gen::new(move |co| counts_body(co, start))
}

/// The same generator stored in place: pinned where it is resumed, it
/// allocates nothing.
pub fn counts_pinned(start: i32) -> PinnedGen<impl Body<i32>, i32, (), i32> {
    PinnedGen::new(move |co| counts_body(co, start))
}

/// The body both are made of: an `async fn` can be a generator's body.
async fn counts_body(co: Co<i32, (), i32>, start: i32) -> Outcome<i32> {
    co.yield_(start + 1).await?;
    co.yield_(start + 2).await?;
    co.yield_(start + 3).await?;
    Ok(start + 4)
}

/// The closure state machine of the seed: one state per `yield`.
pub struct CountsMachine {
    start: i32,
    state: u8,
}

pub fn counts_machine(start: i32) -> CountsMachine {
    CountsMachine { start, state: 0 }
}

impl Generator for CountsMachine {
    type Input = ();
    type Yield = i32;
    type Return = i32;
    type Error = Infallible;

    fn resume(&mut self, how: Resume<(), Infallible, i32>) -> StepResult<i32, i32, Infallible> {
        if let Resume::Return(value) = how {
            self.state = 4;
            return Ok(Step::Returned(value));
        }
        let step = match self.state {
            0 => Step::Yielded(self.start + 1),
            1 => Step::Yielded(self.start + 2),
            2 => Step::Yielded(self.start + 3),
            3 => Step::Returned(self.start + 4),
            _ => Step::Done,
        };
        self.state = (self.state + 1).min(4);
        Ok(step)
    }
}

fn trace(
    mut counter: impl Generator<Input = (), Yield = i32, Return = i32, Error = Infallible>,
) -> String {
    let log = Log::default();
    for _ in 0..5 {
        let Ok(step) = counter.next(());
        log.line(js::step(&step));
    }
    log.text()
}

pub fn generator() -> String {
    trace(counts(0))
}

pub fn pinned() -> String {
    trace(pin!(counts_pinned(0)))
}

pub fn machine() -> String {
    trace(counts_machine(0))
}
