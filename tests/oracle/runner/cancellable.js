// Seed 003: runCancellable — cancelling while a fetch is pending runs the
// generator's finally through return(), rejects with the reason, and the
// step after the pending fetch never runs.
const { stamp } = require("./_run");

const { CancellationToken, runCancellable } = require("./_cancellable");

const fakeFetch = (url) => new Promise((r) => setTimeout(() => r("contents of " + url), 80));

function* downloadFiles(token, fileList) {
  const downloaded = [];
  try {
    for (const file of fileList) {
      token.throwIfCancelled();
      stamp(`Downloading: ${file}`);
      const data = yield fakeFetch(`/files/${file}`);
      downloaded.push({ file, data });
      stamp(`Completed: ${file} (${downloaded.length}/${fileList.length})`);
    }
    return downloaded;
  } finally {
    if (token.isCancelled) {
      stamp(`Download cancelled. ${downloaded.length} files completed.`);
    }
  }
}

const token = new CancellationToken();
runCancellable(downloadFiles, token, ["a.txt", "b.txt", "c.txt"])
  .then((files) => stamp("downloaded " + files.length))
  .catch((e) => stamp("rejected: " + e.message));
setTimeout(() => token.cancel("User pressed cancel"), 200);
