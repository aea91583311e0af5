// A rejection skips fulfilment handlers down the chain to the nearest
// catch, which can recover; a throw in a handler rejects.
const log = (s) => console.log(s);
Promise.resolve(1)
  .then((v) => { log("step " + v); throw "bad step"; })
  .then(() => log("skipped"))
  .then(() => log("skipped too"))
  .catch((e) => { log("caught " + e); return 10; })
  .then((v) => log("recovered with " + v));
