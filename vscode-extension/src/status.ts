// The status bar text: what pipelens knows about the pipeline in the active editor. The server
// says it (`pipelens/synthStatus`), from the same view its lens, hints and graph show, so the
// four always agree.

export type PipelineState =
  | { kind: "none" }
  | { kind: "predicted" }
  | { kind: "synthRunning" }
  | { kind: "synthesized"; at: number }
  | { kind: "synthFailed"; message: string }
  /** The server's answer to `pipelens/synthStatus`. */
  | { kind: "server"; state: string; text: string; tooltip: string };

/** The request and the notification of the server's status (see `lsp/handlers/synth_status.rs`). */
export const STATUS_REQUEST = "pipelens/synthStatus";
export const STATUS_CHANGED = "pipelens/didChangeSynthStatus";

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.round(m / 60)} h`;
}

const ICONS: Record<string, string> = {
  predicted: "$(type-hierarchy)",
  running: "$(sync~spin)",
  synthesized: "$(check)",
  outOfDate: "$(warning)",
  failed: "$(error)",
};

/** The state the server answered, or `none` for an answer this client cannot read. */
export function fromServer(answer: unknown): PipelineState {
  const a = answer as { state?: unknown; text?: unknown; tooltip?: unknown } | null;
  if (!a || typeof a.state !== "string" || typeof a.text !== "string") return { kind: "none" };
  return {
    kind: "server",
    state: a.state,
    text: a.text,
    tooltip: typeof a.tooltip === "string" ? a.tooltip : "",
  };
}

/** Text and tooltip; `undefined` text hides the item. */
export function statusText(s: PipelineState, now: number): { text?: string; tooltip: string } {
  switch (s.kind) {
    case "none":
      return { tooltip: "" };
    case "predicted":
      return {
        text: "$(type-hierarchy) pipelens: predicted",
        tooltip: "The CodePipeline stages are predicted from the code; run “pipelens: Synthesize pipeline” to compare with `cdk synth`.",
      };
    case "synthRunning":
      return { text: "$(sync~spin) pipelens: synth running", tooltip: "`cdk synth` is running" };
    case "synthesized":
      return {
        text: `$(check) pipelens: synthesized ${ago(now - s.at)} ago`,
        tooltip: "The stages come from the last `cdk synth`.",
      };
    case "synthFailed":
      return { text: "$(error) pipelens: synth failed", tooltip: s.message };
    case "server":
      if (s.state === "none" || !(s.state in ICONS)) return { tooltip: "" };
      return { text: `${ICONS[s.state]} pipelens: ${s.text}`, tooltip: s.tooltip };
  }
}
