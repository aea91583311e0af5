// finally passes the value or the reason through, and waits for a promise
// it returns.
const log = (s) => console.log(s);
const ticks = (n) => {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log("tick " + i));
};
ticks(7);
Promise.resolve("v")
  .finally(() => log("finally on value"))
  .then((v) => log("value passed through: " + v));
Promise.reject("r")
  .finally(() => log("finally on reason"))
  .catch((e) => log("reason passed through: " + e));
Promise.resolve("w")
  .finally(() => Promise.resolve("ignored"))
  .then((v) => log("after promise-returning finally: " + v));
