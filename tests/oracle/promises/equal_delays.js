// Equal delays fire in registration order; 0 ms is 1 ms.
const log = (s) => console.log(s);
setTimeout(() => log("a 1ms"), 1);
setTimeout(() => log("b 0ms"), 0);
setTimeout(() => log("c 1ms"), 1);
setTimeout(() => log("d 5ms"), 5);
setTimeout(() => log("e 5ms"), 5);
setTimeout(() => log("f 3ms"), 3);
