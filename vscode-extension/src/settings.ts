// The `pipelens` settings section as the server gets it: only what the user set (the server
// puts these over `pipelens.toml`, so a default sent for an unset key would hide the file's
// value), without the keys only the client reads and without `null`s; the server reports
// unknown keys and wrong types, so they are taken out here. In an untrusted
// workspace nothing may run a process: synth on save is forced off. The server enforces trust
// itself (it starts untrusted); `initializationOptions` tells it whether VS Code trusts the
// workspace, and `TRUST_NOTIFICATION` when the user grants trust later.

/** Keys under `pipelens.` that only the client reads (the server never sees them). */
export const CLIENT_ONLY_KEYS = ["server.path", "trace.server"];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: unknown): v is { [key: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Drops `null`s, functions and `undefined`s (what JSON would drop too), recursively. */
function clean(v: unknown): Json | undefined {
  if (v === null || v === undefined || typeof v === "function") return undefined;
  if (Array.isArray(v)) return v.map(clean).filter((x): x is Json => x !== undefined);
  if (isObject(v)) {
    const out: { [key: string]: Json } = {};
    for (const [k, x] of Object.entries(v)) {
      const c = clean(x);
      if (c !== undefined) out[k] = c;
    }
    return out;
  }
  if (typeof v === "boolean" || typeof v === "number" || typeof v === "string") return v;
  return undefined;
}

function removePath(obj: { [key: string]: Json }, dotted: string): void {
  const parts = dotted.split(".");
  let at: { [key: string]: Json } = obj;
  for (const p of parts.slice(0, -1)) {
    const next = at[p];
    if (!isObject(next)) return;
    at = next;
  }
  delete at[parts[parts.length - 1]];
  // An object emptied by the removal goes too (`server: {}` is not a server setting).
  for (let i = parts.length - 1; i > 0; i--) {
    const parent = parts.slice(0, i);
    let p: { [key: string]: Json } = obj;
    for (const q of parent.slice(0, -1)) p = p[q] as { [key: string]: Json };
    const last = parent[parent.length - 1];
    if (isObject(p[last]) && Object.keys(p[last] as object).length === 0) delete p[last];
  }
}

/** What `WorkspaceConfiguration.inspect` reports of one setting: the parts a user sets. */
export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * The section made of the values set in user, workspace or folder settings (a folder's value
 * over the workspace's over the user's; an object is merged key by key, as VS Code does), nested
 * at the dots of `keys`. Defaults are left out, so `pipelens.toml` decides what nobody set.
 */
export function explicitSection(
  keys: readonly string[],
  inspect: (key: string) => Inspected | undefined,
): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const key of keys) {
    const i = inspect(key);
    if (!i) continue;
    let value: Json | undefined;
    for (const v of [i.globalValue, i.workspaceValue, i.workspaceFolderValue].map(clean)) {
      if (v === undefined) continue;
      value = isObject(value) && isObject(v) ? { ...value, ...v } : v;
    }
    if (value === undefined) continue;
    const parts = key.split(".");
    let at = out;
    for (const p of parts.slice(0, -1)) {
      if (!isObject(at[p])) at[p] = {};
      at = at[p] as { [key: string]: Json };
    }
    at[parts[parts.length - 1]] = value;
  }
  return out;
}

/**
 * The settings object sent as `initializationOptions`, in `workspace/didChangeConfiguration` and
 * as the answer to `workspace/configuration` for the `pipelens` section.
 */
export function serverSettings(section: unknown, trusted: boolean): { [key: string]: Json } {
  const c = clean(section);
  const out: { [key: string]: Json } = isObject(c) ? c : {};
  for (const k of CLIENT_ONLY_KEYS) removePath(out, k);
  if (!trusted) {
    const synth = isObject(out.synth) ? out.synth : {};
    synth.onSave = false;
    delete synth.command;
    delete synth.python;
    delete synth.pythonByFolder;
    out.synth = synth;
  }
  return out;
}

/**
 * Adds the interpreters the Python extension chose, one per workspace folder (`pythons` has
 * every folder of the window, `undefined` where it chose none), unless the user set
 * `pipelens.synth.python`; never in an untrusted workspace (the server would run them). A
 * window of one folder sends `synth.python`; a window of several `synth.pythonByFolder`, so that
 * each app's synth runs with its own folder's interpreter.
 */
export function withPython(
  settings: { [key: string]: Json },
  pythons: { [folder: string]: string | undefined },
  trusted: boolean,
) {
  const folders = Object.keys(pythons);
  const chosen = Object.fromEntries(
    Object.entries(pythons).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  if (!trusted || Object.keys(chosen).length === 0) return settings;
  const synth = isObject(settings.synth) ? settings.synth : {};
  if (typeof synth.python === "string" && synth.python !== "") return settings;
  if (isObject(synth.pythonByFolder) && Object.keys(synth.pythonByFolder).length > 0) return settings;
  if (folders.length === 1) return { ...settings, synth: { ...synth, python: chosen[folders[0]] } };
  return { ...settings, synth: { ...synth, pythonByFolder: chosen } };
}

/** The server's notification for a change of workspace trust: `{ trusted: boolean }`. */
export const TRUST_NOTIFICATION = "pipelens/didChangeTrust";

/**
 * The server's `initializationOptions`: whether the workspace is trusted (the server runs no
 * process and calls no AWS API until it is told so), and the `pipelens` settings.
 */
export function initializationOptions(
  section: unknown,
  trusted: boolean,
): { trusted: boolean; pipelens: { [key: string]: Json } } {
  return { trusted, pipelens: serverSettings(section, trusted) };
}
