//! Seed 000: `adder()`, a producer and consumer at once, and its state
//! machine (the `while` loop unrolled into a `loop` state).

use std::convert::Infallible;

use baton::{Co, Gen, Generator, Resume, Step, StepResult};

use super::js::{self, Log};

/// function* adder(initialValue) { let sum = initialValue; while (true) sum += yield sum }
pub fn adder(
    initial: i32,
) -> impl Generator<Input = i32, Yield = i32, Return = i32, Error = Infallible> {
    Gen::new(move |co: Co<i32, i32, i32>| async move {
        let mut sum = initial;
        loop {
            sum += co.yield_(sum).await?;
        }
    })
}

pub struct AdderMachine {
    sum: i32,
    state: AdderState,
}

enum AdderState {
    Initial,
    Loop,
    Done,
}

pub fn adder_machine(initial: i32) -> AdderMachine {
    AdderMachine {
        sum: initial,
        state: AdderState::Initial,
    }
}

impl Generator for AdderMachine {
    type Input = i32;
    type Yield = i32;
    type Return = i32;
    type Error = Infallible;

    fn resume(&mut self, how: Resume<i32, Infallible, i32>) -> StepResult<i32, i32, Infallible> {
        match (&self.state, how) {
            (AdderState::Done, Resume::Next(_)) => Ok(Step::Done),
            (_, Resume::Return(value)) => {
                self.state = AdderState::Done;
                Ok(Step::Returned(value))
            }
            (_, Resume::Throw(never)) => match never {},
            (AdderState::Initial, Resume::Next(_)) => {
                self.state = AdderState::Loop;
                Ok(Step::Yielded(self.sum))
            }
            (AdderState::Loop, Resume::Next(input)) => {
                self.sum += input;
                Ok(Step::Yielded(self.sum))
            }
        }
    }
}

/// The seed's `runner()`: feeds 1, 2, 3, then closes the adder.
fn runner(
    mut add: impl Generator<Input = i32, Yield = i32, Return = i32, Error = Infallible>,
) -> String {
    let log = Log::default();
    for input in 0..=3 {
        let Ok(step) = add.next(input);
        log.line(js::value(&step));
    }
    let Ok(step) = add.r#return(100);
    log.line(js::step(&step));
    let Ok(step) = add.next(4);
    log.line(js::step(&step));
    log.text()
}

pub fn generator() -> String {
    runner(adder(0))
}

pub fn machine() -> String {
    runner(adder_machine(0))
}
