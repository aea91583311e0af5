// Seed 004: for await...of over a countdown, and the same loop by hand.
const { stamp, sleep } = require("./_util");
async function* countdown(from, delay) {
  for (let i = from; i > 0; i--) {
    await sleep(delay);
    yield i;
  }
  await sleep(delay);
  yield "Go!";
}
async function run() {
  for await (const value of countdown(3, 1000)) stamp(String(value));
  stamp("Finished!");
}
async function runManual() {
  const gen = countdown(2, 500);
  while (true) {
    const { value, done } = await gen.next();
    if (done) break;
    stamp("manual " + value);
  }
  stamp("Manual finished!");
}
run().then(runManual);
