// await of a pending promise, a settled promise and a plain value: each
// resumes after one turn once the value is there.
const log = (s) => console.log(s);
const ticks = (n) => {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log("tick " + i));
};
async function awaitsValue() {
  log("before await 1");
  const v = await 1;
  log("after await " + v);
}
async function awaitsSettled() {
  const v = await Promise.resolve("settled");
  log("after await " + v);
}
async function awaitsChain() {
  const v = await Promise.resolve(1).then((x) => x + 1);
  log("after await chain " + v);
}
ticks(4);
awaitsValue();
awaitsSettled();
awaitsChain();
log("script end");
