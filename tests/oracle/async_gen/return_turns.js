// return() and throw() queued behind next() calls, turn by turn: a
// finally that awaits delays the return's answer by its own turns, and
// requests after completion settle in order without running the body.
const { log, ticks, show } = require("./_util");
async function* closing() {
  try {
    log("body starts");
    yield "a";
    log("after a");
    await Promise.resolve();
    log("after the await");
    yield "b";
    log("never");
  } finally {
    log("finally starts");
    await Promise.resolve();
    log("finally ends");
  }
}
ticks(12);
const gen = closing();
const failed = (label) => (e) => log(label + " rejected: " + e);
gen.next().then(show("next 1"));
gen.next().then(show("next 2"));
gen.return("stopped").then(show("return"));
gen.throw("late").then(show("throw"), failed("throw"));
gen.next().then(show("next 3"));
log("script end");
