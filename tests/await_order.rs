//! Awaits of settled promises against a model of JavaScript's event loop:
//! however async functions, microtasks and nested async functions
//! interleave, every await resumes in the order the model's one FIFO
//! queue gives, whether its turn went through the queue or was taken at
//! once (a task running alone with nothing queued).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use baton::{Error, EventLoop, Promise, queue_microtask, set_timeout, spawn};
use proptest::prelude::*;

/// What an async function does, in order.
#[derive(Debug, Clone)]
enum Act {
    /// `await Promise.resolve()`
    Await,
    /// `queueMicrotask(() => log("m<id>"))`
    Microtask,
    /// Starts another async function (it runs until its first await).
    Start(Vec<Act>),
}

/// The same, numbered in the order written: ids do not depend on the run.
#[derive(Debug)]
enum Numbered {
    Await,
    Microtask(usize),
    Start(usize, Rc<[Numbered]>),
}

fn number(acts: &[Act], next: &mut usize) -> Rc<[Numbered]> {
    acts.iter()
        .map(|act| match act {
            Act::Await => Numbered::Await,
            Act::Microtask => {
                *next += 1;
                Numbered::Microtask(*next)
            }
            Act::Start(body) => {
                *next += 1;
                let id = *next;
                Numbered::Start(id, number(body, next))
            }
        })
        .collect()
}

type Log = Rc<RefCell<Vec<String>>>;

/// JavaScript's order: a settled await queues its continuation; a
/// microtask runs when its turn comes; a started function runs at once
/// until its first await.
fn model(script: &[Numbered], timer: &[Numbered]) -> Vec<String> {
    enum Job {
        Resume(usize, Rc<[Numbered]>, usize),
        Log(String),
    }
    fn run(
        id: usize,
        body: &Rc<[Numbered]>,
        from: usize,
        queue: &mut VecDeque<Job>,
        log: &mut Vec<String>,
    ) {
        for (at, act) in body.iter().enumerate().skip(from) {
            match act {
                Numbered::Await => {
                    queue.push_back(Job::Resume(id, body.clone(), at + 1));
                    return;
                }
                Numbered::Microtask(m) => queue.push_back(Job::Log(format!("m{m}"))),
                Numbered::Start(child, inner) => {
                    log.push(format!("f{child} starts"));
                    run(*child, inner, 0, queue, log);
                }
            }
        }
        log.push(format!("f{id} ends"));
    }
    fn drain(queue: &mut VecDeque<Job>, log: &mut Vec<String>) {
        while let Some(job) = queue.pop_front() {
            match job {
                Job::Resume(id, body, at) => {
                    log.push(format!("f{id} resumes at {at}"));
                    run(id, &body, at, queue, log);
                }
                Job::Log(line) => log.push(line),
            }
        }
    }
    let mut log = Vec::new();
    let mut queue = VecDeque::new();
    for part in [script, timer] {
        // The script, then one timer callback: each a task of its own,
        // followed by a microtask checkpoint.
        for act in part {
            match act {
                Numbered::Start(child, inner) => {
                    log.push(format!("f{child} starts"));
                    run(*child, inner, 0, &mut queue, &mut log);
                }
                Numbered::Microtask(m) => queue.push_back(Job::Log(format!("m{m}"))),
                Numbered::Await => {}
            }
        }
        drain(&mut queue, &mut log);
    }
    log
}

/// The same program on baton: each function a spawned async block.
fn start(log: &Log, id: usize, body: Rc<[Numbered]>) -> Promise<()> {
    log.borrow_mut().push(format!("f{id} starts"));
    let log = log.clone();
    spawn(async move {
        for (at, act) in body.iter().enumerate() {
            match act {
                Numbered::Await => {
                    Promise::<()>::resolve(()).await?;
                    log.borrow_mut()
                        .push(format!("f{id} resumes at {}", at + 1));
                }
                Numbered::Microtask(m) => {
                    let (log, m) = (log.clone(), *m);
                    queue_microtask(move || log.borrow_mut().push(format!("m{m}")));
                }
                Numbered::Start(child, inner) => {
                    start(&log, *child, inner.clone());
                }
            }
        }
        log.borrow_mut().push(format!("f{id} ends"));
        Ok::<_, Error>(())
    })
}

fn run_top(log: &Log, part: &[Numbered]) {
    for act in part {
        match act {
            Numbered::Start(id, body) => {
                start(log, *id, body.clone());
            }
            Numbered::Microtask(m) => {
                let (log, m) = (log.clone(), *m);
                queue_microtask(move || log.borrow_mut().push(format!("m{m}")));
            }
            Numbered::Await => {}
        }
    }
}

fn act() -> impl Strategy<Value = Act> {
    let leaf = prop_oneof![3 => Just(Act::Await), 1 => Just(Act::Microtask)];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            3 => Just(Act::Await),
            1 => Just(Act::Microtask),
            1 => proptest::collection::vec(inner, 0..5).prop_map(Act::Start),
        ]
    })
}

/// A top-level part (the script, or a timer's callback): functions
/// started and microtasks queued, no await.
fn part() -> impl Strategy<Value = Vec<Act>> {
    proptest::collection::vec(
        prop_oneof![
            3 => proptest::collection::vec(act(), 0..6).prop_map(Act::Start),
            1 => Just(Act::Microtask),
        ],
        0..4,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn settled_awaits_resume_in_javascripts_order(script in part(), timer in part()) {
        let mut next = 0;
        let script = number(&script, &mut next);
        let timer = number(&timer, &mut next);
        let expected = model(&script, &timer);
        let log: Log = Rc::default();
        let l = log.clone();
        EventLoop::virtual_clock().run(move || {
            run_top(&l, &script);
            let l = l.clone();
            set_timeout(move || run_top(&l, &timer), std::time::Duration::ZERO);
        });
        prop_assert_eq!(&*log.borrow(), &expected);
    }
}
