//! Dropping a promise's waiting reactions one after another, not inside
//! each other.
//!
//! A reaction holds the promise derived from its own (`p.then(f)` keeps
//! the promise `then` returned), whose reactions hold the next one's, and
//! so on: dropping the head of a long chain that never settled dropped
//! each link inside the drop of the one before, and a chain of a million
//! links overflowed the stack. JavaScript's collector has no such depth.
//! Here the outermost drop of a reaction list on a thread keeps a list of
//! the lists met while it runs, and drops them in turn.

use std::cell::RefCell;

/// Anything at all, to be dropped later.
trait Erased {}

impl<X: ?Sized> Erased for X {}

thread_local! {
    /// `Some` while a reaction list is being dropped: the lists whose drop
    /// waits for it to end.
    static LATER: RefCell<Option<Vec<Box<dyn Erased>>>> = const { RefCell::new(None) };
}

/// Drops `reactions` now, or, inside the drop of another reaction list,
/// after it (see the module's documentation).
///
/// # Safety
///
/// `X` must be `'static` in fact: a later drop may come after the borrows
/// of a shorter lifetime have ended. (A promise's reactions are: each is
/// an `InlineFn<Result<T, E>>`, which only exists for a `'static`
/// argument type.)
pub(super) unsafe fn drop_flat<X>(reactions: X) {
    match LATER.try_with(|later| later.borrow().is_some()) {
        Ok(true) => {
            let boxed: Box<dyn Erased + '_> = Box::new(reactions);
            // SAFETY: only the trait object's lifetime bound changes, and
            // by the caller's contract `X` is `'static` already.
            let boxed: Box<dyn Erased + 'static> = unsafe { std::mem::transmute(boxed) };
            LATER.with(|later| {
                if let Some(list) = later.borrow_mut().as_mut() {
                    list.push(boxed);
                }
            });
        }
        Ok(false) => {
            LATER.with(|later| *later.borrow_mut() = Some(Vec::new()));
            let _done = Outermost;
            drop(reactions);
            while let Some(next) = LATER.with(|later| later.borrow_mut().as_mut()?.pop()) {
                drop(next);
            }
        }
        // The thread is ending and its list is gone: drop in place.
        Err(_) => drop(reactions),
    }
}

/// Ends the outermost drop, even when a destructor panics (what was left
/// to drop then leaks, rather than dropping during the unwind).
struct Outermost;

impl Drop for Outermost {
    fn drop(&mut self) {
        let left = LATER.try_with(|later| later.borrow_mut().take());
        if let Ok(Some(left)) = left {
            if std::thread::panicking() {
                std::mem::forget(left);
            } else {
                drop(left); // empty: the loop above drained it
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Error, EventLoop, Promise};

    #[test]
    fn a_long_chain_that_never_settles_drops_without_deep_recursion() {
        // Deeper than any test thread's stack allows when links drop
        // inside each other (each link's drop takes a few frames).
        let links = if cfg!(miri) { 2_000 } else { 300_000 };
        let dropped = std::rc::Rc::new(std::cell::Cell::new(0usize));
        EventLoop::virtual_clock().run(|| {
            let (head, resolver) = Promise::<u64, Error>::with_resolver();
            let mut last = head.clone();
            for _ in 0..links {
                let counted = Counted(dropped.clone());
                last = last.map(move |v| {
                    let _keep = &counted;
                    v + 1
                });
            }
            drop(last);
            drop(resolver);
            drop(head);
        });
        assert_eq!(dropped.get(), links, "every link's handler was dropped");
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "what was left to drop when the panic came leaks, by design"
    )]
    fn a_destructor_that_panics_leaves_later_drops_working() {
        struct Bomb;
        impl Drop for Bomb {
            fn drop(&mut self) {
                panic!("a handler's capture panicked in its drop");
            }
        }
        let dropped = std::rc::Rc::new(std::cell::Cell::new(0usize));
        let (head, resolver) = Promise::<u64, Error>::with_resolver();
        let bomb = Bomb;
        let mut last = head.map(move |v| {
            let _keep = &bomb;
            v
        });
        for _ in 0..3 {
            let counted = Counted(dropped.clone());
            last = last.map(move |v| {
                let _keep = &counted;
                v
            });
        }
        drop((last, resolver));
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(head)));
        assert!(unwound.is_err(), "the panic comes out of the drop");
        // The outermost drop ended with the panic: the next one is outermost
        // again and drops everything it holds.
        let (head, resolver) = Promise::<u64, Error>::with_resolver();
        let counted = Counted(dropped.clone());
        let next = head.map(move |v| {
            let _keep = &counted;
            v
        });
        let before = dropped.get();
        drop((next, resolver, head));
        assert_eq!(dropped.get(), before + 1);
    }

    struct Counted(std::rc::Rc<std::cell::Cell<usize>>);

    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }
}
