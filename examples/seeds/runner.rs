//! The runner chapter (seeds 000 and 002): `run` drives a generator that
//! yields promises, in Node's microtask order; co's extras; and seed 002's
//! `genSequential` beside a native async function.

use std::collections::BTreeMap;

use baton::runner::{CancellationToken, Thunk, run, run_cancellable, thunk, wrap};
use baton::{Abrupt, Body, Co, Error, Gen, Promise, set_timeout, spawn};

use super::js::Log;
use super::promises::{later, ms, runs_on, scenario, side_steps, stamp, ticks, woken};

pub fn run_order() -> String {
    scenario(|log| {
        ticks(log, 6);
        let l = log.clone();
        run(Gen::new(
            move |co: Co<Promise<i32>, i32, i32, Error>| async move {
                l.line("generator starts synchronously");
                let a = co.yield_(Promise::resolve(1)).await?;
                l.line(format_args!("got {a}"));
                // `yield 2`: run() treats a plain value as a resolved promise.
                let b = co.yield_(Promise::resolve(2)).await?;
                l.line(format_args!("got {b}"));
                let c = co.yield_(later(5, 3)).await?;
                l.line(format_args!("got {c}"));
                Ok(a + b + c)
            },
        ))
        .map({
            let l = log.clone();
            move |v| l.line(format_args!("run resolved with {v}"))
        });
        log.line("script end");
    })
}

pub fn run_rejection_caught() -> String {
    scenario(|log| {
        ticks(log, 5);
        let l = log.clone();
        type Steps = Co<Promise<&'static str>, &'static str, &'static str, Error>;
        run(Gen::new(move |co: Steps| async move {
            match co.yield_(Promise::reject(Error::msg("boom"))).await {
                Ok(_) => l.line("not reached"),
                Err(Abrupt::Throw(e)) => l.line(format_args!("caught {e}")),
                Err(closing) => return Err(closing),
            }
            let v = co.yield_(Promise::resolve("after")).await?;
            l.line(format_args!("continued with {v}"));
            Ok("done")
        }))
        .map({
            let l = log.clone();
            move |v| l.line(format_args!("run resolved with {v}"))
        });
    })
}

/// `walker(name, n)` of `run_runs_on.js`: a run that yields `n` settled
/// promises (and, as "lone", a settled rejection it catches).
fn walker(log: &Log, name: &'static str, n: i32) -> Promise<&'static str> {
    let log = log.clone();
    run(Gen::new(
        move |co: Co<Promise<i32>, i32, &'static str, Error>| async move {
            for i in 1..=n {
                let v = co.yield_(Promise::resolve(i)).await?;
                log.line(format_args!("{name} got {v}"));
                side_steps(&log, name, i, walker);
                if name == "lone" && i == 2 {
                    match co.yield_(Promise::reject(Error::msg("boom"))).await {
                        Err(Abrupt::Throw(e)) => log.line(format_args!("{name} caught {e}")),
                        Ok(_) => log.line("not reached"),
                        Err(closing) => return Err(closing),
                    }
                }
            }
            log.line(format_args!("{name} done"));
            Ok(name)
        },
    ))
}

pub fn run_runs_on() -> String {
    runs_on(walker)
}

/// `walker(name, n)` of `run_woken_runs_on.js`: a run that yields, each
/// step, a promise still pending (it fulfils a turn later), then a settled
/// one.
fn woken_walker(log: &Log, name: &'static str, n: i32) -> Promise<&'static str> {
    let log = log.clone();
    run(Gen::new(
        move |co: Co<Promise<i32>, i32, &'static str, Error>| async move {
            for i in 1..=n {
                let v = co.yield_(woken(&log, name, i)).await?;
                log.line(format_args!("{name} woke with {v}"));
                let w = co.yield_(Promise::resolve(10 * i)).await?;
                log.line(format_args!("{name} got {w}"));
                side_steps(&log, name, i, woken_walker);
            }
            log.line(format_args!("{name} done"));
            Ok(name)
        },
    ))
}

pub fn run_woken_runs_on() -> String {
    runs_on(woken_walker)
}

pub fn run_throw_after_catch() -> String {
    scenario(|log| {
        let l = log.clone();
        run(Gen::new(
            move |co: Co<Promise<()>, (), (), Error>| async move {
                match co.yield_(Promise::reject(Error::msg("first"))).await {
                    Err(Abrupt::Throw(e)) => {
                        l.line(format_args!("caught {e}, rethrowing"));
                        Err(Abrupt::Throw(Error::msg("second")))
                    }
                    other => other,
                }
            },
        ))
        .catch({
            let l = log.clone();
            move |e| {
                l.line(format_args!("run rejected with {e}"));
                Ok(())
            }
        });
        let l = log.clone();
        run(Gen::new(
            move |co: Co<Promise<&'static str>, &'static str, (), Error>| async move {
                co.yield_(Promise::resolve("fine")).await?;
                co.yield_(Promise::reject(Error::msg("uncaught"))).await?;
                l.line("not reached");
                Ok(())
            },
        ))
        .catch({
            let l = log.clone();
            move |e| {
                l.line(format_args!("run rejected with {e}"));
                Ok(())
            }
        });
    })
}

/// `const wait = (ms, value) => new Promise(r => setTimeout(() => r(value), ms))`
fn wait(after: u64, value: u32) -> Promise<u32> {
    later(after, value)
}

/// `genSequential`: seed 002's generator version, driven by `run`.
pub fn gen_sequential() -> Promise<u32> {
    run(Gen::new(
        |co: Co<Promise<u32>, u32, u32, Error>| async move {
            let a = co.yield_(wait(100, 2)).await?;
            let b = co.yield_(wait(100, 3)).await?;
            Ok(a + b)
        },
    ))
}

/// `nativeSequential`: the same as a Rust async function on the loop.
pub fn native_sequential() -> Promise<u32> {
    spawn(async {
        let a = wait(100, 2).await?;
        let b = wait(100, 3).await?;
        Ok::<_, Error>(a + b)
    })
}

pub fn sequential() -> String {
    scenario(|log| {
        let l = log.clone();
        gen_sequential().map(move |v| stamp(&l, format_args!("genSequential: {v}")));
        let l = log.clone();
        native_sequential().map(move |v| stamp(&l, format_args!("nativeSequential: {v}")));
    })
}

/// `const readLater = (ms, value) => done => setTimeout(() => done(null, value), ms)`
fn read_later(after: u64, value: i32) -> Thunk<i32, Error> {
    thunk(move |done| {
        set_timeout(move || done(Ok(value)), ms(after));
    })
}

/// `function* inner() { const x = yield later(100, 20); return x + 1 }`
fn inner() -> Gen<impl Body<i32, Error>, Promise<i32>, i32, i32, Error> {
    Gen::new(|co: Co<Promise<i32>, i32, i32, Error>| async move {
        let x = co.yield_(later(100, 20)).await?;
        Ok(x + 1)
    })
}

pub fn co_extras() -> String {
    scenario(|log| {
        let l = log.clone();
        spawn(async move {
            // yield [later(300, "a"), later(100, "b")]
            let log = l.clone();
            run(Gen::new(
                move |co: Co<Vec<Promise<&str>>, Vec<&str>, (), Error>| async move {
                    let arr = co.yield_(vec![later(300, "a"), later(100, "b")]).await?;
                    stamp(&log, format_args!("array: {}", arr.join(",")));
                    Ok(())
                },
            ))
            .await?;
            // yield { x: later(200, 1), y: later(100, 2) }
            let log = l.clone();
            type Keyed = BTreeMap<&'static str, i32>;
            run(Gen::new(
                move |co: Co<BTreeMap<&str, Promise<i32>>, Keyed, (), Error>| async move {
                    let obj = co
                        .yield_(BTreeMap::from([("x", later(200, 1)), ("y", later(100, 2))]))
                        .await?;
                    stamp(&log, format_args!("object: x={} y={}", obj["x"], obj["y"]));
                    Ok(())
                },
            ))
            .await?;
            // yield readLater(100, 42)
            let log = l.clone();
            run(Gen::new(
                move |co: Co<Thunk<i32, Error>, i32, (), Error>| async move {
                    let t = co.yield_(read_later(100, 42)).await?;
                    stamp(&log, format_args!("thunk: {t}"));
                    Ok(())
                },
            ))
            .await?;
            // yield inner()
            let log = l.clone();
            run(Gen::new(move |co: Co<_, i32, (), Error>| async move {
                let n = co.yield_(inner()).await?;
                stamp(&log, format_args!("nested generator: {n}"));
                Ok(())
            }))
            .await?;
            Ok::<_, Error>(())
        });
    })
}

/// Runs `body` through `run()`, its outcome dropped (each logs its own).
fn co<Y, R, B>(body: impl FnOnce(Co<Y, R, (), Error>) -> B + 'static)
where
    Y: baton::runner::Yieldable<R, Error> + 'static,
    R: Default + Clone + 'static,
    B: std::future::Future<Output = baton::Outcome<(), Error>> + 'static,
{
    drop(run(Gen::new(body)));
}

/// `co_turns.js`: co 4.6 itself, turn by turn, beside a chain of ticks.
pub fn co_turns() -> String {
    scenario(|log| {
        ticks(log, 6);
        let ok = Promise::<i32>::resolve;
        let l = log.clone();
        co(
            move |co: Co<Vec<Promise<i32>>, Vec<i32>, (), Error>| async move {
                let v = co.yield_(vec![ok(1), ok(2)]).await?;
                l.line(format_args!("array: {}", joined(&v)));
                Ok(())
            },
        );
        let l = log.clone();
        co(
            move |co: Co<Vec<Result<i32, Error>>, Vec<i32>, (), Error>| async move {
                let v = co.yield_(vec![Ok(1), Ok(2)]).await?;
                l.line(format_args!("array of values: {}", joined(&v)));
                Ok(())
            },
        );
        let l = log.clone();
        co(
            move |co: Co<Vec<Promise<i32>>, Vec<i32>, (), Error>| async move {
                let v = co.yield_(Vec::new()).await?;
                l.line(format_args!("empty array: {}", v.len()));
                Ok(())
            },
        );
        type Object = BTreeMap<&'static str, i32>;
        let l = log.clone();
        co(
            move |co: Co<BTreeMap<&str, Promise<i32>>, Object, (), Error>| async move {
                let o = co
                    .yield_(BTreeMap::from([("a", ok(1)), ("b", ok(2))]))
                    .await?;
                l.line(format_args!("object: a={} b={}", o["a"], o["b"]));
                Ok(())
            },
        );
        let l = log.clone();
        co(
            move |co: Co<BTreeMap<&str, Result<i32, Error>>, Object, (), Error>| async move {
                let o = co
                    .yield_(BTreeMap::from([("a", Ok(1)), ("b", Ok(2))]))
                    .await?;
                l.line(format_args!("object of values: a={} b={}", o["a"], o["b"]));
                Ok(())
            },
        );
        let l = log.clone();
        co(
            move |co: Co<BTreeMap<&str, Promise<i32>>, Object, (), Error>| async move {
                let o = co.yield_(BTreeMap::new()).await?;
                l.line(format_args!("empty object: {}", o.len()));
                Ok(())
            },
        );
        type Arrays = BTreeMap<&'static str, Vec<i32>>;
        let l = log.clone();
        co(
            move |co: Co<BTreeMap<&str, Vec<Promise<i32>>>, Arrays, (), Error>| async move {
                let o = co
                    .yield_(BTreeMap::from([
                        ("a", vec![ok(1)]),
                        ("b", vec![ok(2), ok(3)]),
                    ]))
                    .await?;
                l.line(format_args!(
                    "object of arrays: a={} b={}",
                    joined(&o["a"]),
                    joined(&o["b"])
                ));
                Ok(())
            },
        );
        let l = log.clone();
        co(
            move |co: Co<Thunk<i32, Error>, i32, (), Error>| async move {
                let v = co.yield_(thunk(|done| done(Ok(3)))).await?;
                l.line(format_args!("thunk: {v}"));
                Ok(())
            },
        );
        let l = log.clone();
        co(move |co: Co<_, i32, (), Error>| async move {
            // function* inner() { return 4 }
            let inner = Gen::new(|_co: Co<Promise<i32>, i32, i32, Error>| async move { Ok(4) });
            let v = co.yield_(inner).await?;
            l.line(format_args!("nested generator: {v}"));
            Ok(())
        });
        let l = log.clone();
        co(move |co: Co<_, i32, (), Error>| async move {
            // yield inner (the generator function itself)
            let inner = || Gen::new(|_co: Co<Promise<i32>, i32, i32, Error>| async move { Ok(4) });
            let v = co.yield_(inner).await?;
            l.line(format_args!("generator function: {v}"));
            Ok(())
        });
        let l = log.clone();
        co(move |co: Co<Promise<i32>, i32, (), Error>| async move {
            let v = co.yield_(ok(6)).await?;
            l.line(format_args!("promise: {v}"));
            Ok(())
        });
        let double = wrap(|n: i32| {
            Gen::new(move |co: Co<Promise<i32>, i32, i32, Error>| async move {
                Ok(co.yield_(Promise::resolve(n)).await? * 2)
            })
        });
        let l = log.clone();
        drop(double(21).map(move |v| l.line(format_args!("co.wrap: {v}"))));
        log.line("script end");
    })
}

/// `String(array)` in JavaScript: the items joined by commas.
fn joined(items: &[i32]) -> String {
    items
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// `fakeFetch(url)`: the file's contents after 80 ms.
fn fake_fetch(url: String) -> Promise<String> {
    later(80, format!("contents of {url}"))
}

type Downloads = Vec<(String, String)>;

/// Seed 003's `downloadFiles`, with its `finally` reporting a cancellation.
fn download_files(
    token: CancellationToken,
    files: Vec<&'static str>,
    log: Log,
) -> Gen<impl Body<Downloads, Error>, Promise<String>, String, Downloads, Error> {
    Gen::new(
        move |co: Co<Promise<String>, String, Downloads, Error>| async move {
            let mut downloaded: Downloads = Vec::new();
            let outcome = async {
                for file in &files {
                    token.throw_if_cancelled()?;
                    stamp(&log, format_args!("Downloading: {file}"));
                    let data = co.yield_(fake_fetch(format!("/files/{file}"))).await?;
                    downloaded.push((file.to_string(), data));
                    stamp(
                        &log,
                        format_args!("Completed: {file} ({}/{})", downloaded.len(), files.len()),
                    );
                }
                Ok(())
            }
            .await;
            // finally
            if token.is_cancelled() {
                stamp(
                    &log,
                    format_args!("Download cancelled. {} files completed.", downloaded.len()),
                );
            }
            outcome.map(|()| downloaded)
        },
    )
}

pub fn cancellable() -> String {
    scenario(|log| {
        let token = CancellationToken::new();
        let files = vec!["a.txt", "b.txt", "c.txt"];
        let downloads = run_cancellable(download_files(token.clone(), files, log.clone()), &token);
        report_and_cancel_at_200(log, &downloads, token);
    })
}

/// `token_cancelled.js`: tasks awaiting a token's cancellation, and
/// child tokens, in Node's order for `AbortSignal` and
/// `AbortSignal.any`.
pub fn token_cancelled() -> String {
    scenario(|log| {
        let shutdown = CancellationToken::<&str>::new();
        let first = shutdown.child();
        let second = shutdown.child();
        let wait = |name: &'static str, token: &CancellationToken<&'static str>| {
            let (log, token) = (log.clone(), token.clone());
            drop(spawn(async move {
                log.line(format_args!("{name} waits"));
                let reason = token.cancelled().await;
                log.line(format_args!("{name} heard: {reason}"));
                Ok::<_, Error>(())
            }));
        };
        wait("first child's task", &first);
        wait("shutdown's task", &shutdown);
        wait("second child's task", &second);
        let l = log.clone();
        first.on_cancel(move |_| l.line("first child's listener"));
        let l = log.clone();
        shutdown.on_cancel(move |_| l.line("shutdown's listener"));
        let (l, s, alone) = (log.clone(), shutdown.clone(), second.clone());
        set_timeout(
            move || {
                alone.cancel("second went away");
                let aborted = s.is_cancelled();
                l.line(format_args!(
                    "second aborted alone; shutdown aborted: {aborted}"
                ));
            },
            ms(5),
        );
        let l = log.clone();
        set_timeout(
            move || {
                l.line("aborting shutdown");
                shutdown.cancel("shutting down");
                let after = l.clone();
                baton::queue_microtask(move || after.line("a microtask queued after the abort"));
                let reason = second.reason().unwrap_or("none");
                l.line(format_args!("aborted; second's reason: {reason}"));
            },
            ms(10),
        );
    })
}

/// The seed's driver code around `downloadFiles`: log how the download
/// ends, and press cancel after 200 ms.
pub fn report_and_cancel_at_200<T: Clone + 'static>(
    log: &Log,
    downloads: &Promise<Vec<T>>,
    token: CancellationToken,
) {
    let (l, l2) = (log.clone(), log.clone());
    downloads.then_else(
        move |files| {
            stamp(&l, format_args!("downloaded {}", files.len()));
            Ok(())
        },
        move |e| {
            stamp(&l2, format_args!("rejected: {e}"));
            Ok(())
        },
    );
    set_timeout(
        move || token.cancel(Error::msg("User pressed cancel")),
        ms(200),
    );
}
