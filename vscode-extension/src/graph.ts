// The pipeline graph webview's HTML: the stages and actions of the `pipelens/pipelineGraph`
// answer (the `preview --format json` shape) drawn as a flow that wraps to the panel's width,
// in the editor's theme (light, dark, high contrast). No scripts: the page is static and
// rebuilt on every refresh; a stage's name is a `command:` link to its code, and the zoom links
// ask the extension to redraw at another size. The server's SVG picture is used only when an
// answer has no stages to draw.

export interface GraphAction {
  name: string;
  runOrder?: number;
  kind?: string;
  account?: string | null;
  region?: string | null;
}
export interface GraphStage {
  name: string;
  certain?: boolean;
  line?: number;
  actions?: GraphAction[];
}
/** A stage of the deployed pipeline: `succeeded`, `failed`, `waiting`, `in-progress`,
 * `not-deployed`, … and the line the lens shows. */
export interface LiveStage {
  status?: string;
  summary?: string;
}
export interface GraphPipeline {
  id?: string;
  /** The deployed pipeline, when the server read it (trusted workspaces only). */
  live?: { name?: string; console?: string; stages?: { [stage: string]: LiveStage } };
  /** Stages the last synth no longer speaks for (their code changed since). */
  outOfDate?: string[];
  file?: string;
  line?: number;
  origin?: string;
  svg?: string;
  stages?: GraphStage[];
}
export interface GraphAnswer {
  svg?: string;
  pipelines?: GraphPipeline[];
}

export function escapeHtml(s: unknown): string {
  return String(s ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size);
  color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 8px 16px; }
h2 { font-size: 1.1em; margin: 1em 0 .5em; }
.origin { font-weight: normal; opacity: .75; }
.toolbar { position: sticky; top: 0; background: var(--vscode-editor-background); padding: 4px 0;
  font-size: .9em; z-index: 1; }
.toolbar a { margin-right: .8em; }
a { color: var(--vscode-textLink-foreground); text-decoration: none; }
a:hover, a:focus { color: var(--vscode-textLink-activeForeground); text-decoration: underline; }
.flow { display: flex; flex-wrap: wrap; align-items: stretch; row-gap: 10px; padding-bottom: 8px; }
.flow.one-line { flex-wrap: nowrap; overflow-x: auto; }
.arrow { align-self: center; padding: 0 6px; opacity: .6; }
.stage { border: 1px solid var(--vscode-panel-border, #888); border-radius: 4px; padding: 6px 8px;
  min-width: 9em; background: var(--vscode-sideBar-background, transparent); }
.stage.uncertain { border-style: dashed; opacity: .85; }
.stage.stale { border-color: var(--vscode-editorWarning-foreground, #b89500); }
.stage.focus { outline: 2px solid var(--vscode-focusBorder, #0078d4); outline-offset: 2px; }
.focus-note { font-size: .9em; margin-left: .4em; }
.stage h3 { font-size: 1em; margin: 0 0 4px; }
.stale-note { color: var(--vscode-editorWarning-foreground, #b89500); font-size: .85em; }
.run { border-top: 1px dotted var(--vscode-panel-border, #888); padding: 2px 0; }
.run:first-of-type { border-top: none; }
.action { white-space: nowrap; }
.meta { opacity: .7; font-size: .9em; }
.error { color: var(--vscode-errorForeground, #c00); white-space: pre-wrap; }
.stage[class*="live-"] { border-left-width: 4px; }
.stage.live-succeeded { border-left-color: var(--vscode-testing-iconPassed, #388a34); }
.stage.live-failed { border-left-color: var(--vscode-errorForeground, #e51400); }
.stage.live-waiting { border-left-color: var(--vscode-editorWarning-foreground, #bf8803); }
.stage.live-in-progress { border-left-color: var(--vscode-progressBar-background, #0e70c0); }
.stage.live-not-deployed { border-left-style: dashed; border-left-color: var(--vscode-editorInfo-foreground, #3794ff); }
.live-note { font-size: .85em; margin-bottom: 4px; }
.deployed { font-size: .8em; opacity: .8; font-weight: normal; }
img.svg { max-width: 100%; background: white; }
body.vscode-high-contrast .stage, body.vscode-high-contrast-light .stage {
  border-color: var(--vscode-contrastBorder); opacity: 1; }
body.vscode-high-contrast .stage.stale, body.vscode-high-contrast-light .stage.stale {
  border-color: var(--vscode-contrastActiveBorder); border-width: 2px; }
`;

/** How the graph is drawn: a zoom factor, whether the flow wraps to fit the panel, and the
 * stage it was opened for (the code action "Show the synthesized stages of <stage>"): framed
 * and named in the toolbar. */
export interface View {
  zoom: number;
  fit: boolean;
  focus?: string;
  /** The id of the pipeline `focus` is in, when the code action said (a file's two pipelines
   * may both have a stage of that name). */
  focusPipeline?: string;
}

export const DEFAULT_VIEW: View = { zoom: 1, fit: true };

/** The commands the page's links run (the webview allows only these). */
export const GO_TO = "pipelens.graphGoTo";
export const ZOOM = "pipelens.graphZoom";

function commandLink(command: string, args: unknown[], text: string, title: string): string {
  const href = `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
  return `<a href="${escapeHtml(href)}" title="${escapeHtml(title)}">${text}</a>`;
}

function toolbar(view: View): string {
  const pct = `${Math.round(view.zoom * 100)} %`;
  return `<div class="toolbar">${commandLink(ZOOM, [view.zoom / 1.25, view.fit], "− smaller", "Zoom out")}${
    commandLink(ZOOM, [1, view.fit], escapeHtml(pct), "Actual size")}${
    commandLink(ZOOM, [view.zoom * 1.25, view.fit], "+ larger", "Zoom in")}${
    commandLink(ZOOM, [view.zoom, !view.fit], view.fit ? "one line" : "fit to width",
      view.fit ? "Draw the stages on one line, scrolled sideways" : "Wrap the stages to the panel's width")}${
    view.focus ? `<span class="focus-note">showing stage <strong>${escapeHtml(view.focus)}</strong></span>` : ""}</div>`;
}

function page(body: string, cspSource: string, zoom = 1): string {
  // Only inline styles and data: images; no script may run.
  const csp = `default-src 'none'; style-src 'unsafe-inline' ${cspSource}; img-src data: ${cspSource};`;
  const z = Number.isFinite(zoom) ? Math.min(4, Math.max(0.25, zoom)) : 1;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<style>${STYLE}
main { zoom: ${z}; }</style><title>pipelens graph</title></head>
<body><main>${body}</main></body></html>`;
}

function svgImage(svg: string, alt: string): string {
  const data = Buffer.from(svg, "utf8").toString("base64");
  return `<img class="svg" alt="${escapeHtml(alt)}" src="data:image/svg+xml;base64,${data}">`;
}

function stageHtml(
  s: GraphStage,
  file: string | undefined,
  stale: boolean,
  focus: boolean,
  live?: LiveStage,
): string {
  const byRun = new Map<number, GraphAction[]>();
  for (const a of s.actions ?? []) {
    const r = a.runOrder ?? 1;
    byRun.set(r, [...(byRun.get(r) ?? []), a]);
  }
  const runs = [...byRun.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, actions]) => {
      const items = actions
        .map((a) => {
          const where = [a.account, a.region].filter((x) => x).join(" · ");
          const meta = [a.kind, where].filter((x) => x).join(" — ");
          return `<div class="action">${escapeHtml(a.name)}${
            meta ? ` <span class="meta">${escapeHtml(meta)}</span>` : ""
          }</div>`;
        })
        .join("");
      return `<div class="run">${items}</div>`;
    })
    .join("");
  const status = typeof live?.status === "string" && /^[a-z-]+$/.test(live.status) ? live.status : "";
  const cls = [
    "stage",
    s.certain === false ? "uncertain" : "",
    stale ? "stale" : "",
    focus ? "focus" : "",
    status ? `live-${status}` : "",
  ]
    .filter((c) => c)
    .join(" ");
  const title = s.certain === false ? ' title="predicted, not certain"' : "";
  const name =
    file && typeof s.line === "number"
      ? commandLink(GO_TO, [file, s.line], escapeHtml(s.name), `Go to the code of ${s.name} (line ${s.line})`)
      : escapeHtml(s.name);
  const note = stale ? '<div class="stale-note">synth is out of date</div>' : "";
  const liveNote = typeof live?.summary === "string" ? `<div class="live-note">${escapeHtml(live.summary)}</div>` : "";
  return `<div class="${cls}"${title}><h3>${name}</h3>${note}${liveNote}${runs}</div>`;
}

function framed(view: View, pipeline: string | undefined, stage: string): boolean {
  if (view.focus === undefined || stage !== view.focus) return false;
  return view.focusPipeline === undefined || view.focusPipeline === pipeline;
}

export function renderGraph(
  answer: GraphAnswer | null | undefined,
  cspSource: string,
  view: View = DEFAULT_VIEW,
): string {
  const pipelines = answer?.pipelines ?? [];
  const drawable = pipelines.some((p) => (p.stages ?? []).length > 0);
  if (!drawable && answer && typeof answer.svg === "string" && answer.svg.trim() !== "") {
    return page(svgImage(answer.svg, "pipeline graph"), cspSource, view.zoom);
  }
  if (pipelines.length === 0) {
    return page("<p>No CDK pipeline in this file.</p>", cspSource);
  }
  const body = pipelines
    .map((p) => {
      const origin = p.origin ? ` <span class="origin">(${escapeHtml(p.origin)})</span>` : "";
      const deployed =
        typeof p.live?.name === "string" ? ` <span class="deployed">deployed as ${escapeHtml(p.live.name)}</span>` : "";
      const head = `<h2>Pipeline ${escapeHtml(p.id ?? "")}${origin}${deployed}</h2>`;
      if ((p.stages ?? []).length === 0 && typeof p.svg === "string" && p.svg.trim() !== "") {
        return head + svgImage(p.svg, `pipeline ${p.id ?? ""}`);
      }
      const stale = new Set(Array.isArray(p.outOfDate) ? p.outOfDate : []);
      const stages = (p.stages ?? [])
        .map((s) => stageHtml(s, p.file, stale.has(s.name), framed(view, p.id, s.name), p.live?.stages?.[s.name]))
        .join('<div class="arrow">→</div>');
      return `${head}<div class="flow${view.fit ? "" : " one-line"}">${stages}</div>`;
    })
    .join("");
  return page(toolbar(view) + body, cspSource, view.zoom);
}

export function renderError(message: string, cspSource: string): string {
  return page(`<p class="error">${escapeHtml(message)}</p>`, cspSource);
}
