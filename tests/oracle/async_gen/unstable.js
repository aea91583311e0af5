// Seed 004: an error thrown inside the generator leaves the for await loop.
const { log } = require("./_util");
async function* unstable() {
  yield 1;
  yield 2;
  throw new Error("Generator exploded at item 3");
}
(async () => {
  try {
    for await (const value of unstable()) log("Received: " + value);
  } catch (e) {
    log("Caught: " + e.message);
  }
})();
