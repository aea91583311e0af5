// Seed 000: throw() into the adder reverts the sum to its last value.
function* adder(initialValue) {
  let sum = initialValue;
  let lastSum = initialValue;
  let temp;
  while (true) {
    try {
      temp = sum;
      sum += yield sum;
      lastSum = temp;
    } catch (e) {
      console.log("caught:", e.message);
      sum = lastSum;
    }
  }
}

const add = adder(0);
console.log(add.next().value);
console.log(add.next(1).value);
console.log(add.next(2).value);
console.log(add.throw(new Error("BOO!")).value);
console.log(add.next(4).value);
console.log(add.throw(new Error("BOO again!")).value);
console.log(add.next(10).value);
