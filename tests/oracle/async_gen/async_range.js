// Seed 004: the async iteration protocol written by hand.
const { stamp, sleep } = require("./_util");
const asyncRange = {
  from: 1,
  to: 5,
  [Symbol.asyncIterator]() {
    let current = this.from;
    const last = this.to;
    return {
      async next() {
        await sleep(300);
        if (current <= last) return { value: current++, done: false };
        return { value: undefined, done: true };
      },
    };
  },
};
(async () => {
  for await (const num of asyncRange) stamp(String(num));
})();
