//! The async generator chapter (seed 004): each port mirrors
//! `tests/oracle/async_gen/<name>.js` line by line.

use baton::{Abrupt, AsyncGen, Co, Error, Promise, Step, set_timeout, spawn};

use super::js::{Js, Log, step_json};
use super::promises::{ms, scenario, ticks};

type JsCo = Co<Js, Js, Js, Error>;

fn sleep(after: u64) -> Promise<()> {
    Promise::new(move |r| {
        set_timeout(move || r.resolve(()), ms(after));
    })
}

fn show(log: &Log, label: &'static str) -> impl FnOnce(Step<Js, Js>) + 'static + use<> {
    let log = log.clone();
    move |step| log.line(format_args!("{label}: {}", step_json(&step)))
}

pub fn basic() -> String {
    scenario(|log| {
        ticks(log, 8);
        let l = log.clone();
        let generator = AsyncGen::new(move |co: JsCo| async move {
            l.line("body starts");
            co.yield_(1.into()).await?;
            l.line("after yield 1");
            Promise::<()>::resolve(()).await?;
            co.yield_(2.into()).await?;
            Ok("end".into())
        });
        for label in ["next 1", "next 2", "next 3", "next 4"] {
            generator.next(Js::Undefined).map(show(log, label));
        }
        log.line("script end");
    })
}

pub fn request_queue() -> String {
    scenario(|log| {
        let l = log.clone();
        let generator = AsyncGen::new(move |co: JsCo| async move {
            let attempt = async {
                sleep(10).await?;
                co.yield_("a".into()).await?;
                sleep(10).await?;
                co.yield_("b".into()).await?;
                sleep(10).await?;
                co.yield_("c".into()).await?;
                Ok(Js::Undefined)
            }
            .await;
            // finally { … await sleep(5) … }
            l.line("finally starts");
            sleep(5).await?;
            l.line("finally ends");
            attempt
        });
        generator.next(Js::Undefined).map(show(log, "next 1"));
        generator.next(Js::Undefined).map(show(log, "next 2"));
        generator
            .r#return("stopped".into())
            .map(show(log, "return"));
        generator
            .next(Js::Undefined)
            .map(show(log, "next after return"));
        log.line("all requested");
    })
}

fn guarded(log: Log) -> AsyncGen<Js, Js, Js, Error> {
    AsyncGen::new(move |co: JsCo| async move {
        loop {
            match co.yield_("waiting".into()).await {
                Ok(_) => {}
                Err(Abrupt::Throw(e)) => {
                    log.line(format_args!("caught {e}"));
                    co.yield_("recovered".into()).await?;
                    return Ok("done".into());
                }
                Err(closing) => return Err(closing),
            }
        }
    })
}

pub fn throw_in() -> String {
    scenario(|log| {
        let l = log.clone();
        spawn(async move {
            let g = guarded(l.clone());
            let line =
                |n: u8, step: Step<Js, Js>| l.line(format_args!("{n}: {}", step_json(&step)));
            line(1, g.next(Js::Undefined).await?);
            line(2, g.throw(Error::msg("oops")).await?);
            line(3, g.next(Js::Undefined).await?);
            line(4, g.next(Js::Undefined).await?);
            if let Err(e) = g.throw(Error::msg("late")).await {
                l.line(format_args!("5: rejected with {e}"));
            }
            let fresh = guarded(l.clone());
            line(6, fresh.r#return("early".into()).await?);
            line(7, fresh.next(Js::Undefined).await?);
            Ok::<_, Error>(())
        });
    })
}
