//! The loop's registry of tasks: registered, parked at a yield,
//! released, and the waiting ones dropped when a run has no work left.

use std::cell::Cell;
use std::rc::Rc;

use super::{Inner, Job, LOOP, RUN, WakeTarget, guarded};

/// Registers a task; its key is what its waker sends back.
pub(crate) fn register_task<T: Job + 'static>(make: impl FnOnce(WakeTarget) -> Rc<T>) -> Rc<T> {
    LOOP.with(|lp| {
        let target = lp.reserve_task_key();
        let task = make(target);
        lp.tasks.borrow_mut().put(target.key(), task.clone());
        task
    })
}

/// Reserves a key in the task registry (empty until a task is put there
/// with `unpark_task`).
pub(crate) fn reserve_task_key() -> WakeTarget {
    LOOP.with(Inner::reserve_task_key)
}

/// Drops the async functions still waiting once a run has no work left:
/// none of them can be resumed in this run, and what they wait on may hold
/// them (a promise whose reaction holds the task that holds the promise),
/// a cycle of `Rc`s that nothing else would free. Outside the registry's
/// borrow: their destructors may use the loop (what they queue runs
/// before the run ends; a task they spawn that waits is dropped as the
/// loop resets).
pub(super) fn drop_waiting_tasks() {
    let waiting = LOOP.with(|lp| lp.tasks.borrow().held());
    for task in &waiting {
        // A destructor that panics is reported; the others still run.
        guarded(|| task.abandon());
    }
}

/// Forgets a finished task.
pub(crate) fn deregister_task(key: usize) {
    let task = LOOP.with(|lp| lp.tasks.borrow_mut().finish(key));
    drop(task);
}

/// Empties a task's slot but keeps its key (and so its waker) reserved:
/// for a task that is idle between steps, like an async generator at a
/// yield, which only needs the loop's strong reference while it runs.
pub(crate) fn park_task(key: usize) {
    let task = LOOP.with(|lp| lp.tasks.borrow_mut().take(key));
    drop(task);
}

/// Puts a parked task back under its reserved key.
pub(crate) fn unpark_task(key: usize, task: Rc<dyn Job>) {
    let replaced = LOOP.with(|lp| lp.tasks.borrow_mut().put(key, task));
    drop(replaced);
}

/// Frees a parked task's key (its task is gone). Safe to call while the
/// thread is exiting.
pub(crate) fn release_task_key(key: usize, run: u32) {
    let _ = LOOP.try_with(|lp| {
        if RUN.try_with(Cell::get) != Ok(run) {
            return;
        }
        if let Ok(mut tasks) = lp.tasks.try_borrow_mut() {
            tasks.release(key);
        }
    });
}
