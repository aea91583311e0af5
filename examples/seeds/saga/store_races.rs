//! Effects decided inside a put or as they start, in redux-saga's order:
//! races won by a take, `all`s of takes and forks, a put that overflows.

use baton::saga::{
    Buffer, Channel, Pattern, Runtime, SagaCo, Store, Task, Value, Won, all, all_effect, all_keyed,
    cancelled, debounce, delay, delay_effect, fork, fork_effect, put, put_to, race, race2,
    run_saga, take, take_effect,
};
use baton::{Abrupt, Error, Gen};

use crate::seeds::promises::{scenario, ticks};

use super::store::Signal;

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
