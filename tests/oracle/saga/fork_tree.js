// The fork tree's order, where seed 003 is silent: redux-saga's, beside a
// chain of microtask ticks. A fork runs the child until it waits and
// resumes the parent at once; `cancelled()` and a cancel resume at once; a
// joiner resumes as the task it joins ends; a child failing as it is
// forked aborts its parent before the parent goes on.
const { runSaga, stdChannel } = require("redux-saga");
const { call, cancel, cancelled, fork, join } = require("redux-saga/effects");

const log = (s) => console.log(s);
const answer = (v) => Promise.resolve(v);
let p = Promise.resolve();
for (let i = 1; i <= 6; i++) p = p.then(() => log("tick " + i));

function* worker() {
  log("worker: starts");
  const v = yield call(answer, 7);
  log("worker: called " + v);
  return v * 6;
}

function* sleeper() {
  try {
    yield call(() => new Promise(() => {}));
  } finally {
    log("sleeper: cancelled? " + (yield cancelled()));
  }
}

function* failing() {
  log("failing: throws as it starts");
  throw "boom";
}

function* parent() {
  const task = yield fork(worker);
  log("parent: forked the worker");
  const asleep = yield fork(sleeper);
  yield cancel(asleep);
  log("parent: cancelled the sleeper; cancelled? " + (yield cancelled()));
  log("parent: joined the worker: " + (yield join(task)));
  return "parent done";
}

function* doomed() {
  try {
    yield fork(failing);
    log("doomed: never goes on");
  } finally {
    log("doomed: cleanup");
  }
}

const env = { channel: stdChannel(), dispatch: () => {}, getState: () => ({}), onError: () => {} };
runSaga(env, parent).toPromise().then((v) => log("parent: resolved " + v));
runSaga(env, doomed).toPromise().catch((e) => log("doomed: rejected " + e));
log("script end");
