// Seed 003: the enhanced runner with CALL/ALL effects — sequential calls
// take 300 ms, the same calls in parallel 100 ms, and mixedFlow mixes both.
const t0 = Date.now();
const stamp = (s) => console.log(`[${Math.round((Date.now() - t0) / 100) * 100}ms] ${s}`);
const EFFECTS = { CALL: "CALL", ALL: "ALL" };
const call = (fn, ...args) => ({ type: EFFECTS.CALL, fn, args });
const all = (effects) => ({ type: EFFECTS.ALL, effects });
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
        case EFFECTS.CALL: return Promise.resolve(effect.fn(...effect.args));
        case EFFECTS.ALL: return Promise.all(effect.effects.map(handleEffect));
        default: return Promise.resolve(effect);
      }
    }
    step("next", undefined);
  });
}
const fakeFetch = (url) => new Promise((resolve) => setTimeout(() => resolve(url + ":mock"), 100));
function* sequential() {
  const results = [];
  for (const url of ["/api/a", "/api/b", "/api/c"]) results.push(yield call(fakeFetch, url));
  return results;
}
function* parallel() {
  return yield all([call(fakeFetch, "/api/a"), call(fakeFetch, "/api/b"), call(fakeFetch, "/api/c")]);
}
function* mixedFlow(userId) {
  const user = yield call(fakeFetch, `/api/users/${userId}`);
  const [posts, profile] = yield all([
    call(fakeFetch, `/api/users/${userId}/posts`),
    call(fakeFetch, `/api/users/${userId}/profile`),
  ]);
  const comments = yield all([1, 2].map((id) => call(fakeFetch, `/api/posts/${id}/comments`)));
  return [user, posts, profile, ...comments];
}
runEnhanced(sequential)
  .then((r) => stamp("sequential: " + r.join(" ")))
  .then(() => runEnhanced(parallel))
  .then((r) => stamp("parallel: " + r.join(" ")))
  .then(() => runEnhanced(mixedFlow, 7))
  .then((r) => stamp("mixedFlow: " + r.join(" ")));
