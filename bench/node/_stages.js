// The async generator stages of the async_gen suite's rows (the seed's
// helpers), shared by the rows (`async_gen.js`) and the count of the
// turns they take (`turns.js`).
"use strict";

async function* numbers(n) {
  for (let i = 0; i < n; i++) yield i;
}
async function* map(src, f) {
  for await (const x of src) yield f(x);
}
async function* filter(src, p) {
  for await (const x of src) if (p(x)) yield x;
}
async function* batch(src, size) {
  let group = [];
  for await (const x of src) {
    group.push(x);
    if (group.length === size) {
      yield group;
      group = [];
    }
  }
  if (group.length) yield group;
}

// The 4-stage pipeline: map, filter (half the items pass), batch(50).
const pipeline = (n) => batch(filter(map(numbers(n), (n) => n * 3), (n) => n % 2 === 0), 50);

module.exports = { numbers, map, filter, batch, pipeline };
