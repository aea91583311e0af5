//! baton's loop inside tokio: a baton task awaits real tokio I/O (an HTTP
//! request to a server on loopback), and foreign wake-ups from another
//! thread rouse a parked loop.

use std::time::Duration;

use baton::{Error, EventLoop, Promise, set_timeout, spawn};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A current-thread tokio runtime with I/O and time, for the loop to run
/// inside (`run_async` needs one thread).
fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime")
}

/// A minimal HTTP/1.1 server: answers every request with a JSON body.
async fn serve(listener: TcpListener) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(async move {
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let path = String::from_utf8_lossy(&request)
                .split_whitespace()
                .nth(1)
                .unwrap_or("/")
                .to_string();
            let body = format!("{{\"path\":\"{path}\",\"greeting\":\"hello from loopback\"}}");
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(response.as_bytes()).await;
        });
    }
}

/// A real HTTP GET over TCP: returns the status line and the body.
async fn http_get(addr: std::net::SocketAddr, path: &str) -> std::io::Result<(String, String)> {
    let mut stream = TcpStream::connect(addr).await?;
    let request = format!("GET {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    let status = response.lines().next().unwrap_or_default().to_string();
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    Ok((status, body))
}

#[test]
fn a_baton_task_awaits_a_real_http_request_on_loopback() {
    let runtime = current_thread();
    let (order, promise) = runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(serve(listener));
        let order = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let o = order.clone();
        let promise = EventLoop::real_clock()
            .run_async(move || {
                let o2 = o.clone();
                // A baton timer and a tokio socket in one task.
                let p = spawn(async move {
                    o2.borrow_mut().push("task: requesting");
                    let (status, body) = http_get(addr, "/profile").await.map_err(Error::new)?;
                    o2.borrow_mut().push("task: response arrived");
                    Promise::<()>::new(|r| {
                        set_timeout(move || r.resolve(()), Duration::from_millis(5));
                    })
                    .await?;
                    o2.borrow_mut().push("task: timer after the response");
                    Ok::<_, Error>(format!("{status} | {body}"))
                });
                o.borrow_mut().push("main: request in flight");
                p
            })
            .await;
        (order, promise)
    });
    assert_eq!(
        promise.peek().and_then(Result::ok).as_deref(),
        Some("HTTP/1.1 200 OK | {\"path\":\"/profile\",\"greeting\":\"hello from loopback\"}")
    );
    assert_eq!(
        *order.borrow(),
        [
            "task: requesting",
            "main: request in flight",
            "task: response arrived",
            "task: timer after the response"
        ]
    );
}

#[test]
fn a_parked_loop_is_roused_by_a_wake_from_another_thread() {
    let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
    let sender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        let _ = tx.send(42);
    });
    let out = EventLoop::real_clock().block_on(async move {
        let v = rx.await.map_err(Error::new)?;
        Ok::<_, Error>(v + 1)
    });
    sender.join().expect("sender thread");
    assert_eq!(out.ok(), Some(43));
}

#[test]
fn a_dropped_foreign_waker_does_not_keep_the_loop_alive() {
    let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
    drop(tx);
    let out = EventLoop::virtual_clock().block_on(async move {
        // The sender is gone: the receiver completes with an error at once.
        match rx.await {
            Ok(v) => Ok::<_, Error>(v),
            Err(_) => Ok(0),
        }
    });
    assert_eq!(out.ok(), Some(0));
}

#[test]
fn run_async_drops_the_tasks_still_waiting_when_it_ends() {
    // As `run` does: the task holds the promise whose reaction holds it.
    let witness = std::rc::Rc::new(());
    let watched = std::rc::Rc::downgrade(&witness);
    let rt = current_thread();
    let never = rt.block_on(EventLoop::real_clock().run_async(move || {
        let (gate, resolver) = Promise::<u32, Error>::with_resolver();
        drop(resolver);
        spawn(async move {
            let _held = witness;
            // A tokio timer first: the task is woken from outside once.
            tokio::time::sleep(Duration::from_millis(1)).await;
            gate.await
        })
    }));
    assert!(never.is_pending());
    assert!(watched.upgrade().is_none(), "the task's body was dropped");
}

#[test]
fn a_promise_a_run_returned_can_be_awaited_on_tokio_afterwards() {
    // No baton loop runs any more: the await must not wait for a turn.
    let answer = EventLoop::virtual_clock().run(|| {
        spawn(async {
            let v = Promise::<u32, Error>::resolve(20).await?;
            Ok::<_, Error>(v + 1)
        })
    });
    let rejected = EventLoop::virtual_clock().run(|| {
        let p = Promise::<u32, Error>::reject(Error::msg("no"));
        let _handled = p.catch(Err); // not reported as unhandled
        p
    });
    let rt = current_thread();
    let (a, r) = rt.block_on(async move { (answer.await, rejected.await) });
    assert_eq!(a.ok(), Some(21));
    assert_eq!(r.map_err(|e| e.to_string()), Err("no".to_string()));
}

#[test]
fn a_run_async_future_dropped_midway_drops_its_waiting_tasks() {
    let witness = std::rc::Rc::new(());
    let watched = std::rc::Rc::downgrade(&witness);
    let rt = current_thread();
    let timed_out = rt.block_on(async move {
        let run = EventLoop::real_clock().run_async(move || {
            spawn(async move {
                let _held = witness;
                // Wakes far later than the caller waits.
                tokio::time::sleep(Duration::from_secs(10)).await;
                Ok::<_, Error>(())
            })
        });
        tokio::time::timeout(Duration::from_millis(10), run).await
    });
    assert!(timed_out.is_err(), "the caller gave up first");
    assert!(
        watched.upgrade().is_none(),
        "the task was dropped with the run"
    );
}

/// A pool hands its jobs to its loops in turn, each job's future made and
/// run on its loop's thread.
#[test]
fn a_pool_hands_out_jobs_in_turn_and_each_runs_on_its_loop() {
    use baton::event_loop::LoopPool;
    let pool = LoopPool::new(3);
    let answers: Vec<_> = (0..6)
        .map(|_| {
            pool.spawn(|| async {
                // A promise and a timer of this loop, on its own thread.
                let tick = Promise::<()>::new(|r| {
                    set_timeout(move || r.resolve(()), Duration::from_millis(1));
                });
                tick.await
                    .map(|()| std::thread::current().name().map(str::to_owned))
            })
        })
        .collect();
    let names = EventLoop::real_clock().block_on(async move {
        let mut names = Vec::new();
        for answer in answers {
            names.push(answer.await??.unwrap_or_default());
        }
        Ok::<_, Error>(names)
    });
    let expected: Vec<String> = [0, 1, 2, 0, 1, 2]
        .iter()
        .map(|i| format!("baton-loop-{i}"))
        .collect();
    assert_eq!(names.ok(), Some(expected));
}

/// A job whose future panics answers with the panic as a fault, not a
/// hang, and its loop goes on serving the next job; the answers are `Send`
/// futures, so tokio can spawn them as well as a baton loop await them.
#[test]
fn a_pooled_job_that_panics_answers_with_an_error_and_its_loop_goes_on() {
    use baton::event_loop::LoopPool;
    let pool = LoopPool::new(1);
    let broken = pool.spawn(|| async { panic!("the job blew up") as u32 });
    let next = pool.spawn(|| async { 42u32 });
    // `tokio::spawn` takes only `Send` futures.
    let (broken, next) = current_thread().block_on(async move {
        let broken = tokio::spawn(broken).await.map_err(|e| e.to_string());
        let next = tokio::spawn(next).await.map_err(|e| e.to_string());
        (broken, next)
    });
    let broken = broken.map(|answer| {
        answer.map_err(|e| {
            e.downcast_ref::<baton::Fault>()
                .map(|f| (f.kind(), f.message().to_owned()))
        })
    });
    assert_eq!(
        broken,
        Ok(Err(Some((
            baton::FaultKind::Panic,
            "the job blew up".to_owned()
        ))))
    );
    assert_eq!(
        next.map(|answer| answer.map_err(|e| e.to_string())),
        Ok(Ok(42))
    );
}

/// Each loop of a pool runs inside a tokio runtime of its own: a job
/// awaits tokio's timer and a real TCP exchange on loopback, beside
/// baton's own promises.
#[test]
fn a_pooled_job_awaits_tokio_io_and_timers() {
    use baton::event_loop::LoopPool;
    let pool = LoopPool::new(2);
    let answers: Vec<_> = (0..2u8)
        .map(|n| {
            pool.spawn(move || async move {
                tokio::time::sleep(Duration::from_millis(2)).await;
                let listener = TcpListener::bind("127.0.0.1:0").await?;
                let at = listener.local_addr()?;
                let echo = spawn(async move {
                    let (mut socket, _) = listener.accept().await?;
                    let mut byte = [0u8; 1];
                    socket.read_exact(&mut byte).await?;
                    socket.write_all(&[byte[0] * 2]).await?;
                    Ok::<_, Error>(())
                });
                let mut client = TcpStream::connect(at).await?;
                client.write_all(&[n + 20]).await?;
                let mut back = [0u8; 1];
                client.read_exact(&mut back).await?;
                echo.await?;
                Ok::<_, Error>(back[0])
            })
        })
        .collect();
    let out = EventLoop::real_clock().block_on(async move {
        let mut doubled = Vec::new();
        for answer in answers {
            doubled.push(answer.await??);
        }
        Ok::<_, Error>(doubled)
    });
    assert_eq!(out.ok(), Some(vec![40, 42]));
}

/// Dropping the pool lets each loop finish what its jobs started (a timer
/// still pending, here) before the threads are joined.
#[test]
fn dropping_a_pool_lets_started_work_finish() {
    use baton::event_loop::LoopPool;
    let (done, finished) = std::sync::mpsc::channel();
    let pool = LoopPool::new(2);
    for n in 0..4u32 {
        let done = done.clone();
        drop(pool.spawn(move || async move {
            let later = Promise::<u32>::new(move |r| {
                set_timeout(move || r.resolve(n), Duration::from_millis(5));
            });
            let _ = done.send(later.await.unwrap_or(u32::MAX));
        }));
    }
    drop(done);
    drop(pool); // joins the threads once their loops have no work left
    let mut seen: Vec<u32> = finished.try_iter().collect();
    seen.sort_unstable();
    assert_eq!(seen, [0, 1, 2, 3]);
}

/// A job left waiting on a promise nobody settles ends with its loop's
/// run once the pool is dropped: its asker is told, not left hanging.
#[test]
fn a_pooled_job_waiting_on_nothing_ends_with_the_pool() {
    use baton::event_loop::LoopPool;
    let pool = LoopPool::new(1);
    let stuck = pool.spawn(|| async {
        let (never, _resolver) = Promise::<u8>::with_resolver();
        never.await
    });
    drop(pool);
    let out = current_thread().block_on(stuck).map_err(|e| e.to_string());
    assert!(
        matches!(&out, Err(e) if e.contains("without an answer")),
        "{out:?}"
    );
}

/// The classic slip: a blocking run (`block_on`) called from inside a
/// current-thread runtime's `block_on` (as `#[tokio::main]`'s body is),
/// awaiting that runtime's timer, which cannot fire while the run blocks
/// it. Instead of a silent hang, the uncaught hook is told once, saying to
/// await `run_async` there; here the hook itself opens the way out.
#[test]
fn a_blocking_run_inside_a_current_thread_runtime_says_it_may_block_it() {
    use baton::{Fault, FaultKind};
    use std::cell::RefCell;
    use std::future::IntoFuture;
    use std::pin::pin;
    use std::rc::Rc;
    use std::task::Poll;

    let told: Rc<RefCell<Vec<Fault>>> = Rc::default();
    let t = told.clone();
    let out = current_thread().block_on(async move {
        let (gate, open) = Promise::<&str, Error>::with_resolver();
        EventLoop::real_clock()
            .on_uncaught(move |fault| {
                t.borrow_mut().push(fault.clone());
                open.resolve("let out by the hook");
            })
            .block_on(async move {
                let mut sleep = pin!(tokio::time::sleep(Duration::from_secs(3600)));
                let mut gate = pin!(gate.into_future());
                std::future::poll_fn(|cx| {
                    if let Poll::Ready(opened) = gate.as_mut().poll(cx) {
                        return Poll::Ready(opened);
                    }
                    // Its waker goes to the blocked runtime's timer.
                    let _ = sleep.as_mut().poll(cx);
                    Poll::Pending
                })
                .await
            })
    });
    assert_eq!(out.ok(), Some("let out by the hook"));
    let told = told.borrow();
    assert_eq!(told.len(), 1, "told once: {told:?}");
    assert_eq!(told[0].kind(), FaultKind::BlockedRuntime);
    assert!(
        told[0]
            .to_string()
            .contains("await EventLoop::run_async instead")
    );
}

/// Random pools and jobs: every asker is answered once, by its own job.
mod pool_props {
    use super::*;
    use proptest::prelude::*;

    /// What a random pooled job does.
    #[derive(Debug, Clone)]
    enum PoolJob {
        /// Answers its number at once.
        Answer,
        /// Answers after baton's timer of this many milliseconds.
        AfterTimer(u64),
        /// Answers after tokio's timer of this many milliseconds.
        AfterTokioSleep(u64),
        /// Panics while its future is built.
        PanicBuilding,
        /// Panics after a turn of its loop.
        PanicLater,
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Over any pool size and any mix of jobs, each asker gets exactly its
        /// own job's answer, or that job's panic as a fault: nothing is lost,
        /// doubled or crossed between jobs, and the loops go on after panics.
        #[test]
        fn every_pooled_job_answers_its_own_asker_exactly_once(
            loops in 1usize..4,
            jobs in proptest::collection::vec(
                prop_oneof![
                    Just(PoolJob::Answer),
                    (0u64..3).prop_map(PoolJob::AfterTimer),
                    (0u64..3).prop_map(PoolJob::AfterTokioSleep),
                    Just(PoolJob::PanicBuilding),
                    Just(PoolJob::PanicLater),
                ],
                0..24,
            ),
        ) {
            use baton::event_loop::LoopPool;
            let pool = LoopPool::new(loops);
            let answers: Vec<_> = jobs
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, job)| {
                    pool.spawn(move || {
                        if matches!(job, PoolJob::PanicBuilding) {
                            panic!("job {i} refused to start");
                        }
                        async move {
                            match job {
                                PoolJob::AfterTimer(ms) => {
                                    Promise::<()>::new(move |r| {
                                        set_timeout(move || r.resolve(()), Duration::from_millis(ms));
                                    })
                                    .await?;
                                }
                                PoolJob::AfterTokioSleep(ms) => {
                                    tokio::time::sleep(Duration::from_millis(ms)).await;
                                }
                                PoolJob::PanicLater => {
                                    Promise::<()>::resolve(()).await?;
                                    panic!("job {i} blew up");
                                }
                                PoolJob::Answer | PoolJob::PanicBuilding => {}
                            }
                            Ok::<_, Error>(i)
                        }
                    })
                })
                .collect();
            let got = current_thread().block_on(async move {
                let mut got = Vec::new();
                for answer in answers {
                    got.push(match answer.await {
                        Ok(Ok(i)) => Ok(i),
                        Ok(Err(e)) => Err(format!("job error {e}")),
                        Err(e) => Err(e
                            .downcast_ref::<baton::Fault>()
                            .map_or_else(|| e.to_string(), |f| f.message().to_owned())),
                    });
                }
                got
            });
            let expected: Vec<Result<usize, String>> = jobs
                .iter()
                .enumerate()
                .map(|(i, job)| match job {
                    PoolJob::PanicBuilding => Err(format!("job {i} refused to start")),
                    PoolJob::PanicLater => Err(format!("job {i} blew up")),
                    _ => Ok(i),
                })
                .collect();
            prop_assert_eq!(got, expected);
        }
    }
}
