// Seed 000: adder() as a state machine; the while loop is unrolled.
function adder(initialValue) {
  let state = "initial";
  let done = false;
  let sum = initialValue;
  function go(input) {
    let result;
    switch (state) {
      case "initial":
        result = initialValue;
        state = "loop";
        break;
      case "loop":
        sum += input;
        result = sum;
        state = "loop";
        break;
      default:
        break;
    }
    return { value: result, done: done };
  }
  function ret(value) {
    state = "done";
    done = true;
    return { value: value, done: true };
  }
  return { next: go, return: ret };
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
