import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { findServer, FindOptions } from "../src/serverPath";

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "pipelens-ext-"));
}
function exe(p: string, mode = 0o755): string {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, "#!/bin/sh\n");
  fs.chmodSync(p, mode);
  return p;
}

function opts(o: Partial<FindOptions>): FindOptions {
  return { setting: "", extensionPath: tmp(), platform: "linux", arch: "x64", envPath: "", ...o };
}

test("the setting wins over the bundled binary and PATH", () => {
  const ext = tmp();
  exe(path.join(ext, "server", "linux-x64", "pipelens"));
  const bin = tmp();
  exe(path.join(bin, "pipelens"));
  const mine = exe(path.join(tmp(), "my-pipelens"));
  assert.deepEqual(findServer(opts({ setting: mine, extensionPath: ext, envPath: bin })), {
    ok: true,
    path: mine,
    source: "setting",
  });
});

test("a setting that points nowhere is an error that names the setting, not a silent fallback", () => {
  const bin = tmp();
  exe(path.join(bin, "pipelens"));
  const r = findServer(opts({ setting: "/nonexistent/pipelens", envPath: bin }));
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.message : "", /pipelens\.server\.path.*\/nonexistent\/pipelens/);
});

test("a relative setting is relative to the workspace folder", () => {
  const ws = tmp();
  const p = exe(path.join(ws, "target", "release", "pipelens"));
  const r = findServer(opts({ setting: "target/release/pipelens", workspaceFolder: ws }));
  assert.deepEqual(r, { ok: true, path: p, source: "setting" });
});

test("the bundled binary for this platform comes before PATH", () => {
  const ext = tmp();
  const bundled = exe(path.join(ext, "server", "linux-x64", "pipelens"));
  exe(path.join(ext, "server", "darwin-arm64", "pipelens"));
  const bin = tmp();
  exe(path.join(bin, "pipelens"));
  assert.deepEqual(findServer(opts({ extensionPath: ext, envPath: bin })), { ok: true, path: bundled, source: "bundled" });
  const onPath = findServer(opts({ extensionPath: ext, arch: "arm64", platform: "win32", envPath: bin }));
  assert.equal(onPath.ok, false, "no pipelens.exe anywhere for win32");
});

test("PATH is searched in order, skipping files that are not executable", () => {
  const a = tmp();
  exe(path.join(a, "pipelens"), 0o644);
  const b = tmp();
  const good = exe(path.join(b, "pipelens"));
  assert.deepEqual(findServer(opts({ envPath: `${a}::${b}` })), { ok: true, path: good, source: "PATH" });
});

test("nothing found: the message says how to fix it", () => {
  const r = findServer(opts({ envPath: tmp() }));
  assert.equal(r.ok, false);
  const m = !r.ok ? r.message : "";
  assert.match(m, /not found/);
  assert.match(m, /cargo install --path server/);
  assert.match(m, /pipelens\.server\.path/);
});
