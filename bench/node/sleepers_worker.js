// A worker thread of the "1,000,000 sagas over 2 loops" row: runs the
// number of seed 003 sleepers it is sent, replies with how many came back.
"use strict";
const { parentPort } = require("worker_threads");
const { runEnhanced, delay } = require("../../tests/oracle/saga/_saga");

const sleeper = function* () { yield delay(1000); return 1; };
parentPort.on("message", async (n) => {
  const tasks = new Array(n);
  for (let i = 0; i < n; i++) tasks[i] = runEnhanced(sleeper);
  const values = await Promise.all(tasks);
  parentPort.postMessage(values.length);
});
