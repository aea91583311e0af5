//! Seed 000: `throw()` into the adder reverts the sum to its last value;
//! as a generator (try/catch is a `match`) and as a state machine (the
//! error is one more input, checked in every state).

use baton::{Abrupt, Co, Error, Gen, Generator, Resume, Step, StepResult};

use super::js::{self, Log};

pub fn adder(
    initial: i32,
    log: Log,
) -> impl Generator<Input = i32, Yield = i32, Return = i32, Error = Error> {
    Gen::new(move |co: Co<i32, i32, i32, Error>| async move {
        let mut sum = initial;
        let mut last_sum = initial;
        loop {
            let temp = sum;
            match co.yield_(sum).await {
                Ok(input) => {
                    sum += input;
                    last_sum = temp;
                }
                Err(Abrupt::Throw(e)) => {
                    log.line(format_args!("caught: {e}"));
                    sum = last_sum;
                }
                Err(closing) => return Err(closing),
            }
        }
    })
}

pub struct AdderMachine {
    log: Log,
    state: State,
    sum: i32,
    last_sum: i32,
    temp: i32,
}

enum State {
    Initial,
    Loop,
    Done,
}

impl AdderMachine {
    /// The seed's `go(input, err)`.
    fn go(&mut self, input: i32, err: Option<Error>) -> StepResult<i32, i32, Error> {
        match self.state {
            State::Initial => {
                if let Some(e) = err {
                    self.state = State::Done;
                    return Err(e);
                }
            }
            State::Loop => match err {
                Some(e) => {
                    self.log.line(format_args!("caught: {e}"));
                    self.sum = self.last_sum;
                }
                None => {
                    self.sum += input;
                    self.last_sum = self.temp;
                }
            },
            State::Done => return err.map_or(Ok(Step::Done), Err),
        }
        self.temp = self.sum;
        self.state = State::Loop;
        Ok(Step::Yielded(self.sum))
    }
}

impl Generator for AdderMachine {
    type Input = i32;
    type Yield = i32;
    type Return = i32;
    type Error = Error;

    fn resume(&mut self, how: Resume<i32, Error, i32>) -> StepResult<i32, i32, Error> {
        match how {
            Resume::Next(input) => self.go(input, None),
            Resume::Throw(e) => self.go(0, Some(e)),
            Resume::Return(value) => {
                self.state = State::Done;
                Ok(Step::Returned(value))
            }
        }
    }
}

pub fn adder_machine(initial: i32, log: Log) -> AdderMachine {
    AdderMachine {
        log,
        state: State::Initial,
        sum: initial,
        last_sum: initial,
        temp: initial,
    }
}

fn trace<G: Generator<Input = i32, Yield = i32, Return = i32, Error = Error>>(
    make: impl FnOnce(Log) -> G,
) -> String {
    let log = Log::default();
    let mut add = make(log.clone());
    let calls: [Resume<i32, Error, i32>; 7] = [
        Resume::Next(0),
        Resume::Next(1),
        Resume::Next(2),
        Resume::Throw(Error::msg("BOO!")),
        Resume::Next(4),
        Resume::Throw(Error::msg("BOO again!")),
        Resume::Next(10),
    ];
    for how in calls {
        match add.resume(how) {
            Ok(step) => log.line(js::value(&step)),
            Err(e) => log.line(format_args!("uncaught: {e}")),
        }
    }
    log.text()
}

pub fn generator() -> String {
    trace(|log| adder(0, log))
}

pub fn machine() -> String {
    trace(|log| adder_machine(0, log))
}
