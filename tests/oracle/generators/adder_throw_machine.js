// Seed 000: the throwing adder as a state machine: an error is just another
// input to go(), checked in every state.
function adder(initialValue) {
  let state = "initial";
  let done = false;
  let sum = initialValue;
  let lastSum = initialValue;
  let temp;
  function go(input, err) {
    let result;
    switch (state) {
      case "initial":
        if (err) {
          throw err;
        }
        temp = sum;
        result = sum;
        state = "loop";
        break;
      case "loop":
        try {
          if (err) {
            throw err;
          }
          sum += input;
          lastSum = temp;
        } catch (e) {
          console.log("caught:", e.message);
          sum = lastSum;
        }
        temp = sum;
        result = sum;
        state = "loop";
        break;
      default:
        if (err) {
          throw err;
        }
        break;
    }
    return { value: result, done: done };
  }
  return {
    next: (input) => go(input, null),
    throw: (err) => go(undefined, err),
  };
}

const add = adder(0);
console.log(add.next().value);
console.log(add.next(1).value);
console.log(add.next(2).value);
console.log(add.throw(new Error("BOO!")).value);
console.log(add.next(4).value);
console.log(add.throw(new Error("BOO again!")).value);
console.log(add.next(10).value);
