import { test } from "node:test";
import * as assert from "node:assert/strict";

import { fromServer, statusText } from "../src/status";

test("status texts", () => {
  assert.equal(statusText({ kind: "none" }, 0).text, undefined);
  assert.match(statusText({ kind: "predicted" }, 0).text ?? "", /pipelens: predicted$/);
  assert.match(statusText({ kind: "synthRunning" }, 0).text ?? "", /synth running/);
  assert.match(statusText({ kind: "synthesized", at: 1_000 }, 43_000).text ?? "", /synthesized 42 s ago/);
  assert.match(statusText({ kind: "synthesized", at: 0 }, 600_000).text ?? "", /synthesized 10 min ago/);
  const failed = statusText({ kind: "synthFailed", message: "exit 1" }, 0);
  assert.match(failed.text ?? "", /synth failed/);
  assert.equal(failed.tooltip, "exit 1");
});

test("the server's status is shown as it says it", () => {
  const out = fromServer({ state: "outOfDate", text: "synthesized 2 min ago, out of date", tooltip: "Prod changed" });
  assert.deepEqual(statusText(out, 0), {
    text: "$(warning) pipelens: synthesized 2 min ago, out of date",
    tooltip: "Prod changed",
  });
  assert.match(statusText(fromServer({ state: "running", text: "synth running (3 s)" }), 0).text ?? "", /sync~spin.*running \(3 s\)/);
  assert.equal(statusText(fromServer({ state: "none", text: "" }), 0).text, undefined);
  // An answer this client does not know hides the item rather than guessing.
  assert.equal(statusText(fromServer({ state: "someday", text: "x" }), 0).text, undefined);
  assert.equal(statusText(fromServer(null), 0).text, undefined);
});
