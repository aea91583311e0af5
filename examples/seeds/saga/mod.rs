//! Seed 003's effect runner: sagas yield effects (call, all) as data, and
//! the runtime performs them. Mirrors `tests/oracle/saga/effects.js`.

use baton::runner::CancellationToken;
use baton::saga::{
    Effect, Runtime, SagaCo, Value, all, call, call_effect, cancelled, race, run_saga,
};
use baton::{Body, Error, Gen, Promise, set_timeout};

use crate::seeds::js::Log;
use crate::seeds::promises::{ms, scenario, stamp};

mod branches;
mod channels;
mod store;
mod store_races;
mod tree;
mod turns;

pub use branches::branches;
pub use channels::{channel_order, multicast};
pub use store::{store_end, store_order, store_subscribe};
pub use store_races::{all_at_once, put_overflow, race_take};
pub use tree::{context, fork_tree, saga_stack};
pub use turns::{calls_run_on, calls_woken_run_on, race_in_turn, race_timeout, race_turns};

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
    crate::seeds::runner::report_and_cancel_at_200(log, &task.promise(), token);
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
