// The executor runs synchronously; only the first resolve/reject counts;
// a throw in the executor rejects.
const log = (s) => console.log(s);
const p = new Promise((resolve, reject) => {
  log("executor runs now");
  resolve("first");
  resolve("second");
  reject("third");
});
p.then((v) => log("settled with " + v));
new Promise(() => { throw "thrown in executor"; }).catch((e) => log("executor threw: " + e));
log("script end");
