// Node's side of benches/generators.rs: ns per next() for the same
// generators, and for the same hand-written state machines in JavaScript.
"use strict";
const { measure } = require("./measure");

function* counting() {
  let i = 0;
  while (true) yield i++;
}

function countingMachine() {
  let i = 0;
  return { next: () => ({ value: i++, done: false }) };
}

function* pingPong() {
  let sum = 0;
  while (true) sum += yield sum;
}

function pingPongMachine() {
  let sum = 0;
  let started = false;
  return {
    next(n) {
      if (started) sum += n;
      started = true;
      return { value: sum, done: false };
    },
  };
}

module.exports = {
  "counting/node": () => {
    const g = counting();
    return (n) => { let s = 0; for (let k = 0; k < n; k++) s += g.next().value; return s; };
  },
  "counting/node_hand_written": () => {
    const g = countingMachine();
    return (n) => { let s = 0; for (let k = 0; k < n; k++) s += g.next().value; return s; };
  },
  "ping_pong/node": () => {
    const g = pingPong();
    g.next();
    return (n) => { let s = 0; for (let k = 0; k < n; k++) s += g.next(1).value; return s; };
  },
  "ping_pong/node_hand_written": () => {
    const g = pingPongMachine();
    g.next();
    return (n) => { let s = 0; for (let k = 0; k < n; k++) s += g.next(1).value; return s; };
  },
  "yield_star/node": () => {
    const g = (function* () { yield* counting(); })();
    return (n) => { let s = 0; for (let k = 0; k < n; k++) s += g.next().value; return s; };
  },
  "create_run_drop/node": () => (n) => {
    let s = 0;
    for (let k = 0; k < n; k++) { const g = counting(); s += g.next().value + g.next().value; }
    return s;
  },
};

if (require.main === module) {
  for (const [name, make] of Object.entries(module.exports)) {
    console.log(`${name}: ${measure(make()).toFixed(2)} ns`);
  }
}
