//! Generators: functions that pause at `yield` and resume, with
//! JavaScript's whole protocol (`next(v)`, `throw(e)`, `return(v)`,
//! `yield*`).
//!
//! - [`Gen`] runs a body written as straight-line Rust; [`Co`] is its
//!   handle for yielding.
//! - [`PinnedGen`] is the same generator with its body stored in place
//!   rather than boxed: pinned where it is resumed, it allocates nothing
//!   and a resume loop runs at the speed of a hand-written state machine.
//! - [`Generator`] is the protocol as a trait, for hand-written state
//!   machines and for delegation.
//! - [`Step`], [`Resume`] and [`Abrupt`] are the protocol's data.
//! - [`for_of`] is `for…of` with JavaScript's early exit: a `break` calls
//!   `return()`, so the generator's cleanup runs.
//!
//! # Implementation notes
//!
//! A generator's body is an `async` block; `co.yield_(v).await` is a future
//! that returns `Pending` once, which is the suspension. Values cross through
//! an *airlock* (`generator/airlock.rs`) that lives on the driver's stack
//! for one poll:
//!
//! 1. `next(r)` writes `Next(r)` (or `Throw(e)`, `Return(v)`) into the
//!    airlock's slot and polls the body with a waker whose data pointer is
//!    the airlock.
//! 2. The yield future at which the body is paused (`generator/co.rs`)
//!    reads the slot through `cx.waker()` and evaluates to `Ok(r)`, or to `Err(Abrupt::Throw(e))` /
//!    `Err(Abrupt::Return(v))`: the body's `?` gives JavaScript's
//!    propagation, a `match` gives `try`/`catch`/`finally` (cleanup may
//!    yield again).
//! 3. The body runs to its next `co.yield_(y)`, which puts `Yielded(y)` in
//!    the slot and returns `Pending`; the driver takes it out. `Ready` means
//!    the body finished. The first `next(r)` goes in the same way; the
//!    body's first yield finds `Next(r)` with no paused yield to take it and
//!    drops it, as JavaScript discards the first value, so `next` reads no
//!    more of the generator's state than "not done".
//!
//! The yield future checks that the waker is baton's (vtable identity) and
//! that the airlock belongs to its own generator (a process-unique owner
//! id): those two checks make the two pointer reads sound, and turn misuse
//! into a clear panic (a `Co` awaited inside another generator, or on an
//! executor). A body that returns `Pending` without yielding awaited
//! something that cannot complete synchronously: the driver panics with that
//! diagnosis instead of hanging. Waker clones forward to an *outer* waker (a
//! no-op here, the task's waker in an async generator), so one airlock
//! serves both: ordinary futures awaited in the body wake the task, yields
//! go through the slot.
//!
//! One allocation per generator: the boxed body, so the generator moves
//! freely; when a generator is made, run and dropped in one function the
//! optimiser removes even that (`tests/allocations.rs` counts). `Gen::resume`
//! is `#[inline(always)]`, so the body's poll can inline into the caller's
//! loop; `BoxGen` trades that for a nameable type. `Gen` is `Send` exactly
//! when its body is; `Co` is an id.
//!
//! A `Gen` is two words: the body's pointer, and its owner id with its
//! state in the same word (the top bit set until the first resume, zero
//! once done; ids are never zero and never reach the top bit). A resume
//! tests that word's sign and goes on: a suspended generator's is a
//! positive id, which is also what its airlock carries.
//!
//! Both generators share one driver (`generator/drive.rs`), which knows a
//! body only as a slot it can poll and empty. Boxed, the body's locals live
//! on the heap, and a resume loop loads and stores them at every step (the
//! store of a counter feeding the next step's load is what a `Gen` resume
//! costs, about 5 cycles). Pinned on the stack of the function that
//! resumes it, a `PinnedGen`'s body is that function's own data: the
//! optimiser splits it into registers, and the loop keeps only the state
//! tests a hand-written machine would have (BENCHMARKS.md).

pub(crate) mod airlock;
pub(crate) mod co;
pub(crate) mod coroutine;
mod drive;
mod pinned;
mod protocol;

pub use co::{Co, Yield};
pub use coroutine::{Body, BoxGen, Gen, TryIter};
pub use pinned::PinnedGen;
pub use protocol::{Abrupt, Generator, Outcome, Resume, Step, StepResult, for_of};
