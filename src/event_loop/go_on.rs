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

/// The flags one task's polls share, in one word read and written whole
/// (a flag written beside a word read whole stalled the store's
/// forwarding, and so did a byte of its own: an await of a settled
/// promise took 3.4 -> 5.6 ns on 9 more instructions, 3.6 as a word).
/// Of the turns owed in a poll, and of those due in the next, only
/// "none", "one" and "more than one" matter: two bits count them.
#[derive(Default)]
pub(crate) struct GoOn(Cell<u32>);

/// Poll again as soon as this poll returns: a turn owed, or a wake-up
/// that came while the task ran (which then counts as one owed: in place
/// is only ruled out more often).
const AGAIN: u32 = 1;
/// More than one turn owed in this poll.
const MANY: u32 = 2;
/// More than one turn due in this poll: owed by the one before.
const MANY_DUE: u32 = 4;

impl GoOn {
    /// A run of the task begins: nothing owed, nothing due.
    #[inline(always)]
    pub(crate) fn begin(&self) {
        self.0.set(0);
    }

    /// Asks for another poll as soon as this one returns.
    #[inline(always)]
    pub(crate) fn ask_again(&self) {
        self.owe();
    }

    /// Whether another poll was asked for; if so, the turns owed in this
    /// poll become the ones due in the next.
    #[inline(always)]
    pub(crate) fn poll_again(&self) -> bool {
        let word = self.0.get();
        if word & AGAIN == 0 {
            return false;
        }
        self.0.set(if word & MANY == 0 { 0 } else { MANY_DUE });
        true
    }

    /// A turn owed: the task polls again at once, where the turn is taken.
    #[inline(always)]
    pub(crate) fn owe(&self) {
        let word = self.0.get();
        self.0.set(word | AGAIN | ((word & AGAIN) << 1));
    }

    /// Whether no other owed turn comes before one taken in place now:
    /// none owed in this poll, and at most one due (the one taken).
    #[inline(always)]
    pub(crate) fn none_owed_before(&self) -> bool {
        self.0.get() == 0
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
        assert!(go_on.none_owed_before(), "a wake-up counts as one turn due");
        assert!(!go_on.poll_again(), "nothing owed: no poll asked for");
        go_on.begin();
        go_on.ask_again();
        assert!(go_on.poll_again());
        assert!(go_on.none_owed_before(), "a wake-up counts as one turn due");
    }

    #[test]
    fn any_number_of_owed_turns_past_one_counts_as_many() {
        let go_on = GoOn::default();
        for _ in 0..70_000 {
            go_on.owe();
        }
        assert!(go_on.poll_again());
        assert!(!go_on.none_owed_before());
        go_on.owe();
        assert!(go_on.poll_again());
        assert!(go_on.none_owed_before(), "one due, taken");
        go_on.begin();
        assert!(go_on.none_owed_before());
    }
}
