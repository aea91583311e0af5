// Seed 003's runner, turn by turn: a race settles a turn after its winner
// (each racer's promise is wrapped in `.then(val => ({ [key]: val }))`),
// an `all` as soon as its last part, a call a turn after its promise.
const { call, all, race, runEnhanced } = require("./_saga");
const { log, ticks } = require("../async_gen/_util");
const answer = (v) => Promise.resolve(v);
const refuse = (why) => Promise.reject(why);
function* racer() {
  const won = yield race({ a: call(answer, 1), b: call(answer, 2) });
  log("racer: won " + Object.keys(won)[0]);
  try {
    yield race({ a: call(refuse, "no") });
  } catch (e) {
    log("racer: caught " + e);
  }
}
function* gatherer() {
  const values = yield all([call(answer, 3), call(answer, 4)]);
  log("gatherer: got " + values.join(","));
  log("gatherer: got " + (yield call(answer, 5)));
}
ticks(8);
runEnhanced(racer).then(() => log("racer: done"));
runEnhanced(gatherer).then(() => log("gatherer: done"));
log("script end");
