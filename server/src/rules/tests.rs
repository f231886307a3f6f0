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
    def __init__(self, scope, id, **kw):
        super().__init__(scope, id, **kw)
        cdk.Stack(self, "Svc")
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

/// README's diagnostics table, generated from the registry.
fn readme_table() -> String {
    let mut out = String::from(
        "| code | severity | what | the failure it prevents |\n| --- | --- | --- | --- |\n",
    );
    for r in super::RULES {
        let severities: Vec<&str> = r.severities.iter().map(|s| s.name()).collect();
        let prevents = if r.prevents.is_empty() {
            "—"
        } else {
            r.prevents
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            r.code,
            severities.join("/"),
            r.summary,
            prevents
        ));
    }
    out
}

const TABLE_BEGIN: &str = "<!-- diagnostics table: generated from the rule registry (server/src/rules.rs); PIPELENS_BLESS=1 cargo test -p pipelens --lib readme rewrites it -->\n";
const TABLE_END: &str = "<!-- end of diagnostics table -->";

/// README's diagnostics table is the registry's. `PIPELENS_BLESS=1` rewrites it.
#[test]
fn readme_lists_every_rule_of_the_registry() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let start = readme
        .find(TABLE_BEGIN)
        .expect("README has the table's begin marker")
        + TABLE_BEGIN.len();
    let end = start
        + readme[start..]
            .find(TABLE_END)
            .expect("README has the table's end marker");
    let table = readme_table();
    if readme[start..end] != table {
        if std::env::var("PIPELENS_BLESS").as_deref() == Ok("1") {
            let blessed = format!("{}{table}{}", &readme[..start], &readme[end..]);
            std::fs::write(path, blessed).expect("write README.md");
            return;
        }
        panic!(
            "README.md's diagnostics table differs from the rule registry; run \
             PIPELENS_BLESS=1 cargo test -p pipelens --lib readme\n--- README\n{}\n--- registry\n{table}",
            &readme[start..end]
        );
    }
}

#[test]
fn the_registry_holds_each_code_once_with_a_whole_description() {
    let mut seen = std::collections::HashSet::new();
    for r in super::RULES {
        assert!(seen.insert(r.code), "{} registered twice", r.code);
        assert!(
            r.code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{} is not kebab-case",
            r.code
        );
        assert!(!r.severities.is_empty(), "{}", r.code);
        assert!(!r.summary.is_empty() && !r.doc.is_empty(), "{}", r.code);
        for text in [r.summary, r.prevents, r.doc] {
            // A cell of a Markdown table ends at `|`, and a paragraph at a blank line.
            assert!(
                !text.contains('|') && !text.contains("\n\n"),
                "{}: {text}",
                r.code
            );
            assert!(
                !text.contains("  "),
                "{}: a line break inside: {text}",
                r.code
            );
        }
        assert!(super::rule(r.code).is_some());
    }
    // The public codes of DESIGN.md, and those of the synth the language server runs.
    for code in [
        "invalid-account",
        "unknown-region",
        "opt-in-region",
        "missing-env",
        "cross-account-keys",
        "duplicate-stage",
        "deprecated-cdkpipeline",
        "pipeline-type-v1",
        "unbootstrapped-target",
        "untrusted-target",
        "outdated-bootstrap",
        "unbootstrapped-support-region",
        "bootstrap-unknown",
        "source-synth-change",
        "synth-differs",
        "synth-failed",
    ] {
        assert!(super::rule(code).is_some(), "{code} is not registered");
    }
}

/// Every diagnostic a model rule reports carries a registered code, on one line.
#[test]
fn model_rules_report_registered_codes_on_small_spans() {
    let src = PY.replace("eu-wset-1", "us-east-1");
    for d in diags(&PYTHON, &src) {
        let rule = super::rule(d.code).expect("registered");
        assert!(matches!(rule.check, super::Check::Model(_)), "{}", d.code);
        assert!(rule.severities.contains(&d.severity), "{}", d.code);
        assert_eq!(d.span.start.0, d.span.end.0, "{}: {:?}", d.code, d.span);
    }
}

/// What `cdk synth` accepts gets no error, however the code is written: each case synthesizes
/// (or, for the cases the model cannot follow, may), and no rule may claim otherwise.
#[test]
fn no_error_where_the_model_cannot_be_sure() {
    let head = "import aws_cdk as cdk\nfrom aws_cdk import pipelines\nfrom helpers import make_stacks, Base\nENV = cdk.Environment(account=\"111111111111\", region=\"us-east-1\")\n";
    let pipeline = "app = cdk.App()\nstack = cdk.Stack(app, \"P\", env=ENV)\np = pipelines.CodePipeline(stack, \"Pipeline\", synth=pipelines.ShellStep(\"Synth\", input=pipelines.CodePipelineSource.git_hub(\"o/r\", \"main\"), commands=[]))\n";
    let stage = |body: &str| {
        format!("class S(cdk.Stage):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n{body}")
    };
    let nested = "class Edge(cdk.Stage):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n        cdk.Stack(self, \"Cdn\")\n".to_string()
        + &stage("        cdk.Stack(self, \"Api\")\n        self.edge = Edge(self, \"Edge\")\n");
    let cases: Vec<(&str, String)> = vec![
        ("a helper function makes the stacks", stage("        make_stacks(self)\n") + pipeline + "p.add_stage(S(app, \"Prod\", env=ENV))\n"),
        ("a comprehension makes them", stage("        [cdk.Stack(self, n) for n in [\"A\", \"B\"]]\n") + pipeline + "p.add_stage(S(app, \"Prod\", env=ENV))\n"),
        ("an inherited method makes them", stage("        self.build_stacks()\n") + pipeline + "p.add_stage(S(app, \"Prod\", env=ENV))\n"),
        ("a construct inside the stage holds them", stage("        Base(self, \"Inner\")\n") + pipeline + "p.add_stage(S(app, \"Prod\", env=ENV))\n"),
        ("a base class of the app makes them", "class S(Base):\n    pass\n".to_string() + pipeline + "p.add_stage(S(app, \"Prod\", env=ENV))\n"),
        ("the stage is a scope before it is added", "class S(cdk.Stage):\n    pass\n".to_string() + pipeline + "s = S(app, \"Prod\", env=ENV)\ncdk.Stack(s, \"Svc\")\np.add_stage(s)\n"),
        ("a plain Stage filled outside", pipeline.to_string() + "s = cdk.Stage(app, \"Prod\", env=ENV)\ncdk.Stack(s, \"Svc\")\np.add_stage(s)\n"),
        ("a return statement makes them", stage("        self.api = self.make()\n    def make(self):\n        return cdk.Stack(self, \"Api\")\n") + pipeline + "p.add_stage(S(app, \"Prod\", env=ENV))\n"),
        ("a repository string only known at run time", pipeline.replace("\"o/r\"", "REPO")),
        ("one step object in two stages", stage("        cdk.Stack(self, \"Api\")\n") + pipeline + "a = pipelines.ManualApprovalStep(\"Check\")\np.add_stage(S(app, \"Beta\", env=ENV), pre=[a])\np.add_stage(S(app, \"Prod\", env=ENV), pre=[a, pipelines.ManualApprovalStep(\"Ok\")])\n"),
        ("one call site making step objects in a loop", stage("        cdk.Stack(self, \"Api\")\n") + pipeline + "w = p.add_wave(\"W\")\nfor n in [\"A\", \"B\"]:\n    w.add_stage(S(app, n, env=ENV), pre=[pipelines.ManualApprovalStep(\"Check\")])\n"),
        ("a wave of one stage is named after the stage", stage("        cdk.Stack(self, \"Api\")\n") + pipeline + "w = p.add_wave(\"My Wave\")\nw.add_stage(S(app, \"Prod\", env=ENV))\n"),
        ("an existing pipeline that may be None", pipeline.replace("commands=[]))", "commands=[]), code_pipeline=existing, pipeline_name=\"x\")")),
        ("key rotation with keys the model cannot see", pipeline.replace("commands=[]))", "commands=[]), enable_key_rotation=True, **more)")),
        ("a pipeline name only known at run time", pipeline.replace("commands=[]))", "commands=[]), pipeline_name=NAME)")),
        ("an empty GitHub owner (CDK only splits at `/`)", pipeline.replace("\"o/r\"", "\"/repo\"")),
        ("Stages nested in two Stages, named `<outer>-Edge` by CDK", nested.clone() + pipeline + "b = S(app, \"Beta\", env=ENV)\np.add_stage(b)\np.add_stage(b.edge)\nq = S(app, \"Prod\", env=ENV)\np.add_stage(q)\np.add_stage(q.edge)\n"),
        ("the same in one wave", nested.clone() + pipeline + "w = p.add_wave(\"Edges\")\nw.add_stage(S(app, \"Beta\", env=ENV).edge)\nw.add_stage(S(app, \"Prod\", env=ENV).edge)\n"),
    ];
    for (what, src) in cases {
        let src = format!("{head}{src}");
        let errors: Vec<String> = diags(&PYTHON, &src)
            .into_iter()
            .filter(|d| d.severity == super::Severity::Error)
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        assert!(errors.is_empty(), "{what}: {errors:?}\n{src}");
    }
}

/// The quick fixes of the new rules, applied, leave the rule silent.
#[test]
fn fixes_of_the_synth_error_rules_clear_them() {
    let head = "import aws_cdk as cdk\nfrom aws_cdk import pipelines\nENV = cdk.Environment(account=\"111111111111\", region=\"us-east-1\")\nclass S(cdk.Stage):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n        self.svc = cdk.Stack(self, \"Svc\")\napp = cdk.App()\nstack = cdk.Stack(app, \"P\", env=ENV)\nsynth = pipelines.ShellStep(\"Synth\", input=pipelines.CodePipelineSource.git_hub(\"o/r\", \"main\"), commands=[])\n";
    let cases = [
        ("invalid-stage-name", "p = pipelines.CodePipeline(stack, \"Pipeline\", synth=synth)\np.add_stage(S(app, \"Prod Stage\", env=ENV))\n", "\"Prod-Stage\""),
        ("invalid-stage-name", "p = pipelines.CodePipeline(stack, \"Pipeline\", synth=synth)\nw = p.add_wave(\"My Wave!\")\nw.add_stage(S(app, \"A\", env=ENV))\nw.add_stage(S(app, \"B\", env=ENV))\n", "\"My-Wave\""),
        ("invalid-pipeline-name", "p = pipelines.CodePipeline(stack, \"Pipeline\", pipeline_name=\"my pipeline\", synth=synth)\n", "\"my-pipeline\""),
        ("key-rotation-needs-keys", "p = pipelines.CodePipeline(stack, \"Pipeline\", enable_key_rotation=True, cross_account_keys=False, synth=synth)\n", "cross_account_keys=True"),
        ("change-set-steps-disabled", "p = pipelines.CodePipeline(stack, \"Pipeline\", use_change_sets=False, synth=synth)\ns = S(app, \"Prod\", env=ENV)\np.add_stage(s, stack_steps=[pipelines.StackSteps(stack=s.svc, change_set=[pipelines.ManualApprovalStep(\"A\")])])\n", "use_change_sets=True"),
    ];
    for (code, body, wanted) in cases {
        let src = format!("{head}{body}");
        let d = diags(&PYTHON, &src);
        let found = d
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("{code}: {d:?}"));
        let fixed = apply(&src, found.fix.as_ref().expect("a fix"));
        assert!(fixed.contains(wanted), "{code}: {fixed}");
        assert!(
            diags(&PYTHON, &fixed).iter().all(|d| d.code != code),
            "{code}: {fixed}"
        );
    }
    // Without the prop, the code action inserts it.
    let src = format!("{head}p = pipelines.CodePipeline(stack, \"Pipeline\", enable_key_rotation=True, synth=synth)\n");
    let d = diags(&PYTHON, &src);
    let edits = crate::ide::actions::actions(&src, &PYTHON, &d, 0..src.len());
    let add = edits
        .iter()
        .find(|a| a.title == "Set cross_account_keys to True")
        .expect("the code action");
    let (fixed, after) =
        crate::ide::apply_and_recheck(&PYTHON, &src, &add.edits, "key-rotation-needs-keys");
    assert!(
        fixed.contains("synth=synth, cross_account_keys=True)"),
        "{fixed}"
    );
    assert!(
        after
            .diagnostics
            .iter()
            .all(|d| d.severity != super::Severity::Error),
        "{:?}",
        after.diagnostics
    );
}

/// `pipeline-type-v1` in an app whose `aws-cdk-lib` version is read from `requirements.txt`.
fn pipeline_type_diags(
    requirement: &str,
    flag: bool,
    pipeline_type: bool,
) -> Vec<super::Diagnostic> {
    let dir = tempfile::tempdir().unwrap();
    let context = if flag {
        r#", "context": {"@aws-cdk/aws-codepipeline:defaultPipelineTypeToV2": true}"#
    } else {
        ""
    };
    std::fs::write(
        dir.path().join("cdk.json"),
        format!(r#"{{"app": "python3 app.py"{context}}}"#),
    )
    .unwrap();
    std::fs::write(dir.path().join("requirements.txt"), requirement).unwrap();
    let prop = if pipeline_type {
        "pipeline_type=codepipeline.PipelineType.V2, "
    } else {
        ""
    };
    let src = format!(
        "import aws_cdk as cdk\nfrom aws_cdk import pipelines\nfrom aws_cdk import aws_codepipeline as codepipeline\n\
         app = cdk.App()\ns = cdk.Stack(app, 'S', env=cdk.Environment(account='111111111111', region='us-east-1'))\n\
         p = pipelines.CodePipeline(s, 'Pipeline', {prop}synth=pipelines.ShellStep('Synth', commands=[]))\n"
    );
    let path = dir.path().join("app.py");
    std::fs::write(&path, &src).unwrap();
    let index = crate::workspace::Index::build(dir.path(), &Default::default());
    analyze_text(&PYTHON, &src, Some(&path), &index, &ExtraQueries::default())
        .diagnostics
        .into_iter()
        .filter(|d| d.code == "pipeline-type-v1")
        .collect()
}

#[test]
fn pipeline_type_v1_never_advises_what_the_apps_cdk_version_lacks() {
    // 2.189.0 and later: the prop and the flag work; the advice is as it always was.
    let d = pipeline_type_diags("aws-cdk-lib==2.200.0\n", false, false);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].message
            .ends_with("Set pipeline_type explicitly or enable the flag."),
        "{}",
        d[0].message
    );
    // Before it, every CDK Pipelines pipeline is V1: no prop, no flag to advise, even when
    // the flag is set (it does nothing there).
    for flag in [false, true] {
        let d = pipeline_type_diags("constructs>=10\naws-cdk-lib==2.150.0\n", flag, false);
        assert_eq!(d.len(), 1, "{d:?}");
        let m = &d[0].message;
        assert!(
            m.starts_with("aws-cdk-lib 2.150.0 makes this pipeline a V1 CodePipeline"),
            "{m}"
        );
        assert!(
            m.contains("upgrade, or pass an existing V2 pipeline as code_pipeline"),
            "{m}"
        );
        assert!(!m.contains("Set pipeline_type"), "{m}");
    }
    // A prop that version does not have.
    let d = pipeline_type_diags("aws-cdk-lib==2.150.0\n", false, true);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].severity, super::Severity::Warning);
    assert!(
        d[0].message
            .starts_with("aws-cdk-lib 2.150.0 has no pipeline_type on CodePipeline"),
        "{}",
        d[0].message
    );
    // A range on both sides of 2.189.0: the advice says which version it needs.
    let d = pipeline_type_diags("aws-cdk-lib>=2.100.0\n", false, false);
    assert!(
        d[0].message.contains(
            "(both need aws-cdk-lib 2.189.0 or later; requirements.txt allows 2.100.0 or later)"
        ),
        "{}",
        d[0].message
    );
    // The flag set on a version that honours it: nothing to say.
    assert!(pipeline_type_diags("aws-cdk-lib==2.200.0\n", true, false).is_empty());
}

/// The rules of built pipelines, step output directories and dependencies, and a Stage's
/// stacks (#14) say nothing where the code may not do what they would report.
#[test]
fn build_step_and_stack_rules_stay_silent_when_not_certain() {
    let head = "import os\nimport aws_cdk as cdk\nfrom aws_cdk import pipelines\nENV = cdk.Environment(account=\"111111111111\", region=\"us-east-1\")\napp = cdk.App()\nstack = cdk.Stack(app, \"P\", env=ENV)\nsynth = pipelines.ShellStep(\"Synth\", input=pipelines.CodePipelineSource.git_hub(\"o/r\", \"main\"), commands=[])\np = pipelines.CodePipeline(stack, \"Pipeline\", synth=synth)\n";
    let stage = |body: &str| {
        format!("class S(cdk.Stage):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n{body}")
    };
    let api = stage("        cdk.Stack(self, \"Api\")\n");
    let cases: Vec<(&str, String)> = vec![
        ("a build under an unknown `if`", api.clone() + "p.add_stage(S(app, \"Prod\", env=ENV))\nif os.environ.get(\"X\"):\n    p.build_pipeline()\np.build_pipeline()\n"),
        ("a stage added under an unknown `if` after the build", api.clone() + "p.build_pipeline()\nif os.environ.get(\"X\"):\n    p.add_stage(S(app, \"Prod\", env=ENV))\n"),
        ("a build in a loop over unknown values", api.clone() + "for x in os.environ:\n    p.build_pipeline()\n"),
        ("a build after a return that may end the function", api.clone() + "def f():\n    if os.environ.get(\"X\"):\n        return\n    p.build_pipeline()\np.build_pipeline()\nf()\n"),
        ("a wave's add_stage after the build (CDK drops it silently)", api.clone() + "w = p.add_wave(\"W\")\np.build_pipeline()\nw.add_stage(S(app, \"Prod\", env=ENV))\n"),
        ("the same output directory twice", "b = pipelines.ShellStep(\"B\", commands=[], primary_output_directory=\"dist\")\nb.primary_output_directory(\"dist\")\n".to_string()),
        ("an output directory only known at run time", "b = pipelines.ShellStep(\"B\", commands=[], primary_output_directory=os.environ[\"D\"])\nb.primary_output_directory(\"dist\")\n".to_string()),
        ("a second directory under an unknown `if`", "b = pipelines.ShellStep(\"B\", commands=[], primary_output_directory=\"dist\")\nif os.environ.get(\"X\"):\n    b.primary_output_directory(\"out\")\n".to_string()),
        ("an output directory set before the pipeline gives `cdk.out`", "s2 = pipelines.ShellStep(\"S2\", input=pipelines.CodePipelineSource.git_hub(\"o/r\", \"main\"), commands=[])\ns2.primary_output_directory(\"out\")\np2 = pipelines.CodePipeline(stack, \"P2\", synth=s2)\n".to_string()),
        ("one helper call site making two steps", api.clone() + "def mk(n):\n    return pipelines.ShellStep(n, commands=[])\na = mk(\"A\")\nb = mk(\"B\")\na.add_step_dependency(b)\nb.add_step_dependency(a)\np.add_stage(S(app, \"Prod\", env=ENV), post=[a, b])\n"),
        ("a step picked by an unknown `if`", api.clone() + "a = pipelines.ShellStep(\"A\", commands=[])\nb = pipelines.ShellStep(\"B\", commands=[])\nif os.environ.get(\"X\"):\n    c = a\nelse:\n    c = pipelines.ShellStep(\"C\", commands=[])\nc.add_step_dependency(b)\nb.add_step_dependency(a)\na.add_step_dependency(c)\np.add_stage(S(app, \"Prod\", env=ENV), post=[a, b])\n"),
        ("a dependency cycle of steps no pipeline holds", api.clone() + "a = pipelines.ShellStep(\"A\", commands=[])\nb = pipelines.ShellStep(\"B\", commands=[])\na.add_step_dependency(b)\nb.add_step_dependency(a)\np.add_stage(S(app, \"Prod\", env=ENV))\n"),
        ("two stacks of one id in either branch of an unknown `if`", stage("        if os.environ.get(\"X\"):\n            cdk.Stack(self, \"Api\")\n        else:\n            cdk.Stack(self, \"Api\", stack_name=\"a_b\")\n") + "p.add_stage(S(app, \"Prod\", env=ENV))\n"),
        ("stacks made in a loop over unknown values", stage("        for n in os.environ[\"NAMES\"].split(\",\"):\n            cdk.Stack(self, \"Api\")\n") + "p.add_stage(S(app, \"Prod\", env=ENV))\n"),
        ("a stack class that makes its own stack name", "class Svc(cdk.Stack):\n    def __init__(self, scope, id, *, name, **kw):\n        super().__init__(scope, id, stack_name=name.replace(\"_\", \"-\"), **kw)\n".to_string() + &stage("        Svc(self, \"Api\", name=\"a_b\", stack_name=\"c_d\")\n        Svc(self, \"My_Db\", name=\"db\")\n") + "p.add_stage(S(app, \"Prod\", env=ENV))\n"),
        ("a stack class whose base class makes its stack name", "class Base(cdk.Stack):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, stack_name=\"base\", **kw)\nclass Svc(Base):\n    pass\n".to_string() + &stage("        Svc(self, \"My_Api\", stack_name=\"a_b\")\n") + "p.add_stage(S(app, \"Prod\", env=ENV))\n"),
        ("a stack class that keeps `stack_name` to itself", "class Svc(cdk.Stack):\n    def __init__(self, scope, id, stack_name=None, **kw):\n        super().__init__(scope, id, **kw)\n".to_string() + &stage("        Svc(self, \"Api\", stack_name=\"a_b\")\n") + "p.add_stage(S(app, \"Prod\", env=ENV))\n"),
        ("a stack class pipelens cannot see", "from lib import Svc\n".to_string() + &stage("        Svc(self, \"My_Api\", stack_name=\"a_b\")\n") + "p.add_stage(S(app, \"Prod\", env=ENV))\n"),
        ("a stack name only known at run time", stage("        cdk.Stack(self, \"Api\", stack_name=os.environ[\"N\"])\n") + "p.add_stage(S(app, \"Prod\", env=ENV))\n"),
        ("a generated stack name over 128 characters (CDK shortens it with a hash)", stage(&format!("        cdk.Stack(self, \"{}_x\")\n", "A".repeat(130))) + "p.add_stage(S(app, \"Prod\", env=ENV))\n"),
        ("file system locations with a vpc and privileged mode from the defaults", api.clone() + "from aws_cdk import aws_codebuild as codebuild\nfs = codebuild.FileSystemLocation.efs(identifier=\"c\", location=\"l\", mount_point=\"/m\")\np2 = pipelines.CodePipeline(stack, \"P2\", synth=synth, code_build_defaults=pipelines.CodeBuildOptions(vpc=VPC, build_environment=codebuild.BuildEnvironment(privileged=True)))\nt = pipelines.CodeBuildStep(\"T\", commands=[], file_system_locations=[fs])\np2.add_stage(S(app, \"Prod\", env=ENV), post=[t])\n"),
        ("file system locations with defaults pipelens cannot read", api.clone() + "t = pipelines.CodeBuildStep(\"T\", commands=[], file_system_locations=[FS])\np2 = pipelines.CodePipeline(stack, \"P2\", synth=synth, code_build_defaults=DEFAULTS)\np2.add_stage(S(app, \"Prod\", env=ENV), post=[t])\n"),
        ("file system locations on a step with hidden props", api.clone() + "t = pipelines.CodeBuildStep(\"T\", commands=[], file_system_locations=[FS], **more)\np.add_stage(S(app, \"Prod\", env=ENV), post=[t])\n"),
        ("an empty list of file system locations", api.clone() + "t = pipelines.CodeBuildStep(\"T\", commands=[], file_system_locations=[])\np.add_stage(S(app, \"Prod\", env=ENV), post=[t])\n"),
        ("file system locations on a step no pipeline holds", "t = pipelines.CodeBuildStep(\"T\", commands=[], file_system_locations=[FS])\n".to_string()),
        ("a Stage class that names itself", stage("        cdk.Stack(self, \"Api\")\n").replace("super().__init__(scope, id, **kw)", "super().__init__(scope, id, stage_name=\"Prod\", **kw)") + "p.add_stage(S(app, \"Prod.v2\", env=ENV))\n"),
        ("a nested Stage's stack (its name has the outer stage's prefix)", "class Edge(cdk.Stage):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n        cdk.Stack(self, \"Cdn\")\n".to_string() + &stage("        cdk.Stack(self, \"Api\")\n        self.edge = Edge(self, \"Edge_1\")\n") + "s = S(app, \"Prod\", env=ENV)\np.add_stage(s)\n"),
    ];
    for (what, src) in cases {
        let src = format!("{head}{src}");
        let errors: Vec<String> = diags(&PYTHON, &src)
            .into_iter()
            .filter(|d| d.severity == super::Severity::Error)
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        assert!(errors.is_empty(), "{what}: {errors:?}\n{src}");
    }
}

/// `invalid-stack-name`'s fix renames the literal at fault (the given name, or the stack's
/// id), and the rule is silent after it.
#[test]
fn invalid_stack_name_fix_renames_the_literal_at_fault() {
    let head = "import aws_cdk as cdk\nfrom aws_cdk import pipelines\nENV = cdk.Environment(account=\"111111111111\", region=\"us-east-1\")\n";
    let tail = "app = cdk.App()\nstack = cdk.Stack(app, \"P\", env=ENV)\nsynth = pipelines.ShellStep(\"Synth\", input=pipelines.CodePipelineSource.git_hub(\"o/r\", \"main\"), commands=[])\np = pipelines.CodePipeline(stack, \"Pipeline\", synth=synth)\np.add_stage(S(app, \"Prod\", env=ENV))\n";
    let cases = [
        (
            "        cdk.Stack(self, \"Api\", stack_name=\"1prod_api\")\n",
            "stack_name=\"prod-api\"",
        ),
        (
            "        cdk.Stack(self, \"My_Api\")\n",
            "cdk.Stack(self, \"My-Api\")",
        ),
    ];
    for (body, wanted) in cases {
        let src = format!("{head}class S(cdk.Stage):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n{body}{tail}");
        let d = diags(&PYTHON, &src);
        let found = d
            .iter()
            .find(|d| d.code == "invalid-stack-name")
            .unwrap_or_else(|| panic!("{d:?}"));
        let fixed = apply(&src, found.fix.as_ref().expect("a fix"));
        assert!(fixed.contains(wanted), "{fixed}");
        assert!(
            diags(&PYTHON, &fixed)
                .iter()
                .all(|d| d.severity != super::Severity::Error),
            "{fixed}"
        );
    }
}

/// The second `build_pipeline()` and the call that closes a step dependency cycle are removed
/// by their fixes, line and all, and the rule is silent after it.
#[test]
fn line_removing_fixes_clear_built_twice_and_cycles() {
    let head = "import aws_cdk as cdk\nfrom aws_cdk import pipelines\nENV = cdk.Environment(account=\"111111111111\", region=\"us-east-1\")\nclass S(cdk.Stage):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n        cdk.Stack(self, \"Svc\")\napp = cdk.App()\nstack = cdk.Stack(app, \"P\", env=ENV)\nsynth = pipelines.ShellStep(\"Synth\", input=pipelines.CodePipelineSource.git_hub(\"o/r\", \"main\"), commands=[])\np = pipelines.CodePipeline(stack, \"Pipeline\", synth=synth)\n";
    let cases = [
        (
            "pipeline-already-built",
            "p.add_stage(S(app, \"Prod\", env=ENV))\np.build_pipeline()\np.build_pipeline()  # again\napp.synth()\n",
            "p.build_pipeline()\napp.synth()\n",
        ),
        (
            "step-dependency-cycle",
            "a = pipelines.ShellStep(\"A\", commands=[])\nb = pipelines.ShellStep(\"B\", commands=[])\na.add_step_dependency(b)\nb.add_step_dependency(a)\np.add_stage(S(app, \"Prod\", env=ENV), post=[a, b])\n",
            "a.add_step_dependency(b)\np.add_stage(",
        ),
        (
            "step-dependency-cycle",
            "a = pipelines.ShellStep(\"A\", commands=[])\na.add_step_dependency(a)\np.add_stage(S(app, \"Prod\", env=ENV), post=[a])\n",
            "commands=[])\np.add_stage(",
        ),
    ];
    for (code, body, wanted) in cases {
        let src = format!("{head}{body}");
        let d = diags(&PYTHON, &src);
        let found = d
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("{code}: {d:?}"));
        assert!(
            code != "step-dependency-cycle"
                || body.contains("a.add_step_dependency(a)")
                || found.message.contains("(the circle: B => A => B)"),
            "{}",
            found.message
        );
        let fixed = apply(&src, found.fix.as_ref().expect("a fix"));
        assert!(
            fixed.ends_with(wanted) || fixed.contains(wanted),
            "{code}: {fixed}"
        );
        assert!(
            diags(&PYTHON, &fixed)
                .iter()
                .all(|d| d.severity != super::Severity::Error),
            "{code}: {fixed}"
        );
    }
}

/// A Stage made by another file's code (a nested Stage of a Stage class in `stages.py`) is
/// reported in the file that adds it, on the argument that names it, never at a place of
/// this file that the other file's offsets happen to point to.
#[test]
fn a_stage_made_in_another_file_is_reported_where_it_is_added() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("cdk.json"), r#"{"app": "python3 app.py"}"#).unwrap();
    std::fs::write(
        root.join("stages.py"),
        "import aws_cdk as cdk\n\n\nclass EdgeStage(cdk.Stage):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n        cdk.Stack(self, \"Cdn\")\n\n\nclass RegionStage(cdk.Stage):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n        cdk.Stack(self, \"Api\")\n        self.edge = EdgeStage(self, \"Edge Cache\")\n",
    )
    .unwrap();
    let src = "import aws_cdk as cdk\nfrom aws_cdk import pipelines\nfrom stages import RegionStage\n\napp = cdk.App()\nENV = cdk.Environment(account=\"111111111111\", region=\"us-east-1\")\nstack = cdk.Stack(app, \"P\", env=ENV)\np = pipelines.CodePipeline(stack, \"Pipeline\", synth=pipelines.ShellStep(\"Synth\", input=pipelines.CodePipelineSource.git_hub(\"o/r\", \"main\"), commands=[]))\nbeta = RegionStage(app, \"Beta\", env=ENV)\np.add_stage(beta)\np.add_stage(beta.edge)\n";
    let path = root.join("app.py");
    std::fs::write(&path, src).unwrap();
    let index = crate::workspace::Index::build(root, &Default::default());
    let a = analyze_text(&PYTHON, src, Some(&path), &index, &ExtraQueries::default());
    let edge = a.model.pipelines[0]
        .stages
        .iter()
        .find(|s| s.id.as_deref() == Some("Edge Cache"))
        .expect("the nested stage");
    assert_eq!(
        edge.stage_name.value().map(String::as_str),
        Some("Beta-Edge Cache")
    );
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == "invalid-stage-name")
        .expect("invalid-stage-name");
    assert_eq!(&src[d.span.start_byte..d.span.end_byte], "beta.edge");
}

/// What app.py adds through the pipeline stack's `pipeline` attribute (#13) is reported in
/// app.py where it is written there (an env), else on the pipeline's construction in the
/// pipeline's file, never at the offsets app.py's text has in this file.
#[test]
fn what_app_py_adds_through_the_pipeline_attribute_is_reported_in_the_right_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("cdk.json"), r#"{"app": "python3 app.py"}"#).unwrap();
    let app_py = "import aws_cdk as cdk\nfrom aws_cdk import pipelines\nfrom pipeline_stack import PipelineStack, AppStage\n\napp = cdk.App()\nstack = PipelineStack(app, \"P\", env=cdk.Environment(account=\"111111111111\", region=\"eu-west-1\"))\nstack.pipeline.add_stage(AppStage(app, \"Beta\", env=cdk.Environment(account=\"12345\", region=\"eu-west-1\")), pre=[pipelines.ManualApprovalStep(\"Promote\")])\napp.synth()\n";
    std::fs::write(root.join("app.py"), app_py).unwrap();
    let src = "import aws_cdk as cdk\nfrom aws_cdk import pipelines\n\nclass AppStage(cdk.Stage):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n        cdk.Stack(self, \"Svc\")\n\nclass PipelineStack(cdk.Stack):\n    def __init__(self, scope, id, **kwargs):\n        super().__init__(scope, id, **kwargs)\n        self.pipeline = pipelines.CodePipeline(self, \"Pipeline\", synth=pipelines.ShellStep(\"Synth\", input=pipelines.CodePipelineSource.git_hub(\"o/r\", \"main\"), commands=[]))\n        self.pipeline.add_stage(AppStage(self, \"Beta\", env=cdk.Environment(account=\"111111111111\", region=\"eu-west-1\")))\n";
    let path = root.join("pipeline_stack.py");
    std::fs::write(&path, src).unwrap();
    let index = crate::workspace::Index::build(root, &Default::default());
    let a = analyze_text(&PYTHON, src, Some(&path), &index, &ExtraQueries::default());
    let p = &a.model.pipelines[0];
    assert!(!p.added_elsewhere);
    let ids: Vec<_> = p.stages.iter().map(|s| s.id.as_deref()).collect();
    assert_eq!(ids, [Some("Beta"), Some("Beta")]);
    let account = a
        .diagnostics
        .iter()
        .find(|d| d.code == "invalid-account")
        .expect("invalid-account");
    assert_eq!(account.file.as_deref(), Some(root.join("app.py").as_path()));
    assert_eq!(
        &app_py[account.span.start_byte..account.span.end_byte],
        "\"12345\""
    );
    let duplicate = a
        .diagnostics
        .iter()
        .find(|d| d.code == "duplicate-stage")
        .expect("duplicate-stage");
    assert_eq!(duplicate.file, None);
    assert!(
        src[duplicate.span.start_byte..duplicate.span.end_byte]
            .starts_with("pipelines.CodePipeline(self, \"Pipeline\""),
        "{duplicate:?}"
    );
}

/// `cross-stage-dependency` (#14): a dependency between stacks of two Stages, or of a Stage
/// and the App, at app level or inside a Stage class given another Stage's stack; on the
/// argument, with CDK's own text. Silent where the model cannot be sure what holds a stack.
#[test]
fn cross_stage_dependency_needs_certain_holders() {
    let head = "import os\nimport aws_cdk as cdk\nfrom aws_cdk import pipelines\nfrom lib import make_stack\nENV = cdk.Environment(account=\"111111111111\", region=\"us-east-1\")\nclass S(cdk.Stage):\n    def __init__(self, scope, id, *, after=None, **kw):\n        super().__init__(scope, id, **kw)\n        self.svc = cdk.Stack(self, \"Svc\")\n        self.db = cdk.Stack(self, \"Db\")\n        if after:\n            self.svc.add_dependency(after)\napp = cdk.App()\nshared = cdk.Stack(app, \"Shared\", env=ENV)\nstack = cdk.Stack(app, \"P\", env=ENV)\np = pipelines.CodePipeline(stack, \"Pipeline\", synth=pipelines.ShellStep(\"Synth\", input=pipelines.CodePipelineSource.git_hub(\"o/r\", \"main\"), commands=[]))\nbeta = S(app, \"Beta\", env=ENV)\nprod = S(app, \"Prod\", env=ENV)\np.add_stage(beta)\np.add_stage(prod)\n";
    let found = |src: &str| -> Vec<(String, String)> {
        diags(&PYTHON, src)
            .into_iter()
            .filter(|d| d.code == "cross-stage-dependency")
            .map(|d| {
                (
                    src[d.span.start_byte..d.span.end_byte].to_string(),
                    d.message,
                )
            })
            .collect()
    };
    let fails = [
        ("prod.svc.add_dependency(beta.svc)\n", "beta.svc", "You cannot have a dependency from 'Prod/Svc' (in Stage 'Prod') to 'Beta/Svc' (in Stage 'Beta'): dependency cannot cross stage boundaries"),
        ("prod.db.add_stack_dependency(shared)\n", "shared", "You cannot have a dependency from 'Prod/Db' (in Stage 'Prod') to 'Shared' (in the App): dependency cannot cross stage boundaries"),
        ("shared.add_dependency(beta.db)\n", "beta.db", "You cannot have a dependency from 'Shared' (in the App) to 'Beta/Db' (in Stage 'Beta'): dependency cannot cross stage boundaries"),
        ("for s in [beta, prod]:\n    s.svc.add_dependency(beta.db)\n", "beta.db", "from 'Prod/Svc' (in Stage 'Prod') to 'Beta/Db'"),
    ];
    for (body, span, text) in fails {
        let got = found(&format!("{head}{body}"));
        assert_eq!(got.len(), 1, "{body}: {got:?}");
        assert_eq!(got[0].0, span, "{body}");
        assert!(got[0].1.contains(text), "{body}: {}", got[0].1);
    }
    // A Stage class given another Stage's stack: reported in the class, on the argument.
    let given = format!("{head}p.add_stage(S(app, \"Gamma\", after=beta.svc, env=ENV))\n");
    let got = found(&given);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "after");
    assert!(
        got[0]
            .1
            .contains("from 'Gamma/Svc' (in Stage 'Gamma') to 'Beta/Svc' (in Stage 'Beta')"),
        "{}",
        got[0].1
    );

    let silent = [
        ("two stacks of one Stage", "prod.svc.add_dependency(prod.db)\n"),
        ("two stacks of the App", "shared.add_dependency(stack)\n"),
        ("a call under an unknown `if`", "if os.environ.get(\"X\"):\n    prod.svc.add_dependency(beta.svc)\n"),
        ("a stack picked by an unknown `if`", "if os.environ.get(\"X\"):\n    t = prod.db\nelse:\n    t = beta.db\nprod.svc.add_dependency(t)\n"),
        ("a Stage picked by an unknown `if`", "if os.environ.get(\"X\"):\n    s = beta\nelse:\n    s = prod\ns.svc.add_dependency(beta.db)\n"),
        ("a stack a helper makes", "prod.svc.add_dependency(make_stack(app))\n"),
        ("a stack only known at run time", "prod.svc.add_dependency(STACKS[0])\n"),
        ("one Stage made twice by one call (the same call site)", "def mk(n):\n    return S(app, n, env=ENV)\na = mk(\"A\")\nb = mk(\"B\")\na.svc.add_dependency(b.svc)\n"),
        ("a Stage given its own kind of stack made in an unknown `if`", "p.add_stage(S(app, \"Gamma\", after=beta.svc if os.environ.get(\"X\") else None, env=ENV))\n"),
        ("a stack made in a Stage the model cannot see", "from lib import Other\no = Other(app, \"O\", env=ENV)\nprod.svc.add_dependency(o.svc)\n"),
    ];
    for (what, body) in silent {
        let src = format!("{head}{body}");
        assert!(found(&src).is_empty(), "{what}: {:?}", found(&src));
        let errors: Vec<String> = diags(&PYTHON, &src)
            .into_iter()
            .filter(|d| d.severity == super::Severity::Error)
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        assert!(errors.is_empty(), "{what}: {errors:?}");
    }

    let ts = r#"
import * as cdk from 'aws-cdk-lib';
import * as pipelines from 'aws-cdk-lib/pipelines';
class S extends cdk.Stage {
  public readonly svc: cdk.Stack;
  constructor(scope: cdk.App, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    this.svc = new cdk.Stack(this, 'Svc');
  }
}
const app = new cdk.App();
const beta = new S(app, 'Beta');
const prod = new S(app, 'Prod');
prod.svc.addDependency(beta.svc);
"#;
    let d: Vec<_> = diags(&TYPESCRIPT, ts)
        .into_iter()
        .filter(|d| d.code == "cross-stage-dependency")
        .collect();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(&ts[d[0].span.start_byte..d[0].span.end_byte], "beta.svc");
    assert!(
        d[0].message.contains("remove this `addDependency` call"),
        "{}",
        d[0].message
    );
}

/// `stage-after-build` (#14): a wave's `add_stage` after `build_pipeline()` is a warning on
/// the call, and the prediction leaves the Stage out (CDK never deploys it); silent when
/// either call may not run.
#[test]
fn stage_after_build_warns_and_leaves_the_stage_out() {
    let head = "import os\nimport aws_cdk as cdk\nfrom aws_cdk import pipelines\nENV = cdk.Environment(account=\"111111111111\", region=\"us-east-1\")\nclass S(cdk.Stage):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n        cdk.Stack(self, \"Svc\")\napp = cdk.App()\nstack = cdk.Stack(app, \"P\", env=ENV)\np = pipelines.CodePipeline(stack, \"Pipeline\", synth=pipelines.ShellStep(\"Synth\", input=pipelines.CodePipelineSource.git_hub(\"o/r\", \"main\"), commands=[]))\nw = p.add_wave(\"Prod\")\nw.add_stage(S(app, \"Blue\", env=ENV))\n";
    let src = format!("{head}p.build_pipeline()\nw.add_stage(S(app, \"Green\", env=ENV))\n");
    let a = analyze_text(&PYTHON, &src, None, &NoIndex, &ExtraQueries::default());
    let d: Vec<_> = a
        .diagnostics
        .iter()
        .filter(|d| d.code == "stage-after-build")
        .collect();
    assert_eq!(d.len(), 1, "{:?}", a.diagnostics);
    assert_eq!(d[0].severity, super::Severity::Warning);
    assert_eq!(
        &src[d[0].span.start_byte..d[0].span.end_byte],
        "w.add_stage"
    );
    assert!(d[0].message.contains("Stage `Green`"), "{}", d[0].message);
    let predicted = crate::predict::predict(&a.model.pipelines[0]);
    let names: Vec<String> = predicted
        .stages
        .iter()
        .flat_map(|s| {
            std::iter::once(s.name.clone()).chain(s.actions.iter().map(|a| a.name.clone()))
        })
        .collect();
    assert!(names.iter().all(|n| !n.contains("Green")), "{names:?}");
    assert!(names.iter().any(|n| n.contains("Blue")), "{names:?}");

    let silent = [
        ("before the build", "w.add_stage(S(app, \"Green\", env=ENV))\np.build_pipeline()\n"),
        ("no build at all", "w.add_stage(S(app, \"Green\", env=ENV))\n"),
        ("a build under an unknown `if`", "if os.environ.get(\"X\"):\n    p.build_pipeline()\nw.add_stage(S(app, \"Green\", env=ENV))\n"),
        ("an add under an unknown `if`", "p.build_pipeline()\nif os.environ.get(\"X\"):\n    w.add_stage(S(app, \"Green\", env=ENV))\n"),
    ];
    for (what, body) in silent {
        let src = format!("{head}{body}");
        let d: Vec<_> = diags(&PYTHON, &src)
            .into_iter()
            .filter(|d| d.code == "stage-after-build" || d.severity == super::Severity::Error)
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        assert!(d.is_empty(), "{what}: {d:?}");
    }
}

/// A pipeline far past CodePipeline's limits: the model stops reading it after
/// `MAX_MODEL_STAGES` stages, and one warning says so, with where it stopped (#16).
#[test]
fn a_pipeline_far_past_the_limits_is_read_up_to_a_cap_and_said_once() {
    use crate::model::MAX_MODEL_STAGES;
    let head = PY
        .lines()
        .take_while(|l| !l.contains("add_stage"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut src = head + "\n";
    let total = MAX_MODEL_STAGES + 25;
    for i in 0..total {
        src.push_str(&format!(
            "        p.add_stage(S(self, \"Stage{i}\", env=cdk.Environment(account=\"111111111111\", region=\"us-east-1\")))\n"
        ));
    }
    let a = analyze_text(&PYTHON, &src, None, &NoIndex, &ExtraQueries::default());
    let p = &a.model.pipelines[0];
    assert_eq!(p.stages.len(), MAX_MODEL_STAGES);
    let cut = p.cut.expect("the model says where it stopped");
    let first_line = src.lines().position(|l| l.contains("\"Stage0\"")).unwrap();
    assert_eq!(cut.start.0, first_line + MAX_MODEL_STAGES);
    let quota: Vec<_> = a
        .diagnostics
        .iter()
        .filter(|d| d.code == "pipeline-quota")
        .collect();
    assert_eq!(quota.len(), 1, "{quota:?}");
    let m = &quota[0].message;
    assert!(
        m.contains("at least") && m.contains("stopped reading"),
        "{m}"
    );
    assert!(m.contains(&format!("line {}", cut.start.0 + 1)), "{m}");
    assert_eq!(quota[0].related[0].span, cut);
    // The prediction ends with a stage it cannot know, never a complete list.
    let pred = crate::predict::predict(p);
    assert!(!pred.stages.last().unwrap().certain);
}
