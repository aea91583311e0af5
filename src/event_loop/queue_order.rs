//! The microtask queue runs jobs and closures first in, first out, however
//! they interleave: a job queued to an empty queue waits beside the ring
//! buffer (see `Microtasks`), and must still run before everything queued
//! after it.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use proptest::prelude::*;

use super::{EventLoop, Job, queue_job, queue_microtask};

/// A microtask to queue: a job (an allocated `Rc<dyn Job>`) or a closure,
/// and what it queues when it runs.
#[derive(Debug, Clone)]
struct Item {
    job: bool,
    then: Vec<Item>,
}

type Log = Rc<RefCell<Vec<usize>>>;

/// Numbers the items in the order they are queued (an item's children
/// after it), so a run's log can be compared with the model's.
struct Numbered {
    id: usize,
    job: bool,
    then: Vec<Numbered>,
}

fn number(items: &[Item], next: &mut usize) -> Vec<Numbered> {
    items
        .iter()
        .map(|item| {
            let id = *next;
            *next += 1;
            Numbered {
                id,
                job: item.job,
                then: number(&item.then, next),
            }
        })
        .collect()
}

struct Logged {
    id: usize,
    then: RefCell<Vec<Numbered>>,
    log: Log,
}

impl Job for Logged {
    fn run(self: Rc<Self>) {
        self.log.borrow_mut().push(self.id);
        queue_all(self.then.take(), &self.log);
    }
}

fn queue_all(items: Vec<Numbered>, log: &Log) {
    for item in items {
        if item.job {
            queue_job(Rc::new(Logged {
                id: item.id,
                then: RefCell::new(item.then),
                log: log.clone(),
            }));
        } else {
            let log = log.clone();
            queue_microtask(move || {
                log.borrow_mut().push(item.id);
                queue_all(item.then, &log);
            });
        }
    }
}

/// First in, first out, one queue for both kinds.
fn model(items: &[Numbered]) -> Vec<usize> {
    let mut queue: VecDeque<&Numbered> = items.iter().collect();
    let mut order = Vec::new();
    while let Some(item) = queue.pop_front() {
        order.push(item.id);
        queue.extend(item.then.iter());
    }
    order
}

fn item() -> impl Strategy<Value = Item> {
    let leaf = any::<bool>().prop_map(|job| Item { job, then: vec![] });
    leaf.prop_recursive(4, 40, 4, |inner| {
        (any::<bool>(), proptest::collection::vec(inner, 0..4))
            .prop_map(|(job, then)| Item { job, then })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn jobs_and_closures_run_in_the_order_they_were_queued(
        items in proptest::collection::vec(item(), 1..6)
    ) {
        let numbered = number(&items, &mut 0);
        let expected = model(&numbered);
        let log: Log = Rc::default();
        let l = log.clone();
        EventLoop::virtual_clock().run(move || queue_all(numbered, &l));
        prop_assert_eq!(&*log.borrow(), &expected);
    }
}
