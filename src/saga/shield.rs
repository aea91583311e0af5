//! Uninterruptible regions: work a cancellation waits for (Effect-TS's
//! `uninterruptible`, Temporal's non-cancellable scope).

use std::future::Future;
use std::rc::Rc;

use super::SagaCo;
use super::effect::{Description, Effect, Kind, Running, unit, yield_typed};
use crate::generator::Abrupt;
use crate::{Error, Promise};

const NAME: &str = "uninterruptible";

fn described(args: &str) -> Description {
    Description {
        kind: Kind::Uninterruptible,
        name: NAME.into(),
        args: args.into(),
    }
}

/// Enters the region; resumes at once with whether the saga was in one.
fn enter_effect() -> Effect {
    Effect::new(
        (),
        |_: &()| described("enter"),
        |(), scope| Running::now(Ok(Rc::new(scope.shield()))),
    )
}

/// Leaves the outermost region; a halt put off meanwhile takes effect
/// here, at this yield, as a cancellation of a saga waiting on it would.
fn leave_effect() -> Effect {
    Effect::new(
        (),
        |_: &()| described("leave"),
        |(), scope| {
            if scope.unshield() {
                // Halted: its cleanup is driven through `return()` from here.
                Running::new(Promise::new(|_| {}))
            } else {
                Running::now(Ok(unit()))
            }
        },
    )
}

/// Runs `region` to its end even if the saga is cancelled meanwhile: a
/// cancellation (or an attached child's failure) that comes while it runs
/// waits, and takes effect as the region ends, at that point of the body,
/// as if it had come then; the children's cancellation waits too. For work
/// that must not stop halfway: charge a card *and* record the charge.
///
/// Regions nest (the outermost one decides). A cancellation that waited
/// wins over the region's own outcome: the saga goes on to its cleanup
/// with `Err(Abrupt::Return(_))`, as it would have had the cancellation
/// come after the region. `cancelled()` is false inside the region until
/// then. Under [`Stepper`](super::Stepper) the region shows as two
/// effects, `uninterruptible(enter)`, fed whether the saga was in a region
/// already (`false`), and `uninterruptible(leave)`, fed `()`; the runtime
/// answers both at once.
///
/// # Errors
///
/// The region's own error, or `Err(Abrupt::Return(_))` when the saga was
/// cancelled meanwhile (see [errors of an effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::saga::{SagaCo, delay, run_saga, uninterruptible};
/// use baton::{Abrupt, Error, EventLoop, Gen, now, set_timeout};
/// use std::{cell::RefCell, rc::Rc, time::Duration};
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// let checkout = Gen::new(move |co: SagaCo<()>| async move {
///     let paid = uninterruptible(&co, async {
///         delay(&co, 100).await?; // charge the card
///         delay(&co, 50).await?; // record the charge
///         l.borrow_mut().push(format!("{:?} charged and recorded", now()));
///         Ok(())
///     })
///     .await;
///     if let Err(Abrupt::Return(_)) = paid {
///         l.borrow_mut().push(format!("{:?} cancelled after the payment", now()));
///     }
///     paid?;
///     delay(&co, 500).await // send the receipt
/// });
/// EventLoop::virtual_clock().run(move || {
///     let task = run_saga(checkout);
///     set_timeout(move || task.cancel(Error::msg("user left")), Duration::from_millis(30));
/// });
/// assert_eq!(
///     *log.borrow(),
///     ["150ms charged and recorded", "150ms cancelled after the payment"]
/// );
/// ```
pub async fn uninterruptible<T, X>(
    co: &SagaCo<T>,
    region: impl Future<Output = Result<X, Abrupt<Error, T>>>,
) -> Result<X, Abrupt<Error, T>> {
    let nested: bool = yield_typed(co, enter_effect(), Kind::Uninterruptible, NAME).await?;
    let out = region.await;
    if !nested {
        co.yield_(leave_effect()).await?;
    }
    out
}
