//! The timer queue, organised as Node's: one FIFO list per delay (a new
//! timer always goes at the end of its list, because the loop's time never
//! goes back), and a min-heap holding only the head of each list. Setting
//! a timer is O(1) when its delay is already in use; the heap stays as
//! small as the number of distinct delays.
//!
//! Every timer is one slot of a slab, and the lists are threaded through
//! the slots (doubly linked, so clearing unlinks at once, as Node does):
//! a timer costs one 48-byte slot, its callback inside when it captures
//! no more than two words, which matters because
//! a million pending timers are bound by memory traffic, not by
//! instructions. Free slots form a list through the same links.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::time::Duration;

use crate::inline_fn::InlineFnMut;

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

/// Nanoseconds of loop time; 2^64 ns is 584 years.
type Nanos = u64;

fn nanos(d: Duration) -> Nanos {
    Nanos::try_from(d.as_nanos()).unwrap_or(Nanos::MAX)
}

/// Identifies a timer, for [`clear_timeout`](super::clear_timeout) and
/// [`clear_interval`](super::clear_interval).
///
/// ```
/// use baton::{EventLoop, TimerId, clear_timeout, set_timeout};
/// use std::{cell::RefCell, rc::Rc, time::Duration};
///
/// let fired = Rc::new(RefCell::new(Vec::new()));
/// EventLoop::virtual_clock().run(|| {
///     let ids: Vec<TimerId> = (0..3)
///         .map(|i| {
///             let f = fired.clone();
///             set_timeout(move || f.borrow_mut().push(i), Duration::from_millis(10))
///         })
///         .collect();
///     assert_ne!(ids[0], ids[1]);
///     clear_timeout(ids[1]);
/// });
/// assert_eq!(*fired.borrow(), [0, 2]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimerId {
    index: u32,
    generation: u32,
}

/// Inline when it captures up to two words (see [`InlineFnMut`]).
pub(crate) type Callback = InlineFnMut;

/// No slot, no list.
const NIL: u32 = u32::MAX;
/// In `Slot::list`: the timer is an interval.
const REPEATS: u32 = 1 << 31;

/// A timer, or a free slot. Its state follows from two fields: a slot whose
/// `generation` matches a live `TimerId` is waiting (`callback` is `Some`,
/// the slot is linked into its delay's list) or running (an interval whose
/// callback is out being called); every other slot is free. Freeing bumps
/// the generation, so stale ids match nothing.
struct Slot {
    callback: Option<Callback>,
    due: Nanos,
    prev: u32,
    /// The next slot of the same list, or of the free list.
    next: u32,
    generation: u32,
    /// The list's index, with `REPEATS` set for an interval.
    list: u32,
}

/// The timers set with one delay, oldest first.
struct List {
    after: Nanos,
    head: u32,
    tail: u32,
    /// Whether the heap holds an entry for this list.
    queued: bool,
}

/// A list's place in the heap: the due time of the head it had when the
/// entry was made, the list's delay (reversed) and the list.
///
/// Two heads of different lists due at once were set at different times
/// (a due time is the time set plus the delay), and the one set earlier
/// has the longer delay: so the longer delay first is registration order,
/// which is what the virtual clock needs to give Node's order (see
/// `equal_due_times_across_delays_fire_in_registration_order`), with no
/// sequence number in every slot (8 bytes a timer). A cleared head leaves the entry
/// stale, never late (the list's next timer is due no earlier), and it is
/// brought up to date when it reaches the top.
type Head = Reverse<(Nanos, Reverse<Nanos>, u32)>;

#[derive(Default)]
pub(crate) struct Timers {
    slots: Vec<Slot>,
    free: Option<u32>,
    lists: Vec<List>,
    free_lists: Vec<u32>,
    by_delay: HashMap<Nanos, u32, BuildHasherDefault<DelayHasher>>,
    /// The last delay used and its list: a program sets timers with few
    /// distinct delays, usually the same one many times over.
    last: Option<(Nanos, u32)>,
    heads: BinaryHeap<Head>,
    live: usize,
    /// The generation a new slot starts at, and the highest one handed
    /// out: kept from one run to the next, so an id from an earlier run
    /// matches no timer of a later one.
    first_generation: u32,
    last_generation: u32,
}

/// A timer whose time has come, taken out to run.
pub(crate) struct Expired {
    pub(crate) id: TimerId,
    pub(crate) callback: Callback,
    /// For an interval, its period: it goes back in the queue after
    /// running unless it was cleared meanwhile. A timeout is released
    /// before its callback runs.
    pub(crate) every: Option<Duration>,
}

impl Timers {
    /// Sets a timer, its callback made in its slot: built elsewhere and
    /// moved in, the callback was written a word at a time and then copied
    /// as one 16-byte block, a load the processor cannot forward from the
    /// two stores (a tenth of setting a timer, waiting on it).
    pub(crate) fn insert<F: FnMut() + 'static>(
        &mut self,
        due: Duration,
        after: Duration,
        repeat: bool,
        callback: F,
    ) -> TimerId {
        let index = self.take_slot();
        self.live += 1;
        let slot = self.schedule(index, nanos(due), nanos(after), repeat);
        slot.callback = Some(Callback::new(callback));
        TimerId {
            index,
            generation: slot.generation,
        }
    }

    /// Puts a reserved slot at the end of its delay's list, and hands it
    /// back for the caller to store its callback in.
    fn schedule(&mut self, index: u32, due: Nanos, after: Nanos, repeat: bool) -> &mut Slot {
        let list = self.list_for(after);
        let l = &mut self.lists[list as usize];
        let tail = std::mem::replace(&mut l.tail, index);
        if tail == NIL {
            l.head = index;
        }
        if !std::mem::replace(&mut l.queued, true) {
            self.heads.push(Reverse((due, Reverse(after), list)));
        }
        if tail != NIL {
            self.slots[tail as usize].next = index;
        }
        let slot = &mut self.slots[index as usize];
        slot.due = due;
        slot.prev = tail;
        slot.next = NIL;
        slot.list = if repeat { list | REPEATS } else { list };
        slot
    }

    fn take_slot(&mut self) -> u32 {
        if let Some(index) = self.free {
            let next = self.slots[index as usize].next;
            self.free = (next != NIL).then_some(next);
            return index;
        }
        let index = u32::try_from(self.slots.len())
            .ok()
            .filter(|&i| i != NIL)
            .expect("fewer than 2^32 - 1 live timers");
        self.slots.push(Slot {
            callback: None,
            due: 0,
            prev: NIL,
            next: NIL,
            generation: self.first_generation,
            list: 0,
        });
        index
    }

    /// Frees a slot whose callback is already out; its id goes stale.
    fn release(&mut self, index: u32) {
        let slot = &mut self.slots[index as usize];
        slot.generation = slot.generation.wrapping_add(1);
        self.last_generation = self.last_generation.max(slot.generation);
        slot.next = self.free.unwrap_or(NIL);
        self.free = Some(index);
        self.live -= 1;
    }

    fn list_for(&mut self, after: Nanos) -> u32 {
        if let Some((delay, list)) = self.last
            && delay == after
        {
            return list;
        }
        let list = match self.by_delay.get(&after) {
            Some(&list) => list,
            None => {
                let fresh = List {
                    after,
                    head: NIL,
                    tail: NIL,
                    queued: false,
                };
                let list = match self.free_lists.pop() {
                    Some(list) => {
                        self.lists[list as usize] = fresh;
                        list
                    }
                    None => {
                        self.lists.push(fresh);
                        u32::try_from(self.lists.len() - 1)
                            .ok()
                            .filter(|&l| l < REPEATS)
                            .expect("fewer than 2^31 distinct delays")
                    }
                };
                self.by_delay.insert(after, list);
                list
            }
        };
        self.last = Some((after, list));
        list
    }

    /// Takes a waiting timer out of its list.
    fn unlink(&mut self, index: u32) {
        let slot = &self.slots[index as usize];
        let (prev, next, list) = (slot.prev, slot.next, slot.list & !REPEATS);
        match prev {
            NIL => self.lists[list as usize].head = next,
            prev => self.slots[prev as usize].next = next,
        }
        match next {
            NIL => self.lists[list as usize].tail = prev,
            next => self.slots[next as usize].prev = prev,
        }
    }

    /// Cancels a timer. Its callback is handed back, to be dropped by the
    /// caller outside any borrow of the queue (dropping it may run code).
    pub(crate) fn clear(&mut self, id: TimerId) -> Option<Callback> {
        let slot = self.slots.get_mut(id.index as usize)?;
        if slot.generation != id.generation {
            return None;
        }
        // `None`: an interval whose callback is running; `finish` will
        // find its id stale and not put it back.
        let callback = slot.callback.take();
        if callback.is_some() {
            self.unlink(id.index);
        }
        self.release(id.index);
        callback
    }

    /// The due time and list of the next timer, bringing the heap's top
    /// up to date first (heads cleared or fired since it was made, lists
    /// left empty).
    fn peek(&mut self) -> Option<(Nanos, u32)> {
        loop {
            let &Reverse((due, after, list)) = self.heads.peek()?;
            let head = self.lists[list as usize].head;
            if head == NIL {
                self.heads.pop();
                let after = self.lists[list as usize].after;
                self.by_delay.remove(&after);
                if self.last.is_some_and(|(_, l)| l == list) {
                    self.last = None;
                }
                // Reused whole (`queued` included) by `list_for`.
                self.free_lists.push(list);
                continue;
            }
            let head_due = self.slots[head as usize].due;
            if head_due == due {
                return Some((due, list));
            }
            let current = Reverse((head_due, after, list));
            if let Some(mut top) = self.heads.peek_mut() {
                *top = current;
            }
        }
    }

    /// The due time of the next live timer.
    pub(crate) fn next_due(&mut self) -> Option<Duration> {
        self.peek().map(|(due, _)| Duration::from_nanos(due))
    }

    /// Takes the next timer due at or before `now`. A timeout's slot is
    /// released at once (its id is stale while it runs, as it has fired);
    /// an interval's stays reserved until [`finish`](Self::finish).
    pub(crate) fn pop_expired(&mut self, now: Duration) -> Option<Expired> {
        let (due, list) = self.peek()?;
        if due > nanos(now) {
            return None;
        }
        let index = self.lists[list as usize].head;
        self.unlink(index);
        let every = self.lists[list as usize].after;
        let slot = &mut self.slots[index as usize];
        let callback = slot.callback.take()?;
        let id = TimerId {
            index,
            generation: slot.generation,
        };
        let every = (slot.list & REPEATS != 0).then(|| Duration::from_nanos(every));
        if every.is_none() {
            self.release(index);
        }
        Some(Expired {
            id,
            callback,
            every,
        })
    }

    /// After an interval ran: it goes back in the queue unless it was
    /// cleared while running, in which case its callback is handed back to
    /// be dropped outside the borrow, as [`clear`](Self::clear)'s is.
    pub(crate) fn finish(&mut self, expired: Expired, now: Duration) -> Option<Callback> {
        let Expired {
            id,
            callback,
            every,
        } = expired;
        let live = self
            .slots
            .get(id.index as usize)
            .is_some_and(|slot| slot.generation == id.generation);
        match every {
            Some(every) if live => {
                let every = nanos(every);
                let due = nanos(now).saturating_add(every);
                self.schedule(id.index, due, every, true).callback = Some(callback);
                None
            }
            _ => Some(callback),
        }
    }

    pub(crate) fn live(&self) -> usize {
        self.live
    }

    /// An empty queue for the next run, whose timers' generations start
    /// past every one this queue handed out.
    pub(crate) fn for_next_run(&self) -> Timers {
        // Never below `first_generation`: it starts there.
        let first = self.last_generation.wrapping_add(1);
        Timers {
            first_generation: first,
            last_generation: first,
            ..Timers::default()
        }
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
            e.callback.call();
            timers.finish(e, due);
        }
    }

    type Log = Rc<RefCell<Vec<&'static str>>>;

    /// A log, and a maker of callbacks that write a word to it.
    fn logging() -> (Log, impl Fn(&'static str) -> Box<dyn FnMut()>) {
        let log = Log::default();
        let to = log.clone();
        let push = move |s| {
            let to = to.clone();
            Box::new(move || to.borrow_mut().push(s)) as Box<dyn FnMut()>
        };
        (log, push)
    }

    #[test]
    fn a_slot_holds_a_small_callback_in_48_bytes() {
        // A million pending timers are bound by memory traffic: the slot's
        // size is the cost of a timer.
        assert_eq!(size_of::<Slot>(), 48);
        assert_eq!(size_of::<Option<Callback>>(), 24);
    }

    /// Two timers of different delays due at the same instant: the one
    /// registered first fires first, even when the other's list is older.
    /// Node breaks such ties by list age, but on its real clock they do
    /// not happen: a timer set 50 ms later is set a little more than 50 ms
    /// later, so it is due a little later. Registration order is what the
    /// virtual clock needs to give Node's order (the random promise
    /// programs catch the other rule).
    #[test]
    fn equal_due_times_across_delays_fire_in_registration_order() {
        let (log, push) = logging();
        let mut t = Timers::default();
        t.insert(ms(50), ms(50), false, push("x")); // the 50 ms list first
        t.insert(ms(100), ms(100), false, push("a"));
        run_all(&mut t, ms(50));
        t.insert(ms(100), ms(50), false, push("b")); // the older list, later
        run_all(&mut t, ms(100));
        assert_eq!(*log.borrow(), ["x", "a", "b"]);
    }

    #[test]
    fn order_is_due_then_registration_and_clear_skips() {
        let (log, push) = logging();
        let mut t = Timers::default();
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
        let id = t.insert(ms(2), ms(2), true, move || *c.borrow_mut() += 1);
        run_all(&mut t, ms(7));
        assert_eq!(*count.borrow(), 3);
        t.clear(id);
        run_all(&mut t, ms(100));
        assert_eq!(*count.borrow(), 3);
        let again = t.insert(ms(1), ms(1), false, || {});
        assert_eq!(again.index, id.index);
        assert_ne!(again.generation, id.generation);
        t.clear(id); // the stale id does not clear the new timer
        assert_eq!(t.live(), 1);
    }

    #[test]
    fn lists_of_delays_no_longer_in_use_are_recycled() {
        let mut t = Timers::default();
        for round in 0..3u64 {
            let start = round * 10_000;
            for d in 1..=500 {
                t.insert(ms(start + d), ms(d + round), false, || {});
            }
            run_all(&mut t, ms(start + 1_000));
            assert_eq!(t.live(), 0);
            assert!(t.next_due().is_none());
            assert!(t.by_delay.is_empty(), "no delay keeps a list");
        }
        // 500 distinct delays at a time, 1,500 in all: the lists were reused.
        assert_eq!(t.lists.len(), 500);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Set { delay: u64, repeat: bool },
        Clear(usize),
        Advance(u64),
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        prop_oneof![
            3 => (1u64..5, proptest::bool::weighted(0.25))
                .prop_map(|(delay, repeat)| Op::Set { delay, repeat }),
            1 => (0usize..64).prop_map(Op::Clear),
            2 => (0u64..6).prop_map(Op::Advance),
        ]
    }

    /// The queue against the obvious model: every live timer in a vector,
    /// the next to fire found by scanning for the least (due, sequence).
    #[derive(Default)]
    struct Model {
        live: Vec<(usize, u64, u64, Option<u64>)>,
        sequence: u64,
        log: Vec<usize>,
    }

    impl Model {
        fn set(&mut self, label: usize, due: u64, every: Option<u64>) {
            self.sequence += 1;
            self.live.push((label, due, self.sequence, every));
        }

        fn advance(&mut self, until: u64) {
            while let Some(now) = self.live.iter().map(|t| t.1).min().filter(|&d| d <= until) {
                while let Some(i) = (0..self.live.len())
                    .filter(|&i| self.live[i].1 <= now)
                    .min_by_key(|&i| (self.live[i].1, self.live[i].2))
                {
                    let (label, _, _, every) = self.live.remove(i);
                    self.log.push(label);
                    if let Some(every) = every {
                        self.set(label, now + every, Some(every));
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// Timers fire in (due time, registration) order, cleared ones
        /// never, intervals until cleared, and the live count agrees.
        #[test]
        fn the_queue_fires_what_the_model_fires(ops in proptest::collection::vec(op(), 1..60)) {
            let log = Rc::new(RefCell::new(Vec::new()));
            let mut timers = Timers::default();
            let mut model = Model::default();
            let mut ids = Vec::new();
            let mut now = 0u64;
            for op in ops {
                match op {
                    Op::Set { delay, repeat } => {
                        let label = ids.len();
                        let l = log.clone();
                        let id = timers.insert(ms(now + delay), ms(delay), repeat, move || l.borrow_mut().push(label));
                        ids.push(id);
                        model.set(label, now + delay, repeat.then_some(delay));
                    }
                    Op::Clear(k) => {
                        if let Some(&id) = ids.get(k) {
                            drop(timers.clear(id));
                            model.live.retain(|t| t.0 != k);
                        }
                    }
                    Op::Advance(by) => {
                        now += by;
                        while let Some(due) = timers.next_due().filter(|&d| d <= ms(now)) {
                            while let Some(mut e) = timers.pop_expired(due) {
                                e.callback.call();
                                if e.every.is_some() {
                                    drop(timers.finish(e, due));
                                }
                            }
                        }
                        model.advance(now);
                    }
                }
                proptest::prop_assert_eq!(&*log.borrow(), &model.log);
                proptest::prop_assert_eq!(timers.live(), model.live.len());
            }
        }
    }
}
