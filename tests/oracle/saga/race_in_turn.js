// Racers whose functions queue work of their own: seed 003's runner
// performs each racer and subscribes to it before it performs the next
// (`Object.entries(effects).map(... handleEffect(e).then ...)`), so that
// work runs in its place among the racers' turns, and the race settles two
// turns after its winner.
const { call, race, runEnhanced } = require("./_saga");
const { log, ticks } = require("../async_gen/_util");
const answer = (v) => Promise.resolve(v);
const noisy = (v) => {
  log("noisy called");
  queueMicrotask(() => log("noisy's microtask"));
  return Promise.resolve(v);
};
function* racer() {
  const first = yield race({ a: call(answer, 1), b: call(noisy, 2) });
  log("racer: " + Object.keys(first)[0] + " won");
  const second = yield race({ b: call(noisy, 3), a: call(answer, 4) });
  log("racer: " + Object.keys(second)[0] + " won");
}
ticks(8);
runEnhanced(racer).then(() => log("racer: done"));
Promise.resolve().then(() => log("a microtask queued after the race starts"));
log("script end");
