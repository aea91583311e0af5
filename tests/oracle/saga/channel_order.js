// A channel's order, where seed 003 is silent: redux-saga's, beside a chain
// of microtask ticks. The puts a child makes as it is forked wait until the
// parent waits; a put hands its message to the waiting taker, which goes on
// at once, before the putter; closing the channel ends the taker (END,
// which baton's `take_from` gives as `None`).
const { runSaga, stdChannel, channel, buffers, END } = require("redux-saga");
const { fork, put, takeMaybe } = require("redux-saga/effects");

const log = (s) => console.log(s);
let p = Promise.resolve();
for (let i = 1; i <= 4; i++) p = p.then(() => log("tick " + i));

const chan = channel(buffers.expanding(4));

function* taker() {
  for (;;) {
    const m = yield takeMaybe(chan);
    if (m === END) {
      log("taker: END");
      return;
    }
    log("taker: got " + m);
  }
}

function* putter() {
  yield put(chan, 1);
  log("putter: put 1");
  yield put(chan, 2);
  log("putter: put 2");
  chan.close();
  log("putter: closed");
}

function* main() {
  yield fork(taker);
  yield fork(putter);
  log("main: forked both");
}

runSaga({ channel: stdChannel(), dispatch: () => {}, getState: () => ({}) }, main);
log("script end");
