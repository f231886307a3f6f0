// Drives code-server (real VS Code in chromium) with the pipelens extension installed and checks
// what a user sees: the status bar, diagnostics in the Problems panel, completion and hover, the
// pipeline graph. Started by tests/vscode/run, which passes everything in environment variables.
// Prints one line per test and "N passed, M failed"; exits 1 when a test failed.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { chromium } = require(process.env.PLAYWRIGHT_CORE);

const URL = process.env.PIPELENS_E2E_URL;
const ARTIFACTS = process.env.PIPELENS_E2E_ARTIFACTS;
const PY_APP = process.env.PIPELENS_E2E_PYTHON;
const TS_APP = process.env.PIPELENS_E2E_TYPESCRIPT;
const SLOW = 90_000; // first start: code-server loads the workbench, the server indexes the app

const results = [];

async function test(name, page, body) {
  const t = Date.now();
  try {
    await body();
    results.push(true);
    console.log(`ok - ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  } catch (e) {
    results.push(false);
    const shot = path.join(ARTIFACTS, `FAILED-${name.replace(/[^a-z0-9]+/gi, "-")}.png`);
    await page.screenshot({ path: shot }).catch(() => {});
    console.log(`not ok - ${name}: ${String(e && e.message ? e.message : e).split("\n").slice(0, 8).join("\n   ")}`);
    console.log(`   screenshot: ${shot}`);
  }
}

/** Polls `f` until it returns a truthy value; fails with the last value seen. */
async function eventually(what, f, timeout = 30_000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await f();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last seen: ${String(last).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** 1-based line and column of the first `needle` (the column of its start plus `offset`). */
function position(file, needle, offset = 0, after = "") {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  let from = 0;
  if (after) from = lines.findIndex((l) => l.includes(after));
  for (let i = Math.max(0, from); i < lines.length; i++) {
    const c = lines[i].indexOf(needle);
    if (c >= 0) return { line: i + 1, column: c + 1 + offset };
  }
  throw new Error(`${needle} not in ${file}`);
}

async function openWorkspace(page, folder) {
  await page.goto(`${URL}/?folder=${encodeURIComponent(folder)}`);
  await page.locator(".monaco-workbench").waitFor({ timeout: SLOW });
  await page.locator(".statusbar").waitFor({ timeout: SLOW });
}

async function openFile(page, relative) {
  await page.locator(".monaco-workbench").click({ position: { x: 400, y: 5 } }).catch(() => {});
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor();
  await input.fill(relative);
  await page.locator(".quick-input-list .monaco-list-row").first().waitFor();
  await page.waitForTimeout(300);
  await page.keyboard.press("Enter");
  await page.locator(`.tab.active[aria-label*="${path.basename(relative)}"]`).waitFor();
  await page.locator(".monaco-editor .view-lines").first().waitFor();
}

async function goTo(page, { line, column }) {
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor();
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press("Enter");
  await page.waitForTimeout(200);
}

async function selectRight(page, n) {
  for (let i = 0; i < n; i++) await page.keyboard.press("Shift+ArrowRight");
}

async function statusBarText(page) {
  return page.locator(".statusbar").innerText();
}

async function problemsText(page) {
  const panel = page.locator(".markers-panel");
  if (!(await panel.isVisible().catch(() => false))) await page.keyboard.press("Control+Shift+M");
  await panel.waitFor();
  return panel.innerText();
}

async function runCommand(page, title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().waitFor();
  await page.keyboard.press("Enter");
}

async function screenshot(page, name) {
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file });
  console.log(`   screenshot: ${file}`);
}

async function main() {
  const context = await chromium.launchPersistentContext(process.env.PIPELENS_E2E_BROWSER_DATA, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 760 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);

  // --- Python -------------------------------------------------------------------------------
  const pyFile = path.join(PY_APP, "payments", "pipeline_stack.py");
  await test("python: the extension starts the bundled server; status bar says predicted", page, async () => {
    await openWorkspace(page, PY_APP);
    await openFile(page, "payments/pipeline_stack.py");
    await eventually("'pipelens: predicted' in the status bar", async () =>
      (await statusBarText(page)).includes("pipelens: predicted"), SLOW);
  });

  await test("python: hover on a region names it and the stages deploying there", page, async () => {
    await goTo(page, position(pyFile, "eu-west-1", 2));
    await page.keyboard.press("Control+K");
    await page.keyboard.press("Control+I");
    const hover = page.locator(".monaco-hover-content", { hasText: "Europe (Ireland)" });
    const text = await hover.first().innerText({ timeout: 20_000 });
    if (!/eu-west-1/.test(text) || !/Deployed to by: ProdEuWest1/.test(text)) throw new Error(`hover: ${text}`);
    await screenshot(page, "python-hover.png");
    await page.keyboard.press("Escape");
  });

  await test("python: typing a broken region puts unknown-region in the Problems panel", page, async () => {
    // Dev's region="us-east-1" -> "us-east-7".
    await goTo(page, position(pyFile, 'region="us-east-1"', 'region="'.length));
    await selectRight(page, "us-east-1".length);
    await page.keyboard.type("us-east-7", { delay: 20 });
    await page.keyboard.press("Escape");
    const text = await eventually("unknown-region in Problems", async () => {
      const t = await problemsText(page);
      return /us-east-7/.test(t) && /unknown-region/.test(t) ? t : false;
    });
    if (!/not an AWS region/.test(text)) throw new Error(`problems: ${text}`);
    if (!/pipelens/.test(text)) throw new Error(`no pipelens source in: ${text}`);
    await eventually("a squiggle in the editor", async () =>
      (await page.locator(".monaco-editor .squiggly-error").count()) > 0);
    await screenshot(page, "python-problems.png");
  });

  await test("python: completion inside region=\" lists regions", page, async () => {
    // Clear the broken value: cursor between the quotes of region="".
    const at = position(pyFile, 'region="us-east-1"', 'region="'.length);
    await page.locator(".monaco-editor .view-lines").first().click();
    await goTo(page, at);
    await selectRight(page, "us-east-7".length);
    await page.keyboard.press("Delete");
    await page.keyboard.press("Control+Space");
    const widget = page.locator(".editor-widget.suggest-widget");
    const rows = await eventually("region completions", async () => {
      const labels = await widget.locator(".monaco-list-row").evaluateAll((rs) =>
        rs.map((r) => r.getAttribute("aria-label") || r.textContent));
      return labels.some((l) => /us-east-1/.test(l)) && labels.some((l) => /eu-west-1/.test(l)) ? labels : false;
    });
    await screenshot(page, "python-completion.png");
    // Narrowing by typing keeps only matching regions.
    await page.keyboard.type("eu-west-", { delay: 30 });
    await eventually("only eu-west-* after typing eu-west-", async () => {
      const labels = await widget.locator(".monaco-list-row").evaluateAll((rs) =>
        rs.map((r) => r.getAttribute("aria-label") || r.textContent));
      return labels.length > 0 && labels.every((l) => /eu-west-/.test(l));
    });
    await page.keyboard.press("Escape");
    if (rows.length < 5) throw new Error(`only ${rows.length} completions: ${rows.join(", ")}`);
  });

  await test("python: fixing the region clears the diagnostic", page, async () => {
    await page.keyboard.type("1", { delay: 20 }); // region="eu-west-1"
    await page.keyboard.press("Escape");
    await eventually("no unknown-region in Problems", async () => !/unknown-region/.test(await problemsText(page)));
  });

  await test("python: Show pipeline graph renders the server's answer or its error", page, async () => {
    await runCommand(page, "pipelens: Show pipeline graph");
    const body = page.frameLocator("iframe.webview").frameLocator("iframe#active-frame").locator("body");
    const text = await eventually("graph webview content", async () => {
      // The server's SVG picture (stage names are SVG text), or its stages as a table.
      const svgStages = await body.locator("svg text", { hasText: "Dev" }).count().catch(() => 0);
      if (svgStages > 0) return "svg: the pipeline picture with the Dev stage";
      const img = await body.locator('img[src^="data:image/svg"]').count().catch(() => 0);
      if (img > 0) return "img: the server's SVG picture";
      const t = await body.innerText({ timeout: 2_000 });
      return /Dev/.test(t) ? t : false;
    });
    console.log(`   graph: ${text.split("\n")[0].slice(0, 160)}`);
    await screenshot(page, "python-graph.png");
  });

  // --- TypeScript ---------------------------------------------------------------------------
  const tsFile = path.join(TS_APP, "lib", "pipeline-stack.ts");
  await test("typescript: status bar says predicted", page, async () => {
    await openWorkspace(page, TS_APP);
    await openFile(page, "lib/pipeline-stack.ts");
    await eventually("'pipelens: predicted' in the status bar", async () =>
      (await statusBarText(page)).includes("pipelens: predicted"), SLOW);
  });

  await test("typescript: a broken account shows invalid-account in Problems", page, async () => {
    // Staging's account '222222222222' -> '22222222222x'.
    const at = position(tsFile, "'222222222222'", 1);
    await goTo(page, { line: at.line, column: at.column + 11 });
    await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.type("x");
    await page.keyboard.press("Escape");
    await eventually("invalid-account in Problems", async () => {
      const t = await problemsText(page);
      return /invalid-account/.test(t) && /22222222222x/.test(t);
    });
    await screenshot(page, "typescript-problems.png");
  });

  await test("typescript: hover on a stage id describes the stage", page, async () => {
    await goTo(page, position(tsFile, "'Staging'", 2));
    await page.keyboard.press("Control+K");
    await page.keyboard.press("Control+I");
    // TypeScript's own hover shows too; wait for the part pipelens wrote.
    const hover = page.locator(".monaco-hover-content", { hasText: "CodePipeline stage" });
    const text = await hover.first().innerText({ timeout: 20_000 });
    if (!/Stage\s+Staging/.test(text) || !/post: IntegrationTests/.test(text)) throw new Error(`hover: ${text}`);
    console.log(`   hover: ${text.replace(/\s+/g, " ").slice(0, 160)}`);
    await page.keyboard.press("Escape");
  });

  await test("typescript: Bootstrap target types the command, or shows the server's error", page, async () => {
    await page.locator(".monaco-editor .view-lines").first().click();
    await runCommand(page, "pipelens: Bootstrap target");
    const seen = await eventually("a terminal with cdk bootstrap, or an error toast", async () => {
      const toast = page.locator(".notifications-toasts", { hasText: "Bootstrap target" });
      if (await toast.isVisible().catch(() => false)) return `toast: ${await toast.innerText()}`;
      // The bootstrap check is off in this run (no AWS here): the server has no target to fix.
      const none = page.locator(".notifications-toasts", { hasText: "no target that needs bootstrapping" });
      if (await none.isVisible().catch(() => false)) return `info: ${await none.innerText()}`;
      const term = page.locator(".terminal-wrapper .xterm-rows", { hasText: "cdk bootstrap" });
      if (await term.isVisible().catch(() => false)) return `terminal: ${await term.innerText()}`;
      return false;
    });
    console.log(`   ${seen.replace(/\s+/g, " ").slice(0, 200)}`);
    if (seen.startsWith("toast") && !/pipelens\.bootstrapCommand/.test(seen)) throw new Error(seen);
    await screenshot(page, "typescript-bootstrap.png");
  });

  await context.close();
  const passed = results.filter(Boolean).length;
  const failed = results.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.log(`e2e driver crashed: ${e && e.stack ? e.stack : e}`);
  const passed = results.filter(Boolean).length;
  console.log(`${passed} passed, ${results.length - passed + 1} failed`);
  process.exit(1);
});
