// The saga stack redux-saga hands its onError hook when a root or a
// spawned task fails: the task the error began in, the tasks it went up
// through ("created by"), and the tasks the error cancelled on its way.
const { runSaga, stdChannel } = require("redux-saga");
const { call, delay, fork, join, race, spawn } = require("redux-saga/effects");

const log = (s) => console.log(s);
const env = {
  channel: stdChannel(),
  dispatch: () => {},
  getState: () => ({}),
  onError: (error, { sagaStack }) => {
    log("onError: " + error.message);
    for (const line of sagaStack.trimEnd().split("\n")) log("  | " + line);
  },
};

// A body's own error, three levels down, through a fork, a call and a
// fork, cancelling a sibling and the bodies on the way.
function* grandchild() {
  yield delay(10);
  throw new Error("payment service refused");
}
function* sibling() {
  yield delay(100);
}
function* child() {
  yield fork(grandchild);
  yield fork(sibling);
  yield delay(100);
}
function* helper() {
  yield call(child);
}
function* checkout() {
  const task = yield fork(helper);
  yield join(task);
}

// A spawned task reports its own failure; its joiner, failing with the
// same error, reports again with a stack of its own.
function* flaky() {
  yield delay(5);
  throw new Error("flaky failed");
}
function* supervisor() {
  const task = yield spawn(flaky);
  yield join(task);
}

// A called saga failing inside a race: the race's other part and the
// caller's body are cancelled.
function* fetch_user() {
  yield delay(20);
  throw new Error("user not found");
}
function* profile() {
  yield race({ user: call(fetch_user), timeout: delay(1000) });
}

// A root failing at once, by itself: nothing cancelled.
function* broken() {
  throw new Error("broken from the start");
}

runSaga(env, checkout).toPromise().catch(() => log("checkout: rejected"));
runSaga(env, supervisor).toPromise().catch(() => log("supervisor: rejected"));
runSaga(env, profile).toPromise().catch(() => log("profile: rejected"));
runSaga(env, broken).toPromise().catch(() => log("broken: rejected"));
log("script end");
