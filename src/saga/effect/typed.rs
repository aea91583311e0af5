//! Typed effects: a saga's typed helpers yield an effect and turn the
//! [`Value`] it resumes with back into the type the effect produces.

use std::any::{Any, TypeId};
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{Effect, Kind, Value};
use crate::Error;
use crate::generator::Yield;

/// The last segment of a function's type name: `fake_fetch` for
/// `crate::api::fake_fetch`.
pub(crate) fn short_name<F>() -> &'static str {
    let full = std::any::type_name::<F>();
    let mut trimmed = full;
    while let Some(outer) = trimmed.strip_suffix("::{{closure}}") {
        trimmed = outer; // a closure is named after the function it is in
    }
    trimmed.rsplit("::").next().unwrap_or(full)
}

/// An effect's name, worked out only when needed: finding a function's
/// short name searches its type name, which is too slow for every call.
pub(crate) trait Name {
    fn name(&self) -> &str;
}

impl Name for &str {
    fn name(&self) -> &str {
        self
    }
}

impl Name for fn() -> &'static str {
    fn name(&self) -> &str {
        self()
    }
}

impl Name for Box<str> {
    fn name(&self) -> &str {
        self
    }
}

/// Turns a resumed value back into the type the effect produces; a
/// mismatch (a test fed the wrong type) names the effect.
pub(crate) fn downcast<U: Clone + 'static>(
    value: &Value,
    kind: Kind,
    name: impl Name,
) -> Result<U, Error> {
    if let Some(value) = crate::promise::fulfilled_value::<U>(value) {
        return Ok(value);
    }
    value.downcast_ref::<U>().cloned().ok_or_else(|| {
        Error::msg(format!(
            "the result fed to `{kind:?} {}` is not of type {}",
            name.name(),
            std::any::type_name::<U>()
        ))
    })
}

/// [`downcast`], taking the value: a fulfilled promise handed over as the
/// value is let go of here, where its cell can be recycled, and a value
/// no one else holds is moved out. Asked for a `Value` itself, a `Value`
/// boxed (a callee returning `Promise<Value>`) is unboxed, and any other
/// is taken as it is (a part of a typed combinator over mixed types, or a
/// value a test fed as it is).
#[inline(always)]
pub(crate) fn take_value<U: Clone + 'static>(
    value: Value,
    kind: Kind,
    name: impl Name,
) -> Result<U, Error> {
    match crate::promise::take_fulfilled_value::<U>(value) {
        Ok(value) => Ok(value),
        // Moved out when this was the value's last handle (a vector of an
        // `all`'s values, each then taken in turn), else cloned.
        Err(value) => match value.downcast::<U>() {
            Ok(value) => Ok(std::rc::Rc::try_unwrap(value).unwrap_or_else(|v| (*v).clone())),
            Err(value) => match same_type::<Value, U>(value) {
                Ok(same) => Ok(same),
                Err(value) => downcast(&value, kind, name),
            },
        },
    }
}

/// `value` as a `B`, if `A` and `B` are one type (a `Value` asked for, or
/// fed, as a `Value`): the one way to say so to the compiler without
/// `unsafe` is a downcast. The value back otherwise.
fn same_type<A: 'static, B: 'static>(value: A) -> Result<B, A> {
    let mut slot = Some(value);
    let taken = (&mut slot as &mut dyn Any)
        .downcast_mut::<Option<B>>()
        .and_then(Option::take);
    match (taken, slot) {
        (Some(same), _) => Ok(same),
        (None, Some(value)) => Err(value),
        (None, None) => unreachable!("the downcast takes the value only when it succeeds"),
    }
}

/// A value fed to a saga (by a test): boxed, unless it is a `Value`
/// already, which goes in as it is.
pub(crate) fn into_value<U: 'static>(value: U) -> Value {
    same_type::<U, Value>(value).unwrap_or_else(|value| std::rc::Rc::new(value) as Value)
}

/// Whether a typed combinator (`all`, `race`, …) was asked for `Value`s:
/// its parts are of mixed types, so each value comes back as it came. Such
/// a combinator is performed without promise handles ([`take_value`]
/// reads a promise's value only knowing its type).
pub(crate) fn wants_values<U: 'static>() -> bool {
    TypeId::of::<U>() == TypeId::of::<Value>()
}

/// Yields `effect` and turns its result into `U`.
pub(crate) fn yield_typed<T, U: Clone + 'static, N: Name>(
    co: &crate::saga::SagaCo<T>,
    effect: Effect,
    kind: Kind,
    name: N,
) -> Typed<T, U, N> {
    Typed {
        step: co.yield_(effect),
        kind,
        name,
        types: PhantomData,
    }
}

/// The future of [`yield_typed`], written out rather than an `async fn`
/// so its poll can be marked to inline into the saga's body: left to the
/// inliner, whether it was inlined changed with unrelated code, and a saga
/// step with it.
#[must_use = "an effect does nothing unless awaited"]
pub(crate) struct Typed<T, U, N> {
    step: Yield<Effect, Value, T, Error>,
    kind: Kind,
    name: N,
    types: PhantomData<fn() -> U>,
}

impl<T, U: Clone + 'static, N: Name + Copy + Unpin> Future for Typed<T, U, N> {
    type Output = Result<U, crate::Abrupt<Error, T>>;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match Pin::new(&mut this.step).poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(abrupt)) => Poll::Ready(Err(abrupt)),
            Poll::Ready(Ok(value)) => {
                Poll::Ready(take_value(value, this.kind, this.name).map_err(crate::Abrupt::Throw))
            }
        }
    }
}
