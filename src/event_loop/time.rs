//! The loop's time and JavaScript's timer functions: `setTimeout`,
//! `setInterval`, their `clear`s, and Node's timers phase, which runs
//! every timer due and a microtask checkpoint after each.

use std::time::Duration;

use super::timers::{Expired, TimerId};
use super::{Clock, LOOP, checkpoint, guarded};

/// Node treats delays below 1 ms as 1 ms. Above its limit (2^31 - 1 ms)
/// Node warns and waits 1 ms; a `Duration` here is kept as given (see
/// [`set_timeout`]).
fn delay(after: Duration) -> Duration {
    after.max(Duration::from_millis(1))
}

fn insert_timer(after: Duration, repeat: bool, callback: impl FnMut() + 'static) -> TimerId {
    let after = delay(after);
    LOOP.with(|lp| {
        // Set between runs, a timer counts from the next run's start (its
        // time zero), not from where the last run's clock stopped.
        let base = if lp.running.get() {
            lp.now.get()
        } else {
            Duration::ZERO
        };
        let due = base.saturating_add(after);
        lp.timers.borrow_mut().insert(due, after, repeat, callback)
    })
}

/// Runs `callback` once, `after` from now: JavaScript's `setTimeout`.
/// Timers with equal due times fire in the order they were set. Set
/// outside any run, a timer counts from the start of the next run.
///
/// A delay under 1 ms waits 1 ms, as in Node. One over Node's limit of
/// 2^31 - 1 ms (about 24.8 days), which Node replaces by 1 ms with a
/// `TimeoutOverflowWarning`, is kept as given: a `Duration` of a month
/// means a month (a due time past the clock's range saturates there).
///
/// ```
/// use baton::{EventLoop, now, set_timeout};
/// use std::{cell::RefCell, rc::Rc, time::Duration};
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let (a, b, c) = (log.clone(), log.clone(), log.clone());
/// EventLoop::virtual_clock().run(move || {
///     set_timeout(move || a.borrow_mut().push(format!("b at {:?}", now())), Duration::from_millis(20));
///     set_timeout(move || b.borrow_mut().push(format!("a at {:?}", now())), Duration::from_millis(10));
///     set_timeout(move || c.borrow_mut().push(format!("c at {:?}", now())), Duration::from_millis(20));
/// });
/// assert_eq!(*log.borrow(), ["a at 10ms", "b at 20ms", "c at 20ms"]);
/// ```
pub fn set_timeout(callback: impl FnOnce() + 'static, after: Duration) -> TimerId {
    let mut callback = Some(callback);
    insert_timer(after, false, move || {
        if let Some(f) = callback.take() {
            f();
        }
    })
}

/// Runs `callback` every `every` until cleared: JavaScript's
/// `setInterval`. Its period is bounded as [`set_timeout`]'s delay is.
///
/// ```
/// use baton::{EventLoop, TimerId, clear_interval, now, set_interval};
/// use std::{cell::{Cell, RefCell}, rc::Rc, time::Duration};
///
/// let ticks = Rc::new(RefCell::new(Vec::new()));
/// let t = ticks.clone();
/// EventLoop::virtual_clock().run(move || {
///     let id: Rc<Cell<Option<TimerId>>> = Rc::new(Cell::new(None));
///     let me = id.clone();
///     id.set(Some(set_interval(
///         move || {
///             t.borrow_mut().push(now().as_millis());
///             if t.borrow().len() == 3 {
///                 if let Some(id) = me.get() {
///                     clear_interval(id);
///                 }
///             }
///         },
///         Duration::from_millis(100),
///     )));
/// });
/// assert_eq!(*ticks.borrow(), [100, 200, 300]);
/// ```
pub fn set_interval(callback: impl FnMut() + 'static, every: Duration) -> TimerId {
    insert_timer(every, true, callback)
}

/// Cancels a timeout; a timer cleared before it fires never fires, even
/// from another callback due at the same time.
///
/// ```
/// use baton::{EventLoop, clear_timeout, set_timeout};
/// use std::{cell::Cell, rc::Rc, time::Duration};
///
/// let fired = Rc::new(Cell::new(false));
/// let f = fired.clone();
/// EventLoop::virtual_clock().run(move || {
///     let id = set_timeout(move || f.set(true), Duration::from_secs(1));
///     clear_timeout(id);
/// });
/// assert!(!fired.get());
/// ```
pub fn clear_timeout(id: TimerId) {
    let callback = LOOP.with(|lp| lp.timers.borrow_mut().clear(id));
    drop(callback);
}

/// Cancels an interval (same as [`clear_timeout`], as in JavaScript).
///
/// ```
/// use baton::event_loop::pending_timers;
/// use baton::{EventLoop, clear_interval, set_interval};
/// use std::time::Duration;
///
/// EventLoop::virtual_clock().run(|| {
///     let id = set_interval(|| {}, Duration::from_secs(1));
///     assert_eq!(pending_timers(), 1);
///     clear_interval(id);
///     assert_eq!(pending_timers(), 0); // so the loop can end
/// });
/// ```
pub fn clear_interval(id: TimerId) {
    clear_timeout(id);
}

/// The loop's current time since its run started (virtual or real).
///
/// ```
/// use baton::{EventLoop, now, set_timeout};
/// use std::{cell::Cell, rc::Rc, time::Duration};
///
/// let seen = Rc::new(Cell::new(Duration::ZERO));
/// let s = seen.clone();
/// EventLoop::virtual_clock().run(move || {
///     assert_eq!(now(), Duration::ZERO);
///     set_timeout(move || s.set(now()), Duration::from_millis(1500));
/// });
/// assert_eq!(seen.get(), Duration::from_millis(1500));
/// ```
pub fn now() -> Duration {
    LOOP.with(|lp| lp.now.get())
}

/// The number of timers set and not yet fired or cleared.
///
/// ```
/// use baton::event_loop::pending_timers;
/// use baton::{EventLoop, set_timeout};
/// use std::time::Duration;
///
/// EventLoop::virtual_clock().run(|| {
///     assert_eq!(pending_timers(), 0);
///     set_timeout(|| {}, Duration::from_millis(5));
///     set_timeout(|| assert_eq!(pending_timers(), 0), Duration::from_millis(10));
///     assert_eq!(pending_timers(), 2);
/// });
/// ```
pub fn pending_timers() -> usize {
    LOOP.with(|lp| lp.timers.borrow().live())
}

pub(super) fn advance_to(due: Duration) {
    LOOP.with(|lp| match lp.clock.get() {
        Clock::Virtual => {
            if due > lp.now.get() {
                lp.now.set(due);
            }
        }
        Clock::Real(origin) => {
            let elapsed = origin.elapsed();
            if due > elapsed {
                std::thread::sleep(due - elapsed);
            }
            lp.now.set(origin.elapsed().max(due));
        }
    });
}

/// Node's timers phase: every timer due by now, each followed by a
/// microtask checkpoint.
pub(super) fn run_expired_timers() {
    let now = LOOP.with(|lp| lp.now.get());
    while let Some(expired) = LOOP.with(|lp| lp.timers.borrow_mut().pop_expired(now)) {
        fire(expired, now);
        checkpoint();
    }
}

/// Runs a timer's callback, then puts an interval back in the queue and
/// drops a timeout's callback, outside the queue's borrow (a callback's
/// captures may set or clear timers as they drop). The timeout is dropped
/// where it lies: moved first, it was copied as a block just after its
/// call wrote a word of it, a load the processor could not forward.
fn fire(mut expired: Expired, now: Duration) {
    guarded(|| expired.callback.call());
    if expired.every.is_some() {
        drop(LOOP.with(|lp| lp.timers.borrow_mut().finish(expired, now)));
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::time::Duration;

    use crate::{EventLoop, now, set_timeout};

    #[test]
    fn a_delay_under_a_millisecond_waits_one_and_one_over_nodes_limit_is_kept() {
        let fired = Rc::new(RefCell::new(Vec::new()));
        let (a, b) = (fired.clone(), fired.clone());
        let thirty_days = Duration::from_secs(30 * 24 * 3600); // over 2^31 - 1 ms
        EventLoop::virtual_clock().run(move || {
            set_timeout(move || a.borrow_mut().push(now()), thirty_days);
            set_timeout(move || b.borrow_mut().push(now()), Duration::ZERO);
        });
        assert_eq!(*fired.borrow(), [Duration::from_millis(1), thirty_days]);
    }
}
