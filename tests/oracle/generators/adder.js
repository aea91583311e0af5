// Seed 000: a generator that both produces and consumes: a running sum.
function* adder(initialValue) {
  let sum = initialValue;
  while (true) {
    sum += yield sum;
  }
}

function runner() {
  const add = adder(0);
  console.log(add.next().value);
  console.log(add.next(1).value);
  console.log(add.next(2).value);
  console.log(add.next(3).value);
  console.log(add.return(100));
  console.log(add.next(4));
}
runner();
