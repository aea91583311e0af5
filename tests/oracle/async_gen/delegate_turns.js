// yield* in an async generator, beside a chain of ticks: each step of the
// inner generator is awaited, and its values are handed out at once (a
// plain `yield v` awaits v first); its return value is what yield*
// evaluates to.
const { log, ticks } = require("./_util");
async function* inner() {
  yield "b";
  yield "c";
  return "inner done";
}
async function* outer() {
  yield "a";
  log("outer: yield* gave " + (yield* inner()));
  yield "d";
  return "outer done";
}
ticks(16);
(async () => {
  for await (const v of outer()) log("loop: item " + v);
  log("loop: done");
})();
log("script end");
