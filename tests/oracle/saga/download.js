// Seed 003's downloadFiles as a saga: each fetch is a call effect; a
// cancellation token cancels it after 200 ms while a fetch is pending. The
// runner stops waiting, drives the saga's finally through return() (which
// asks `yield cancelled()`), and rejects with the reason.
const { stamp, call } = require("./_saga");
const cancelled = () => ({ type: "CANCELLED" });

function runCancellable(generatorFn, token, ...args) {
  const gen = generatorFn(...args);
  let isCancelled = false;
  let epoch = 0;
  return new Promise((resolve, reject) => {
    function step(method, value) {
      let result;
      try { result = gen[method](value); } catch (err) { return reject(err); }
      if (result.done) return isCancelled ? reject(new Error(token.reason)) : resolve(result.value);
      const mine = epoch;
      perform(result.value).then(
        (val) => mine === epoch && step("next", val),
        (err) => mine === epoch && step("throw", err));
    }
    function perform(effect) {
      if (effect.type === "CALL") return Promise.resolve(effect.fn(...effect.args));
      if (effect.type === "CANCELLED") return Promise.resolve(isCancelled);
      return Promise.resolve(effect);
    }
    token.onCancel(() => { isCancelled = true; epoch++; step("return", undefined); });
    step("next", undefined);
  });
}

class CancellationToken {
  #listeners = [];
  reason = null;
  cancel(reason) { this.reason = reason; for (const l of this.#listeners) l(reason); }
  onCancel(listener) { this.#listeners.push(listener); }
}

const fakeFetch = (url) => new Promise((r) => setTimeout(() => r("contents of " + url), 80));

function* downloadFiles(fileList) {
  const downloaded = [];
  try {
    for (const file of fileList) {
      stamp(`Downloading: ${file}`);
      const data = yield call(fakeFetch, `/files/${file}`);
      downloaded.push({ file, data });
      stamp(`Completed: ${file} (${downloaded.length}/${fileList.length})`);
    }
    return downloaded;
  } finally {
    if (yield cancelled()) {
      stamp(`Download cancelled. ${downloaded.length} files completed.`);
    }
  }
}

const token = new CancellationToken();
runCancellable(downloadFiles, token, ["a.txt", "b.txt", "c.txt"])
  .then((files) => stamp("downloaded " + files.length))
  .catch((e) => stamp("rejected: " + e.message));
setTimeout(() => token.cancel("User pressed cancel"), 200);
