// co's extras: yield an array (parallel, results in order), an object
// (parallel, keyed), a thunk, and a nested generator.
const { stamp } = require("./_run");

function co(gen) {
  return new Promise((resolve, reject) => {
    if (typeof gen === "function") gen = gen();
    function onFulfilled(res) {
      let ret;
      try { ret = gen.next(res); } catch (e) { return reject(e); }
      next(ret);
    }
    function onRejected(err) {
      let ret;
      try { ret = gen.throw(err); } catch (e) { return reject(e); }
      next(ret);
    }
    function next(ret) {
      if (ret.done) return resolve(ret.value);
      toPromise(ret.value).then(onFulfilled, onRejected);
    }
    onFulfilled();
  });
}

function toPromise(v) {
  if (v && typeof v.then === "function") return v;
  if (v && typeof v.next === "function") return co(v);
  if (typeof v === "function") {
    return new Promise((res, rej) => v((err, val) => (err ? rej(err) : res(val))));
  }
  if (Array.isArray(v)) return Promise.all(v.map(toPromise));
  if (v && typeof v === "object") {
    const keys = Object.keys(v);
    return Promise.all(keys.map((k) => toPromise(v[k]))).then((vals) =>
      Object.fromEntries(keys.map((k, i) => [k, vals[i]])));
  }
  return Promise.resolve(v);
}

const later = (ms, value) => new Promise((r) => setTimeout(() => r(value), ms));
const readLater = (ms, value) => (done) => setTimeout(() => done(null, value), ms);

function* inner() {
  const x = yield later(100, 20);
  return x + 1;
}

co(function* () {
  const arr = yield [later(300, "a"), later(100, "b")];
  stamp("array: " + arr.join(","));
})
  .then(() => co(function* () {
    const obj = yield { x: later(200, 1), y: later(100, 2) };
    stamp("object: x=" + obj.x + " y=" + obj.y);
  }))
  .then(() => co(function* () {
    const t = yield readLater(100, 42);
    stamp("thunk: " + t);
  }))
  .then(() => co(function* () {
    const n = yield inner();
    stamp("nested generator: " + n);
  }));
