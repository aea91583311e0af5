//! baton: JavaScript's coroutine machinery, rebuilt in Rust.
//!
//! Control passes back and forth between routines like a baton in a relay.
//! This crate implements, typed and with JavaScript's observable behaviour:
//!
//! - [`generator`]: generators with `next(v)`, `throw(e)`, `return(v)` and
//!   `yield*`, on stable Rust.
//! - [`promise`] on the [`event_loop`]: then/catch/finally, adoption,
//!   combinators, microtasks and timers in Node's order, a virtual clock,
//!   unhandled-rejection reports, and async tasks that await promises.
//! - [`runner`]: `run`/`co` and `wrap`, async/await rebuilt from
//!   generators, with co's parallel arrays, maps, thunks and nested
//!   generators.
//! - [`async_gen`]: async generators (`yield` and `await` in one body) with
//!   JavaScript's request queue, for-await with async cleanup on early
//!   exit, lazy helpers, and `futures::Stream` both ways.
//! - [`saga`]: effects as data, a runtime that interprets them, fork trees
//!   with structured cancellation, and a harness that steps a saga effect
//!   by effect.
//!
//! See `ARCHITECTURE.md` for how the pieces fit together.
//!
//! ```
//! use baton::{Co, Gen, Step};
//!
//! // function* echo() { const first = yield 'pause-1'; ... }
//! let mut echo = Gen::new(|co: Co<&str, &str, &str>| async move {
//!     let first = co.yield_("pause-1").await?;
//!     assert_eq!(first, "A");
//!     let second = co.yield_("pause-2").await?;
//!     assert_eq!(second, "B");
//!     Ok("done")
//! });
//! assert_eq!(echo.next("ignored"), Ok(Step::Yielded("pause-1")));
//! assert_eq!(echo.next("A"), Ok(Step::Yielded("pause-2")));
//! assert_eq!(echo.next("B"), Ok(Step::Returned("done")));
//! ```

#![warn(missing_docs)]

pub mod async_gen;
mod error;
pub mod event_loop;
mod fault;
pub mod generator;
mod inline_fn;
pub mod promise;
mod recycle;
mod roster;
pub mod runner;
pub mod saga;
#[cfg(test)]
mod shortcut_props;
mod stack;

pub use async_gen::AsyncGen;
pub use error::Error;
pub use event_loop::{
    EventLoop, Rejection, TimerId, clear_interval, clear_timeout, now, queue_microtask,
    set_interval, set_timeout,
};
pub use fault::{Fault, FaultKind, Reason};
pub use generator::{
    Abrupt, Body, BoxGen, Co, Gen, Generator, Outcome, PinnedGen, Resume, Step, StepResult,
};
pub use promise::{Promise, Resolution, Resolver, Settle, Thenable, spawn};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
