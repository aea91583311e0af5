//! Seed 002: `echo()`, two-way communication: `next(value)` becomes the
//! value of the paused `yield`.

use baton::{Body, Co, Gen};

use super::js::{self, Log};

pub fn echo(log: Log) -> Gen<impl Body<&'static str>, &'static str, &'static str, &'static str> {
    Gen::new(
        move |co: Co<&'static str, &'static str, &'static str>| async move {
            let first = co.yield_("pause-1").await?;
            log.line(format_args!("received: {first}"));
            let second = co.yield_("pause-2").await?;
            log.line(format_args!("received: {second}"));
            Ok("done")
        },
    )
}

pub fn generator() -> String {
    let log = Log::default();
    let mut g = echo(log.clone());
    for input in ["(ignored)", "A", "B"] {
        let Ok(step) = g.next(input);
        log.line(js::value(&step));
    }
    log.text()
}
