// A helper stage closed by its consumer while its source's cleanup fails:
// `return()` reports the cleanup's error, `throw(e)` keeps `e` (a for-await
// loop left by a throw ignores what closing its iterator throws).
const { log, ticks } = require("./_util");
async function* source(name) {
  try {
    yield 1;
    yield 2;
  } finally {
    log(name + ": source cleanup fails");
    throw new Error(name + ": cleanup failed");
  }
}
async function* asyncMap(it, fn) {
  for await (const x of it) yield fn(x);
}
ticks(12);
const closed = asyncMap(source("return"), (x) => x * 10);
closed.next().then((r) => {
  log("return: got " + r.value);
  return closed.return(7).then(
    (r) => log("return: done " + r.done),
    (e) => log("return: rejected with " + e.message),
  );
});
const thrown = asyncMap(source("throw"), (x) => x * 10);
thrown.next().then((r) => {
  log("throw: got " + r.value);
  return thrown.throw(new Error("stop")).then(
    (r) => log("throw: done " + r.done),
    (e) => log("throw: rejected with " + e.message),
  );
});
log("script end");
