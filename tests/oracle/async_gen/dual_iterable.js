// Seed 004: an object both sync and async iterable: for...of takes the
// sync generator, for await...of the async one.
const { stamp, sleep } = require("./_util");
const dualIterable = {
  *[Symbol.iterator]() {
    yield "sync-1";
    yield "sync-2";
  },
  async *[Symbol.asyncIterator]() {
    await sleep(100);
    yield "async-1";
    await sleep(100);
    yield "async-2";
  },
};
for (const val of dualIterable) stamp(val);
(async () => {
  for await (const val of dualIterable) stamp(val);
})();
