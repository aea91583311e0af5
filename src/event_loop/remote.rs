//! Wake-ups from outside the loop: a task awaiting a foreign future (tokio
//! I/O, a channel, another thread) gets a real, thread-safe waker. Waking
//! it queues the task here and rouses the loop, which polls the task as a
//! macrotask, like an I/O callback in Node.

use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Wake, Waker};
use std::thread::Thread;

/// What the loop is waiting on while it has nothing else to do.
#[derive(Default)]
enum Rouse {
    #[default]
    Nobody,
    /// `EventLoop::run` parked this thread.
    Thread(Thread),
    /// `EventLoop::run_async` is suspended in this executor.
    Waker(Waker),
}

#[derive(Default)]
pub(crate) struct Remote {
    woken: Mutex<Vec<usize>>,
    rouse: Mutex<Rouse>,
}

impl Remote {
    fn wake(&self, key: usize) {
        self.woken
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(key);
        match &*self.rouse.lock().unwrap_or_else(PoisonError::into_inner) {
            Rouse::Nobody => {}
            Rouse::Thread(thread) => thread.unpark(),
            Rouse::Waker(waker) => waker.wake_by_ref(),
        }
    }

    /// Takes the keys of the tasks woken since the last call.
    pub(crate) fn take_woken(&self) -> Vec<usize> {
        std::mem::take(&mut *self.woken.lock().unwrap_or_else(PoisonError::into_inner))
    }

    pub(crate) fn has_woken(&self) -> bool {
        !self
            .woken
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }

    pub(crate) fn rouse_thread(&self, thread: Thread) {
        *self.rouse.lock().unwrap_or_else(PoisonError::into_inner) = Rouse::Thread(thread);
    }

    pub(crate) fn rouse_waker(&self, waker: &Waker) {
        *self.rouse.lock().unwrap_or_else(PoisonError::into_inner) = Rouse::Waker(waker.clone());
    }

    pub(crate) fn rouse_nobody(&self) {
        *self.rouse.lock().unwrap_or_else(PoisonError::into_inner) = Rouse::Nobody;
    }
}

/// A task's waker for foreign futures.
pub(crate) struct TaskWaker {
    key: usize,
    remote: Arc<Remote>,
}

impl TaskWaker {
    pub(crate) fn new(key: usize, remote: Arc<Remote>) -> Arc<Self> {
        Arc::new(TaskWaker { key, remote })
    }
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.remote.wake(self.key);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.remote.wake(self.key);
    }
}
