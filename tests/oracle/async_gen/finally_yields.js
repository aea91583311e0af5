// A finally that yields while a return() is being served: the return's
// answer is the yielded value (done: false), and the generator goes on.
const log = (s) => console.log(s);
const ticks = (n) => {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log("tick " + i));
};
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
const show = (label) => (r) => log(label + ": " + JSON.stringify(r));
gen.next().then(show("next 1"));
gen.return("stopped").then(show("return"));
gen.next().then(show("next 2"));
gen.next().then(show("next 3"));
log("script end");
