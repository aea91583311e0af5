// Random programs for the runner, run by Node: the expected traces for
// `tests/random_runner.rs`, which runs the same programs on baton.
//
// `node runner.js` makes PROGRAMS programs from a fixed seed and prints, for
// each, a line `== <program as JSON>` and then what Node logs running it,
// each program in a process of its own. A program is a few generator
// bodies driven by seed 002's `run()` (`../runner/_run.js`) at once — each
// yielding promises that are fulfilled, rejected, settled by a timer or
// made fresh, catching and cleaning up with try / catch / finally, throwing,
// returning — beside chains of plain `then` ticks and timers. Every run's
// outcome is logged, and so are unhandled and late-handled rejections.
const { blocks, promiseTable, makePromises, main, blockSource, startRuns, logRejections } = require("./_random.js");

const PROGRAMS = 1000;
const SEED = 20261206;

function generate(r) {
  const promises = promiseTable(r);
  const block = blocks(r, {
    leafKinds: 5,
    maxDepth: 2,
    leaf: (kind, label) => {
      if (kind <= 1) return { s: "yield", p: r.int(promises.length) };
      if (kind === 2) return { s: "fresh", v: label() };
      if (kind === 3) return { s: "ticks", id: label(), n: 1 + r.int(3) };
      return { s: "throw", r: "t" + label() };
    },
  });
  const runs = Array.from({ length: 1 + r.int(3) }, (_, i) => ({
    name: "g" + i,
    body: block(0),
    end: 900 + i,
    when: r.chance(0.7) ? "sync" : "timer",
  }));
  const ticks = r.chance(0.5) ? 1 + r.int(5) : 0;
  return { promises, runs, ticks };
}

function source(stmts, name, indent = "  ") {
  const own = (st, indent) => {
    let out = "";
    switch (st.s) {
      case "yield":
        out += `${indent}log("${name} got " + (yield P[${st.p}]));\n`;
        break;
      case "fresh":
        out += `${indent}log("${name} got " + (yield Promise.resolve(${st.v})));\n`;
        break;
      case "ticks":
        out += `${indent}ticks("${name} ${st.id}", ${st.n});\n`;
        break;
    }
    return out;
  };
  return blockSource(stmts, indent, own, `${name} `);
}

function go(program) {
  const { run } = require("../runner/_run.js");
  const log = (s) => console.log(s);
  logRejections(log);
  // n chained `then` links, each logging its turn.
  const ticks = (label, n) => {
    let p = Promise.resolve();
    for (let i = 1; i <= n; i++) p = p.then(() => log(`${label} tick ${i}`));
  };
  const P = makePromises(program.promises, log);
  startRuns(program.runs, log, (g) =>
    run(
      new Function("log", "P", "ticks", `return function* () {\n${source(g.body, g.name)}  return ${g.end};\n};`)(
        log,
        P,
        ticks,
      ),
    ),
  );
  if (program.ticks > 0) ticks("script", program.ticks);
  log("script end");
}

main(__filename, SEED, PROGRAMS, generate, go);
