// Effects known as they are performed, inside an `all` or a race, where
// seed 003 is silent (its runner has no take and no fork): redux-saga
// resumes the saga at once, inside the step that performed them. A keyed
// `all` of takes that find their messages waiting goes on as it starts,
// as a positional one does; an `all` of forks (the usual root saga) goes
// on once its last child has started and blocked, before the saga that
// forked it goes on; and a race with a fork in it is won by the fork as
// it starts, its other parts cancelled. A put made meanwhile waits until
// the forking is over, as every put made while a fork starts does: in a
// saga no fork holds (one a timer resumed), the puts a child makes as it
// starts go out before the next part of the `all` starts, and those of
// the last child once the saga waits again.
const { applyMiddleware, createStore } = require("redux");
const createSagaMiddleware = require("redux-saga").default;
const { buffers, channel } = require("redux-saga");
const { all, cancelled, delay, fork, put, race, take } = require("redux-saga/effects");

const log = (s) => console.log(s);
let p = Promise.resolve();
for (let i = 1; i <= 3; i++) p = p.then(() => log("tick " + i));

const sagas = createSagaMiddleware();
const store = createStore((count = 0) => count + 1, applyMiddleware(sagas));

function* keyed() {
  const chan = channel(buffers.expanding(2));
  chan.put(7);
  chan.put(8);
  const { m, n } = yield all({ m: take(chan), n: take(chan) });
  log(`keyed: took ${m} and ${n} as the all started`);
}

function* listener(name) {
  log(`${name}: started`);
  const action = yield take("GO");
  log(`${name}: took GO ${action.n}`);
}

function* root() {
  yield all([fork(listener, "a"), fork(listener, "b")]);
  log("root: all of forks went on");
  yield put({ type: "GO", n: 1 });
  log("root: put GO 1");
}

function* racer() {
  const { child, never } = yield race({
    never: take("NEVER"),
    child: fork(listener, "c"),
  });
  log(`racer: won by the fork: ${child !== undefined}, the take: ${never !== undefined}`);
  yield put({ type: "GO", n: 2 });
  log("racer: put GO 2");
  try {
    yield take("NEVER");
  } finally {
    log(`racer: cancelled ${yield cancelled()}`);
  }
}

function* putter(name, type) {
  log(`${name}: started`);
  yield put({ type, n: 4 });
  log(`${name}: put ${type}`);
  yield take("GO");
  log(`${name}: took GO`);
}

function* picker(name) {
  log(`${name}: started`);
  const action = yield take(["X", "Y"]);
  log(`${name}: took ${action.type}`);
}

function* timed() {
  yield delay(1);
  const [x] = yield all([take("X"), fork(putter, "d", "X"), fork(picker, "e"), fork(putter, "f", "Y")]);
  log(`timed: all of a take and forks went on, took ${x.type}`);
  yield put({ type: "GO", n: 5 });
  log("timed: put GO 5");
}

function* main() {
  yield fork(keyed);
  log("main: forked keyed");
  yield fork(timed);
  yield fork(root);
  log("main: forked root");
  const racing = yield fork(racer);
  log("main: forked racer");
  yield put({ type: "GO", n: 3 });
  log("main: put GO 3");
  racing.cancel();
  log("main: done");
}

sagas.run(main);
log("script end");
