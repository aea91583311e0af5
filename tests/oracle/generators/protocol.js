// The protocol's corners: throw/return before start and after completion,
// a finally that yields during return(), a finally that overrides the
// return value, a caught throw that yields again, and yield* forwarding
// (into an inner finally that yields, too).
function show(label, step) {
  console.log(label, JSON.stringify(step));
}

function* guarded() {
  try {
    yield 1;
    yield 2;
  } finally {
    console.log("cleanup starts");
    yield "from finally";
    console.log("cleanup ends");
  }
}

let g = guarded();
show("fresh return:", g.return(9));
show("after:", g.next());

g = guarded();
try {
  g.throw(new Error("early"));
} catch (e) {
  console.log("fresh throw rethrown:", e.message);
}
show("after:", g.next());

g = guarded();
show("next:", g.next());
show("return(7):", g.return(7));
show("next:", g.next());
show("next:", g.next());
show("return(8) when done:", g.return(8));
try {
  g.throw(new Error("late"));
} catch (e) {
  console.log("done throw rethrown:", e.message);
}

function* overriding() {
  try {
    yield 1;
  } finally {
    return "overridden";
  }
}
g = overriding();
g.next();
show("return(5) overridden:", g.return(5));

function* resilient() {
  let attempts = 0;
  while (true) {
    try {
      yield attempts;
      return "finished";
    } catch (e) {
      attempts += 1;
      console.log("recovering from", e.message);
    }
  }
}
g = resilient();
show("next:", g.next());
show("throw:", g.throw(new Error("a")));
show("throw:", g.throw(new Error("b")));
show("next:", g.next());

function* inner() {
  try {
    const x = yield "inner-1";
    console.log("inner got", x);
    yield "inner-2";
    return "inner-result";
  } catch (e) {
    console.log("inner caught", e.message);
    yield "inner-recovered";
    return "inner-after-catch";
  } finally {
    console.log("inner finally");
  }
}

function* outer() {
  yield "outer-1";
  const r = yield* inner();
  console.log("yield* evaluated to", r);
  yield "outer-2";
  return "outer-result";
}

g = outer();
show("next:", g.next());
show("next:", g.next());
show("next:", g.next("X"));
show("next:", g.next());
show("next:", g.next());
show("next:", g.next());

g = outer();
g.next();
g.next();
show("throw into yield*:", g.throw(new Error("E")));
show("next:", g.next());
show("next:", g.next());

g = outer();
g.next();
g.next();
show("return into yield*:", g.return("R"));
show("next:", g.next());

// return() into yield* whose inner generator's finally yields: the outer
// yields that value and stays inside yield*; a next() then completes the
// inner with the return value, which yield* evaluates to (the return is
// not carried on); a second return() or a throw() ends both.
function* cleaningInner() {
  try {
    yield "i1";
    yield "i2";
    return "inner-done";
  } finally {
    console.log("inner finally");
    yield "inner-cleanup";
    console.log("inner cleanup resumed");
  }
}

function* cleaningOuter() {
  try {
    const r = yield* cleaningInner();
    console.log("yield* gave", r);
    yield "o2";
    return "outer-done";
  } finally {
    console.log("outer finally");
  }
}

g = cleaningOuter();
show("next:", g.next());
show("return into a yielding finally:", g.return("R"));
show("next:", g.next());
show("next:", g.next());

g = cleaningOuter();
g.next();
g.return("R");
show("return again:", g.return("S"));
show("next:", g.next());

g = cleaningOuter();
g.next();
g.return("R");
try {
  g.throw(new Error("T"));
} catch (e) {
  console.log("throw rethrown:", e.message);
}
show("next:", g.next());
