// An async function returning a promise adopts it (two extra turns);
// returning a value settles at once.
const log = (s) => console.log(s);
const ticks = (n) => {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log("tick " + i));
};
async function returnsPromise() {
  return Promise.resolve("promise");
}
async function returnsValue() {
  return "value";
}
ticks(5);
returnsPromise().then((v) => log("async returned " + v));
returnsValue().then((v) => log("async returned " + v));
log("script end");
