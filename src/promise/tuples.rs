//! `Promise.all` over a tuple of promises of different types.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::Promise;
use crate::Reason;

/// `Promise.all([a, b, …])` where each promise has its own value type: the
/// result is the tuple of values, in order; the first rejection wins.
///
/// ```
/// use baton::{EventLoop, Promise, promise::AllTuple};
///
/// let p = EventLoop::virtual_clock().run(|| {
///     (Promise::<u8>::resolve(1), Promise::resolve("two"), Promise::resolve(3.0)).all()
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some((1, "two", 3.0)));
/// ```
pub trait AllTuple<E> {
    /// The tuple of values.
    type Output;
    /// Waits for every promise; see the trait docs.
    ///
    /// ```
    /// use baton::{Error, EventLoop, Promise, promise::AllTuple};
    ///
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     (Promise::<u8>::resolve(1), Promise::<&str>::reject(Error::msg("second failed")))
    ///         .all()
    ///         .then_else(|_| Ok::<_, Error>(String::new()), |e| Ok(e.to_string()))
    /// });
    /// assert_eq!(p.peek().and_then(Result::ok).as_deref(), Some("second failed"));
    /// ```
    fn all(self) -> Promise<Self::Output, E>;
}

macro_rules! all_tuple {
    ($n:expr; $($value:ident $index:tt),+) => {
        impl<E: Reason, $($value: Clone + 'static),+> AllTuple<E> for ($(Promise<$value, E>,)+) {
            type Output = ($($value,)+);

            #[allow(non_snake_case)]
            fn all(self) -> Promise<Self::Output, E> {
                let (result, resolver) = Promise::with_resolver();
                let slots: Rc<RefCell<($(Option<$value>,)+)>> = Rc::default();
                let remaining = Rc::new(Cell::new($n));
                let finish = {
                    let (slots, resolver) = (slots.clone(), resolver.clone());
                    Rc::new(move || {
                        let mut slots = slots.borrow_mut();
                        if let ($(Some($value),)+) = ($(slots.$index.take(),)+) {
                            resolver.resolve(($($value,)+));
                        }
                    })
                };
                $(
                    {
                        let (slots, remaining, resolver, finish) =
                            (slots.clone(), remaining.clone(), resolver.clone(), finish.clone());
                        self.$index.subscribe(move |outcome| match outcome {
                            Ok(value) => {
                                slots.borrow_mut().$index = Some(value);
                                remaining.set(remaining.get() - 1);
                                if remaining.get() == 0 {
                                    finish();
                                }
                            }
                            Err(reason) => resolver.reject(reason),
                        });
                    }
                )+
                result
            }
        }
    };
}

all_tuple!(1; A 0);
all_tuple!(2; A 0, B 1);
all_tuple!(3; A 0, B 1, C 2);
all_tuple!(4; A 0, B 1, C 2, D 3);
all_tuple!(5; A 0, B 1, C 2, D 3, F 4);
all_tuple!(6; A 0, B 1, C 2, D 3, F 4, G 5);
