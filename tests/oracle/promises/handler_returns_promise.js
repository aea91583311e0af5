// A then-handler returning a promise is adopted: two extra turns.
const log = (s) => console.log(s);
const ticks = (n) => {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log("tick " + i));
};
ticks(5);
Promise.resolve(1).then((v) => Promise.resolve(v + 1)).then((v) => log("from promise " + v));
Promise.resolve(1).then((v) => v + 1).then((v) => log("from value " + v));
