// for…of with JavaScript's early-exit guarantee: leaving the loop early
// calls the generator's return(), so its finally runs; a finally that
// yields leaves the generator suspended (the loop ignores return()'s
// result); a finally that throws makes the loop throw. Running to the end
// calls no return().
function* numbers(name, cleanup) {
  try {
    for (let i = 1; i <= 3; i++) {
      console.log(`${name}: yields ${i}`);
      yield i;
    }
    console.log(`${name}: done`);
  } finally {
    console.log(`${name}: finally`);
    if (cleanup === "yield") {
      yield "from finally";
      console.log(`${name}: after its yield`);
    }
    if (cleanup === "throw") throw new Error(`${name}: cleanup failed`);
  }
}

for (const n of numbers("all", "none")) console.log(`all: got ${n}`);
console.log("all: after the loop");

for (const n of numbers("break", "none")) {
  console.log(`break: got ${n}`);
  if (n === 2) break;
}
console.log("break: after the loop");

const g = numbers("yields", "yield");
for (const n of g) {
  console.log(`yields: got ${n}`);
  break;
}
console.log(`yields: after the loop, next() gives ${JSON.stringify(g.next())}`);

try {
  for (const n of numbers("throws", "throw")) {
    console.log(`throws: got ${n}`);
    break;
  }
} catch (e) {
  console.log(`throws: the loop threw ${e.message}`);
}
