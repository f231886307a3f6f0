import { test } from "node:test";
import * as assert from "node:assert/strict";

import { bootstrapChoices, commandLine, noTargetText } from "../src/bootstrap";

const argv = ["cdk", "bootstrap", "aws://333333333333/eu-west-1", "--trust", "999999999999"];

test("an argv, {argv} and {fix} answers give one choice", () => {
  for (const a of [argv, { argv }, { fix: argv }]) {
    assert.deepEqual(bootstrapChoices(a).map((c) => c.argv), [argv]);
  }
});

test("a bootstrap-status answer lists the targets that have a fix", () => {
  const choices = bootstrapChoices({
    targets: [
      { account: "333333333333", region: "eu-west-1", status: "not-bootstrapped", fix: argv },
      { account: "111111111111", region: "us-east-1", status: "bootstrapped", fix: null },
    ],
  });
  assert.deepEqual(choices, [{ label: "333333333333 / eu-west-1", description: "not-bootstrapped", argv }]);
  assert.deepEqual(bootstrapChoices(null), []);
  assert.deepEqual(bootstrapChoices({ targets: [] }), []);
});

test("the command line is quoted for the shell", () => {
  assert.equal(commandLine(argv, "linux"), argv.join(" "));
  assert.equal(commandLine(["cdk", "--profile", "it's me"], "linux"), `cdk --profile 'it'\\''s me'`);
  assert.equal(commandLine(["cdk", 'a "b"'], "win32"), `cdk "a ""b"""`);
});

test("no target to pick says whether anything could be checked", () => {
  assert.match(noTargetText({ targets: [], unknown: "no AWS credentials were found" }), /no target could be checked.*no AWS credentials/);
  assert.match(noTargetText({ targets: [], unknown: null }), /no target of this pipeline needs bootstrapping/);
  assert.match(noTargetText(null), /no target of this pipeline needs bootstrapping/);
});
