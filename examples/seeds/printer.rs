//! Seed 000: `printer()`, a generator that consumes values, and its state
//! machine. The first `next(v)` has no paused `yield` to receive `v`.

use std::convert::Infallible;

use baton::{Co, Gen, Generator, Resume, Step, StepResult};

use super::js::{self, Log};

pub fn printer(
    log: Log,
) -> impl Generator<Input = i32, Yield = (), Return = (), Error = Infallible> {
    Gen::new(move |co: Co<(), i32>| async move {
        log.line("We are starting!");
        log.line(co.yield_(()).await?);
        log.line(co.yield_(()).await?);
        log.line(co.yield_(()).await?);
        log.line("We are done!");
        Ok(())
    })
}

/// The input is piped through `go` instead of appearing at a `yield`.
pub struct PrinterMachine {
    log: Log,
    state: u8,
}

impl Generator for PrinterMachine {
    type Input = i32;
    type Yield = ();
    type Return = ();
    type Error = Infallible;

    fn resume(&mut self, how: Resume<i32, Infallible, ()>) -> StepResult<(), (), Infallible> {
        let input = match how {
            Resume::Next(input) => input,
            Resume::Return(()) => {
                self.state = 5;
                return Ok(Step::Returned(()));
            }
            Resume::Throw(never) => match never {},
        };
        let step = match self.state {
            0 => {
                self.log.line("We are starting!");
                Step::Yielded(())
            }
            1 | 2 => {
                self.log.line(input);
                Step::Yielded(())
            }
            3 => {
                self.log.line(input);
                self.log.line("We are done!");
                Step::Returned(())
            }
            _ => Step::Done,
        };
        self.state = (self.state + 1).min(4);
        Ok(step)
    }
}

fn trace(
    make: impl FnOnce(
        Log,
    )
        -> Box<dyn Generator<Input = i32, Yield = (), Return = (), Error = Infallible>>,
) -> String {
    let log = Log::default();
    let mut counter = make(log.clone());
    for input in 1..=3 {
        let Ok(_) = counter.next(input);
    }
    for input in 4..=5 {
        let Ok(step) = counter.next(input);
        log.line(js::step(&step));
    }
    log.text()
}

pub fn generator() -> String {
    trace(|log| Box::new(printer(log)))
}

pub fn machine() -> String {
    trace(|log| Box::new(PrinterMachine { log, state: 0 }))
}
