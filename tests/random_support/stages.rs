//! The async iterator stages the helper suites share: a logged generator
//! (a source, or a `flat_map`'s inner one) and the stages a program lists.

use baton::async_gen::AsyncIteratorExt;
use baton::{Abrupt, AsyncGen, Co, Error, Promise};
use serde_json::Value;

use super::{Log, number, say};

/// The items of a pipeline.
pub type Items = AsyncGen<i64, (), (), Error>;

/// A generator of `items` (pausing a turn before those marked), failing
/// at its end with `failure` if given, logging each yield and its cleanup.
pub fn logged_generator(
    log: &Log,
    who: String,
    items: Vec<(i64, bool)>,
    failure: Option<String>,
) -> Items {
    let log = log.clone();
    AsyncGen::new(move |co: Co<i64, (), (), Error>| async move {
        let attempt = async {
            for (v, pause) in items {
                if pause {
                    Promise::<(), Error>::resolve(()).await?;
                }
                say(&log, format!("{who} yields {v}"));
                co.yield_(v).await?;
            }
            match failure {
                Some(message) => {
                    say(&log, format!("{who} fails"));
                    Err(Abrupt::Throw(Error::msg(message)))
                }
                None => Ok(()),
            }
        }
        .await;
        if attempt.is_ok() && who == "source" {
            say(&log, "source exhausted".into());
        }
        say(&log, format!("{who} cleanup"));
        attempt?;
        // JavaScript's body falls off its end: no `return v` to await.
        Err(Abrupt::Return(()))
    })
}

/// The inner generator of flat_map stage `i` for item `x`.
fn inner(log: &Log, i: usize, stage: &Value, x: i64) -> Items {
    let pause = stage["pause"] == true;
    let items = (1..=number(&stage["k"]))
        .map(|j| (x * 10 + j, pause))
        .collect();
    let fail_mod = number(&stage["failMod"]);
    let failure = (fail_mod != 0 && x % fail_mod == 0).then(|| format!("inner of {x} failed"));
    logged_generator(log, format!("inner {i} of {x}"), items, failure)
}

/// Step `x` of map_concurrent stage `i`: settles after `x % 3` more
/// turns, so steps settle out of order; fails when `fail_mod` divides `x`.
fn concurrent_step(log: &Log, i: usize, fail_mod: i64, x: i64) -> Promise<i64, Error> {
    say(log, format!("mapConcurrent {i} starts {x}"));
    let mut hops = Promise::<(), Error>::resolve(());
    for _ in 0..x % 3 {
        hops = hops.map(|()| ());
    }
    let log = log.clone();
    hops.then(move |()| {
        say(&log, format!("mapConcurrent {i} settles {x}"));
        if fail_mod != 0 && x % fail_mod == 0 {
            Err(Error::msg(format!("step of {x} failed")))
        } else {
            Ok(x + 100)
        }
    })
}

pub fn count(v: &Value) -> usize {
    usize::try_from(number(v)).expect("a count")
}

pub fn stage(log: &Log, items: Items, i: usize, stage: Value) -> Items {
    let log = log.clone();
    match stage["s"].as_str().expect("a stage") {
        "map" => {
            let add = number(&stage["add"]);
            items.map(move |x| {
                say(&log, format!("map {i} got {x}"));
                x + add
            })
        }
        "filter" => {
            let modulus = number(&stage["mod"]);
            items.filter(move |x| {
                say(&log, format!("filter {i} got {x}"));
                x % modulus != 0
            })
        }
        "take" => items.take(count(&stage["n"])),
        "drop" => items.skip(count(&stage["n"])),
        "mapConcurrent" => {
            let fail_mod = number(&stage["failMod"]);
            items.map_concurrent(count(&stage["limit"]), move |x| {
                concurrent_step(&log, i, fail_mod, x)
            })
        }
        _ => items.flat_map(move |x| inner(&log, i, &stage, x)),
    }
}
