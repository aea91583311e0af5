//! A redux store under sagas, in redux-saga's order: subscriptions, put,
//! take and select, and `END`.

use std::cell::RefCell;
use std::rc::Rc;

use baton::saga::{
    Action, Buffer, Pattern, Runtime, SagaCo, Store, Subscription, Task, action_channel, cancelled,
    delay, fork, join, put, select, take, take_from, take_maybe,
};
use baton::{Error, Gen, set_timeout};

use crate::seeds::js::Log;
use crate::seeds::promises::{ms, scenario, ticks};

/// The action of `store_subscribe.js`.
#[derive(Clone, Debug)]
struct Add;

impl Action for Add {
    fn action_type(&self) -> &str {
        "ADD"
    }
}

/// `store_subscribe.js`: redux's `subscribe` and its unsubscribe, and
/// which subscribers a dispatch calls. (Unsubscribing twice cannot be
/// written here: `unsubscribe` takes the subscription.)
pub fn store_subscribe() -> String {
    scenario(|log| {
        let store = Store::new(0_u32, |count, _: &Add| *count += 1);
        // The subscribers reach the store through a slot emptied at the
        // end: one holding its own store would be a cycle of `Rc`s.
        let slot = Rc::new(RefCell::new(Some(store.clone())));
        let subscription_of_b: Rc<RefCell<Option<Subscription<Add>>>> = Rc::default();
        let (l, s, b) = (log.clone(), slot.clone(), subscription_of_b.clone());
        let subscription_of_a = store.subscribe(move |_: &Add| {
            let Some(store) = s.borrow().clone() else {
                return;
            };
            l.line(format_args!("A hears {}", store.state()));
            if store.state() == 1 {
                if let Some(b) = b.borrow_mut().take() {
                    b.unsubscribe();
                }
                let (lc, sc) = (l.clone(), s.clone());
                store.subscribe(move |_: &Add| {
                    if let Some(store) = sc.borrow().as_ref() {
                        lc.line(format_args!("C hears {}", store.state()));
                    }
                });
                l.line("A unsubscribed B and subscribed C");
            }
        });
        let (l, s) = (log.clone(), slot.clone());
        let subscription = store.subscribe(move |_: &Add| {
            if let Some(store) = s.borrow().as_ref() {
                l.line(format_args!("B hears {}", store.state()));
            }
        });
        *subscription_of_b.borrow_mut() = Some(subscription);
        for n in 1..=2 {
            store.dispatch(Add);
            log.line(format_args!("dispatched {n}"));
        }
        subscription_of_a.unsubscribe();
        log.line("unsubscribed A");
        store.dispatch(Add);
        log.line("dispatched 3");
        slot.borrow_mut().take();
    })
}

/// An action of `store_order.js`: its type and its number.
#[derive(Clone, Debug)]
pub(super) struct Signal(pub(super) &'static str, pub(super) u32);

impl Action for Signal {
    fn action_type(&self) -> &str {
        self.0
    }
}

/// `store_order.js`: a store's put, take and select in redux-saga's
/// order, beside a chain of ticks.
pub fn store_order() -> String {
    scenario(|log| {
        ticks(log, 4);
        let store = Store::new(0_u32, |count, _: &Signal| *count += 1);
        let (l, st) = (log.clone(), store.clone());
        let watcher = move |()| {
            let (l, st) = (l.clone(), st.clone());
            Gen::new(move |co: SagaCo<()>| async move {
                loop {
                    let Signal(_, n) = take(&co, "PING").await?;
                    l.line(format_args!("watcher: took PING {n}; count {}", st.state()));
                }
            })
        };
        let l = log.clone();
        let responder = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                let Signal(_, n) = take(&co, "REQUEST").await?;
                l.line(format_args!("responder: took REQUEST {n}"));
                put(&co, Signal("REPLY", n * 10)).await?;
                l.line("responder: put REPLY");
                Ok(())
            })
        };
        let l = log.clone();
        let child = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                l.line("child: puts READY as it starts");
                put(&co, Signal("READY", 0)).await?;
                l.line("child: put READY");
                Ok(())
            })
        };
        let l = log.clone();
        let taker = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                for _ in 0..2 {
                    let Signal(_, n) = take(&co, "NUM").await?;
                    l.line(format_args!("taker: took NUM {n}"));
                }
                Ok(())
            })
        };
        let l = log.clone();
        let first = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                take::<_, Signal>(&co, "GO").await?;
                l.line("first: took GO");
                put(&co, Signal("STEP", 0)).await?;
                l.line("first: put STEP");
                Ok(())
            })
        };
        let l = log.clone();
        let second = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                for _ in 0..2 {
                    let go_or_step =
                        Pattern::when(|Signal(kind, _): &Signal| matches!(*kind, "GO" | "STEP"));
                    let Signal(kind, _) = take(&co, go_or_step).await?;
                    l.line(format_args!("second: took {kind}"));
                }
                Ok(())
            })
        };
        let l = log.clone();
        let main = Gen::new(move |co: SagaCo<()>| async move {
            // redux-saga's default buffer for an action channel.
            let pings = action_channel(&co, "PING", Buffer::Expanding(10)).await?;
            l.line("main: opened a channel of PINGs");
            // Attached watchers left waiting keep `main` running: it is
            // cancelled at the end of the script instead.
            fork(&co, taker, ()).await?;
            fork(&co, first, ()).await?;
            fork(&co, second, ()).await?;
            fork(&co, watcher, ()).await?;
            fork(&co, responder, ()).await?;
            for n in [1, 2] {
                put(&co, Signal("PING", n)).await?;
                l.line(format_args!("main: put PING {n}"));
            }
            put(&co, Signal("REQUEST", 3)).await?;
            l.line("main: put REQUEST 3");
            let Signal(_, reply) = take(&co, "REPLY").await?;
            l.line(format_args!("main: took REPLY {reply}"));
            fork(&co, child, ()).await?;
            l.line("main: forked the child");
            take::<_, Signal>(&co, "READY").await?;
            l.line("main: took READY");
            let count = select(&co, |count: &u32| *count).await?;
            l.line(format_args!("main: selected {count}"));
            let held: Vec<String> = pings
                .flush()
                .iter()
                .map(|Signal(_, n)| n.to_string())
                .collect();
            l.line(format_args!(
                "main: the channel holds PING {}",
                held.join(", PING ")
            ));
            Ok(())
        });
        // A subscriber answers NUM 1 from inside its dispatch, through a
        // slot emptied at the end (a subscriber holding its own store
        // would be a cycle of `Rc`s).
        let slot = Rc::new(RefCell::new(Some(store.clone())));
        let s = slot.clone();
        store.subscribe(move |Signal(kind, n): &Signal| {
            if (*kind, *n) == ("NUM", 1)
                && let Some(store) = s.borrow().clone()
            {
                store.dispatch(Signal("NUM", 2));
            }
        });
        let task = Runtime::new().with_store(&store).run("main", main);
        for signal in [Signal("GO", 0), Signal("NUM", 1), Signal("NUM", 3)] {
            store.dispatch(signal);
        }
        log.line(format_args!("script end; count {}", store.state()));
        slot.borrow_mut().take();
        set_timeout(move || task.cancel(Error::msg("script over")), ms(1));
    })
}

/// `store_end.js`: redux-saga's END, dispatched from outside, as
/// [`Store::end`] gives it.
pub fn store_end() -> String {
    scenario(|log| {
        ticks(log, 4);
        let store = Store::new(0_u32, |count, _: &Signal| *count += 1);
        // `try { … } finally { log(…) }` around a body that may end early.
        let finally = |l: &Log, who: &'static str| {
            let l = l.clone();
            move || l.line(format_args!("{who}: finally"))
        };
        let l = log.clone();
        let waiter = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                let attempt = take::<_, Signal>(&co, "GO").await;
                if attempt.is_ok() {
                    l.line("waiter: took GO");
                }
                let was = cancelled(&co).await?;
                l.line(format_args!("waiter: finally, cancelled {was}"));
                attempt.map(drop)
            })
        };
        let l = log.clone();
        let maybe = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                let got = take_maybe::<_, Signal>(&co, "GO").await?;
                l.line(format_args!(
                    "maybe: took {}",
                    got.map_or("END", |Signal(kind, _)| kind)
                ));
                Ok(())
            })
        };
        let done = finally(log, "buffered");
        let l = log.clone();
        let buffered = move |()| {
            let (l, done) = (l.clone(), done.clone());
            Gen::new(move |co: SagaCo<()>| async move {
                // redux-saga's default buffer for an action channel.
                let jobs = action_channel::<_, Signal>(&co, "JOB", Buffer::Expanding(10)).await?;
                delay(&co, 1).await?;
                // `take(chan)` ends the saga at the channel's end, where
                // `take_from` gives `None`: the loop ends there instead.
                let attempt = async {
                    while let Some(Signal(_, n)) = take_from(&co, &jobs).await? {
                        l.line(format_args!("buffered: took JOB {n}"));
                    }
                    Ok(())
                }
                .await;
                done();
                attempt
            })
        };
        let l = log.clone();
        let child = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                delay(&co, 10).await?;
                l.line("child: done");
                Ok(())
            })
        };
        let done = finally(log, "parent");
        let parent = move |()| {
            let (child, done) = (child.clone(), done.clone());
            Gen::new(move |co: SagaCo<Option<&'static str>>| async move {
                fork(&co, child, ()).await?;
                let attempt = take::<_, Signal>(&co, "GO").await;
                done();
                attempt.map(|_| None)
            })
        };
        let l = log.clone();
        let joiner = move |task: Task<Option<&'static str>>| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                let gave = join(&co, &task).await?;
                l.line(format_args!(
                    "joiner: joined the parent, which gave {}",
                    gave.unwrap_or("undefined")
                ));
                Ok(())
            })
        };
        let done = finally(log, "late");
        let l = log.clone();
        let late = move |()| {
            let (l, done) = (l.clone(), done.clone());
            Gen::new(move |co: SagaCo<()>| async move {
                delay(&co, 5).await?;
                l.line("late: takes after the end");
                let attempt = take::<_, Signal>(&co, "GO").await;
                if attempt.is_ok() {
                    l.line("late: took GO");
                }
                done();
                attempt.map(drop)
            })
        };
        let l = log.clone();
        let root = Gen::new(move |co: SagaCo<Option<&'static str>>| async move {
            fork(&co, waiter, ()).await?;
            fork(&co, maybe, ()).await?;
            fork(&co, buffered, ()).await?;
            let parent_task = fork(&co, parent, ()).await?;
            fork(&co, joiner, parent_task).await?;
            fork(&co, late, ()).await?;
            l.line("root: forked them all");
            Ok(None)
        });
        let l = log.clone();
        let task = Runtime::new().with_store(&store).run("root", root);
        task.promise().map(move |v| {
            l.line(format_args!(
                "root: ended with {}",
                v.unwrap_or("undefined")
            ))
        });
        store.dispatch(Signal("JOB", 1));
        store.dispatch(Signal("JOB", 2));
        log.line("script: END");
        store.end();
        store.dispatch(Signal("GO", 0));
        log.line(format_args!("script end; count {}", store.state()));
    })
}
