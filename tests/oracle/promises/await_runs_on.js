// Awaits of settled promises, one after another: a lone async function
// resumes turn after turn, two interleave turn by turn, and microtasks or
// async functions started in between take their turns in order.
const log = (s) => console.log(s);
async function walker(name, n) {
  for (let i = 1; i <= n; i++) {
    await Promise.resolve(i);
    log(name + " step " + i);
    if (name === "a" && i === 2) queueMicrotask(() => log("microtask queued by a"));
    if (name === "c" && i === 1) walker("inner", 2);
    if (name === "c" && i === 2) Promise.resolve().then(() => log("then queued by c"));
  }
  log(name + " done");
  return name;
}
walker("a", 4);
walker("b", 2);
Promise.resolve()
  .then(() => log("then 1"))
  .then(() => log("then 2"));
log("script end");
setTimeout(() => {
  log("timeout");
  walker("c", 4).then((v) => log("settled " + v));
  log("timeout end");
}, 0);
setTimeout(() => {
  walker("lone", 3).then((v) => log("settled " + v));
}, 1);
