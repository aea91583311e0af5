//! The loop's task registry: where a waker's key leads.
//!
//! A task reserves a key for its life in one run; while it runs (or waits
//! for a foreign waker) the slot holds it strongly, so a waker that only
//! knows the key can still reach it. Each reservation gets a serial number
//! too, so wakers of a finished task are told from those of the next task
//! given the same key; the task keeps it ([`Job::reservation`]), so a slot
//! is one `Option<Rc<dyn Job>>`, 16 bytes. One vector of slots, behind one
//! borrow, so a spawn touches the registry once.

use std::rc::Rc;

use super::Job;

/// A key's task, while the registry holds it.
type Slot = Option<Rc<dyn Job>>;

pub(super) struct Registry {
    slots: Vec<Slot>,
    free: Vec<usize>,
    next_serial: u64,
}

/// Entries of the loop's buffers (this registry, the microtask queue) kept
/// from one run to the next: growing them again would make the allocator
/// consolidate its small free chunks each time (a large request does),
/// which dominated short runs.
pub(super) const KEPT_CAPACITY: usize = 1 << 12;

impl Registry {
    pub(super) const fn new() -> Self {
        Registry {
            slots: Vec::new(),
            free: Vec::new(),
            next_serial: 0,
        }
    }

    /// A free key and the serial number of this reservation.
    pub(super) fn reserve(&mut self) -> (usize, u64) {
        self.next_serial += 1;
        let serial = self.next_serial;
        match self.free.pop() {
            Some(key) => (key, serial),
            None => {
                self.slots.push(None);
                (self.slots.len() - 1, serial)
            }
        }
    }

    /// Puts `task` under its reserved key; returns what was there.
    pub(super) fn put(&mut self, key: usize, task: Rc<dyn Job>) -> Option<Rc<dyn Job>> {
        self.slots.get_mut(key).and_then(|slot| slot.replace(task))
    }

    /// Empties a slot, keeping the key reserved.
    pub(super) fn take(&mut self, key: usize) -> Option<Rc<dyn Job>> {
        self.slots.get_mut(key).and_then(Option::take)
    }

    /// Empties a slot and frees its key, if it held a task.
    pub(super) fn finish(&mut self, key: usize) -> Option<Rc<dyn Job>> {
        let task = self.take(key);
        if task.is_some() {
            self.free.push(key);
        }
        task
    }

    /// Frees the key of a task that is gone, if its slot is empty.
    pub(super) fn release(&mut self, key: usize) {
        if matches!(self.slots.get(key), Some(None)) {
            self.free.push(key);
        }
    }

    /// The task under `key`, if any.
    pub(super) fn get(&self, key: usize) -> Option<Rc<dyn Job>> {
        self.slots.get(key).and_then(Option::clone)
    }

    /// The tasks held now, by key.
    pub(super) fn held(&self) -> Vec<Rc<dyn Job>> {
        self.slots.iter().filter_map(Option::clone).collect()
    }

    /// Whether `key` still holds the task its reservation `serial` was for.
    pub(super) fn holds(&self, key: usize, serial: u64) -> bool {
        matches!(self.slots.get(key), Some(Some(task)) if task.reservation() == serial)
    }

    /// Empties the registry for the next run; returns the tasks it held,
    /// to be dropped outside the loop's borrow (their drop may use it).
    pub(super) fn reset(&mut self) -> Vec<Rc<dyn Job>> {
        let held = self.slots.drain(..).flatten().collect();
        self.slots.shrink_to(KEPT_CAPACITY);
        self.free.clear();
        self.free.shrink_to(KEPT_CAPACITY);
        held
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A task holding the reservation with this serial.
    struct Holding(u64);

    impl Job for Holding {
        fn run(self: Rc<Self>) {}
        fn reservation(&self) -> u64 {
            self.0
        }
    }

    #[test]
    fn keys_are_reused_with_a_new_serial() {
        let mut registry = Registry::new();
        let (a, first) = registry.reserve();
        assert!(registry.put(a, Rc::new(Holding(first))).is_none());
        assert!(registry.holds(a, first));
        assert!(registry.finish(a).is_some());
        assert!(!registry.holds(a, first));
        let (b, second) = registry.reserve();
        assert_eq!((b, second), (a, first + 1));
        assert!(registry.put(b, Rc::new(Holding(second))).is_none());
        assert!(
            !registry.holds(b, first),
            "an old waker's serial no longer matches"
        );
        assert!(registry.holds(b, second));
    }

    #[test]
    fn a_parked_key_stays_reserved_until_released() {
        let mut registry = Registry::new();
        let (a, serial) = registry.reserve();
        registry.put(a, Rc::new(Holding(serial)));
        assert!(registry.take(a).is_some());
        assert!(!registry.holds(a, serial), "parked: nothing to wake");
        let (b, _) = registry.reserve();
        assert_ne!(a, b, "parked, not freed");
        registry.release(a);
        assert_eq!(registry.reserve().0, a);
    }

    #[test]
    fn reset_hands_back_held_tasks_and_keeps_the_buffer() {
        let mut registry = Registry::new();
        for _ in 0..100 {
            let (key, serial) = registry.reserve();
            registry.put(key, Rc::new(Holding(serial)));
        }
        assert_eq!(registry.held().len(), 100);
        assert_eq!(registry.reset().len(), 100);
        assert!(registry.slots.is_empty() && registry.slots.capacity() >= 100);
        let (key, serial) = registry.reserve();
        assert_eq!(key, 0);
        // Serial numbers go on across runs: a waker kept from an earlier
        // run's task is never counted for a later one (see `Remote`).
        assert_eq!(serial, 101);
    }
}
