// Node's side of benches/sagas.rs: seed 003's runEnhanced (CALL, ALL,
// DELAY), timed the same way. Each function returns ns per operation.
"use strict";

// Seed 003's runEnhanced, as the saga oracles use it.
const { runEnhanced, call, all, race, delay } = require("../../tests/oracle/saga/_saga");
const { medianNs } = require("./measure");

const N = 1000;
const ready = (v) => Promise.resolve(v);

// Seed 003's SagaRuntime (PUT, TAKE) over a minimal store.
function createStore(reducer, state) {
  let last = null;
  const listeners = new Set();
  return {
    getState: () => state,
    getLastAction: () => last,
    dispatch(action) { state = reducer(state, action); last = action; for (const l of [...listeners]) l(); },
    subscribe(l) { listeners.add(l); return () => listeners.delete(l); },
  };
}
class SagaRuntime {
  #store;
  constructor(store) { this.#store = store; }
  run(saga) { return this.#drive(saga()); }
  async #drive(gen) {
    let input;
    while (true) {
      const { value: effect, done } = gen.next(input);
      if (done) return effect;
      input = await this.#resolve(effect);
    }
  }
  async #resolve(effect) {
    switch (effect.type) {
      case "PUT": return this.#store.dispatch(effect.action);
      case "TAKE": return new Promise((resolve) => {
        const unsub = this.#store.subscribe(() => {
          const action = this.#store.getLastAction();
          if (action && action.type === effect.actionType) { unsub(); resolve(action); }
        });
      });
      default: return effect;
    }
  }
}
// redux-saga, the reference where seed 003 is silent (channels, fork,
// cancel): the copy the oracles pin (`tests/oracle/package.json`).
function reduxSaga() {
  const oracles = require("path").join(__dirname, "..", "..", "tests", "oracle");
  const from = (name) => require(require.resolve(name, { paths: [oracles] }));
  return { ...from("redux-saga"), effects: from("redux-saga/effects") };
}
// What runSaga needs when no store is involved.
const noStore = (rs) => ({ channel: rs.stdChannel(), dispatch: () => {}, getState: () => ({}) });

const put = (action) => ({ type: "PUT", action });
const take = (actionType) => ({ type: "TAKE", actionType });

module.exports = {
  runEnhanced, call, all, delay,
  "saga_call/node": () =>
    medianNs(() => runEnhanced(function* () {
      let sum = 0;
      for (let i = 0; i < N; i++) sum += yield call(ready, i);
      return sum;
    }), N, 200),
  "saga_all_1000/node": () =>
    medianNs(() => runEnhanced(function* () {
      const effects = [];
      for (let i = 0; i < N; i++) effects.push(call(ready, i));
      const values = yield all(effects);
      return values.reduce((a, b) => a + b, 0);
    }), N, 200),
  // Seed 003's withTimeout: its runner leaves each losing delay's timer
  // running, so the row waits for the last of them before the next row.
  "saga_race/node": async () => {
    const ns = await medianNs(() => runEnhanced(function* () {
      let sum = 0;
      for (let i = 0; i < N; i++) {
        const won = yield race({ result: call(ready, i), timeout: delay(1000) });
        if (won.result !== undefined) sum += won.result;
      }
      return sum;
    }), N, 200);
    await new Promise((r) => setTimeout(r, 1100));
    return ns;
  },
  "store_ping_pong/node": () =>
    medianNs(() => {
      const runtime = new SagaRuntime(createStore((n) => n + 1, 0));
      runtime.run(function* () { for (let i = 0; i < N; i++) { yield take("PING"); yield put({ type: "PONG" }); } });
      return runtime.run(function* () { for (let i = 0; i < N; i++) { yield put({ type: "PING" }); yield take("PONG"); } });
    }, N, 100),
  // benches/shared/messages.rs's channel_messages: one saga puts 1,000
  // numbers on a channel with an expanding buffer and closes it, another
  // takes them until it is closed.
  "channel_x1000/node": () => {
    const rs = reduxSaga();
    const { put, takeMaybe } = rs.effects;
    return medianNs(() => {
      const chan = rs.channel(rs.buffers.expanding(16));
      const consumer = rs.runSaga(noStore(rs), function* () {
        let sum = 0;
        for (;;) {
          const m = yield takeMaybe(chan);
          if (m === rs.END) return sum;
          sum += m;
        }
      });
      rs.runSaga(noStore(rs), function* () {
        for (let i = 0; i < N; i++) yield put(chan, i);
        chan.close();
      });
      return consumer.toPromise();
    }, N, 200);
  },
  // benches/sagas.rs's fork_cancel_10k: a parent forks 10,000 children,
  // each waiting to take from an unbuffered channel, and is cancelled.
  "fork_cancel_10k/node": () => {
    const rs = reduxSaga();
    const { fork, takeMaybe } = rs.effects;
    const CHILDREN = 10000;
    return medianNs(() => {
      const chan = rs.channel(rs.buffers.none());
      const taker = function* () { const m = yield takeMaybe(chan); return m === rs.END ? 0 : m; };
      const task = rs.runSaga(noStore(rs), function* () {
        for (let i = 0; i < CHILDREN; i++) yield fork(taker);
        return 0;
      });
      task.cancel();
      if (!task.isCancelled()) throw new Error("the parent was not cancelled");
      return task.toPromise();
    }, CHILDREN, 50);
  },
  // 1,000,000 sagas suspended on a 1 s delay, then resumed: a real 1 s
  // wait, subtracted, since Node has no virtual clock.
  "sagas_1m_delays/node": () =>
    medianNs(async () => {
      const sleeper = function* () { yield delay(1000); return 1; };
      const t0 = process.hrtime.bigint();
      const tasks = new Array(1000000);
      for (let i = 0; i < tasks.length; i++) tasks[i] = runEnhanced(sleeper);
      await Promise.all(tasks);
      return Number(process.hrtime.bigint() - t0);
    }, 1, 3),
  // The same million over two worker threads (Node's way to use a second
  // core), 500,000 each; the workers are started once and kept warm.
  "sagas_1m_delays/node_2_workers": async () => {
    const { Worker } = require("worker_threads");
    const workers = [0, 1].map(() => new Worker(require("path").join(__dirname, "sleepers_worker.js")));
    const ran = (worker, n) => new Promise((resolve) => { worker.once("message", resolve); worker.postMessage(n); });
    try {
      return await medianNs(() => Promise.all(workers.map((w) => ran(w, 500000))), 1, 3);
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  },
};
