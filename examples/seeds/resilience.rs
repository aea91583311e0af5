//! Seed 003's resilience patterns, ported onto baton's reusable APIs:
//! `retryable` (Retry), `bookingTransaction` (transaction/Compensations),
//! `withResources` (with_resources) and the generator `circuitBreaker`.
//! Mirrors `tests/oracle/saga/{retry,booking,resources,breaker}.js`.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use baton::saga::resilience::{Retry, transaction, with_resources};
use baton::saga::{Effect, SagaCo, call_effect, run_saga};
use baton::{Abrupt, Body, Co, Error, Gen, Promise, Step, now, set_timeout, spawn};

use super::js::Log;
use super::promises::{later, ms, scenario, stamp};

pub fn retry() -> String {
    scenario(|log| {
        let calls = Rc::new(Cell::new(0));
        let flaky = move |()| {
            calls.set(calls.get() + 1);
            let n = calls.get();
            if n % 10 < 3 {
                Promise::reject(Error::msg(format!("call {n} refused")))
            } else {
                Promise::resolve(format!("payload of call {n}"))
            }
        };
        let l = log.clone();
        let policy = Retry::new(3)
            .base(Duration::from_millis(100))
            .random_source(|| 0.5) // Math.random fixed, as in the oracle
            .on_failure(move |attempt, of, e| {
                stamp(&l, format_args!("Attempt {attempt}/{of} failed: {e}"))
            });
        let l = log.clone();
        spawn(async move {
            let saga = |policy: Retry, f| {
                Gen::new(move |co: SagaCo<String>| async move { policy.call(&co, f, ()).await })
            };
            let v = run_saga(saga(policy.clone(), flaky.clone())).await?;
            stamp(&l, format_args!("result: {v}"));
            let down = |()| Promise::<String>::reject(Error::msg("still down"));
            match run_saga(Gen::new(move |co: SagaCo<String>| async move {
                policy.call(&co, down, ()).await
            }))
            .await
            {
                Ok(v) => stamp(&l, format_args!("result: {v}")),
                Err(e) => stamp(&l, format_args!("gave up: {e}")),
            }
            Ok::<_, Error>(())
        });
    })
}

#[derive(Clone, Debug)]
struct Booked {
    id: &'static str,
}

pub fn booking() -> String {
    scenario(|log| {
        let reserve = |log: &Log, id: &'static str| {
            let log = log.clone();
            move |_what: &'static str| {
                stamp(&log, format_args!("reserved {id}"));
                Promise::resolve(Booked { id })
            }
        };
        let cancel = |log: &Log| {
            let log = log.clone();
            move |b: &Booked| -> Effect {
                let (log, id) = (log.clone(), b.id);
                call_effect(
                    move |id: &'static str| {
                        if id == "CR-001" {
                            return Promise::reject(Error::msg(format!(
                                "cannot cancel {id}: desk closed"
                            )));
                        }
                        stamp(&log, format_args!("cancelled {id}"));
                        Promise::resolve(())
                    },
                    id,
                )
            }
        };
        let charge = |_: &'static str| Promise::<Booked>::reject(Error::msg("Card declined"));
        let (l, l2, l3) = (log.clone(), log.clone(), log.clone());
        let saga = Gen::new(move |co: SagaCo<&'static str>| async move {
            let booked = transaction(&co, async |tx| {
                let l = l.clone();
                tx.on_roll_back(move |e| {
                    stamp(
                        &l,
                        format_args!("Booking failed: {e}. Running compensations..."),
                    )
                });
                tx.on_undo_failure(move |i, _, e| {
                    stamp(&l2, format_args!("Compensation {i} failed: {e}"))
                });
                let undo = cancel(&l3);
                tx.step(
                    &co,
                    "flight",
                    reserve(&l3, "FL-001"),
                    "LHR-JFK",
                    undo.clone(),
                )
                .await?;
                tx.step(&co, "hotel", reserve(&l3, "HT-001"), "NYC", undo.clone())
                    .await?;
                tx.step(&co, "car", reserve(&l3, "CR-001"), "SUV", undo.clone())
                    .await?;
                tx.step(&co, "payment", charge, "card", undo).await?;
                Ok("confirmed")
            })
            .await;
            booked.map_err(|abrupt| match abrupt {
                Abrupt::Throw(e) => {
                    let cause = e
                        .downcast_ref::<baton::saga::resilience::RolledBack>()
                        .map_or_else(|| e.to_string(), |r| r.cause.to_string());
                    Error::msg(format!("Booking failed and rolled back: {cause}")).into()
                }
                other => other,
            })
        });
        let (l, l2) = (log.clone(), log.clone());
        run_saga(saga).promise().then_else(
            move |status| {
                stamp(&l, format_args!("booked: {status}"));
                Ok(())
            },
            move |e| {
                stamp(&l2, format_args!("rejected: {e}"));
                Ok(())
            },
        );
    })
}

pub fn resources() -> String {
    scenario(|log| {
        let acquire = |log: &Log| {
            let log = log.clone();
            move |name: &'static str| {
                let log = log.clone();
                Promise::new(move |r| {
                    set_timeout(
                        move || {
                            stamp(&log, format_args!("acquired {name}"));
                            r.resolve(name)
                        },
                        ms(100),
                    );
                })
            }
        };
        let release = |log: &Log| {
            let log = log.clone();
            move |res: &'static str| -> Effect {
                let log = log.clone();
                call_effect(
                    move |res: &'static str| {
                        if res == "cache" {
                            return Promise::reject(Error::msg(format!("{res} is busy")));
                        }
                        let log = log.clone();
                        Promise::new(move |r| {
                            set_timeout(
                                move || {
                                    stamp(&log, format_args!("released {res}"));
                                    r.resolve(())
                                },
                                ms(100),
                            );
                        })
                    },
                    res,
                )
            }
        };
        let (l, l2) = (log.clone(), log.clone());
        let saga = Gen::new(move |co: SagaCo<Vec<&'static str>>| async move {
            with_resources(&co, async |scope| {
                scope.on_release_failure(move |i, _, e| {
                    stamp(&l2, format_args!("Failed to release resource {i}: {e}"))
                });
                let mut held = Vec::new();
                for name in ["db", "cache", "queue"] {
                    held.push(
                        scope
                            .acquire(&co, name, acquire(&l), name, release(&l))
                            .await?,
                    );
                }
                Ok(held)
            })
            .await
        });
        let l = log.clone();
        run_saga(saga)
            .promise()
            .map(move |rs| stamp(&l, format_args!("resources: {}", rs.join(", "))));
    })
}

/// What seed 003's `circuitBreaker` generator yields: a call for its
/// driver to make, or a report of the last call.
#[derive(Debug)]
pub enum Breaker {
    Call,
    Report(String),
}

/// function* circuitBreaker(operation, { failureThreshold, resetTimeout })
pub fn circuit_breaker(
    threshold: u32,
    reset: Duration,
    log: Log,
) -> Gen<impl Body<(), Error>, Breaker, String, (), Error> {
    Gen::new(move |co: Co<Breaker, String, (), Error>| async move {
        let (mut failures, mut open, mut last_failure) = (0, false, Duration::ZERO);
        loop {
            if open && now() - last_failure > reset {
                stamp(&log, "Circuit half-open: attempting reset");
                open = false;
                failures = 0;
            }
            if open {
                let report = format!(
                    r#"{{"success":false,"error":"Circuit open","retryAfter":{}}}"#,
                    reset.as_millis()
                );
                co.yield_(Breaker::Report(report)).await?;
                continue;
            }
            match co.yield_(Breaker::Call).await {
                Ok(data) => {
                    failures = 0;
                    let report = format!(r#"{{"success":true,"data":"{data}"}}"#);
                    co.yield_(Breaker::Report(report)).await?;
                }
                Err(Abrupt::Throw(e)) => {
                    failures += 1;
                    last_failure = now();
                    if failures >= threshold {
                        open = true;
                        stamp(
                            &log,
                            format_args!("Circuit opened after {failures} failures"),
                        );
                    }
                    let report =
                        format!(r#"{{"success":false,"error":"{e}","failures":{failures}}}"#);
                    co.yield_(Breaker::Report(report)).await?;
                }
                Err(abrupt) => return Err(abrupt),
            }
        }
    })
}

pub fn breaker() -> String {
    scenario(|log| {
        let log = log.clone();
        spawn(async move {
            let mut calls = 0;
            let mut breaker = circuit_breaker(3, Duration::from_millis(250), log.clone());
            let mut step = breaker.next(String::new());
            for _ in 0..7 {
                if let Ok(Step::Yielded(Breaker::Call)) = step {
                    calls += 1;
                    step = if calls <= 3 {
                        breaker.throw(Error::msg("service down"))
                    } else {
                        breaker.next(format!("reply {calls}"))
                    };
                }
                if let Ok(Step::Yielded(Breaker::Report(report))) = &step {
                    stamp(&log, report);
                }
                step = breaker.next(String::new());
                later(100, ()).await?;
            }
            Ok::<_, Error>(())
        });
    })
}

/// What seed 003's `managedConnection` yields to its caller.
pub enum Managed {
    /// A call for the caller to perform; its value is sent back.
    Call(Promise<String>),
    /// The connection, ready for a query.
    Ready(String),
    /// A query's result.
    Completed(String),
}

fn create_connection(_config: &str) -> Promise<String> {
    Promise::resolve("1".to_string())
}

fn execute_query(_conn: &str, query: &str) -> Promise<String> {
    Promise::resolve(query.to_string())
}

/// function* managedConnection(config): the finally block runs on
/// return() and yields one more call (close).
pub fn managed_connection(
    config: &'static str,
    log: Log,
) -> Gen<impl Body<String, Error>, Managed, Option<String>, String, Error> {
    Gen::new(
        move |co: Co<Managed, Option<String>, String, Error>| async move {
            let connection = co.yield_(Managed::Call(create_connection(config))).await?;
            let connection = connection.unwrap_or_default();
            log.line("Connection established");
            let outcome = async {
                loop {
                    let Some(query) = co.yield_(Managed::Ready(connection.clone())).await? else {
                        break;
                    };
                    let result = co
                        .yield_(Managed::Call(execute_query(&connection, &query)))
                        .await?;
                    co.yield_(Managed::Completed(result.unwrap_or_default()))
                        .await?;
                }
                Ok(String::new())
            }
            .await;
            // finally
            log.line("Closing connection");
            let l = log.clone();
            let close = Promise::resolve(()).map(move |()| {
                l.line(format_args!("closing #{}", connection));
                String::new()
            });
            co.yield_(Managed::Call(close)).await?;
            log.line("Connection closed");
            outcome
        },
    )
}

pub fn managed() -> String {
    scenario(|log| {
        let log = log.clone();
        spawn(async move {
            let mut conn = managed_connection("db", log.clone());
            // Performs the calls the generator yields, until it yields
            // something else or finishes.
            async fn perform(
                conn: &mut Gen<impl Body<String, Error>, Managed, Option<String>, String, Error>,
                mut step: baton::StepResult<Managed, String, Error>,
            ) -> Result<baton::StepResult<Managed, String, Error>, Error> {
                while let Ok(Step::Yielded(Managed::Call(promise))) = step {
                    step = conn.next(Some(promise.await?));
                }
                Ok(step)
            }
            let step = conn.next(None);
            if let Ok(Step::Yielded(Managed::Ready(c))) = perform(&mut conn, step).await? {
                log.line(format_args!("status: ready, connection #{c}"));
            }
            let step = conn.next(Some("SELECT 1".into()));
            if let Ok(Step::Yielded(Managed::Completed(q))) = perform(&mut conn, step).await? {
                log.line(format_args!("status: completed, result of {q}"));
            }
            let step = conn.next(None);
            if let Ok(Step::Yielded(Managed::Ready(_))) = perform(&mut conn, step).await? {
                log.line("status: ready");
            }
            let step = conn.r#return("stopped early".into());
            if let Ok(Step::Returned(v)) = perform(&mut conn, step).await? {
                log.line(format_args!("done: true, value: {v}"));
            }
            Ok::<_, Error>(())
        });
    })
}

/// A file handle, as `openFile` resolves it.
#[derive(Clone, Debug)]
struct File(&'static str);

/// using(openFile(name), body): the file is closed after the body, whether
/// it succeeded or failed; closing is itself a call (50 ms).
fn with_file(
    log: Log,
    name: &'static str,
    fails: bool,
) -> Gen<impl Body<u32, Error>, Effect, baton::saga::Value, u32, Error> {
    Gen::new(move |co: SagaCo<u32>| async move {
        let (l1, l2, l3) = (log.clone(), log.clone(), log.clone());
        let open = move |name: &'static str| {
            let l = l1.clone();
            Promise::new(move |r| {
                set_timeout(
                    move || {
                        stamp(&l, format_args!("opened {name}"));
                        r.resolve(File(name))
                    },
                    ms(100),
                );
            })
        };
        let close = move |file: File| {
            let l = l2.clone();
            call_effect(
                move |file: File| {
                    Promise::new(move |r| {
                        set_timeout(
                            move || {
                                stamp(&l, format_args!("closed {}", file.0));
                                r.resolve(())
                            },
                            ms(50),
                        );
                    })
                },
                file,
            )
        };
        baton::saga::resilience::using(&co, open, name, close, async |file: &File| {
            stamp(&l3, format_args!("reading {}", file.0));
            if fails {
                let read = |()| Promise::<u32>::reject(Error::msg("disk error"));
                return baton::saga::call(&co, read, ()).await;
            }
            baton::saga::call(&co, |()| later(100, 42u32), ()).await
        })
        .await
    })
}

pub fn using() -> String {
    scenario(|log| {
        let l = log.clone();
        spawn(async move {
            let read = async |l: &Log| {
                let n = run_saga(with_file(l.clone(), "a.txt", false)).await?;
                stamp(l, format_args!("lines: {n}"));
                run_saga(with_file(l.clone(), "b.txt", true)).await
            };
            if let Err(e) = read(&l).await {
                stamp(&l, format_args!("failed: {e}"));
            }
            Ok::<_, Error>(())
        });
    })
}
