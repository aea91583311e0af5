// redux-saga's context: the middleware's context is the root's; a task's
// context inherits its parent's (forked, spawned or called), and sees what
// the parent sets later unless it set the same key itself; what a child
// sets is its own. getContext and setContext go on at once.
const { applyMiddleware, createStore } = require("redux");
const createSagaMiddleware = require("redux-saga").default;
const { call, delay, fork, getContext, setContext, spawn } = require("redux-saga/effects");

const log = (s) => console.log(s);
let p = Promise.resolve();
for (let i = 1; i <= 3; i++) p = p.then(() => log("tick " + i));

const sagas = createSagaMiddleware({ context: { api: "v1" } });
createStore((s = 0) => s, applyMiddleware(sagas));

function* read(who, key) {
  log(`${who}: ${key} is ${yield getContext(key)}`);
}

function* grandchild() {
  yield* read("grandchild", "api");
  yield* read("grandchild", "user");
}

function* child() {
  yield* read("child", "api");
  yield delay(10);
  yield* read("child", "user");
  yield setContext({ api: "v2" });
  yield* read("child", "api");
  yield fork(grandchild);
}

function* detached() {
  yield delay(20);
  yield* read("spawned", "user");
  yield* read("spawned", "api");
}

function* called() {
  yield* read("called", "user");
  yield setContext({ user: "grace" });
  yield* read("called", "user");
}

function* root() {
  yield fork(child);
  yield spawn(detached);
  yield* read("root", "user");
  yield setContext({ user: "ada" });
  log("root: set user");
  yield call(called);
  yield* read("root", "user");
  yield delay(30);
  yield* read("root", "api");
}

sagas.run(root);
log("script end");
