// A store's put, take and select, in redux-saga's order, beside a chain of
// microtask ticks. Seed 003's runtime resumes a saga a microtask or more
// after its take's action comes, so an action dispatched before the saga
// is back in `take` is lost; redux-saga hands the action to the waiting
// taker inside the dispatch, and its saga goes on at once, before the
// putter; puts that saga makes wait until the putter waits too. So a
// watcher sees every action, even two put back to back; a saga that puts a
// request and then takes the reply gets it; a child's put made as it is
// forked reaches the take its parent makes right after the fork; a select
// reads the state at once, and an action channel opens at once; and an
// action dispatched from outside reaches every saga waiting for it before
// any action they put.
const { applyMiddleware, createStore } = require("redux");
const createSagaMiddleware = require("redux-saga").default;
const { actionChannel, flush, fork, put, select, take } = require("redux-saga/effects");

const log = (s) => console.log(s);
let p = Promise.resolve();
for (let i = 1; i <= 4; i++) p = p.then(() => log("tick " + i));

// A redux store whose state counts the actions, with the saga middleware:
// the reducer and the store's subscribers first, then the sagas.
const sagas = createSagaMiddleware();
const store = createStore((count = 0) => count + 1, applyMiddleware(sagas));
const count = () => store.getState() - 1; // less redux's own init action

function* watcher() {
  for (;;) {
    const a = yield take("PING");
    log(`watcher: took PING ${a.n}; count ${count()}`);
  }
}

function* responder() {
  const a = yield take("REQUEST");
  log(`responder: took REQUEST ${a.n}`);
  yield put({ type: "REPLY", n: a.n * 10 });
  log("responder: put REPLY");
}

function* child() {
  log("child: puts READY as it starts");
  yield put({ type: "READY" });
  log("child: put READY");
}

// GO is dispatched from outside, once main is done: the first saga to
// take it puts STEP, which waits until every saga waiting for GO has had
// it.
function* first() {
  yield take("GO");
  log("first: took GO");
  yield put({ type: "STEP" });
  log("first: put STEP");
}

function* second() {
  for (let i = 0; i < 2; i++) {
    const a = yield take(["GO", "STEP"]);
    log(`second: took ${a.type}`);
  }
}

function* main() {
  const pings = yield actionChannel("PING");
  log("main: opened a channel of PINGs");
  yield fork(taker);
  yield fork(first);
  yield fork(second);
  yield fork(watcher);
  yield fork(responder);
  yield put({ type: "PING", n: 1 });
  log("main: put PING 1");
  yield put({ type: "PING", n: 2 });
  log("main: put PING 2");
  yield put({ type: "REQUEST", n: 3 });
  log("main: put REQUEST 3");
  const reply = yield take("REPLY");
  log(`main: took REPLY ${reply.n}`);
  yield fork(child);
  log("main: forked the child");
  yield take("READY");
  log("main: took READY");
  log(`main: selected ${(yield select()) - 1}`);
  log(`main: the channel holds PING ${(yield flush(pings)).map((a) => a.n).join(", PING ")}`);
}

// NUM 1 is dispatched from outside; a subscriber of the store answers it
// by dispatching NUM 2 from inside that dispatch, before the sagas have
// seen NUM 1: the taker gets 2, then 1 (it is back in take by then).
function* taker() {
  for (let i = 0; i < 2; i++) {
    const a = yield take("NUM");
    log(`taker: took NUM ${a.n}`);
  }
}
let answer = false; // redux's subscribers are not told the action
store.subscribe(() => {
  if (answer) {
    answer = false;
    store.dispatch({ type: "NUM", n: 2 });
  }
});

sagas.run(main);
store.dispatch({ type: "GO" });
answer = true;
store.dispatch({ type: "NUM", n: 1 });
store.dispatch({ type: "NUM", n: 3 });
log(`script end; count ${count()}`);
