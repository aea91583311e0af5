// Seed 004's first examples, one after another: asyncCounter, greetSlowly
// and simple() asked by hand, a class made async iterable (EventStream,
// its timestamps shown as the time since the start), collectAsync (and
// Array.fromAsync where Node has it), the hand-written helpers the seed
// builds until iterator helpers arrive (asyncFilter, asyncMap, asyncTake,
// asyncToArray), and withTimeout stopping a stream whose next item is
// late: its cleanup awaits the inner generator's return(), which waits
// for the inner body's pending await. Each example's times are counted
// from its own start (fifty-odd timers in a row drift past a rounding).
const { log, sleep } = require("./_util");

let t0 = Date.now();
const begin = (title) => {
  t0 = Date.now();
  log(`-- ${title}`);
};
const stamp = (s) => log(`[${Math.round((Date.now() - t0) / 100) * 100}ms] ${s}`);

async function* asyncCounter(start, end, delay) {
  for (let i = start; i <= end; i++) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    yield i;
  }
}

async function* greetSlowly() {
  await new Promise((r) => setTimeout(r, 500));
  yield "Hello";
  await new Promise((r) => setTimeout(r, 500));
  yield "World";
}

async function* simple() {
  yield 1;
  yield 2;
  yield 3;
}

class EventStream {
  #events;
  #delay;
  constructor(events, delay = 500) {
    this.#events = events;
    this.#delay = delay;
  }
  async *[Symbol.asyncIterator]() {
    for (const event of this.#events) {
      await new Promise((r) => setTimeout(r, this.#delay));
      yield { ...event };
    }
  }
}

async function collectAsync(asyncIterable) {
  const results = [];
  for await (const item of asyncIterable) results.push(item);
  return results;
}

async function* numbers() {
  for (let i = 1; i <= 10; i++) {
    await new Promise((r) => setTimeout(r, 50));
    yield i;
  }
}

async function* asyncMap(asyncIterable, fn) {
  for await (const item of asyncIterable) yield fn(item);
}

async function* asyncFilter(asyncIterable, predicate) {
  for await (const item of asyncIterable) if (predicate(item)) yield item;
}

async function* asyncTake(asyncIterable, count) {
  let taken = 0;
  for await (const item of asyncIterable) {
    yield item;
    if (++taken >= count) return;
  }
}

async function asyncToArray(asyncIterable) {
  const result = [];
  for await (const item of asyncIterable) result.push(item);
  return result;
}

async function* withTimeout(asyncIterable, timeoutMs) {
  const iterator = asyncIterable[Symbol.asyncIterator]();
  try {
    while (true) {
      const result = await Promise.race([
        iterator.next(),
        new Promise((_, reject) => setTimeout(() => reject(new Error("Iteration timeout")), timeoutMs)),
      ]);
      if (result.done) break;
      yield result.value;
    }
  } finally {
    if (iterator.return) await iterator.return();
  }
}

// Users arriving 100 ms apart, but the third 6 s late.
async function* users() {
  try {
    for (const [name, ms] of [["Ada", 100], ["Grace", 100], ["Linus", 6000]]) {
      await sleep(ms);
      yield { name };
    }
  } finally {
    stamp("users closed");
  }
}

async function main() {
  begin("asyncCounter(1, 3, 100)");
  for await (const i of asyncCounter(1, 3, 100)) stamp(`asyncCounter: ${i}`);

  begin("greetSlowly(), asked by hand");
  const greeting = greetSlowly();
  stamp(`greetSlowly: ${JSON.stringify(await greeting.next())}`);
  stamp(`greetSlowly: ${JSON.stringify(await greeting.next())}`);
  stamp(`greetSlowly: ${JSON.stringify(await greeting.next())}`);

  begin("simple(), asked by hand");
  const gen = simple();
  for (let i = 0; i < 4; i++) log(`simple: ${JSON.stringify(await gen.next())}`);

  begin("an EventStream, 300 ms apart");
  const stream = new EventStream(
    [
      { type: "click", target: "button" },
      { type: "input", target: "textfield" },
      { type: "submit", target: "form" },
    ],
    300,
  );
  for await (const event of stream) stamp(`${event.type} on ${event.target}`);

  begin("numbers() collected");
  stamp(`collectAsync: ${JSON.stringify(await collectAsync(numbers()))}`);
  const fromAsync = Array.fromAsync ?? collectAsync;
  stamp(`fromAsync: ${JSON.stringify(await fromAsync(numbers()))}`);

  begin("numbers() through the hand-written helpers");
  const doubledEvens = asyncMap(asyncFilter(numbers(), (n) => n % 2 === 0), (n) => n * 2);
  stamp(`evens doubled: ${JSON.stringify(await asyncToArray(doubledEvens))}`);
  stamp(`first three: ${JSON.stringify(await asyncToArray(asyncTake(numbers(), 3)))}`);

  begin("withTimeout(users(), 5000)");
  try {
    for await (const user of withTimeout(users(), 5000)) stamp(`Processing: ${user.name}`);
  } catch (e) {
    if (e.message === "Iteration timeout") stamp("Stream timed out - processing stopped");
    else throw e;
  }
}

main();
