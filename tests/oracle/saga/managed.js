// Seed 003's managedConnection: the generator hands a connection to its
// caller between queries; when the caller stops early with return(), the
// finally block still runs, and yields one more call (close) that the
// caller performs before the generator is done.
const { call } = require("./_saga");

function* managedConnection(config) {
  const connection = yield call(createConnection, config);
  console.log("Connection established");
  try {
    while (true) {
      const query = yield { connection, status: "ready" };
      if (!query) break;
      const result = yield call(executeQuery, connection, query);
      yield { result, status: "completed" };
    }
  } finally {
    console.log("Closing connection");
    yield call(closeConnection, connection);
    console.log("Connection closed");
  }
}

function createConnection(config) { return Promise.resolve({ id: 1, config }); }
function executeQuery(conn, query) { return Promise.resolve({ rows: [], query }); }
function closeConnection(conn) { console.log(`closing #${conn.id}`); return Promise.resolve(); }

(async () => {
  const gen = managedConnection({ host: "db" });
  const perform = async (step) => {
    while (!step.done && step.value.type === "CALL") step = gen.next(await step.value.fn(...step.value.args));
    return step;
  };
  let step = await perform(gen.next());
  console.log(`status: ${step.value.status}, connection #${step.value.connection.id}`);
  step = await perform(gen.next("SELECT 1"));
  console.log(`status: ${step.value.status}, result of ${step.value.result.query}`);
  step = await perform(gen.next());
  console.log(`status: ${step.value.status}`);
  step = await perform(gen.return("stopped early"));
  console.log(`done: ${step.done}, value: ${step.value}`);
})();
