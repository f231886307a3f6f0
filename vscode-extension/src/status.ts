// The status bar text: what pipelens knows about the pipeline in the active editor.

export type PipelineState =
  | { kind: "none" }
  | { kind: "predicted" }
  | { kind: "synthRunning" }
  | { kind: "synthesized"; at: number }
  | { kind: "synthFailed"; message: string };

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.round(m / 60)} h`;
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
  }
}
