// Microtask jobs per item of the async generator rows, counted in Node with
// V8's promise hooks (`before` runs once per reaction job): the turns the
// specification's async generators take, which any faithful
// implementation takes too. `bench/compare.js` prices them with the floor
// of one turn (benches/floors.rs) to give the pipeline row its floor.
"use strict";
const { promiseHooks } = require("v8");
const { numbers, pipeline } = require("./_stages");

async function jobsPerItem(makeSource, items) {
  let jobs = 0;
  const stop = promiseHooks.createHook({ before() { jobs++; } });
  try {
    for await (const _ of makeSource(items));
  } finally {
    stop();
  }
  return jobs / items;
}

module.exports = {
  forAwaitTurns: () => jobsPerItem(numbers, 100000),
  pipelineTurns: () => jobsPerItem(pipeline, 100000),
};

if (require.main === module) {
  (async () => {
    console.log(`for await over an async generator: ${(await module.exports.forAwaitTurns()).toFixed(3)} jobs an item`);
    console.log(`4-stage pipeline: ${(await module.exports.pipelineTurns()).toFixed(3)} jobs a source item`);
  })();
}
