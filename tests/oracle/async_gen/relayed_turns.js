// A for-await loop over a chain of helper stages (map, filter, batch):
// each pull runs down the chain within one turn, and each item comes back
// up it turn by turn. Node's order of the stages' lines against ticks
// queued beside, a microtask a stage's function queues, another async
// function awaiting beside, and a loop left early. (baton takes a stage's
// turns in place when nothing would come between; these pin where
// something does.)
const { log, ticks } = require("./_util");
const { asyncMap, asyncFilter, batch } = require("../random/_stages");

async function* count(n) {
  try {
    for (let i = 1; i <= n; i++) {
      log(`count yields ${i}`);
      yield i;
    }
  } finally {
    log("count cleanup");
  }
}

function chain(n, queueAt) {
  const mapped = asyncMap(count(n), (x) => {
    log(`map ${x}`);
    if (x === queueAt) queueMicrotask(() => log(`queued by map ${x}`));
    return x * 10;
  });
  const kept = asyncFilter(mapped, (x) => {
    log(`filter ${x}`);
    return x !== 30;
  });
  return batch(kept, 2);
}

async function loop(n, queueAt, breakAfter) {
  let seen = 0;
  for await (const b of chain(n, queueAt)) {
    log(`got [${b}]`);
    if (++seen === breakAfter) break;
  }
  log("loop ended");
}

async function awaiter(n) {
  for (let i = 1; i <= n; i++) {
    await null;
    log(`awaiter ${i}`);
  }
}

// [title, ticks beside, count, map queues at, break after, awaits beside]
const scenarios = [
  ["a chain alone", 0, 5, 0, 0, 0],
  ["beside ticks", 6, 5, 0, 0, 0],
  ["a map that queues a microtask", 0, 5, 2, 0, 0],
  ["left early", 0, 6, 0, 1, 0],
  ["beside an async function", 0, 5, 0, 0, 4],
];

(async () => {
  for (const [title, beside, n, queueAt, breakAfter, awaits] of scenarios) {
    log(`== ${title}`);
    await null;
    ticks(beside);
    await Promise.all([loop(n, queueAt, breakAfter), awaiter(awaits)]);
    log("all ended");
    await new Promise((r) => setTimeout(r, 0));
  }
})();
