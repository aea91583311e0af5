// Seed 000: a generator consumes values (the first next() argument is lost).
function* printer() {
  console.log("We are starting!");
  console.log(yield);
  console.log(yield);
  console.log(yield);
  console.log("We are done!");
}

const counter = printer();
counter.next(1);
counter.next(2);
counter.next(3);
console.log(counter.next(4));
console.log(counter.next(5));
