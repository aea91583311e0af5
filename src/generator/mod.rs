//! Generators: functions that pause at `yield` and resume, with
//! JavaScript's whole protocol (`next(v)`, `throw(e)`, `return(v)`,
//! `yield*`).
//!
//! - [`Gen`] runs a body written as straight-line Rust; [`Co`] is its
//!   handle for yielding.
//! - [`Generator`] is the protocol as a trait, for hand-written state
//!   machines and for delegation.
//! - [`Step`], [`Resume`] and [`Abrupt`] are the protocol's data.

pub(crate) mod airlock;
pub(crate) mod coroutine;
mod protocol;

pub use coroutine::{Body, BoxGen, Co, Gen, TryIter, Yield};
pub use protocol::{Abrupt, Generator, Outcome, Resume, Step, StepResult};
