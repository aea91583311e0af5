// all / allSettled / race / any: result order, and empty inputs.
const log = (s) => console.log(s);
const later = (ms, v, fail) =>
  new Promise((res, rej) => setTimeout(() => (fail ? rej(v) : res(v)), ms));
Promise.all([later(30, "a"), later(10, "b"), later(20, "c")]).then((v) => log("all: " + v.join(",")));
Promise.all([later(30, "a"), later(10, "boom", true)]).catch((e) => log("all rejected: " + e));
Promise.allSettled([later(5, "x"), later(1, "y", true)]).then((r) =>
  log("allSettled: " + r.map((s) => s.status + ":" + (s.value ?? s.reason)).join(",")));
Promise.race([later(15, "slow"), later(12, "fast")]).then((v) => log("race: " + v));
Promise.any([later(3, "e1", true), later(8, "winner"), later(2, "e2", true)]).then((v) => log("any: " + v));
Promise.any([later(4, "e1", true), later(6, "e2", true)]).catch((e) =>
  log("any rejected: " + e.constructor.name + " " + e.errors.join(",")));
Promise.all([]).then((v) => log("all([]) fulfils: " + v.length));
Promise.allSettled([]).then((v) => log("allSettled([]) fulfils: " + v.length));
Promise.any([]).catch((e) => log("any([]) rejects: " + e.errors.length));
let raced = false;
Promise.race([]).then(() => (raced = true));
setTimeout(() => log("race([]) still pending: " + !raced), 50);
