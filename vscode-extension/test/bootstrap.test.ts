import { test } from "node:test";
import * as assert from "node:assert/strict";

import { bootstrapChoices, commandLine } from "../src/bootstrap";

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
