//! Seed 004's first examples, one after another, as
//! `tests/oracle/async_gen/basics.js` runs them: asyncCounter, greetSlowly
//! and simple() asked by hand, a type made async iterable (EventStream),
//! collecting (a for-await loop, and `from_async`), the helpers the seed
//! writes by hand (`filter`, `map`, `take`, `to_vec` here), and a stream
//! stopped by `with_timeout` when an item is late; and the protocol by
//! hand beside a generator (`both_protocols.js`).

use std::cell::Cell;
use std::ops::ControlFlow;
use std::rc::Rc;
use std::time::Duration;

use baton::async_gen::{AsyncIterator, AsyncIteratorExt, fall_off, for_await, from_async};
use baton::{AsyncGen, Co, Error, Fault, FaultKind, Step, now, spawn};

use super::js::{Log, step_json};
use super::promises::{scenario, sleep, stamp, stamp_since};

type Items<T> = AsyncGen<T, (), (), Error>;

/// The log, with times counted from the start of each example (as the
/// JavaScript's `begin` and `stamp`).
#[derive(Clone)]
struct Clock {
    log: Log,
    start: Rc<Cell<Duration>>,
}

impl Clock {
    fn begin(&self, title: &str) {
        self.start.set(now());
        self.log.line(format_args!("-- {title}"));
    }

    fn stamp(&self, line: impl std::fmt::Display) {
        stamp_since(&self.log, self.start.get(), line);
    }
}

/// async function* asyncCounter(start, end, delay)
fn async_counter(start: i32, end: i32, delay: u64) -> Items<i32> {
    AsyncGen::new(move |co: Co<i32, (), (), Error>| async move {
        for i in start..=end {
            sleep(delay).await?;
            co.yield_(i).await?;
        }
        fall_off()
    })
}

/// async function* greetSlowly()
fn greet_slowly() -> Items<&'static str> {
    AsyncGen::new(|co: Co<&'static str, (), (), Error>| async move {
        sleep(500).await?;
        co.yield_("Hello").await?;
        sleep(500).await?;
        co.yield_("World").await?;
        fall_off()
    })
}

/// async function* simple()
fn simple() -> Items<i32> {
    AsyncGen::new(|co: Co<i32, (), (), Error>| async move {
        for i in 1..=3 {
            co.yield_(i).await?;
        }
        fall_off()
    })
}

/// An event of the stream.
#[derive(Clone)]
struct Event {
    kind: &'static str,
    target: &'static str,
}

/// `class EventStream { async *[Symbol.asyncIterator]() { … } }`: a type
/// whose async iterator is a generator over its events.
struct EventStream {
    events: Vec<Event>,
    delay: u64,
}

impl EventStream {
    fn new(events: Vec<Event>, delay: u64) -> Self {
        EventStream { events, delay }
    }

    fn async_iter(&self) -> Items<Event> {
        let (events, delay) = (self.events.clone(), self.delay);
        AsyncGen::new(move |co: Co<Event, (), (), Error>| async move {
            for event in events {
                sleep(delay).await?;
                co.yield_(event).await?;
            }
            fall_off()
        })
    }
}

/// async function* numbers(): 1 to 10, 50 ms apart.
fn numbers() -> Items<i32> {
    async_counter(1, 10, 50)
}

/// async function collectAsync(asyncIterable)
async fn collect_async(items: Items<i32>) -> Result<Vec<i32>, Error> {
    let mut results = Vec::new();
    for_await(items, async |item| {
        results.push(item);
        ControlFlow::<()>::Continue(())
    })
    .await?;
    Ok(results)
}

/// Users 100 ms apart, but the third 6 s late; its cleanup logs.
fn users(clock: &Clock) -> Items<&'static str> {
    let clock = clock.clone();
    AsyncGen::new(move |co: Co<&'static str, (), (), Error>| async move {
        let outcome = async {
            for (name, ms) in [("Ada", 100), ("Grace", 100), ("Linus", 6000)] {
                sleep(ms).await?;
                co.yield_(name).await?;
            }
            fall_off()
        }
        .await;
        clock.stamp("users closed"); // finally
        outcome
    })
}

fn json(values: &[i32]) -> String {
    let shown: Vec<String> = values.iter().map(i32::to_string).collect();
    format!("[{}]", shown.join(","))
}

pub fn basics() -> String {
    scenario(|log| {
        let clock = Clock {
            log: log.clone(),
            start: Rc::new(Cell::new(Duration::ZERO)),
        };
        spawn(async move {
            clock.begin("asyncCounter(1, 3, 100)");
            for_await(async_counter(1, 3, 100), async |i| {
                clock.stamp(format_args!("asyncCounter: {i}"));
                ControlFlow::<()>::Continue(())
            })
            .await?;

            clock.begin("greetSlowly(), asked by hand");
            let greeting = greet_slowly();
            for _ in 0..3 {
                let step: Step<&str, ()> = greeting.next(()).await?;
                clock.stamp(format_args!("greetSlowly: {}", step_json(&step)));
            }

            clock.begin("simple(), asked by hand");
            let generator = simple();
            for _ in 0..4 {
                let step: Step<i32, ()> = generator.next(()).await?;
                clock.log.line(format_args!("simple: {}", step_json(&step)));
            }

            clock.begin("an EventStream, 300 ms apart");
            let stream = EventStream::new(
                vec![
                    Event {
                        kind: "click",
                        target: "button",
                    },
                    Event {
                        kind: "input",
                        target: "textfield",
                    },
                    Event {
                        kind: "submit",
                        target: "form",
                    },
                ],
                300,
            );
            for_await(stream.async_iter(), async |event| {
                clock.stamp(format_args!("{} on {}", event.kind, event.target));
                ControlFlow::<()>::Continue(())
            })
            .await?;

            clock.begin("numbers() collected");
            let collected = collect_async(numbers()).await?;
            clock.stamp(format_args!("collectAsync: {}", json(&collected)));
            let collected = from_async(numbers()).await?;
            clock.stamp(format_args!("fromAsync: {}", json(&collected)));

            clock.begin("numbers() through the hand-written helpers");
            let doubled_evens = numbers().filter(|n| n % 2 == 0).map(|n| n * 2);
            let doubled_evens = doubled_evens.to_vec().await?;
            clock.stamp(format_args!("evens doubled: {}", json(&doubled_evens)));
            let first_three = numbers().take(3).to_vec().await?;
            clock.stamp(format_args!("first three: {}", json(&first_three)));

            clock.begin("withTimeout(users(), 5000)");
            let processed = for_await(
                users(&clock).with_timeout(Duration::from_millis(5000)),
                async |name| {
                    clock.stamp(format_args!("Processing: {name}"));
                    ControlFlow::<()>::Continue(())
                },
            )
            .await;
            match processed {
                Err(e)
                    if e.downcast_ref::<Fault>().map(Fault::kind) == Some(FaultKind::TimedOut) =>
                {
                    clock.stamp("Stream timed out - processing stopped");
                }
                other => {
                    other?;
                }
            }
            Ok::<_, Error>(())
        });
    })
}

/// `manualAsyncIterable`: the protocol by hand, `next()` a timer's promise
/// of the next number, `return()` a cleanup.
struct Manual {
    i: i32,
    log: Log,
}

impl AsyncIterator for Manual {
    type Item = i32;
    type Error = Error;

    fn next(&mut self) -> impl std::future::Future<Output = Result<Option<i32>, Error>> {
        // `i++` runs when the timer fires in the JavaScript; nothing reads
        // it in between.
        let value = (self.i < 3).then_some(self.i);
        if value.is_some() {
            self.i += 1;
        }
        async move {
            match value {
                Some(value) => {
                    sleep(100).await?;
                    Ok(Some(value))
                }
                None => Ok(None),
            }
        }
    }

    async fn close(&mut self) -> Result<(), Error> {
        stamp(&self.log, "Cleanup");
        Ok(())
    }
}

/// `generatorAsyncIterable`: the same numbers from an async generator.
fn generator_numbers() -> Items<i32> {
    AsyncGen::new(|co: Co<i32, (), (), Error>| async move {
        for i in 0..3 {
            sleep(100).await?;
            co.yield_(i).await?;
        }
        fall_off()
    })
}

/// async function test(label, iterable, stopAt)
async fn test<I: AsyncIterator<Item = i32, Error = Error>>(
    log: &Log,
    label: &str,
    iterable: I,
    stop_at: Option<i32>,
) -> Result<(), Error> {
    for_await(iterable, async |val| {
        stamp(log, format_args!("{label}: {val}"));
        if Some(val) == stop_at {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .await?;
    stamp(log, format_args!("{label}: done"));
    Ok(())
}

pub fn both_protocols() -> String {
    scenario(|log| {
        let log = log.clone();
        spawn(async move {
            let manual = |log: &Log| Manual {
                i: 0,
                log: log.clone(),
            };
            test(&log, "manual", manual(&log), None).await?;
            test(&log, "generator", generator_numbers(), None).await?;
            test(&log, "manual, stopped at 1", manual(&log), Some(1)).await?;
            test(
                &log,
                "generator, stopped at 1",
                generator_numbers(),
                Some(1),
            )
            .await?;
            Ok::<_, Error>(())
        });
    })
}
