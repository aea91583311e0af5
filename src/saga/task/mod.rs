//! The saga runtime: each running saga is a task in a tree, with
//! redux-saga's rules for attached children, cancellation and errors.
//!
//! A task finishes when its body has returned *and* its attached children
//! have finished. Halting a task (cancelled from outside, or aborted by an
//! error of its own or of an attached child) first cancels the effect it
//! waits on and its attached children — each of those does the same, so
//! the deepest cleanup runs first — and once the children are gone drives
//! the body's own cleanup through `return()`. The cleanup may yield
//! effects, which run like any other.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::rc::{Rc, Weak};

use super::effect::{Name, short_name};
use super::trace::Tracer;
use crate::Error;
use crate::event_loop::may_go_on_at_once;
use crate::roster::Roster;
use crate::runner::token::Place;

mod handle;
mod scope;

pub use handle::Task;
pub use scope::Scope;

/// A task's number, unique within its runtime.
///
/// ```
/// use baton::saga::{Runtime, SagaCo};
/// use baton::{EventLoop, Gen};
///
/// EventLoop::virtual_clock().run(|| {
///     let runtime = Runtime::new();
///     let a = runtime.run("a", Gen::new(|_co: SagaCo<()>| async move { Ok(()) }));
///     let b = runtime.run("b", Gen::new(|_co: SagaCo<()>| async move { Ok(()) }));
///     assert_ne!(a.id(), b.id());
///     assert_eq!(a.id().to_string(), "#1");
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub(crate) u64);

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// How a task hangs in the tree.
///
/// ```
/// use baton::saga::{Event, Link, Runtime, SagaCo, fork};
/// use baton::{EventLoop, Gen};
///
/// let runtime = Runtime::traced();
/// EventLoop::virtual_clock().run(|| {
///     runtime.run("parent", Gen::new(|co: SagaCo<()>| async move {
///         fork(&co, |()| Gen::new(|_co: SagaCo<()>| async move { Ok(()) }), ()).await?;
///         Ok(())
///     }));
/// });
/// let links: Vec<Link> = runtime
///     .trace()
///     .into_iter()
///     .filter_map(|e| match e.event {
///         Event::TaskStarted { link, .. } => Some(link),
///         _ => None,
///     })
///     .collect();
/// assert_eq!(links, [Link::Root, Link::Forked]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Link {
    /// Started by [`Runtime::run`](super::Runtime::run).
    Root,
    /// Forked: the parent waits for it, its error aborts the parent, the
    /// parent's cancellation cancels it.
    Forked,
    /// Called (a blocking `call` of a saga): its error is thrown at the
    /// caller's `yield`; the caller's cancellation cancels it.
    Called,
    /// Spawned: independent, like a root.
    Spawned,
}

/// The error a cancelled task's promise rejects with; it shows as the
/// cancellation's reason.
///
/// ```
/// use baton::Error;
/// use baton::saga::Cancelled;
///
/// let e = Error::new(Cancelled { reason: Error::msg("User pressed cancel") });
/// assert_eq!(e.to_string(), "User pressed cancel");
/// assert!(Cancelled::is(&e));
/// assert!(!Cancelled::is(&Error::msg("boom")));
/// ```
#[derive(Debug, Clone)]
pub struct Cancelled {
    /// Why the task was cancelled.
    pub reason: Error,
}

impl Cancelled {
    /// Whether `error` is a task's cancellation.
    ///
    /// ```
    /// use baton::saga::{Cancelled, SagaCo, delay, run_saga};
    /// use baton::{Error, EventLoop, Gen};
    ///
    /// let p = EventLoop::virtual_clock().run(|| {
    ///     let task = run_saga(Gen::new(|co: SagaCo<()>| async move { delay(&co, 10).await }));
    ///     task.cancel(Error::msg("stop"));
    ///     task.promise()
    /// });
    /// let error = p.peek().and_then(Result::err).expect("rejected");
    /// assert!(Cancelled::is(&error));
    /// assert!(!Cancelled::is(&Error::msg("an ordinary failure")));
    /// ```
    pub fn is(error: &Error) -> bool {
        error.downcast_ref::<Cancelled>().is_some()
    }
}

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.reason.fmt(f)
    }
}

impl std::error::Error for Cancelled {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.reason)
    }
}

/// Why a task stops before its body is done.
#[derive(Clone)]
pub(crate) enum Halt {
    /// Cancelled: the promise rejects with [`Cancelled`].
    Cancel(Error),
    /// An error (its own or an attached child's): the promise rejects with
    /// it.
    Abort(Error),
}

impl Halt {
    pub(crate) fn reason(&self) -> &Error {
        match self {
            Halt::Cancel(e) | Halt::Abort(e) => e,
        }
    }
}

/// What every task shares with the runtime that started it.
pub(crate) struct Env {
    pub(super) next_task: Cell<u64>,
    pub(crate) tracer: Option<Tracer>,
    /// What effects can reach beyond the loop (a store's state and bus).
    pub(crate) services: RefCell<super::store::Services>,
    /// Answers effects in place of their performers (test providers).
    pub(crate) interceptor: RefCell<Option<Interceptor>>,
    /// Sagas waiting for a task of this runtime to end.
    pub(crate) joiners: RefCell<super::tree::Joiners>,
    /// Its contexts, once [`Runtime::with_context`](super::Runtime::with_context)
    /// turns them on.
    pub(crate) contexts: std::cell::OnceCell<super::context::Contexts>,
    /// What some tasks keep until they settle (their token listeners, a
    /// halt put off): asked of every task as it settles, with nothing to
    /// do while the map is empty. A field of the task would grow every
    /// suspended saga.
    leftovers: RefCell<HashMap<TaskId, Leftovers>>,
    /// The hook of [`Runtime::on_error`](super::Runtime::on_error) and the
    /// trails of the errors on their way to it; asked only as a task
    /// fails.
    pub(crate) failures: RefCell<Option<Rc<super::saga_stack::Failures>>>,
}

/// What a task keeps in [`Env::leftovers`].
#[derive(Default)]
struct Leftovers {
    /// The listeners of the tokens it [`cancel_on`](Task::cancel_on)s,
    /// removed as it settles.
    listening: Vec<Place<Error>>,
    /// The first halt that came while it was in an uninterruptible
    /// region, applied as it leaves (or dropped as it settles).
    deferred: Option<Halt>,
}

/// Answers an effect in place of its performer, or lets it through.
pub(crate) type Interceptor = Rc<dyn Fn(&super::Description) -> Option<super::Running>>;

impl Env {
    pub(crate) fn new(tracer: Option<Tracer>) -> Rc<Self> {
        Rc::new(Env {
            next_task: Cell::new(0),
            tracer,
            services: RefCell::default(),
            interceptor: RefCell::new(None),
            joiners: RefCell::default(),
            contexts: std::cell::OnceCell::new(),
            leftovers: RefCell::default(),
            failures: RefCell::new(None),
        })
    }

    /// The failure hook's keeper, if a hook is set.
    pub(crate) fn failures(&self) -> Option<Rc<super::saga_stack::Failures>> {
        self.failures.borrow().clone()
    }

    /// Task `id` has settled: its token listeners are removed, and a halt
    /// it put off is dropped.
    #[inline]
    pub(crate) fn task_settled(&self, id: TaskId) {
        if !self.leftovers.borrow().is_empty() {
            self.drop_leftovers(id);
        }
    }

    #[cold]
    fn drop_leftovers(&self, id: TaskId) {
        let left = self.leftovers.borrow_mut().remove(&id);
        for listening in left.into_iter().flat_map(|left| left.listening) {
            listening.leave_listeners();
        }
    }

    /// Task `id`, in an uninterruptible region, is halted: the halt waits
    /// for it to leave (the first one; later ones change nothing, as for
    /// a task that is not shielded).
    #[cold]
    pub(crate) fn defer_halt(&self, id: TaskId, why: Halt) {
        let mut leftovers = self.leftovers.borrow_mut();
        let deferred = &mut leftovers.entry(id).or_default().deferred;
        if deferred.is_none() {
            *deferred = Some(why);
        }
    }

    /// The halt task `id` put off, taken as it leaves its region.
    #[cold]
    pub(crate) fn take_deferred(&self, id: TaskId) -> Option<Halt> {
        let mut leftovers = self.leftovers.borrow_mut();
        let left = leftovers.get_mut(&id)?;
        let deferred = left.deferred.take();
        if left.listening.is_empty() {
            leftovers.remove(&id);
        }
        deferred
    }
}

/// A forked function's name, worked out when asked (a search through its
/// type name): a task forked from a function keeps nothing for its name.
/// A task's name is a type parameter of its driver, so a name given by
/// the program (a `Box<str>`) costs only the tasks that have one.
pub(crate) struct ShortName<F>(PhantomData<fn() -> F>);

impl<F> ShortName<F> {
    pub(crate) fn new() -> Self {
        ShortName(PhantomData)
    }
}

impl<F> Name for ShortName<F> {
    fn name(&self) -> &str {
        short_name::<F>()
    }
}

/// The name of the saga [`run_saga`](super::run_saga) runs.
pub(crate) struct MainName;

impl Name for MainName {
    fn name(&self) -> &str {
        "main"
    }
}

/// [`Core::flags`]: the halt is a cancellation.
const CANCELS: u8 = 1;
/// [`Core::flags`]: the halted body is in its cleanup.
const CLEANING_UP: u8 = 2;
/// [`Core::flags`]: the body is being stepped (its driver holds the
/// generator).
const STEPPING: u8 = 4;
/// [`Core::flags`]: the body is in an [`uninterruptible`](super::uninterruptible)
/// region: a halt waits in the task's [`Leftovers::deferred`] until it leaves.
const SHIELDED: u8 = 8;
/// [`Core::flags`]: a halt came from inside the body's own step and is
/// queued to take effect after it; the task must not settle before.
const HALT_QUEUED: u8 = 16;

/// The type-independent half of a task, shared by the tree.
pub(crate) struct Core {
    pub(super) id: TaskId,
    pub(super) link: Link,
    /// Strong: a parent waiting for its children is kept alive by them
    /// (nothing else may hold it once its own body is done). Let go when
    /// this task settles, which also unlinks it from the parent.
    pub(super) parent: Cell<Option<Rc<dyn Node>>>,
    pub(super) children: Children,
    /// Why it halts, if it does ([`Halt`] split in two, so the reason takes
    /// one word and the kind a byte of padding). Taken and put back, never
    /// borrowed: a `Cell` needs no borrow flag.
    halt: Cell<Option<Error>>,
    /// Whether the halt is a cancellation (else an abort), and whether
    /// the halted body is being driven through its cleanup: bits of one
    /// byte, in the padding.
    flags: Cell<u8>,
    /// Whether the task takes a turn alone, and owes itself the next.
    turn: Cell<Turn>,
    /// Bumped when the pending effect stops mattering (a halt), so its
    /// late result is dropped. Beside `link`, in the padding after it.
    epoch: Cell<u32>,
    /// How many times a take has ended this saga at the store's end (in
    /// the padding too): a body that ignores that `return()` and takes
    /// again would otherwise go round for ever.
    ends_heard: Cell<u8>,
    pub(super) env: Rc<Env>,
}

impl Core {
    pub(crate) fn new(id: TaskId, link: Link, parent: Option<Rc<dyn Node>>, env: Rc<Env>) -> Self {
        Core {
            id,
            link,
            parent: Cell::new(parent),
            children: Children::default(),
            halt: Cell::new(None),
            flags: Cell::new(0),
            turn: Cell::new(Turn::Queued),
            epoch: Cell::new(0),
            ends_heard: Cell::new(0),
            env,
        }
    }

    /// Which wait of the task's is current: a result for another is late.
    pub(crate) fn epoch(&self) -> u64 {
        u64::from(self.epoch.get())
    }

    /// Marks the body as being stepped; `false` if it already was.
    pub(crate) fn begin_step(&self) -> bool {
        let flags = self.flags.get();
        self.flags.set(flags | STEPPING);
        flags & STEPPING == 0
    }

    pub(crate) fn end_step(&self) {
        self.flags.set(self.flags.get() & !STEPPING);
    }

    /// Whether the body is being stepped: something it runs is calling.
    pub(crate) fn is_stepping(&self) -> bool {
        self.flags.get() & STEPPING != 0
    }

    /// The halted body's cleanup begins (driven through `return()`).
    pub(crate) fn begin_cleanup(&self) {
        self.flags.set(self.flags.get() | CLEANING_UP);
    }

    /// Whether the halted body is being driven through its cleanup.
    pub(crate) fn is_cleaning_up(&self) -> bool {
        self.flags.get() & CLEANING_UP != 0
    }

    /// A take heard the store's end; `false` once the body has ignored
    /// the `return()` that makes too many times to be doing anything else.
    pub(crate) fn hear_end(&self) -> bool {
        const ENOUGH: u8 = 64;
        let heard = self.ends_heard.get().saturating_add(1);
        self.ends_heard.set(heard);
        heard <= ENOUGH
    }

    /// A halt from inside the body's own step is queued behind it.
    pub(crate) fn queue_halt(&self) {
        self.flags.set(self.flags.get() | HALT_QUEUED);
    }

    /// The queued halt is about to take effect.
    pub(crate) fn unqueue_halt(&self) {
        self.flags.set(self.flags.get() & !HALT_QUEUED);
    }

    /// Whether a halt is queued behind the body's step: until it takes
    /// effect, the task must neither settle nor take another halt first.
    pub(crate) fn is_halt_queued(&self) -> bool {
        self.flags.get() & HALT_QUEUED != 0
    }

    /// The body enters an uninterruptible region; whether it was in one.
    pub(crate) fn shield(&self) -> bool {
        let flags = self.flags.get();
        self.flags.set(flags | SHIELDED);
        flags & SHIELDED != 0
    }

    /// The body leaves its outermost uninterruptible region.
    pub(crate) fn unshield(&self) {
        self.flags.set(self.flags.get() & !SHIELDED);
    }

    /// Whether a halt must wait until the body leaves its region.
    pub(crate) fn is_shielded(&self) -> bool {
        self.flags.get() & SHIELDED != 0
    }

    pub(super) fn next_epoch(&self) {
        self.epoch.set(self.epoch.get().wrapping_add(1));
    }

    /// Why the task is halting, if it is.
    pub(crate) fn halted(&self) -> Option<Halt> {
        let reason = peek(&self.halt, None, Option::clone)?;
        Some(if self.flags.get() & CANCELS != 0 {
            Halt::Cancel(reason)
        } else {
            Halt::Abort(reason)
        })
    }

    pub(crate) fn is_halted(&self) -> bool {
        peek(&self.halt, None, Option::is_some)
    }

    /// Whether it is halting because it was cancelled (not by an error).
    pub(crate) fn is_cancelled(&self) -> bool {
        self.flags.get() & CANCELS != 0 && self.is_halted()
    }

    pub(crate) fn set_halt(&self, why: Halt) {
        let (reason, cancels) = match why {
            Halt::Cancel(reason) => (reason, true),
            Halt::Abort(reason) => (reason, false),
        };
        let flags = self.flags.get() & !CANCELS;
        self.flags
            .set(if cancels { flags | CANCELS } else { flags });
        self.halt.set(Some(reason));
    }
}

/// A task's context goes with the task, settled or not (a task freed
/// waiting, with the parent that held it, never settles).
impl Drop for Core {
    fn drop(&mut self) {
        if let Some(contexts) = self.env.contexts.get() {
            contexts.end(self.id);
        }
    }
}

/// How a task's current turn came: see [`AloneTurn`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Turn {
    /// From anywhere else (a reaction among others, a timer, a start).
    Queued,
    /// As the whole of a microtask of its own.
    Alone,
    /// Alone, and its step asked to take the next turn at once.
    Owed,
}

impl Core {
    /// A step taken alone asks to take its next turn at once instead of
    /// queueing it (see [`may_go_on_at_once`]).
    pub(crate) fn owe_turn(&self) -> bool {
        let owe = may_go_on_at_once(self.turn.get() == Turn::Alone);
        if owe {
            self.turn.set(Turn::Owed);
        }
        owe
    }
}

/// A task's turn taken as the whole of its microtask; back to
/// [`Turn::Queued`] when dropped, even by unwinding.
pub(crate) struct AloneTurn<'a>(&'a Core);

impl<'a> AloneTurn<'a> {
    pub(crate) fn begin(core: &'a Core) -> Self {
        core.turn.set(Turn::Alone);
        AloneTurn(core)
    }

    /// Whether the step just taken owes the next turn (and so goes on).
    pub(crate) fn owed(&self) -> bool {
        self.0.turn.replace(Turn::Alone) == Turn::Owed
    }
}

impl Drop for AloneTurn<'_> {
    fn drop(&mut self) {
        self.0.turn.set(Turn::Queued);
    }
}

/// Reads what `cell` holds through `look`, leaving `placeholder` there
/// meanwhile: a `Cell` has no borrow flag to keep, which is why a task's
/// small states are kept in `Cell`s rather than `RefCell`s.
#[inline]
pub(super) fn peek<T, R>(cell: &Cell<T>, placeholder: T, look: impl FnOnce(&T) -> R) -> R {
    let value = cell.replace(placeholder);
    let seen = look(&value);
    cell.set(value);
    seen
}

/// A task's attached children. Most tasks have none, so the list is
/// allocated with the first (8 bytes in every task instead of 24), and it
/// is taken and put back, never borrowed (a `Cell`: no borrow flag). A
/// settled child leaves it by its id ([`Roster`]).
///
/// Weak: a child is kept alive by what it waits on (a timer, a promise's
/// reaction, a channel), and it keeps its parent alive. A child whose wait
/// nothing can end is held by nothing else, so it is freed with its parent
/// (as a garbage collector would free both) instead of holding the parent
/// that holds it, a cycle of `Rc`s. Such a child never settles, and its
/// parent waits for it, as a JavaScript parent waits for a child stuck for
/// ever.
#[derive(Default)]
pub(super) struct Children(Cell<Option<Box<ChildList>>>);

type ChildList = Roster<Weak<dyn Node>>;

pub(super) type NodeList = Vec<Rc<dyn Node>>;

impl Children {
    pub(super) fn is_empty(&self) -> bool {
        peek(&self.0, None, |list| {
            list.as_ref().is_none_or(|list| list.is_empty())
        })
    }

    pub(super) fn add(&self, id: TaskId, child: &Rc<dyn Node>) {
        let mut list = self.0.take().unwrap_or_default();
        list.join(id.0, Rc::downgrade(child));
        self.0.set(Some(list));
    }

    pub(super) fn remove(&self, id: TaskId) {
        let Some(mut list) = self.0.take() else {
            return;
        };
        list.leave(id.0);
        self.0.set(Some(list));
    }

    /// The children alive now (halting one may change the list).
    pub(super) fn snapshot(&self) -> NodeList {
        peek(&self.0, None, |list| {
            list.iter()
                .flat_map(|list| list.iter())
                .filter_map(Weak::upgrade)
                .collect()
        })
    }
}

/// A task as the tree sees it.
pub(crate) trait Node {
    fn core(&self) -> &Core;
    fn name(&self) -> &str;
    fn halt(self: Rc<Self>, why: Halt);
    fn child_settled(self: Rc<Self>, child: TaskId, failure: Option<Error>);
    fn is_settled(&self) -> bool;
}
