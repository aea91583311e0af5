// Seed 000: printer() as a state machine: input piped through go().
function printer() {
  let state = 0;
  let done = false;
  function go(input) {
    switch (state) {
      case 0:
        console.log("We are starting!");
        state = 1;
        break;
      case 1:
        console.log(input);
        state = 2;
        break;
      case 2:
        console.log(input);
        state = 3;
        break;
      case 3:
        console.log(input);
        console.log("We are done!");
        done = true;
        state = -1;
        break;
      default:
        break;
    }
    return { value: undefined, done: done };
  }
  return { next: go };
}

const counter = printer();
counter.next(1);
counter.next(2);
counter.next(3);
console.log(counter.next(4));
console.log(counter.next(5));
