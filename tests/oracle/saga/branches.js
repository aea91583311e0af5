// Testing a saga's branches without re-stepping it from the start each
// time (seed 003's FAQ, "how do I test a saga?", where the saga branches):
// redux-saga's cloneableGenerator steps the saga to where it branches, and
// each clone — a fresh generator fed what the original was fed — takes one
// way from there. Nothing is performed: the test feeds every result.
// Replaying runs the body's own code again, so "checkout 7 starts" is
// printed once per clone too.
const { call, put, cancelled } = require("redux-saga/effects");
const { cloneableGenerator } = require("@redux-saga/testing-utils");

const fetch_cart = (id) => Promise.resolve({ id });
const charge = (cents) => Promise.resolve(cents);
const release_cart = (id) => Promise.resolve(id);

function* checkout(cartId) {
  console.log(`  (checkout ${cartId} starts)`);
  const cart = yield call(fetch_cart, cartId);
  if (cart.items.length === 0) {
    yield put({ type: "CART_EMPTY" });
    return "nothing to pay";
  }
  try {
    const receipt = yield call(charge, cart.total);
    yield put({ type: "PAID", detail: receipt });
    return `paid with ${receipt}`;
  } catch (e) {
    yield put({ type: "PAYMENT_FAILED", detail: e.message });
    return `failed: ${e.message}`;
  } finally {
    if (yield cancelled()) {
      yield call(release_cart, cartId);
    }
  }
}

// What a step asked for, or how the saga ended.
function show({ value, done }) {
  if (done) return `done: ${value === undefined ? "(nothing)" : value}`;
  if (value.type === "CALL") {
    return `call ${value.payload.fn.name}(${value.payload.args.map((a) => JSON.stringify(a)).join(", ")})`;
  }
  if (value.type === "PUT") {
    const { type, detail } = value.payload.action;
    return `put ${type}${detail === undefined ? "" : " " + detail}`;
  }
  if (value.type === "CANCELLED") return "cancelled()";
  return value.type;
}

const say = (what, step) => console.log(`${what} -> ${show(step)}`);

console.log("the saga, stepped to its first call:");
const gen = cloneableGenerator(checkout)(7);
say("start", gen.next());

console.log("an empty cart (a clone):");
const empty = gen.clone();
say("feed cart []", empty.next({ items: [] }));
say("feed put's result", empty.next());

console.log("a full cart, stepped to the charge:");
say("feed cart [tea, cake]", gen.next({ items: ["tea", "cake"], total: 1250 }));

console.log("the charge goes through (a clone):");
const paid = gen.clone();
say("feed receipt r-1", paid.next("r-1"));
say("feed put's result", paid.next());
say("feed cancelled() false", paid.next(false));

console.log("the charge fails (a clone):");
const failed = gen.clone();
say("throw declined", failed.throw(new Error("declined")));
say("feed put's result", failed.next());
say("feed cancelled() false", failed.next(false));

console.log("cancelled while charging (the original, return()ed):");
say("return()", gen.return());

console.log("a clone made in the cleanup, told it was not cancelled:");
const cleanup = gen.clone();
say("feed cancelled() false", cleanup.next(false));

console.log("the original goes on with its cleanup:");
say("feed cancelled() true", gen.next(true));
say("feed release's result", gen.next());
