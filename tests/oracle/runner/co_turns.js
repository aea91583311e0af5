// co 4.6 itself (`../package.json` pins it), turn by turn beside a chain
// of ticks: how many microtasks each kind of yield takes before the
// generator goes on. An array waits as `Promise.all` does; an object
// waits for each of its promises through a `then` of its own, then for
// all of them, and keeps a plain value as it is; a thunk that calls back
// at once, a nested generator or generator function that returns at once
// and a promise take one turn; a function made by `co.wrap` settles as
// `co` does. (A plain value yielded alone is seed 002's case: the runner
// treats it as settled, where co throws a TypeError into the generator.)
const co = require("co");

const log = (s) => console.log(s);
let p = Promise.resolve();
for (let i = 1; i <= 6; i++) p = p.then(() => log("tick " + i));

function* inner() {
  return 4;
}

co(function* () {
  log("array: " + (yield [Promise.resolve(1), Promise.resolve(2)]));
});
co(function* () {
  log("array of values: " + (yield [1, 2]));
});
co(function* () {
  log("empty array: " + (yield []).length);
});
co(function* () {
  const o = yield { a: Promise.resolve(1), b: Promise.resolve(2) };
  log(`object: a=${o.a} b=${o.b}`);
});
co(function* () {
  const o = yield { a: 1, b: 2 };
  log(`object of values: a=${o.a} b=${o.b}`);
});
co(function* () {
  const o = yield {};
  log("empty object: " + Object.keys(o).length);
});
co(function* () {
  const o = yield { a: [Promise.resolve(1)], b: [Promise.resolve(2), Promise.resolve(3)] };
  log(`object of arrays: a=${o.a} b=${o.b}`);
});
co(function* () {
  log("thunk: " + (yield (done) => done(null, 3)));
});
co(function* () {
  log("nested generator: " + (yield inner()));
});
co(function* () {
  log("generator function: " + (yield inner));
});
co(function* () {
  log("promise: " + (yield Promise.resolve(6)));
});
const double = co.wrap(function* (n) {
  return (yield Promise.resolve(n)) * 2;
});
double(21).then((v) => log("co.wrap: " + v));
log("script end");
