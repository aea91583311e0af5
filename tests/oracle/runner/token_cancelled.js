// Awaiting a cancellation token (baton's `token.cancelled()`; here a
// promise the AbortSignal's "abort" event resolves) and child tokens
// (`token.child()`; here AbortSignal.any([parent])). Aborting tells the
// signal's own listeners first, then its children's, in the order the
// children were made; each waiting async function resumes one microtask
// later, ahead of a microtask queued after the abort. A child aborted on
// its own leaves its parent as it was, and keeps its own reason.
const log = (s) => console.log(s);

const cancelled = (signal) =>
  new Promise((resolve) => {
    if (signal.aborted) resolve(signal.reason);
    else signal.addEventListener("abort", () => resolve(signal.reason), { once: true });
  });

const shutdown = new AbortController();
const first = AbortSignal.any([shutdown.signal]);
const secondController = new AbortController();
const second = AbortSignal.any([shutdown.signal, secondController.signal]);

const wait = async (name, signal) => {
  log(`${name} waits`);
  const reason = await cancelled(signal);
  log(`${name} heard: ${reason}`);
};

wait("first child's task", first);
wait("shutdown's task", shutdown.signal);
wait("second child's task", second);
first.addEventListener("abort", () => log("first child's listener"));
shutdown.signal.addEventListener("abort", () => log("shutdown's listener"));

setTimeout(() => {
  secondController.abort("second went away");
  log(`second aborted alone; shutdown aborted: ${shutdown.signal.aborted}`);
}, 5);
setTimeout(() => {
  log("aborting shutdown");
  shutdown.abort("shutting down");
  Promise.resolve().then(() => log("a microtask queued after the abort"));
  log(`aborted; second's reason: ${second.reason}`);
}, 10);
