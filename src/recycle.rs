//! Promise cells and tasks recycled on their thread.
//!
//! Most promises live for a turn or two and die in bulk (a chain's links,
//! the inputs of an `all`, a task's promise), and so do many tasks; the
//! system allocator's small-object cache holds a handful of chunks per
//! size: past that, each allocation and free went through its general
//! paths, more instructions than the rest of a then-link. The last strong
//! handle of a cell (a promise's `CellRc`, a cell's own job, a task's
//! turn) drops the value in place and keeps the allocation on a
//! per-thread free list of its size; the next value of that size, of any
//! type, is written into it.
//!
//! The reuse rests on `Rc::from_raw`'s contract: a pointer from
//! `Rc<U>::into_raw` may be taken back as an `Rc<T>` when `U` and `T` have
//! the same size and alignment. A kept allocation holds no value (it was
//! dropped), and is only ever taken back after one is written into it.
//! Handles that are not the last, cells with a `Weak` outstanding, and
//! cells of unusual sizes take the ordinary path. A list keeps at most
//! [`KEPT_BYTES`] of cells; the thread's exit frees them.

use std::cell::Cell;
use std::marker::PhantomData;
use std::mem::MaybeUninit;
use std::ptr::NonNull;
use std::rc::Rc;

/// Free lists by the cell's size in words, for cells aligned to a word.
const CLASSES: usize = 24;

/// What one list keeps at most, in bytes of promise state.
const KEPT_BYTES: usize = 4 << 20;

/// The list for values of type `X`, or `CLASSES` when they are not kept.
struct ClassOf<X>(PhantomData<X>);

impl<X> ClassOf<X> {
    const INDEX: usize = {
        let size = size_of::<X>();
        let word = size_of::<usize>();
        if align_of::<X>() == word && size.is_multiple_of(word) && size / word < CLASSES && size > 0
        {
            size / word
        } else {
            CLASSES
        }
    };

    /// How many cells its list keeps.
    const KEPT: usize = KEPT_BYTES / (size_of::<X>() + 2 * size_of::<usize>());
}

/// Frees one kept allocation (see [`release`]).
type Release = unsafe fn(NonNull<u8>);

/// One size's free list, linked through the kept allocations themselves
/// (each holds the address of the next where its value was).
struct Class {
    head: Cell<Option<NonNull<u8>>>,
    count: Cell<usize>,
    /// Frees one kept allocation of this size (any type of the size will
    /// do: see the module's notes).
    release: Cell<Option<Release>>,
}

impl Class {
    const fn empty() -> Class {
        Class {
            head: Cell::new(None),
            count: Cell::new(0),
            release: Cell::new(None),
        }
    }
}

/// The lists. No destructor of their own, so reaching them costs no check
/// of its registration: [`FreeOnExit`] frees what they keep at the thread's
/// exit, registered when a list first keeps a cell.
struct Lists {
    classes: [Class; CLASSES],
    /// The thread is exiting and its lists were freed: nothing more is
    /// kept.
    closed: Cell<bool>,
}

thread_local! {
    static LISTS: Lists = const {
        Lists { classes: [const { Class::empty() }; CLASSES], closed: Cell::new(false) }
    };
    static RELEASE: FreeOnExit = const { FreeOnExit };
}

/// Frees the kept cells when the thread exits.
struct FreeOnExit;

impl Drop for FreeOnExit {
    fn drop(&mut self) {
        // A cell dropped by a later destructor is freed, not kept.
        let _ = LISTS.try_with(|lists| {
            lists.closed.set(true);
            for class in &lists.classes {
                let Some(release) = class.release.get() else {
                    continue;
                };
                while let Some(kept) = take(class) {
                    // SAFETY: a kept allocation of this class, taken off
                    // the list, so freed once.
                    unsafe { release(kept) };
                }
            }
        });
    }
}

/// A new `Rc` holding `value`: a kept allocation of its size if there is
/// one, else a fresh one.
#[inline(always)]
pub(crate) fn new_rc<X>(value: X) -> Rc<X> {
    let index = ClassOf::<X>::INDEX;
    if index < CLASSES
        && let Some(kept) = LISTS.with(|lists| take(&lists.classes[index]))
    {
        let cell = kept.cast::<X>().as_ptr();
        // SAFETY: `kept` came from `Rc<U>::into_raw` for a `U` of this
        // size and alignment (its class), its value dropped, and is off
        // the list: the allocation is ours alone. Writing the value makes
        // it an `Rc<X>` whose counts still say one strong handle, which
        // `from_raw` takes back.
        unsafe {
            cell.write(value);
            return Rc::from_raw(cell);
        }
    }
    Rc::new(value)
}

#[inline(always)]
fn take(class: &Class) -> Option<NonNull<u8>> {
    let kept = class.head.get()?;
    // SAFETY: the first word of a kept allocation holds the next one's
    // address (written by `keep`).
    class
        .head
        .set(unsafe { kept.cast::<Option<NonNull<u8>>>().read() });
    class.count.set(class.count.get() - 1);
    Some(kept)
}

/// Lets go of a strong handle: the last one drops the value in place and
/// keeps the allocation for the next value of its size. Only the count is
/// looked at inline.
#[inline(always)]
pub(crate) fn recycle<X>(cell: Rc<X>) {
    if ClassOf::<X>::INDEX < CLASSES && Rc::strong_count(&cell) == 1 {
        recycle_last(cell);
    }
}

#[inline(never)]
fn recycle_last<X>(cell: Rc<X>) {
    let index = ClassOf::<X>::INDEX;
    if Rc::weak_count(&cell) != 0 {
        return;
    }
    let raw = Rc::into_raw(cell).cast_mut();
    // SAFETY: the one handle, and no `Weak`: nothing else can reach the
    // value, which is dropped once here (the allocation stays: the counts
    // still say one strong handle, now held by this function).
    unsafe { raw.drop_in_place() };
    let Some(raw) = NonNull::new(raw) else {
        return;
    };
    let kept = LISTS.with(|lists| keep::<X>(lists, &lists.classes[index], raw.cast()));
    if !kept {
        // SAFETY: from `Rc::into_raw` of an `X`, its value dropped above,
        // and not kept: freed once, here.
        unsafe { release::<X>(raw.cast()) };
    }
}

/// Puts an allocation on its list, if the list has room.
#[inline]
fn keep<X>(lists: &Lists, class: &Class, kept: NonNull<u8>) -> bool {
    if class.count.get() >= ClassOf::<X>::KEPT || lists.closed.get() {
        return false;
    }
    if class.release.get().is_none() {
        // The first cell this list keeps: the lists are freed at the
        // thread's exit, unless that has begun.
        if RELEASE.try_with(|_| ()).is_err() {
            return false;
        }
        class.release.set(Some(release::<X>));
    }
    // SAFETY: the allocation holds no value (dropped by the caller) and is
    // at least a word, aligned to one (its class): its first word is free
    // to hold the link.
    unsafe { kept.cast::<Option<NonNull<u8>>>().write(class.head.get()) };
    class.head.set(Some(kept));
    class.count.set(class.count.get() + 1);
    true
}

/// Frees an allocation from `Rc<U>::into_raw`, `U` of `X`'s size and
/// alignment, whose value was dropped.
///
/// # Safety
/// `kept` is such an allocation, freed by no one else.
unsafe fn release<X>(kept: NonNull<u8>) {
    // SAFETY: taken back as an `Rc` of `MaybeUninit<X>` (the same size and
    // alignment), whose drop frees the allocation and drops nothing.
    drop(unsafe { Rc::from_raw(kept.cast::<MaybeUninit<X>>().as_ptr()) });
}

/// How many allocations the list for values of type `X` keeps now.
#[cfg(test)]
pub(crate) fn kept<X>() -> usize {
    LISTS.with(|lists| lists.classes[ClassOf::<X>::INDEX].count.get())
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use super::{ClassOf, kept, new_rc, recycle};

    /// A value that counts its drops, three words in all.
    struct Counted {
        drops: Rc<Cell<u32>>,
        _size: [u64; 2],
    }

    impl Drop for Counted {
        fn drop(&mut self) {
            self.drops.set(self.drops.get() + 1);
        }
    }

    fn counted_value(drops: &Rc<Cell<u32>>, n: u64) -> Counted {
        Counted {
            drops: drops.clone(),
            _size: [n; 2],
        }
    }

    #[test]
    fn the_last_handle_keeps_the_allocation_for_the_next_value_of_its_size_of_any_type() {
        let drops = Rc::new(Cell::new(0));
        let before = kept::<Counted>();
        let first = new_rc(counted_value(&drops, 7));
        let at = Rc::as_ptr(&first).addr();
        recycle(first);
        assert_eq!(drops.get(), 1, "dropped in place");
        assert_eq!(kept::<Counted>(), before + 1);
        let second = new_rc([3_u64, 4, 5]);
        assert_eq!(Rc::as_ptr(&second).addr(), at, "the same allocation");
        assert_eq!(*second, [3, 4, 5]);
        assert_eq!(kept::<Counted>(), before);
        drop(second);
        assert_eq!(drops.get(), 1, "the kept allocation held nothing to drop");
    }

    #[test]
    fn a_handle_that_is_not_the_last_or_a_value_with_a_weak_is_not_kept() {
        let drops = Rc::new(Cell::new(0));
        let before = kept::<Counted>();
        let value = new_rc(counted_value(&drops, 1));
        let other = value.clone();
        recycle(other);
        assert_eq!((kept::<Counted>(), drops.get()), (before, 0), "one is left");
        let weak = Rc::downgrade(&value);
        recycle(value);
        assert_eq!(kept::<Counted>(), before, "a weak is left");
        assert_eq!(drops.get(), 1, "dropped as an `Rc` is");
        assert!(weak.upgrade().is_none());
    }

    #[test]
    fn a_list_keeps_no_more_than_its_share() {
        let most = ClassOf::<[u64; 3]>::KEPT;
        let before = kept::<[u64; 3]>();
        let many: Vec<_> = (0..most as u64 + 10).map(|n| new_rc([n; 3])).collect();
        many.into_iter().for_each(recycle);
        assert_eq!(kept::<[u64; 3]>(), most.max(before));
    }

    #[test]
    fn values_of_unusual_sizes_are_not_kept() {
        assert_eq!(ClassOf::<u8>::INDEX, super::CLASSES, "under a word");
        assert_eq!(ClassOf::<[u64; 40]>::INDEX, super::CLASSES, "too large");
        assert_eq!(
            ClassOf::<u128>::INDEX,
            super::CLASSES,
            "aligned to more than a word"
        );
        recycle(new_rc([0_u64; 40]));
    }

    #[test]
    fn a_thread_frees_what_it_kept_when_it_exits() {
        let kept_then = std::thread::spawn(|| {
            let many: Vec<_> = (0..100_u64).map(|n| new_rc([n; 5])).collect();
            many.into_iter().for_each(recycle);
            kept::<[u64; 5]>()
        })
        .join()
        .unwrap_or(0);
        assert_eq!(kept_then, 100, "kept until the exit");
    }

    proptest::proptest! {
        /// Any interleaving of making, cloning and letting go of values of
        /// two types sharing a list: each value is dropped exactly once,
        /// when its last handle goes, and every live value reads back what
        /// was put in it, whichever allocation it was given.
        #[test]
        fn every_value_is_dropped_once_and_read_back_intact(
            ops in proptest::collection::vec((0_u8..4, 0_usize..16), 0..300),
        ) {
            let drops = Rc::new(Cell::new(0_u32));
            let mut made = 0_u32;
            let mut counted: Vec<(Rc<Counted>, u64)> = Vec::new();
            let mut plain: Vec<(Rc<[u64; 3]>, u64)> = Vec::new();
            for (n, (op, at)) in ops.into_iter().enumerate() {
                let n = n as u64;
                match op {
                    0 => {
                        counted.push((new_rc(counted_value(&drops, n)), n));
                        made += 1;
                    }
                    1 => plain.push((new_rc([n; 3]), n)),
                    2 if !counted.is_empty() => {
                        let (value, n) = counted[at % counted.len()].clone();
                        counted.push((value, n));
                    }
                    _ if !counted.is_empty() && at % 2 == 0 => {
                        recycle(counted.swap_remove(at % counted.len()).0);
                    }
                    _ if !plain.is_empty() => recycle(plain.swap_remove(at % plain.len()).0),
                    _ => {}
                }
                for (value, n) in &counted {
                    proptest::prop_assert_eq!(value._size, [*n; 2]);
                }
                for (value, n) in &plain {
                    proptest::prop_assert_eq!(**value, [*n; 3]);
                }
                let live = counted.iter().map(|(v, _)| Rc::as_ptr(v).addr()).collect::<std::collections::HashSet<_>>();
                proptest::prop_assert_eq!(drops.get(), made - live.len() as u32);
            }
            counted.into_iter().for_each(|(v, _)| recycle(v));
            proptest::prop_assert_eq!(drops.get(), made);
        }
    }
}
