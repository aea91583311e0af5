// Seed 003's retryable: exponential backoff with jitter (Math.random fixed
// at 0.5 so the waits are known: 105 ms, then 210 ms).
const { stamp, call, delay, runEnhanced } = require("./_saga");
Math.random = () => 0.5;

function* retryable(operation, maxRetries = 3, baseDelay = 1000) {
  let lastError;
  for (let attempt = 1; attempt <= maxRetries; attempt++) {
    try {
      const result = yield call(operation);
      return result;
    } catch (err) {
      lastError = err;
      stamp(`Attempt ${attempt}/${maxRetries} failed: ${err.message}`);
      if (attempt < maxRetries) {
        const backoff = baseDelay * Math.pow(2, attempt - 1);
        const jitter = Math.random() * backoff * 0.1;
        yield delay(backoff + jitter);
      }
    }
  }
  throw lastError;
}

let calls = 0;
const flaky = () => {
  calls++;
  return calls % 10 < 3 ? Promise.reject(new Error(`call ${calls} refused`)) : Promise.resolve(`payload of call ${calls}`);
};

runEnhanced(retryable, flaky, 3, 100)
  .then((v) => stamp("result: " + v))
  .then(() => { calls = 10; return runEnhanced(retryable, () => Promise.reject(new Error("still down")), 3, 100); })
  .then((v) => stamp("result: " + v), (e) => stamp("gave up: " + e.message));
