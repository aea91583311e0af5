//! A list of members in the order they joined, which any member may leave
//! at any time: a task's attached children, a channel's waiting takers, a
//! store's listeners, a task's joiners, a cancellation token's listeners.
//!
//! Each member joins under an id that grows with joining, so the list is
//! sorted by id and a member that leaves is found by binary search; its
//! place is marked empty, and the marks are swept out once they are the
//! greater part. Leaving had been a search of the whole list, which made
//! many members leaving quadratic: 100,000 forked children took 51 s to
//! cancel, 20,000 takers of one channel a second.

/// Members in joining order, by id (see the module's documentation).
pub(crate) struct Roster<T> {
    /// Those before `head` have all left (taken from the front); `head`
    /// never passes the last member, and all is cleared once none is left.
    entries: Vec<(u64, Option<T>)>,
    head: usize,
    /// Members that have not left.
    live: usize,
}

impl<T> Default for Roster<T> {
    fn default() -> Self {
        Roster {
            entries: Vec::new(),
            head: 0,
            live: 0,
        }
    }
}

impl<T> Roster<T> {
    /// Whether every member has left.
    pub(crate) fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Adds `member` at the end, under an `id` greater than every id the
    /// roster has held (each roster's ids come from one counter).
    pub(crate) fn join(&mut self, id: u64, member: T) {
        debug_assert!(self.entries.last().is_none_or(|(last, _)| *last < id));
        self.entries.push((id, Some(member)));
        self.live += 1;
    }

    /// Takes member `id` out, if it is still there.
    #[inline]
    pub(crate) fn leave(&mut self, id: u64) -> Option<T> {
        match self.entries.as_slice() {
            [] => None,
            // A lone member (a member: marks at the back go when they are
            // made), the usual case.
            [(only, _)] if self.head == 0 => {
                if *only != id {
                    return None;
                }
                self.live = 0;
                self.entries.pop()?.1
            }
            _ => self.leave_one_of_many(id),
        }
    }

    fn leave_one_of_many(&mut self, id: u64) -> Option<T> {
        let at = self.find(id)?;
        let member = self.entries[at].1.take()?;
        self.live -= 1;
        // Marks at either end go at once: a lone member, the last to join
        // or the first in line (the usual leavers) leave nothing behind.
        while let Some((_, None)) = self.entries.last() {
            self.entries.pop();
        }
        while let Some((_, None)) = self.entries.get(self.head) {
            self.head += 1;
        }
        self.tidy();
        Some(member)
    }

    /// Where member `id` is: at an end (most leave from there), or found
    /// by binary search.
    fn find(&self, id: u64) -> Option<usize> {
        let waiting = self.entries.get(self.head..)?;
        let (first, last) = (waiting.first()?.0, waiting.last()?.0);
        let at = if id == last {
            waiting.len() - 1
        } else if id == first {
            0
        } else if first < id && id < last {
            waiting.binary_search_by_key(&id, |(at, _)| *at).ok()?
        } else {
            return None;
        };
        Some(self.head + at)
    }

    /// Takes the first member out.
    #[inline]
    pub(crate) fn pop_front(&mut self) -> Option<T> {
        if self.head == 0 && self.entries.len() == 1 {
            // The one in line (a member: marks at the back go when they
            // are made).
            self.live = 0;
            return self.entries.pop()?.1;
        }
        self.pop_front_of_many()
    }

    fn pop_front_of_many(&mut self) -> Option<T> {
        while let Some((_, entry)) = self.entries.get_mut(self.head) {
            self.head += 1;
            if let Some(member) = entry.take() {
                self.live -= 1;
                self.tidy();
                return Some(member);
            }
        }
        self.tidy();
        None
    }

    /// The members, in joining order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.entries[self.head..]
            .iter()
            .filter_map(|(_, member)| member.as_ref())
    }

    /// The one member, when there is exactly one.
    #[inline]
    pub(crate) fn only(&self) -> Option<&T> {
        if self.live != 1 {
            return None;
        }
        self.iter().next()
    }

    /// Takes every member out, in joining order. The iterator owns them:
    /// the roster (and the cell it may be in) is free while it runs.
    pub(crate) fn drain(&mut self) -> impl Iterator<Item = T> + use<T> {
        let head = std::mem::take(&mut self.head);
        self.live = 0;
        let mut entries = std::mem::take(&mut self.entries);
        entries.drain(..head);
        entries.into_iter().filter_map(|(_, member)| member)
    }

    /// Drops what left: all of it once nobody is in line; else the marks
    /// and the front's gap once they outnumber the members, each sweep
    /// paid for by the leavings before it.
    #[inline]
    fn tidy(&mut self) {
        if self.live == 0 {
            self.entries.clear();
            self.head = 0;
        } else if self.entries.len() >= 16 && self.live < self.entries.len() / 2 {
            self.sweep();
        }
    }

    #[cold]
    fn sweep(&mut self) {
        self.entries.retain(|(_, member)| member.is_some());
        self.head = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::Roster;
    use proptest::prelude::*;

    proptest! {
        /// Against a plain list of the members still there: the same
        /// members, in the same order, whatever joins and leaves.
        #[test]
        fn a_roster_keeps_the_members_still_there_in_joining_order(
            ops in proptest::collection::vec((0_u8..4, 0_u64..64), 0..200),
        ) {
            let mut roster = Roster::default();
            let mut model: Vec<u64> = Vec::new();
            let mut next = 0;
            for (op, pick) in ops {
                match op {
                    0 | 1 => {
                        next += 1;
                        roster.join(next, next * 10);
                        model.push(next);
                    }
                    2 => {
                        let id = pick % (next + 1);
                        let was = model.iter().position(|&m| m == id).map(|at| model.remove(at));
                        prop_assert_eq!(roster.leave(id), was.map(|m| m * 10));
                    }
                    _ => {
                        let first = (!model.is_empty()).then(|| model.remove(0));
                        prop_assert_eq!(roster.pop_front(), first.map(|m| m * 10));
                    }
                }
                prop_assert_eq!(roster.is_empty(), model.is_empty());
                let members: Vec<u64> = roster.iter().copied().collect();
                let expected: Vec<u64> = model.iter().map(|m| m * 10).collect();
                prop_assert_eq!(members, expected);
            }
            let expected: Vec<u64> = model.iter().map(|m| m * 10).collect();
            prop_assert_eq!(roster.drain().collect::<Vec<_>>(), expected);
            prop_assert!(roster.is_empty());
        }
    }

    #[test]
    fn a_member_leaves_once() {
        let mut roster = Roster::default();
        roster.join(1, "a");
        roster.join(2, "b");
        assert_eq!(roster.leave(1), Some("a"));
        assert_eq!(roster.leave(1), None);
        assert_eq!(roster.leave(3), None);
        assert_eq!(roster.pop_front(), Some("b"));
        assert_eq!(roster.pop_front(), None);
    }
}
