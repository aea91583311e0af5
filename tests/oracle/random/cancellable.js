// Random cancellable runs, run by Node: the expected traces for
// `tests/random_cancellable.rs`, which runs the same programs through
// baton's `run_cancellable`.
//
// `node cancellable.js` makes PROGRAMS programs from a fixed seed and
// prints, for each, a line `== <program as JSON>` and then what Node logs
// running it, each program in a process of its own. A program is a
// generator body driven by seed 003's `runCancellable` — yielding promises
// that are fulfilled, rejected or settled by a timer, checking
// `token.throwIfCancelled()`, catching and cleaning up (catch and finally
// blocks that neither yield nor throw: the seed's runner cannot wait for
// cleanup that yields, where baton's can) — and a token cancelled
// from the script, from a microtask some turns in, from a timer, or never,
// beside a chain of ticks. The outcome is logged.
const { blocks, promiseTable, makePromises, main, logRejections } = require("./_random.js");
const { CancellationToken, runCancellable } = require("../runner/_cancellable.js");

const PROGRAMS = 1000;
const SEED = 20261209;

function generate(r) {
  const promises = promiseTable(r);
  const block = blocks(r, {
    leafKinds: 4,
    maxDepth: 2,
    // A catch block may run during cleanup too (a finally block threw).
    catchIsCleanup: true,
    leaf: (kind, label, depth, block, inCleanup) => {
      if (kind <= 1) return inCleanup ? { s: "log", id: label() } : { s: "yield", p: r.int(promises.length) };
      if (kind === 2) return inCleanup ? null : { s: "check" };
      // A throw from cleanup would turn the return into a throw that a
      // catch may swallow, and the body go on to yield.
      return inCleanup ? { s: "log", id: label() } : { s: "throw", r: "t" + label() };
    },
  });
  const cancel = ["sync", "micro", "timer", "never"][r.int(4)];
  return { promises, body: block(0), end: 900, cancel, turns: r.int(6), ticks: r.int(12) };
}

function source(stmts, indent = "  ") {
  let out = "";
  for (const st of stmts) {
    switch (st.s) {
      case "yield":
        out += `${indent}log("got " + (yield P[${st.p}]));\n`;
        break;
      case "check":
        out += `${indent}token.throwIfCancelled();\n`;
        break;
      case "throw":
        out += `${indent}throw "${st.r}";\n`;
        break;
      case "log":
        out += `${indent}log("at ${st.id}");\n`;
        break;
      case "try":
        out += `${indent}try {\n${source(st.body, indent + "  ")}${indent}}`;
        if (st.catch)
          out += ` catch (e) {\n${indent}  log("catch ${st.id} caught " + (e.message ?? e));\n${source(st.catch, indent + "  ")}${indent}}`;
        if (st.finally)
          out += ` finally {\n${indent}  log("finally ${st.id}");\n${source(st.finally, indent + "  ")}${indent}}`;
        out += "\n";
        break;
    }
  }
  return out;
}

function run(program) {
  const log = (s) => console.log(s);
  logRejections(log, (reason) => reason.message ?? reason);
  const P = makePromises(program.promises, log);
  const body = new Function("log", "P", `return function* (token) {\n${source(program.body)}  return ${program.end};\n};`)(
    log,
    P,
  );
  const token = new CancellationToken();
  runCancellable(body, token).then(
    (v) => log("resolved " + v),
    (e) => log("rejected " + (e.message ?? e)),
  );
  const cancel = () => {
    log("cancel");
    token.cancel("stop");
  };
  // A microtask `turns` turns in.
  const later = (n) => (n === 0 ? cancel() : queueMicrotask(() => later(n - 1)));
  if (program.cancel === "sync") cancel();
  else if (program.cancel === "micro") queueMicrotask(() => later(program.turns));
  else if (program.cancel === "timer") setTimeout(cancel, 0);
  let p = Promise.resolve();
  for (let i = 1; i <= program.ticks; i++) p = p.then(() => log("tick " + i));
  log("script end");
}

main(__filename, SEED, PROGRAMS, generate, run);
