// The CDK app a file belongs to: the nearest folder above it with a `cdk.json`.

import * as fs from "node:fs";
import * as path from "node:path";

export function appRoot(file: string): string | undefined {
  let dir = path.dirname(file);
  for (;;) {
    if (fs.existsSync(path.join(dir, "cdk.json"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The languages pipelens reads (VS Code language ids). */
export const LANGUAGES = ["python", "typescript", "javascript", "java", "csharp", "go"];
