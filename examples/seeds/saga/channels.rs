//! Channels where seed 003 is silent, in redux-saga's order: a buffered
//! channel beside a chain of ticks, and a multicast channel.

use baton::saga::{
    Action, Buffer, Channel, MulticastChannel, Pattern, SagaCo, delay, fork, put_on, put_to,
    run_saga, take_from, take_maybe_on, take_on,
};
use baton::{Gen, set_timeout};

use crate::seeds::promises::{ms, scenario, ticks};

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
