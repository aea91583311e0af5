//! Wake-ups from outside the loop: a task awaiting a foreign future (tokio
//! I/O, a channel, another thread) gets a real, thread-safe waker. Waking
//! it queues the task here and rouses the loop, which polls the task as a
//! macrotask, like an I/O callback in Node.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{RawWaker, RawWakerVTable, Wake, Waker};
use std::thread::Thread;

use super::{GoOn, Job};

/// What the loop is waiting on while it has nothing else to do.
#[derive(Default)]
enum Rouse {
    #[default]
    Nobody,
    /// `EventLoop::run` parked this thread.
    Thread(Thread),
    /// `EventLoop::run_async` is suspended in this executor.
    #[cfg(feature = "tokio")]
    Waker(Waker),
}

#[derive(Default)]
pub(crate) struct Remote {
    woken: Mutex<Vec<usize>>,
    /// Wake-ups ever pushed to `woken` (counted under its lock): tells the
    /// loop a wake-up came after it looked (see [`Remote::woken_since`]).
    wakes: AtomicU64,
    rouse: Mutex<Rouse>,
    /// Set while `rouse` names someone (the loop is about to wait or
    /// waits): a wake-up while the loop runs skips that lock.
    waiting: AtomicBool,
    /// Each task's foreign waker, kept per reservation of a task key; one
    /// held outside the loop by a waiting task says a wake-up may still
    /// come. Serial numbers are never reused on a thread, so a waker kept
    /// from an earlier run's task never counts for a later task given its
    /// key; one made between runs counts for the next run's task it
    /// belongs to.
    live: Mutex<Live>,
}

/// Each task's foreign waker, made the first time one of its lent wakers
/// escapes and kept for the next: a task awaiting foreign futures one
/// after another clones its waker each time, which then costs a
/// reference count, not an allocation and a count of its own. A waker is
/// alive outside the loop while something besides this list holds it
/// (its strong count is above one). A count rises from one only through
/// a lent waker, which lives for one poll: never while the loop looks at
/// the counts, between polls.
/// Most loops have a task or two with any, kept in a short list; past
/// [`FEW`] they go to a map, since ten thousand tasks each waiting on a
/// foreign future made the list's search on every clone quadratic (0.9 s
/// for 40,000). Wakers no longer held outside are let go of as the list
/// or the map fills, so it stays within twice the tasks waiting.
struct Live {
    few: Vec<Arc<TaskWaker>>,
    many: HashMap<(usize, u64), Arc<TaskWaker>, BuildHasherDefault<TaskHasher>>,
    /// The map's size at which wakers no longer held outside are let go.
    prune_at: usize,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            few: Vec::new(),
            many: HashMap::default(),
            prune_at: 2 * FEW,
        }
    }
}

/// The most tasks with a kept foreign waker in the short list.
const FEW: usize = 8;

/// Whether a kept waker has a clone alive outside the loop.
fn held_outside(waker: &Arc<TaskWaker>) -> bool {
    Arc::strong_count(waker) > 1
}

impl Live {
    /// The task's foreign waker: the one kept for it, or a new one.
    fn waker_for(&mut self, tag: Tag, remote: &Arc<Remote>) -> Arc<TaskWaker> {
        let id = tag.id();
        let kept = if self.many.is_empty() {
            self.few.iter().find(|waker| waker.tag.id() == id)
        } else {
            self.many.get(&id)
        };
        if let Some(kept) = kept {
            return kept.clone();
        }
        let made = Arc::new(TaskWaker {
            tag,
            remote: remote.clone(),
        });
        self.keep(made.clone());
        made
    }

    fn keep(&mut self, waker: Arc<TaskWaker>) {
        if self.many.is_empty() {
            if self.few.len() == FEW {
                self.few.retain(held_outside);
            }
            if self.few.len() < FEW {
                self.few.push(waker);
                return;
            }
            self.many
                .extend(self.few.drain(..).map(|waker| (waker.tag.id(), waker)));
        }
        if self.many.len() >= self.prune_at {
            self.prune_map();
        }
        self.many.insert(waker.tag.id(), waker);
    }

    /// Lets go of the map's wakers nobody outside holds; the next such
    /// look comes once the map has doubled.
    #[inline]
    fn prune_map(&mut self) {
        self.many.retain(|_, waker| held_outside(waker));
        self.prune_at = (2 * self.many.len()).max(2 * FEW);
    }

    /// Lets go of the wakers nobody outside holds: the loop looks at the
    /// rest each time it has nothing to do, which must not cost a look at
    /// every task that ever awaited a foreign future.
    fn prune(&mut self) {
        self.few.retain(held_outside);
        if self.many.is_empty() {
            return;
        }
        self.prune_map();
        if self.many.len() <= FEW {
            // The map goes with its room: a map emptied keeps its buckets,
            // and a look at it goes through every one of them.
            self.few
                .extend(std::mem::take(&mut self.many).into_values());
        }
    }

    /// The tasks with a waker alive outside the loop.
    fn held(&self) -> impl Iterator<Item = (usize, u64)> {
        self.few
            .iter()
            .chain(self.many.values())
            .filter(|waker| held_outside(waker))
            .map(|waker| waker.tag.id())
    }
}

/// A task's key and serial are the loop's own small numbers, not input an
/// adversary picks: one multiply mixes them, where the default hasher took
/// 80 ns more a foreign wake-up with a single task waiting.
#[derive(Default)]
struct TaskHasher(u64);

impl Hasher for TaskHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(26) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Remote {
    /// Whether a task for which `waiting(key, serial)` holds has a waker
    /// alive outside the loop.
    pub(crate) fn has_live_wakers(&self, waiting: impl Fn(usize, u64) -> bool) -> bool {
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.prune();
        let held = live.held().any(|(key, serial)| waiting(key, serial));
        // A waker woken and then dropped on another thread pushed its
        // task's key before its count went (a release): seeing the count
        // gone, the loop then sees the key (see `woken_since`).
        std::sync::atomic::fence(Ordering::Acquire);
        held
    }

    /// The foreign waker of the task `tag` names (see [`Live`]).
    fn waker_for(self: &Arc<Self>, tag: Tag) -> Arc<TaskWaker> {
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.waker_for(tag, self)
    }

    /// Lets go of the kept wakers, each of which holds this `Remote`: the
    /// loop that owns it is going away.
    pub(crate) fn forget_wakers(&self) {
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        *live = Live::default();
    }

    fn wake(&self, key: usize) {
        {
            let mut woken = self.woken.lock().unwrap_or_else(PoisonError::into_inner);
            woken.push(key);
            // Written only under the lock: a store, not a locked add.
            let wakes = self.wakes.load(Ordering::Relaxed);
            self.wakes.store(wakes + 1, Ordering::Relaxed);
        }
        // A loop about to wait sets `waiting` and then looks at `woken`:
        // if it found nothing, its look came before the push above (the
        // lock orders them), so the flag's store is seen here.
        if !self.waiting.load(Ordering::Relaxed) {
            return;
        }
        match &*self.rouse.lock().unwrap_or_else(PoisonError::into_inner) {
            Rouse::Nobody => {}
            Rouse::Thread(thread) => thread.unpark(),
            #[cfg(feature = "tokio")]
            Rouse::Waker(waker) => waker.wake_by_ref(),
        }
    }

    /// Takes the keys of the tasks woken since the last call, leaving
    /// `spare` (empty) in their place: the two buffers take turns, so a
    /// wake-up allocates nothing once they have grown.
    /// Returns the count of wake-ups so far, for [`Remote::woken_since`].
    pub(crate) fn swap_woken(&self, spare: &mut Vec<usize>) -> u64 {
        debug_assert!(spare.is_empty());
        let mut woken = self.woken.lock().unwrap_or_else(PoisonError::into_inner);
        std::mem::swap(&mut *woken, spare);
        self.wakes.load(Ordering::Relaxed)
    }

    /// Whether a wake-up came since `swap_woken` returned `seen`. A foreign
    /// waker woken and then dropped on another thread pushes its task's key
    /// before its count goes: a loop that finds no waker alive and then
    /// nothing new here knows no wake-up slipped between its two looks.
    pub(crate) fn woken_since(&self, seen: u64) -> bool {
        self.wakes.load(Ordering::Acquire) != seen
    }

    pub(crate) fn has_woken(&self) -> bool {
        !self
            .woken
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }

    /// Who a wake-up rouses; set before the loop looks at `woken` one
    /// last time and waits (see [`Remote::wake`]).
    fn rouse(&self, rouse: Rouse) {
        let waits = !matches!(rouse, Rouse::Nobody);
        *self.rouse.lock().unwrap_or_else(PoisonError::into_inner) = rouse;
        self.waiting.store(waits, Ordering::Relaxed);
    }

    pub(crate) fn rouse_thread(&self, thread: Thread) {
        self.rouse(Rouse::Thread(thread));
    }

    #[cfg(feature = "tokio")]
    pub(crate) fn rouse_waker(&self, waker: &Waker) {
        self.rouse(Rouse::Waker(waker.clone()));
    }

    pub(crate) fn rouse_nobody(&self) {
        self.rouse(Rouse::Nobody);
    }
}

/// A task's waker for foreign futures: made the first time a future
/// clones the waker it was polled with (so tasks that only await baton's
/// own promises never allocate one), then kept for its later clones (see
/// [`Live`]).
struct TaskWaker {
    tag: Tag,
    remote: Arc<Remote>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.remote.wake(self.tag.key());
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.remote.wake(self.tag.key());
    }
}

/// Which task a waker belongs to. The key and the run in 32 bits each: a
/// task takes far more than 2^32 bytes' worth of slots before the keys run
/// out, and a run number only has to differ from the previous run's.
#[derive(Clone, Copy)]
struct Tag {
    key: u32,
    run: u32,
    /// Tells this task from later ones given the same key.
    serial: u64,
}

impl Tag {
    fn key(self) -> usize {
        self.key as usize
    }

    /// The reservation it names: serial numbers are never reused on a
    /// thread, so this tells its task from any other.
    fn id(self) -> (usize, u64) {
        (self.key(), self.serial)
    }
}

/// Where a task's wake-ups go: its key in the loop's registry, for one run
/// of the loop. The waker lent to each poll points here.
#[derive(Clone, Copy)]
pub(crate) struct WakeTarget {
    tag: Tag,
    /// The loop's `Remote`, owned by the thread's loop (an `Arc` that lives
    /// as long as the thread).
    remote: *const Remote,
}

/// What a lent waker points at: the task's target, the task itself (so a
/// promise awaited under this very waker can resume it directly, see
/// [`lent_task`]), and whether the waker escaped the poll (was cloned or
/// woken), after which the task must be reachable through its key.
struct Lent<'t> {
    target: &'t WakeTarget,
    task: &'t Rc<dyn Job>,
    /// The thread whose loop lent it ([`this_thread`]): a `&Waker` is
    /// `Send`, so a poll may hand it to another thread, where the task's
    /// `Rc` must not be touched.
    thread: *const u8,
    /// Lent while the task runs as the whole of its microtask (see
    /// [`Job::run_alone`]): what makes it poll again at once.
    go_on: Option<&'t GoOn>,
    escaped: AtomicBool,
}

/// The task behind a lent waker, borrowed for the poll.
pub(crate) struct LentTask<'a> {
    pub(crate) task: &'a Rc<dyn Job>,
    /// While the task runs alone: what makes the task poll its body
    /// again as soon as this poll returns (see [`LentTask::go_on_at_once`]).
    go_on: Option<&'a GoOn>,
}

impl LentTask<'_> {
    /// Whether the task runs as the whole of its microtask with nothing
    /// queued and no other turn owed to it: a turn it takes in place now
    /// is the next microtask (see [`GoOn`]).
    #[inline]
    pub(crate) fn may_go_on(&self) -> bool {
        self.go_on.is_some_and(GoOn::none_owed_before) && super::may_go_on_at_once(true)
    }

    /// Whether the task runs as the whole of its microtask with nothing
    /// queued: a turn it needs may be owed to it
    /// ([`go_on_at_once`](Self::go_on_at_once)), whatever else is owed.
    #[inline]
    pub(crate) fn may_owe(&self) -> bool {
        self.go_on.is_some() && super::may_go_on_at_once(true)
    }

    /// Asked by an await of a settled promise instead of queueing the
    /// task's next turn: whether the task will poll again at once (see
    /// [`may_go_on_at_once`](super::may_go_on_at_once)). Several awaits in
    /// one poll (a `join!` in a task) go on in one more poll, where the
    /// queue would have run one poll each, the later ones finding nothing
    /// new.
    #[inline]
    pub(crate) fn go_on_at_once(&self) -> bool {
        match self.go_on {
            Some(go_on) if super::may_go_on_at_once(true) => {
                go_on.owe();
                true
            }
            _ => false,
        }
    }
}

thread_local! {
    /// Only its address is used: it tells one thread from another.
    static THREAD_MARK: u8 = const { 0 };
}

/// This thread's mark: one address computation, no lazy initialisation.
#[inline]
fn this_thread() -> *const u8 {
    THREAD_MARK.with(std::ptr::from_ref)
}

static LENT: RawWakerVTable = RawWakerVTable::new(clone_lent, wake_lent, wake_lent, drop_lent);

/// A clone escapes the poll, so it is a real, thread-safe waker of its own.
unsafe fn clone_lent(data: *const ()) -> RawWaker {
    // SAFETY: `LENT` is only paired with a pointer to a `Lent` that
    // outlives the waker (`with_waker`), and a lent waker is only reachable
    // through the `Context` of a poll running on the loop's thread, so the
    // loop, and the `Arc<Remote>` it owns, are alive.
    let lent = unsafe { &*data.cast::<Lent<'_>>() };
    lent.escaped.store(true, Ordering::Relaxed);
    let target = lent.target;
    // SAFETY: as above, the loop's `Remote` is alive; borrowed here as the
    // `Arc` it is, without touching its count.
    let remote = std::mem::ManuallyDrop::new(unsafe { Arc::from_raw(target.remote) });
    let waker = Waker::from(remote.waker_for(target.tag));
    let raw = RawWaker::new(waker.data(), waker.vtable());
    std::mem::forget(waker);
    raw
}

/// Waking a lent waker (only possible during the poll) queues the task as
/// any foreign wake-up does; the loop polls it again afterwards.
unsafe fn wake_lent(data: *const ()) {
    // SAFETY: as in `clone_lent`; `Remote::wake` is thread-safe.
    let lent = unsafe { &*data.cast::<Lent<'_>>() };
    lent.escaped.store(true, Ordering::Relaxed);
    unsafe { &*lent.target.remote }.wake(lent.target.tag.key());
}

/// The lent waker owns nothing.
unsafe fn drop_lent(_: *const ()) {}

/// The task whose poll lent `waker`, if it is a waker lent by a task on
/// this thread's loop. Only that waker may be bypassed: a future polled
/// under a waker of its own (a `FuturesUnordered`, a hand-written
/// combinator) must have that waker woken, or its poller never looks at it
/// again. On another thread (the poll handed `&Waker` over) it is `None`:
/// the waker is then woken, which is thread-safe.
#[inline]
pub(crate) fn lent_task(waker: &Waker) -> Option<LentTask<'_>> {
    if !std::ptr::eq(waker.vtable(), &LENT) {
        return None;
    }
    // SAFETY: as in `clone_lent`: `LENT` is only paired with a pointer to a
    // live `Lent`, which outlives the poll that lent the waker; its fields
    // are not written after it is made, so any thread may read them.
    let lent = unsafe { &*waker.data().cast::<Lent<'_>>() };
    // The `Rc` is only cloned on the thread that owns it.
    (lent.thread == this_thread()).then_some(LentTask {
        task: lent.task,
        go_on: lent.go_on,
    })
}

impl WakeTarget {
    pub(crate) fn new(key: usize, serial: u64, run: u32, remote: &Arc<Remote>) -> Self {
        // A key per task alive at once: 2^32 of them would take far more
        // memory than a machine has, so the key never loses bits here.
        debug_assert!(u32::try_from(key).is_ok());
        let key = key as u32;
        WakeTarget {
            tag: Tag { key, run, serial },
            remote: Arc::as_ptr(remote),
        }
    }

    /// The task's key in the loop's registry.
    pub(crate) fn key(&self) -> usize {
        self.tag.key()
    }

    /// The serial number of the key's reservation (see [`Registry`]).
    ///
    /// [`Registry`]: super::registry::Registry
    pub(crate) fn serial(&self) -> u64 {
        self.tag.serial
    }

    /// The run of the loop the key belongs to.
    pub(crate) fn run(&self) -> u32 {
        self.tag.run
    }

    /// Runs `poll` with a waker for this task. Lending it costs nothing;
    /// only a clone (a future keeping the waker) allocates. Also says
    /// whether the waker escaped (was cloned or woken): only then can a
    /// wake-up come through the task's key. `go_on`: while the task runs
    /// as the whole of its microtask (see [`Job::run_alone`]), what makes
    /// it poll again as soon as this poll returns.
    #[inline]
    pub(crate) fn with_waker<R>(
        &self,
        task: &Rc<dyn Job>,
        go_on: Option<&GoOn>,
        poll: impl FnOnce(&Waker) -> R,
    ) -> (R, bool) {
        let lent = Lent {
            target: self,
            task,
            thread: this_thread(),
            go_on,
            escaped: AtomicBool::new(false),
        };
        let data: *const () = std::ptr::from_ref(&lent).cast();
        // SAFETY: the vtable's functions read `data` as the `Lent` it is,
        // which outlives `waker` (declared before it, in this frame), and
        // `drop` does nothing, so forgetting the waker leaks nothing.
        let waker =
            std::mem::ManuallyDrop::new(unsafe { Waker::from_raw(RawWaker::new(data, &LENT)) });
        let polled = poll(&waker);
        // A clone or wake on another thread during the poll happened
        // before the poll returned (the poll waited for that thread).
        (polled, lent.escaped.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event_loop::Nothing;

    fn tag(key: u32, serial: u64) -> Tag {
        Tag {
            key,
            run: 1,
            serial,
        }
    }

    #[test]
    fn a_tasks_waker_is_made_once_and_kept_past_the_short_list() {
        let remote = Arc::new(Remote::default());
        let mut live = Live::default();
        let first: Vec<_> = (0..20)
            .map(|k| live.waker_for(tag(k, 1), &remote))
            .collect();
        assert!(
            live.few.is_empty() && live.many.len() == 20,
            "moved to the map"
        );
        let again = live.waker_for(tag(3, 1), &remote);
        assert!(
            Arc::ptr_eq(&first[3], &again),
            "the kept one, not a new one"
        );
        assert!(
            !Arc::ptr_eq(&first[3], &live.waker_for(tag(3, 2), &remote)),
            "a later reservation of the key has its own"
        );
        drop(again);
        assert_eq!(live.held().count(), 20, "each still held outside");
        drop(first);
        assert_eq!(live.held().count(), 0, "kept, but held by nobody else");
    }

    #[test]
    fn wakers_held_by_nobody_else_are_let_go_as_the_map_fills() {
        let remote = Arc::new(Remote::default());
        let mut live = Live::default();
        let held = live.waker_for(tag(0, 1), &remote);
        for serial in 2..10_000 {
            drop(live.waker_for(tag(1, serial), &remote));
        }
        let kept = live.few.len() + live.many.len();
        assert!(kept <= 4 * FEW, "{kept} kept for one waker held");
        assert!(Arc::ptr_eq(&held, &live.waker_for(tag(0, 1), &remote)));
        assert_eq!(live.held().collect::<Vec<_>>(), [(0, 1)]);
    }

    #[test]
    fn the_loops_look_for_held_wakers_lets_go_of_the_rest() {
        let remote = Arc::new(Remote::default());
        let held = remote.waker_for(tag(0, 1));
        for key in 1..10_000 {
            drop(remote.waker_for(tag(key, 1)));
        }
        assert!(remote.has_live_wakers(|key, serial| (key, serial) == (0, 1)));
        let live = remote.live.lock().unwrap_or_else(PoisonError::into_inner);
        assert_eq!(live.few.len() + live.many.len(), 1, "only the one held");
        assert_eq!(live.many.capacity(), 0, "the emptied map's room let go too");
        drop(live);
        drop(held);
        assert!(!remote.has_live_wakers(|_, _| true));
    }

    #[test]
    fn a_loops_remote_is_freed_once_its_kept_wakers_are_forgotten() {
        let remote = Arc::new(Remote::default());
        let waker = remote.waker_for(tag(0, 1));
        drop(waker);
        let weak = Arc::downgrade(&remote);
        remote.forget_wakers();
        drop(remote);
        assert!(weak.upgrade().is_none());
    }

    #[test]
    fn a_lent_waker_leads_to_its_task_on_its_own_thread_only() {
        let remote = Arc::new(Remote::default());
        let target = WakeTarget::new(0, 1, 1, &remote);
        let task: Rc<dyn Job> = Rc::new(Nothing);
        let (seen, _) = target.with_waker(&task, None, |waker| {
            let here = lent_task(waker).map(|t| Rc::ptr_eq(t.task, &task));
            // A poll may hand `&Waker` to another thread: the task's `Rc`
            // is not reachable there.
            let there = std::thread::scope(|s| {
                s.spawn(|| lent_task(waker).is_some())
                    .join()
                    .unwrap_or(true)
            });
            (here, there)
        });
        assert_eq!(seen, (Some(true), false));
        assert!(lent_task(Waker::noop()).is_none());
        assert_eq!(Rc::strong_count(&task), 1, "the clone was dropped");
    }
}
