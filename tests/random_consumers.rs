//! A thousand random async generator bodies (`async_generators.js`'s),
//! each asked by one consumer for item after item, with a microtask after
//! each; in the programs with an odd number of ticks, every third request
//! is dropped after its first poll (JavaScript's request nobody awaits).
//! Run on `AsyncGen` and on `PinnedAsyncGen` and compared line by line with
//! what Node logged (`tests/oracle/random/consumers.out`, made by
//! `consumers.js` there). A pinned generator is driven by its requests
//! only, so a request dropped while its body awaits leaves the body where
//! it is (see `PinnedAsyncGen`): it is held to Node on the programs
//! without dropped requests.

mod random_support;

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;

use baton::async_gen::{AsyncIterator, PinnedAsyncGen};
use baton::{AsyncGen, Error, queue_microtask, spawn};
use random_support::{
    Log, async_body, check_against_node, check_against_node_where, list, name, run_logged, say,
    ticks,
};
use serde_json::Value;

/// Whether a program's consumer drops every third request.
fn drops(program: &Value) -> bool {
    program["ticks"].as_u64().expect("a count") % 2 == 1
}

/// Asks `g` for `asks` items, dropping every third request after its
/// first poll if `drops` and awaiting the others; a microtask is queued
/// after each.
async fn ask<I: AsyncIterator<Item = i64, Error = Error>>(
    log: &Log,
    mut g: I,
    asks: usize,
    drops: bool,
) {
    for i in 0..asks {
        {
            let mut request = pin!(g.next());
            if drops && i % 3 == 2 {
                poll_fn(|cx| Poll::Ready(request.as_mut().poll(cx).is_ready())).await;
                say(log, format!("request {i} left"));
            } else {
                match request.await {
                    Ok(Some(v)) => say(log, format!("request {i} got {v}")),
                    Ok(None) => say(log, format!("request {i} done")),
                    Err(e) => say(log, format!("request {i} threw {}", name(&e))),
                }
            }
        }
        let log = log.clone();
        queue_microtask(move || say(&log, format!("after {i}")));
    }
}

/// Runs a program on `AsyncGen` (`pinned` false) or `PinnedAsyncGen`.
fn run(program: &Value, pinned: bool) -> Vec<String> {
    let program = program.clone();
    run_logged(move |log| {
        let make = async_body(log, &program);
        let (asks, drops) = (list(&program["requests"]).len() + 2, drops(&program));
        let consumer = log.clone();
        drop(spawn(async move {
            if pinned {
                let mut g = pin!(PinnedAsyncGen::new(make));
                ask(&consumer, g.as_mut(), asks, drops).await;
            } else {
                ask(&consumer, AsyncGen::new(make), asks, drops).await;
            }
            Ok::<(), Error>(())
        }));
        ticks(log, "", program["ticks"].as_u64().expect("a count"));
        say(log, "script end".into());
    })
}

#[test]
fn random_consumers_of_async_gens_log_what_node_logs() {
    check_against_node("consumers.out", 1000, |program| run(program, false));
}

#[test]
fn random_consumers_of_pinned_async_gens_log_what_node_logs() {
    check_against_node_where(
        "consumers.out",
        1000,
        |program| run(program, true),
        |p| !drops(p),
    );
}

/// Requests dropped or not, each `yield*` of the bodies delegating to a
/// generator pinned in the delegating body: the same turns.
#[test]
fn random_consumers_of_async_gens_delegating_to_pinned_log_what_node_logs() {
    random_support::delegate_to_pinned();
    check_against_node("consumers.out", 1000, |program| run(program, false));
}

/// Both kinds pinned: the generator asked and the one it delegates to.
#[test]
fn random_consumers_of_pinned_async_gens_delegating_to_pinned_log_what_node_logs() {
    random_support::delegate_to_pinned();
    check_against_node_where(
        "consumers.out",
        1000,
        |program| run(program, true),
        |p| !drops(p),
    );
}
