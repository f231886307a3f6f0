// The settings the extension contributes (package.json) and the keys the server accepts
// (the match arms of `Settings::set` in server/src/workspace/settings.rs) must not drift.

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

import { CLIENT_ONLY_KEYS, serverSettings } from "../src/settings";

const root = path.resolve(__dirname, "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const settingsRs = fs.readFileSync(path.join(root, "..", "server", "src", "workspace", "settings.rs"), "utf8");

interface Arm {
  key: string;
  /** `k if k.starts_with("accounts.")`: a table of names. */
  prefix: boolean;
  body: string;
}

/** The match arms of `fn set`, with the text of each arm. */
function serverArms(): Arm[] {
  const start = settingsRs.indexOf("fn set(");
  assert.ok(start >= 0, "settings.rs has no `fn set(`");
  const match = settingsRs.indexOf("match key {", start);
  assert.ok(match >= 0, "`fn set` has no `match key {`");
  // The match block ends at its closing brace.
  let depth = 0;
  let end = match;
  for (let i = settingsRs.indexOf("{", match); i < settingsRs.length; i++) {
    if (settingsRs[i] === "{") depth++;
    if (settingsRs[i] === "}" && --depth === 0) {
      end = i;
      break;
    }
  }
  const block = settingsRs.slice(match, end);
  const armStart = /^\s*(?:"([^"]+)"|k if k\.starts_with\("([^"]+)\.?"\)|_)\s*=>/gm;
  const starts: { index: number; key?: string; prefix: boolean }[] = [];
  for (let m; (m = armStart.exec(block)); ) {
    starts.push({ index: m.index, key: m[1] ?? m[2]?.replace(/\.$/, ""), prefix: m[2] !== undefined });
  }
  return starts
    .map((s, i) => ({
      key: s.key ?? "",
      prefix: s.prefix,
      body: block.slice(s.index, starts[i + 1]?.index ?? block.length),
    }))
    .filter((a) => a.key !== "");
}

function contributed(): Map<string, any> {
  const props = pkg.contributes.configuration.properties as Record<string, any>;
  const out = new Map<string, any>();
  for (const [k, v] of Object.entries(props)) {
    assert.ok(k.startsWith("pipelens."), `${k} is not under pipelens.`);
    out.set(k.slice("pipelens.".length), v);
  }
  return out;
}

test("the server's settings parse from settings.rs (the parser still fits the source)", () => {
  const keys = serverArms().map((a) => a.key);
  // A sanity floor: if the parser breaks, the drift test below would pass vacuously.
  for (const k of ["aws.profile", "bootstrap.check", "synth.onSave", "accounts", "queryPath"]) {
    assert.ok(keys.includes(k), `parsed ${JSON.stringify(keys)} lacks ${k}`);
  }
});

test("every server setting is contributed by the extension, and nothing else", () => {
  const server = new Set(serverArms().map((a) => a.key));
  const client = new Set([...contributed().keys()].filter((k) => !CLIENT_ONLY_KEYS.includes(k)));
  const missing = [...server].filter((k) => !client.has(k)).sort();
  const extra = [...client].filter((k) => !server.has(k)).sort();
  assert.deepEqual({ missingInPackageJson: missing, unknownToServer: extra }, { missingInPackageJson: [], unknownToServer: [] });
});

test("client-only settings are contributed and not server keys", () => {
  const server = new Set(serverArms().map((a) => a.key));
  for (const k of CLIENT_ONLY_KEYS) {
    assert.ok(contributed().has(k), `${k} not in package.json`);
    assert.ok(!server.has(k), `${k} is a server key`);
  }
});

test("types and enums agree with what the server accepts", () => {
  const props = contributed();
  for (const arm of serverArms()) {
    const p = props.get(arm.key);
    const types = ([] as string[]).concat(p.type);
    if (arm.prefix) {
      assert.deepEqual(types, ["object"], arm.key);
      continue;
    }
    if (/as_bool\(\)/.test(arm.body)) assert.deepEqual(types, ["boolean"], arm.key);
    if (/seconds\(v\)/.test(arm.body)) {
      assert.deepEqual(types, ["integer"], arm.key);
      assert.ok(p.minimum >= 1, `${arm.key}: the server wants a positive number`);
    }
    const values = [...arm.body.matchAll(/Some\("([^"]+)"\)\s*=>/g)].map((m) => m[1]);
    if (values.length > 0) assert.deepEqual([...p.enum].sort(), values.sort(), `${arm.key} enum`);
  }
});

/** Flattens like the server's `flatten`: non-empty objects recurse, the rest are leaves. */
function flatten(prefix: string, obj: Record<string, unknown>, out: Map<string, unknown>): void {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length > 0) {
      flatten(key, v as Record<string, unknown>, out);
    } else out.set(key, v);
  }
}

/** The `pipelens` section as VS Code hands it to the extension: nested objects of the defaults. */
function defaultsSection(): Record<string, unknown> {
  const section: Record<string, any> = {};
  for (const [k, p] of contributed()) {
    const parts = k.split(".");
    let at = section;
    for (const q of parts.slice(0, -1)) at = at[q] ??= {};
    at[parts[parts.length - 1]] = p.default ?? null;
  }
  return section;
}

test("the defaults, as sent to the server, use only keys it accepts and no nulls", () => {
  const server = serverArms();
  for (const trusted of [true, false]) {
    const flat = new Map<string, unknown>();
    flatten("", serverSettings(defaultsSection(), trusted), flat);
    for (const [k, v] of flat) {
      const known = server.some((a) => a.key === k || (a.prefix && k.startsWith(a.key + ".")));
      assert.ok(known, `would send unknown setting ${k}`);
      assert.notEqual(v, null, `would send null for ${k}`);
    }
  }
});
