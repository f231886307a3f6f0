import { test } from "node:test";
import * as assert from "node:assert/strict";

import { explicitSection, Inspected, initializationOptions, serverSettings, withPython } from "../src/settings";

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

test("the server is told whether the workspace is trusted, next to its settings", () => {
  const untrusted = initializationOptions(section, false);
  assert.equal(untrusted.trusted, false);
  assert.deepEqual(untrusted.pipelens, serverSettings(section, false));
  const trusted = initializationOptions(section, true);
  assert.equal(trusted.trusted, true);
  assert.deepEqual(trusted.pipelens.synth, { onSave: true, command: "make synth", timeoutSeconds: 60 });
});

test("only values someone set are sent: a default would hide pipelens.toml", () => {
  const seen: Record<string, Inspected & { defaultValue?: unknown }> = {
    "synth.command": { defaultValue: "" },
    "synth.onSave": { defaultValue: false, globalValue: true },
    "synth.timeoutSeconds": { defaultValue: 300, globalValue: 60, workspaceValue: 120 },
    "aws.profile": { globalValue: "dev", workspaceValue: "ci", workspaceFolderValue: "prod" },
    accounts: { defaultValue: {}, globalValue: { dev: "111111111111" }, workspaceValue: { prod: "333333333333" } },
    queryPath: { defaultValue: [], workspaceValue: [] },
    changeBase: { globalValue: null },
  };
  const section = explicitSection([...Object.keys(seen), "bootstrap.check"], (k) => seen[k]);
  assert.deepEqual(section, {
    synth: { onSave: true, timeoutSeconds: 120 },
    aws: { profile: "prod" },
    accounts: { dev: "111111111111", prod: "333333333333" },
    queryPath: [],
  });
  // Nothing set: nothing sent, so the server keeps pipelens.toml's synth.command.
  const none = explicitSection(["synth.command", "synth.onSave"], () => ({}));
  assert.deepEqual(initializationOptions(none, true).pipelens, {});
});

test("the Python extension's interpreter becomes synth.python, unless set or untrusted", () => {
  const py = "/work/app/.venv/bin/python";
  const one = { "/work/app": py };
  assert.deepEqual(withPython({ synth: { onSave: true } }, one, true), { synth: { onSave: true, python: py } });
  assert.deepEqual(withPython({ synth: { python: "/mine/python" } }, one, true), { synth: { python: "/mine/python" } });
  assert.deepEqual(withPython({}, one, false), {});
  assert.deepEqual(withPython({}, { "/work/app": undefined }, true), {});
  assert.deepEqual(withPython({}, {}, true), {});
  // A multi-root window: each folder its own, as synth.pythonByFolder (never the first folder's
  // for all), folders without one left out.
  const two = { "/work/pay": "/work/pay/.venv/bin/python", "/work/ledger": undefined, "/work/web": "/work/web/venv/bin/python" };
  assert.deepEqual(withPython({ synth: { onSave: true } }, two, true), {
    synth: { onSave: true, pythonByFolder: { "/work/pay": "/work/pay/.venv/bin/python", "/work/web": "/work/web/venv/bin/python" } },
  });
  assert.deepEqual(withPython({}, two, false), {});
  const mine = { synth: { pythonByFolder: { "/work/pay": "/opt/py/bin/python" } } };
  assert.deepEqual(withPython(mine, two, true), mine);
  assert.equal((serverSettings(mine, false).synth as { pythonByFolder?: unknown }).pythonByFolder, undefined);
  // Untrusted, a workspace's own synth.python is dropped like synth.command.
  assert.equal((serverSettings({ synth: { python: "/evil" } }, false).synth as { python?: string }).python, undefined);
});
