// The VS Code client: starts `pipelens serve` for Python, TypeScript and JavaScript files of a
// CDK app, passes it the `pipelens` settings, and adds the commands, the pipeline graph
// webview and the status bar item. Everything the user sees about a pipeline comes from the
// server; this file only wires VS Code to it.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  DocumentSymbolRequest,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ResponseError,
  RevealOutputChannelOn,
  ServerOptions,
} from "vscode-languageclient/node";

import { appRoot, LANGUAGES } from "./app";
import { bootstrapChoices, commandLine, noTargetText } from "./bootstrap";
import { DEFAULT_VIEW, GO_TO, GraphAnswer, renderError, renderGraph, View, ZOOM } from "./graph";
import { findServer } from "./serverPath";
import { explicitSection, initializationOptions, serverSettings, TRUST_NOTIFICATION, withPython } from "./settings";
import { fromServer, PipelineState, STATUS_CHANGED, STATUS_REQUEST, statusText } from "./status";

const SECTION = "pipelens";
const METHOD_NOT_FOUND = -32601;

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let statusItem: vscode.StatusBarItem;
let pipelineState: PipelineState = { kind: "none" };
/** Set while `synthesize` waits for a server that cannot say its status (an older server). */
let synthState: PipelineState | undefined;
/** The server answers `pipelens/synthStatus` (else the status is guessed from the outline). */
let serverStatus = true;
let graph: GraphPanel | undefined;
/** The server read the deployed pipelines again (`lsp/live.rs`). */
const LIVE_CHANGED = "pipelens/didChangeLive";

let extensionPath = "";
/** When `activate` ran, and whether the first diagnostics came since: the log says how long
 * the start took (tests/vscode/run keeps these logs with its artifacts). */
let activatedAt = 0;
let firstDiagnosticsLogged = false;

/** The keys this extension contributes under `pipelens.`, without the prefix. */
let settingKeys: string[] = [];

/** The `pipelens` settings the user set (no defaults: those would hide `pipelens.toml`). */
function explicitSettings() {
  const section = vscode.workspace.getConfiguration(SECTION);
  return explicitSection(settingKeys, (key) => section.inspect(key));
}

/** The interpreter the Python extension chose for each workspace folder (`""`: the window,
 * when it has no folder), when it says. */
let pythonInterpreters: { [folder: string]: string | undefined } = {};

function currentSettings() {
  const trusted = vscode.workspace.isTrusted;
  return withPython(serverSettings(explicitSettings(), trusted), pythonInterpreters, trusted);
}

/**
 * Follows the virtual environment chosen in the Python extension (ms-python.python), so that a
 * Python app's synth runs with it (`synth.python`; in a window of several folders, each folder's
 * own as `synth.pythonByFolder`), as the user's terminal would. Only a virtual
 * environment (a `pyvenv.cfg` beside its `bin`): the extension's global default says nothing the
 * server's PATH does not. Asked only once a Python file is open (the Python extension starts for
 * those anyway), never in a TypeScript-only workspace.
 */
async function followPythonInterpreter(context: vscode.ExtensionContext): Promise<void> {
  const ext = vscode.extensions.getExtension("ms-python.python");
  if (!ext) return;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const follow = (api: any) => {
    // One interpreter per folder of the window (a multi-root window may hold several apps);
    // a window without a folder has the window's.
    const read = () => {
      pythonInterpreters = {};
      const venv = (uri: vscode.Uri | undefined) => {
        const p = api?.environments?.getActiveEnvironmentPath?.(uri)?.path;
        return typeof p === "string" && isVenvPython(p) ? p : undefined;
      };
      const folders = vscode.workspace.workspaceFolders ?? [];
      if (folders.length === 0) pythonInterpreters[""] = venv(undefined);
      for (const folder of folders) pythonInterpreters[folder.uri.fsPath] = venv(folder.uri);
    };
    read();
    pushSettings();
    const changed = api?.environments?.onDidChangeActiveEnvironmentPath?.(() => {
      read();
      pushSettings();
    });
    if (changed) context.subscriptions.push(changed);
    context.subscriptions.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        read();
        pushSettings();
      }),
    );
  };
  const start = async () => {
    try {
      follow(ext.isActive ? ext.exports : await ext.activate());
    } catch (e) {
      output.appendLine(`pipelens: cannot read the Python extension's interpreter: ${errorText(e)}`);
    }
  };
  // The Python extension starts for Python files anyway: asked only once one is open.
  if (vscode.workspace.textDocuments.some((d) => d.languageId === "python")) {
    await start();
    return;
  }
  const opened = vscode.workspace.onDidOpenTextDocument((d) => {
    if (d.languageId !== "python") return;
    opened.dispose();
    void start();
  });
  context.subscriptions.push(opened);
}

/** An interpreter of a virtual environment: an absolute path whose `../..` has `pyvenv.cfg`. */
function isVenvPython(p: string): boolean {
  return path.isAbsolute(p) && fs.existsSync(path.join(path.dirname(path.dirname(p)), "pyvenv.cfg"));
}

function isPipelensDocument(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return !!doc && doc.uri.scheme === "file" && LANGUAGES.includes(doc.languageId);
}

// --- the language client ----------------------------------------------------------------------

async function startClient(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const found = findServer({
    setting: vscode.workspace.getConfiguration(SECTION).get<string>("server.path") ?? "",
    extensionPath,
    platform: process.platform,
    arch: process.arch,
    envPath: process.env.PATH ?? "",
    workspaceFolder: folder,
    homeDir: os.homedir(),
  });
  if (!found.ok) {
    output.appendLine(found.message);
    void vscode.window
      .showErrorMessage(found.message, "Open Settings", "Show Log")
      .then((choice) => {
        if (choice === "Open Settings")
          void vscode.commands.executeCommand("workbench.action.openSettings", "pipelens.server.path");
        if (choice === "Show Log") output.show();
      });
    return;
  }
  output.appendLine(`pipelens: starting ${found.path} serve (found via ${found.source})`);

  const serverOptions: ServerOptions = {
    command: found.path,
    // No `transport`: vscode-languageclient would add `--stdio`; `serve` is stdio already.
    args: ["serve"],
    options: { cwd: folder },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ scheme: "file", language })),
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: () => ({
      ...initializationOptions(explicitSettings(), vscode.workspace.isTrusted),
      pipelens: currentSettings(),
    }),
    middleware: {
      // A synth started from a lens or a code action: its failure is shown once, here (the
      // server only answers it), and the status bar and graph follow.
      executeCommand: async (command, args, next) => {
        if (command !== "pipelens.synth") return next(command, args);
        try {
          return await next(command, args);
        } catch (e) {
          if (!cancelled(e)) {
            const m = `pipelens: Synthesize pipeline failed: ${errorText(e)}`;
            output.appendLine(m);
            void vscode.window.showErrorMessage(m);
          }
          return undefined;
        } finally {
          void updateStatus();
          graph?.refresh();
        }
      },
      // A document's first analysis ends with its diagnostics: the outline is ready then.
      handleDiagnostics: (uri, diagnostics, next) => {
        next(uri, diagnostics);
        if (!firstDiagnosticsLogged) {
          firstDiagnosticsLogged = true;
          output.appendLine(`pipelens: first diagnostics (${path.basename(uri.fsPath)}) ${Date.now() - activatedAt} ms after activation`);
        }
        if (uri.toString() === vscode.window.activeTextEditor?.document.uri.toString()) void updateStatus();
      },
      workspace: {
        // The server pulls its section; answer with what it can read, trust applied.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) return result;
          return result.map((value, i) =>
            params.items[i]?.section === SECTION ? currentSettings() : value,
          );
        },
      },
    },
  };
  const c = new LanguageClient("pipelens", "pipelens", serverOptions, clientOptions);
  client = c;
  serverStatus = true;
  try {
    await c.start();
  } catch (e) {
    const message = `pipelens: the server (${found.path}) did not start: ${errorText(e)}. Its log is in the "pipelens" output.`;
    output.appendLine(message);
    void vscode.window.showErrorMessage(message, "Show Log").then((x) => x && output.show());
    return;
  }
  output.appendLine(`pipelens: server ready ${Date.now() - activatedAt} ms after activation`);
  // A synth started or ended, whoever started it (the palette, a lens, a code action, a save).
  c.onNotification(STATUS_CHANGED, () => {
    void updateStatus();
    graph?.refreshSoon();
  });
  // The deployed pipelines were read again: the graph colours its stages by their status.
  c.onNotification(LIVE_CHANGED, () => graph?.refreshSoon());
  void updateStatus();
  graph?.refresh();
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop(5000);
    } catch (e) {
      output.appendLine(`pipelens: stopping the server: ${errorText(e)}`);
    }
  }
}

async function restartClient(): Promise<void> {
  await stopClient();
  await startClient();
}

/** Sends the settings after a change of settings or of workspace trust. */
function pushSettings(): void {
  if (!client?.isRunning()) return;
  void client.sendNotification(DidChangeConfigurationNotification.type, {
    settings: { [SECTION]: currentSettings() },
  });
}

/** LSP's RequestCancelled: the server stopped the work because the user cancelled it. */
function cancelled(e: unknown): boolean {
  return (e instanceof ResponseError && e.code === -32800) || e instanceof vscode.CancellationError;
}

function errorText(e: unknown): string {
  if (e instanceof ResponseError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Runs a server command; its failure is shown as the server put it. */
async function serverCommand(title: string, command: string, args: unknown[]): Promise<unknown> {
  if (!client?.isRunning()) {
    const m = `pipelens: ${title}: the pipelens server is not running (see the "pipelens" output).`;
    void vscode.window.showErrorMessage(m, "Show Log").then((x) => x && output.show());
    throw new Error(m);
  }
  try {
    return await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
  } catch (e) {
    if (cancelled(e)) throw e; // the user cancelled it: nothing to say
    const m =
      e instanceof ResponseError && e.code === METHOD_NOT_FOUND
        ? `pipelens: ${title}: this pipelens server does not support the command \`${command}\` yet (server: ${e.message}).`
        : `pipelens: ${title} failed: ${errorText(e)}`;
    output.appendLine(m);
    void vscode.window.showErrorMessage(m);
    throw new Error(m);
  }
}

function activeDocument(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return isPipelensDocument(doc) ? doc : undefined;
}

// --- commands ----------------------------------------------------------------------------------

async function synthesize(): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      "pipelens: synth runs the app's code, so it is off in an untrusted workspace. Trust the workspace to synthesize.",
    );
    return;
  }
  const doc = activeDocument();
  const args = doc ? [doc.uri.toString()] : [];
  if (!serverStatus) {
    synthState = { kind: "synthRunning" };
    renderStatus();
  }
  try {
    await serverCommand("Synthesize pipeline", "pipelens.synth", args);
    if (!serverStatus) synthState = { kind: "synthesized", at: Date.now() };
  } catch (e) {
    if (!serverStatus) synthState = { kind: "synthFailed", message: errorText(e) };
  }
  await updateStatus();
  graph?.refresh();
}

async function refreshBootstrap(): Promise<void> {
  const doc = activeDocument();
  await serverCommand("Refresh bootstrap status", "pipelens.refreshBootstrap", doc ? [doc.uri.toString()] : []).catch(
    () => undefined,
  );
}

async function refreshLive(): Promise<void> {
  const doc = activeDocument();
  await serverCommand("Refresh live pipeline", "pipelens.refreshLive", doc ? [doc.uri.toString()] : []).catch(
    () => undefined,
  );
}

/**
 * The code action "Approve or reject …" on an approval waiting in the deployed pipeline: asks the
 * user in a modal dialog, then for the summary CodePipeline keeps with the approval, then sends
 * `pipelens.approve`. Nothing is decided without both answers.
 */
async function decideApproval(uri: string, approval: { pipeline: string; stage: string; action: string }): Promise<void> {
  const choice = await vscode.window.showWarningMessage(
    `Approve or reject ${approval.action} (stage ${approval.stage} of pipeline ${approval.pipeline})?`,
    { modal: true, detail: "CodePipeline records your decision and the summary under your AWS identity." },
    "Approve",
    "Reject",
  );
  if (!choice) return;
  const summary = await vscode.window.showInputBox({
    title: `${choice} ${approval.action}`,
    prompt: "A summary, kept with the approval in CodePipeline",
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : "A summary is needed"),
  });
  if (!summary?.trim()) return;
  try {
    await serverCommand(`${choice} ${approval.action}`, "pipelens.approve", [
      uri,
      { ...approval, approve: choice === "Approve", summary },
    ]);
    void vscode.window.showInformationMessage(
      `pipelens: ${approval.action} ${choice === "Approve" ? "approved" : "rejected"}.`,
    );
  } catch {
    // serverCommand showed why.
  }
}

async function bootstrapTarget(): Promise<void> {
  const doc = activeDocument();
  let answer: unknown;
  try {
    const uri = doc ? [doc.uri.toString()] : [];
    // Every target that needs it; an older server answers only the first (or nothing).
    answer = await serverCommand("Bootstrap target", "pipelens.bootstrapCommand", [...uri, { all: true }]);
    if (answer === null || answer === undefined)
      answer = await serverCommand("Bootstrap target", "pipelens.bootstrapCommand", uri);
  } catch {
    return;
  }
  const choices = bootstrapChoices(answer);
  if (choices.length === 0) {
    void vscode.window.showInformationMessage(noTargetText(answer));
    return;
  }
  const pick =
    choices.length === 1
      ? choices[0]
      : await vscode.window.showQuickPick(choices, { placeHolder: "Which target to bootstrap?" });
  if (!pick) return;
  const cwd = doc ? appRoot(doc.uri.fsPath) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const terminal = vscode.window.createTerminal({ name: "pipelens: bootstrap", cwd });
  terminal.show();
  // Typed, not run: bootstrapping changes an AWS account; the user presses Enter.
  terminal.sendText(commandLine(pick.argv, process.platform), false);
}

// --- the pipeline graph webview -----------------------------------------------------------------

class GraphPanel {
  private timer: NodeJS.Timeout | undefined;
  private disposables: vscode.Disposable[] = [];
  /** The last answer, drawn again at another zoom without asking the server. */
  private answer: GraphAnswer | undefined;
  view: View = DEFAULT_VIEW;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private uri: vscode.Uri,
  ) {
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    vscode.workspace.onDidChangeTextDocument(
      (e) => e.document.uri.toString() === this.uri.toString() && this.refreshSoon(),
      null,
      this.disposables,
    );
    vscode.workspace.onDidSaveTextDocument(() => this.refreshSoon(), null, this.disposables);
  }

  show(uri: vscode.Uri): void {
    this.uri = uri;
    this.panel.reveal(vscode.ViewColumn.Beside, true);
    this.refresh();
  }

  refreshSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), 500);
  }

  refresh(): void {
    const csp = this.panel.webview.cspSource;
    this.panel.title = `Pipeline: ${vscode.workspace.asRelativePath(this.uri)}`;
    if (!client?.isRunning()) {
      this.panel.webview.html = renderError("The pipelens server is not running (see the \"pipelens\" output).", csp);
      return;
    }
    client
      .sendRequest<GraphAnswer>("pipelens/pipelineGraph", { textDocument: { uri: this.uri.toString() } })
      .then(
        (answer) => {
          this.answer = answer;
          this.panel.webview.html = renderGraph(answer, csp, this.view);
        },
        (e) => {
          const m =
            e instanceof ResponseError && e.code === METHOD_NOT_FOUND
              ? `This pipelens server does not support pipelens/pipelineGraph yet (server: ${e.message}).`
              : `pipelens/pipelineGraph failed: ${errorText(e)}`;
          this.panel.webview.html = renderError(m, csp);
        },
      );
  }

  /** The page's zoom links: the same answer drawn at another size, or wrapped otherwise. */
  setView(view: View): void {
    this.view = view;
    if (this.answer) this.panel.webview.html = renderGraph(this.answer, this.panel.webview.cspSource, view);
  }

  /** The file the graph shows. */
  get document(): vscode.Uri {
    return this.uri;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.disposables.forEach((d) => d.dispose());
    if (graph === this) graph = undefined;
  }
}

/** The graph of the active file; from the code action "Show the synthesized stages of …", of
 * the file it names, that stage framed (`[uri, stage, pipeline id]`). */
function showGraph(uri?: unknown, stage?: unknown, pipeline?: unknown): void {
  const named = typeof uri === "string" ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri) : undefined;
  const doc = named ?? activeDocument();
  if (!doc) {
    void vscode.window.showInformationMessage("pipelens: open a Python, TypeScript or JavaScript file of a CDK app first.");
    return;
  }
  // The stage the code action names is framed; the palette's graph frames none.
  const focus = typeof stage === "string" && stage !== "" ? stage : undefined;
  const focusPipeline = focus !== undefined && typeof pipeline === "string" ? pipeline : undefined;
  if (graph) {
    graph.view = { ...graph.view, focus, focusPipeline };
    graph.show(doc.uri);
    return;
  }
  const panel = vscode.window.createWebviewPanel("pipelens.graph", "Pipeline", {
    viewColumn: vscode.ViewColumn.Beside,
    preserveFocus: true,
  }, { enableScripts: false, enableCommandUris: [GO_TO, ZOOM] });
  graph = new GraphPanel(panel, doc.uri);
  graph.view = { ...graph.view, focus, focusPipeline };
  graph.refresh();
}

/** A stage's link in the graph: its line in the file, in the editor beside the graph. */
async function graphGoTo(file: unknown, line: unknown): Promise<void> {
  if (typeof file !== "string" || typeof line !== "number") return;
  const uri = graph?.document.fsPath === file ? graph.document : vscode.Uri.file(file);
  const doc = await vscode.workspace.openTextDocument(uri);
  const at = new vscode.Position(Math.max(0, line - 1), 0);
  const column = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString())
    ?.viewColumn;
  await vscode.window.showTextDocument(doc, { viewColumn: column ?? vscode.ViewColumn.One, selection: new vscode.Range(at, at) });
}

/** The graph's zoom links. */
function graphZoom(zoom: unknown, fit: unknown): void {
  if (!graph) return;
  const z = typeof zoom === "number" && Number.isFinite(zoom) ? Math.min(4, Math.max(0.25, zoom)) : 1;
  graph.setView({ ...graph.view, zoom: z, fit: fit !== false });
}

// --- status bar -------------------------------------------------------------------------------

function renderStatus(): void {
  const shown = synthState ?? pipelineState;
  const { text, tooltip } = statusText(shown, Date.now());
  if (text === undefined || !activeDocument()) {
    statusItem.hide();
    return;
  }
  statusItem.text = text;
  statusItem.tooltip = tooltip;
  statusItem.command = "pipelens.showPipelineGraph";
  statusItem.show();
}

let statusTimer: NodeJS.Timeout | undefined;
function updateStatusSoon(): void {
  if (statusTimer) clearTimeout(statusTimer);
  statusTimer = setTimeout(() => void updateStatus(), 400);
}

/** What the server says of the active document's pipelines; from an older server without
 * `pipelens/synthStatus`: "predicted" when its outline of the document has a pipeline. */
async function updateStatus(): Promise<void> {
  const doc = activeDocument();
  if (!doc || !client?.isRunning()) {
    pipelineState = { kind: "none" };
    renderStatus();
    return;
  }
  if (serverStatus) {
    try {
      pipelineState = fromServer(
        await client.sendRequest(STATUS_REQUEST, { textDocument: { uri: doc.uri.toString() } }),
      );
      synthState = undefined;
      renderStatus();
      return;
    } catch (e) {
      if (!(e instanceof ResponseError && e.code === METHOD_NOT_FOUND)) {
        pipelineState = { kind: "none" };
        renderStatus();
        return;
      }
      serverStatus = false;
    }
  }
  try {
    const symbols = await client.sendRequest(DocumentSymbolRequest.type, {
      textDocument: { uri: doc.uri.toString() },
    });
    pipelineState = symbols && symbols.length > 0 ? { kind: "predicted" } : { kind: "none" };
  } catch {
    pipelineState = { kind: "none" };
  }
  renderStatus();
}

// --- activation -------------------------------------------------------------------------------

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  activatedAt = Date.now();
  extensionPath = context.extensionPath;
  const properties = context.extension.packageJSON?.contributes?.configuration?.properties ?? {};
  settingKeys = Object.keys(properties)
    .filter((k) => k.startsWith(`${SECTION}.`))
    .map((k) => k.slice(SECTION.length + 1));
  output = vscode.window.createOutputChannel("pipelens");
  statusItem = vscode.window.createStatusBarItem("pipelens.status", vscode.StatusBarAlignment.Left, 10);
  statusItem.name = "pipelens";
  context.subscriptions.push(output, statusItem);

  const cmd = (id: string, f: () => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, f));
  cmd("pipelens.synthesize", synthesize);
  cmd("pipelens.showPipelineGraph", showGraph);
  cmd("pipelens.refreshBootstrapStatus", refreshBootstrap);
  cmd("pipelens.refreshLivePipeline", refreshLive);
  cmd("pipelens.bootstrapTarget", bootstrapTarget);
  cmd("pipelens.restartServer", restartClient);
  cmd("pipelens.showOutput", () => output.show());
  context.subscriptions.push(
    // Not in the palette: the code action on a waiting approval runs it with its arguments.
    vscode.commands.registerCommand("pipelens.decideApproval", decideApproval),
    vscode.commands.registerCommand(GO_TO, graphGoTo),
    vscode.commands.registerCommand(ZOOM, graphZoom),
  );

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("pipelens.server.path")) void restartClient();
      else if (e.affectsConfiguration(SECTION)) pushSettings();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      // The server enforces trust itself: tell it, then send the settings trust unlocks.
      if (client?.isRunning()) void client.sendNotification(TRUST_NOTIFICATION, { trusted: true });
      pushSettings();
      graph?.refresh();
    }),
    vscode.window.onDidChangeActiveTextEditor(() => {
      if (!serverStatus) synthState = undefined;
      void updateStatus();
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) {
        if (synthState?.kind !== "synthRunning") synthState = undefined;
        updateStatusSoon();
      }
    }),
  );
  // "synthesized 2 min ago" and "synth running (12 s)" age: ask again while they show.
  const tick = setInterval(() => {
    if (synthState?.kind === "synthesized") renderStatus();
    if (pipelineState.kind === "server" && ["running", "synthesized", "outOfDate"].includes(pipelineState.state))
      void updateStatus();
  }, 5_000);
  context.subscriptions.push({ dispose: () => clearInterval(tick) });

  // Activated when the window opens on a folder with a cdk.json at its root (a look at one
  // path, no search), else by the first Python, TypeScript or JavaScript file: the server
  // starts at once and finds the CDK app of each file itself (the nearest cdk.json above it).
  // Searching the workspace for a cdk.json (`**/cdk.json`) took 45 s in a TypeScript app
  // (node_modules); starting only with the first file cost a TypeScript app 1.5-2.5 s before
  // its first diagnostics, the extension host busy starting VS Code's own TypeScript.
  await startClient();
  void followPythonInterpreter(context);
}

export async function deactivate(): Promise<void> {
  graph?.panel.dispose();
  await stopClient();
}
