// A finally that yields while a return() is being served: the return's
// answer is the yielded value (done: false), and the generator goes on.
const { log, ticks, show } = require("./_util");
async function* stubborn() {
  try {
    yield "a";
    yield "b";
  } finally {
    log("finally starts");
    yield "from finally";
    log("finally resumes");
    await Promise.resolve();
    log("finally ends");
  }
}
ticks(10);
const gen = stubborn();
gen.next().then(show("next 1"));
gen.return("stopped").then(show("return"));
gen.next().then(show("next 2"));
gen.next().then(show("next 3"));
log("script end");
