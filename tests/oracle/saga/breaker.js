// Seed 003's circuitBreaker generator, driven call by call 100 ms apart:
// three failures open it, calls fail fast while open, and after the reset
// timeout a trial call goes through and closes it.
const { stamp, call } = require("./_saga");

function* circuitBreaker(operation, options = {}) {
  const { failureThreshold = 5, resetTimeout = 30000 } = options;
  let failures = 0;
  let circuitOpen = false;
  let lastFailure = 0;
  while (true) {
    if (circuitOpen && Date.now() - lastFailure > resetTimeout) {
      stamp("Circuit half-open: attempting reset");
      circuitOpen = false;
      failures = 0;
    }
    if (circuitOpen) {
      yield { success: false, error: "Circuit open", retryAfter: resetTimeout };
      continue;
    }
    try {
      const result = yield call(operation);
      failures = 0;
      yield { success: true, data: result };
    } catch (err) {
      failures++;
      lastFailure = Date.now();
      if (failures >= failureThreshold) {
        circuitOpen = true;
        stamp(`Circuit opened after ${failures} failures`);
      }
      yield { success: false, error: err.message, failures };
    }
  }
}

let calls = 0;
const operation = () => {
  calls++;
  return calls <= 3 ? Promise.reject(new Error("service down")) : Promise.resolve(`reply ${calls}`);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

(async () => {
  const breaker = circuitBreaker(operation, { failureThreshold: 3, resetTimeout: 250 });
  let step = breaker.next();
  for (let i = 0; i < 7; i++) {
    if (step.value && step.value.type === "CALL") {
      try { step = breaker.next(await step.value.fn(...step.value.args)); } catch (e) { step = breaker.throw(e); }
    }
    stamp(JSON.stringify(step.value));
    step = breaker.next();
    await sleep(100);
  }
})();
