//! Seed 003's effect runner: sagas yield effects (call, all) as data, and
//! the runtime performs them. Mirrors `tests/oracle/saga/effects.js`.

use baton::saga::{Effect, SagaCo, Value, all, call, call_effect, race, run_saga};
use baton::{Body, Error, Gen, Promise};

use super::js::Log;
use super::promises::{ms, scenario};

/// `fakeFetch(url)`: `url:mock` after 100 ms.
pub fn fake_fetch(url: String) -> Promise<String> {
    Promise::new(move |r| {
        baton::set_timeout(move || r.resolve(format!("{url}:mock")), ms(100));
    })
}

fn stamp(log: &Log, line: impl std::fmt::Display) {
    let rounded = (baton::now().as_millis() + 50) / 100 * 100;
    log.line(format_args!("[{rounded}ms] {line}"));
}

/// function* sequential() { for (url of …) results.push(yield call(fakeFetch, url)) }
pub fn sequential() -> Gen<impl Body<Vec<String>, Error>, Effect, Value, Vec<String>, Error> {
    Gen::new(|co: SagaCo<Vec<String>>| async move {
        let mut results = Vec::new();
        for url in ["/api/a", "/api/b", "/api/c"] {
            results.push(call(&co, fake_fetch, url.to_string()).await?);
        }
        Ok(results)
    })
}

/// function* parallel() { return yield all([call(fakeFetch, …), …]) }
pub fn parallel() -> Gen<impl Body<Vec<String>, Error>, Effect, Value, Vec<String>, Error> {
    Gen::new(|co: SagaCo<Vec<String>>| async move {
        let calls = ["/api/a", "/api/b", "/api/c"].map(|u| call_effect(fake_fetch, u.to_string()));
        all(&co, calls.into()).await
    })
}

/// function* mixedFlow(userId) — sequential steps with parallel sub-tasks.
pub fn mixed_flow(
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
