// A stage that runs up to `limit` asynchronous steps at once and hands
// out their results in the source's order: it pulls ahead while steps run,
// never more than `limit` items, and closes its source when its consumer
// leaves early or a step fails (a step still running then is let go of).
const { log, stamp, sleep } = require("./_util");
const { mapConcurrent } = require("./_map_concurrent");

async function* source(name, n) {
  try {
    for (let i = 1; i <= n; i++) {
      log(`${name}: pull ${i}`);
      yield i;
    }
  } finally {
    log(`${name}: source closed`);
  }
}

// How long each item's step takes, and whether it fails.
const delays = [0, 300, 100, 200, 100, 300, 100];
const step = (name, failing) => (i) => {
  log(`${name}: start ${i}`);
  return sleep(delays[i]).then(() => {
    stamp(`${name}: step ${i} settles`);
    if (i === failing) throw new Error(`step ${i} failed`);
    return i * 10;
  });
};

(async () => {
  for await (const v of mapConcurrent(source("early exit", 6), 3, step("early exit"))) {
    stamp("early exit: got " + v);
    if (v === 40) break;
  }
  log("early exit: after the loop");
  for await (const v of mapConcurrent(source("whole", 3), 2, step("whole"))) stamp("whole: got " + v);
  log("whole: after the loop");
  try {
    for await (const v of mapConcurrent(source("failing", 6), 3, step("failing", 2))) {
      stamp("failing: got " + v);
    }
  } catch (e) {
    stamp("failing: caught " + e.message);
  }
  await sleep(1000);
  stamp("the end");
})();
log("script end");
