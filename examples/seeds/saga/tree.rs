//! The task tree where seed 003 is silent, in redux-saga's order: forks
//! and cancellation, contexts inherited down the tree, and the saga stack
//! of an error three levels down.

use baton::saga::{
    Runtime, Saga, SagaCo, Won, call, call_effect, cancel, cancelled, delay, delay_effect, fork,
    get_context, join, race2, run_saga, set_context, spawn,
};
use baton::{Abrupt, Error, Gen, Promise};

use crate::seeds::js::Log;
use crate::seeds::promises::{scenario, ticks};

use super::turns::answer;

/// `fork_tree.js`: the fork tree's order where seed 003 is silent,
/// redux-saga's, beside a chain of ticks.
pub fn fork_tree() -> String {
    scenario(|log| {
        ticks(log, 6);
        let l = log.clone();
        let worker = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<i32>| async move {
                l.line("worker: starts");
                let v = call(&co, answer, 7).await?;
                l.line(format_args!("worker: called {v}"));
                Ok(v * 6)
            })
        };
        let l = log.clone();
        let sleeper = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                let slept = call(&co, |()| Promise::<()>::new(|_| {}), ()).await;
                l.line(format_args!(
                    "sleeper: cancelled? {}",
                    cancelled(&co).await?
                ));
                slept
            })
        };
        let l = log.clone();
        let parent = Gen::new(move |co: SagaCo<&str>| async move {
            let task = fork(&co, worker, ()).await?;
            l.line("parent: forked the worker");
            let asleep = fork(&co, sleeper, ()).await?;
            cancel(&co, &asleep, Error::msg("not needed")).await?;
            let c = cancelled(&co).await?;
            l.line(format_args!(
                "parent: cancelled the sleeper; cancelled? {c}"
            ));
            let v = join(&co, &task).await?;
            l.line(format_args!("parent: joined the worker: {v}"));
            Ok("parent done")
        });
        let l = log.clone();
        let failing = move |()| {
            let l = l.clone();
            Gen::new(move |_co: SagaCo<()>| async move {
                l.line("failing: throws as it starts");
                Err(Error::msg("boom").into())
            })
        };
        let l = log.clone();
        let doomed = Gen::new(move |co: SagaCo<()>| async move {
            let forked = fork(&co, failing, ()).await;
            if forked.is_ok() {
                l.line("doomed: never goes on");
            }
            l.line("doomed: cleanup");
            forked.map(drop)
        });
        let l = log.clone();
        drop(
            run_saga(parent)
                .promise()
                .map(move |v| l.line(format_args!("parent: resolved {v}"))),
        );
        let l = log.clone();
        drop(run_saga(doomed).promise().catch(move |e| {
            l.line(format_args!("doomed: rejected {e}"));
            Ok(())
        }));
        log.line("script end");
    })
}

/// `context.js`: redux-saga's context, inherited along the task tree.
pub fn context() -> String {
    scenario(|log| {
        ticks(log, 3);
        // `yield* read(who, key)`: logs what the saga's context holds.
        async fn read<T>(
            l: &Log,
            co: &SagaCo<T>,
            who: &str,
            key: &str,
        ) -> Result<(), Abrupt<Error, T>> {
            let value: Option<&'static str> = get_context(co, key).await?;
            l.line(format_args!(
                "{who}: {key} is {}",
                value.unwrap_or("undefined")
            ));
            Ok(())
        }
        let l = log.clone();
        let grandchild = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                read(&l, &co, "grandchild", "api").await?;
                read(&l, &co, "grandchild", "user").await
            })
        };
        let l = log.clone();
        let child = move |()| {
            let (l, grandchild) = (l.clone(), grandchild.clone());
            Gen::new(move |co: SagaCo<()>| async move {
                read(&l, &co, "child", "api").await?;
                delay(&co, 10).await?;
                read(&l, &co, "child", "user").await?;
                set_context(&co, "api", "v2").await?;
                read(&l, &co, "child", "api").await?;
                fork(&co, grandchild, ()).await?;
                Ok(())
            })
        };
        let l = log.clone();
        let detached = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                delay(&co, 20).await?;
                read(&l, &co, "spawned", "user").await?;
                read(&l, &co, "spawned", "api").await
            })
        };
        let l = log.clone();
        let called = move |()| {
            let l = l.clone();
            Gen::new(move |co: SagaCo<()>| async move {
                read(&l, &co, "called", "user").await?;
                set_context(&co, "user", "grace").await?;
                read(&l, &co, "called", "user").await
            })
        };
        let l = log.clone();
        let root = Gen::new(move |co: SagaCo<()>| async move {
            fork(&co, child, ()).await?;
            spawn(&co, detached, ()).await?;
            read(&l, &co, "root", "user").await?;
            set_context(&co, "user", "ada").await?;
            l.line("root: set user");
            call(&co, called, ()).await?;
            read(&l, &co, "root", "user").await?;
            delay(&co, 30).await?;
            read(&l, &co, "root", "api").await
        });
        Runtime::new().with_context("api", "v1").run("root", root);
        log.line("script end");
    })
}

/// `saga_stack.js`: a grandchild's error, three levels down.
fn grandchild(_: ()) -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move {
        delay(&co, 10).await?;
        Err(Error::msg("payment service refused").into())
    })
}

fn sibling(_: ()) -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move { delay(&co, 100).await })
}

fn child(_: ()) -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move {
        fork(&co, grandchild, ()).await?;
        fork(&co, sibling, ()).await?;
        delay(&co, 100).await
    })
}

fn helper(_: ()) -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move { call(&co, child, ()).await })
}

fn checkout() -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move {
        let task = fork(&co, helper, ()).await?;
        join(&co, &task).await
    })
}

fn flaky(_: ()) -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move {
        delay(&co, 5).await?;
        Err(Error::msg("flaky failed").into())
    })
}

fn supervisor() -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move {
        let task = spawn(&co, flaky, ()).await?;
        join(&co, &task).await
    })
}

fn fetch_user(_: ()) -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move {
        delay(&co, 20).await?;
        Err(Error::msg("user not found").into())
    })
}

fn profile() -> impl Saga<Output = ()> {
    Gen::new(|co: SagaCo<()>| async move {
        let user = ("user", call_effect(fetch_user, ()));
        let _: Won<(), ()> = race2(&co, user, ("timeout", delay_effect(1000))).await?;
        Ok(())
    })
}

fn broken() -> impl Saga<Output = ()> {
    Gen::new(|_co: SagaCo<()>| async move { Err(Error::msg("broken from the start").into()) })
}

/// `saga_stack.js`: the saga stack `on_error` hears when a root or a
/// spawned task fails (redux-saga's `onError` and its `sagaStack`).
pub fn saga_stack() -> String {
    scenario(|log| {
        let l = log.clone();
        let runtime = Runtime::new().on_error(move |error, stack| {
            l.line(format_args!("onError: {error}"));
            for line in stack.to_string().lines() {
                l.line(format_args!("  | {line}"));
            }
        });
        let roots = [
            ("checkout", runtime.run("checkout", checkout()).promise()),
            (
                "supervisor",
                runtime.run("supervisor", supervisor()).promise(),
            ),
            ("profile", runtime.run("profile", profile()).promise()),
            ("broken", runtime.run("broken", broken()).promise()),
        ];
        for (name, promise) in roots {
            let l = log.clone();
            drop(promise.catch(move |_| {
                l.line(format_args!("{name}: rejected"));
                Ok(())
            }));
        }
        log.line("script end");
    })
}
