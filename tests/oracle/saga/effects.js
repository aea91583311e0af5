// Seed 003: the enhanced runner with CALL/ALL effects — sequential calls
// take 300 ms, the same calls in parallel 100 ms, and mixedFlow mixes both.
const { stamp, call, all, race, runEnhanced } = require("./_saga");
const fakeFetch = (url) => new Promise((resolve) => setTimeout(() => resolve(url + ":mock"), 100));
function* sequential() {
  const results = [];
  for (const url of ["/api/a", "/api/b", "/api/c"]) results.push(yield call(fakeFetch, url));
  return results;
}
function* parallel() {
  return yield all([call(fakeFetch, "/api/a"), call(fakeFetch, "/api/b"), call(fakeFetch, "/api/c")]);
}
function* mixedFlow(userId) {
  const user = yield call(fakeFetch, `/api/users/${userId}`);
  const [posts, profile] = yield all([
    call(fakeFetch, `/api/users/${userId}/posts`),
    call(fakeFetch, `/api/users/${userId}/profile`),
  ]);
  const comments = yield all([1, 2].map((id) => call(fakeFetch, `/api/posts/${id}/comments`)));
  return [user, posts, profile, ...comments];
}
runEnhanced(sequential)
  .then((r) => stamp("sequential: " + r.join(" ")))
  .then(() => runEnhanced(parallel))
  .then((r) => stamp("parallel: " + r.join(" ")))
  .then(() => runEnhanced(mixedFlow, 7))
  .then((r) => stamp("mixedFlow: " + r.join(" ")));
