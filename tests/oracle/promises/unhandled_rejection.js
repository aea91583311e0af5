// A rejection with no handler after the microtask checkpoint is reported;
// a handler attached later is reported as handled after all.
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
}, 10);
log("script end");
