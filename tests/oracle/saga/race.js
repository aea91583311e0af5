// Seed 003's withTimeout: race({ data, timeout }) — the fast fetch wins;
// the slow one loses to the timeout, whose rejection is thrown into the saga.
const { stamp, call, all, race, runEnhanced } = require("./_saga");
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
