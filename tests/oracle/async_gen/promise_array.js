// Seed 004: for await over an array of promises: all are already running;
// the loop awaits them in order (a slow first one delays the rest).
const { stamp, sleep } = require("./_util");
const later = (ms, v) => sleep(ms).then(() => v);
const promises = [later(300, "post 1"), later(100, "post 2"), later(200, "post 3")];
(async () => {
  for await (const post of promises) stamp(post);
})();
