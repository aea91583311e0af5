// Seed 003's CancellationToken and runCancellable, as the seed writes them,
// shared by the cancellation oracles (not an oracle itself).
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

module.exports = { CancellationToken, runCancellable };
