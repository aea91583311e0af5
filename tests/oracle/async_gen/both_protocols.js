// Seed 004: the async iteration protocol written by hand (with a return()
// that cleans up) and the same sequence from an async generator: for await
// gives the same values from both; breaking early calls the hand-written
// return().
const { stamp } = require("./_util");

const manualAsyncIterable = {
  [Symbol.asyncIterator]() {
    let i = 0;
    return {
      next() {
        if (i < 3) {
          return new Promise((resolve) => {
            setTimeout(() => {
              resolve({ value: i++, done: false });
            }, 100);
          });
        }
        return Promise.resolve({ value: undefined, done: true });
      },
      return() {
        stamp("Cleanup");
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  },
};

const generatorAsyncIterable = {
  async *[Symbol.asyncIterator]() {
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      yield i;
    }
  },
};

async function test(label, iterable, stopAt) {
  for await (const val of iterable) {
    stamp(`${label}: ${val}`);
    if (val === stopAt) break;
  }
  stamp(`${label}: done`);
}

(async () => {
  await test("manual", manualAsyncIterable);
  await test("generator", generatorAsyncIterable);
  await test("manual, stopped at 1", manualAsyncIterable, 1);
  await test("generator, stopped at 1", generatorAsyncIterable, 1);
})();
