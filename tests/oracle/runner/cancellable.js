// Seed 003: runCancellable — cancelling while a fetch is pending runs the
// generator's finally through return(), rejects with the reason, and the
// step after the pending fetch never runs.
const { stamp } = require("./_run");

class CancellationToken {
  #cancelled = false;
  #reason = null;
  #listeners = [];
  cancel(reason = "Cancelled") {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#reason = reason;
    for (const listener of this.#listeners) listener(reason);
    this.#listeners = [];
  }
  get isCancelled() { return this.#cancelled; }
  get reason() { return this.#reason; }
  onCancel(listener) {
    if (this.#cancelled) listener(this.#reason);
    else this.#listeners.push(listener);
  }
  throwIfCancelled() {
    if (this.#cancelled) {
      const err = new Error(this.#reason);
      err.name = "CancellationError";
      throw err;
    }
  }
}

function runCancellable(generatorFn, token, ...args) {
  const gen = generatorFn(token, ...args);
  return new Promise((resolve, reject) => {
    token.onCancel((reason) => {
      try { gen.return(undefined); } catch (e) { /* ignore */ }
      reject(new Error(reason));
    });
    function step(method, value) {
      if (token.isCancelled) return;
      let result;
      try { result = gen[method](value); } catch (err) { return reject(err); }
      if (result.done) return resolve(result.value);
      Promise.resolve(result.value).then((val) => step("next", val), (err) => step("throw", err));
    }
    step("next", undefined);
  });
}

const fakeFetch = (url) => new Promise((r) => setTimeout(() => r("contents of " + url), 80));

function* downloadFiles(token, fileList) {
  const downloaded = [];
  try {
    for (const file of fileList) {
      token.throwIfCancelled();
      stamp(`Downloading: ${file}`);
      const data = yield fakeFetch(`/files/${file}`);
      downloaded.push({ file, data });
      stamp(`Completed: ${file} (${downloaded.length}/${fileList.length})`);
    }
    return downloaded;
  } finally {
    if (token.isCancelled) {
      stamp(`Download cancelled. ${downloaded.length} files completed.`);
    }
  }
}

const token = new CancellationToken();
runCancellable(downloadFiles, token, ["a.txt", "b.txt", "c.txt"])
  .then((files) => stamp("downloaded " + files.length))
  .catch((e) => stamp("rejected: " + e.message));
setTimeout(() => token.cancel("User pressed cancel"), 200);
