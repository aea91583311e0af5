//! A one-shot callback stored inline when it is small.
//!
//! Promise reactions and microtasks are closures called once. Most capture
//! one or two pointers (the derived promise of a `then`, a task to
//! resume), so boxing each one cost an allocation and a free per link of
//! a promise chain: with glibc's allocator, a third of a link's time.
//! [`InlineFn`] keeps a closure of up to two words in place and boxes only
//! larger ones (the box itself is then what is stored inline).
//! [`InlineFnMut`] does the same for a timer's callback, which an interval
//! calls many times: a timeout that captures a pointer and a word (a task
//! and its epoch) costs no allocation of its own.

use std::marker::PhantomData;
use std::mem::{ManuallyDrop, MaybeUninit};

/// Room for a closure capturing two pointers (or one fat pointer, such as
/// the box of a larger closure).
const WORDS: usize = 2;

/// `N` words of room; other small objects may take another number.
pub(crate) type Storage<const N: usize = WORDS> = [MaybeUninit<usize>; N];

/// A `FnOnce(A)`, inline when it fits in [`Storage`].
pub(crate) struct InlineFn<A> {
    storage: Storage,
    /// Takes the closure out of `storage` and calls it (`Some`) or drops
    /// it (`None`). Made for the closure's type when it was stored. The
    /// storage goes by value, in registers: a queued job is then read out
    /// of its queue word by word, as it was written, where a copy of the
    /// whole was one 16-byte load the processor could not forward from
    /// the two 8-byte stores that wrote it.
    ///
    /// The flag goes along to a closure made with
    /// [`new_told`](InlineFn::new_told), in a register of its own (a
    /// promise's reaction is told whether it is the whole of its
    /// microtask); other closures ignore it.
    take: unsafe fn(Storage, Option<A>, bool),
    /// The closure may hold `Rc`s: not `Send` or `Sync`.
    _not_send: PhantomData<*const ()>,
}

pub(crate) const fn fits<F, const N: usize>() -> bool {
    size_of::<F>() <= size_of::<Storage<N>>() && align_of::<F>() <= align_of::<Storage<N>>()
}

/// Fresh storage holding `f`, which must fit (constant-folded).
#[inline]
pub(crate) fn stored<F, const N: usize>(f: F) -> Storage<N> {
    assert!(fits::<F, N>(), "inline_fn: the value does not fit");
    let mut storage: Storage<N> = [MaybeUninit::uninit(); N];
    // SAFETY: `F` fits in `storage` in size and alignment (checked above),
    // and the storage is fresh.
    unsafe { storage.as_mut_ptr().cast::<F>().write(f) };
    storage
}

/// # Safety
///
/// `storage` must be a copy of storage holding an initialised `F` (written
/// by [`InlineFn::store`]) whose original nothing reads or drops
/// afterwards: the copy's `F` is then the only one.
unsafe fn take_out<F: FnOnce(A), A>(storage: Storage, arg: Option<A>, _flag: bool) {
    // SAFETY: by the caller's contract the storage holds an `F`, aligned
    // (`fits::<F, WORDS>` was checked when it was written), and this is its only
    // read; from here it is an ordinary owned value, dropped on unwind.
    let f = unsafe { storage.as_ptr().cast::<F>().read() };
    if let Some(arg) = arg {
        f(arg);
    }
}

/// # Safety
///
/// As for [`take_out`], with `F` written by [`InlineFn::store_told`].
unsafe fn take_out_told<F: FnOnce(A, bool), A>(storage: Storage, arg: Option<A>, flag: bool) {
    // SAFETY: as in `take_out`.
    let f = unsafe { storage.as_ptr().cast::<F>().read() };
    if let Some(arg) = arg {
        f(arg, flag);
    }
}

impl<A: 'static> InlineFn<A> {
    /// Stores `f`, boxing it only if it does not fit inline.
    #[inline]
    pub(crate) fn new<F: FnOnce(A) + 'static>(f: F) -> Self {
        if fits::<F, WORDS>() {
            Self::store(f)
        } else {
            Self::store::<Box<dyn FnOnce(A)>>(Box::new(f))
        }
    }

    #[inline]
    fn store<F: FnOnce(A) + 'static>(f: F) -> Self {
        InlineFn {
            storage: stored(f),
            take: take_out::<F, A>,
            _not_send: PhantomData,
        }
    }

    /// Stores `f`, which is told the flag [`call_told`](Self::call_told)
    /// passes (`false` from [`call`](Self::call)).
    #[inline]
    pub(crate) fn new_told<F: FnOnce(A, bool) + 'static>(f: F) -> Self {
        if fits::<F, WORDS>() {
            Self::store_told(f)
        } else {
            Self::store_told::<Box<dyn FnOnce(A, bool)>>(Box::new(f))
        }
    }

    #[inline]
    fn store_told<F: FnOnce(A, bool) + 'static>(f: F) -> Self {
        InlineFn {
            storage: stored(f),
            take: take_out_told::<F, A>,
            _not_send: PhantomData,
        }
    }

    /// Calls the closure.
    #[inline]
    pub(crate) fn call(self, arg: A) {
        self.call_told(arg, false);
    }

    /// Calls the closure, telling it `flag` if it was made to hear it.
    #[inline]
    pub(crate) fn call_told(self, arg: A, flag: bool) {
        let this = ManuallyDrop::new(self);
        // SAFETY: the storage holds the closure `take` was made for, and
        // it is taken exactly once, from this copy: `this` is never
        // dropped, so `Drop` cannot take it again.
        unsafe { (this.take)(this.storage, Some(arg), flag) }
    }
}

impl<A> Drop for InlineFn<A> {
    fn drop(&mut self) {
        // SAFETY: not called (`call` consumes `self` without dropping it),
        // so the closure is still in the storage; dropping takes it once,
        // from this copy, and the original is never read again.
        unsafe { (self.take)(self.storage, None, false) }
    }
}

/// A `FnMut()`, inline when it fits in [`Storage`], called in place.
pub(crate) struct InlineFnMut {
    storage: Storage,
    /// Calls the closure in `storage` (`true`) or drops it (`false`). Made
    /// for the closure's type when it was stored.
    act: unsafe fn(&mut Storage, bool),
    /// The closure may hold `Rc`s: not `Send` or `Sync`.
    _not_send: PhantomData<*const ()>,
}

/// # Safety
///
/// `storage` must hold an initialised `F` (written by
/// [`InlineFnMut::store`]); after a drop (`call == false`) it holds none,
/// and nothing may act on it again.
unsafe fn act_on<F: FnMut()>(storage: &mut Storage, call: bool) {
    let f = storage.as_mut_ptr().cast::<F>();
    if call {
        // SAFETY: by the caller's contract `storage` holds an aligned,
        // initialised `F`; `&mut storage` makes this the only access.
        unsafe { (*f)() }
    } else {
        // SAFETY: as above; the caller never acts on it again.
        unsafe { f.drop_in_place() }
    }
}

impl InlineFnMut {
    /// Stores `f`, boxing it only if it does not fit inline.
    #[inline]
    pub(crate) fn new<F: FnMut() + 'static>(f: F) -> Self {
        if fits::<F, WORDS>() {
            Self::store(f)
        } else {
            Self::store::<Box<dyn FnMut()>>(Box::new(f))
        }
    }

    #[inline]
    fn store<F: FnMut() + 'static>(f: F) -> Self {
        InlineFnMut {
            storage: stored(f),
            act: act_on::<F>,
            _not_send: PhantomData,
        }
    }

    /// Calls the closure; it stays stored (a panic leaves it as the
    /// unwinding left it, to be dropped with `self`).
    #[inline]
    pub(crate) fn call(&mut self) {
        // SAFETY: the storage holds the closure `act` was made for (it is
        // only dropped by `Drop`, after which `self` is gone).
        unsafe { (self.act)(&mut self.storage, true) }
    }
}

impl Drop for InlineFnMut {
    fn drop(&mut self) {
        // SAFETY: the closure is still stored (see `call`); this is the
        // last use of the storage.
        unsafe { (self.act)(&mut self.storage, false) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::rc::Rc;

    #[test]
    fn a_small_closure_is_called_once_with_its_argument() {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let log = seen.clone();
        assert!(fits::<Rc<()>, WORDS>());
        let f = InlineFn::new(move |v: u32| log.borrow_mut().push(v));
        assert_eq!(Rc::strong_count(&seen), 2);
        f.call(7);
        assert_eq!(*seen.borrow(), [7]);
        assert_eq!(Rc::strong_count(&seen), 1, "the capture was dropped");
    }

    #[test]
    fn a_told_closure_hears_the_flag_inline_or_boxed_and_drops_once() {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let (small, big) = (seen.clone(), seen.clone());
        let wide = [1u64; 4]; // too large to store inline
        let inline = InlineFn::new_told(move |v: u32, flag| small.borrow_mut().push((v, flag)));
        let boxed = InlineFn::new_told(move |v: u32, flag| {
            big.borrow_mut()
                .push((v + wide.iter().sum::<u64>() as u32, flag));
        });
        inline.call_told(1, true);
        boxed.call(2);
        assert_eq!(*seen.borrow(), [(1, true), (6, false)]);
        let dropped = InlineFn::new_told({
            let held = seen.clone();
            move |(), _| drop(held)
        });
        assert_eq!(Rc::strong_count(&seen), 2);
        drop(dropped);
        assert_eq!(Rc::strong_count(&seen), 1, "every capture dropped once");
    }

    #[test]
    fn dropping_uncalled_drops_the_captures_once() {
        let held = Rc::new(());
        let (a, b) = (held.clone(), held.clone());
        let f = InlineFn::new(move |()| drop((a, b)));
        assert_eq!(Rc::strong_count(&held), 3);
        drop(f);
        assert_eq!(Rc::strong_count(&held), 1);
    }

    #[test]
    fn a_large_or_overaligned_closure_is_boxed_and_still_works() {
        #[repr(align(16))]
        #[derive(Clone, Copy)]
        struct Wide(u64);
        let big = [1u64, 2, 3, 4];
        let wide = Wide(5);
        assert!(!fits::<[u64; 4], WORDS>() && !fits::<Wide, WORDS>());
        let out = Rc::new(RefCell::new(0));
        let (o1, o2) = (out.clone(), out.clone());
        InlineFn::new(move |k: u64| *o1.borrow_mut() += big.iter().sum::<u64>() * k).call(10);
        InlineFn::new(move |()| *o2.borrow_mut() += wide.0).call(());
        assert_eq!(*out.borrow(), 105);
        assert_eq!(Rc::strong_count(&out), 1);
    }

    #[test]
    fn a_zero_sized_closure_is_called() {
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let f = InlineFn::new(|()| {
            CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        });
        f.call(());
        assert_eq!(CALLS.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn a_panicking_call_still_drops_the_captures_once() {
        let held = Rc::new(());
        let h = held.clone();
        let f = InlineFn::new(move |()| {
            let _keep = &h;
            panic!("boom");
        });
        let outcome = catch_unwind(AssertUnwindSafe(|| f.call(())));
        assert!(outcome.is_err());
        assert_eq!(Rc::strong_count(&held), 1);
    }

    #[test]
    fn a_mut_closure_is_called_in_place_each_time_and_dropped_once() {
        let held = Rc::new(RefCell::new(Vec::new()));
        let log = held.clone();
        let mut n = 0u32;
        let mut f = InlineFnMut::new(move || {
            n += 1;
            log.borrow_mut().push(n);
        });
        f.call();
        f.call();
        f.call();
        assert_eq!(*held.borrow(), [1, 2, 3], "its state stays between calls");
        assert_eq!(Rc::strong_count(&held), 2);
        drop(f);
        assert_eq!(Rc::strong_count(&held), 1);
    }

    #[test]
    fn a_large_mut_closure_is_boxed_and_a_panicking_one_is_still_dropped_once() {
        let held = Rc::new(RefCell::new(0u64));
        let (h, big) = (held.clone(), [1u64, 2, 3]);
        assert!(!fits::<(Rc<()>, [u64; 3]), WORDS>());
        let mut f = InlineFnMut::new(move || *h.borrow_mut() += big.iter().sum::<u64>());
        f.call();
        f.call();
        assert_eq!(*held.borrow(), 12);
        drop(f);
        assert_eq!(Rc::strong_count(&held), 1);

        let h = held.clone();
        let mut boom = InlineFnMut::new(move || {
            let _keep = &h;
            panic!("boom");
        });
        assert!(catch_unwind(AssertUnwindSafe(|| boom.call())).is_err());
        assert_eq!(Rc::strong_count(&held), 2, "still stored after the panic");
        drop(boom);
        assert_eq!(Rc::strong_count(&held), 1);
    }
}
