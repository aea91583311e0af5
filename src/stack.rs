//! Calls that nest as deep as the program's data: a saga tree (a fork
//! starts its child at once, a settled child settles its waiting parent at
//! once, a join resumes its joiner at once, a cancellation reaches the
//! children first: redux-saga's order, kept), a chain of child
//! cancellation tokens, `yield*` delegation (each level resumes the
//! next inside its own resume, sync or async), and the first poll of an
//! async generator taken over by the loop or stage that pulls from it
//! (counted: generators are taken over only in the first levels of a
//! chain, [`STRAIGHT`]). Each such call goes through [`on_enough_stack`], so a
//! chain 100,000 deep runs where it would overflow the thread's stack (`tests/saga_depth.rs`, and the
//! delegation tests of `tests/generator_protocol.rs` and
//! `tests/async_gen.rs`; redux-saga under Node throws a `RangeError` under
//! 1,000 deep, and a `yield*` chain some thousands deep does too). A chain
//! of async generators served by their machines (a pipeline past its
//! taken-over levels) counts each body's poll and each item handed up to
//! a consumer that takes it at once: 20,000 `map` stages run on a test
//! thread's stack.

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

thread_local! {
    /// How many pipeline stages are being polled on this thread's stack,
    /// each inside the one that pulls from it.
    static CHAINED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// How many levels poll straight, before each deeper one checks the
/// stack: sixteen levels of a stage's frames are far inside the red zone.
/// Generators are taken over only that deep (`async_gen`'s `owned.rs`).
pub(crate) const STRAIGHT: u32 = 16;

/// How many levels of such a chain are being polled on this thread's
/// stack.
#[inline(always)]
pub(crate) fn chain_depth() -> u32 {
    CHAINED.with(std::cell::Cell::get)
}

/// Runs `f`, one level of a chain of generators each polled inside the
/// poll of the one that pulls from it (a pipeline's stages, taken over by
/// their consumers): straight on the first levels, through
/// [`on_enough_stack`] deeper. `f` must not unwind (it catches its own
/// panics): the depth is put back as it returns, with no guard to run.
#[inline(always)]
pub(crate) fn chained<R>(f: impl FnOnce() -> R) -> R {
    let depth = CHAINED.with(|chained| chained.replace(chained.get() + 1));
    let out = if depth < STRAIGHT { f() } else { deep(f) };
    CHAINED.with(|chained| chained.set(depth));
    out
}

/// A level past the straight ones, out of the usual course's way.
#[cold]
#[inline(never)]
fn deep<R>(f: impl FnOnce() -> R) -> R {
    on_enough_stack(f)
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
