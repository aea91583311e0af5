// Seed 003's withTimeout: race({ data, timeout }) — the fast fetch wins;
// the slow one loses to the timeout, whose rejection is thrown into the saga.
const t0 = Date.now();
const stamp = (s) => console.log(`[${Math.round((Date.now() - t0) / 100) * 100}ms] ${s}`);
const call = (fn, ...args) => ({ type: "CALL", fn, args });
const race = (effects) => ({ type: "RACE", effects });
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
        case "RACE":
          return Promise.race(Object.entries(effect.effects).map(([key, e]) =>
            handleEffect(e).then((val) => ({ [key]: val }))));
        default: return Promise.resolve(effect);
      }
    }
    step("next", undefined);
  });
}
const fetchTaking = (ms, url) => new Promise((resolve) => setTimeout(() => resolve(url + ":mock"), ms));
const rejectAfter = (ms) => new Promise((_, reject) => setTimeout(() => reject(new Error("Request timed out")), ms));
function* withTimeout(fetchMs) {
  const result = yield race({
    data: call(fetchTaking, fetchMs, "/api/slow-endpoint"),
    timeout: call(rejectAfter, 5000),
  });
  if (result.timeout) throw new Error("Operation timed out");
  return result.data;
}
runEnhanced(withTimeout, 100)
  .then((d) => stamp("fast: " + d))
  .then(() => runEnhanced(withTimeout, 6000))
  .then((d) => stamp("slow: " + d), (e) => stamp("slow failed: " + e.message));
