// Seed 004: throw() and return() on an async generator return promises;
// the finally block runs on return().
const { log } = require("./_util");
async function* managed() {
  try {
    yield 1;
    yield 2;
    yield 3;
  } catch (e) {
    log("Generator caught: " + e.message);
    yield "recovered";
  } finally {
    log("Cleanup in finally");
  }
}
(async () => {
  const gen = managed();
  log(JSON.stringify(await gen.next()));
  log(JSON.stringify(await gen.throw(new Error("external failure"))));
  log(JSON.stringify(await gen.return("done")));
})();
