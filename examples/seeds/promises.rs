//! The promise oracle suite: each function mirrors
//! `tests/oracle/promises/<name>.js` and prints the same lines in the same
//! order, on a virtual clock.

use std::cell::Cell;
use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use baton::promise::{AggregateError, all, all_settled, any, race};
use baton::{
    Error, EventLoop, Fault, Promise, Resolution, Resolver, Thenable, TimerId, clear_interval,
    clear_timeout, queue_microtask, set_interval, set_timeout, spawn,
};

use super::js::Log;

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// `new Promise(r => setTimeout(() => r(value), after))`
pub fn later<T: Clone + 'static>(after: u64, value: T) -> Promise<T> {
    Promise::new(move |r| {
        baton::set_timeout(move || r.resolve(value), ms(after));
    })
}

/// `sleep(ms)`: a promise of nothing, after `after` ms.
pub fn sleep(after: u64) -> Promise<()> {
    later(after, ())
}

/// `[200ms] line`: the loop's time rounded to 100 ms, as the oracles'
/// `stamp` prints it.
pub fn stamp(log: &Log, line: impl fmt::Display) {
    stamp_since(log, Duration::ZERO, line);
}

/// The same, the time counted from `start`.
pub fn stamp_since(log: &Log, start: Duration, line: impl fmt::Display) {
    let rounded = ((baton::now() - start).as_millis() + 50) / 100 * 100;
    log.line(format_args!("[{rounded}ms] {line}"));
}

/// Runs a scenario on a virtual-clock loop and returns what it logged.
pub fn scenario(body: impl FnOnce(&Log) + 'static) -> String {
    let log = Log::default();
    let l = log.clone();
    EventLoop::virtual_clock().run(move || body(&l));
    log.text()
}

/// `ticks(n)`: a chain of n handlers, one per microtask turn, to make the
/// number of turns visible.
pub fn ticks(log: &Log, n: usize) {
    let mut p = Promise::<(), Error>::resolve(());
    for i in 1..=n {
        let log = log.clone();
        p = p.map(move |()| log.line(format_args!("tick {i}")));
    }
}

fn logger(log: &Log, prefix: &'static str) -> impl Fn(&dyn fmt::Display) + use<> {
    let log = log.clone();
    move |v| log.line(format_args!("{prefix}{v}"))
}

/// `{ then(resolve) { resolve(value) } }`
struct Immediate(&'static str);

impl Thenable<&'static str, Error> for Immediate {
    fn then(self: Box<Self>, resolver: Resolver<&'static str, Error>) {
        resolver.resolve(self.0);
    }
}

pub fn resolve_kinds() -> String {
    scenario(|log| {
        ticks(log, 4);
        let adopted = logger(log, "adopted ");
        let plain = logger(log, "plain ");
        let thenable = logger(log, "adopted ");
        Promise::<&str>::new(|r| r.resolve_with(Promise::resolve("promise")))
            .map(move |v| adopted(&v));
        Promise::<&str>::new(|r| r.resolve("value")).map(move |v| plain(&v));
        Promise::<&str>::new(|r| {
            r.resolve_with(Resolution::Thenable(Box::new(Immediate("thenable"))))
        })
        .map(move |v| thenable(&v));
        log.line("script end");
    })
}

pub fn handler_returns_promise() -> String {
    scenario(|log| {
        ticks(log, 5);
        let from_promise = logger(log, "from promise ");
        let from_value = logger(log, "from value ");
        Promise::<i32>::resolve(1)
            .then(|v| Promise::resolve(v + 1))
            .map(move |v| from_promise(&v));
        Promise::<i32>::resolve(1)
            .then(|v| Ok(v + 1))
            .map(move |v| from_value(&v));
    })
}

pub fn async_return_promise() -> String {
    scenario(|log| {
        ticks(log, 5);
        let returned = logger(log, "async returned ");
        let returned_too = logger(log, "async returned ");
        // async function returnsPromise() { return Promise.resolve("promise") }
        spawn(async { Promise::<&str>::resolve("promise") }).map(move |v| returned(&v));
        // async function returnsValue() { return "value" }
        spawn(async { Ok::<_, Error>("value") }).map(move |v| returned_too(&v));
        log.line("script end");
    })
}

pub fn await_kinds() -> String {
    scenario(|log| {
        ticks(log, 4);
        let l = log.clone();
        spawn(async move {
            l.line("before await 1");
            let v = Promise::<i32>::resolve(1).await?; // `await 1`
            l.line(format_args!("after await {v}"));
            Ok::<_, Error>(())
        });
        let l = log.clone();
        spawn(async move {
            let v = Promise::<&str>::resolve("settled").await?;
            l.line(format_args!("after await {v}"));
            Ok::<_, Error>(())
        });
        let l = log.clone();
        spawn(async move {
            let v = Promise::<i32>::resolve(1).map(|x| x + 1).await?;
            l.line(format_args!("after await chain {v}"));
            Ok::<_, Error>(())
        });
        log.line("script end");
    })
}

/// Starts a walker of the `*_runs_on` oracles: `(log, name, n)` to its
/// promise.
pub type Walk = fn(&Log, &'static str, i32) -> Promise<&'static str>;

/// `runsOn(walk)` of `_runs_on.js`, the scenario the `*_runs_on` oracles
/// share.
pub fn runs_on(walk: Walk) -> String {
    scenario(move |log| {
        walk(log, "a", 4);
        walk(log, "b", 2);
        let (l1, l2) = (log.clone(), log.clone());
        Promise::<()>::resolve(())
            .map(move |()| l1.line("then 1"))
            .map(move |()| l2.line("then 2"));
        log.line("script end");
        let l = log.clone();
        set_timeout(
            move || {
                l.line("timeout");
                let settled = l.clone();
                walk(&l, "c", 3).map(move |v| settled.line(format_args!("settled {v}")));
                l.line("timeout end");
            },
            ms(0),
        );
        let l = log.clone();
        set_timeout(
            move || {
                let settled = l.clone();
                walk(&l, "lone", 3).map(move |v| settled.line(format_args!("settled {v}")));
            },
            ms(1),
        );
    })
}

/// `sideSteps(name, i, walk)` of `_runs_on.js`: what a walker does after
/// step `i`, beside logging it.
pub fn side_steps(log: &Log, name: &str, i: i32, walk: Walk) {
    if name == "a" && i == 2 {
        let l = log.clone();
        queue_microtask(move || l.line("microtask queued by a"));
    }
    if name == "c" && i == 1 {
        walk(log, "inner", 2);
    }
    if name == "c" && i == 2 {
        let l = log.clone();
        Promise::<()>::resolve(()).map(move |()| l.line("then queued by c"));
    }
}

/// `try { await Promise.reject(new Error("boom")) } catch (e) { … }`: what
/// the "lone" walker of the `*_runs_on` oracles does at step 2 where it
/// can await. An `async fn` awaited in place takes no turn of its own.
pub async fn catch_boom(log: &Log, name: &str) {
    match Promise::<i32>::reject(Error::msg("boom")).await {
        Err(e) => log.line(format_args!("{name} caught {e}")),
        Ok(_) => log.line("not reached"),
    }
}

/// `async function walker(name, n)` of `await_runs_on.js`.
fn walker(log: &Log, name: &'static str, n: i32) -> Promise<&'static str> {
    let log = log.clone();
    spawn(async move {
        for i in 1..=n {
            let v = Promise::<i32>::resolve(i).await?;
            log.line(format_args!("{name} got {v}"));
            side_steps(&log, name, i, walker);
            if name == "lone" && i == 2 {
                catch_boom(&log, name).await;
            }
        }
        log.line(format_args!("{name} done"));
        Ok::<_, Error>(name)
    })
}

pub fn await_runs_on() -> String {
    runs_on(walker)
}

/// `woken(name, i)` of `_runs_on.js`, for the `*_woken_*` oracles: the
/// promise a walker waits on at step `i`, still pending then. It fulfils a
/// turn later, and for "b" and "lone" a second async function awaits it
/// first (`listen`); but for "lone" at step 2 it fulfils two turns later,
/// with a handler added a turn after it is made, after the walker waits
/// on it (`lateListened`).
pub fn woken(log: &Log, name: &'static str, i: i32) -> Promise<i32> {
    if name == "lone" && i == 2 {
        let pending = Promise::<()>::resolve(()).map(|()| ()).map(move |()| i);
        let (late, log) = (pending.clone(), log.clone());
        queue_microtask(move || {
            late.map(move |v| log.line(format_args!("{name}'s late listener heard {v}")));
        });
        return pending;
    }
    let pending = Promise::<()>::resolve(()).map(move |()| i);
    if name == "b" || name == "lone" {
        let (heard, log) = (pending.clone(), log.clone());
        spawn(async move {
            let v = heard.await?;
            log.line(format_args!("{name}'s listener heard {v}"));
            Promise::<()>::resolve(()).await?;
            log.line(format_args!("{name}'s listener went on"));
            Ok::<_, Error>(())
        });
    }
    pending
}

/// `async function walker(name, n)` of `await_woken_runs_on.js`: each step
/// awaits a promise still pending (it fulfils a turn later), then a
/// settled one.
fn woken_walker(log: &Log, name: &'static str, n: i32) -> Promise<&'static str> {
    let log = log.clone();
    spawn(async move {
        for i in 1..=n {
            let v = woken(&log, name, i).await?;
            log.line(format_args!("{name} woke with {v}"));
            let w = Promise::<i32>::resolve(10 * i).await?;
            log.line(format_args!("{name} got {w}"));
            side_steps(&log, name, i, woken_walker);
            if name == "lone" && i == 2 {
                catch_boom(&log, name).await;
            }
        }
        log.line(format_args!("{name} done"));
        Ok::<_, Error>(name)
    })
}

pub fn await_woken_runs_on() -> String {
    runs_on(woken_walker)
}

pub fn microtasks_vs_timers() -> String {
    scenario(|log| {
        let l = log.clone();
        set_timeout(move || l.line("timeout 0"), ms(0));
        let l = log.clone();
        Promise::<()>::resolve(()).map(move |()| l.line("promise then"));
        let l = log.clone();
        queue_microtask(move || l.line("queueMicrotask"));
        let l = log.clone();
        set_timeout(move || l.line("timeout 1"), ms(1));
        let l = log.clone();
        Promise::<()>::resolve(()).map(move |()| {
            l.line("then, queueing another");
            let l = l.clone();
            queue_microtask(move || l.line("nested microtask"));
        });
        log.line("script end");
    })
}

pub fn nested_timers() -> String {
    scenario(|log| {
        let l = log.clone();
        set_timeout(
            move || {
                l.line("outer 10");
                let l2 = l.clone();
                set_timeout(move || l2.line("inner 0 from 10"), ms(0));
                let l3 = l.clone();
                Promise::<()>::resolve(()).map(move |()| l3.line("microtask from outer 10"));
            },
            ms(10),
        );
        let l = log.clone();
        set_timeout(
            move || {
                l.line("outer 10 second");
                let l2 = l.clone();
                Promise::<()>::resolve(()).map(move |()| l2.line("microtask from outer 10 second"));
            },
            ms(10),
        );
        let l = log.clone();
        set_timeout(
            move || {
                l.line("outer 30");
                let l2 = l.clone();
                set_timeout(move || l2.line("inner 20 from 30"), ms(20));
            },
            ms(30),
        );
        let l = log.clone();
        set_timeout(move || l.line("outer 40"), ms(40));
        let l = log.clone();
        set_timeout(move || l.line("outer 60"), ms(60));
    })
}

pub fn clear_from_callback() -> String {
    scenario(|log| {
        let victim: Rc<Cell<Option<TimerId>>> = Rc::default();
        let (l, v) = (log.clone(), victim.clone());
        set_timeout(
            move || {
                l.line("first clears the second");
                if let Some(id) = v.get() {
                    clear_timeout(id);
                }
            },
            ms(50),
        );
        let l = log.clone();
        victim.set(Some(set_timeout(
            move || l.line("second (must not run)"),
            ms(50),
        )));
        let every: Rc<Cell<Option<TimerId>>> = Rc::default();
        let (l, e) = (log.clone(), every.clone());
        let mut n = 0;
        every.set(Some(set_interval(
            move || {
                n += 1;
                l.line(format_args!("interval {n}"));
                if n == 3
                    && let Some(id) = e.get()
                {
                    clear_interval(id);
                }
            },
            ms(20),
        )));
        let l = log.clone();
        set_timeout(move || l.line("after interval"), ms(100));
    })
}

pub fn finally_passthrough() -> String {
    scenario(|log| {
        ticks(log, 7);
        let (l, l2) = (log.clone(), log.clone());
        Promise::<&str>::resolve("v")
            .finally(move || {
                l.line("finally on value");
                Ok(())
            })
            .map(move |v| l2.line(format_args!("value passed through: {v}")));
        let (l, l2) = (log.clone(), log.clone());
        Promise::<&str>::reject(Error::msg("r"))
            .finally(move || {
                l.line("finally on reason");
                Ok(())
            })
            .then_else(
                |_| Ok(()),
                move |e| {
                    l2.line(format_args!("reason passed through: {e}"));
                    Ok(())
                },
            );
        let l = log.clone();
        Promise::<&str>::resolve("w")
            .finally(|| Promise::resolve(()))
            .map(move |v| l.line(format_args!("after promise-returning finally: {v}")));
    })
}

pub fn finally_override() -> String {
    scenario(|log| {
        let l = log.clone();
        Promise::<&str>::resolve("v")
            .finally(|| Err(Error::msg("thrown in finally")))
            .then_else(
                |v| Ok(format!("not reached {v}")),
                |e| Ok(format!("overridden by throw: {e}")),
            )
            .map(move |line| l.line(line));
        let l = log.clone();
        Promise::<&str>::reject(Error::msg("r"))
            .finally(|| Promise::reject(Error::msg("rejected in finally")))
            .then_else(
                |_| Ok(()),
                move |e| {
                    l.line(format_args!("overridden by rejection: {e}"));
                    Ok(())
                },
            );
        let l = log.clone();
        Promise::<&str>::resolve("v")
            .finally(|| Ok(())) // a value returned from finally is ignored
            .map(move |v| l.line(format_args!("return value ignored: {v}")));
    })
}

fn settles_after(after: u64, value: &'static str, fail: bool) -> Promise<&'static str> {
    Promise::new(move |r| {
        set_timeout(
            move || {
                if fail {
                    r.reject(Error::msg(value));
                } else {
                    r.resolve(value);
                }
            },
            ms(after),
        );
    })
}

pub fn combinators() -> String {
    scenario(|log| {
        let l = log.clone();
        all([
            settles_after(30, "a", false),
            settles_after(10, "b", false),
            settles_after(20, "c", false),
        ])
        .map(move |v| l.line(format_args!("all: {}", v.join(","))));
        let l = log.clone();
        all([
            settles_after(30, "a", false),
            settles_after(10, "boom", true),
        ])
        .catch(move |e| {
            l.line(format_args!("all rejected: {e}"));
            Ok(Vec::new())
        });
        let l = log.clone();
        all_settled([settles_after(5, "x", false), settles_after(1, "y", true)]).map(
            move |outcomes| {
                let shown: Vec<String> = outcomes
                    .iter()
                    .map(|o| match o {
                        Ok(v) => format!("fulfilled:{v}"),
                        Err(e) => format!("rejected:{e}"),
                    })
                    .collect();
                l.line(format_args!("allSettled: {}", shown.join(",")));
            },
        );
        let l = log.clone();
        race([
            settles_after(15, "slow", false),
            settles_after(12, "fast", false),
        ])
        .map(move |v| l.line(format_args!("race: {v}")));
        let l = log.clone();
        any([
            settles_after(3, "e1", true),
            settles_after(8, "winner", false),
            settles_after(2, "e2", true),
        ])
        .map(move |v| l.line(format_args!("any: {v}")));
        let l = log.clone();
        any([settles_after(4, "e1", true), settles_after(6, "e2", true)]).catch(
            move |e: AggregateError<Error>| {
                let reasons: Vec<String> = e.errors.iter().map(ToString::to_string).collect();
                l.line(format_args!(
                    "any rejected: AggregateError {}",
                    reasons.join(",")
                ));
                Ok("")
            },
        );
        let l = log.clone();
        all(Vec::<Promise<u8>>::new())
            .map(move |v| l.line(format_args!("all([]) fulfils: {}", v.len())));
        let l = log.clone();
        all_settled(Vec::<Promise<u8>>::new())
            .map(move |v| l.line(format_args!("allSettled([]) fulfils: {}", v.len())));
        let l = log.clone();
        any(Vec::<Promise<u8>>::new()).catch(move |e| {
            l.line(format_args!("any([]) rejects: {}", e.errors.len()));
            Ok(0)
        });
        let raced = Rc::new(Cell::new(false));
        let r = raced.clone();
        race(Vec::<Promise<u8>>::new()).map(move |_| r.set(true));
        let l = log.clone();
        set_timeout(
            move || l.line(format_args!("race([]) still pending: {}", !raced.get())),
            ms(50),
        );
    })
}

/// A reason that prints as the bare string, as Node prints a rejected
/// string.
#[derive(Clone)]
pub struct Reason(String);

impl fmt::Debug for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Fault> for Reason {
    fn from(fault: Fault) -> Self {
        Reason(fault.to_string())
    }
}

pub fn unhandled_rejection() -> String {
    let log = Log::default();
    let (l, unhandled, handled) = (log.clone(), log.clone(), log.clone());
    EventLoop::virtual_clock()
        .on_unhandled_rejection(move |r| unhandled.line(format_args!("unhandled: {}", r.reason)))
        .on_rejection_handled(move |_| handled.line("handled later"))
        .run(move || {
            let log = &l;
            let late = Promise::<(), Reason>::reject(Reason("late".into()));
            let c = log.clone();
            Promise::<(), Reason>::reject(Reason("caught in time".into())).catch(move |e| {
                c.line(format_args!("caught: {e:?}"));
                Ok(())
            });
            let chained = Promise::<(), Reason>::resolve(())
                .then(|()| Promise::reject(Reason("caught after a turn".into())));
            let c = log.clone();
            chained.catch(move |e| {
                c.line(format_args!("caught: {e:?}"));
                Ok(())
            });
            let c = log.clone();
            set_timeout(
                move || {
                    c.line("attaching a handler to 'late'");
                    let c2 = c.clone();
                    late.catch(move |e| {
                        c2.line(format_args!("caught: {e:?}"));
                        Ok(())
                    });
                    // Reported when the microtasks have run, with the next
                    // unhandled ones.
                    let (c3, c4) = (c.clone(), c.clone());
                    Promise::<(), Reason>::resolve(())
                        .map(move |()| c3.line("a microtask after the handler"))
                        .map(move |()| c4.line("and one more"));
                    Promise::<(), Reason>::reject(Reason("later still".into()));
                },
                ms(10),
            );
            log.line("script end");
        });
    log.text()
}

pub fn equal_delays() -> String {
    scenario(|log| {
        for (label, after) in [
            ("a 1ms", 1),
            ("b 0ms", 0),
            ("c 1ms", 1),
            ("d 5ms", 5),
            ("e 5ms", 5),
            ("f 3ms", 3),
        ] {
            let l = log.clone();
            set_timeout(move || l.line(label), ms(after));
        }
    })
}

pub fn executor() -> String {
    scenario(|log| {
        let l = log.clone();
        let p = Promise::<&str>::new(move |r| {
            l.line("executor runs now");
            r.resolve("first");
            r.resolve("second");
            r.reject(Error::msg("third"));
        });
        let l = log.clone();
        p.map(move |v| l.line(format_args!("settled with {v}")));
        let l = log.clone();
        Promise::<()>::new(|_| std::panic::panic_any("thrown in executor")).catch(move |e| {
            let thrown = e
                .downcast_ref::<Fault>()
                .map_or(String::new(), |f| f.message().to_string());
            l.line(format_args!("executor threw: {thrown}"));
            Ok(())
        });
        log.line("script end");
    })
}

pub fn error_chain() -> String {
    scenario(|log| {
        let (l1, l2, l3, l4, l5) = (
            log.clone(),
            log.clone(),
            log.clone(),
            log.clone(),
            log.clone(),
        );
        Promise::<i32>::resolve(1)
            .then(move |v| {
                l1.line(format_args!("step {v}"));
                Err::<(), _>(Error::msg("bad step"))
            })
            .map(move |()| l2.line("skipped"))
            .map(move |()| l3.line("skipped too"))
            .then_else(
                |()| Ok(0),
                move |e| {
                    l4.line(format_args!("caught {e}"));
                    Ok(10)
                },
            )
            .map(move |v| l5.line(format_args!("recovered with {v}")));
    })
}

pub fn settled_subscriptions() -> String {
    scenario(|log| {
        let p = Promise::<&str>::resolve("v");
        let l = log.clone();
        p.map(move |v| l.line(format_args!("a {v}")));
        let l = log.clone();
        queue_microtask(move || l.line("m1"));
        let (l, again) = (log.clone(), p.clone());
        p.map(move |v| {
            l.line(format_args!("b {v}"));
            let l2 = l.clone();
            again.map(move |w| l2.line(format_args!("d {w}, attached inside b")));
            let l3 = l.clone();
            queue_microtask(move || l3.line("m3"));
        });
        let l = log.clone();
        p.map(move |v| l.line(format_args!("c {v}")));
        let l = log.clone();
        queue_microtask(move || l.line("m2"));
        let r = Promise::<()>::reject(Error::msg("no"));
        let l = log.clone();
        r.catch(move |e| {
            l.line(format_args!("caught {e}"));
            Ok(())
        });
        let l = log.clone();
        queue_microtask(move || l.line("m4"));
        let l = log.clone();
        r.catch(move |e| {
            l.line(format_args!("caught again {e}"));
            Ok(())
        });
        log.line("script end");
    })
}
