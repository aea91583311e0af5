// A generator that yields at once, asked for its next step with work
// beside the request: a neighbour that logs and queues a microtask in
// the same turn, and a request whose step nobody awaits, followed by
// another. Each lands where Node puts it (baton's consumer takes the
// delivery's turn itself when nothing comes between).
const { log } = require("./_util");
async function* count(name, n) {
  for (let i = 1; i <= n; i++) {
    log(name + " yields " + i);
    yield i;
  }
}
async function beside() {
  const g = count("beside", 3);
  for (let i = 1; i <= 3; i++) {
    const step = g.next();
    log("beside: next " + i + " asked");
    queueMicrotask(() => log("beside: microtask " + i));
    const { value } = await step;
    log("beside: got " + value);
  }
  const { done } = await g.next();
  log("beside: done " + done);
}
async function unawaited() {
  const g = count("unawaited", 5);
  for (let i = 1; i <= 2; i++) {
    const { value } = await g.next();
    log("unawaited: got " + value);
    g.next(); // nobody awaits it: its value is lost
    log("unawaited: next left " + i);
    queueMicrotask(() => log("unawaited: microtask " + i));
  }
  const { value } = await g.next();
  log("unawaited: then got " + value);
}
(async () => {
  await beside();
  await unawaited();
  log("all done");
})();
log("script end");
