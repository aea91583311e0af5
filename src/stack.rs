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

thread_local! {
    /// How many `yield*` levels are running on this thread's stack, each
    /// inside the one that delegates to it.
    static DELEGATING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Runs `f`, one level of a `yield*` chain (resuming or polling the inner
/// generator): straight on the first level, through [`on_enough_stack`]
/// on the deeper ones. A lone delegation, the usual one, does not pay the
/// check on each item; a chain pays it from its second level on.
#[inline]
pub(crate) fn delegating<R>(f: impl FnOnce() -> R) -> R {
    /// Puts the depth back as the level returns or unwinds.
    struct Level(u32);
    impl Drop for Level {
        fn drop(&mut self) {
            DELEGATING.with(|depth| depth.set(self.0));
        }
    }
    let level = Level(DELEGATING.with(|depth| depth.replace(depth.get() + 1)));
    let out = if level.0 == 0 {
        f()
    } else {
        on_enough_stack(f)
    };
    drop(level);
    out
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
