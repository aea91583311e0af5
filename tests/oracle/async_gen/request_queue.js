// Requests made without waiting are queued and settle in request order;
// a return() made while the body is at an await waits its turn, and runs
// the body's finally (which may await).
const { log, sleep, show } = require("./_util");
async function* slow() {
  try {
    await sleep(10);
    yield "a";
    await sleep(10);
    yield "b";
    await sleep(10);
    yield "c";
  } finally {
    log("finally starts");
    await sleep(5);
    log("finally ends");
  }
}
const gen = slow();
gen.next().then(show("next 1"));
gen.next().then(show("next 2"));
gen.return("stopped").then(show("return"));
gen.next().then(show("next after return"));
log("all requested");
