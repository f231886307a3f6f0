// The `pipelens` settings section as the server gets it. VS Code hands the extension every
// contributed key, including the ones only the client reads and `null`s for unset values; the
// server reports unknown keys and wrong types, so they are taken out here. In an untrusted
// workspace nothing may run a process: synth on save is forced off.

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
    out.synth = synth;
  }
  return out;
}
