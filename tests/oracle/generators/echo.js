// Seed 002: two-way communication: next(value) becomes the paused yield.
function* echo() {
  const first = yield "pause-1";
  console.log("received:", first);
  const second = yield "pause-2";
  console.log("received:", second);
  return "done";
}

const g = echo();
console.log(g.next().value);
console.log(g.next("A").value);
console.log(g.next("B").value);
