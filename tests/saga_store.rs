//! The store runtime: select, put and take, and seed 003's login saga
//! stepped effect by effect, run on the virtual clock, and run over HTTP.

#[allow(dead_code)]
#[path = "../examples/seeds/mod.rs"]
mod seeds;

#[path = "../benches/shared/messages.rs"]
#[allow(dead_code)] // the channel's scenario is the benches'
mod messages;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use baton::saga::{Action, Kind, Pattern, Runtime, SagaCo, Stepper, Store, select, take};
use baton::{Error, EventLoop, Gen, Promise, set_timeout};
use seeds::login::{Login, Session, login_saga, reducer};

fn instant_login(username: String) -> Promise<String> {
    match username.as_str() {
        "alice" => Promise::resolve("token".into()),
        _ => Promise::reject(Error::msg("bad credentials")),
    }
}

#[test]
fn the_login_saga_steps_take_put_call_put() {
    let mut steps = Stepper::new(login_saga(instant_login));
    let take = steps.next_effect().expect("take");
    assert_eq!(take.to_string(), "Take take(\"LOGIN_REQUEST\")");
    let request = Login::Request {
        username: "alice".into(),
    };
    assert_eq!(
        steps.feed(request).expect("put").to_string(),
        "Put put(Loading)"
    );
    assert_eq!(
        steps.feed(()).expect("call").to_string(),
        "Call instant_login(\"alice\")"
    );
    let success = steps.feed("token".to_string()).expect("put");
    assert_eq!(
        success.to_string(),
        "Put put(Success { payload: \"token\" })"
    );
    assert_eq!(steps.feed(()).expect("take again").kind, Kind::Take);
}

#[test]
fn a_failed_login_puts_a_failure() {
    let mut steps = Stepper::new(login_saga(instant_login));
    steps.next_effect().expect("take");
    steps
        .feed(Login::Request {
            username: "eve".into(),
        })
        .expect("put loading");
    steps.feed(()).expect("call");
    let failure = steps.fail(Error::msg("bad credentials")).expect("put");
    assert_eq!(
        failure.to_string(),
        "Put put(Failure { payload: \"bad credentials\" })"
    );
}

#[test]
fn the_login_saga_runs_against_a_store_on_the_virtual_clock() {
    let store = Store::new(Session::default(), reducer);
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    store.subscribe(move |a: &Login| {
        s.borrow_mut()
            .push(format!("{}", baton::now().as_millis()) + " " + &format!("{a:?}"))
    });
    let st = store.clone();
    EventLoop::virtual_clock().run(move || {
        let runtime = Runtime::new().with_store(&st);
        let task = runtime.run("login", login_saga(instant_login));
        for (user, at) in [("eve", 10), ("alice", 20)] {
            let st = st.clone();
            set_timeout(
                move || {
                    st.dispatch(Login::Request {
                        username: user.into(),
                    })
                },
                Duration::from_millis(at),
            );
        }
        set_timeout(
            move || task.cancel(Error::msg("done")),
            Duration::from_millis(30),
        );
    });
    assert_eq!(
        *seen.borrow(),
        [
            "10 Request { username: \"eve\" }",
            "10 Loading",
            "10 Failure { payload: \"bad credentials\" }",
            "20 Request { username: \"alice\" }",
            "20 Loading",
            "20 Success { payload: \"token\" }",
        ]
    );
    assert_eq!(
        store.state(),
        Session {
            loading: false,
            user: Some("token".into()),
            error: None
        }
    );
}

#[test]
fn take_only_sees_actions_dispatched_after_it_starts_and_select_reads_state() {
    let store = Store::new(Session::default(), reducer);
    let st = store.clone();
    let got = EventLoop::virtual_clock().run(move || {
        st.dispatch(Login::Loading); // before the saga: not taken
        let runtime = Runtime::new().with_store(&st);
        let task = runtime.run(
            "watch",
            Gen::new(|co: SagaCo<(String, bool)>| async move {
                let pattern = Pattern::when(|a: &Login| matches!(a, Login::Success { .. }));
                let action = take(&co, pattern).await?;
                let loading = select(&co, |s: &Session| s.loading).await?;
                Ok((format!("{action:?}"), loading))
            }),
        );
        let st = st.clone();
        set_timeout(
            move || {
                st.dispatch(Login::Loading);
                st.dispatch(Login::Success {
                    payload: "t".into(),
                });
            },
            Duration::from_millis(5),
        );
        task.promise()
    });
    assert_eq!(
        got.peek().and_then(Result::ok),
        Some(("Success { payload: \"t\" }".to_string(), false))
    );
}

#[test]
fn a_store_effect_without_a_store_is_a_clear_error() {
    let got = EventLoop::virtual_clock().run(|| {
        let task = Runtime::new().run(
            "lost",
            Gen::new(|co: SagaCo<bool>| async move { select(&co, |s: &Session| s.loading).await }),
        );
        task.promise()
    });
    let error = got.peek().and_then(Result::err).map(|e| e.to_string());
    assert_eq!(
        error.as_deref(),
        Some(
            "no store in this runtime holds store::Session: start it with Runtime::with_store"
                .replace("store::", "saga_store::seeds::login::")
                .as_str()
        )
    );
}

#[test]
fn the_login_saga_logs_in_over_http() {
    let text = seeds::login::over_http();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "{text}");
    assert!(
        lines[2].starts_with("Failure { payload: \"401 Unauthorized: unknown user mallory\" }")
    );
    assert_eq!(
        lines[5],
        "Success { payload: \"token-for-alice\" } → Session { loading: false, user: Some(\"token-for-alice\"), error: None }"
    );
}

#[test]
fn a_saga_that_puts_a_request_then_takes_the_reply_sees_the_reply() {
    use baton::saga::put;
    let store = Store::new(Session::default(), reducer);
    let st = store.clone();
    let got = EventLoop::virtual_clock().run(move || {
        let runtime = Runtime::new().with_store(&st);
        // The responder answers every request at once, in the same turn;
        // cancelled at the end, as a watcher left waiting in `take` holds
        // its runtime and store (see `Runtime`).
        let responder = runtime.run(
            "responder",
            Gen::new(|co: SagaCo<()>| async move {
                loop {
                    take::<_, Login>(&co, "LOGIN_REQUEST").await?;
                    put(
                        &co,
                        Login::Success {
                            payload: "ok".into(),
                        },
                    )
                    .await?;
                }
            }),
        );
        set_timeout(
            move || responder.cancel(Error::msg("done")),
            Duration::from_secs(1),
        );
        runtime
            .run(
                "requester",
                Gen::new(|co: SagaCo<Vec<String>>| async move {
                    let mut seen = Vec::new();
                    for user in ["a", "b", "c"] {
                        put(
                            &co,
                            Login::Request {
                                username: user.into(),
                            },
                        )
                        .await?;
                        let reply = take::<_, Login>(&co, "LOGIN_SUCCESS").await?;
                        // After a put, select sees the action reduced.
                        let user_now = select(&co, |s: &Session| s.user.clone()).await?;
                        seen.push(format!("{user}: {reply:?}, user {user_now:?}"));
                    }
                    Ok(seen)
                }),
            )
            .promise()
    });
    assert_eq!(
        got.peek().and_then(Result::ok).unwrap_or_default(),
        [
            "a: Success { payload: \"ok\" }, user Some(\"ok\")",
            "b: Success { payload: \"ok\" }, user Some(\"ok\")",
            "c: Success { payload: \"ok\" }, user Some(\"ok\")",
        ]
    );
}

#[derive(Clone, Debug)]
struct Num(u32);

impl Action for Num {
    fn action_type(&self) -> &str {
        "NUM"
    }
}

#[test]
fn a_dispatch_calls_the_listeners_there_were_when_it_began_even_when_nested() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let store = Store::new(0, |sum: &mut u32, Num(n): &Num| *sum += n);
    // Through a slot emptied at the end: a listener holding its own store
    // would be a cycle of `Rc`s.
    let slot = Rc::new(RefCell::new(Some(store.clone())));
    let (s, l) = (slot.clone(), log.clone());
    store.subscribe(move |Num(n): &Num| {
        l.borrow_mut().push(format!("A saw {n}"));
        if *n == 1
            && let Some(s) = s.borrow().clone()
        {
            let l = l.clone();
            s.subscribe(move |Num(n): &Num| l.borrow_mut().push(format!("C saw {n}")));
            s.dispatch(Num(2));
        }
    });
    let l = log.clone();
    store.subscribe(move |Num(n): &Num| l.borrow_mut().push(format!("B saw {n}")));
    store.dispatch(Num(1));
    store.dispatch(Num(3));
    assert_eq!(
        *log.borrow(),
        [
            "A saw 1", "A saw 2", "B saw 2", "C saw 2", "B saw 1", "A saw 3", "B saw 3", "C saw 3"
        ]
    );
    assert_eq!(store.state(), 6);
    slot.borrow_mut().take();
}

#[test]
fn a_cancelled_watcher_lets_go_of_its_store_and_runtime() {
    // Waiting in `take`, a watcher holds the runtime, which holds the
    // store, which holds the watcher: cancelling it frees all three.
    let witness = Rc::new(());
    let watched = Rc::downgrade(&witness);
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    EventLoop::virtual_clock().run(move || {
        let store = Store::new(0, |n: &mut u32, Num(k): &Num| *n += k);
        let runtime = Runtime::new().with_store(&store);
        let worker = move |Num(k): Num| {
            let (_held, s) = (witness.clone(), s.clone());
            Gen::new(move |_co: SagaCo<()>| async move {
                s.borrow_mut().push(k);
                Ok(())
            })
        };
        let watcher = runtime.run("every", baton::saga::take_every("NUM", worker));
        store.dispatch(Num(1));
        let s = store.clone();
        set_timeout(move || s.dispatch(Num(2)), Duration::from_millis(5));
        set_timeout(
            move || watcher.cancel(Error::msg("shutting down")),
            Duration::from_millis(10),
        );
    });
    assert_eq!(*seen.borrow(), [1, 2]);
    assert!(watched.upgrade().is_none(), "the watcher was freed");
}

#[test]
fn a_take_gets_the_first_action_it_hears_even_from_a_nested_dispatch() {
    // A subscriber answers NUM 1 by dispatching NUM 2 from inside that
    // dispatch, before the sagas hear of 1 (redux-saga's middleware tells
    // them after the store's subscribers): the waiting take hears 2 first,
    // its saga goes on at once, inside that dispatch, and is back in
    // `take` to hear 1. `store_order.js` pins the same with redux.
    let store = Store::new(0, |sum: &mut u32, Num(n): &Num| *sum += n);
    // Through a slot emptied at the end: a listener holding its own store
    // would be a cycle of `Rc`s.
    let slot = Rc::new(RefCell::new(Some(store.clone())));
    let s = slot.clone();
    store.subscribe(move |Num(n): &Num| {
        if *n == 1
            && let Some(store) = s.borrow().clone()
        {
            store.dispatch(Num(2));
        }
    });
    let st = store.clone();
    let got = EventLoop::virtual_clock().run(move || {
        let runtime = Runtime::new().with_store(&st);
        let task = runtime.run(
            "taker",
            Gen::new(|co: SagaCo<Vec<u32>>| async move {
                let Num(first) = take(&co, "NUM").await?;
                let Num(second) = take(&co, "NUM").await?;
                Ok(vec![first, second])
            }),
        );
        for (ms, n) in [(5, 1), (10, 7)] {
            let st = st.clone();
            set_timeout(move || st.dispatch(Num(n)), Duration::from_millis(ms));
        }
        task.promise()
    });
    assert_eq!(got.peek().and_then(Result::ok), Some(vec![2, 1]));
    assert_eq!(store.state(), 10);
    slot.borrow_mut().take();
}

#[derive(Clone, Debug)]
struct Signal(&'static str);

impl Action for Signal {
    fn action_type(&self) -> &str {
        self.0
    }
}

type Lines = Rc<RefCell<Vec<String>>>;

/// Runs `scenario` on the virtual clock with a store of `Signal`s (made
/// of `initial` and `reducer`) and a runtime on it; returns the lines it
/// logged.
fn on_store<S: Clone + 'static>(
    initial: S,
    reducer: impl Fn(&mut S, &Signal) + 'static,
    scenario: impl FnOnce(&Store<S, Signal>, &Runtime, &Lines) + 'static,
) -> Vec<String> {
    let log = Lines::default();
    let l = log.clone();
    EventLoop::virtual_clock().run(move || {
        let store = Store::new(initial, reducer);
        scenario(&store, &Runtime::new().with_store(&store), &l);
    });
    log.take()
}

/// `on_store` with a reducer that panics on BOOM, and on nothing else.
fn with_signals(scenario: impl FnOnce(&Runtime, &Lines) + 'static) -> Vec<String> {
    let refusing = |(): &mut (), Signal(kind): &Signal| {
        assert_ne!(*kind, "BOOM", "the reducer refuses BOOM");
    };
    on_store((), refusing, |_, runtime, lines| scenario(runtime, lines))
}

#[test]
fn a_put_made_as_a_fork_starts_waits_for_the_parent_to_wait_too() {
    // redux-saga's scheduler: the child's put is made once the parent,
    // going on after the fork, waits, so the parent's take gets it, and
    // goes on inside the put, before the child (`store_order.js`).
    let lines = with_signals(|runtime, l| {
        let child_log = l.clone();
        let child = move |()| {
            let l = child_log.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                l.borrow_mut()
                    .push("child puts READY as it starts".to_owned());
                baton::saga::put(&co, Signal("READY")).await?;
                l.borrow_mut().push("child's put is made".to_owned());
                Ok(())
            })
        };
        let l = l.clone();
        runtime.run(
            "parent",
            Gen::new(move |co: SagaCo<()>| async move {
                baton::saga::fork(&co, child, ()).await?;
                l.borrow_mut().push("parent forked".to_owned());
                let Signal(kind) = take(&co, "READY").await?;
                l.borrow_mut().push(format!("parent took {kind}"));
                Ok(())
            }),
        );
    });
    assert_eq!(
        lines,
        [
            "child puts READY as it starts",
            "parent forked",
            "parent took READY",
            "child's put is made",
        ]
    );
}

#[test]
fn a_fork_whose_saga_cannot_be_made_holds_no_put_back() {
    let lines = with_signals(|runtime, l| {
        let (taker_log, l) = (l.clone(), l.clone());
        runtime.run(
            "taker",
            Gen::new(move |co: SagaCo<()>| async move {
                let Signal(kind) = take(&co, "GO").await?;
                taker_log.borrow_mut().push(format!("took {kind}"));
                Ok(())
            }),
        );
        runtime.run(
            "parent",
            Gen::new(move |co: SagaCo<()>| async move {
                let broken = |()| -> baton::saga::BoxSaga<()> { panic!("no saga today") };
                if baton::saga::fork(&co, broken, ()).await.is_err() {
                    l.borrow_mut().push("the fork failed".to_owned());
                }
                baton::saga::put(&co, Signal("GO")).await?;
                Ok(())
            }),
        );
    });
    assert_eq!(lines, ["the fork failed", "took GO"]);
}

#[test]
#[cfg_attr(miri, ignore = "200,000 puts take minutes under Miri")]
fn a_long_ping_pong_through_the_store_runs_in_constant_stack() {
    // A put's takers go on inside it, and the puts they make are held
    // back and made in a loop (the scheduler), not by recursion: 100,000
    // round trips in one turn of the loop, and nothing is lost.
    let reduced = EventLoop::virtual_clock().run(|| messages::store_ping_pong(100_000));
    assert_eq!(reduced.peek().and_then(Result::ok), Some(200_000));
}

/// A saga that takes FINE and logs it.
fn take_fine(runtime: &Runtime, l: &Lines) {
    let l = l.clone();
    runtime.run(
        "taker",
        Gen::new(move |co: SagaCo<()>| async move {
            let Signal(kind) = take(&co, "FINE").await?;
            l.borrow_mut().push(format!("taker took {kind}"));
            Ok(())
        }),
    );
}

/// `yield put(BOOM)`, which the reducer refuses: logs whether it failed.
async fn put_boom(co: &SagaCo<()>, l: &Lines, who: &str) {
    let failed = baton::saga::put(co, Signal("BOOM")).await;
    l.borrow_mut()
        .push(format!("{who}the put of BOOM failed: {}", failed.is_err()));
}

#[test]
fn a_reducer_that_panics_fails_the_put_and_the_store_goes_on() {
    // The panic is thrown into the putting saga (as a called function's
    // is); the scheduler lets go of its hold, so later puts are made and
    // taken at once, not held back for ever.
    let lines = with_signals(|runtime, l| {
        take_fine(runtime, l);
        let l = l.clone();
        runtime.run(
            "putter",
            Gen::new(move |co: SagaCo<()>| async move {
                put_boom(&co, &l, "").await;
                baton::saga::put(&co, Signal("FINE")).await?;
                l.borrow_mut().push("put FINE".to_owned());
                Ok(())
            }),
        );
    });
    assert_eq!(
        lines,
        [
            "the put of BOOM failed: true",
            "taker took FINE",
            "put FINE"
        ]
    );
}

#[test]
fn a_saga_thrown_its_reducers_panic_holds_its_next_puts_until_it_waits() {
    // The fault is thrown into the putter inside the put, as redux-saga's
    // put calls back with a reducer's error: a put it makes next waits
    // until it waits, so an `all` of that put and a take of it takes it.
    let lines = with_signals(|runtime, l| {
        let l = l.clone();
        runtime.run(
            "putter",
            Gen::new(move |co: SagaCo<()>| async move {
                // Woken by a timer: nothing else holds its puts back.
                baton::saga::delay(&co, 1).await?;
                put_boom(&co, &l, "").await;
                let parts = vec![
                    ("a", baton::saga::put_effect(Signal("FINE"))),
                    ("b", baton::saga::take_effect::<Signal>("FINE".into())),
                ];
                let got: Vec<(&str, baton::saga::Value)> =
                    baton::saga::all_keyed(&co, parts).await?;
                let took = got[1].1.downcast_ref::<Signal>().map(|s| s.0);
                l.borrow_mut().push(format!("the all took {took:?}"));
                Ok(())
            }),
        );
    });
    assert_eq!(
        lines,
        [
            "the put of BOOM failed: true",
            "the all took Some(\"FINE\")"
        ]
    );
}

#[test]
fn a_held_put_whose_reducer_panics_fails_its_saga_and_lets_go_of_the_scheduler() {
    // A put made as a fork starts is held back and made once the parent
    // waits; its reducer panicking there throws the fault into the child,
    // and the scheduler lets go (a later put is made, not held for ever).
    let lines = with_signals(|runtime, l| {
        take_fine(runtime, l);
        let lc = l.clone();
        let child = move |()| {
            let l = lc.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                put_boom(&co, &l, "child: ").await;
                Ok(())
            })
        };
        let l = l.clone();
        runtime.run(
            "parent",
            Gen::new(move |co: SagaCo<()>| async move {
                baton::saga::fork(&co, child, ()).await?;
                l.borrow_mut().push("parent forked".to_owned());
                baton::saga::delay(&co, 10).await?;
                baton::saga::put(&co, Signal("FINE")).await?;
                l.borrow_mut().push("parent put FINE".to_owned());
                Ok(())
            }),
        );
    });
    assert_eq!(
        lines,
        [
            "parent forked",
            "child: the put of BOOM failed: true",
            "taker took FINE",
            "parent put FINE"
        ]
    );
}

/// `on_store` with a store counting its `Signal`s.
fn with_counting_store(
    scenario: impl FnOnce(&Store<u32, Signal>, &Runtime, &Lines) + 'static,
) -> Vec<String> {
    on_store(0, |count: &mut u32, _: &Signal| *count += 1, scenario)
}

#[test]
fn a_race_or_an_all_holding_an_ended_take_ends_its_saga() {
    use baton::saga::{all_effect, cancelled, delay_effect, race_effect, take_effect};
    // Each waits on a combinator with a take in it; the store's end ends
    // the take, which ends the combinator and, as redux-saga's TERMINATE,
    // the saga: cleanup runs, no cancellation, the task ends with its
    // default value, both inside the end, as in redux-saga (a take that
    // decides a race or an all resumes its saga at once): redux-saga 1.5
    // logs the same order for these two sagas.
    let lines = with_counting_store(|store, runtime, l| {
        let combined = [
            (
                "racer",
                race_effect(vec![
                    ("go", take_effect::<Signal>("GO".into())),
                    ("later", delay_effect(1_000)),
                ]),
            ),
            (
                "gatherer",
                all_effect(vec![take_effect::<Signal>("GO".into()), delay_effect(1)]),
            ),
        ];
        for (who, effect) in combined {
            let (l, ended) = (l.clone(), l.clone());
            let task = runtime.run(
                who,
                Gen::new(move |co: SagaCo<u32>| async move {
                    let attempt = co.yield_(effect).await;
                    let was = cancelled(&co).await?;
                    l.borrow_mut().push(format!(
                        "{who}: gave way {}, cleanup at {:?}, cancelled {was}",
                        attempt.is_ok(),
                        baton::now()
                    ));
                    attempt.map(|_| 7)
                }),
            );
            task.promise()
                .map(move |v| ended.borrow_mut().push(format!("{who}: ended with {v}")));
        }
        store.end();
        store.dispatch(Signal("GO"));
        l.borrow_mut().push(format!("count {}", store.state()));
    });
    assert_eq!(
        lines,
        [
            "racer: gave way false, cleanup at 0ns, cancelled false",
            "gatherer: gave way false, cleanup at 0ns, cancelled false",
            "count 1",
            "racer: ended with 0",
            "gatherer: ended with 0",
        ]
    );
}

#[test]
fn an_action_channel_hears_the_end_after_what_it_holds() {
    use baton::saga::{Buffer, action_channel, take_from};
    // An expanding buffer hands out what it holds, then `None`; a full
    // sliding buffer of one loses its action to the end, as redux-saga's
    // END takes its place; a channel opened after the end is closed.
    let lines = with_counting_store(|store, runtime, l| {
        for (who, policy) in [
            ("expanding", Buffer::Expanding(4)),
            ("sliding", Buffer::Sliding(1)),
        ] {
            let l = l.clone();
            runtime.run(
                who,
                Gen::new(move |co: SagaCo<()>| async move {
                    let jobs = action_channel::<_, Signal>(&co, "JOB", policy).await?;
                    baton::saga::delay(&co, 10).await?;
                    while let Some(Signal(kind)) = take_from(&co, &jobs).await? {
                        l.borrow_mut().push(format!("{who}: took {kind}"));
                    }
                    l.borrow_mut().push(format!("{who}: the channel ended"));
                    let late = action_channel::<_, Signal>(&co, "JOB", policy).await?;
                    let first = take_from(&co, &late).await?;
                    l.borrow_mut()
                        .push(format!("{who}: a later channel gives {first:?}"));
                    Ok(())
                }),
            );
        }
        store.dispatch(Signal("JOB"));
        store.end();
    });
    assert_eq!(
        lines,
        [
            "expanding: took JOB",
            "expanding: the channel ended",
            "expanding: a later channel gives None",
            "sliding: the channel ended",
            "sliding: a later channel gives None",
        ]
    );
}

#[test]
fn a_saga_that_ignores_the_stores_end_gets_an_error_not_a_hang() {
    use baton::Abrupt;
    use baton::saga::take;
    // A body that swallows the `return()` a take makes at the store's end
    // and takes again would go round at once for ever.
    let lines = with_counting_store(|store, runtime, l| {
        let l = l.clone();
        let stubborn = runtime.run(
            "stubborn",
            Gen::new(|co: SagaCo<()>| async move {
                loop {
                    match take::<_, Signal>(&co, "GO").await {
                        Err(Abrupt::Return(())) => continue, // the mistake
                        other => {
                            other?;
                        }
                    }
                }
            }),
        );
        store.end();
        stubborn.promise().then_else(
            |()| Ok::<_, baton::Error>(()),
            move |e| {
                l.borrow_mut().push(e.to_string());
                Ok(())
            },
        );
    });
    assert_eq!(
        lines,
        [
            "a saga kept taking after the store's end: it ignores the return() a take makes there (pass Err(Abrupt::Return(_)) on, with `?`)"
        ]
    );
}

#[test]
fn a_take_maybe_is_stepped_with_the_action_or_the_end_a_test_feeds() {
    use baton::saga::take_maybe;
    let saga = Gen::new(|co: SagaCo<Vec<String>>| async move {
        let mut seen = Vec::new();
        while let Some(action) = take_maybe::<_, Login>(&co, "LOGIN_LOADING").await? {
            seen.push(format!("{action:?}"));
        }
        seen.push("(end)".into());
        Ok(seen)
    });
    let mut steps = Stepper::new(saga);
    assert_eq!(steps.next_effect().expect("a take").name, "takeMaybe");
    steps.feed(Some(Login::Loading)).expect("another take");
    let finished = steps.feed(None::<Login>).err().and_then(Result::ok);
    assert_eq!(
        finished,
        Some(vec!["Loading".to_string(), "(end)".to_string()])
    );
}

/// A reducer that dispatches, or reads the store's state, breaks redux's
/// rule: a panic that says so, not a bare "already borrowed".
#[test]
fn a_reducer_that_dispatches_or_reads_the_state_is_told_why_it_cannot() {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    #[derive(Clone, Debug)]
    struct Ping;
    impl Action for Ping {
        fn action_type(&self) -> &str {
            "PING"
        }
    }
    let said = |dispatching: bool| {
        let own: Rc<RefCell<Option<Store<u32, Ping>>>> = Rc::default();
        let o = own.clone();
        let store = Store::new(0_u32, move |n: &mut u32, _: &Ping| {
            *n += 1;
            if let Some(store) = o.borrow().as_ref() {
                if dispatching {
                    store.dispatch(Ping);
                } else {
                    let _ = store.state();
                }
            }
        });
        *own.borrow_mut() = Some(store.clone());
        let panic = catch_unwind(AssertUnwindSafe(|| store.dispatch(Ping)))
            .expect_err("the rule is broken");
        own.borrow_mut().take(); // the store held itself
        panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default()
    };
    for dispatching in [true, false] {
        let message = said(dispatching);
        assert!(
            message.contains("a store's reducer dispatched an action or read the store's state")
                && message.contains("Reducers may not dispatch actions"),
            "{message}"
        );
    }
}
