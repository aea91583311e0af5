//! Retry with exponential backoff and jitter.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use crate::Error;
use crate::generator::Abrupt;
use crate::saga::{Callee, SagaCo, call, delay};

/// A small seedable random source (SplitMix64): deterministic jitter in
/// tests without a dependency.
///
/// ```
/// use baton::saga::resilience::SplitMix64;
/// let (mut a, mut b) = (SplitMix64::new(7), SplitMix64::new(7));
/// assert_eq!(a.next_f64(), b.next_f64());
/// assert!((0.0..1.0).contains(&a.next_f64()));
/// ```
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A source starting from `seed`.
    ///
    /// ```
    /// use baton::saga::resilience::SplitMix64;
    ///
    /// let mut a = SplitMix64::new(1);
    /// let mut b = SplitMix64::new(2);
    /// assert_ne!(a.next_f64(), b.next_f64()); // another seed, another sequence
    /// ```
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next number in `[0, 1)`.
    ///
    /// ```
    /// use baton::saga::resilience::SplitMix64;
    ///
    /// let mut r = SplitMix64::new(42);
    /// let draws: Vec<f64> = (0..1_000).map(|_| r.next_f64()).collect();
    /// assert!(draws.iter().all(|x| (0.0..1.0).contains(x)));
    /// ```
    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

type Random = Rc<RefCell<dyn FnMut() -> f64>>;
type Observer = Rc<dyn Fn(u32, u32, &Error)>;

/// A retry policy: how many attempts, how long to wait between them
/// (`base · factor^(attempt-1)`, capped, plus up to `jitter` of it at
/// random), and which errors are worth retrying. Seed 003's `retryable`.
///
/// ```
/// use baton::{Error, EventLoop, Gen, Promise, now};
/// use baton::saga::{SagaCo, run_saga};
/// use baton::saga::resilience::Retry;
/// use std::{cell::Cell, rc::Rc, time::Duration};
///
/// let calls = Rc::new(Cell::new(0));
/// let c = calls.clone();
/// let flaky = move |()| {
///     c.set(c.get() + 1);
///     if c.get() < 3 { Promise::reject(Error::msg("503")) } else { Promise::resolve("ok") }
/// };
/// let policy = Retry::new(5).base(Duration::from_millis(100)).jitter(0.0);
/// let p = EventLoop::virtual_clock().run(move || {
///     run_saga(Gen::new(move |co: SagaCo<(&'static str, Duration)>| async move {
///         let v = policy.call(&co, flaky, ()).await?;
///         Ok((v, now()))
///     })).promise()
/// });
/// // Two failures: waits of 100 ms and 200 ms.
/// assert_eq!(p.peek().and_then(Result::ok), Some(("ok", Duration::from_millis(300))));
/// ```
#[derive(Clone)]
pub struct Retry {
    attempts: u32,
    base: Duration,
    factor: f64,
    max_delay: Duration,
    jitter: f64,
    random: Random,
    retry_if: Rc<dyn Fn(&Error) -> bool>,
    on_failure: Option<Observer>,
}

impl fmt::Debug for Retry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Retry")
            .field("attempts", &self.attempts)
            .field("base", &self.base)
            .field("factor", &self.factor)
            .field("max_delay", &self.max_delay)
            .field("jitter", &self.jitter)
            .finish_non_exhaustive()
    }
}

impl Retry {
    /// Up to `attempts` attempts (at least one), 1 s base, doubling, capped
    /// at 30 s, 10% jitter from a fixed seed, every error retried.
    ///
    /// ```
    /// use baton::saga::resilience::Retry;
    /// use std::time::Duration;
    ///
    /// let policy = Retry::new(4).jitter(0.0);
    /// assert_eq!(policy.delay_after(1), Duration::from_secs(1)); // 1 s base
    /// assert_eq!(policy.delay_after(2), Duration::from_secs(2)); // doubling
    /// assert_eq!(policy.delay_after(10), Duration::from_secs(30)); // capped at 30 s
    /// ```
    pub fn new(attempts: u32) -> Self {
        let mut source = SplitMix64::new(0x5EED);
        Retry {
            attempts: attempts.max(1),
            base: Duration::from_secs(1),
            factor: 2.0,
            max_delay: Duration::from_secs(30),
            jitter: 0.1,
            random: Rc::new(RefCell::new(move || source.next_f64())),
            retry_if: Rc::new(|_| true),
            on_failure: None,
        }
    }

    /// The first wait.
    ///
    /// ```
    /// use baton::saga::resilience::Retry;
    /// use std::time::Duration;
    ///
    /// let policy = Retry::new(3).base(Duration::from_millis(50)).jitter(0.0);
    /// assert_eq!(policy.delay_after(1), Duration::from_millis(50));
    /// ```
    #[must_use = "a builder method returns the changed value"]
    pub fn base(mut self, base: Duration) -> Self {
        self.base = base;
        self
    }

    /// How much each wait grows.
    ///
    /// ```
    /// use baton::saga::resilience::Retry;
    /// use std::time::Duration;
    ///
    /// let policy = Retry::new(3).base(Duration::from_millis(10)).factor(3.0).jitter(0.0);
    /// assert_eq!(policy.delay_after(3), Duration::from_millis(90));
    /// ```
    #[must_use = "a builder method returns the changed value"]
    pub fn factor(mut self, factor: f64) -> Self {
        self.factor = factor;
        self
    }

    /// The longest wait (before jitter).
    ///
    /// ```
    /// use baton::saga::resilience::Retry;
    /// use std::time::Duration;
    ///
    /// let policy = Retry::new(9).max_delay(Duration::from_secs(5)).jitter(0.0);
    /// assert_eq!(policy.delay_after(8), Duration::from_secs(5));
    /// ```
    #[must_use = "a builder method returns the changed value"]
    pub fn max_delay(mut self, max: Duration) -> Self {
        self.max_delay = max;
        self
    }

    /// Adds up to `ratio` of each wait at random.
    ///
    /// ```
    /// use baton::saga::resilience::Retry;
    /// use std::time::Duration;
    ///
    /// let policy = Retry::new(3).base(Duration::from_millis(100)).jitter(0.5).seed(7);
    /// let wait = policy.delay_after(1);
    /// assert!(wait >= Duration::from_millis(100) && wait < Duration::from_millis(150));
    /// ```
    #[must_use = "a builder method returns the changed value"]
    pub fn jitter(mut self, ratio: f64) -> Self {
        self.jitter = ratio.max(0.0);
        self
    }

    /// Draws the jitter from a [`SplitMix64`] seeded with `seed`.
    ///
    /// ```
    /// use baton::saga::resilience::Retry;
    ///
    /// let a = Retry::new(3).seed(99);
    /// let b = Retry::new(3).seed(99);
    /// assert_eq!(a.delay_after(1), b.delay_after(1)); // the same seed, the same jitter
    /// ```
    #[must_use = "a builder method returns the changed value"]
    pub fn seed(self, seed: u64) -> Self {
        let mut source = SplitMix64::new(seed);
        self.random_source(move || source.next_f64())
    }

    /// Draws the jitter from `random` (numbers in `[0, 1)`).
    ///
    /// ```
    /// use baton::saga::resilience::Retry;
    /// use std::time::Duration;
    ///
    /// // Always the largest jitter: 10% more than the backoff.
    /// let policy = Retry::new(3).base(Duration::from_millis(100)).jitter(0.1).random_source(|| 0.999_999);
    /// assert!(policy.delay_after(1) > Duration::from_millis(109));
    /// ```
    #[must_use = "a builder method returns the changed value"]
    pub fn random_source(mut self, random: impl FnMut() -> f64 + 'static) -> Self {
        self.random = Rc::new(RefCell::new(random));
        self
    }

    /// Retries only the errors `predicate` accepts; others fail at once.
    ///
    /// ```
    /// use baton::saga::resilience::Retry;
    /// use baton::saga::{SagaCo, run_saga};
    /// use baton::{Error, EventLoop, Gen, Promise};
    /// use std::{cell::Cell, rc::Rc};
    ///
    /// let calls = Rc::new(Cell::new(0));
    /// let c = calls.clone();
    /// let not_found = move |()| {
    ///     c.set(c.get() + 1);
    ///     Promise::<u32>::reject(Error::msg("404"))
    /// };
    /// let policy = Retry::new(5).retry_if(|e| e.to_string() != "404");
    /// let p = EventLoop::virtual_clock().run(move || {
    ///     run_saga(Gen::new(move |co: SagaCo<u32>| async move { policy.call(&co, not_found, ()).await })).promise()
    /// });
    /// assert_eq!(p.peek().and_then(Result::err).map(|e| e.to_string()).as_deref(), Some("404"));
    /// assert_eq!(calls.get(), 1); // not worth retrying
    /// ```
    #[must_use = "a builder method returns the changed value"]
    pub fn retry_if(mut self, predicate: impl Fn(&Error) -> bool + 'static) -> Self {
        self.retry_if = Rc::new(predicate);
        self
    }

    /// Calls `observer(attempt, attempts, error)` after each failed attempt.
    ///
    /// ```
    /// use baton::saga::resilience::Retry;
    /// use baton::saga::{SagaCo, run_saga};
    /// use baton::{Error, EventLoop, Gen, Promise};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// let l = log.clone();
    /// let policy = Retry::new(3).on_failure(move |n, of, e| l.borrow_mut().push(format!("attempt {n}/{of}: {e}")));
    /// EventLoop::virtual_clock().run(move || {
    ///     run_saga(Gen::new(move |co: SagaCo<u32>| async move {
    ///         policy.call(&co, |()| Promise::<u32>::reject(Error::msg("down")), ()).await
    ///     }))
    ///     .promise()
    ///     .catch(|_| Ok::<_, Error>(0))
    /// });
    /// assert_eq!(*log.borrow(), ["attempt 1/3: down", "attempt 2/3: down", "attempt 3/3: down"]);
    /// ```
    #[must_use = "a builder method returns the changed value"]
    pub fn on_failure(mut self, observer: impl Fn(u32, u32, &Error) + 'static) -> Self {
        self.on_failure = Some(Rc::new(observer));
        self
    }

    /// The wait after failed attempt `attempt` (1-based), jitter included.
    /// Settings no wait can follow are read as the nearest wait there is,
    /// not a panic: a negative wait (a negative factor, a random source
    /// drawing below 0) is none, one past [`Duration::MAX`] (an endless
    /// jitter or cap) is `Duration::MAX`, and a NaN backoff is the cap.
    ///
    /// ```
    /// use baton::saga::resilience::Retry;
    /// use std::time::Duration;
    ///
    /// let policy = Retry::new(5).base(Duration::from_millis(100)).jitter(0.0);
    /// let waits: Vec<Duration> = (1..=3).map(|n| policy.delay_after(n)).collect();
    /// assert_eq!(waits, [100, 200, 400].map(Duration::from_millis));
    /// ```
    pub fn delay_after(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(63) as i32;
        let backoff = self.base.as_secs_f64() * self.factor.powi(exponent);
        let backoff = backoff.min(self.max_delay.as_secs_f64());
        let jitter = (self.random.borrow_mut())() * backoff * self.jitter;
        let wait = backoff + jitter;
        if wait.is_nan() || wait <= 0.0 {
            return Duration::ZERO;
        }
        Duration::try_from_secs_f64(wait).unwrap_or(Duration::MAX)
    }

    /// `yield* retryable(operation)`: calls `f(arg)` until it succeeds, an
    /// error is not retryable, or the attempts run out (then the last error
    /// is thrown). The waits are delay effects.
    ///
    /// # Errors
    ///
    /// `Err(Abrupt::Throw(e))` with the last error once the attempts run out,
    /// or at once with an error the policy does not retry;
    /// `Err(Abrupt::Return(_))` if the saga is cancelled while it waits (see
    /// [errors of an effect](crate::saga#errors-of-an-effect)).
    ///
    /// ```
    /// use baton::saga::resilience::Retry;
    /// use baton::saga::{SagaCo, run_saga};
    /// use baton::{Error, EventLoop, Gen, Promise};
    ///
    /// // The attempts run out: the last error is thrown into the saga.
    /// let policy = Retry::new(2).base(std::time::Duration::from_millis(1));
    /// let p = EventLoop::virtual_clock().run(move || {
    ///     run_saga(Gen::new(move |co: SagaCo<String>| async move {
    ///         match policy.call(&co, |()| Promise::<u32>::reject(Error::msg("gave up")), ()).await {
    ///             Ok(v) => Ok(v.to_string()),
    ///             Err(baton::Abrupt::Throw(e)) => Ok(format!("caught: {e}")),
    ///             Err(other) => Err(other),
    ///         }
    ///     }))
    ///     .promise()
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok).as_deref(), Some("caught: gave up"));
    /// ```
    pub async fn call<T, A, C, F>(
        &self,
        co: &SagaCo<T>,
        f: F,
        arg: A,
    ) -> Result<C::Output, Abrupt<Error, T>>
    where
        A: Clone + fmt::Debug + 'static,
        C: Callee,
        F: Fn(A) -> C + Clone + 'static,
    {
        let mut attempt = 1;
        loop {
            let error = match call(co, f.clone(), arg.clone()).await {
                Err(Abrupt::Throw(error)) => error,
                done => return done,
            };
            if let Some(observer) = &self.on_failure {
                observer(attempt, self.attempts, &error);
            }
            if attempt >= self.attempts || !(self.retry_if)(&error) {
                return Err(Abrupt::Throw(error));
            }
            let wait = self.delay_after(attempt);
            delay(co, u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)).await?;
            attempt += 1;
        }
    }
}
