// for-await loops joined in one async function (Promise.all), each over a
// chain of helper stages: their turns interleave, one turn each in turn,
// so neither loop's stages run on ahead of the other's. In Rust the loops
// are joined in one task (one future polling both): a turn owed to that
// task by each loop is taken one a poll, in order.
const { log, ticks } = require("./_util");
const { asyncMap, asyncFilter } = require("../random/_stages");

async function* count(name, n) {
  try {
    for (let i = 1; i <= n; i++) {
      log(`${name} yields ${i}`);
      yield i;
    }
  } finally {
    log(`${name} cleanup`);
  }
}

// `stages` helpers over count(name, n): 0 is the generator itself, 1 a
// map, 2 a map then a filter of the even results.
function chain(name, n, stages) {
  let it = count(name, n);
  if (stages >= 1) {
    it = asyncMap(it, (x) => {
      log(`${name} map ${x}`);
      return x * 10;
    });
  }
  if (stages >= 2) {
    it = asyncFilter(it, (x) => {
      log(`${name} filter ${x}`);
      return x % 20 === 0;
    });
  }
  return it;
}

async function loop(name, n, stages, breakAfter) {
  let seen = 0;
  for await (const x of chain(name, n, stages)) {
    log(`${name} got ${x}`);
    if (++seen === breakAfter) break;
  }
  log(`${name} ended`);
}

// [title, ticks beside, loops: [name, n, stages, break after]]
const scenarios = [
  ["two maps", 0, [["a", 2, 1, 0], ["b", 2, 1, 0]]],
  ["two maps beside ticks", 3, [["a", 2, 1, 0], ["b", 2, 1, 0]]],
  ["map and filter, one left early", 0, [["a", 4, 2, 1], ["b", 4, 2, 0]]],
  ["three loops, each its own depth", 0, [["a", 2, 0, 0], ["b", 2, 1, 0], ["c", 2, 2, 0]]],
];

(async () => {
  for (const [title, beside, loops] of scenarios) {
    log(`== ${title}`);
    await null;
    ticks(beside);
    await Promise.all(loops.map((l) => loop(...l)));
    log("all ended");
    await new Promise((r) => setTimeout(r, 0));
  }
})();
