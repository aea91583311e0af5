// Seed 004: break calls return(), and the finally block runs before the
// code after the loop.
const { stamp, sleep } = require("./_util");
async function* infiniteStream() {
  let i = 0;
  try {
    while (true) {
      await sleep(100);
      yield i++;
    }
  } finally {
    stamp("Stream closed, cleanup performed");
  }
}
(async () => {
  for await (const value of infiniteStream()) {
    stamp(String(value));
    if (value >= 4) break;
  }
  stamp("after the loop");
})();
