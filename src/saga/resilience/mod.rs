//! Resilience patterns for sagas (seed 003): retry with backoff, a circuit
//! breaker, compensation (undo in reverse), and resource scopes. Each waits
//! through effects, so it runs on the virtual clock in tests and steps
//! under the [`Stepper`](super::Stepper).

mod breaker;
mod compensation;
mod resources;
mod retry;
mod unwind;

pub use breaker::{BreakerState, CircuitBreaker, CircuitOpen};
pub use compensation::{Compensations, RolledBack, transaction};
pub use resources::{ReleaseFailed, Resources, using, with_resources};
pub use retry::{Retry, SplitMix64};
