import { test } from "node:test";
import * as assert from "node:assert/strict";

import { serverSettings } from "../src/settings";

const section = {
  server: { path: "/opt/pipelens" },
  trace: { server: "verbose" },
  aws: { profile: null },
  synth: { onSave: true, command: "make synth", timeoutSeconds: 60 },
  accounts: { prod: "333333333333" },
  queryPath: ["q", null],
  has: () => true,
};

test("client-only keys, nulls and functions are not sent", () => {
  assert.deepEqual(serverSettings(section, true), {
    aws: {},
    synth: { onSave: true, command: "make synth", timeoutSeconds: 60 },
    accounts: { prod: "333333333333" },
    queryPath: ["q"],
  });
});

test("an untrusted workspace never synthesizes", () => {
  const s = serverSettings(section, false);
  assert.deepEqual(s.synth, { onSave: false, timeoutSeconds: 60 });
  assert.deepEqual(serverSettings(undefined, false), { synth: { onSave: false } });
});
