// Seed 002's side-by-side: the generator version and the native async
// function give the same result at the same time.
const { run, stamp } = require("./_run");
const wait = (ms, value) => new Promise((resolve) => setTimeout(() => resolve(value), ms));

async function nativeSequential() {
  const a = await wait(100, 2);
  const b = await wait(100, 3);
  return a + b;
}

function genSequential() {
  return run(function* () {
    const a = yield wait(100, 2);
    const b = yield wait(100, 3);
    return a + b;
  });
}

genSequential().then((v) => stamp("genSequential: " + v));
nativeSequential().then((v) => stamp("nativeSequential: " + v));
