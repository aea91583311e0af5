// A rejection with no handler after the microtask checkpoint is reported;
// a handler attached later is reported as handled after all, at the next
// checkpoint, before that checkpoint's unhandled rejections.
const log = (s) => console.log(s);
process.on("unhandledRejection", (reason) => log("unhandled: " + reason));
process.on("rejectionHandled", () => log("handled later"));
const late = Promise.reject("late");
Promise.reject("caught in time").catch((e) => log("caught: " + e));
const chained = Promise.resolve().then(() => Promise.reject("caught after a turn"));
chained.catch((e) => log("caught: " + e));
setTimeout(() => {
  log("attaching a handler to 'late'");
  late.catch((e) => log("caught: " + e));
  // Reported when the microtasks have run, with the next unhandled ones.
  Promise.resolve()
    .then(() => log("a microtask after the handler"))
    .then(() => log("and one more"));
  Promise.reject("later still");
}, 10);
log("script end");
