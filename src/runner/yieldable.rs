//! What a generator driven by [`run`](super::run) may yield: anything the
//! runner can wait for, as co accepts promises, thunks, arrays, objects and
//! generators.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::hash::Hash;

use crate::generator::{Gen, Outcome};
use crate::promise::{AllTuple, all};
use crate::{Promise, Reason, spawn};

/// Something the runner waits for; its value is sent back into the
/// generator with `next(v)`, its error thrown in with `throw(e)`.
///
/// | co yields                  | baton yields                      | resumes with      |
/// |----------------------------|-----------------------------------|-------------------|
/// | a promise                  | `Promise<V, E>`                   | `V`               |
/// | a plain value              | `Ok(v)` (a `Result<V, E>`)        | `V`               |
/// | any thenable / future      | [`future`]`(f)`                   | `V`               |
/// | a thunk `fn(done)`         | [`thunk`]`(f)`                    | `V`               |
/// | an array of the above      | `Vec<P>`                          | `Vec<V>`, in order|
/// | an object of the above     | `BTreeMap<K, P>` / `HashMap<K, P>`| the same keys     |
/// | `[a, b]` of mixed kinds    | a tuple `(P1, P2, …)` (up to 4)   | `(V1, V2, …)`     |
/// | a generator                | a [`Gen`] whose yields are these  | its return value  |
/// | a generator function       | a closure that makes a [`Gen`]    | its return value  |
///
/// Arrays, maps and tuples wait in parallel, like `Promise.all`, and take
/// co 4.6's turns (`tests/oracle/runner/co_turns.js` runs co itself): a
/// map keeps a plain value (`Ok(v)`) as it is and waits for each other
/// member through a `then` of its own, one turn more than a `Vec`.
///
/// ```
/// use baton::runner::Yieldable;
/// use baton::{Error, EventLoop, Promise};
///
/// // A value is a promise already settled; a Vec waits for all, in order.
/// let p = EventLoop::virtual_clock().run(|| {
///     vec![Promise::<u8>::resolve(1), Promise::resolve(2)].into_promise()
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(vec![1, 2]));
/// let v: Promise<u8, Error> = Yieldable::<u8, Error>::into_promise(Ok::<u8, Error>(3));
/// assert_eq!(v.peek().and_then(Result::ok), Some(3));
/// ```
pub trait Yieldable<V, E> {
    /// The promise of this yield's value.
    ///
    /// ```
    /// use baton::runner::Yieldable;
    /// use baton::{Error, EventLoop, Promise};
    /// use std::collections::BTreeMap;
    ///
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     let mut parts = BTreeMap::new();
    ///     parts.insert("user", Promise::<u32>::resolve(1));
    ///     parts.insert("posts", Promise::resolve(12));
    ///     Yieldable::<BTreeMap<&str, u32>, Error>::into_promise(parts)
    /// });
    /// let got = p.peek().and_then(Result::ok).expect("all settled");
    /// assert_eq!((got["user"], got["posts"]), (1, 12));
    /// ```
    fn into_promise(self) -> Promise<V, E>;

    /// What this is to co inside an object: a plain value, kept as it is
    /// (no promise, no turn), or something to wait for.
    ///
    /// ```
    /// use baton::runner::{Member, Yieldable};
    /// use baton::{Error, EventLoop, Promise};
    ///
    /// EventLoop::virtual_clock().run(|| {
    ///     assert!(matches!(Yieldable::<u8, Error>::into_member(Ok::<u8, Error>(1)), Member::Value(1)));
    ///     assert!(matches!(Promise::<u8>::resolve(1).into_member(), Member::Wait(_)));
    /// });
    /// ```
    fn into_member(self) -> Member<V, E>
    where
        Self: Sized,
    {
        Member::Wait(self.into_promise())
    }
}

/// A member of a keyed collection, as co's `objectToPromise` sees it: a
/// plain value is kept as it is; anything else is waited for.
///
/// ```
/// use baton::runner::Member;
/// use baton::{Error, Promise};
///
/// let members: [Member<u8, Error>; 2] = [Member::Value(1), Member::Wait(Promise::resolve(2))];
/// assert!(matches!(members[0], Member::Value(1)));
/// ```
#[derive(Debug)]
pub enum Member<V, E> {
    /// A plain value.
    Value(V),
    /// Something to wait for, as its promise.
    Wait(Promise<V, E>),
}

impl<V: Clone + 'static, E: Reason> Yieldable<V, E> for Promise<V, E> {
    fn into_promise(self) -> Promise<V, E> {
        self
    }
}

/// A plain value (`Ok`) or a thrown error (`Err`), treated as already
/// settled, as seed 002's `run()` treats a non-promise (co 4.6 throws a
/// `TypeError` into the generator instead; inside an array or an object,
/// co keeps a plain value as it is, and so does baton).
impl<V: Clone + 'static, E: Reason> Yieldable<V, E> for Result<V, E> {
    fn into_promise(self) -> Promise<V, E> {
        Promise::from_resolution(self)
    }

    fn into_member(self) -> Member<V, E> {
        match self {
            Ok(value) => Member::Value(value),
            Err(error) => Member::Wait(Promise::reject(error)),
        }
    }
}

impl<V: Clone + 'static, E: Reason, P: Yieldable<V, E>> Yieldable<Vec<V>, E> for Vec<P> {
    fn into_promise(self) -> Promise<Vec<V>, E> {
        all(self.into_iter().map(Yieldable::into_promise))
    }
}

/// Waits for every value of a keyed collection, in parallel; the result
/// has the same keys. As co's `objectToPromise`: a plain value is kept as
/// it is, and each member to wait for is waited for through a `then` of
/// its own before `Promise.all` of them (one turn more than an array).
fn keyed<K, V, E, P, C>(entries: impl IntoIterator<Item = (K, P)>) -> Promise<C, E>
where
    K: 'static,
    V: Clone + 'static,
    E: Reason,
    P: Yieldable<V, E>,
    C: FromIterator<(K, V)> + Clone + 'static,
{
    let (mut keys, mut slots, mut waiting, mut waits) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, (key, member)) in entries.into_iter().enumerate() {
        keys.push(key);
        match member.into_member() {
            Member::Value(value) => slots.push(Some(value)),
            Member::Wait(promise) => {
                slots.push(None);
                waiting.push(i);
                // co's `then` of its own for each member: one turn more.
                waits.push(promise.map(|value| value));
            }
        }
    }
    all(waits).map(move |values| {
        for (i, value) in waiting.into_iter().zip(values) {
            slots[i] = Some(value);
        }
        keys.into_iter()
            .zip(slots)
            .filter_map(|(key, value)| Some((key, value?)))
            .collect()
    })
}

impl<K, V, E, P> Yieldable<BTreeMap<K, V>, E> for BTreeMap<K, P>
where
    K: Ord + Clone + 'static,
    V: Clone + 'static,
    E: Reason,
    P: Yieldable<V, E>,
{
    fn into_promise(self) -> Promise<BTreeMap<K, V>, E> {
        keyed(self)
    }
}

impl<K, V, E, P> Yieldable<HashMap<K, V>, E> for HashMap<K, P>
where
    K: Eq + Hash + Clone + 'static,
    V: Clone + 'static,
    E: Reason,
    P: Yieldable<V, E>,
{
    fn into_promise(self) -> Promise<HashMap<K, V>, E> {
        keyed(self)
    }
}

macro_rules! yieldable_tuple {
    ($($p:ident $v:ident $i:tt),+) => {
        impl<E: Reason, $($v: Clone + 'static, $p: Yieldable<$v, E>),+> Yieldable<($($v,)+), E>
            for ($($p,)+)
        {
            fn into_promise(self) -> Promise<($($v,)+), E> {
                ($(self.$i.into_promise(),)+).all()
            }
        }
    };
}

yieldable_tuple!(P1 V1 0, P2 V2 1);
yieldable_tuple!(P1 V1 0, P2 V2 1, P3 V3 2);
yieldable_tuple!(P1 V1 0, P2 V2 1, P3 V3 2, P4 V4 3);

/// A nested generator: run to completion by the same runner; its return
/// value is what the outer `yield` evaluates to.
impl<F, Y, R, T, E> Yieldable<T, E> for Gen<F, Y, R, T, E>
where
    F: Future<Output = Outcome<T, E>> + 'static,
    Y: Yieldable<R, E> + 'static,
    R: Default + Clone + 'static,
    T: Clone + 'static,
    E: Reason,
{
    fn into_promise(self) -> Promise<T, E> {
        super::run(self)
    }
}

/// A generator function (a closure that makes a generator): called, and
/// its generator run to completion as a nested one is (co's
/// `yield function* () { … }`).
///
/// ```
/// use baton::runner::run;
/// use baton::{Co, Error, EventLoop, Gen, Promise};
///
/// let p = EventLoop::virtual_clock().run(|| {
///     run(Gen::new(|co: Co<_, u32, u32, Error>| async move {
///         let make = || Gen::new(|_co: Co<Promise<u32>, u32, u32, Error>| async move { Ok(5) });
///         Ok(co.yield_(make).await? + 1)
///     }))
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(6));
/// ```
impl<M, F, Y, R, T, E> Yieldable<T, E> for M
where
    M: FnOnce() -> Gen<F, Y, R, T, E>,
    Gen<F, Y, R, T, E>: Yieldable<T, E>,
{
    fn into_promise(self) -> Promise<T, E> {
        self().into_promise()
    }
}

/// A callback-style function (co's "thunk"): it is called with a
/// completion callback and calls it once, with `Ok(value)` or `Err(e)`
/// (Node's `done(err, value)`).
///
/// ```
/// use baton::runner::{Thunk, Yieldable, thunk};
/// use baton::{Error, EventLoop};
///
/// let t: Thunk<&str, Error> = thunk(|done| done(Ok("called back")));
/// let p = EventLoop::virtual_clock().run(|| t.into_promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some("called back"));
/// ```
pub struct Thunk<V, E>(Box<dyn FnOnce(Done<V, E>)>);

/// The completion callback a [`Thunk`] receives.
///
/// ```
/// use baton::runner::{Done, Yieldable, thunk};
/// use baton::{Error, EventLoop};
///
/// // Node's `fs.readFile(path, done)`, with the callback as a `Done`.
/// fn read_file(path: &'static str, done: Done<usize, Error>) {
///     done(if path.is_empty() { Err(Error::msg("ENOENT")) } else { Ok(path.len()) })
/// }
/// let p = EventLoop::virtual_clock().run(|| thunk(|done| read_file("notes.txt", done)).into_promise());
/// assert_eq!(p.peek().and_then(Result::ok), Some(9));
/// ```
pub type Done<V, E> = Box<dyn FnOnce(Result<V, E>)>;

impl<V, E> std::fmt::Debug for Thunk<V, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Thunk(..)")
    }
}

/// Wraps a callback-style function as a [`Thunk`] to yield.
///
/// ```
/// use baton::{Co, Error, EventLoop, Gen, set_timeout};
/// use baton::runner::{run, thunk, Thunk};
/// use std::time::Duration;
///
/// // function readLater(done) { setTimeout(() => done(null, 42), 10) }
/// fn read_later() -> Thunk<u32, Error> {
///     thunk(|done| {
///         set_timeout(move || done(Ok(42)), Duration::from_millis(10));
///     })
/// }
/// let p = EventLoop::virtual_clock().run(|| {
///     run(Gen::new(|co: Co<Thunk<u32, Error>, u32, u32, Error>| async move {
///         let v = co.yield_(read_later()).await?;
///         Ok(v + 1)
///     }))
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(43));
/// ```
pub fn thunk<V, E>(f: impl FnOnce(Done<V, E>) + 'static) -> Thunk<V, E> {
    Thunk(Box::new(f))
}

impl<V: Clone + 'static, E: Reason> Yieldable<V, E> for Thunk<V, E> {
    fn into_promise(self) -> Promise<V, E> {
        Promise::new(move |resolver| {
            (self.0)(Box::new(move |outcome| resolver.resolve_with(outcome)))
        })
    }
}

/// Any Rust future, yielded to the runner (run as a task on the loop).
///
/// ```
/// use baton::runner::{FutureYield, run};
/// use baton::{Co, Error, EventLoop, Gen};
///
/// let p = EventLoop::virtual_clock().run(|| {
///     run(Gen::new(|co: Co<FutureYield<std::future::Ready<Result<u8, Error>>>, u8, u8, Error>| async move {
///         let v = co.yield_(baton::runner::future(std::future::ready(Ok(41)))).await?;
///         Ok(v + 1)
///     }))
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some(42));
/// ```
pub struct FutureYield<F>(F);

impl<F> std::fmt::Debug for FutureYield<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FutureYield(..)")
    }
}

/// Wraps a future (of `Result<V, E>`) to yield it.
///
/// ```
/// use baton::runner::{Yieldable, future};
/// use baton::{Error, EventLoop};
///
/// let p = EventLoop::virtual_clock().run(|| {
///     future(async { Ok::<_, Error>("from an async block") }).into_promise()
/// });
/// assert_eq!(p.peek().and_then(Result::ok), Some("from an async block"));
/// ```
pub fn future<F>(future: F) -> FutureYield<F> {
    FutureYield(future)
}

impl<F> FutureYield<F> {
    /// The wrapped future.
    ///
    /// ```
    /// use baton::runner::future;
    ///
    /// let wrapped = future(std::future::ready(Ok::<u8, ()>(7)));
    /// let ready = wrapped.into_inner();
    /// assert_eq!(ready.into_inner(), Ok(7));
    /// ```
    pub fn into_inner(self) -> F {
        self.0
    }
}

impl<V, E, F> Yieldable<V, E> for FutureYield<F>
where
    V: Clone + 'static,
    E: Reason,
    F: Future<Output = Result<V, E>> + 'static,
{
    fn into_promise(self) -> Promise<V, E> {
        spawn(self.0)
    }
}
