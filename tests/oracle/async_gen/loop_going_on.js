// A for-await loop over an async generator goes on from each answer in
// the turn that gave it: its body, the next call of next() and the
// generator's run to its next yield are one microtask. Node's order of
// the loop's lines against ticks queued beside, a microtask the body
// queues, a body that awaits, a generator that awaits between yields, a
// promise the body resolves for another async function, an async
// function awaiting beside, and a loop left early. (baton takes the
// turns of such a loop's next request in place when nothing would come
// between; these pin where something does.)
const { log, ticks } = require("./_util");

async function* count(n, awaitAt) {
  try {
    for (let i = 1; i <= n; i++) {
      if (i === awaitAt) {
        await null;
        log(`count awaited before ${i}`);
      }
      log(`count yields ${i}`);
      yield i;
    }
  } finally {
    log("count cleanup");
  }
}

async function loop(n, s, resolve) {
  for await (const x of count(n, s.genAwait)) {
    log(`got ${x}`);
    if (x === s.queue) queueMicrotask(() => log(`queued by the body at ${x}`));
    if (x === s.bodyAwait) {
      await null;
      log(`the body awaited at ${x}`);
    }
    if (x === s.resolve) resolve(x);
    if (x === s.leave) break;
  }
  log("loop ended");
}

async function awaiter(n) {
  for (let i = 1; i <= n; i++) {
    await null;
    log(`awaiter ${i}`);
  }
}

async function waiter(promise, on) {
  if (!on) return;
  const x = await promise;
  log(`waiter got ${x}`);
}

// [title, ticks beside, count, { the loop's and generator's steps }, awaits beside]
const scenarios = [
  ["a loop alone", 0, 4, {}, 0],
  ["beside ticks", 5, 4, {}, 0],
  ["a body that queues a microtask", 0, 4, { queue: 2 }, 0],
  ["a body that awaits", 0, 4, { bodyAwait: 2 }, 0],
  ["a generator that awaits", 0, 4, { genAwait: 3 }, 0],
  ["a promise the body resolves", 0, 4, { resolve: 2 }, 0],
  ["beside an async function", 0, 4, {}, 3],
  ["left early", 0, 5, { leave: 2 }, 0],
];

(async () => {
  for (const [title, beside, n, steps, awaits] of scenarios) {
    log(`== ${title}`);
    await null;
    ticks(beside);
    let resolve;
    const resolved = new Promise((r) => (resolve = r));
    await Promise.all([
      loop(n, steps, resolve),
      awaiter(awaits),
      waiter(resolved, steps.resolve !== undefined),
    ]);
    log("all ended");
    await new Promise((r) => setTimeout(r, 0));
  }
})();
