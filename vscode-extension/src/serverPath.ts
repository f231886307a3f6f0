// Where the `pipelens` binary is: the `pipelens.server.path` setting, else the binary bundled in
// the extension (`server/<platform>-<arch>/pipelens`), else `pipelens` on PATH.

import * as fs from "node:fs";
import * as path from "node:path";

export interface FindOptions {
  /** The `pipelens.server.path` setting ("" when unset). */
  setting: string;
  extensionPath: string;
  platform: string;
  arch: string;
  /** The PATH environment variable. */
  envPath: string;
  /** Folder a relative `pipelens.server.path` is relative to (the first workspace folder). */
  workspaceFolder?: string;
  homeDir?: string;
}

export type Found =
  | { ok: true; path: string; source: "setting" | "bundled" | "PATH" }
  | { ok: false; message: string };

export function exeName(platform: string): string {
  return platform === "win32" ? "pipelens.exe" : "pipelens";
}

/** The folder name a platform's bundled binary lives in, as `vsce --target` names platforms. */
export function platformDir(platform: string, arch: string): string {
  return `${platform}-${arch}`;
}

function isExecutableFile(p: string, platform: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) return false;
    if (platform !== "win32") fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export const INSTALL_HINT =
  "Install it with `cargo install --path server` from the pipelens repository (or use the platform " +
  "build of this extension, which bundles it), or set `pipelens.server.path` to the binary.";

export function findServer(o: FindOptions): Found {
  const exe = exeName(o.platform);
  const setting = o.setting.trim();
  if (setting !== "") {
    let p = setting;
    if (o.homeDir && (p === "~" || p.startsWith("~/"))) p = path.join(o.homeDir, p.slice(1));
    if (!path.isAbsolute(p) && o.workspaceFolder) p = path.join(o.workspaceFolder, p);
    if (isExecutableFile(p, o.platform)) return { ok: true, path: p, source: "setting" };
    return {
      ok: false,
      message:
        `pipelens: the setting pipelens.server.path is "${setting}", but ${p} is not an ` +
        "executable file. Fix the setting, or clear it to use the bundled server or `pipelens` on PATH.",
    };
  }
  const bundled = path.join(o.extensionPath, "server", platformDir(o.platform, o.arch), exe);
  if (isExecutableFile(bundled, o.platform)) return { ok: true, path: bundled, source: "bundled" };
  const sep = o.platform === "win32" ? ";" : ":";
  for (const dir of o.envPath.split(sep)) {
    if (dir === "") continue;
    const candidate = path.join(dir, exe);
    if (isExecutableFile(candidate, o.platform)) return { ok: true, path: candidate, source: "PATH" };
  }
  return {
    ok: false,
    message:
      "pipelens: the language server `pipelens` was not found: not bundled with this extension " +
      `for ${platformDir(o.platform, o.arch)}, not on PATH, and pipelens.server.path is not set. ` +
      INSTALL_HINT,
  };
}
