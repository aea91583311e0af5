//! A task's word on going on at once, lent to each poll while the task
//! runs as the whole of its microtask (see [`Job::run_alone`]).
//!
//! A turn is *owed* to the task when it would be the next microtask: the
//! task polls again as soon as this poll returns, and the future that owed
//! it takes it then, in the order the futures of the task are polled, as
//! the queue would have run them. A turn is taken *in place*, inside the
//! poll, only when it is the very next microtask: nothing queued, nothing
//! owed in this poll, and no more than one turn owed by the poll before
//! (the one being taken). Two for-await loops joined in one task owe a
//! turn each; each must then take one turn a poll, not run its chain of
//! stages on ahead of the other (`tests/oracle/async_gen/joined_loops.js`).
//!
//! [`Job::run_alone`]: super::Job::run_alone

use std::cell::Cell;

/// The flags one task's polls share.
#[derive(Default)]
pub(crate) struct GoOn {
    /// Poll again as soon as this poll returns: a turn owed, or a wake-up
    /// that came while the task ran.
    again: Cell<bool>,
    /// Turns owed in this poll (low half, saturating), and those owed by
    /// the poll before, being taken in this one (high half): one word, so
    /// that asking whether a turn may be taken in place is one test, and
    /// moving the owed turns to the due ones one shift.
    owing: Cell<u32>,
}

/// The bits of `owing` that must be clear for a turn to be taken in
/// place: any owed now, and any due past the first.
const BEFORE_IN_PLACE: u32 = !(1 << 16);

impl GoOn {
    /// A run of the task begins: nothing owed, nothing due.
    #[inline(always)]
    pub(crate) fn begin(&self) {
        self.owing.set(0);
    }

    /// Asks for another poll as soon as this one returns.
    #[inline(always)]
    pub(crate) fn ask_again(&self) {
        self.again.set(true);
    }

    /// Whether another poll was asked for; if so, the turns owed in this
    /// poll become the ones due in the next.
    #[inline(always)]
    pub(crate) fn poll_again(&self) -> bool {
        if !self.again.replace(false) {
            return false;
        }
        self.owing.set(self.owing.get() << 16);
        true
    }

    /// A turn owed: the task polls again at once, where the turn is taken.
    #[inline(always)]
    pub(crate) fn owe(&self) {
        self.again.set(true);
        let owing = self.owing.get();
        self.owing.set(owing + u32::from(owing & 0xffff != 0xffff));
    }

    /// Whether no other owed turn comes before one taken in place now.
    #[inline(always)]
    pub(crate) fn none_owed_before(&self) -> bool {
        self.owing.get() & BEFORE_IN_PLACE == 0
    }
}

#[cfg(test)]
mod tests {
    use super::GoOn;

    #[test]
    fn turns_owed_in_a_poll_are_due_in_the_next_and_only_one_lets_a_turn_be_taken_in_place() {
        let go_on = GoOn::default();
        go_on.begin();
        assert!(go_on.none_owed_before());
        assert!(!go_on.poll_again());
        go_on.owe();
        assert!(!go_on.none_owed_before(), "owed in this poll");
        assert!(go_on.poll_again());
        assert!(go_on.none_owed_before(), "the one due is the one taken");
        go_on.owe();
        go_on.owe();
        assert!(go_on.poll_again());
        assert!(!go_on.none_owed_before(), "two due: another comes first");
        go_on.ask_again();
        assert!(go_on.poll_again(), "a poll asked for");
        assert!(go_on.none_owed_before(), "a wake-up owes no turn");
        assert!(!go_on.poll_again(), "nothing owed: no poll asked for");
        go_on.begin();
        go_on.ask_again();
        assert!(go_on.poll_again());
        assert!(go_on.none_owed_before(), "a wake-up owes no turn");
    }

    #[test]
    fn owed_turns_saturate_instead_of_wrapping() {
        let go_on = GoOn::default();
        for _ in 0..70_000 {
            go_on.owe();
        }
        assert!(go_on.poll_again());
        assert!(!go_on.none_owed_before());
        go_on.begin();
        assert!(go_on.none_owed_before());
    }
}
