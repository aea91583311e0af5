// A redux store's subscribers (redux's own `subscribe`, which returns the
// unsubscribe function). A dispatch calls the subscribers there were when
// it began: one unsubscribed during it still hears it, one subscribed
// during it hears only the next.
const { createStore } = require("redux");

const log = (s) => console.log(s);
const store = createStore((count = 0, action) => (action.type === "ADD" ? count + 1 : count));

let unsubscribeB;
const unsubscribeA = store.subscribe(() => {
  log(`A hears ${store.getState()}`);
  if (store.getState() === 1) {
    unsubscribeB();
    store.subscribe(() => log(`C hears ${store.getState()}`));
    log("A unsubscribed B and subscribed C");
  }
});
unsubscribeB = store.subscribe(() => log(`B hears ${store.getState()}`));

store.dispatch({ type: "ADD" });
log("dispatched 1");
store.dispatch({ type: "ADD" });
log("dispatched 2");
unsubscribeA();
log("unsubscribed A");
store.dispatch({ type: "ADD" });
log("dispatched 3");
