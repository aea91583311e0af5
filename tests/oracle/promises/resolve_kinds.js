// Resolving with a promise, a plain value, or a thenable: how many
// microtask turns each takes before its handler runs.
const log = (s) => console.log(s);
const ticks = (n) => {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log("tick " + i));
};
ticks(4);
new Promise((r) => r(Promise.resolve("promise"))).then((v) => log("adopted " + v));
new Promise((r) => r("value")).then((v) => log("plain " + v));
new Promise((r) => r({ then(resolve) { resolve("thenable"); } })).then((v) => log("adopted " + v));
log("script end");
