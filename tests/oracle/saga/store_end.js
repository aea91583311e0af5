// redux-saga's END, dispatched from outside: a saga waiting at a take ends
// as if return() were called there (its finally runs, cancelled() is
// false, its task ends with undefined); takeMaybe gets END itself; an
// action channel hands out what it holds, then ends its taker; a take
// made later ends its saga at once; a parent that ended at a take waits
// for its forked child, and a joiner sees a normal end. An action
// dispatched after END reaches no saga. (A race or an all holding such a
// take ends its saga too, inside the dispatch: a test of its own,
// `tests/saga_store.rs`.)
const { applyMiddleware, createStore } = require("redux");
const createSagaMiddleware = require("redux-saga").default;
const { END } = require("redux-saga");
const effects = require("redux-saga/effects");
const { actionChannel, cancelled, delay, fork, join, take, takeMaybe } = effects;

const log = (s) => console.log(s);
let p = Promise.resolve();
for (let i = 1; i <= 4; i++) p = p.then(() => log("tick " + i));

// The reducer counts the program's actions: not redux's own, nor END
// (baton's store ends without a reducer call: its reducer takes an action
// of the program's type).
const sagas = createSagaMiddleware();
const counting = (count = 0, a) => (a.type.startsWith("@@redux") ? count : count + 1);
const store = createStore(counting, applyMiddleware(sagas));

function* waiter() {
  try {
    yield take("GO");
    log("waiter: took GO");
  } finally {
    log(`waiter: finally, cancelled ${yield cancelled()}`);
  }
}

function* maybe() {
  const a = yield takeMaybe("GO");
  log(`maybe: took ${a === END ? "END" : a.type}`);
}

function* buffered() {
  const chan = yield actionChannel("JOB");
  yield delay(1);
  try {
    for (;;) {
      const a = yield take(chan);
      log(`buffered: took JOB ${a.n}`);
    }
  } finally {
    log("buffered: finally");
  }
}

function* child() {
  yield delay(10);
  log("child: done");
}

function* parent() {
  yield fork(child);
  try {
    yield take("GO");
  } finally {
    log("parent: finally");
  }
}

function* joiner(task) {
  const v = yield join(task);
  log(`joiner: joined the parent, which gave ${v}`);
}

function* late() {
  yield delay(5);
  log("late: takes after the end");
  try {
    yield take("GO");
    log("late: took GO");
  } finally {
    log("late: finally");
  }
}

function* root() {
  yield fork(waiter);
  yield fork(maybe);
  yield fork(buffered);
  const parentTask = yield fork(parent);
  yield fork(joiner, parentTask);
  yield fork(late);
  log("root: forked them all");
}

sagas
  .run(root)
  .toPromise()
  .then((v) => log(`root: ended with ${v}`));
store.dispatch({ type: "JOB", n: 1 });
store.dispatch({ type: "JOB", n: 2 });
log("script: END");
store.dispatch(END);
store.dispatch({ type: "GO" });
log(`script end; count ${store.getState()}`);
