//! Testing a saga's branches from where they part (seed 003's FAQ on
//! testing, where the saga branches): a cloneable stepper steps the saga
//! to the branch, and each clone takes one way from there. Mirrors
//! `tests/oracle/saga/branches.js` (redux-saga's `cloneableGenerator`).

use std::fmt;

use baton::saga::{
    Action, CloneableStepper, Description, Finished, Kind, Saga, SagaCo, Stepper, call, cancelled,
    put,
};
use baton::{Abrupt, Error, Gen, Promise};

use crate::seeds::js::Log;

#[derive(Clone, Debug)]
struct Cart {
    items: Vec<&'static str>,
    total: u32,
}

/// `{ type, detail }`, shown as the JavaScript prints it.
#[derive(Clone)]
struct Checkout {
    kind: &'static str,
    detail: Option<String>,
}

impl Checkout {
    fn new(kind: &'static str, detail: Option<String>) -> Self {
        Checkout { kind, detail }
    }
}

impl fmt::Debug for Checkout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind)?;
        match &self.detail {
            Some(detail) => write!(f, " {detail}"),
            None => Ok(()),
        }
    }
}

impl Action for Checkout {
    fn action_type(&self) -> &str {
        self.kind
    }
}

// Stepped, never performed: the test feeds every result.
fn fetch_cart(id: u32) -> Promise<Cart> {
    unreachable!("cart {id} is fed by the test")
}

fn charge(cents: u32) -> Promise<String> {
    unreachable!("the charge of {cents} is fed by the test")
}

fn release_cart(id: u32) -> Promise<()> {
    unreachable!("cart {id}'s release is fed by the test")
}

/// function* checkout(cartId) { … try { … } catch (e) { … } finally { if (yield cancelled()) … } }
fn checkout(log: Log, cart_id: u32) -> impl Saga<Output = String> {
    Gen::new(move |co: SagaCo<String>| async move {
        log.line(format_args!("  (checkout {cart_id} starts)"));
        let cart: Cart = call(&co, fetch_cart, cart_id).await?;
        if cart.items.is_empty() {
            put(&co, Checkout::new("CART_EMPTY", None)).await?;
            return Ok("nothing to pay".into());
        }
        let outcome = match call(&co, charge, cart.total).await {
            Ok(receipt) => put(&co, Checkout::new("PAID", Some(receipt.clone())))
                .await
                .map(|()| format!("paid with {receipt}")),
            Err(Abrupt::Throw(e)) => put(&co, Checkout::new("PAYMENT_FAILED", Some(e.to_string())))
                .await
                .map(|()| format!("failed: {e}")),
            Err(stop) => Err(stop),
        };
        // finally
        if cancelled(&co).await? {
            call(&co, release_cart, cart_id).await?;
        }
        outcome
    })
}

/// What a step asked for, or how the saga ended.
fn show(step: Result<Description, Finished<String>>) -> String {
    match step {
        Ok(effect) => match effect.kind {
            Kind::Call => format!("call {}({})", effect.name, effect.args),
            Kind::Put => format!("put {}", effect.args),
            Kind::Cancelled => "cancelled()".into(),
            other => format!("{other:?}"),
        },
        Err(Ok(value)) if value.is_empty() => "done: (nothing)".into(),
        Err(Ok(value)) => format!("done: {value}"),
        Err(Err(error)) => format!("threw: {error}"),
    }
}

pub fn branches() -> String {
    let log = Log::default();
    let say = |what: &str, step| log.line(format_args!("{what} -> {}", show(step)));
    let l = log.clone();
    let mut steps: CloneableStepper<_> = Stepper::cloneable(move || checkout(l.clone(), 7));

    log.line("the saga, stepped to its first call:");
    say("start", steps.next_effect());

    log.line("an empty cart (a clone):");
    let mut empty = steps.clone();
    say(
        "feed cart []",
        empty.feed(Cart {
            items: vec![],
            total: 0,
        }),
    );
    say("feed put's result", empty.feed(()));

    log.line("a full cart, stepped to the charge:");
    let cart = Cart {
        items: vec!["tea", "cake"],
        total: 1250,
    };
    say("feed cart [tea, cake]", steps.feed(cart));

    log.line("the charge goes through (a clone):");
    let mut paid = steps.clone();
    say("feed receipt r-1", paid.feed("r-1".to_string()));
    say("feed put's result", paid.feed(()));
    say("feed cancelled() false", paid.feed(false));

    log.line("the charge fails (a clone):");
    let mut failed = steps.clone();
    say("throw declined", failed.fail(Error::msg("declined")));
    say("feed put's result", failed.feed(()));
    say("feed cancelled() false", failed.feed(false));

    log.line("cancelled while charging (the original, return()ed):");
    say("return()", steps.end());

    log.line("a clone made in the cleanup, told it was not cancelled:");
    let mut cleanup = steps.clone();
    say("feed cancelled() false", cleanup.feed(false));

    log.line("the original goes on with its cleanup:");
    say("feed cancelled() true", steps.feed(true));
    say("feed release's result", steps.feed(()));
    log.text()
}
