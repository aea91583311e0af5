// A timer cleared by another callback never fires, even when both are due
// at the same time; an interval stops when cleared.
const log = (s) => console.log(s);
let victim;
setTimeout(() => {
  log("first clears the second");
  clearTimeout(victim);
}, 50);
victim = setTimeout(() => log("second (must not run)"), 50);
let n = 0;
const every = setInterval(() => {
  n += 1;
  log("interval " + n);
  if (n === 3) clearInterval(every);
}, 20);
setTimeout(() => log("after interval"), 100);
