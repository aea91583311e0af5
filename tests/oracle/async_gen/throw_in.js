// throw() at a yield is caught inside; throw() on a finished generator
// rejects; return() before start completes without running the body.
const log = (s) => console.log(s);
async function* guarded() {
  while (true) {
    try {
      yield "waiting";
    } catch (e) {
      log("caught " + e);
      yield "recovered";
      return "done";
    }
  }
}
(async () => {
  const g = guarded();
  log("1: " + JSON.stringify(await g.next()));
  log("2: " + JSON.stringify(await g.throw("oops")));
  log("3: " + JSON.stringify(await g.next()));
  log("4: " + JSON.stringify(await g.next()));
  try {
    await g.throw("late");
  } catch (e) {
    log("5: rejected with " + e);
  }
  const fresh = guarded();
  log("6: " + JSON.stringify(await fresh.return("early")));
  log("7: " + JSON.stringify(await fresh.next()));
})();
