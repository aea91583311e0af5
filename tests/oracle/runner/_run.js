// Seed 002's runner, shared by the runner oracles (not an oracle itself).
function run(genFn) {
  return new Promise((resolve, reject) => {
    const gen = genFn();
    function step(method, arg) {
      let result;
      try {
        result = gen[method](arg); // gen.next(value) or gen.throw(error)
      } catch (err) {
        return reject(err); // generator threw and nothing caught it
      }
      const { value, done } = result;
      if (done) {
        return resolve(value); // generator returned: settle the outer promise
      }
      // Treat whatever was yielded as a promise. Wait, then resume.
      Promise.resolve(value).then(
        (v) => step("next", v), // resolved: feed the value back in
        (e) => step("throw", e), // rejected: throw it at the yield point
      );
    }
    step("next", undefined); // kick it off
  });
}

const log = (s) => console.log(s);
const ticks = (n) => {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log("tick " + i));
};
const t0 = Date.now();
const stamp = (s) => log(`[${Math.round((Date.now() - t0) / 100) * 100}ms] ${s}`);

module.exports = { run, log, ticks, stamp };
