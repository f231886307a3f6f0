import { test } from "node:test";
import * as assert from "node:assert/strict";

import { renderError, renderGraph } from "../src/graph";

const answer = {
  pipelines: [
    {
      id: "Pipeline",
      origin: "predicted",
      stages: [
        { name: "Source", certain: true, actions: [{ name: "acme_payments", runOrder: 1, kind: "source" }] },
        { name: "Assets", certain: false, actions: [] },
        {
          name: "Dev",
          certain: true,
          actions: [
            { name: "Deploy", runOrder: 2, kind: "deploy", account: "111111111111", region: "us-east-1" },
            { name: "Prepare", runOrder: 1, kind: "prepare", account: "111111111111", region: "us-east-1" },
          ],
        },
      ],
    },
  ],
};

test("stages are drawn in the server's order, actions by runOrder", () => {
  const html = renderGraph(answer, "vscode-resource:");
  const order = ["Source", "Assets", "Dev", "Prepare", "Deploy"].map((s) => html.indexOf(`>${s}`));
  assert.ok(order.every((i) => i > 0), JSON.stringify(order));
  assert.deepEqual([...order].sort((a, b) => a - b), order);
  assert.match(html, /class="stage uncertain"[^>]*><h3>Assets/);
  assert.match(html, /111111111111 · us-east-1/);
  assert.match(html, /\(predicted\)/);
  assert.doesNotMatch(html, /<script/);
});

test("the server's SVG is shown as an image when an answer has no stages to draw", () => {
  const html = renderGraph({ svg: "<svg xmlns='http://www.w3.org/2000/svg'><script>x</script></svg>" }, "x:");
  assert.match(html, /<img class="svg"[^>]*src="data:image\/svg\+xml;base64,/);
  assert.doesNotMatch(html, /<script/);
});

test("names are escaped", () => {
  const html = renderGraph({ pipelines: [{ id: "<b>", stages: [{ name: "a&b", actions: [] }] }] }, "x:");
  assert.match(html, /Pipeline &lt;b&gt;/);
  assert.match(html, /a&amp;b/);
});

test("no pipeline and errors read as sentences", () => {
  assert.match(renderGraph({ pipelines: [] }, "x:"), /No CDK pipeline in this file/);
  assert.match(renderError("Method <not> found", "x:"), /Method &lt;not&gt; found/);
});

test("a stage's name links to its code; out-of-date stages say so; no script", () => {
  const html = renderGraph(
    {
      svg: "<svg/>",
      pipelines: [
        {
          id: "Pipeline",
          file: "/app/pipeline.py",
          origin: "synthesized",
          outOfDate: ["Prod"],
          stages: [
            { name: "Dev", line: 12, actions: [] },
            { name: "Prod", line: 20, actions: [] },
          ],
        },
      ],
    },
    "x:",
  );
  // The stages are drawn (themed HTML), not the server's picture.
  assert.doesNotMatch(html, /<img/);
  const link = encodeURIComponent(JSON.stringify(["/app/pipeline.py", 20]));
  assert.ok(html.includes(`href="command:pipelens.graphGoTo?${link}"`), html);
  assert.match(html, /class="stage stale"[^>]*><h3><a [^>]*>Prod<\/a><\/h3><div class="stale-note">synth is out of date/);
  assert.doesNotMatch(html, /class="stage stale"[^>]*><h3><a [^>]*>Dev/);
  assert.doesNotMatch(html, /<script/);
});

test("the graph wraps to the panel, and zooms", () => {
  const a = { pipelines: [{ id: "P", stages: [{ name: "Dev", actions: [] }] }] };
  assert.match(renderGraph(a, "x:"), /class="flow"/);
  assert.match(renderGraph(a, "x:"), /main \{ zoom: 1; \}/);
  const big = renderGraph(a, "x:", { zoom: 1.5, fit: false });
  assert.match(big, /class="flow one-line"/);
  assert.match(big, /main \{ zoom: 1.5; \}/);
  assert.match(big, /command:pipelens\.graphZoom/);
  // A zoom from a link is bounded.
  assert.match(renderGraph(a, "x:", { zoom: 100, fit: true }), /main \{ zoom: 4; \}/);
});

test("the stage the graph was opened for is framed and named; the others are not", () => {
  const html = renderGraph(answer, "x:", { zoom: 1, fit: true, focus: "Dev" });
  assert.match(html, /class="stage focus"><h3>Dev/);
  assert.equal((html.match(/class="stage[^"]*focus/g) ?? []).length, 1);
  assert.match(html, /showing stage <strong>Dev<\/strong>/);
  const plain = renderGraph(answer, "x:");
  assert.doesNotMatch(plain, /focus"/);
  assert.doesNotMatch(plain, /showing stage/);
  // A name from the server is escaped in the toolbar too.
  assert.match(renderGraph(answer, "x:", { zoom: 1, fit: true, focus: "<i>" }), /showing stage <strong>&lt;i&gt;/);
});

test("with two pipelines, only the named pipeline's stage of that name is framed", () => {
  const two = {
    pipelines: [
      { id: "Blue", stages: [{ name: "Prod", actions: [] }] },
      { id: "Green", stages: [{ name: "Prod", actions: [] }] },
    ],
  };
  const html = renderGraph(two, "x:", { zoom: 1, fit: true, focus: "Prod", focusPipeline: "Green" });
  assert.equal((html.match(/class="stage focus"/g) ?? []).length, 1);
  assert.ok(html.indexOf('class="stage focus"') > html.indexOf("Pipeline Green"), html);
  // Without a pipeline id (an older server), every stage of that name is framed.
  const both = renderGraph(two, "x:", { zoom: 1, fit: true, focus: "Prod" });
  assert.equal((both.match(/class="stage focus"/g) ?? []).length, 2);
});

test("the deployed pipeline colours each stage by its status, with the lens's line", () => {
  const live = {
    ...answer.pipelines[0],
    live: {
      name: "payments",
      stages: {
        Source: { status: "succeeded", summary: "✓ 3f2a9c1 · 2 h ago" },
        Dev: { status: "failed", summary: "✗ failed: Api.Deploy: <b>bucket</b>" },
        Assets: { status: 'x" onmouseover="y', summary: "s" },
      },
    },
  };
  const html = renderGraph({ pipelines: [live] }, "x:");
  assert.match(html, /class="stage live-succeeded"[^>]*><h3>Source/);
  assert.match(html, /class="stage live-failed"[^>]*><h3>Dev/);
  assert.match(html, /✓ 3f2a9c1 · 2 h ago/);
  assert.match(html, /deployed as payments/);
  // What the server sends is text: escaped, and a status that is no word adds no class.
  assert.match(html, /&lt;b&gt;bucket&lt;\/b&gt;/);
  assert.doesNotMatch(html, /onmouseover/);
  assert.match(html, /class="stage uncertain"[^>]*><h3>Assets/);
});
