//! The generator protocol's corners, side by side with `protocol.js`:
//! `throw`/`return` before start and after completion, a `finally` that
//! yields during `return()`, a `finally` that overrides the return value,
//! a caught `throw` that yields again, and `yield*` forwarding all three
//! (into an inner `finally` that yields, too).

use baton::{Abrupt, Body, Co, Error, Gen, StepResult};

use super::js::{self, Js, Log};

type JsCo = Co<Js, Js, Js, Error>;

fn show(log: &Log, label: &str, result: StepResult<Js, Js, Error>) {
    match result {
        Ok(step) => log.line(format_args!("{label} {}", js::step_json(&step))),
        Err(e) => log.line(format_args!("{label} threw {e}")),
    }
}

/// try { yield 1; yield 2 } finally { ...; yield "from finally"; ... }
fn guarded(log: Log) -> Gen<impl Body<Js, Error>, Js, Js, Js, Error> {
    Gen::new(move |co: JsCo| async move {
        let body = async {
            co.yield_(1.into()).await?;
            co.yield_(2.into()).await?;
            Ok(Js::Undefined)
        }
        .await;
        log.line("cleanup starts");
        co.yield_("from finally".into()).await?;
        log.line("cleanup ends");
        body
    })
}

/// try { yield 1 } finally { return "overridden" }
fn overriding() -> Gen<impl Body<Js, Error>, Js, Js, Js, Error> {
    Gen::new(|co: JsCo| async move {
        let _ = co.yield_(1.into()).await;
        Ok("overridden".into())
    })
}

/// Catches every throw, counts it, and yields again.
fn resilient(log: Log) -> Gen<impl Body<Js, Error>, Js, Js, Js, Error> {
    Gen::new(move |co: JsCo| async move {
        let mut attempts = 0;
        loop {
            match co.yield_(attempts.into()).await {
                Ok(_) => return Ok("finished".into()),
                Err(Abrupt::Throw(e)) => {
                    attempts += 1;
                    log.line(format_args!("recovering from {e}"));
                }
                Err(closing) => return Err(closing),
            }
        }
    })
}

fn inner(log: Log) -> Gen<impl Body<Js, Error>, Js, Js, Js, Error> {
    Gen::new(move |co: JsCo| async move {
        let attempt: Result<Js, Abrupt<Error, Js>> = async {
            let x = co.yield_("inner-1".into()).await?;
            log.line(format_args!("inner got {}", x));
            co.yield_("inner-2".into()).await?;
            Ok("inner-result".into())
        }
        .await;
        let outcome = match attempt {
            Err(Abrupt::Throw(e)) => {
                log.line(format_args!("inner caught {e}"));
                async {
                    co.yield_("inner-recovered".into()).await?;
                    Ok("inner-after-catch".into())
                }
                .await
            }
            other => other,
        };
        log.line("inner finally");
        outcome
    })
}

/// try { yield "i1"; yield "i2"; return "inner-done" }
/// finally { ...; yield "inner-cleanup"; ... }
fn cleaning_inner(log: Log) -> Gen<impl Body<Js, Error>, Js, Js, Js, Error> {
    Gen::new(move |co: JsCo| async move {
        let body = async {
            co.yield_("i1".into()).await?;
            co.yield_("i2".into()).await?;
            Ok("inner-done".into())
        }
        .await;
        log.line("inner finally");
        co.yield_("inner-cleanup".into()).await?;
        log.line("inner cleanup resumed");
        body
    })
}

/// try { const r = yield* cleaningInner(); ...; yield "o2"; return "outer-done" }
/// finally { ... }
fn cleaning_outer(log: Log) -> Gen<impl Body<Js, Error>, Js, Js, Js, Error> {
    Gen::new(move |co: JsCo| async move {
        let body = async {
            let r = co.yield_from(cleaning_inner(log.clone())).await?;
            log.line(format_args!("yield* gave {r}"));
            co.yield_("o2".into()).await?;
            Ok("outer-done".into())
        }
        .await;
        log.line("outer finally");
        body
    })
}

fn outer(log: Log) -> Gen<impl Body<Js, Error>, Js, Js, Js, Error> {
    Gen::new(move |co: JsCo| async move {
        co.yield_("outer-1".into()).await?;
        let r = co.yield_from(inner(log.clone())).await?;
        log.line(format_args!("yield* evaluated to {}", r));
        co.yield_("outer-2".into()).await?;
        Ok("outer-result".into())
    })
}

pub fn generator() -> String {
    let log = Log::default();
    let l = &log;

    let mut g = guarded(log.clone());
    show(l, "fresh return:", g.r#return(9.into()));
    show(l, "after:", g.next(Js::Undefined));

    let mut g = guarded(log.clone());
    if let Err(e) = g.throw(Error::msg("early")) {
        log.line(format_args!("fresh throw rethrown: {e}"));
    }
    show(l, "after:", g.next(Js::Undefined));

    let mut g = guarded(log.clone());
    show(l, "next:", g.next(Js::Undefined));
    show(l, "return(7):", g.r#return(7.into()));
    show(l, "next:", g.next(Js::Undefined));
    show(l, "next:", g.next(Js::Undefined));
    show(l, "return(8) when done:", g.r#return(8.into()));
    if let Err(e) = g.throw(Error::msg("late")) {
        log.line(format_args!("done throw rethrown: {e}"));
    }

    let mut g = overriding();
    let _ = g.next(Js::Undefined);
    show(l, "return(5) overridden:", g.r#return(5.into()));

    let mut g = resilient(log.clone());
    show(l, "next:", g.next(Js::Undefined));
    show(l, "throw:", g.throw(Error::msg("a")));
    show(l, "throw:", g.throw(Error::msg("b")));
    show(l, "next:", g.next(Js::Undefined));

    let mut g = outer(log.clone());
    for input in ["", "", "X", "", "", ""] {
        let input = if input.is_empty() {
            Js::Undefined
        } else {
            input.into()
        };
        show(l, "next:", g.next(input));
    }

    let mut g = outer(log.clone());
    let _ = g.next(Js::Undefined);
    let _ = g.next(Js::Undefined);
    show(l, "throw into yield*:", g.throw(Error::msg("E")));
    show(l, "next:", g.next(Js::Undefined));
    show(l, "next:", g.next(Js::Undefined));

    let mut g = outer(log.clone());
    let _ = g.next(Js::Undefined);
    let _ = g.next(Js::Undefined);
    show(l, "return into yield*:", g.r#return("R".into()));
    show(l, "next:", g.next(Js::Undefined));

    let mut g = cleaning_outer(log.clone());
    show(l, "next:", g.next(Js::Undefined));
    show(l, "return into a yielding finally:", g.r#return("R".into()));
    show(l, "next:", g.next(Js::Undefined));
    show(l, "next:", g.next(Js::Undefined));

    let mut g = cleaning_outer(log.clone());
    let _ = g.next(Js::Undefined);
    let _ = g.r#return("R".into());
    show(l, "return again:", g.r#return("S".into()));
    show(l, "next:", g.next(Js::Undefined));

    let mut g = cleaning_outer(log.clone());
    let _ = g.next(Js::Undefined);
    let _ = g.r#return("R".into());
    if let Err(e) = g.throw(Error::msg("T")) {
        log.line(format_args!("throw rethrown: {e}"));
    }
    show(l, "next:", g.next(Js::Undefined));

    log.text()
}

/// `for_of_break.js`: `for…of` with its early exit, by [`for_of`].
pub mod for_of_break {
    use std::ops::ControlFlow;

    use baton::generator::for_of;
    use baton::{Abrupt, Body, Co, Error, Gen, Step};

    use super::super::js::Log;

    /// The cleanup a `finally` runs after the loop: nothing more, a
    /// `yield`, or a `throw`.
    #[derive(Clone, Copy, PartialEq)]
    enum Cleanup {
        Quiet,
        Yields,
        Throws,
    }

    /// function* numbers(name, cleanup) { try { for (i of 1..=3) yield i } finally { … } }
    fn numbers(
        log: &Log,
        name: &'static str,
        cleanup: Cleanup,
    ) -> Gen<impl Body<(), Error> + use<>, i64, (), (), Error> {
        let log = log.clone();
        Gen::new(move |co: Co<i64, (), (), Error>| async move {
            let body = async {
                for i in 1..=3 {
                    log.line(format_args!("{name}: yields {i}"));
                    co.yield_(i).await?;
                }
                log.line(format_args!("{name}: done"));
                Ok::<(), Abrupt<Error, ()>>(())
            }
            .await;
            log.line(format_args!("{name}: finally"));
            match cleanup {
                Cleanup::Quiet => {}
                Cleanup::Yields => {
                    co.yield_(0).await?;
                    log.line(format_args!("{name}: after its yield"));
                }
                Cleanup::Throws => {
                    return Err(Abrupt::Throw(Error::msg(format!("{name}: cleanup failed"))));
                }
            }
            body
        })
    }

    pub fn run() -> String {
        let log = Log::default();
        let all = for_of(numbers(&log, "all", Cleanup::Quiet), |n| {
            log.line(format_args!("all: got {n}"));
            ControlFlow::<()>::Continue(())
        });
        debug_assert!(all.is_ok());
        log.line("all: after the loop");

        let broke = for_of(numbers(&log, "break", Cleanup::Quiet), |n| {
            log.line(format_args!("break: got {n}"));
            if n == 2 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        debug_assert!(broke.is_ok());
        log.line("break: after the loop");

        let mut g = numbers(&log, "yields", Cleanup::Yields);
        let _ = for_of(&mut g, |n| {
            log.line(format_args!("yields: got {n}"));
            ControlFlow::Break(())
        });
        let after = match g.next(()) {
            Ok(Step::Yielded(v)) => format!("{{\"value\":{v},\"done\":false}}"),
            Ok(_) => "{\"done\":true}".to_string(),
            Err(e) => format!("an error: {e}"),
        };
        log.line(format_args!("yields: after the loop, next() gives {after}"));

        let threw = for_of(numbers(&log, "throws", Cleanup::Throws), |n| {
            log.line(format_args!("throws: got {n}"));
            ControlFlow::Break(())
        });
        if let Err(e) = threw {
            log.line(format_args!("throws: the loop threw {e}"));
        }
        log.text()
    }
}
