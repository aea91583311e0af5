// A finally that throws, or returns a rejected promise, overrides the
// outcome; its return value never does.
const log = (s) => console.log(s);
Promise.resolve("v")
  .finally(() => { throw "thrown in finally"; })
  .then((v) => log("not reached " + v), (e) => log("overridden by throw: " + e));
Promise.reject("r")
  .finally(() => Promise.reject("rejected in finally"))
  .catch((e) => log("overridden by rejection: " + e));
Promise.resolve("v")
  .finally(() => "returned value")
  .then((v) => log("return value ignored: " + v));
