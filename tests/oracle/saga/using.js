// Seed 003's `using`: acquire a resource through a generator (yield*),
// run the body with it (yield*), and dispose of it in `finally` — after
// success and after failure alike; disposing is itself a call.
const { stamp, call, runEnhanced } = require("./_saga");

function* using(resourceGen, bodyFn) {
  const resource = yield* resourceGen;
  try {
    const result = yield* bodyFn(resource);
    return result;
  } finally {
    if (resource && typeof resource.dispose === "function") {
      yield call(() => resource.dispose());
    }
  }
}

const later = (ms, f) => new Promise((r) => setTimeout(() => r(f()), ms));

function* openFile(name) {
  return yield call(() => later(100, () => {
    stamp(`opened ${name}`);
    return { name, dispose: () => later(50, () => stamp(`closed ${name}`)) };
  }));
}

function* countLines(file) {
  stamp(`reading ${file.name}`);
  return yield call(() => later(100, () => 42));
}

function* failingRead(file) {
  stamp(`reading ${file.name}`);
  return yield call(() => Promise.reject(new Error("disk error")));
}

runEnhanced(using, openFile("a.txt"), countLines)
  .then((n) => stamp(`lines: ${n}`))
  .then(() => runEnhanced(using, openFile("b.txt"), failingRead))
  .catch((e) => stamp(`failed: ${e.message}`));
