//! Seed 001, "async await": async functions awaiting timers, returning and
//! composing results, try/catch/finally across awaits, and the same
//! function lowered by hand into the state machine regenerator emits. All
//! on the virtual clock, so the 2 s and 5 s waits take no time.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use baton::{
    Error, EventLoop, Generator, Promise, Resolver, Resume, Step, StepResult, now, set_timeout,
    spawn,
};

use super::js::Log;
use super::promises::later as resolve_after;

/// `console.log` with the loop's (virtual) time, as `[2.0s] line`.
fn stamped(log: &Log, line: impl std::fmt::Display) {
    log.line(format_args!("[{:.1}s] {line}", now().as_secs_f64()))
}

fn reject_after<T: Clone + 'static>(ms: u64, reason: &'static str) -> Promise<T> {
    Promise::new(move |r| {
        set_timeout(
            move || r.reject(Error::msg(reason)),
            Duration::from_millis(ms),
        );
    })
}

fn on_virtual_clock(body: impl FnOnce(&Log) + 'static) -> String {
    let log = Log::default();
    let l = log.clone();
    EventLoop::virtual_clock().run(move || body(&l));
    log.text()
}

pub fn two_timers() -> String {
    on_virtual_clock(|log| {
        let promise1 = resolve_after(2000, ());
        let promise2 = resolve_after(5000, ());
        let l = log.clone();
        // async function c() { await promise1; await promise2 }
        let c = move || {
            spawn(async move {
                stamped(&l, "c: awaiting promise1");
                promise1.await?;
                stamped(&l, "c: promise1 done, awaiting promise2");
                promise2.await?;
                stamped(&l, "c: promise2 done");
                Ok::<_, Error>(())
            })
        };
        stamped(log, "main: calling c()");
        c();
        stamped(log, "main: done");
    })
}

pub fn returns() -> String {
    on_virtual_clock(|log| {
        let promise1 = resolve_after(2000, "🐶");
        let promise2 = resolve_after(5000, "🐷");
        let c = move || {
            spawn(async move {
                let dog = promise1.await?;
                let pig = promise2.await?;
                Ok::<_, Error>(format!("{dog}{pig}"))
            })
        };
        let overall = c();
        let l = log.clone();
        overall.map(move |result| stamped(&l, format_args!("{result}!")));
        stamped(log, "main: done");
    })
}

pub fn composing() -> String {
    on_virtual_clock(|log| {
        let promise1 = resolve_after(2000, "🐶");
        let promise2 = resolve_after(5000, "🐷");
        let dog = move || spawn(async move { Ok::<_, Error>(format!("{}_", promise1.await?)) });
        let pig = move || spawn(async move { Ok::<_, Error>(format!("{}_", promise2.await?)) });
        let c = move || {
            spawn(async move { Ok::<_, Error>(format!("{}{}", dog().await?, pig().await?)) })
        };
        let l = log.clone();
        c().map(move |result| stamped(&l, format_args!("{result}!")));
    })
}

fn show(result: &Option<String>) -> &str {
    result.as_deref().unwrap_or("undefined")
}

pub fn try_catch_finally() -> String {
    on_virtual_clock(|log| {
        let promise1 = resolve_after(200, "🐶".to_string());
        let promise2 = reject_after::<String>(500, "💥");
        let l = log.clone();
        let c = move || {
            spawn(async move {
                let attempt = async {
                    let value1 = promise1.await?;
                    stamped(&l, format_args!("got {value1}"));
                    let value2 = promise2.await?;
                    stamped(&l, "🙈");
                    Ok::<_, Error>(Some(value1 + &value2))
                }
                .await;
                let outcome = attempt.or_else(|e| {
                    stamped(&l, format_args!("catch {e}"));
                    Ok::<_, Error>(None)
                });
                stamped(&l, "finally");
                outcome
            })
        };
        let l = log.clone();
        c().map(move |result| stamped(&l, show(&result)));
    })
}

/// `c()` as regenerator lowers it: the body split at each `await`, `catch`
/// and `finally` into numbered states, with the context's `prev`, `next`,
/// `sent` and pending completion. Try locations: `[[0, 11, 14, 17]]`.
struct LoweredC {
    log: Log,
    promise1: Option<Promise<String>>,
    promise2: Option<Promise<String>>,
    prev: u32,
    next: u32,
    value1: String,
    /// The completion the `finally` block must resume once it is done.
    completion: Option<Completion>,
}

enum Completion {
    Return(Option<String>),
    Throw(Error),
}

impl LoweredC {
    /// `_callee$(_context)`: runs states until one awaits or the body ends.
    fn callee(
        &mut self,
        sent: Resume<String, Error, Option<String>>,
    ) -> StepResult<Promise<String>, Option<String>, Error> {
        let mut sent = Some(sent);
        loop {
            // A thrown error inside the try block [0, 11) enters the catch
            // at 11; anywhere else it leaves through the finally at 14.
            if let Some(Resume::Throw(e)) = sent.take_if(|s| matches!(s, Resume::Throw(_))) {
                if self.prev < 11 {
                    self.next = 11;
                    self.completion = Some(Completion::Throw(e));
                } else {
                    self.completion = Some(Completion::Throw(e));
                    self.next = 14;
                }
            }
            self.prev = self.next;
            match self.next {
                0 => {
                    self.next = 3;
                    return Ok(Step::Yielded(self.promise1.take().expect("awaited once")));
                }
                3 => {
                    if let Some(Resume::Next(v)) = sent.take() {
                        self.value1 = v;
                    }
                    stamped(&self.log, format_args!("got {}", self.value1));
                    self.next = 6;
                    return Ok(Step::Yielded(self.promise2.take().expect("awaited once")));
                }
                6 => {
                    let value2 = match sent.take() {
                        Some(Resume::Next(v)) => v,
                        _ => String::new(),
                    };
                    stamped(&self.log, "🙈");
                    // _context.abrupt("return", value1 + value2): through finally.
                    self.completion = Some(Completion::Return(Some(self.value1.clone() + &value2)));
                    self.next = 14;
                }
                11 => {
                    // _context.t0 = _context["catch"](0)
                    if let Some(Completion::Throw(e)) = self.completion.take() {
                        stamped(&self.log, format_args!("catch {e}"));
                    }
                    self.next = 14;
                }
                14 => {
                    stamped(&self.log, "finally");
                    // _context.finish(14): resume the pending completion.
                    return match self.completion.take() {
                        Some(Completion::Return(v)) => Ok(Step::Returned(v)),
                        Some(Completion::Throw(e)) => Err(e),
                        None => {
                            self.next = 17;
                            continue;
                        }
                    };
                }
                _ => return Ok(Step::Returned(None)), // 17, "end": _context.stop()
            }
        }
    }
}

impl Generator for LoweredC {
    type Input = String;
    type Yield = Promise<String>;
    type Return = Option<String>;
    type Error = Error;
    fn resume(
        &mut self,
        how: Resume<String, Error, Option<String>>,
    ) -> StepResult<Promise<String>, Option<String>, Error> {
        self.callee(how)
    }
}

/// `_asyncToGenerator`: steps the machine, waiting on each promise it
/// yields and sending the value (or the error) back in.
fn async_to_generator<G>(machine: G) -> Promise<G::Return>
where
    G: Generator<Input = String, Yield = Promise<String>, Error = Error> + 'static,
    G::Return: Clone + 'static,
{
    fn step<G>(
        machine: Rc<RefCell<G>>,
        how: Resume<String, Error, G::Return>,
        resolver: Resolver<G::Return>,
    ) where
        G: Generator<Input = String, Yield = Promise<String>, Error = Error> + 'static,
        G::Return: Clone + 'static,
    {
        let stepped = machine.borrow_mut().resume(how);
        match stepped {
            Ok(Step::Yielded(promise)) => {
                let (m, r) = (machine.clone(), resolver.clone());
                promise.then_else(
                    move |value| {
                        step(m, Resume::Next(value), r);
                        Ok(())
                    },
                    move |error| {
                        step(machine, Resume::Throw(error), resolver);
                        Ok(())
                    },
                );
            }
            Ok(Step::Returned(value)) => resolver.resolve(value),
            Ok(Step::Done) => {}
            Err(error) => resolver.reject(error),
        }
    }
    let (promise, resolver) = Promise::with_resolver();
    step(
        Rc::new(RefCell::new(machine)),
        Resume::Next(String::new()),
        resolver,
    );
    promise
}

pub fn try_catch_finally_machine() -> String {
    on_virtual_clock(|log| {
        let c = LoweredC {
            log: log.clone(),
            promise1: Some(resolve_after(200, "🐶".to_string())),
            promise2: Some(reject_after(500, "💥")),
            prev: 0,
            next: 0,
            value1: String::new(),
            completion: None,
        };
        let l = log.clone();
        async_to_generator(c).map(move |result| stamped(&l, show(&result)));
    })
}
