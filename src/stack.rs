//! Calls that nest as deep as the program's data: a saga tree (a fork
//! starts its child at once, a settled child settles its waiting parent at
//! once, a join resumes its joiner at once, a cancellation reaches the
//! children first: redux-saga's order, kept), a chain of child
//! cancellation tokens, and `yield*` delegation (each level resumes the
//! next inside its own resume, sync or async). Each such call goes
//! through [`on_enough_stack`], so a chain 100,000 deep runs where it
//! would overflow the thread's stack (`tests/saga_depth.rs`, and the
//! delegation tests of `tests/generator_protocol.rs` and
//! `tests/async_gen.rs`; redux-saga under Node throws a `RangeError` under
//! 1,000 deep, and a `yield*` chain some thousands deep does too).

/// Runs `f` on a fresh stack segment when the thread's stack is nearly
/// used up. The check costs about 20 instructions (a fork passes two); a
/// segment is mapped only past the red zone and freed when `f` returns.
#[inline]
pub(crate) fn on_enough_stack<R>(f: impl FnOnce() -> R) -> R {
    const RED_ZONE: usize = 128 * 1024;
    const SEGMENT: usize = 1024 * 1024;
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}

/// A value whose drop may nest as deep as the program's data: a generator
/// suspended in `yield*` owns the generator it delegates to, which may
/// delegate in turn. Dropped, it lets go of the value on enough stack.
pub(crate) struct DropsDeep<T>(Option<T>);

impl<T> DropsDeep<T> {
    pub(crate) fn new(value: T) -> Self {
        DropsDeep(Some(value))
    }

    /// The value: there until the drop, which alone takes it.
    pub(crate) fn get_mut(&mut self) -> &mut T {
        match &mut self.0 {
            Some(value) => value,
            None => unreachable!("taken only by its drop"),
        }
    }
}

impl<T> Drop for DropsDeep<T> {
    fn drop(&mut self) {
        if let Some(value) = self.0.take() {
            on_enough_stack(move || drop(value));
        }
    }
}
