// The "Bootstrap target" command: the server says which `cdk bootstrap` command line fixes a
// target; the extension types it into a terminal and leaves running it to the user.

export interface BootstrapChoice {
  label: string;
  description?: string;
  argv: string[];
}

function isArgv(v: unknown): v is string[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string");
}

/**
 * Reads the answer of `pipelens.bootstrapCommand`: an argv, `{argv}`/`{fix}`, or a list of
 * targets (the `bootstrap-status --format json` shape: `{targets:[{account, region, fix}]}`).
 */
export function bootstrapChoices(answer: unknown): BootstrapChoice[] {
  if (isArgv(answer)) return [{ label: answer.join(" "), argv: answer }];
  if (typeof answer !== "object" || answer === null) return [];
  const o = answer as Record<string, unknown>;
  for (const k of ["argv", "fix", "command"]) {
    if (isArgv(o[k])) return [{ label: (o[k] as string[]).join(" "), argv: o[k] as string[] }];
  }
  const list = Array.isArray(answer) ? answer : Array.isArray(o.targets) ? o.targets : [];
  const out: BootstrapChoice[] = [];
  for (const t of list as Record<string, unknown>[]) {
    if (typeof t !== "object" || t === null) continue;
    const argv = [t.fix, t.argv, t.command].find(isArgv);
    if (!argv) continue;
    const where = [t.account, t.region].filter((x) => typeof x === "string").join(" / ");
    out.push({
      label: where || argv.join(" "),
      description: typeof t.status === "string" ? t.status : undefined,
      argv,
    });
  }
  return out;
}

/** One argument quoted for a POSIX shell, or for PowerShell/cmd on Windows. */
export function quoteArg(arg: string, platform: string): string {
  if (/^[A-Za-z0-9_\-+=.,:/@%^]+$/.test(arg)) return arg;
  if (platform === "win32") return `"${arg.replace(/"/g, '""')}"`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(argv: string[], platform: string): string {
  return argv.map((a) => quoteArg(a, platform)).join(" ");
}

/**
 * What to say when no target needs a fix: that none needs one only if every target could be
 * checked; else why nothing (or not everything) could be (the answer's `unknown`).
 */
export function noTargetText(answer: unknown): string {
  const unknown =
    typeof answer === "object" && answer !== null ? (answer as Record<string, unknown>).unknown : undefined;
  if (typeof unknown === "string" && unknown.length > 0)
    return `pipelens: no target could be checked, so none is known to need bootstrapping: ${unknown}`;
  return "pipelens: no target of this pipeline needs bootstrapping.";
}
