//! The timer queue, organised as Node's: one FIFO list per delay (a new
//! timer always goes at the end of its list, because the loop's time never
//! goes back), and a min-heap holding only the head of each list. Setting
//! a timer is O(1) when its delay is already in use; the heap stays as
//! small as the number of distinct delays.
//!
//! Callbacks live in a slab. Clearing a timer empties its slot and bumps
//! the slot's generation, so its list entry is skipped when it surfaces:
//! no search, no removal.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::time::Duration;

/// Delays are few and not adversarial (the program sets them), so a
/// multiply-rotate hash beats SipHash, which took a fifth of the time of
/// setting and firing a timer.
#[derive(Default)]
struct DelayHasher(u64);

impl Hasher for DelayHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type DelayMap<V> = HashMap<Duration, V, BuildHasherDefault<DelayHasher>>;

/// Identifies a timer, for [`clear_timeout`](super::clear_timeout) and
/// [`clear_interval`](super::clear_interval).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimerId {
    index: u32,
    generation: u32,
}

pub(crate) type Callback = Box<dyn FnMut()>;

struct Slot {
    generation: u32,
    timer: Option<Timer>,
}

struct Timer {
    /// `None` while the callback runs (an interval gets it back after).
    callback: Option<Callback>,
    repeat: Option<Duration>,
}

/// A scheduled run: due time, registration order, slot, slot generation.
type Entry = (Duration, u64, u32, u32);

/// The head of one delay's list, ordered by due time then registration:
/// equal due times fire in the order they were set, as in Node.
type Head = Reverse<(Duration, u64, Duration)>;

#[derive(Default)]
pub(crate) struct Timers {
    lists: DelayMap<VecDeque<Entry>>,
    heads: BinaryHeap<Head>,
    slots: Vec<Slot>,
    free: Vec<u32>,
    sequence: u64,
    live: usize,
}

/// A timer whose time has come, taken out to run.
pub(crate) struct Expired {
    pub(crate) id: TimerId,
    pub(crate) callback: Callback,
}

impl Timers {
    pub(crate) fn insert(
        &mut self,
        due: Duration,
        after: Duration,
        repeat: bool,
        callback: Callback,
    ) -> TimerId {
        let repeat = repeat.then_some(after);
        let timer = Timer {
            callback: Some(callback),
            repeat,
        };
        let index = match self.free.pop() {
            Some(index) => {
                self.slots[index as usize].timer = Some(timer);
                index
            }
            None => {
                self.slots.push(Slot {
                    generation: 0,
                    timer: Some(timer),
                });
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 live timers")
            }
        };
        let generation = self.slots[index as usize].generation;
        self.schedule(due, after, index, generation);
        self.live += 1;
        TimerId { index, generation }
    }

    fn schedule(&mut self, due: Duration, after: Duration, index: u32, generation: u32) {
        self.sequence += 1;
        let list = self.lists.entry(after).or_default();
        if list.is_empty() {
            self.heads.push(Reverse((due, self.sequence, after)));
        }
        list.push_back((due, self.sequence, index, generation));
    }

    fn is_live(&self, index: u32, generation: u32) -> bool {
        let slot = &self.slots[index as usize];
        slot.generation == generation && slot.timer.is_some()
    }

    /// Removes the head entry of the list `after`, putting the list's next
    /// entry (if any) among the heads.
    fn pop_head(&mut self, after: Duration) -> Option<Entry> {
        self.heads.pop();
        let list = self.lists.get_mut(&after)?;
        let entry = list.pop_front();
        if let Some(&(due, sequence, _, _)) = list.front() {
            self.heads.push(Reverse((due, sequence, after)));
        }
        entry
    }

    pub(crate) fn clear(&mut self, id: TimerId) {
        if let Some(slot) = self.slots.get_mut(id.index as usize) {
            if slot.generation == id.generation && slot.timer.is_some() {
                slot.timer = None;
                slot.generation = slot.generation.wrapping_add(1);
                self.free.push(id.index);
                self.live -= 1;
            }
        }
    }

    /// The due time of the next live timer, dropping cleared ones.
    pub(crate) fn next_due(&mut self) -> Option<Duration> {
        while let Some(&Reverse((due, _, after))) = self.heads.peek() {
            let front = self.lists.get(&after).and_then(VecDeque::front).copied();
            match front {
                Some((_, _, index, generation)) if self.is_live(index, generation) => {
                    return Some(due);
                }
                _ => {
                    self.pop_head(after);
                }
            }
        }
        None
    }

    /// Takes the next timer due at or before `now`.
    pub(crate) fn pop_expired(&mut self, now: Duration) -> Option<Expired> {
        let due = self.next_due()?;
        if due > now {
            return None;
        }
        let &Reverse((_, _, after)) = self.heads.peek()?;
        let (_, _, index, generation) = self.pop_head(after)?;
        let timer = self.slots[index as usize].timer.as_mut()?;
        let callback = timer.callback.take()?;
        Some(Expired {
            id: TimerId { index, generation },
            callback,
        })
    }

    /// After an expired timer ran: an interval that was not cleared goes
    /// back in the queue, a timeout is released.
    pub(crate) fn finish(&mut self, expired: Expired, now: Duration) {
        let Expired { id, callback } = expired;
        let Some(slot) = self.slots.get_mut(id.index as usize) else {
            return;
        };
        if slot.generation != id.generation {
            return; // cleared while it ran
        }
        match slot.timer.as_mut() {
            Some(Timer {
                callback: slot_callback,
                repeat: Some(every),
            }) => {
                *slot_callback = Some(callback);
                let every = *every;
                self.schedule(now + every, every, id.index, id.generation);
            }
            _ => self.clear(id),
        }
    }

    pub(crate) fn live(&self) -> usize {
        self.live
    }

    pub(crate) fn reset(&mut self) {
        *self = Timers::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn run_all(timers: &mut Timers, until: Duration) {
        while let Some(due) = timers.next_due() {
            if due > until {
                break;
            }
            let mut e = timers.pop_expired(due).expect("due");
            (e.callback)();
            timers.finish(e, due);
        }
    }

    #[test]
    fn order_is_due_then_registration_and_clear_skips() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let mut t = Timers::default();
        let push = |s: &'static str| {
            let log = log.clone();
            Box::new(move || log.borrow_mut().push(s)) as Callback
        };
        t.insert(ms(5), ms(5), false, push("b"));
        t.insert(ms(1), ms(1), false, push("a"));
        let gone = t.insert(ms(5), ms(5), false, push("never"));
        t.insert(ms(5), ms(5), false, push("c"));
        t.clear(gone);
        t.clear(gone); // twice is harmless
        assert_eq!(t.live(), 3);
        run_all(&mut t, ms(10));
        assert_eq!(*log.borrow(), ["a", "b", "c"]);
        assert!(t.next_due().is_none());
        assert_eq!(t.live(), 0);
    }

    #[test]
    fn intervals_repeat_until_cleared_and_slots_are_reused() {
        let count = Rc::new(RefCell::new(0));
        let mut t = Timers::default();
        let c = count.clone();
        let id = t.insert(ms(2), ms(2), true, Box::new(move || *c.borrow_mut() += 1));
        run_all(&mut t, ms(7));
        assert_eq!(*count.borrow(), 3);
        t.clear(id);
        run_all(&mut t, ms(100));
        assert_eq!(*count.borrow(), 3);
        let again = t.insert(ms(1), ms(1), false, Box::new(|| {}));
        assert_eq!(again.index, id.index);
        assert_ne!(again.generation, id.generation);
        t.clear(id); // the stale id does not clear the new timer
        assert_eq!(t.live(), 1);
    }
}
