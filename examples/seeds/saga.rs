//! Seed 003's effect runner: sagas yield effects (call, all) as data, and
//! the runtime performs them. Mirrors `tests/oracle/saga/effects.js`.

use std::cell::RefCell;
use std::rc::Rc;

use baton::runner::CancellationToken;
use baton::saga::{
    Action, Buffer, Channel, Effect, MulticastChannel, Pattern, Runtime, Saga, SagaCo, Store,
    Subscription, Task, Value, Won, action_channel, all, all_effect, all_keyed, call, call_effect,
    cancel, cancelled, debounce, delay, delay_effect, fork, fork_effect, get_context, join, put,
    put_on, put_to, race, race2, run_saga, select, set_context, spawn, take, take_effect,
    take_from, take_maybe, take_maybe_on, take_on,
};
use baton::{Abrupt, Body, Error, Gen, Promise, set_timeout};

use super::js::Log;
use super::promises::{ms, runs_on, scenario, side_steps, stamp, ticks, woken};

/// `fakeFetch(url)`: `url:mock` after 100 ms.
pub fn fake_fetch(url: String) -> Promise<String> {
    Promise::new(move |r| {
        baton::set_timeout(move || r.resolve(format!("{url}:mock")), ms(100));
    })
}

/// How a saga fetches a URL: a function, so its name shows in effects.
pub trait Fetch: Fn(String) -> Promise<String> + Copy + 'static {}
impl<F: Fn(String) -> Promise<String> + Copy + 'static> Fetch for F {}

/// function* sequential() { for (url of …) results.push(yield call(fakeFetch, url)) }
pub fn sequential() -> Gen<impl Body<Vec<String>, Error>, Effect, Value, Vec<String>, Error> {
    sequential_with(fake_fetch)
}

pub fn sequential_with(
    fetch: impl Fetch,
) -> Gen<impl Body<Vec<String>, Error>, Effect, Value, Vec<String>, Error> {
    Gen::new(move |co: SagaCo<Vec<String>>| async move {
        let mut results = Vec::new();
        for url in ["/api/a", "/api/b", "/api/c"] {
            results.push(call(&co, fetch, url.to_string()).await?);
        }
        Ok(results)
    })
}

/// function* parallel() { return yield all([call(fakeFetch, …), …]) }
pub fn parallel() -> Gen<impl Body<Vec<String>, Error>, Effect, Value, Vec<String>, Error> {
    parallel_with(fake_fetch)
}

pub fn parallel_with(
    fetch: impl Fetch,
) -> Gen<impl Body<Vec<String>, Error>, Effect, Value, Vec<String>, Error> {
    Gen::new(move |co: SagaCo<Vec<String>>| async move {
        let calls = ["/api/a", "/api/b", "/api/c"].map(|u| call_effect(fetch, u.to_string()));
        all(&co, calls.into()).await
    })
}

/// function* mixedFlow(userId) — sequential steps with parallel sub-tasks.
pub fn mixed_flow(
    user: u32,
) -> Gen<impl Body<Vec<String>, Error>, Effect, Value, Vec<String>, Error> {
    mixed_flow_with(fake_fetch, user)
}

pub fn mixed_flow_with(
    fake_fetch: impl Fetch,
    user: u32,
) -> Gen<impl Body<Vec<String>, Error>, Effect, Value, Vec<String>, Error> {
    Gen::new(move |co: SagaCo<Vec<String>>| async move {
        let profile_of = |path: &str| format!("/api/users/{user}{path}");
        let user_data: String = call(&co, fake_fetch, profile_of("")).await?;
        let pair: Vec<String> = all(
            &co,
            vec![
                call_effect(fake_fetch, profile_of("/posts")),
                call_effect(fake_fetch, profile_of("/profile")),
            ],
        )
        .await?;
        let comments: Vec<String> = all(
            &co,
            [1, 2]
                .map(|id| call_effect(fake_fetch, format!("/api/posts/{id}/comments")))
                .into(),
        )
        .await?;
        let mut out = vec![user_data];
        out.extend(pair);
        out.extend(comments);
        Ok(out)
    })
}

pub fn effects() -> String {
    scenario(|log| {
        let l = log.clone();
        baton::spawn(async move {
            let r = run_saga(sequential()).await?;
            stamp(&l, format_args!("sequential: {}", r.join(" ")));
            let r = run_saga(parallel()).await?;
            stamp(&l, format_args!("parallel: {}", r.join(" ")));
            let r = run_saga(mixed_flow(7)).await?;
            stamp(&l, format_args!("mixedFlow: {}", r.join(" ")));
            Ok::<_, Error>(())
        });
    })
}

/// `fetchTaking(ms, url)`
fn fetch_taking((after, url): (u64, &'static str)) -> Promise<String> {
    Promise::new(move |r| {
        baton::set_timeout(move || r.resolve(format!("{url}:mock")), ms(after));
    })
}

/// `rejectAfter(ms)`: a call that fails with a timeout.
fn reject_after(after: u64) -> Promise<String> {
    Promise::new(move |r| {
        baton::set_timeout(move || r.reject(Error::msg("Request timed out")), ms(after));
    })
}

/// function* withTimeout(fetchMs) { const result = yield race({ data, timeout }) … }
pub fn with_timeout(fetch_ms: u64) -> Gen<impl Body<String, Error>, Effect, Value, String, Error> {
    Gen::new(move |co: SagaCo<String>| async move {
        let (winner, value): (&str, String) = race(
            &co,
            vec![
                (
                    "data",
                    call_effect(fetch_taking, (fetch_ms, "/api/slow-endpoint")),
                ),
                ("timeout", call_effect(reject_after, 5000)),
            ],
        )
        .await?;
        if winner == "timeout" {
            return Err(Error::msg("Operation timed out").into());
        }
        Ok(value)
    })
}

/// `answer(v)` of `calls_run_on.js`: a call answered at once.
fn answer(v: i32) -> Promise<i32> {
    Promise::resolve(v)
}

/// `refuse(why)`: a call refused at once.
fn refuse(why: &'static str) -> Promise<i32> {
    Promise::reject(Error::msg(why))
}

/// `function* walker(name, n)` of `calls_run_on.js`.
fn walker(
    log: Log,
    name: &'static str,
    n: i32,
) -> Gen<impl Body<&'static str, Error>, Effect, Value, &'static str, Error> {
    Gen::new(move |co: SagaCo<&'static str>| async move {
        for i in 1..=n {
            let v = call(&co, answer, i).await?;
            log.line(format_args!("{name} got {v}"));
            side_steps(&log, name, i, walk);
            if name == "lone" && i == 2 {
                match call(&co, refuse, "boom").await {
                    Err(Abrupt::Throw(e)) => log.line(format_args!("{name} caught {e}")),
                    Ok(_) => log.line("not reached"),
                    Err(closing) => return Err(closing),
                }
            }
        }
        log.line(format_args!("{name} done"));
        Ok(name)
    })
}

/// `runEnhanced(walker, name, n)`
fn walk(log: &Log, name: &'static str, n: i32) -> Promise<&'static str> {
    run_saga(walker(log.clone(), name, n)).promise()
}

pub fn calls_run_on() -> String {
    runs_on(walk)
}

/// `soon()` of `calls_woken_run_on.js`: a call answered a turn later (or
/// two), `woken(name, i)`.
fn soon((log, name, i): (Log, &'static str, i32)) -> Promise<i32> {
    woken(&log, name, i)
}

/// `function* walker(name, n)` of `calls_woken_run_on.js`.
fn woken_walker(
    log: Log,
    name: &'static str,
    n: i32,
) -> Gen<impl Body<&'static str, Error>, Effect, Value, &'static str, Error> {
    Gen::new(move |co: SagaCo<&'static str>| async move {
        for i in 1..=n {
            let v = call(&co, soon, (log.clone(), name, i)).await?;
            log.line(format_args!("{name} woke with {v}"));
            let w = call(&co, answer, 10 * i).await?;
            log.line(format_args!("{name} got {w}"));
            side_steps(&log, name, i, walk_woken);
        }
        log.line(format_args!("{name} done"));
        Ok(name)
    })
}

/// `runEnhanced(walker, name, n)` of `calls_woken_run_on.js`.
fn walk_woken(log: &Log, name: &'static str, n: i32) -> Promise<&'static str> {
    run_saga(woken_walker(log.clone(), name, n)).promise()
}

pub fn calls_woken_run_on() -> String {
    runs_on(walk_woken)
}

pub fn race_timeout() -> String {
    scenario(|log| {
        let l = log.clone();
        baton::spawn(async move {
            let fast = run_saga(with_timeout(100)).await?;
            stamp(&l, format_args!("fast: {fast}"));
            match run_saga(with_timeout(6000)).await {
                Ok(slow) => stamp(&l, format_args!("slow: {slow}")),
                Err(e) => stamp(&l, format_args!("slow failed: {e}")),
            }
            Ok::<_, Error>(())
        });
    })
}

/// `refuse(why)` of `race_turns.js`: a call refused at once, with a
/// plain reason.
fn refuse_plainly(why: &'static str) -> Promise<i32> {
    Promise::reject(Error::msg(why))
}

pub fn race_turns() -> String {
    scenario(|log| {
        ticks(log, 8);
        let l = log.clone();
        let racer = Gen::new(move |co: SagaCo<()>| async move {
            let (won, _): (&str, i32) = race(
                &co,
                vec![("a", call_effect(answer, 1)), ("b", call_effect(answer, 2))],
            )
            .await?;
            l.line(format_args!("racer: won {won}"));
            let refused = race::<_, i32>(&co, vec![("a", call_effect(refuse_plainly, "no"))]).await;
            if let Err(Abrupt::Throw(e)) = refused {
                l.line(format_args!("racer: caught {e}"));
            }
            Ok(())
        });
        let l = log.clone();
        let gatherer = Gen::new(move |co: SagaCo<()>| async move {
            let values: Vec<i32> =
                all(&co, vec![call_effect(answer, 3), call_effect(answer, 4)]).await?;
            let shown: Vec<String> = values.iter().map(i32::to_string).collect();
            l.line(format_args!("gatherer: got {}", shown.join(",")));
            l.line(format_args!(
                "gatherer: got {}",
                call(&co, answer, 5).await?
            ));
            Ok(())
        });
        for (name, saga) in [("racer", racer.boxed()), ("gatherer", gatherer.boxed())] {
            let l = log.clone();
            drop(
                run_saga(saga)
                    .promise()
                    .map(move |()| l.line(format_args!("{name}: done"))),
            );
        }
        log.line("script end");
    })
}

/// `noisy(v)` of `race_in_turn.js`: says it is called, and queues a
/// microtask that says so too.
fn noisy(log: &Log) -> impl FnOnce(i32) -> Promise<i32> + use<> {
    let log = log.clone();
    move |v| {
        log.line("noisy called");
        baton::queue_microtask(move || log.line("noisy's microtask"));
        Promise::resolve(v)
    }
}

pub fn race_in_turn() -> String {
    scenario(|log| {
        ticks(log, 8);
        let l = log.clone();
        let racer = Gen::new(move |co: SagaCo<()>| async move {
            let (first, _): (&str, i32) = race(
                &co,
                vec![
                    ("a", call_effect(answer, 1)),
                    ("b", call_effect(noisy(&l), 2)),
                ],
            )
            .await?;
            l.line(format_args!("racer: {first} won"));
            let (second, _): (&str, i32) = race(
                &co,
                vec![
                    ("b", call_effect(noisy(&l), 3)),
                    ("a", call_effect(answer, 4)),
                ],
            )
            .await?;
            l.line(format_args!("racer: {second} won"));
            Ok(())
        });
        let l = log.clone();
        drop(
            run_saga(racer)
                .promise()
                .map(move |()| l.line("racer: done")),
        );
        let l = log.clone();
        baton::queue_microtask(move || l.line("a microtask queued after the race starts"));
        log.line("script end");
    })
}

/// `fakeFetch` of the download example: 80 ms.
fn fetch_file(url: String) -> Promise<String> {
    Promise::new(move |r| {
        set_timeout(move || r.resolve(format!("contents of {url}")), ms(80));
    })
}

type Downloads = Vec<(String, String)>;

/// function* downloadFiles(fileList) { try { … yield call(fakeFetch, …) … }
/// finally { if (yield cancelled()) … } }
pub fn download_files(
    files: Vec<&'static str>,
    log: Log,
) -> Gen<impl Body<Downloads, Error>, Effect, Value, Downloads, Error> {
    Gen::new(move |co: SagaCo<Downloads>| async move {
        let mut downloaded: Downloads = Vec::new();
        let outcome = async {
            for file in &files {
                stamp(&log, format_args!("Downloading: {file}"));
                let data = call(&co, fetch_file, format!("/files/{file}")).await?;
                downloaded.push((file.to_string(), data));
                let (done, all) = (downloaded.len(), files.len());
                stamp(&log, format_args!("Completed: {file} ({done}/{all})"));
            }
            Ok(())
        }
        .await;
        // finally
        if cancelled(&co).await? {
            let done = downloaded.len();
            stamp(
                &log,
                format_args!("Download cancelled. {done} files completed."),
            );
        }
        outcome.map(|()| downloaded)
    })
}

/// Runs `downloadFiles` and cancels it through a token after 200 ms, on
/// `runtime`.
fn download_cancelled_on(runtime: &Runtime, log: &Log) {
    let token = CancellationToken::new();
    let files = vec!["a.txt", "b.txt", "c.txt"];
    let task = runtime.run("downloadFiles", download_files(files, log.clone()));
    task.cancel_on(&token);
    super::runner::report_and_cancel_at_200(log, &task.promise(), token);
}

pub fn download() -> String {
    scenario(|log| download_cancelled_on(&Runtime::new(), log))
}

/// The download example's trace, as the timeline a traced runtime prints.
pub fn download_timeline() -> String {
    let runtime = std::rc::Rc::new(Runtime::traced());
    let r = runtime.clone();
    scenario(move |log| download_cancelled_on(&r, log));
    runtime.timeline()
}

/// `fork_tree.js`: the fork tree's order where seed 003 is silent,
/// redux-saga's, beside a chain of ticks.
pub fn fork_tree() -> String {
    scenario(|log| {
        ticks(log, 6);
        let l = log.clone();
        let worker = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<i32>| async move {
                l.line("worker: starts");
                let v = call(&co, answer, 7).await?;
                l.line(format_args!("worker: called {v}"));
                Ok(v * 6)
            })
        };
        let l = log.clone();
        let sleeper = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                let slept = call(&co, |()| Promise::<()>::new(|_| {}), ()).await;
                l.line(format_args!(
                    "sleeper: cancelled? {}",
                    cancelled(&co).await?
                ));
                slept
            })
        };
        let l = log.clone();
        let parent = Gen::new(move |co: SagaCo<&str>| async move {
            let task = fork(&co, worker, ()).await?;
            l.line("parent: forked the worker");
            let asleep = fork(&co, sleeper, ()).await?;
            cancel(&co, &asleep, Error::msg("not needed")).await?;
            let c = cancelled(&co).await?;
            l.line(format_args!(
                "parent: cancelled the sleeper; cancelled? {c}"
            ));
            let v = join(&co, &task).await?;
            l.line(format_args!("parent: joined the worker: {v}"));
            Ok("parent done")
        });
        let l = log.clone();
        let failing = move |()| {
            let l = l.clone();
            Gen::new(move |_co: SagaCo<()>| async move {
                l.line("failing: throws as it starts");
                Err(Error::msg("boom").into())
            })
        };
        let l = log.clone();
        let doomed = Gen::new(move |co: SagaCo<()>| async move {
            let forked = fork(&co, failing, ()).await;
            if forked.is_ok() {
                l.line("doomed: never goes on");
            }
            l.line("doomed: cleanup");
            forked.map(drop)
        });
        let l = log.clone();
        drop(
            run_saga(parent)
                .promise()
                .map(move |v| l.line(format_args!("parent: resolved {v}"))),
        );
        let l = log.clone();
        drop(run_saga(doomed).promise().catch(move |e| {
            l.line(format_args!("doomed: rejected {e}"));
            Ok(())
        }));
        log.line("script end");
    })
}

/// `channel_order.js`: a channel's order where seed 003 is silent,
/// redux-saga's, beside a chain of ticks.
pub fn channel_order() -> String {
    scenario(|log| {
        ticks(log, 4);
        let chan: Channel<u32> = Channel::new(Buffer::Expanding(4));
        let (l, c) = (log.clone(), chan.clone());
        let taker = move |()| {
            let (l, c) = (l.clone(), c.clone());
            Gen::new(move |co: SagaCo<()>| async move {
                while let Some(m) = take_from(&co, &c).await? {
                    l.line(format_args!("taker: got {m}"));
                }
                l.line("taker: END");
                Ok(())
            })
        };
        let (l, c) = (log.clone(), chan);
        let putter = move |()| {
            let (l, c) = (l.clone(), c.clone());
            Gen::new(move |co: SagaCo<()>| async move {
                put_to(&co, &c, 1).await?;
                l.line("putter: put 1");
                put_to(&co, &c, 2).await?;
                l.line("putter: put 2");
                c.close();
                l.line("putter: closed");
                Ok(())
            })
        };
        let l = log.clone();
        run_saga(Gen::new(move |co: SagaCo<()>| async move {
            fork(&co, taker, ()).await?;
            fork(&co, putter, ()).await?;
            l.line("main: forked both");
            Ok(())
        }));
        log.line("script end");
    })
}

/// The action of `store_subscribe.js`.
#[derive(Clone, Debug)]
struct Add;

impl Action for Add {
    fn action_type(&self) -> &str {
        "ADD"
    }
}

/// `store_subscribe.js`: redux's `subscribe` and its unsubscribe, and
/// which subscribers a dispatch calls. (Unsubscribing twice cannot be
/// written here: `unsubscribe` takes the subscription.)
pub fn store_subscribe() -> String {
    scenario(|log| {
        let store = Store::new(0_u32, |count, _: &Add| *count += 1);
        // The subscribers reach the store through a slot emptied at the
        // end: one holding its own store would be a cycle of `Rc`s.
        let slot = Rc::new(RefCell::new(Some(store.clone())));
        let subscription_of_b: Rc<RefCell<Option<Subscription<Add>>>> = Rc::default();
        let (l, s, b) = (log.clone(), slot.clone(), subscription_of_b.clone());
        let subscription_of_a = store.subscribe(move |_: &Add| {
            let Some(store) = s.borrow().clone() else {
                return;
            };
            l.line(format_args!("A hears {}", store.state()));
            if store.state() == 1 {
                if let Some(b) = b.borrow_mut().take() {
                    b.unsubscribe();
                }
                let (lc, sc) = (l.clone(), s.clone());
                store.subscribe(move |_: &Add| {
                    if let Some(store) = sc.borrow().as_ref() {
                        lc.line(format_args!("C hears {}", store.state()));
                    }
                });
                l.line("A unsubscribed B and subscribed C");
            }
        });
        let (l, s) = (log.clone(), slot.clone());
        let subscription = store.subscribe(move |_: &Add| {
            if let Some(store) = s.borrow().as_ref() {
                l.line(format_args!("B hears {}", store.state()));
            }
        });
        *subscription_of_b.borrow_mut() = Some(subscription);
        for n in 1..=2 {
            store.dispatch(Add);
            log.line(format_args!("dispatched {n}"));
        }
        subscription_of_a.unsubscribe();
        log.line("unsubscribed A");
        store.dispatch(Add);
        log.line("dispatched 3");
        slot.borrow_mut().take();
    })
}

/// An action of `store_order.js`: its type and its number.
#[derive(Clone, Debug)]
struct Signal(&'static str, u32);

impl Action for Signal {
    fn action_type(&self) -> &str {
        self.0
    }
}

/// `store_order.js`: a store's put, take and select in redux-saga's
/// order, beside a chain of ticks.
pub fn store_order() -> String {
    scenario(|log| {
        ticks(log, 4);
        let store = Store::new(0_u32, |count, _: &Signal| *count += 1);
        let (l, st) = (log.clone(), store.clone());
        let watcher = move |()| {
            let (l, st) = (l.clone(), st.clone());
            Gen::new(move |co: SagaCo<()>| async move {
                loop {
                    let Signal(_, n) = take(&co, "PING").await?;
                    l.line(format_args!("watcher: took PING {n}; count {}", st.state()));
                }
            })
        };
        let l = log.clone();
        let responder = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                let Signal(_, n) = take(&co, "REQUEST").await?;
                l.line(format_args!("responder: took REQUEST {n}"));
                put(&co, Signal("REPLY", n * 10)).await?;
                l.line("responder: put REPLY");
                Ok(())
            })
        };
        let l = log.clone();
        let child = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                l.line("child: puts READY as it starts");
                put(&co, Signal("READY", 0)).await?;
                l.line("child: put READY");
                Ok(())
            })
        };
        let l = log.clone();
        let taker = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                for _ in 0..2 {
                    let Signal(_, n) = take(&co, "NUM").await?;
                    l.line(format_args!("taker: took NUM {n}"));
                }
                Ok(())
            })
        };
        let l = log.clone();
        let first = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                take::<_, Signal>(&co, "GO").await?;
                l.line("first: took GO");
                put(&co, Signal("STEP", 0)).await?;
                l.line("first: put STEP");
                Ok(())
            })
        };
        let l = log.clone();
        let second = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                for _ in 0..2 {
                    let go_or_step =
                        Pattern::when(|Signal(kind, _): &Signal| matches!(*kind, "GO" | "STEP"));
                    let Signal(kind, _) = take(&co, go_or_step).await?;
                    l.line(format_args!("second: took {kind}"));
                }
                Ok(())
            })
        };
        let l = log.clone();
        let main = Gen::new(move |co: SagaCo<()>| async move {
            // redux-saga's default buffer for an action channel.
            let pings = action_channel(&co, "PING", Buffer::Expanding(10)).await?;
            l.line("main: opened a channel of PINGs");
            // Attached watchers left waiting keep `main` running: it is
            // cancelled at the end of the script instead.
            fork(&co, taker, ()).await?;
            fork(&co, first, ()).await?;
            fork(&co, second, ()).await?;
            fork(&co, watcher, ()).await?;
            fork(&co, responder, ()).await?;
            for n in [1, 2] {
                put(&co, Signal("PING", n)).await?;
                l.line(format_args!("main: put PING {n}"));
            }
            put(&co, Signal("REQUEST", 3)).await?;
            l.line("main: put REQUEST 3");
            let Signal(_, reply) = take(&co, "REPLY").await?;
            l.line(format_args!("main: took REPLY {reply}"));
            fork(&co, child, ()).await?;
            l.line("main: forked the child");
            take::<_, Signal>(&co, "READY").await?;
            l.line("main: took READY");
            let count = select(&co, |count: &u32| *count).await?;
            l.line(format_args!("main: selected {count}"));
            let held: Vec<String> = pings
                .flush()
                .iter()
                .map(|Signal(_, n)| n.to_string())
                .collect();
            l.line(format_args!(
                "main: the channel holds PING {}",
                held.join(", PING ")
            ));
            Ok(())
        });
        // A subscriber answers NUM 1 from inside its dispatch, through a
        // slot emptied at the end (a subscriber holding its own store
        // would be a cycle of `Rc`s).
        let slot = Rc::new(RefCell::new(Some(store.clone())));
        let s = slot.clone();
        store.subscribe(move |Signal(kind, n): &Signal| {
            if (*kind, *n) == ("NUM", 1)
                && let Some(store) = s.borrow().clone()
            {
                store.dispatch(Signal("NUM", 2));
            }
        });
        let task = Runtime::new().with_store(&store).run("main", main);
        for signal in [Signal("GO", 0), Signal("NUM", 1), Signal("NUM", 3)] {
            store.dispatch(signal);
        }
        log.line(format_args!("script end; count {}", store.state()));
        slot.borrow_mut().take();
        set_timeout(move || task.cancel(Error::msg("script over")), ms(1));
    })
}

/// `race_take.js`: a race won by a take resumes its saga inside the put
/// that answered it, as redux-saga's does: a saga racing a take in a loop
/// sees three actions put back to back, and `debounce` forks its worker
/// with the last; an `all` of takes goes on at once too; a take that finds
/// a message waiting wins as it starts.
pub fn race_take() -> String {
    scenario(|log| {
        ticks(log, 4);
        let store = Store::new(0_u32, |count, _: &Signal| *count += 1);
        let l = log.clone();
        let racer = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                loop {
                    let won = race2::<_, Signal, ()>(
                        &co,
                        ("ping", take_effect::<Signal>("PING".into())),
                        ("quiet", delay_effect(50)),
                    )
                    .await?;
                    match won {
                        Won::First(Signal(_, n)) => l.line(format_args!("racer: took PING {n}")),
                        Won::Second(()) => {
                            l.line("racer: quiet for 50 ms");
                            return Ok(());
                        }
                    }
                }
            })
        };
        let l = log.clone();
        let buffered = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                let chan = Channel::<u32>::new(Buffer::Expanding(2));
                chan.put(7).map_err(|e| Abrupt::Throw(Error::new(e)))?;
                let won = race2::<_, Option<u32>, ()>(
                    &co,
                    ("message", chan.take_effect()),
                    ("late", delay_effect(10)),
                )
                .await?;
                if let Won::First(Some(message)) = won {
                    l.line(format_args!("buffered: took {message} as the race started"));
                }
                Ok(())
            })
        };
        let l = log.clone();
        let worker = move |Signal(_, n): Signal| {
            let l = l.clone();
            Gen::new(move |_co: SagaCo<()>| async move {
                l.line(format_args!("worker: PING {n}"));
                Ok(())
            })
        };
        let l = log.clone();
        let pinger = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                for n in [1, 2, 3] {
                    put(&co, Signal("PING", n)).await?;
                    l.line(format_args!("pinger: put PING {n}"));
                }
                Ok(())
            })
        };
        let l = log.clone();
        let pairer = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                loop {
                    let pair: Vec<Signal> = all(
                        &co,
                        vec![
                            take_effect::<Signal>("A".into()),
                            take_effect::<Signal>("B".into()),
                        ],
                    )
                    .await?;
                    if let [Signal(_, a), Signal(_, b)] = pair[..] {
                        l.line(format_args!("pairer: took A {a} and B {b}"));
                    }
                }
            })
        };
        let l = log.clone();
        let pairs = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                for n in [1, 2] {
                    put(&co, Signal("A", n)).await?;
                    put(&co, Signal("B", n)).await?;
                    l.line(format_args!("pairs: put A {n} and B {n}"));
                }
                Ok(())
            })
        };
        let l = log.clone();
        let main = Gen::new(move |co: SagaCo<()>| async move {
            fork(&co, buffered, ()).await?;
            l.line("main: forked buffered");
            fork(&co, racer, ()).await?;
            let debouncer = fork(&co, move |()| debounce(20, "PING", worker.clone()), ()).await?;
            fork(&co, pinger, ()).await?;
            let pairing = fork(&co, pairer, ()).await?;
            fork(&co, pairs, ()).await?;
            delay(&co, 100).await?;
            debouncer.cancel(Error::msg("main is done"));
            pairing.cancel(Error::msg("main is done"));
            l.line("main: done");
            Ok(())
        });
        Runtime::new().with_store(&store).run("main", main);
        log.line("script end");
    })
}

/// `all_at_once.js`: effects known as they are performed, inside an
/// `all` or a race (a take finding its message, a fork), go on at once, as
/// redux-saga has them: a keyed `all` of takes, an `all` of forks (the usual
/// root saga), a race won by a fork as it starts.
pub fn all_at_once() -> String {
    scenario(|log| {
        ticks(log, 3);
        let store = Store::new(0_u32, |count, _: &Signal| *count += 1);
        let l = log.clone();
        let keyed = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                let chan = Channel::<u32>::new(Buffer::Expanding(2));
                for message in [7, 8] {
                    chan.put(message)
                        .map_err(|e| Abrupt::Throw(Error::new(e)))?;
                }
                let took: Vec<(&str, Option<u32>)> = all_keyed(
                    &co,
                    vec![("m", chan.take_effect()), ("n", chan.take_effect())],
                )
                .await?;
                if let [(_, Some(m)), (_, Some(n))] = took[..] {
                    l.line(format_args!("keyed: took {m} and {n} as the all started"));
                }
                Ok(())
            })
        };
        let l = log.clone();
        let listener = move |name: &'static str| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                l.line(format_args!("{name}: started"));
                let Signal(_, n) = take(&co, Pattern::from("GO")).await?;
                l.line(format_args!("{name}: took GO {n}"));
                Ok(())
            })
        };
        let (l, listen) = (log.clone(), listener.clone());
        let root = move |()| {
            let (l, listen) = (l.clone(), listen.clone());
            Gen::new(move |co: SagaCo<()>| async move {
                let forks = vec![fork_effect(listen.clone(), "a"), fork_effect(listen, "b")];
                all::<_, Task<()>>(&co, forks).await?;
                l.line("root: all of forks went on");
                put(&co, Signal("GO", 1)).await?;
                l.line("root: put GO 1");
                Ok(())
            })
        };
        let l = log.clone();
        let racer = move |()| {
            let (l, listen) = (l.clone(), listener.clone());
            Gen::new(move |co: SagaCo<()>| async move {
                let won = race2::<_, Signal, Task<()>>(
                    &co,
                    ("never", take_effect::<Signal>("NEVER".into())),
                    ("child", fork_effect(listen, "c")),
                )
                .await?;
                let by_fork = matches!(won, Won::Second(_));
                l.line(format_args!(
                    "racer: won by the fork: {by_fork}, the take: {}",
                    !by_fork
                ));
                put(&co, Signal("GO", 2)).await?;
                l.line("racer: put GO 2");
                let never = take::<_, Signal>(&co, Pattern::from("NEVER")).await;
                l.line(format_args!("racer: cancelled {}", cancelled(&co).await?));
                never.map(drop)
            })
        };
        let l = log.clone();
        let putter = move |(name, kind): (&'static str, &'static str)| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                l.line(format_args!("{name}: started"));
                put(&co, Signal(kind, 4)).await?;
                l.line(format_args!("{name}: put {kind}"));
                take::<_, Signal>(&co, Pattern::from("GO")).await?;
                l.line(format_args!("{name}: took GO"));
                Ok(())
            })
        };
        let l = log.clone();
        let picker = move |name: &'static str| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                l.line(format_args!("{name}: started"));
                let Signal(kind, _) = take(&co, Pattern::from(&["X", "Y"])).await?;
                l.line(format_args!("{name}: took {kind}"));
                Ok(())
            })
        };
        let l = log.clone();
        let timed = move |()| {
            let (l, putter, picker) = (l.clone(), putter.clone(), picker.clone());
            Gen::new(move |co: SagaCo<()>| async move {
                delay(&co, 1).await?;
                let parts = vec![
                    take_effect::<Signal>("X".into()),
                    fork_effect(putter.clone(), ("d", "X")),
                    fork_effect(picker, "e"),
                    fork_effect(putter, ("f", "Y")),
                ];
                let values = co.yield_(all_effect(parts)).await?;
                let values = values.downcast_ref::<Vec<Value>>();
                let took = values.and_then(|v| v.first()?.downcast_ref::<Signal>());
                if let Some(Signal(kind, _)) = took {
                    l.line(format_args!(
                        "timed: all of a take and forks went on, took {kind}"
                    ));
                }
                put(&co, Signal("GO", 5)).await?;
                l.line("timed: put GO 5");
                Ok(())
            })
        };
        let l = log.clone();
        let main = Gen::new(move |co: SagaCo<()>| async move {
            fork(&co, keyed, ()).await?;
            l.line("main: forked keyed");
            fork(&co, timed, ()).await?;
            fork(&co, root, ()).await?;
            l.line("main: forked root");
            let racing = fork(&co, racer, ()).await?;
            l.line("main: forked racer");
            put(&co, Signal("GO", 3)).await?;
            l.line("main: put GO 3");
            racing.cancel(Error::msg("main is done"));
            l.line("main: done");
            Ok(())
        });
        Runtime::new().with_store(&store).run("main", main);
        log.line("script end");
    })
}

/// `put_overflow.js`: a put that overflows a channel's fixed buffer is
/// thrown into its saga inside the put, so what the saga puts next, before
/// it waits again, waits until it does: an `all` of a put and a take puts
/// once the take has emptied the buffer, and a put right after a race that
/// overflowed waits for the saga to wait, then overflows in turn.
pub fn put_overflow() -> String {
    scenario(|log| {
        let chan = Channel::<u32>::new(Buffer::Fixed(1));
        let _ = chan.put(73);
        let l = log.clone();
        let shown = |e: &Error| match e.downcast_ref::<baton::saga::Overflow>() {
            Some(_) => "an overflow".to_string(),
            None => e.to_string(),
        };
        let saga = Gen::new(move |co: SagaCo<()>| async move {
            delay(&co, 1).await?;
            if let Err(Abrupt::Throw(e)) = put_to(&co, &chan, 7).await {
                l.line(format_args!("caught {}", shown(&e)));
                let parts = vec![("a", chan.put_effect(10)), ("b", chan.take_effect())];
                let got: Vec<(&str, Value)> = all_keyed(&co, parts).await?;
                if let Some(Some(took)) = got[1].1.downcast_ref::<Option<u32>>() {
                    l.line(format_args!("the all took {took}, and its put went out"));
                }
            }
            if let Err(Abrupt::Throw(e)) =
                race::<_, Value>(&co, vec![("a", chan.put_effect(8))]).await
            {
                l.line(format_args!("the race threw {}", shown(&e)));
                if let Err(Abrupt::Throw(e2)) = put_to(&co, &chan, 11).await {
                    l.line(format_args!("the put after it threw {}", shown(&e2)));
                }
            }
            let buffered: Vec<String> = chan.flush().iter().map(u32::to_string).collect();
            l.line(format_args!("buffered [{}]", buffered.join(",")));
            Ok(())
        });
        let l = log.clone();
        run_saga(saga).promise().map(move |()| l.line("done"));
    })
}

/// `store_end.js`: redux-saga's END, dispatched from outside, as
/// [`Store::end`] gives it.
pub fn store_end() -> String {
    scenario(|log| {
        ticks(log, 4);
        let store = Store::new(0_u32, |count, _: &Signal| *count += 1);
        // `try { … } finally { log(…) }` around a body that may end early.
        let finally = |l: &Log, who: &'static str| {
            let l = l.clone();
            move || l.line(format_args!("{who}: finally"))
        };
        let l = log.clone();
        let waiter = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                let attempt = take::<_, Signal>(&co, "GO").await;
                if attempt.is_ok() {
                    l.line("waiter: took GO");
                }
                let was = cancelled(&co).await?;
                l.line(format_args!("waiter: finally, cancelled {was}"));
                attempt.map(drop)
            })
        };
        let l = log.clone();
        let maybe = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                let got = take_maybe::<_, Signal>(&co, "GO").await?;
                l.line(format_args!(
                    "maybe: took {}",
                    got.map_or("END", |Signal(kind, _)| kind)
                ));
                Ok(())
            })
        };
        let done = finally(log, "buffered");
        let l = log.clone();
        let buffered = move |()| {
            let (l, done) = (l.clone(), done.clone());
            Gen::new(move |co: SagaCo<()>| async move {
                // redux-saga's default buffer for an action channel.
                let jobs = action_channel::<_, Signal>(&co, "JOB", Buffer::Expanding(10)).await?;
                delay(&co, 1).await?;
                // `take(chan)` ends the saga at the channel's end, where
                // `take_from` gives `None`: the loop ends there instead.
                let attempt = async {
                    while let Some(Signal(_, n)) = take_from(&co, &jobs).await? {
                        l.line(format_args!("buffered: took JOB {n}"));
                    }
                    Ok(())
                }
                .await;
                done();
                attempt
            })
        };
        let l = log.clone();
        let child = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                delay(&co, 10).await?;
                l.line("child: done");
                Ok(())
            })
        };
        let done = finally(log, "parent");
        let parent = move |()| {
            let (child, done) = (child.clone(), done.clone());
            Gen::new(move |co: SagaCo<Option<&'static str>>| async move {
                fork(&co, child, ()).await?;
                let attempt = take::<_, Signal>(&co, "GO").await;
                done();
                attempt.map(|_| None)
            })
        };
        let l = log.clone();
        let joiner = move |task: Task<Option<&'static str>>| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                let gave = join(&co, &task).await?;
                l.line(format_args!(
                    "joiner: joined the parent, which gave {}",
                    gave.unwrap_or("undefined")
                ));
                Ok(())
            })
        };
        let done = finally(log, "late");
        let l = log.clone();
        let late = move |()| {
            let (l, done) = (l.clone(), done.clone());
            Gen::new(move |co: SagaCo<()>| async move {
                delay(&co, 5).await?;
                l.line("late: takes after the end");
                let attempt = take::<_, Signal>(&co, "GO").await;
                if attempt.is_ok() {
                    l.line("late: took GO");
                }
                done();
                attempt.map(drop)
            })
        };
        let l = log.clone();
        let root = Gen::new(move |co: SagaCo<Option<&'static str>>| async move {
            fork(&co, waiter, ()).await?;
            fork(&co, maybe, ()).await?;
            fork(&co, buffered, ()).await?;
            let parent_task = fork(&co, parent, ()).await?;
            fork(&co, joiner, parent_task).await?;
            fork(&co, late, ()).await?;
            l.line("root: forked them all");
            Ok(None)
        });
        let l = log.clone();
        let task = Runtime::new().with_store(&store).run("root", root);
        task.promise().map(move |v| {
            l.line(format_args!(
                "root: ended with {}",
                v.unwrap_or("undefined")
            ))
        });
        store.dispatch(Signal("JOB", 1));
        store.dispatch(Signal("JOB", 2));
        log.line("script: END");
        store.end();
        store.dispatch(Signal("GO", 0));
        log.line(format_args!("script end; count {}", store.state()));
    })
}

/// `context.js`: redux-saga's context, inherited along the task tree.
pub fn context() -> String {
    scenario(|log| {
        ticks(log, 3);
        // `yield* read(who, key)`: logs what the saga's context holds.
        async fn read<T>(
            l: &Log,
            co: &SagaCo<T>,
            who: &str,
            key: &str,
        ) -> Result<(), Abrupt<Error, T>> {
            let value: Option<&'static str> = get_context(co, key).await?;
            l.line(format_args!(
                "{who}: {key} is {}",
                value.unwrap_or("undefined")
            ));
            Ok(())
        }
        let l = log.clone();
        let grandchild = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                read(&l, &co, "grandchild", "api").await?;
                read(&l, &co, "grandchild", "user").await
            })
        };
        let l = log.clone();
        let child = move |()| {
            let (l, grandchild) = (l.clone(), grandchild.clone());
            Gen::new(move |co: SagaCo<()>| async move {
                read(&l, &co, "child", "api").await?;
                delay(&co, 10).await?;
                read(&l, &co, "child", "user").await?;
                set_context(&co, "api", "v2").await?;
                read(&l, &co, "child", "api").await?;
                fork(&co, grandchild, ()).await?;
                Ok(())
            })
        };
        let l = log.clone();
        let detached = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                delay(&co, 20).await?;
                read(&l, &co, "spawned", "user").await?;
                read(&l, &co, "spawned", "api").await
            })
        };
        let l = log.clone();
        let called = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                read(&l, &co, "called", "user").await?;
                set_context(&co, "user", "grace").await?;
                read(&l, &co, "called", "user").await
            })
        };
        let l = log.clone();
        let root = Gen::new(move |co: SagaCo<()>| async move {
            fork(&co, child, ()).await?;
            spawn(&co, detached, ()).await?;
            read(&l, &co, "root", "user").await?;
            set_context(&co, "user", "ada").await?;
            l.line("root: set user");
            call(&co, called, ()).await?;
            read(&l, &co, "root", "user").await?;
            delay(&co, 30).await?;
            read(&l, &co, "root", "api").await
        });
        Runtime::new().with_context("api", "v1").run("root", root);
        log.line("script end");
    })
}

/// `saga_stack.js`: a grandchild's error, three levels down.
fn grandchild(_: ()) -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move {
        delay(&co, 10).await?;
        Err(Error::msg("payment service refused").into())
    })
}

fn sibling(_: ()) -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move { delay(&co, 100).await })
}

fn child(_: ()) -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move {
        fork(&co, grandchild, ()).await?;
        fork(&co, sibling, ()).await?;
        delay(&co, 100).await
    })
}

fn helper(_: ()) -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move { call(&co, child, ()).await })
}

fn checkout() -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move {
        let task = fork(&co, helper, ()).await?;
        join(&co, &task).await
    })
}

fn flaky(_: ()) -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move {
        delay(&co, 5).await?;
        Err(Error::msg("flaky failed").into())
    })
}

fn supervisor() -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move {
        let task = spawn(&co, flaky, ()).await?;
        join(&co, &task).await
    })
}

fn fetch_user(_: ()) -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move {
        delay(&co, 20).await?;
        Err(Error::msg("user not found").into())
    })
}

fn profile() -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move {
        let user = ("user", call_effect(fetch_user, ()));
        let _: Won<(), ()> = race2(&co, user, ("timeout", delay_effect(1000))).await?;
        Ok(())
    })
}

fn broken() -> impl Saga<Output = ()> {
    Gen::new(|_co: SagaCo<()>| async move { Err(Error::msg("broken from the start").into()) })
}

/// `saga_stack.js`: the saga stack `on_error` hears when a root or a
/// spawned task fails (redux-saga's `onError` and its `sagaStack`).
pub fn saga_stack() -> String {
    scenario(|log| {
        let l = log.clone();
        let runtime = Runtime::new().on_error(move |error, stack| {
            l.line(format_args!("onError: {error}"));
            for line in stack.to_string().lines() {
                l.line(format_args!("  | {line}"));
            }
        });
        let roots = [
            ("checkout", runtime.run("checkout", checkout()).promise()),
            (
                "supervisor",
                runtime.run("supervisor", supervisor()).promise(),
            ),
            ("profile", runtime.run("profile", profile()).promise()),
            ("broken", runtime.run("broken", broken()).promise()),
        ];
        for (name, promise) in roots {
            let l = log.clone();
            drop(promise.catch(move |_| {
                l.line(format_args!("{name}: rejected"));
                Ok(())
            }));
        }
        log.line("script end");
    })
}

/// The actions of `multicast.js`.
#[derive(Clone, Debug)]
enum Ball {
    Ping(u32),
    Pong(u32),
    Other(u32),
}

impl Action for Ball {
    fn action_type(&self) -> &str {
        match self {
            Ball::Ping(_) => "PING",
            Ball::Pong(_) => "PONG",
            Ball::Other(_) => "OTHER",
        }
    }
}

impl Ball {
    fn n(&self) -> u32 {
        match self {
            Ball::Ping(n) | Ball::Pong(n) | Ball::Other(n) => *n,
        }
    }
}

/// `multicast.js`: redux-saga's multicast channel.
pub fn multicast() -> String {
    scenario(|log| {
        let chan = MulticastChannel::<Ball>::new();
        let (l, c) = (log.clone(), chan.clone());
        let everything = Gen::new(move |co: SagaCo<()>| async move {
            let taking = async {
                loop {
                    let a = take_on(&co, &c, "*").await?;
                    l.line(format_args!(
                        "everything: took {} {}",
                        a.action_type(),
                        a.n()
                    ));
                }
            }
            .await;
            l.line("everything: ends");
            taking
        });
        let (l, c) = (log.clone(), chan.clone());
        let ponger = Gen::new(move |co: SagaCo<()>| async move {
            let taking = async {
                loop {
                    let n = take_on(&co, &c, "PING").await?.n();
                    l.line(format_args!("ponger: took PING {n}"));
                    put_on(&co, &c, Ball::Pong(n)).await?;
                    l.line(format_args!("ponger: put PONG {n}"));
                }
            }
            .await;
            l.line("ponger: ends");
            taking
        });
        let (l, c) = (log.clone(), chan.clone());
        let pongs = Gen::new(move |co: SagaCo<()>| async move {
            let pong = Pattern::when(|a: &Ball| matches!(a, Ball::Pong(_)));
            while let Some(a) = take_maybe_on(&co, &c, pong.clone()).await? {
                l.line(format_args!("pongs: took PONG {}", a.n()));
            }
            l.line("pongs: heard the end");
            Ok(())
        });
        let (l, c) = (log.clone(), chan.clone());
        let late = Gen::new(move |co: SagaCo<()>| async move {
            delay(&co, 30).await?;
            l.line("late: takes after the close");
            let took = take_on(&co, &c, "*").await;
            if took.is_ok() {
                l.line("late: never");
            }
            l.line("late: ends at once");
            took.map(drop)
        });
        run_saga(everything);
        run_saga(ponger);
        run_saga(pongs);
        run_saga(late);
        ticks(log, 3);
        chan.put(Ball::Ping(1));
        log.line("put PING 1");
        chan.put(Ball::Other(2));
        log.line("put OTHER 2");
        let (l, c) = (log.clone(), chan.clone());
        set_timeout(
            move || {
                c.put(Ball::Ping(3));
                l.line("put PING 3");
            },
            ms(10),
        );
        let l = log.clone();
        set_timeout(
            move || {
                chan.close();
                l.line("closed");
                chan.put(Ball::Ping(4));
                l.line("put PING 4 after the close");
            },
            ms(20),
        );
        log.line("script end");
    })
}
