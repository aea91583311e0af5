// An async generator's next() returns a promise; yields are delivered
// in microtask order among other promise work.
const { log, ticks } = require("./_util");
async function* simple() {
  log("body starts");
  yield 1;
  log("after yield 1");
  await Promise.resolve();
  yield 2;
  return "end";
}
ticks(8);
const gen = simple();
gen.next().then((r) => log("next 1: " + JSON.stringify(r)));
gen.next().then((r) => log("next 2: " + JSON.stringify(r)));
gen.next().then((r) => log("next 3: " + JSON.stringify(r)));
gen.next().then((r) => log("next 4: " + JSON.stringify(r)));
log("script end");
