// Random programs of co's extras, run by co 4.6 itself (`../package.json`
// pins it): the expected traces for `tests/random_co.rs`, which runs the
// same programs through baton's `run()`.
//
// `node co.js` makes PROGRAMS programs from a fixed seed and prints, for
// each, a line `== <program as JSON>` and then what Node logs running it,
// each program in a process of its own. A program is a few generators
// driven by co at once, beside a chain of `then` ticks; each yields one
// kind of thing, once or twice: an array or an object of promises (made up
// front: fulfilled, rejected, or settled by a 0 ms timer), an array of a
// promise and a thunk (a tuple in Rust), a thunk that
// calls back at once or from a timer, with a value or an error, a nested
// generator (or a generator function) that yields promises and returns
// their sum or throws, or a promise; a yield may be guarded by try / catch. Every run's outcome is
// logged, and so are unhandled and late-handled rejections.
const { promiseTable, makePromises, main, startRuns, logRejections } = require("./_random.js");

const PROGRAMS = 1000;
const SEED = 20261207;
const KINDS = ["array", "object", "pair", "thunk", "nested", "genfn", "promise"];

function generate(r) {
  const promises = promiseTable(r);
  let labels = 0;
  const label = () => labels++;
  const any = () => r.int(promises.length);
  const step = (kind) => {
    const st = { guard: r.chance(0.5) };
    if (kind === "array" || kind === "object") st.parts = Array.from({ length: r.int(4) }, any);
    else if (kind === "thunk") {
      st.when = r.chance(0.5) ? "sync" : "timer";
      st.ok = r.chance(0.7);
      st.v = 40 + label();
      st.r = "h" + label();
    } else if (kind === "pair") {
      st.p = any();
      st.v = 40 + label();
    } else if (kind === "nested" || kind === "genfn") {
      st.parts = Array.from({ length: 1 + r.int(2) }, any);
      if (r.chance(0.2)) st.throws = "n" + label();
    } else st.p = any();
    return st;
  };
  const runs = Array.from({ length: 1 + r.int(3) }, (_, i) => {
    const kind = KINDS[r.int(KINDS.length)];
    const steps = Array.from({ length: 1 + r.int(2) }, () => step(kind));
    return { name: "g" + i, kind, steps, end: 900 + i, when: r.chance(0.7) ? "sync" : "timer" };
  });
  return { promises, runs, ticks: 1 + r.int(6) };
}

// What a step yields, as JavaScript source.
function yielded(kind, st) {
  switch (kind) {
    case "array":
      return `[${st.parts.map((p) => `P[${p}]`).join(", ")}]`;
    case "object":
      return `{ ${st.parts.map((p, i) => `k${i}: P[${p}]`).join(", ")} }`;
    case "pair":
      return `[P[${st.p}], (done) => done(null, ${st.v})]`;
    case "thunk": {
      const call = st.ok ? `done(null, ${st.v})` : `done("${st.r}")`;
      return st.when === "sync" ? `(done) => ${call}` : `(done) => setTimeout(() => ${call}, 0)`;
    }
    case "nested":
    case "genfn": {
      const sum = st.parts.map((p) => `s += yield P[${p}]; `).join("");
      const end = st.throws ? `throw "${st.throws}";` : "return s;";
      const fn = `(function* () { let s = 0; ${sum}${end} })`;
      return kind === "nested" ? `${fn}()` : fn;
    }
    default:
      return `P[${st.p}]`;
  }
}

function source(g) {
  let out = "";
  for (const st of g.steps) {
    const line = `log("${g.name} got " + shown(yield ${yielded(g.kind, st)}));`;
    out += st.guard ? `  try { ${line} } catch (e) { log("${g.name} caught " + e); }\n` : `  ${line}\n`;
  }
  return out;
}

function go(program) {
  const co = require("co");
  const log = (s) => console.log(s);
  logRejections(log);
  const shown = (v) =>
    Array.isArray(v)
      ? `[${v.join(",")}]`
      : typeof v === "object"
        ? `{${Object.entries(v)
            .map(([k, x]) => `${k}=${x}`)
            .join(" ")}}`
        : String(v);
  const P = makePromises(program.promises, log);
  startRuns(program.runs, log, (g) =>
    co(new Function("log", "P", "shown", `return function* () {\n${source(g)}  return ${g.end};\n};`)(log, P, shown)),
  );
  let p = Promise.resolve();
  for (let i = 1; i <= program.ticks; i++) p = p.then(() => log(`script tick ${i}`));
  log("script end");
}

main(__filename, SEED, PROGRAMS, generate, go);
