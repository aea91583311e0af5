//! Seed 003's effect runner: sagas yield effects (call, all) as data, and
//! the runtime performs them. Mirrors `tests/oracle/saga/effects.js`.

use baton::saga::{Effect, SagaCo, Value, all, call, call_effect, run_saga};
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
