import { test } from "node:test";
import * as assert from "node:assert/strict";

import { statusText } from "../src/status";

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
