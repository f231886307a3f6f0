// The pipeline graph webview's HTML: the server's SVG when it sends one, else the stages and
// actions of the `pipelens/pipelineGraph` answer (the `preview --format json` shape) drawn as a
// left-to-right flow. No scripts: the page is static and rebuilt on every refresh.

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
export interface GraphPipeline {
  id?: string;
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
.flow { display: flex; align-items: stretch; gap: 0; overflow-x: auto; padding-bottom: 8px; }
.arrow { align-self: center; padding: 0 6px; opacity: .6; }
.stage { border: 1px solid var(--vscode-panel-border, #888); border-radius: 4px; padding: 6px 8px;
  min-width: 9em; }
.stage.uncertain { border-style: dashed; opacity: .8; }
.stage h3 { font-size: 1em; margin: 0 0 4px; }
.run { border-top: 1px dotted var(--vscode-panel-border, #888); padding: 2px 0; }
.run:first-of-type { border-top: none; }
.action { white-space: nowrap; }
.meta { opacity: .7; font-size: .9em; }
.error { color: var(--vscode-errorForeground, #c00); white-space: pre-wrap; }
img.svg { max-width: 100%; background: white; }
`;

function page(body: string, cspSource: string): string {
  // Only inline styles and data: images; no script may run.
  const csp = `default-src 'none'; style-src 'unsafe-inline' ${cspSource}; img-src data: ${cspSource};`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<style>${STYLE}</style><title>pipelens graph</title></head>
<body>${body}</body></html>`;
}

function svgImage(svg: string, alt: string): string {
  const data = Buffer.from(svg, "utf8").toString("base64");
  return `<img class="svg" alt="${escapeHtml(alt)}" src="data:image/svg+xml;base64,${data}">`;
}

function stageHtml(s: GraphStage): string {
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
  const cls = s.certain === false ? "stage uncertain" : "stage";
  const title = s.certain === false ? ' title="predicted, not certain"' : "";
  return `<div class="${cls}"${title}><h3>${escapeHtml(s.name)}</h3>${runs}</div>`;
}

export function renderGraph(answer: GraphAnswer | null | undefined, cspSource: string): string {
  if (answer && typeof answer.svg === "string" && answer.svg.trim() !== "") {
    return page(svgImage(answer.svg, "pipeline graph"), cspSource);
  }
  const pipelines = answer?.pipelines ?? [];
  if (pipelines.length === 0) {
    return page("<p>No CDK pipeline in this file.</p>", cspSource);
  }
  const body = pipelines
    .map((p) => {
      const origin = p.origin ? ` <span class="origin">(${escapeHtml(p.origin)})</span>` : "";
      const head = `<h2>Pipeline ${escapeHtml(p.id ?? "")}${origin}</h2>`;
      if (typeof p.svg === "string" && p.svg.trim() !== "") {
        return head + svgImage(p.svg, `pipeline ${p.id ?? ""}`);
      }
      const stages = (p.stages ?? []).map(stageHtml).join('<div class="arrow">→</div>');
      return `${head}<div class="flow">${stages}</div>`;
    })
    .join("");
  return page(body, cspSource);
}

export function renderError(message: string, cspSource: string): string {
  return page(`<p class="error">${escapeHtml(message)}</p>`, cspSource);
}
