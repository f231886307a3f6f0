//! Quick fixes: the mechanical fixes rules attach to their diagnostics, and the code actions
//! a rule registers (`rules::Rule::action`) for what needs to edit the code around a
//! diagnostic; plus the text edits those actions share (adding a prop to a construction).

use super::ByteRange;
use crate::lang::{Plugin, PropsSyntax};
use crate::rules::Diagnostic;

#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    pub title: String,
    pub edits: Vec<(ByteRange, String)>,
    /// The index of the diagnostic it fixes.
    pub diagnostic: usize,
    pub preferred: bool,
}

/// The fixes for the diagnostics that overlap `range`.
pub fn actions(
    text: &str,
    plugin: &Plugin,
    diagnostics: &[Diagnostic],
    range: ByteRange,
) -> Vec<Action> {
    let mut out = Vec::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if d.file.is_some() || d.span.end_byte < range.start || d.span.start_byte > range.end {
            continue;
        }
        if let Some(fix) = &d.fix {
            out.push(Action {
                title: fix.title.clone(),
                edits: fix
                    .edits
                    .iter()
                    .map(|(s, t)| (s.start_byte..s.end_byte, t.clone()))
                    .collect(),
                diagnostic: i,
                preferred: true,
            });
        } else if let Some(action) = crate::rules::rule(d.code).and_then(|r| r.action) {
            if let Some(edits) = (action.edits)(text, plugin, d) {
                out.push(Action {
                    title: (action.title)(&plugin.naming),
                    edits,
                    diagnostic: i,
                    preferred: true,
                });
            }
        }
    }
    out
}

fn indent_of_line(text: &str, pos: usize) -> &str {
    let start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// Inserts the prop `snake` (canonical name) with the value `value` (written in the file's
/// language) into a construction `call` of CDK's class `class` whose props come third
/// (`CodePipeline(scope, id, props)`): as a keyword argument before the closing parenthesis
/// (Python), as the first key of the props object or struct (TypeScript, C#, Go), as a call
/// before the builder's last `.build()` (Java); the props made anew where the call has none
/// (Go's `nil`). `None` where the props are not written in the call (a variable).
pub(crate) fn add_prop(
    text: &str,
    plugin: &Plugin,
    call: ByteRange,
    class: &str,
    snake: &str,
    value: &str,
) -> Option<(ByteRange, String)> {
    let n = &plugin.naming;
    let prop = n.prop(snake, value);
    let src = text.get(call.clone())?;
    let close = call.start + src.rfind(')')?;
    let multiline = src.contains('\n');
    if n.keyword_props() {
        let name = n.api(snake);
        let before = text[call.start..close].trim_end();
        if multiline
            && text[call.start..close].ends_with(char::is_whitespace)
            && text[..close].trim_end_matches([' ', '\t']).ends_with('\n')
        {
            // The closing parenthesis is on its own line: add a line above it.
            let line_start = text[..close].rfind('\n')? + 1;
            let last_arg_indent = indent_of_line(text, before.len() + call.start);
            let comma = if before.ends_with(',') || before.ends_with('(') {
                ""
            } else {
                ","
            };
            let at = call.start + before.len();
            return Some((
                at..line_start,
                format!("{comma}\n{last_arg_indent}{name}={value},\n"),
            ));
        }
        let sep = if before.ends_with('(') || before.ends_with(',') {
            " "
        } else {
            ", "
        };
        let at = call.start + before.len();
        return Some((
            at..at,
            format!(
                "{}{name}={value}",
                if before.ends_with('(') { "" } else { sep }
            ),
        ));
    }
    let callee = &src[..src.find('(')?];
    let prefix = n
        .class_prefix(callee.trim_start_matches(n.new_keyword).trim(), class)
        .unwrap_or_default();
    let props_ty = format!("{prefix}{class}Props");
    let new_props = || {
        n.props(crate::lang::Props {
            ty: &props_ty,
            items: std::slice::from_ref(&prop),
        })
    };
    if n.props == PropsSyntax::Builder && src.trim_end().ends_with(".build()") {
        // `Class.Builder.create(…)….build()`: one more call before the chain's `.build()`.
        let at = call.start + src.trim_end().len() - ".build()".len();
        return Some(before_build(text, at, &prop));
    }
    // The third argument at depth 1.
    let mut depth = 0;
    let mut commas = 0;
    let mut third = None;
    let mut in_str: Option<char> = None;
    for (i, c) in src.char_indices() {
        if let Some(q) = in_str {
            if c == q {
                in_str = None;
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' => in_str = Some(c),
            '(' | '[' | '{' => {
                if depth == 1 && c == '{' && commas == 2 && n.props != PropsSyntax::Builder {
                    let at = call.start + i + 1;
                    let rest = &text[at..];
                    return Some(if rest.trim_start_matches([' ', '\t']).starts_with('\n') {
                        let next_line = at + rest.find('\n')? + 1;
                        let indent = indent_of_line(text, next_line + 1).to_string();
                        (next_line..next_line, format!("{indent}{prop},\n"))
                    } else if n.props == PropsSyntax::Struct {
                        // gofmt's spacing: `&T{A: 1, B: 2}`.
                        let sep = if rest.starts_with('}') { "" } else { ", " };
                        (at..at, format!("{prop}{sep}"))
                    } else {
                        (at..at, format!(" {prop},"))
                    });
                }
                depth += 1;
            }
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 1 => {
                commas += 1;
                if commas == 2 {
                    third = Some(i + 1);
                }
            }
            _ => {}
        }
    }
    let _ = multiline;
    match third {
        // No props yet.
        None => Some((close..close, format!(", {}", new_props()))),
        Some(start) => {
            let arg = &src[start..close - call.start];
            let at = call.start + start + (arg.len() - arg.trim_start().len());
            let arg = arg.trim();
            if arg == n.null_lit {
                Some((at..at + arg.len(), new_props()))
            } else if n.props == PropsSyntax::Builder && arg.ends_with(".build()") {
                // `new Class(…, ClassProps.builder()….build())`.
                Some(before_build(text, at + arg.len() - ".build()".len(), &prop))
            } else {
                None // a variable or an expression: not written here
            }
        }
    }
}

/// The edit that adds the builder call `prop` before the `.build()` at `at`: on a line of its
/// own when `.build()` is on one.
fn before_build(text: &str, at: usize, prop: &str) -> (ByteRange, String) {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    if text[line_start..at].trim().is_empty() && line_start > 0 {
        let indent = indent_of_line(text, at).to_string();
        (line_start..line_start, format!("{indent}{prop}\n"))
    } else {
        (at..at, prop.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze_text;
    use crate::lang::{ExtraQueries, CSHARP, GO, JAVA, PYTHON, TYPESCRIPT};
    use crate::model::NoIndex;

    fn fix_all(plugin: &'static Plugin, src: &str) -> String {
        let a = analyze_text(plugin, src, None, &NoIndex, &ExtraQueries::default());
        let acts = actions(src, plugin, &a.diagnostics, 0..src.len());
        let act = acts
            .iter()
            .find(|x| x.title.contains("ross"))
            .expect("an action");
        crate::ide::apply_and_recheck(plugin, src, &act.edits, "cross-account-keys").0
    }

    const PY_HEAD: &str = "import aws_cdk as cdk\nfrom aws_cdk import pipelines\nclass S(cdk.Stage):\n    pass\nclass P(cdk.Stack):\n    def __init__(self, scope, id):\n        super().__init__(scope, id, env=cdk.Environment(account=\"999999999999\", region=\"us-east-1\"))\n";
    const PY_TAIL: &str = "        p.add_stage(S(self, \"Dev\", env=cdk.Environment(account=\"111111111111\", region=\"us-east-1\")))\n";

    #[test]
    fn python_multiline_and_single_line() {
        let src = format!("{PY_HEAD}        p = pipelines.CodePipeline(\n            self,\n            \"P\",\n            synth=s\n        )\n{PY_TAIL}");
        let out = fix_all(&PYTHON, &src);
        assert!(
            out.contains("            synth=s,\n            cross_account_keys=True,\n        )\n"),
            "{out}"
        );
        let src =
            format!("{PY_HEAD}        p = pipelines.CodePipeline(self, \"P\", synth=s)\n{PY_TAIL}");
        let out = fix_all(&PYTHON, &src);
        assert!(
            out.contains("CodePipeline(self, \"P\", synth=s, cross_account_keys=True)"),
            "{out}"
        );
    }

    #[test]
    fn typescript_props_object() {
        let head = "import * as cdk from 'aws-cdk-lib';\nimport * as pipelines from 'aws-cdk-lib/pipelines';\nclass S extends cdk.Stage {}\nclass P extends cdk.Stack {\n  constructor(scope: any, id: string) {\n    super(scope, id, { env: { account: '999999999999', region: 'us-east-1' } });\n";
        let tail = "    p.addStage(new S(this, 'Dev', { env: { account: '111111111111', region: 'us-east-1' } }));\n  }\n}\n";
        let src = format!("{head}    const p = new pipelines.CodePipeline(this, 'P', {{\n      synth: s,\n    }});\n{tail}");
        let out = fix_all(&TYPESCRIPT, &src);
        assert!(out.contains("CodePipeline(this, 'P', {\n      crossAccountKeys: true,\n      synth: s,\n    });"), "{out}");
        let src = format!(
            "{head}    const p = new pipelines.CodePipeline(this, 'P', {{ synth: s }});\n{tail}"
        );
        let out = fix_all(&TYPESCRIPT, &src);
        assert!(
            out.contains("CodePipeline(this, 'P', { crossAccountKeys: true, synth: s });"),
            "{out}"
        );
    }

    const GO_SRC: &str = "package main\n\nimport (\n\t\"github.com/aws/aws-cdk-go/awscdk/v2\"\n\t\"github.com/aws/aws-cdk-go/awscdk/v2/pipelines\"\n\t\"github.com/aws/constructs-go/constructs/v10\"\n\t\"github.com/aws/jsii-runtime-go\"\n)\n\nfunc NewPipelineStack(scope constructs.Construct, id string, props *awscdk.StackProps) awscdk.Stack {\n\tstack := awscdk.NewStack(scope, &id, props)\n\tpipeline := PIPELINE\n\tpipeline.AddStage(NewAppStage(stack, \"Dev\", &awscdk.StageProps{Env: &awscdk.Environment{Account: jsii.String(\"111111111111\"), Region: jsii.String(\"us-east-1\")}}), nil)\n\treturn stack\n}\n\nfunc NewAppStage(scope constructs.Construct, id string, props *awscdk.StageProps) awscdk.Stage {\n\treturn awscdk.NewStage(scope, &id, props)\n}\n\nfunc main() {\n\tapp := awscdk.NewApp(nil)\n\tNewPipelineStack(app, \"P\", &awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String(\"999999999999\"), Region: jsii.String(\"us-east-1\")}})\n\tapp.Synth(nil)\n}\n";
    const GO_SYNTH: &str = "pipelines.NewShellStep(jsii.String(\"Synth\"), &pipelines.ShellStepProps{Commands: jsii.Strings(\"npx cdk synth\")})";

    /// Go through the real analysis and code actions: the prop goes first in the props struct.
    #[test]
    fn go_props_struct() {
        let call = format!("pipelines.NewCodePipeline(stack, jsii.String(\"Pipeline\"), &pipelines.CodePipelineProps{{\n\t\tSynth: {GO_SYNTH},\n\t}})");
        let out = fix_all(&GO, &GO_SRC.replace("PIPELINE", &call));
        assert!(out.contains("&pipelines.CodePipelineProps{\n\t\tCrossAccountKeys: jsii.Bool(true),\n\t\tSynth: "), "{out}");
        let call = format!("pipelines.NewCodePipeline(stack, jsii.String(\"Pipeline\"), &pipelines.CodePipelineProps{{Synth: {GO_SYNTH}}})");
        let out = fix_all(&GO, &GO_SRC.replace("PIPELINE", &call));
        assert!(out.contains("&pipelines.CodePipelineProps{CrossAccountKeys: jsii.Bool(true), Synth: pipelines.NewShellStep("), "{out}");
    }

    /// The fix on a construction, as code actions offer it for a diagnostic about it (made
    /// here, so that each way of writing the props is tried on its own).
    fn fix_call(plugin: &'static Plugin, src: &str, call: &str) -> Option<String> {
        let start = src.find(call).expect("the call");
        let span = crate::model::Span {
            start_byte: start,
            end_byte: start + call.len(),
            start: (0, 0),
            end: (0, 0),
        };
        let mut d = Diagnostic::new(
            "cross-account-keys",
            crate::rules::Severity::Error,
            span,
            String::new(),
        );
        d.subject = Some(span);
        let acts = actions(src, plugin, &[d], 0..src.len());
        let act = acts.first()?;
        assert_eq!(
            act.title,
            format!("Set {} to true", plugin.naming.api("cross_account_keys"))
        );
        let mut out = src.to_string();
        for (r, t) in act.edits.iter().rev() {
            out.replace_range(r.clone(), t);
        }
        Some(out)
    }

    #[test]
    fn java_builder_chain_gets_a_call_before_build() {
        let call = "CodePipeline.Builder.create(this, \"Pipeline\")\n            .synth(synth)\n            .build()";
        let src = format!(
            "class P extends Stack {{\n    P() {{\n        CodePipeline p = {call};\n    }}\n}}\n"
        );
        assert_eq!(
            fix_call(&JAVA, &src, call).unwrap(),
            src.replace(
                ".synth(synth)\n",
                ".synth(synth)\n            .crossAccountKeys(true)\n"
            )
        );
        let call = "CodePipeline.Builder.create(this, \"Pipeline\").synth(ShellStep.Builder.create(\"S\").build()).build()";
        let src = format!("var p = {call};\n");
        assert_eq!(
            fix_call(&JAVA, &src, call).unwrap(),
            "var p = CodePipeline.Builder.create(this, \"Pipeline\").synth(ShellStep.Builder.create(\"S\").build()).crossAccountKeys(true).build();\n"
        );
        let call =
            "new CodePipeline(this, \"Pipeline\", CodePipelineProps.builder().synth(s).build())";
        assert_eq!(
            fix_call(&JAVA, &format!("var p = {call};"), call).unwrap(),
            "var p = new CodePipeline(this, \"Pipeline\", CodePipelineProps.builder().synth(s).crossAccountKeys(true).build());"
        );
        // Props in a variable are not written here: no fix rather than a wrong one.
        let call = "new CodePipeline(this, \"Pipeline\", props)";
        assert_eq!(fix_call(&JAVA, &format!("var p = {call};"), call), None);
    }

    #[test]
    fn csharp_initializer_gets_the_prop_first() {
        let call = "new CodePipeline(this, \"Pipeline\", new CodePipelineProps { Synth = synth })";
        assert_eq!(
            fix_call(&CSHARP, &format!("var p = {call};"), call).unwrap(),
            "var p = new CodePipeline(this, \"Pipeline\", new CodePipelineProps { CrossAccountKeys = true, Synth = synth });"
        );
        let call =
            "new CodePipeline(this, \"Pipeline\", new CodePipelineProps\n{\n    Synth = synth\n})";
        assert_eq!(
            fix_call(&CSHARP, &format!("var p = {call};"), call).unwrap(),
            format!(
                "var p = {};",
                call.replace("{\n", "{\n    CrossAccountKeys = true,\n")
            )
        );
    }

    /// Through the real analysis: the rule fires on the Java and C# pipelines, the fix is
    /// offered, and the fixed file has no `cross-account-keys` diagnostic (`fix_all` checks).
    #[test]
    fn java_and_csharp_fixes_through_their_analysis() {
        let java = "import software.amazon.awscdk.*;\nimport software.amazon.awscdk.pipelines.*;\nimport software.constructs.Construct;\nimport java.util.List;\n\nclass AppStage extends Stage { AppStage(Construct s, String id, StageProps p) { super(s, id, p); new Stack(this, \"Svc\"); } }\n\npublic class P extends Stack {\n    public P(final Construct scope, final String id) {\n        super(scope, id, StackProps.builder().env(Environment.builder().account(\"999999999999\").region(\"us-east-1\").build()).build());\n        CodePipeline p = CodePipeline.Builder.create(this, \"Pipeline\")\n            .synth(ShellStep.Builder.create(\"Synth\").commands(List.of(\"cdk synth\")).build())\n            .build();\n        p.addStage(new AppStage(this, \"Dev\", StageProps.builder().env(Environment.builder().account(\"111111111111\").region(\"us-east-1\").build()).build()));\n    }\n}\n";
        let out = fix_all(&JAVA, java);
        assert!(
            out.contains("            .synth(ShellStep.Builder.create(\"Synth\").commands(List.of(\"cdk synth\")).build())\n            .crossAccountKeys(true)\n            .build();"),
            "{out}"
        );
        let csharp = "using Amazon.CDK;\nusing Amazon.CDK.Pipelines;\nusing Constructs;\n\nclass AppStage : Stage { public AppStage(Construct s, string id, IStageProps p = null) : base(s, id, p) { new Stack(this, \"Svc\"); } }\n\npublic class P : Stack\n{\n    public P(Construct scope, string id) : base(scope, id, new StackProps { Env = new Amazon.CDK.Environment { Account = \"999999999999\", Region = \"us-east-1\" } })\n    {\n        var p = new CodePipeline(this, \"Pipeline\", new CodePipelineProps\n        {\n            Synth = new ShellStep(\"Synth\", new ShellStepProps { Commands = new[] { \"cdk synth\" } }),\n        });\n        p.AddStage(new AppStage(this, \"Dev\", new StageProps { Env = new Amazon.CDK.Environment { Account = \"111111111111\", Region = \"us-east-1\" } }));\n    }\n}\n";
        let out = fix_all(&CSHARP, csharp);
        assert!(
            out.contains("new CodePipelineProps\n        {\n            CrossAccountKeys = true,\n            Synth = "),
            "{out}"
        );
    }

    #[test]
    fn go_nil_props_are_made() {
        let call = "pipelines.NewCodePipeline(stack, jsii.String(\"P\"), nil)";
        assert_eq!(
            fix_call(&GO, &format!("p := {call}"), call).unwrap(),
            "p := pipelines.NewCodePipeline(stack, jsii.String(\"P\"), &pipelines.CodePipelineProps{CrossAccountKeys: jsii.Bool(true)})"
        );
    }
}
