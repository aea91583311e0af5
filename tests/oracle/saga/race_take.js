// A race won by a take, where seed 003 is silent (its runner has no take):
// redux-saga resumes the saga inside the put that answered the take, as
// it resumes a take alone, so a saga racing a take in a loop is back at
// its next take before the putter goes on, and sees every action, even
// three put back to back; redux-saga's debounce (a race of a take and a
// delay in a loop) forks its worker with the last of them. An all of
// takes, decided by its last take, resumes its saga at once too. A take
// that finds a message waiting wins its race as it starts, and the saga
// goes on at once. A race won by a delay settles later, in turn.
const { applyMiddleware, createStore } = require("redux");
const createSagaMiddleware = require("redux-saga").default;
const { buffers, channel } = require("redux-saga");
const { all, debounce, delay, fork, put, race, take } = require("redux-saga/effects");

const log = (s) => console.log(s);
let p = Promise.resolve();
for (let i = 1; i <= 4; i++) p = p.then(() => log("tick " + i));

const sagas = createSagaMiddleware();
const store = createStore((count = 0) => count + 1, applyMiddleware(sagas));

function* racer() {
  for (;;) {
    const { ping, quiet } = yield race({ ping: take("PING"), quiet: delay(50) });
    if (quiet) {
      log("racer: quiet for 50 ms");
      return;
    }
    log(`racer: took PING ${ping.n}`);
  }
}

function* buffered() {
  const chan = channel(buffers.expanding(2));
  chan.put(7);
  const { message } = yield race({ message: take(chan), late: delay(10) });
  log(`buffered: took ${message} as the race started`);
}

function* pairer() {
  for (;;) {
    const [a, b] = yield all([take("A"), take("B")]);
    log(`pairer: took A ${a.n} and B ${b.n}`);
  }
}

function* pairs() {
  for (const n of [1, 2]) {
    yield put({ type: "A", n });
    yield put({ type: "B", n });
    log(`pairs: put A ${n} and B ${n}`);
  }
}

function* worker(a) {
  log(`worker: PING ${a.n}`);
}

function* pinger() {
  for (const n of [1, 2, 3]) {
    yield put({ type: "PING", n });
    log(`pinger: put PING ${n}`);
  }
}

function* main() {
  yield fork(buffered);
  log("main: forked buffered");
  yield fork(racer);
  const debouncer = yield debounce(20, "PING", worker);
  yield fork(pinger);
  const pairing = yield fork(pairer);
  yield fork(pairs);
  yield delay(100);
  debouncer.cancel();
  pairing.cancel();
  log("main: done");
}

sagas.run(main);
log("script end");
