// Handlers attached to an already-settled promise run in the order they
// were attached, each after the microtasks queued before it.
const log = (s) => console.log(s);
const p = Promise.resolve("v");
p.then((v) => log(`a ${v}`));
queueMicrotask(() => log("m1"));
p.then((v) => {
  log(`b ${v}`);
  p.then((w) => log(`d ${w}, attached inside b`));
  queueMicrotask(() => log("m3"));
});
p.then((v) => log(`c ${v}`));
queueMicrotask(() => log("m2"));
const r = Promise.reject(new Error("no"));
r.catch((e) => log(`caught ${e.message}`));
queueMicrotask(() => log("m4"));
r.catch((e) => log(`caught again ${e.message}`));
log("script end");
