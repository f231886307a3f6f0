//! Rule messages and fixes, as a user reads and applies them.

use crate::analysis::analyze_text;
use crate::lang::{ExtraQueries, Plugin, PYTHON, TYPESCRIPT};
use crate::model::NoIndex;

fn diags(plugin: &'static Plugin, src: &str) -> Vec<super::Diagnostic> {
    analyze_text(plugin, src, None, &NoIndex, &ExtraQueries::default()).diagnostics
}

fn apply(src: &str, fix: &super::Fix) -> String {
    let mut out = src.to_string();
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|(s, _)| std::cmp::Reverse(s.start_byte));
    for (span, text) in edits {
        out.replace_range(span.start_byte..span.end_byte, &text);
    }
    out
}

const PY: &str = r#"
import aws_cdk as cdk
from aws_cdk import pipelines
class S(cdk.Stage):
    pass
class P(cdk.Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id, env=cdk.Environment(account="999999999999", region="us-east-1"))
        p = pipelines.CodePipeline(self, "P", cross_account_keys=False, synth=pipelines.ShellStep("S", commands=[]))
        p.add_stage(S(self, "Dev", env=cdk.Environment(account="111111111111", region="eu-wset-1")))
"#;

#[test]
fn unknown_region_fix_replaces_the_string_contents() {
    let d = diags(&PYTHON, PY);
    let region = d
        .iter()
        .find(|d| d.code == "unknown-region")
        .expect("unknown-region");
    assert!(
        region
            .message
            .contains("did you mean `eu-west-1` (Europe (Ireland))"),
        "{}",
        region.message
    );
    let fixed = apply(PY, region.fix.as_ref().unwrap());
    assert!(fixed.contains(r#"region="eu-west-1")))"#), "{fixed}");
    assert!(diags(&PYTHON, &fixed)
        .iter()
        .all(|d| d.code != "unknown-region"));
}

#[test]
fn cross_account_keys_speaks_the_files_language_and_fixes_false() {
    let d = diags(&PYTHON, PY);
    let x = d
        .iter()
        .find(|d| d.code == "cross-account-keys")
        .expect("cross-account-keys");
    assert!(
        x.message.contains("cross_account_keys=True"),
        "{}",
        x.message
    );
    assert!(x.message.contains("111111111111") && x.message.contains("999999999999"));
    assert_eq!(x.related.len(), 2);
    let fixed = apply(PY, x.fix.as_ref().unwrap());
    assert!(fixed.contains("cross_account_keys=True"));
    assert!(diags(&PYTHON, &fixed)
        .iter()
        .all(|d| d.code != "cross-account-keys"));

    let ts = r#"
import * as cdk from 'aws-cdk-lib';
import * as pipelines from 'aws-cdk-lib/pipelines';
class S extends cdk.Stage {}
class P extends cdk.Stack {
  constructor(scope: any, id: string) {
    super(scope, id, { env: { account: '999999999999', region: 'us-east-1' } });
    const p = new pipelines.CodePipeline(this, 'P', { synth: new pipelines.ShellStep('S', { commands: [] }) });
    p.addStage(new S(this, 'Dev', { env: { account: '111111111111', region: 'us-east-1' } }));
  }
}"#;
    let d = diags(&TYPESCRIPT, ts);
    let x = d
        .iter()
        .find(|d| d.code == "cross-account-keys")
        .expect("cross-account-keys");
    assert!(
        x.message.contains("crossAccountKeys: true"),
        "{}",
        x.message
    );
    assert!(
        x.fix.is_none(),
        "adding a missing prop is an LSP code action, not a text fix"
    );
}

#[test]
fn duplicate_stage_points_at_the_first_definition() {
    let src = PY.replace("eu-wset-1", "us-east-1").replace("cross_account_keys=False", "cross_account_keys=True")
        + "        p.add_stage(S(self, \"Dev\", env=cdk.Environment(account=\"111111111111\", region=\"us-east-1\")))\n";
    let d = diags(&PYTHON, &src);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].code, "duplicate-stage");
    let first = &d[0].related[0];
    assert_eq!(&src[first.span.start_byte..first.span.end_byte], "\"Dev\"");
    assert!(first.span.start_byte < d[0].span.start_byte);
}

#[test]
fn every_rule_has_a_documented_code() {
    for (code, _) in super::RULES {
        assert!(super::ALL_CODES.contains(code), "{code}");
    }
}
