//! The effect object: its parts kept inline in a word when they fit, boxed
//! otherwise, beside a pointer to the operations that describe, perform
//! and drop them.

use std::cell::UnsafeCell;
use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;

use super::{Description, Kind, Running, Value, short_name};
use crate::inline_fn::{Storage, fits, stored};
use crate::saga::task::Scope;
use crate::{Error, Promise};

/// What an effect is and how to perform it; the description is only
/// built when someone asks (a test, a trace).
trait Perform: 'static {
    fn describe(&self) -> Description;
    fn perform(self, scope: &Scope) -> Running;
}

struct Parts<A, D, P> {
    arg: A,
    describe: D,
    perform: P,
}

impl<A: 'static, D, P> Perform for Parts<A, D, P>
where
    D: Fn(&A) -> Description + 'static,
    P: FnOnce(A, &Scope) -> Running + 'static,
{
    fn describe(&self) -> Description {
        (self.describe)(&self.arg)
    }

    fn perform(self, scope: &Scope) -> Running {
        (self.perform)(self.arg, scope)
    }
}

/// Parts too large to keep inline are kept behind a (thin) box.
impl<P: Perform> Perform for Box<P> {
    fn describe(&self) -> Description {
        (**self).describe()
    }

    fn perform(self, scope: &Scope) -> Running {
        (*self).perform(scope)
    }
}

/// Room for an effect's parts: one word, so that an effect (with its
/// operations) is two words, as the box it replaces was: a saga's frame
/// keeps the effect it yields, and every suspended saga would grow with it.
/// A call with one small argument (the function is a zero-sized item), a
/// delay and a `cancelled` fit.
const WORDS: usize = 1;
type Parked = Storage<WORDS>;

/// An effect's operations, made for the type of the parts it stores.
struct Ops {
    describe: unsafe fn(*const Parked) -> Description,
    perform: unsafe fn(Parked, &Scope) -> Running,
    drop: unsafe fn(&mut Parked),
}

/// The operations of stored parts of type `Self`: one constant per type,
/// so an effect carries a `&'static` to them.
trait Stored: Perform + Sized {
    const OPS: Ops = Ops {
        describe: describe_stored::<Self>,
        perform: perform_stored::<Self>,
        drop: drop_stored::<Self>,
    };
}

impl<P: Perform> Stored for P {}

/// # Safety
///
/// `storage` must point at storage holding an initialised `P` (written by
/// [`Effect::store`]), through a pointer that may write (from the
/// `UnsafeCell` it is kept in), valid and not otherwise used for the call.
unsafe fn describe_stored<P: Perform>(storage: *const Parked) -> Description {
    // SAFETY: by the caller's contract the storage holds an aligned,
    // initialised `P` (`fits::<P, WORDS>` was checked when it was
    // written), and the pointer comes from an `UnsafeCell`, so the shared
    // reference made here may write where `P` itself has cells (a
    // `RefCell`'s `Debug` writes its borrow flag).
    unsafe { &*storage.cast::<P>() }.describe()
}

/// # Safety
///
/// `storage` must be a copy of storage holding an initialised `P` whose
/// original nothing reads or drops afterwards: the copy's `P` is then the
/// only one.
unsafe fn perform_stored<P: Perform>(storage: Parked, scope: &Scope) -> Running {
    // SAFETY: by the caller's contract the storage holds an aligned `P` and
    // this is its only read; from here it is an ordinary owned value,
    // dropped on unwind.
    let parts = unsafe { storage.as_ptr().cast::<P>().read() };
    parts.perform(scope)
}

/// # Safety
///
/// `storage` must hold an initialised `P`; nothing may use it afterwards.
unsafe fn drop_stored<P>(storage: &mut Parked) {
    // SAFETY: by the caller's contract the storage holds an aligned,
    // initialised `P`, dropped here once and never used again.
    unsafe { storage.as_mut_ptr().cast::<P>().drop_in_place() }
}

/// One effect: what it is, and how the runtime performs it.
///
/// Its parts (the called function, its arguments, how to describe and
/// perform it) are kept inline when they fit in a word, as a call with one
/// small argument or a delay does, and boxed otherwise: a saga step
/// allocates nothing for such an effect.
///
/// ```
/// use baton::saga::{Effect, Kind, Stepper, SagaCo, call_effect, delay_effect};
/// use baton::{Gen, Promise};
///
/// fn load(page: u32) -> Promise<String> { Promise::resolve(format!("page {page}")) }
/// // Effects are data: made, inspected and yielded; the runtime performs them.
/// let effects: Vec<Effect> = vec![call_effect(load, 1), delay_effect(100)];
/// let shown: Vec<String> = effects.iter().map(|e| e.describe().to_string()).collect();
/// assert_eq!(shown, ["Call load(1)", "Delay delay(100)"]);
/// ```
pub struct Effect {
    /// In a cell: describing the parts (through `&self`) may write to
    /// cells they hold inline.
    storage: UnsafeCell<Parked>,
    ops: &'static Ops,
    /// The auto traits of any parts (none: not `Send`, `Sync` or unwind
    /// safe), as when they were a `Box<dyn Perform>`.
    _parts: PhantomData<Box<dyn Perform>>,
}

impl fmt::Debug for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Effect").field(&self.describe()).finish()
    }
}

impl Effect {
    /// An effect over `arg`: `describe` reads it when asked, `perform`
    /// consumes it.
    pub(crate) fn new<A: 'static>(
        arg: A,
        describe: impl Fn(&A) -> Description + 'static,
        perform: impl FnOnce(A, &Scope) -> Running + 'static,
    ) -> Self {
        Effect::from_parts(Parts {
            arg,
            describe,
            perform,
        })
    }

    /// Keeps `parts` inline, or boxed if they do not fit.
    #[inline]
    fn from_parts<P: Perform>(parts: P) -> Self {
        if fits::<P, WORDS>() {
            Effect::store(parts)
        } else {
            Effect::store(Box::new(parts))
        }
    }

    #[inline]
    fn store<P: Perform>(parts: P) -> Self {
        Effect {
            storage: UnsafeCell::new(stored(parts)),
            ops: &P::OPS,
            _parts: PhantomData,
        }
    }

    /// Performs the stored parts, consuming them.
    #[inline]
    fn perform_parts(self, scope: &Scope) -> Running {
        let this = ManuallyDrop::new(self);
        // SAFETY: the storage holds the parts `ops` was made for, and they
        // are taken exactly once, from this copy: `this` is never dropped,
        // so `Drop` cannot take them again. Nothing else uses the cell
        // while it is copied (`this` is owned).
        unsafe { (this.ops.perform)(*this.storage.get(), scope) }
    }

    /// An effect that applies `f` to `arg` (a call, a fork), described as
    /// `kind() f(arg)`. The kind is a function, so a constant one takes no
    /// room beside the argument.
    pub(crate) fn applying<A: fmt::Debug + 'static, F: 'static>(
        kind: impl Fn() -> Kind + 'static,
        f: F,
        arg: A,
        perform: impl FnOnce(F, A, &Scope) -> Running + 'static,
    ) -> Self {
        let describe = move |(_, arg): &(F, A)| Description {
            kind: kind(),
            name: short_name::<F>().into(),
            args: format!("{arg:?}"),
        };
        Effect::new((f, arg), describe, move |(f, arg), scope| {
            perform(f, arg, scope)
        })
    }

    /// A user-defined effect: a name and arguments for its description,
    /// and how to perform it (its value must be what the saga downcasts).
    ///
    /// ```
    /// use baton::{Error, EventLoop, Gen, Promise};
    /// use baton::saga::{Effect, Kind, SagaCo, Stepper, Value, run_saga};
    /// use std::rc::Rc;
    ///
    /// // A "read the clock" effect the library does not know about.
    /// fn now_effect() -> Effect {
    ///     Effect::custom("now", "", || Promise::resolve(Rc::new(baton::now()) as Value))
    /// }
    /// let saga = || Gen::new(|co: SagaCo<bool>| async move {
    ///     let t = co.yield_(now_effect()).await?;
    ///     Ok(t.downcast_ref::<std::time::Duration>().is_some())
    /// });
    /// assert_eq!(Stepper::new(saga()).next_effect().ok().map(|d| d.kind), Some(Kind::Custom));
    /// let ran = EventLoop::virtual_clock().run(move || run_saga(saga()).promise());
    /// assert_eq!(ran.peek().and_then(Result::ok), Some(true));
    /// ```
    pub fn custom(
        name: impl Into<String>,
        args: impl Into<String>,
        perform: impl FnOnce() -> Promise<Value, Error> + 'static,
    ) -> Self {
        Effect::custom_with(Kind::Custom, name, args, move |_: &Scope| {
            Running::new(perform())
        })
    }

    /// A user-defined effect with the runtime's full power: `perform` sees
    /// the [`Scope`] of the saga running it (to fork children, check
    /// cancellation, perform nested effects) and says how to cancel the
    /// work.
    ///
    /// ```
    /// use baton::{Error, EventLoop, Gen, Promise, set_timeout, clear_timeout};
    /// use baton::saga::{Effect, Kind, Running, SagaCo, Value, race, run_saga};
    /// use std::{rc::Rc, time::Duration};
    ///
    /// // A timer effect that clears its timer when it loses a race.
    /// fn ring_after(ms: u64) -> Effect {
    ///     Effect::custom_with(Kind::Custom, "ring", ms.to_string(), move |_scope| {
    ///         let (promise, resolver) = Promise::with_resolver();
    ///         let id = set_timeout(move || resolver.resolve(Rc::new("ring") as Value),
    ///                              Duration::from_millis(ms));
    ///         Running::new(promise).on_cancel(move |_| clear_timeout(id))
    ///     })
    /// }
    /// let saga = Gen::new(|co: SagaCo<&'static str>| async move {
    ///     let (winner, _): (&str, &str) =
    ///         race(&co, vec![("slow", ring_after(500)), ("fast", ring_after(10))]).await?;
    ///     Ok(winner)
    /// });
    /// let event_loop = EventLoop::virtual_clock();
    /// let ran = event_loop.run(move || run_saga(saga).promise());
    /// assert_eq!(ran.peek().and_then(Result::ok), Some("fast"));
    /// // The loop ran dry at 10 ms: the losing 500 ms timer was cleared.
    /// assert_eq!(baton::now(), Duration::from_millis(10));
    /// ```
    pub fn custom_with(
        kind: Kind,
        name: impl Into<String>,
        args: impl Into<String>,
        perform: impl FnOnce(&Scope) -> Running + 'static,
    ) -> Self {
        let description = Description {
            kind,
            name: name.into(),
            args: args.into(),
        };
        Effect::new(
            (description, perform),
            |(d, _)| d.clone(),
            |(_, perform), scope| perform(scope),
        )
    }

    /// What this effect does.
    ///
    /// ```
    /// use baton::saga::{Kind, race_effect, delay_effect};
    ///
    /// let race = race_effect(vec![("quick", delay_effect(1)), ("slow", delay_effect(9))]);
    /// let d = race.describe();
    /// assert_eq!(d.kind, Kind::Race);
    /// assert_eq!(d.args, "quick: Delay delay(1), slow: Delay delay(9)");
    /// ```
    pub fn describe(&self) -> Description {
        // SAFETY: the storage holds the parts `ops` was made for (they are
        // only taken by `perform_parts` or `Drop`, which consume `self`);
        // the pointer comes from the cell, and `Effect` is not `Sync`, so
        // nothing else uses it during the call.
        unsafe { (self.ops.describe)(self.storage.get()) }
    }

    /// Performs the effect in `scope` (and traces it, when the runtime
    /// traces). Effects that combine others (all, race) perform their parts
    /// through this.
    ///
    /// ```
    /// use baton::saga::{Effect, Kind, Running, SagaCo, all_effect, delay_effect, run_saga};
    /// use baton::{EventLoop, Gen, now};
    /// use std::time::Duration;
    ///
    /// // An effect made of others: performs its parts in the saga's scope.
    /// fn both_delays() -> Effect {
    ///     Effect::custom_with(Kind::Custom, "both", "", |scope| {
    ///         all_effect(vec![delay_effect(10), delay_effect(30)]).perform(scope)
    ///     })
    /// }
    /// let saga = Gen::new(|co: SagaCo<Duration>| async move {
    ///     co.yield_(both_delays()).await?;
    ///     Ok(now())
    /// });
    /// let p = EventLoop::virtual_clock().run(move || run_saga(saga).promise());
    /// assert_eq!(p.peek().and_then(Result::ok), Some(Duration::from_millis(30)));
    /// ```
    // Inlined, with the traced or intercepted case kept out of line: this
    // runs once per saga step.
    #[inline]
    pub fn perform(self, scope: &Scope) -> Running {
        if scope.is_plain() {
            return self.perform_parts(scope);
        }
        self.perform_watched(scope)
    }

    /// [`Effect::perform`] when a test answers effects or a tracer records
    /// them.
    #[inline(never)]
    fn perform_watched(self, scope: &Scope) -> Running {
        let interceptor = scope.interceptor();
        let description = self.describe();
        let answered = interceptor.and_then(|answer| answer(&description));
        let perform = move |scope: &Scope| match answered {
            Some(running) => running,
            None => self.perform_parts(scope),
        };
        match scope.tracer() {
            None => perform(scope),
            Some(tracer) => tracer.perform(scope, description, perform),
        }
    }
}

impl Drop for Effect {
    fn drop(&mut self) {
        // SAFETY: the parts are still stored (`perform_parts` consumes
        // `self` without dropping it); this is the storage's last use.
        unsafe { (self.ops.drop)(self.storage.get_mut()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::saga::{SagaCo, call_effect, run_saga};
    use crate::{EventLoop, Gen};
    use std::cell::Cell;
    use std::rc::Rc;

    /// An argument that counts its drops; `N` words of payload decide
    /// whether the effect's parts fit inline.
    struct Counted<const N: usize>(Rc<Cell<u32>>, [u64; N]);

    impl<const N: usize> fmt::Debug for Counted<N> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "counted({})", self.1.iter().sum::<u64>())
        }
    }

    impl<const N: usize> Drop for Counted<N> {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }

    fn sum<const N: usize>(c: Counted<N>) -> Promise<u64> {
        Promise::resolve(c.1.iter().sum())
    }

    fn blow_up<const N: usize>(_: Counted<N>) -> Promise<u64> {
        panic!("the called function failed")
    }

    fn effect<const N: usize>(drops: &Rc<Cell<u32>>, f: fn(Counted<N>) -> Promise<u64>) -> Effect {
        call_effect(f, Counted(drops.clone(), [1; N]))
    }

    /// Performs `effect` in a saga that returns its value (or the error).
    fn performed(effect: Effect) -> Option<Result<u64, String>> {
        let p = EventLoop::virtual_clock().run(move || {
            run_saga(Gen::new(move |co: SagaCo<u64>| async move {
                let v = co.yield_(effect).await?;
                Ok(*v.downcast_ref::<u64>().unwrap_or(&0))
            }))
            .promise()
        });
        p.peek().map(|r| r.map_err(|e| e.to_string()))
    }

    fn each_size(check: impl Fn(&Rc<Cell<u32>>, Effect, Effect)) {
        // The counter alone fits inline (the function is a zero-sized
        // item); with eight words of payload the parts are boxed.
        assert!(fits::<Counted<0>, WORDS>() && !fits::<Counted<8>, WORDS>());
        let drops = Rc::new(Cell::new(0));
        check(
            &drops,
            effect::<0>(&drops, sum),
            effect::<0>(&drops, blow_up),
        );
        let drops = Rc::new(Cell::new(0));
        check(
            &drops,
            effect::<8>(&drops, sum),
            effect::<8>(&drops, blow_up),
        );
    }

    #[test]
    fn parts_are_described_in_place_and_dropped_once_when_never_performed() {
        each_size(|drops, effect, other| {
            assert_eq!(effect.describe().to_string(), effect.describe().to_string());
            assert!(effect.describe().args.starts_with("counted("));
            assert_eq!(drops.get(), 0);
            drop((effect, other));
            assert_eq!(drops.get(), 2);
        });
    }

    fn ready_cell(_: std::cell::RefCell<()>) -> Promise<u64> {
        Promise::resolve(7)
    }

    /// Describing formats the arguments, and `RefCell`'s `Debug` writes its
    /// borrow flag: parts with a cell inline are described through a
    /// pointer that may write.
    #[test]
    fn parts_with_a_cell_inline_can_be_described() {
        assert!(fits::<std::cell::RefCell<()>, WORDS>());
        let effect = call_effect(ready_cell, std::cell::RefCell::new(()));
        assert_eq!(effect.describe().args, "RefCell { value: () }");
        assert_eq!(performed(effect), Some(Ok(7)));
    }

    #[test]
    fn parts_are_performed_once_and_dropped_once() {
        each_size(|drops, effect, other| {
            let args = effect.describe().args; // "counted(0)" or "counted(8)"
            let expected = args.trim_start_matches("counted(").trim_end_matches(')');
            let value = performed(effect);
            assert_eq!(value, Some(Ok(expected.parse().unwrap_or(u64::MAX))));
            assert_eq!(drops.get(), 1);
            drop(other);
            assert_eq!(drops.get(), 2);
        });
    }

    #[test]
    fn a_panicking_call_still_drops_its_parts_once() {
        each_size(|drops, effect, failing| {
            drop(effect);
            let value = performed(failing);
            assert!(
                matches!(&value, Some(Err(e)) if e.contains("the called function failed")),
                "{value:?}"
            );
            assert_eq!(drops.get(), 2);
        });
    }
}
