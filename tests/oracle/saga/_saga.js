// Seed 003's enhanced runner (CALL/ALL/RACE/DELAY effects), shared by the saga
// oracles (not an oracle itself).
const t0 = Date.now();
const stamp = (s) => console.log(`[${Math.round((Date.now() - t0) / 100) * 100}ms] ${s}`);
const call = (fn, ...args) => ({ type: "CALL", fn, args });
const all = (effects) => ({ type: "ALL", effects });
const race = (effects) => ({ type: "RACE", effects });
const delay = (ms) => ({ type: "DELAY", ms });
function runEnhanced(generatorFn, ...args) {
  const gen = generatorFn(...args);
  return new Promise((resolve, reject) => {
    function step(method, value) {
      let result;
      try { result = gen[method](value); } catch (err) { return reject(err); }
      if (result.done) return resolve(result.value);
      handleEffect(result.value).then((val) => step("next", val), (err) => step("throw", err));
    }
    function handleEffect(effect) {
      switch (effect.type) {
        case "CALL": return Promise.resolve(effect.fn(...effect.args));
        case "ALL": return Promise.all(effect.effects.map(handleEffect));
        case "RACE":
          return Promise.race(Object.entries(effect.effects).map(([key, e]) =>
            handleEffect(e).then((val) => ({ [key]: val }))));
        case "DELAY": return new Promise((r) => setTimeout(r, effect.ms));
        default: return Promise.resolve(effect);
      }
    }
    step("next", undefined);
  });
}
module.exports = { stamp, call, all, race, delay, runEnhanced };
