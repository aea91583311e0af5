//! Event channels: a push source (callbacks, intervals, another thread's
//! messages relayed by the loop) bridged into `take`, its unsubscribe
//! called when the channel closes.

use super::{Buffer, Channel, Delivery, Overflow};

/// Pushes into an event channel from a callback source.
///
/// ```
/// use baton::EventLoop;
/// use baton::saga::{Buffer, Delivery, event_channel};
///
/// let got = EventLoop::virtual_clock().run(|| {
///     let chan = event_channel(Buffer::Fixed(1), |emit| {
///         assert_eq!(emit.emit("first").ok(), Some(Delivery::Buffered));
///         assert!(emit.emit("second").is_err()); // the fixed buffer is full
///         emit.end();
///         || {}
///     });
///     baton::promise::all([chan.take(), chan.take()])
/// });
/// assert_eq!(got.peek().and_then(Result::ok), Some(vec![Some("first"), None]));
/// ```
#[derive(Debug)]
pub struct Emitter<T> {
    channel: Channel<T>,
}

impl<T> Clone for Emitter<T> {
    fn clone(&self) -> Self {
        Emitter {
            channel: self.channel.clone(),
        }
    }
}

impl<T: Clone + 'static> Emitter<T> {
    /// Emits a message (dropped or refused as the buffer's policy says).
    ///
    /// # Errors
    ///
    /// [`Overflow`] when the channel's buffer is [`Buffer::Fixed`] and full.
    ///
    /// ```
    /// use baton::EventLoop;
    /// use baton::saga::{Buffer, Delivery, event_channel};
    ///
    /// EventLoop::virtual_clock().run(|| {
    ///     let chan = event_channel(Buffer::Sliding(1), |emit| {
    ///         assert_eq!(emit.emit(1).ok(), Some(Delivery::Buffered));
    ///         assert_eq!(emit.emit(2).ok(), Some(Delivery::DroppedOldest));
    ///         || {}
    ///     });
    ///     assert_eq!(chan.flush(), [2]);
    /// });
    /// ```
    pub fn emit(&self, message: T) -> Result<Delivery, Overflow> {
        self.channel.put(message)
    }

    /// Ends the source: closes the channel (redux-saga's `emit(END)`).
    ///
    /// ```
    /// use baton::EventLoop;
    /// use baton::saga::{Buffer, event_channel};
    /// use std::{cell::Cell, rc::Rc};
    ///
    /// let stopped = Rc::new(Cell::new(false));
    /// let s = stopped.clone();
    /// EventLoop::virtual_clock().run(move || {
    ///     let chan = event_channel::<u8, _>(Buffer::None, move |emit| {
    ///         emit.end(); // the source is done: the channel closes...
    ///         move || s.set(true) // ...and the unsubscribe function runs once
    ///     });
    ///     assert!(chan.is_closed());
    /// });
    /// assert!(stopped.get());
    /// ```
    pub fn end(&self) {
        self.channel.close();
    }
}

/// redux-saga's `eventChannel(subscribe, buffer)`: `subscribe` starts the
/// push source with an [`Emitter`] and returns how to stop it, which runs
/// once when the channel closes.
///
/// ```
/// use baton::{EventLoop, set_interval, clear_interval};
/// use baton::saga::{Buffer, event_channel};
/// use std::time::Duration;
///
/// let got = EventLoop::virtual_clock().run(|| {
///     let ticks = event_channel(Buffer::Expanding(4), |emit| {
///         let mut n = 0;
///         let id = set_interval(move || { n += 1; if n > 3 { emit.end() } else { let _ = emit.emit(n); } },
///                               Duration::from_millis(10));
///         move || clear_interval(id)
///     });
///     let (a, b) = (ticks.take(), ticks.take());
///     baton::promise::all([a, b, ticks.take(), ticks.take()])
/// });
/// assert_eq!(got.peek().and_then(Result::ok), Some(vec![Some(1), Some(2), Some(3), None]));
/// ```
pub fn event_channel<T: Clone + 'static, U: FnOnce() + 'static>(
    policy: Buffer,
    subscribe: impl FnOnce(Emitter<T>) -> U,
) -> Channel<T> {
    let channel = Channel::new(policy);
    let unsubscribe = subscribe(Emitter {
        channel: channel.clone(),
    });
    if channel.is_closed() {
        unsubscribe();
    } else {
        *channel.inner.on_close.borrow_mut() = Some(Box::new(unsubscribe));
    }
    channel
}
