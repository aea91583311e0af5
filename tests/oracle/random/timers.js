// Random timer programs, run by Node: the expected traces for
// `tests/random_timers.rs`, which runs the same programs on baton's loop
// (on its virtual clock).
//
// `node timers.js` makes PROGRAMS programs from a fixed seed and prints,
// for each, a line `== <program as JSON>` and then what Node logs running
// it, each program in a process of its own. A program is an interval of
// 100 ms that clears itself after a few runs, and timeouts at distinct
// times 50 ms past a hundred (so no two are due at once, whatever real
// time Node's timers run on); each callback may clear the interval or a
// timeout, set a 0 ms timeout, or queue a microtask.
const { main } = require("./_random.js");

const PROGRAMS = 1000;
const SEED = 20261210;

function generate(r) {
  // Distinct times: two timeouts due at once could be told apart by
  // Node's real clock.
  const times = [50, 150, 250, 350];
  const timeouts = Array.from({ length: 1 + r.int(4) }, (_, i) => ({
    at: times.splice(r.int(times.length), 1)[0],
    tag: "t" + i,
  }));
  const acts = () =>
    Array.from({ length: r.int(3) }, () => {
      const k = r.int(4);
      if (k === 0) return { a: "clearInterval" };
      if (k === 1) return { a: "clear", target: r.int(timeouts.length) };
      if (k === 2) return { a: "nested", tag: "n" + r.int(100) };
      return { a: "micro", tag: "m" + r.int(100) };
    });
  for (const t of timeouts) t.acts = acts();
  return { stopAfter: 1 + r.int(4), intervalActs: acts(), timeouts };
}

function run(program) {
  const log = (s) => console.log(s);
  const ids = [];
  let interval;
  const act = (list) => {
    for (const a of list) {
      if (a.a === "clearInterval") clearInterval(interval);
      else if (a.a === "clear") clearTimeout(ids[a.target]);
      else if (a.a === "nested") setTimeout(() => log("nested " + a.tag), 0);
      else Promise.resolve().then(() => log("micro " + a.tag));
    }
  };
  let runs = 0;
  interval = setInterval(() => {
    runs++;
    log("interval " + runs);
    act(program.intervalActs);
    if (runs === program.stopAfter) clearInterval(interval);
  }, 100);
  program.timeouts.forEach((t, i) => {
    ids[i] = setTimeout(() => {
      log(`timeout ${t.tag} at ${t.at}`);
      act(t.acts);
    }, t.at);
  });
  log("script end");
}

main(__filename, SEED, PROGRAMS, generate, run);
