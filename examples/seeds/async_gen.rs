//! The async generator chapter (seed 004): each port mirrors
//! `tests/oracle/async_gen/<name>.js` line by line.

use std::future::{Future, poll_fn};
use std::ops::ControlFlow;
use std::pin::{Pin, pin};
use std::task::Poll;

use baton::async_gen::{
    AsyncIterator, AsyncIteratorExt, PinnedAsyncGen, fall_off, for_await, promises,
};
use baton::{Abrupt, AsyncGen, Co, Error, Outcome, Promise, Step, queue_microtask, spawn};

use super::js::{Js, Log, step_json};
use super::promises::{catch_boom, runs_on, scenario, side_steps, sleep, stamp, ticks};

type JsCo = Co<Js, Js, Js, Error>;

fn show(log: &Log, label: &'static str) -> impl FnOnce(Step<Js, Js>) + 'static + use<> {
    let log = log.clone();
    move |step| log.line(format_args!("{label}: {}", step_json(&step)))
}

/// One request a script makes of a generator without waiting.
enum Request {
    Next,
    Return(&'static str),
    Throw(&'static str),
}

/// Makes each request in order, as `gen.next().then(show(label))` and
/// its siblings do; a rejected answer is shown as `<label> rejected: <e>`.
fn make_requests(
    log: &Log,
    generator: &AsyncGen<Js, Js, Js, Error>,
    script: &[(Request, &'static str)],
) {
    for (request, label) in script {
        let answer = match request {
            Request::Next => generator.next(Js::Undefined),
            Request::Return(value) => generator.r#return((*value).into()),
            Request::Throw(reason) => generator.throw(Error::msg(*reason)),
        };
        let (shown, failed, label) = (show(log, label), log.clone(), *label);
        answer.then_else(
            move |step| {
                shown(step);
                Ok::<_, Error>(())
            },
            move |e| {
                failed.line(format_args!("{label} rejected: {e}"));
                Ok::<_, Error>(())
            },
        );
    }
}

pub fn basic() -> String {
    scenario(|log| {
        ticks(log, 8);
        let l = log.clone();
        let generator = AsyncGen::new(move |co: JsCo| async move {
            l.line("body starts");
            co.yield_(1.into()).await?;
            l.line("after yield 1");
            Promise::<()>::resolve(()).await?;
            co.yield_(2.into()).await?;
            Ok("end".into())
        });
        make_requests(
            log,
            &generator,
            &[
                (Request::Next, "next 1"),
                (Request::Next, "next 2"),
                (Request::Next, "next 3"),
                (Request::Next, "next 4"),
            ],
        );
        log.line("script end");
    })
}

pub fn request_queue() -> String {
    scenario(|log| {
        let l = log.clone();
        let generator = AsyncGen::new(move |co: JsCo| async move {
            let attempt = async {
                sleep(10).await?;
                co.yield_("a".into()).await?;
                sleep(10).await?;
                co.yield_("b".into()).await?;
                sleep(10).await?;
                co.yield_("c".into()).await?;
                Ok(Js::Undefined)
            }
            .await;
            // finally { … await sleep(5) … }
            l.line("finally starts");
            sleep(5).await?;
            l.line("finally ends");
            attempt
        });
        make_requests(
            log,
            &generator,
            &[
                (Request::Next, "next 1"),
                (Request::Next, "next 2"),
                (Request::Return("stopped"), "return"),
                (Request::Next, "next after return"),
            ],
        );
        log.line("all requested");
    })
}

pub fn return_turns() -> String {
    scenario(|log| {
        ticks(log, 12);
        let l = log.clone();
        let generator = AsyncGen::new(move |co: JsCo| async move {
            let attempt = async {
                l.line("body starts");
                co.yield_("a".into()).await?;
                l.line("after a");
                Promise::<()>::resolve(()).await?;
                l.line("after the await");
                co.yield_("b".into()).await?;
                l.line("never");
                Ok(Js::Undefined)
            }
            .await;
            // finally { … await … }
            l.line("finally starts");
            Promise::<()>::resolve(()).await?;
            l.line("finally ends");
            attempt
        });
        make_requests(
            log,
            &generator,
            &[
                (Request::Next, "next 1"),
                (Request::Next, "next 2"),
                (Request::Return("stopped"), "return"),
                (Request::Throw("late"), "throw"),
                (Request::Next, "next 3"),
            ],
        );
        log.line("script end");
    })
}

pub fn finally_yields() -> String {
    scenario(|log| {
        ticks(log, 10);
        let l = log.clone();
        let generator = AsyncGen::new(move |co: JsCo| async move {
            let attempt = async {
                co.yield_("a".into()).await?;
                co.yield_("b".into()).await?;
                Ok(Js::Undefined)
            }
            .await;
            // finally { … yield … await … }
            l.line("finally starts");
            co.yield_("from finally".into()).await?;
            l.line("finally resumes");
            Promise::<()>::resolve(()).await?;
            l.line("finally ends");
            attempt
        });
        make_requests(
            log,
            &generator,
            &[
                (Request::Next, "next 1"),
                (Request::Return("stopped"), "return"),
                (Request::Next, "next 2"),
                (Request::Next, "next 3"),
            ],
        );
        log.line("script end");
    })
}

fn guarded(log: Log) -> AsyncGen<Js, Js, Js, Error> {
    AsyncGen::new(move |co: JsCo| async move {
        loop {
            match co.yield_("waiting".into()).await {
                Ok(_) => {}
                Err(Abrupt::Throw(e)) => {
                    log.line(format_args!("caught {e}"));
                    co.yield_("recovered".into()).await?;
                    return Ok("done".into());
                }
                Err(closing) => return Err(closing),
            }
        }
    })
}

pub fn throw_in() -> String {
    scenario(|log| {
        let l = log.clone();
        spawn(async move {
            let g = guarded(l.clone());
            let line =
                |n: u8, step: Step<Js, Js>| l.line(format_args!("{n}: {}", step_json(&step)));
            line(1, g.next(Js::Undefined).await?);
            line(2, g.throw(Error::msg("oops")).await?);
            line(3, g.next(Js::Undefined).await?);
            line(4, g.next(Js::Undefined).await?);
            if let Err(e) = g.throw(Error::msg("late")).await {
                l.line(format_args!("5: rejected with {e}"));
            }
            let fresh = guarded(l.clone());
            line(6, fresh.r#return("early".into()).await?);
            line(7, fresh.next(Js::Undefined).await?);
            Ok::<_, Error>(())
        });
    })
}

pub fn managed() -> String {
    scenario(|log| {
        let l = log.clone();
        let generator = AsyncGen::new(move |co: JsCo| async move {
            let attempt = async {
                co.yield_(1.into()).await?;
                co.yield_(2.into()).await?;
                co.yield_(3.into()).await?;
                Ok(Js::Undefined)
            }
            .await;
            let outcome = match attempt {
                Err(Abrupt::Throw(e)) => {
                    l.line(format_args!("Generator caught: {e}"));
                    co.yield_("recovered".into()).await.map(|_| Js::Undefined)
                }
                other => other,
            };
            l.line("Cleanup in finally");
            outcome
        });
        let l = log.clone();
        spawn(async move {
            l.line(step_json(&generator.next(Js::Undefined).await?));
            l.line(step_json(
                &generator.throw(Error::msg("external failure")).await?,
            ));
            l.line(step_json(&generator.r#return("done".into()).await?));
            Ok::<_, Error>(())
        });
    })
}

fn countdown(from: i32, delay: u64) -> AsyncGen<Js, (), (), Error> {
    AsyncGen::new(move |co: Co<Js, (), (), Error>| async move {
        for i in (1..=from).rev() {
            sleep(delay).await?;
            co.yield_(i.into()).await?;
        }
        sleep(delay).await?;
        co.yield_("Go!".into()).await?;
        Ok(())
    })
}

pub fn countdown_loops() -> String {
    scenario(|log| {
        let l = log.clone();
        spawn(async move {
            // for await (const value of countdown(3, 1000)) …
            for_await(countdown(3, 1000), async |value| {
                stamp(&l, value);
                ControlFlow::<()>::Continue(())
            })
            .await?;
            stamp(&l, "Finished!");
            // The same by hand: what for await does under the hood.
            let generator = countdown(2, 500);
            while let Step::Yielded(value) = generator.next(()).await? {
                stamp(&l, format_args!("manual {value}"));
            }
            stamp(&l, "Manual finished!");
            Ok::<_, Error>(())
        });
    })
}

pub fn unstable() -> String {
    scenario(|log| {
        let l = log.clone();
        spawn(async move {
            let generator = AsyncGen::new(|co: Co<i32, (), (), Error>| async move {
                co.yield_(1).await?;
                co.yield_(2).await?;
                Err(Error::msg("Generator exploded at item 3").into())
            });
            let looped = for_await(generator, async |value| {
                l.line(format_args!("Received: {value}"));
                ControlFlow::<()>::Continue(())
            })
            .await;
            if let Err(e) = looped {
                l.line(format_args!("Caught: {e}"));
            }
            Ok::<_, Error>(())
        });
    })
}

pub fn early_break() -> String {
    scenario(|log| {
        let (l, cleanup) = (log.clone(), log.clone());
        let infinite = AsyncGen::new(move |co: Co<i32, (), (), Error>| async move {
            let outcome = async {
                let mut i = 0;
                loop {
                    sleep(100).await?;
                    co.yield_(i).await?;
                    i += 1;
                }
            }
            .await;
            stamp(&cleanup, "Stream closed, cleanup performed");
            outcome
        });
        spawn(async move {
            for_await(infinite, async |value| {
                stamp(&l, value);
                if value >= 4 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .await?;
            stamp(&l, "after the loop");
            Ok::<_, Error>(())
        });
    })
}

/// The hand-written protocol: `{ [Symbol.asyncIterator]() { … async next() … } }`.
struct AsyncRange {
    current: i32,
    last: i32,
}

impl AsyncIterator for AsyncRange {
    type Item = i32;
    type Error = Error;

    fn next(&mut self) -> impl std::future::Future<Output = Result<Option<i32>, Error>> {
        let value = (self.current <= self.last).then_some(self.current);
        if value.is_some() {
            self.current += 1;
        }
        async move {
            sleep(300).await?;
            Ok(value)
        }
    }
}

pub fn async_range() -> String {
    scenario(|log| {
        let l = log.clone();
        spawn(async move {
            for_await(
                AsyncRange {
                    current: 1,
                    last: 5,
                },
                async |num| {
                    stamp(&l, num);
                    ControlFlow::<()>::Continue(())
                },
            )
            .await?;
            Ok::<_, Error>(())
        });
    })
}

pub fn promise_array() -> String {
    scenario(|log| {
        let later = |after: u64, value: &'static str| sleep(after).map(move |()| value);
        let all = vec![
            later(300, "post 1"),
            later(100, "post 2"),
            later(200, "post 3"),
        ];
        let l = log.clone();
        spawn(async move {
            for_await(promises(all), async |post| {
                stamp(&l, post);
                ControlFlow::<()>::Continue(())
            })
            .await?;
            Ok::<_, Error>(())
        });
    })
}

/// `{ *[Symbol.iterator]() {…}, async *[Symbol.asyncIterator]() {…} }`: a
/// sync generator for `for`, an async one for `for_await`.
struct DualIterable;

impl DualIterable {
    fn async_iter(&self) -> AsyncGen<&'static str, (), (), Error> {
        AsyncGen::new(|co: Co<&'static str, (), (), Error>| async move {
            sleep(100).await?;
            co.yield_("async-1").await?;
            sleep(100).await?;
            co.yield_("async-2").await?;
            Ok(())
        })
    }
}

impl IntoIterator for &DualIterable {
    type Item = &'static str;
    type IntoIter = baton::BoxGen<'static, &'static str>;

    fn into_iter(self) -> Self::IntoIter {
        baton::Gen::new(|co: Co<&'static str>| async move {
            co.yield_("sync-1").await?;
            co.yield_("sync-2").await?;
            Ok(())
        })
        .boxed()
    }
}

pub fn dual_iterable() -> String {
    scenario(|log| {
        let dual = DualIterable;
        for val in &dual {
            stamp(log, val);
        }
        let l = log.clone();
        spawn(async move {
            for_await(dual.async_iter(), async |val| {
                stamp(&l, val);
                ControlFlow::<()>::Continue(())
            })
            .await?;
            Ok::<_, Error>(())
        });
    })
}

/// A generator body, boxed: for an `AsyncGen` or a `PinnedAsyncGen` alike.
pub type BoxedBody<Y> =
    Box<dyn FnOnce(Co<Y, (), (), Error>) -> Pin<Box<dyn Future<Output = Outcome<(), Error>>>>>;

/// `for await (const v of g) { log(label + v); if (v === stop) break }`
/// over an `AsyncGen` made of `body`, or a `PinnedAsyncGen` when `pinned`.
async fn loop_over<Y>(
    log: &Log,
    body: BoxedBody<Y>,
    pinned: bool,
    label: &str,
    stop: Option<Y>,
) -> Result<(), Error>
where
    Y: Clone + PartialEq + std::fmt::Display + 'static,
{
    let each = async |v: Y| {
        log.line(format_args!("{label}: item {v}"));
        if Some(&v) == stop.as_ref() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    if pinned {
        for_await(pin!(PinnedAsyncGen::new(body)), each).await?;
    } else {
        for_await(AsyncGen::new(body), each).await?;
    }
    log.line(format_args!("{label}: done"));
    Ok(())
}

fn for_await_turns_over(pinned: bool) -> String {
    scenario(move |log| {
        ticks(log, 24);
        let l = log.clone();
        spawn(async move {
            let two: BoxedBody<u32> = Box::new(|co| {
                Box::pin(async move {
                    co.yield_(1).await?;
                    co.yield_(2).await?;
                    Ok(())
                })
            });
            loop_over(&l, two, pinned, "two", None).await?;
            let cleanup = l.clone();
            let slow: BoxedBody<&str> = Box::new(move |co| {
                Box::pin(async move {
                    let attempt = async {
                        co.yield_("a").await?;
                        Promise::<()>::resolve(()).await?;
                        co.yield_("b").await?;
                        co.yield_("c").await?;
                        Ok(())
                    }
                    .await;
                    cleanup.line("slow: cleanup");
                    attempt
                })
            });
            loop_over(&l, slow, pinned, "slow", Some("b")).await
        });
        log.line("script end");
    })
}

pub fn for_await_turns() -> String {
    for_await_turns_over(false)
}

/// The same over pinned generators (`PinnedAsyncGen`).
pub fn for_await_turns_pinned() -> String {
    for_await_turns_over(true)
}

/// A for-await loop over an `AsyncGen` it holds alone (taken over and
/// driven pinned in the loop's future) or shares with another handle (its
/// machine serves the loop): the same lines, Node's.
fn taken_over_by(shared: bool) -> String {
    scenario(move |log| {
        let l = log.clone();
        spawn(async move {
            for (started, break_after) in [(true, 2), (false, 10)] {
                l.line(format_args!(
                    "== started {started}, break after {break_after}"
                ));
                looped_once(&l, shared, started, break_after);
                sleep(0).await?;
            }
            Ok::<_, Error>(())
        });
    })
}

/// One loop over `numbers()` (awaits before each yield, cleanup that
/// awaits), `started` by a `next()` before it, among ticks.
fn looped_once(log: &Log, shared: bool, started: bool, break_after: usize) {
    let l = log.clone();
    let numbers = AsyncGen::new(move |co: Co<u32, (), u32, Error>| async move {
        let outcome = async {
            for i in 1..=4 {
                let v = Promise::<u32>::resolve(i * 10).await?;
                l.line(format_args!("yield {v}"));
                co.yield_(v).await?;
            }
            Ok(0)
        }
        .await;
        Promise::<()>::resolve(()).await?;
        l.line("cleanup awaited");
        outcome
    });
    let l = log.clone();
    spawn(async move {
        if started && let Step::Yielded(v) = numbers.next(()).await? {
            l.line(format_args!("next(0) -> {{{v}, false}}"));
        }
        let other = shared.then(|| numbers.clone());
        loop_logging(&l, numbers, "loop", break_after).await?;
        l.line("loop ended");
        drop(other);
        Ok::<_, Error>(())
    });
    ticks(log, 14);
    log.line("script end");
}

/// `for await (const x of it) { log(`${who} got ${x}`); if (++seen ===
/// breakAfter) break; }`
pub async fn loop_logging<I>(
    log: &Log,
    it: I,
    who: &str,
    break_after: usize,
) -> Result<(), I::Error>
where
    I: AsyncIterator<Item: std::fmt::Display>,
{
    loop_showing(log, it, break_after, |x| format!("{who} got {x}")).await
}

/// The same, each item logged as `show` says.
pub async fn loop_showing<I>(
    log: &Log,
    it: I,
    break_after: usize,
    show: impl Fn(&I::Item) -> String,
) -> Result<(), I::Error>
where
    I: AsyncIterator,
{
    let mut seen = 0;
    for_await(it, async |x| {
        log.line(show(&x));
        seen += 1;
        if seen == break_after {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .await?;
    Ok(())
}

pub fn taken_over() -> String {
    taken_over_by(false)
}

/// The same, the generator shared with another handle.
pub fn taken_over_shared() -> String {
    taken_over_by(true)
}

pub fn delegate_turns() -> String {
    scenario(|log| {
        ticks(log, 16);
        let l = log.clone();
        let outer = AsyncGen::new(move |co: Co<&str, (), &str, Error>| async move {
            let inner = AsyncGen::new(|co: Co<&str, (), &str, Error>| async move {
                co.yield_("b").await?;
                co.yield_("c").await?;
                Ok("inner done")
            });
            co.yield_("a").await?;
            let gave = co.yield_from_async(inner).await?;
            l.line(format_args!("outer: yield* gave {gave}"));
            co.yield_("d").await?;
            Ok("outer done")
        });
        let l = log.clone();
        spawn(async move {
            for_await(outer, async |v| {
                l.line(format_args!("loop: item {v}"));
                ControlFlow::<()>::Continue(())
            })
            .await?;
            l.line("loop: done");
            Ok::<_, Error>(())
        });
        log.line("script end");
    })
}

pub fn for_await_array_turns() -> String {
    scenario(|log| {
        ticks(log, 10);
        let loop_over = |name: &'static str, items: Vec<Promise<&'static str>>, stop: bool| {
            let l = log.clone();
            spawn(async move {
                let looped = for_await(promises(items), async |v| {
                    l.line(format_args!("{name}: item {v}"));
                    if stop {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    }
                })
                .await;
                match looped {
                    Ok(_) => l.line(format_args!("{name}: done")),
                    Err(e) => l.line(format_args!("{name}: caught {e}")),
                }
                Ok::<_, Error>(())
            });
        };
        loop_over(
            "pair",
            vec![Promise::resolve("a"), Promise::resolve("b")],
            false,
        );
        loop_over("empty", Vec::new(), false);
        loop_over(
            "broken",
            vec![Promise::resolve("c"), Promise::resolve("d")],
            true,
        );
        loop_over(
            "rejected",
            vec![Promise::reject(Error::msg("no")), Promise::resolve("e")],
            false,
        );
        log.line("script end");
    })
}

/// `async function* count(n)` of `for_await_runs_on.js`.
fn count(n: i32) -> AsyncGen<i32, (), (), Error> {
    AsyncGen::new(move |co: Co<i32, (), (), Error>| async move {
        for i in 1..=n {
            co.yield_(i).await?;
        }
        Ok(())
    })
}

/// `async function walker(name, n)` of `for_await_runs_on.js`.
fn walker(log: &Log, name: &'static str, n: i32) -> Promise<&'static str> {
    let log = log.clone();
    spawn(async move {
        for_await(count(n), async |i| {
            log.line(format_args!("{name} got {i}"));
            side_steps(&log, name, i, walker);
            if name == "lone" && i == 2 {
                catch_boom(&log, name).await;
            }
            ControlFlow::<()>::Continue(())
        })
        .await?;
        log.line(format_args!("{name} done"));
        Ok::<_, Error>(name)
    })
}

pub fn for_await_runs_on() -> String {
    runs_on(walker)
}

/// `async function* count(name, n)` of `owed_delivery.js`: it logs each
/// yield and falls off its end. Its body, for either kind of generator.
fn counting(log: &Log, name: &'static str, n: i32) -> BoxedBody<i32> {
    let log = log.clone();
    Box::new(move |co: Co<i32, (), (), Error>| {
        Box::pin(async move {
            for i in 1..=n {
                log.line(format_args!("{name} yields {i}"));
                co.yield_(i).await?;
            }
            fall_off()
        })
    })
}

/// Runs `consume` over a `count(name, n)` generator in a task of its own:
/// an `AsyncGen`, or a `PinnedAsyncGen` when `pinned`.
fn over_count<C>(log: &Log, name: &'static str, n: i32, pinned: bool, consume: C) -> Promise<()>
where
    C: AsyncFnOnce(&Log, &mut dyn Ask) -> Result<(), Error> + 'static,
{
    let log = log.clone();
    spawn(async move {
        if pinned {
            let mut g = pin!(PinnedAsyncGen::new(counting(&log, name, n)));
            consume(&log, &mut g.as_mut()).await
        } else {
            consume(&log, &mut AsyncGen::new(counting(&log, name, n))).await
        }
    })
}

/// `g.next()` of either kind of generator, as a future of its item.
trait Ask {
    fn ask(&mut self) -> Pin<Box<dyn Future<Output = Result<Option<i32>, Error>> + '_>>;
}

impl<I: AsyncIterator<Item = i32, Error = Error>> Ask for I {
    fn ask(&mut self) -> Pin<Box<dyn Future<Output = Result<Option<i32>, Error>> + '_>> {
        Box::pin(self.next())
    }
}

/// `async function beside()`: the request is polled, then the neighbour
/// logs and queues a microtask in the same poll, as JavaScript's
/// `const step = g.next(); log(…); queueMicrotask(…); await step`.
async fn beside(log: &Log, g: &mut dyn Ask) -> Result<(), Error> {
    for i in 1..=3 {
        let step = {
            let mut step = g.ask();
            let mut asked = false;
            poll_fn(|cx| {
                let polled = step.as_mut().poll(cx);
                if !std::mem::replace(&mut asked, true) {
                    log.line(format_args!("beside: next {i} asked"));
                    let log = log.clone();
                    queue_microtask(move || log.line(format_args!("beside: microtask {i}")));
                }
                polled
            })
            .await?
        };
        log.line(format_args!("beside: got {}", step.unwrap_or(0)));
    }
    let step = g.ask().await?;
    log.line(format_args!("beside: done {}", step.is_none()));
    Ok(())
}

/// `async function unawaited()`: a `next()` polled once and dropped is
/// JavaScript's `g.next()` whose promise nobody awaits.
async fn unawaited(log: &Log, g: &mut dyn Ask) -> Result<(), Error> {
    for i in 1..=2 {
        let value = g.ask().await?;
        log.line(format_args!("unawaited: got {}", value.unwrap_or(0)));
        let mut left = g.ask();
        poll_fn(|cx| Poll::Ready(left.as_mut().poll(cx).is_ready())).await;
        log.line(format_args!("unawaited: next left {i}"));
        let log = log.clone();
        queue_microtask(move || log.line(format_args!("unawaited: microtask {i}")));
        // `left` is dropped here, after the microtask was queued.
    }
    let value = g.ask().await?;
    log.line(format_args!("unawaited: then got {}", value.unwrap_or(0)));
    Ok(())
}

fn owed_delivery_over(pinned: bool) -> String {
    scenario(move |log| {
        let log2 = log.clone();
        spawn(async move {
            over_count(&log2, "beside", 3, pinned, beside).await?;
            over_count(&log2, "unawaited", 5, pinned, unawaited).await?;
            log2.line("all done");
            Ok::<_, Error>(())
        });
        log.line("script end");
    })
}

pub fn owed_delivery() -> String {
    owed_delivery_over(false)
}

/// The same over pinned generators (`PinnedAsyncGen`).
pub fn owed_delivery_pinned() -> String {
    owed_delivery_over(true)
}

/// A source whose cleanup (`finally { throw … }`) fails.
fn failing_cleanup(log: &Log, name: &'static str) -> AsyncGen<i64, (), (), Error> {
    let l = log.clone();
    AsyncGen::new(move |co: Co<i64, (), (), Error>| async move {
        let attempt = async {
            co.yield_(1).await?;
            co.yield_(2).await
        }
        .await;
        // The cleanup's error replaces however the body was leaving.
        drop(attempt);
        l.line(format_args!("{name}: source cleanup fails"));
        Err(Abrupt::Throw(Error::msg(format!("{name}: cleanup failed"))))
    })
}

pub fn helper_close() -> String {
    scenario(|log| {
        ticks(log, 12);
        for name in ["return", "throw"] {
            let stage = failing_cleanup(log, name).map(|x| x * 10);
            let (l, first) = (log.clone(), stage.next(()));
            first.then(move |step| {
                if let Step::Yielded(v) = step {
                    l.line(format_args!("{name}: got {v}"));
                }
                let closing = if name == "return" {
                    stage.r#return(())
                } else {
                    stage.throw(Error::msg("stop"))
                };
                let (done, failed) = (l.clone(), l);
                closing.then_else(
                    move |step| {
                        done.line(format_args!(
                            "{name}: done {}",
                            !matches!(step, Step::Yielded(_))
                        ));
                        Ok::<_, Error>(())
                    },
                    move |e| {
                        failed.line(format_args!("{name}: rejected with {e}"));
                        Ok::<_, Error>(())
                    },
                )
            });
        }
        log.line("script end");
    })
}

/// `map_concurrent.js`: the source, logging each pull and its cleanup.
fn pulled_source(log: &Log, name: &'static str, n: u32) -> AsyncGen<u32> {
    let log = log.clone();
    AsyncGen::new(move |co: Co<u32, (), (), Error>| async move {
        let pulled = async {
            for i in 1..=n {
                log.line(format_args!("{name}: pull {i}"));
                co.yield_(i).await?;
            }
            Ok(())
        }
        .await;
        log.line(format_args!("{name}: source closed"));
        pulled.and_then(|()| baton::async_gen::fall_off())
    })
}

/// `map_concurrent.js`: each item's step, its length from `DELAYS`; item
/// `failing` fails.
fn concurrent_step(
    log: &Log,
    name: &'static str,
    failing: Option<u32>,
) -> impl FnMut(u32) -> Promise<u32> + 'static {
    const DELAYS: [u64; 7] = [0, 300, 100, 200, 100, 300, 100];
    let log = log.clone();
    move |i| {
        log.line(format_args!("{name}: start {i}"));
        let log = log.clone();
        sleep(DELAYS[i as usize]).then(move |()| {
            stamp(&log, format_args!("{name}: step {i} settles"));
            if Some(i) == failing {
                Err(Error::msg(format!("step {i} failed")))
            } else {
                Ok(i * 10)
            }
        })
    }
}

/// `map_concurrent.js`: a stage running up to `limit` steps at once.
pub fn map_concurrent() -> String {
    scenario(|log| {
        let log = log.clone();
        let script = log.clone();
        drop(spawn(async move {
            let stage = pulled_source(&log, "early exit", 6)
                .map_concurrent(3, concurrent_step(&log, "early exit", None));
            for_await(stage, async |v| {
                stamp(&log, format_args!("early exit: got {v}"));
                if v == 40 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .await?;
            log.line("early exit: after the loop");
            let stage = pulled_source(&log, "whole", 3)
                .map_concurrent(2, concurrent_step(&log, "whole", None));
            for_await(stage, async |v| {
                stamp(&log, format_args!("whole: got {v}"));
                ControlFlow::<()>::Continue(())
            })
            .await?;
            log.line("whole: after the loop");
            let stage = pulled_source(&log, "failing", 6)
                .map_concurrent(3, concurrent_step(&log, "failing", Some(2)));
            let looped = for_await(stage, async |v| {
                stamp(&log, format_args!("failing: got {v}"));
                ControlFlow::<()>::Continue(())
            })
            .await;
            if let Err(e) = looped {
                stamp(&log, format_args!("failing: caught {e}"));
            }
            sleep(1000).await?;
            stamp(&log, "the end");
            Ok::<_, Error>(())
        }));
        script.line("script end");
    })
}
