//! Action channels: a store's matching actions queued until a saga takes
//! them (redux-saga's `actionChannel`).

use std::rc::Rc;

use crate::Error;
use crate::generator::Abrupt;
use crate::saga::SagaCo;
use crate::saga::effect::{Description, Effect, Kind, Running, yield_typed};
use crate::saga::store::{Action, Bus, Listen, Pattern};

use super::{Buffer, Channel};

/// The effect of opening an action channel on the runtime's store: every
/// action matching `pattern` is queued until the saga takes it.
///
/// ```
/// use baton::saga::{Action, Buffer, Kind, action_channel_effect};
///
/// #[derive(Clone, Debug)]
/// struct Click;
/// impl Action for Click {
///     fn action_type(&self) -> &str { "CLICK" }
/// }
/// let d = action_channel_effect::<Click>("CLICK".into(), Buffer::Expanding(8)).describe();
/// assert_eq!(d.kind, Kind::Take);
/// ```
pub fn action_channel_effect<A: Action>(pattern: Pattern<A>, policy: Buffer) -> Effect {
    let describe = |(p, b): &(Pattern<A>, Buffer)| Description {
        kind: Kind::Take,
        name: "actionChannel".into(),
        args: format!("{p:?}, {b:?}"),
    };
    Effect::new((pattern, policy), describe, |(pattern, policy), scope| {
        let Some(bus) = scope.service::<Bus<A>>() else {
            let missing = Error::msg("no store in this runtime: start it with Runtime::with_store");
            return Running::now(Err(missing));
        };
        let channel = Channel::new(policy);
        if bus.is_ended() {
            // Opened on an ended store: it hears the end at once.
            channel.end();
            return Running::now(Ok(Rc::new(channel)));
        }
        let key = bus.listen(Rc::new(Feed {
            pattern,
            sink: channel.clone(),
        }));
        let weak = Rc::downgrade(&bus);
        *channel.inner.on_close.borrow_mut() = Some(Box::new(move || {
            if let Some(bus) = weak.upgrade() {
                bus.unsubscribe(key);
            }
        }));
        // Open at once, and the saga goes on at once, as in redux-saga.
        Running::now(Ok(Rc::new(channel)))
    })
}

/// What feeds an action channel from its store's bus.
struct Feed<A> {
    pattern: Pattern<A>,
    sink: Channel<A>,
}

impl<A: Action> Listen<A> for Feed<A> {
    fn hear(self: Rc<Self>, action: &A) {
        if self.pattern.matches(action) {
            let _ = self.sink.put(action.clone());
        }
    }

    fn end(self: Rc<Self>) {
        self.sink.end();
    }
}

/// `yield actionChannel(pattern, buffer)`: a channel of the store's
/// matching actions (close it to stop listening).
///
/// # Errors
///
/// `Err(Abrupt::Throw(_))` when the runtime has no store;
/// `Err(Abrupt::Return(_))` if the saga is cancelled while it waits (see
/// [errors of an effect](crate::saga#errors-of-an-effect)).
///
/// ```
/// use baton::saga::{Action, Buffer, Runtime, SagaCo, Store, action_channel, delay, take_from};
/// use baton::{EventLoop, Gen};
///
/// #[derive(Clone, Debug)]
/// struct Req(u32);
/// impl Action for Req {
///     fn action_type(&self) -> &str { "REQ" }
/// }
/// let handled = EventLoop::virtual_clock().run(|| {
///     let store = Store::new((), |_: &mut (), _: &Req| {});
///     let runtime = Runtime::new().with_store(&store);
///     let worker = runtime.run("worker", Gen::new(|co: SagaCo<Vec<u32>>| async move {
///         let requests = action_channel::<_, Req>(&co, "REQ", Buffer::Expanding(8)).await?;
///         let mut seen = Vec::new();
///         while seen.len() < 3 {
///             let Some(Req(n)) = take_from(&co, &requests).await? else { break };
///             delay(&co, 100).await?; // slow: the others queue meanwhile
///             seen.push(n);
///         }
///         Ok(seen)
///     }));
///     for n in 1..=3 {
///         store.dispatch(Req(n));
///     }
///     worker.promise()
/// });
/// assert_eq!(handled.peek().and_then(Result::ok), Some(vec![1, 2, 3]));
/// ```
pub async fn action_channel<T, A: Action>(
    co: &SagaCo<T>,
    pattern: impl Into<Pattern<A>>,
    policy: Buffer,
) -> Result<Channel<A>, Abrupt<Error, T>> {
    let effect = action_channel_effect(pattern.into(), policy);
    yield_typed(co, effect, Kind::Take, "actionChannel").await
}
