// A multicast channel (redux-saga's multicastChannel): a put goes to every
// saga waiting on it whose pattern matches, none is kept for later; a put
// from a saga reaches the others before the putter goes on; closing it
// ends a `take` (the saga finishes, its cleanup runs) and gives a
// `takeMaybe` the END.
const { runSaga, stdChannel, multicastChannel, END } = require("redux-saga");
const { put, take, takeMaybe, delay } = require("redux-saga/effects");

const log = (s) => console.log(s);
const env = { channel: stdChannel(), dispatch: () => {}, getState: () => ({}), onError: () => {} };
const chan = multicastChannel();

function* everything() {
  try {
    while (true) {
      const a = yield take(chan, "*");
      log(`everything: took ${a.type} ${a.n}`);
    }
  } finally {
    log("everything: ends");
  }
}

function* ponger() {
  try {
    while (true) {
      const a = yield take(chan, "PING");
      log(`ponger: took PING ${a.n}`);
      yield put(chan, { type: "PONG", n: a.n });
      log(`ponger: put PONG ${a.n}`);
    }
  } finally {
    log("ponger: ends");
  }
}

function* pongs() {
  while (true) {
    const a = yield takeMaybe(chan, (a) => a.type === "PONG");
    if (a === END) break;
    log(`pongs: took PONG ${a.n}`);
  }
  log("pongs: heard the end");
}

function* late() {
  yield delay(30);
  log("late: takes after the close");
  try {
    yield take(chan, "*");
    log("late: never");
  } finally {
    log("late: ends at once");
  }
}

for (const saga of [everything, ponger, pongs, late]) runSaga(env, saga);
let p = Promise.resolve();
for (let i = 1; i <= 3; i++) p = p.then(() => log("tick " + i));
chan.put({ type: "PING", n: 1 });
log("put PING 1");
chan.put({ type: "OTHER", n: 2 });
log("put OTHER 2");
setTimeout(() => {
  chan.put({ type: "PING", n: 3 });
  log("put PING 3");
}, 10);
setTimeout(() => {
  chan.close();
  log("closed");
  chan.put({ type: "PING", n: 4 });
  log("put PING 4 after the close");
}, 20);
log("script end");
