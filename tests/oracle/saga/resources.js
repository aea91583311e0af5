// Seed 003's withResources: acquire in order, hand the resources to the
// caller, release in reverse; a failing release is reported and the rest
// are still released.
const { stamp, call, runEnhanced } = require("./_saga");

function* withResources(resourceFactories) {
  const resources = [];
  try {
    for (const factory of resourceFactories) {
      const resource = yield call(factory.acquire);
      resources.push({ resource, release: factory.release });
    }
    return yield resources.map((r) => r.resource);
  } finally {
    for (let i = resources.length - 1; i >= 0; i--) {
      try {
        yield call(resources[i].release, resources[i].resource);
      } catch (err) {
        stamp(`Failed to release resource ${i}: ${err.message}`);
      }
    }
  }
}

const factory = (name, failRelease) => ({
  acquire: () => new Promise((r) => setTimeout(() => { stamp(`acquired ${name}`); r(name); }, 100)),
  release: (res) => failRelease
    ? Promise.reject(new Error(`${res} is busy`))
    : new Promise((r) => setTimeout(() => { stamp(`released ${res}`); r(); }, 100)),
});

runEnhanced(withResources, [factory("db"), factory("cache", true), factory("queue")])
  .then((rs) => stamp("resources: " + rs.join(", ")));
