// A put that overflows a channel's fixed buffer (redux-saga's "Channel's
// Buffer overflow!") is thrown into its saga inside the put, where seed
// 003 is silent (its runner has no channels): the saga goes on there, and
// what it puts next, before it waits again, waits until it does. A saga
// woken by a timer finds the channel full: it catches the overflow and
// gathers a put and a take, whose put goes out once the take has emptied
// the buffer; a race of a put overflows the same way, and a put made right
// after it waits for the saga to wait, then overflows in turn.
const { buffers, channel, runSaga, stdChannel } = require("redux-saga");
const { all, delay, flush, put, race, take } = require("redux-saga/effects");

const log = (s) => console.log(s);
const shown = (e) => (e.message === "Channel's Buffer overflow!" ? "an overflow" : e.message);
const chan = channel(buffers.fixed(1));
chan.put(73);

function* saga() {
  yield delay(1);
  try {
    yield put(chan, 7);
  } catch (e) {
    log(`caught ${shown(e)}`);
    const r = yield all({ a: put(chan, 10), b: take(chan) });
    log(`the all took ${r.b}, and its put went out`);
  }
  try {
    yield race({ a: put(chan, 8) });
  } catch (e) {
    log(`the race threw ${shown(e)}`);
    try {
      yield put(chan, 11);
    } catch (e2) {
      log(`the put after it threw ${shown(e2)}`);
    }
  }
  log(`buffered [${yield flush(chan)}]`);
}

runSaga({ channel: stdChannel() }, saga)
  .toPromise()
  .then(() => log("done"));
