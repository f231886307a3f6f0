//! The `CdkPipeline` → `CodePipeline` migration, offered where the mapping is mechanical: a
//! `SimpleSynthAction.standard_npm_synth` / `standard_yarn_synth` synth action over a GitHub,
//! CodeStar connection or CodeCommit source action written inline with literal values, and
//! props that exist on both APIs. Anything else is left to the person (no action offered).

use super::ByteRange;
use crate::lang::ir::{self, Arg, DictEntry, Expr, ExprKind, Stmt};
use crate::lang::{Naming, Plugin, Props, Str};
use crate::model::catalog;
use crate::model::SourceKind;

/// The edits that migrate the `CdkPipeline(...)` construction at `call` (and every
/// `add_application_stage` in the file), or `None` when the mapping is not mechanical.
pub fn migrate(text: &str, plugin: &Plugin, call: ByteRange) -> Option<Vec<(ByteRange, String)>> {
    let tree = plugin.parser().parse(text, None)?;
    let module = plugin.lower(&tree, text);
    let expr = find_call(&module.body, &call)?;
    let ExprKind::Call { func, args } = &expr.kind else {
        return None;
    };
    let callee = &text[func.span.start_byte..func.span.end_byte];
    let prefix = plugin.naming.class_prefix(callee, "CdkPipeline")?;
    // A bare class is the pipelines module's by a name imported from it, or (Java, C#) by its
    // namespace.
    let prefix = if prefix.is_empty() && !plugin.naming.namespaces {
        format!("{}.", super::completion::pipelines_alias(&module.imports)?)
    } else {
        prefix
    };
    let py = plugin.naming.keyword_props();
    let src = |e: &Expr| {
        let r = plugin
            .naming
            .value_range(text, e.span.start_byte..e.span.end_byte);
        text[r].to_string()
    };
    let positional: Vec<&Expr> = args
        .iter()
        .filter_map(|a| {
            if let Arg::Positional(e) = a {
                Some(e)
            } else {
                None
            }
        })
        .collect();
    let (scope, id) = (positional.first()?, positional.get(1)?);
    let props = props_of(args, if py { usize::MAX } else { 2 })?;

    let mut synth_action = None;
    let mut source_action = None;
    let mut kept: Vec<(String, String)> = Vec::new();
    for (name, value) in &props {
        match ir::snake_case(name).as_str() {
            "synth_action" => synth_action = Some(*value),
            "source_action" => source_action = Some(*value),
            "cloud_assembly_artifact" => {}
            "self_mutating" => kept.push(("self_mutation".into(), src(value))),
            n @ ("pipeline_name" | "cross_account_keys" | "docker_credentials") => {
                kept.push((n.to_string(), src(value)))
            }
            _ => return None, // a prop without a mechanical counterpart
        }
    }
    let n = &plugin.naming;
    let source = source_text(source_action?, n, &prefix, &src)?;
    let (install, commands) = synth_commands(synth_action?, n, &src)?;

    let written = |items: &[Written]| {
        let items: Vec<Str<'_>> = items
            .iter()
            .map(|w| match w {
                Written::Lit(s) => Str::Lit(s),
                Written::Code(c) => Str::Code(c),
            })
            .collect();
        n.strings(&items)
    };
    let step_props = [
        n.prop("input", &source),
        n.prop("install_commands", &written(&install)),
        n.prop("commands", &written(&commands)),
    ];
    let synth = n.construct(
        &format!("{prefix}ShellStep"),
        &[n.string("Synth")],
        Some(Props {
            ty: &format!("{prefix}ShellStepProps"),
            items: &step_props,
        }),
    );
    let mut pipeline_props = vec![n.prop("synth", &synth)];
    pipeline_props.extend(kept.into_iter().map(|(k, v)| n.prop(&k, &v)));
    let replacement = n.construct(
        &format!("{prefix}CodePipeline"),
        &[src(scope), src(id)],
        Some(Props {
            ty: &format!("{prefix}CodePipelineProps"),
            items: &pipeline_props,
        }),
    );
    let needs_list = !n.list_import.is_empty()
        && replacement.contains("List.of(")
        && !super::completion::has_import(text, n.list_import);
    let mut edits = vec![(call.clone(), replacement)];
    // The type the construction is declared with, in its own statement (`CdkPipeline pipeline
    // = …` in Java and C#, `const p: pipelines.CdkPipeline = …`): the class's names elsewhere
    // (another construction, an import, a field) are left as they are.
    let statement = tree
        .root_node()
        .descendant_for_byte_range(call.start, call.end)
        .and_then(|n| {
            let mut at = n;
            while let Some(p) = at.parent() {
                if p.parent().is_none()
                    || p.kind().ends_with("statement")
                    || p.kind().ends_with("declaration")
                {
                    return Some(p);
                }
                at = p;
            }
            None
        });
    if let Some(statement) = statement.filter(|s| s.parent().is_some()) {
        let mut cursor = statement.walk();
        let mut stack = vec![statement];
        while let Some(node) = stack.pop() {
            if node.start_byte() >= call.start && node.end_byte() <= call.end {
                continue;
            }
            if node.kind().ends_with("identifier") && &text[node.byte_range()] == "CdkPipeline" {
                edits.push((node.byte_range(), "CodePipeline".to_string()));
                continue;
            }
            stack.extend(node.named_children(&mut cursor));
        }
    }
    // After the file's last import.
    let after_imports = module
        .imports
        .iter()
        .map(|i| i.span.end_byte)
        .max()
        .map_or(0, |end| {
            text[end..].find('\n').map_or(text.len(), |i| end + i + 1)
        });
    // Java and C# write the classes bare: their namespace must be imported whole.
    if n.namespaces
        && !module.imports.iter().any(|i| {
            crate::model::canonical_module(&i.module) == "cdk.pipelines"
                && i.local == ir::STAR_IMPORT
        })
    {
        edits.push((after_imports..after_imports, n.pipelines_import.to_string()));
    }
    if needs_list {
        // Java's `List.of` needs `java.util.List`.
        edits.push((after_imports..after_imports, n.list_import.to_string()));
    }
    let old = n.api("add_application_stage");
    let new = n.api("add_stage");
    let mut from = 0;
    while let Some(i) = text[from..].find(&old) {
        let at = from + i;
        edits.push((at..at + old.len(), new.clone()));
        from = at + old.len();
    }
    edits.sort_by_key(|(r, _)| r.start);
    Some(edits)
}

fn find_call<'a>(body: &'a [Stmt], call: &ByteRange) -> Option<&'a Expr> {
    fn in_expr<'a>(e: &'a Expr, call: &ByteRange) -> Option<&'a Expr> {
        if e.span.start_byte == call.start
            && e.span.end_byte == call.end
            && matches!(e.kind, ExprKind::Call { .. })
        {
            return Some(e);
        }
        if !(e.span.start_byte <= call.start && call.end <= e.span.end_byte) {
            return None;
        }
        match &e.kind {
            ExprKind::Call { func, args } => in_expr(func, call).or_else(|| {
                args.iter().find_map(|a| match a {
                    Arg::Positional(x) | Arg::Keyword { value: x, .. } | Arg::Spread(x) => {
                        in_expr(x, call)
                    }
                })
            }),
            ExprKind::Attr(o, _, _) => in_expr(o, call),
            ExprKind::List(items) => items.iter().find_map(|x| in_expr(x, call)),
            ExprKind::Lambda(l) => {
                find_call(&l.body, call).or_else(|| l.value.as_ref().and_then(|v| in_expr(v, call)))
            }
            ExprKind::Dict(entries) => entries.iter().find_map(|d| match d {
                DictEntry::Pair { value, .. } => in_expr(value, call),
                DictEntry::Spread(x) => in_expr(x, call),
            }),
            _ => None,
        }
    }
    body.iter().find_map(|s| match s {
        Stmt::Expr(e) => in_expr(e, call),
        Stmt::Assign { value, .. } => in_expr(value, call),
        Stmt::Return(value) => value.as_ref().and_then(|v| in_expr(v, call)),
        Stmt::For { iter, body, .. } => in_expr(iter, call).or_else(|| find_call(body, call)),
        Stmt::Class(c) => find_call(&c.body, call),
        Stmt::Func(f) => find_call(&f.body, call),
        Stmt::Block(b) => find_call(b, call),
        Stmt::If {
            cond,
            then,
            otherwise,
        } => in_expr(cond, call)
            .or_else(|| find_call(then, call))
            .or_else(|| find_call(otherwise, call)),
    })
}

/// Keyword arguments (Python) or the keys of the props object at `props_at` (TypeScript);
/// `None` when props are spread in (not mechanical).
fn props_of(args: &[Arg], props_at: usize) -> Option<Vec<(String, &Expr)>> {
    let mut out = Vec::new();
    let mut positional = 0;
    for a in args {
        match a {
            Arg::Keyword { name, value, .. } => out.push((name.clone(), value)),
            Arg::Spread(_) => return None,
            Arg::Positional(e) => {
                if positional == props_at {
                    let ExprKind::Dict(entries) = &e.kind else {
                        return None;
                    };
                    for d in entries {
                        match d {
                            DictEntry::Pair { key, value, .. } => out.push((key.clone(), value)),
                            DictEntry::Spread(_) => return None,
                        }
                    }
                }
                positional += 1;
            }
        }
    }
    Some(out)
}

fn call_parts(e: &Expr) -> Option<(String, &[Arg])> {
    let ExprKind::Call { func, args } = &e.kind else {
        return None;
    };
    let name = func.dotted()?.last()?.to_string();
    Some((name, args))
}

fn literal(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Str(s) => Some(s),
        _ => None,
    }
}

fn source_text(
    action: &Expr,
    n: &Naming,
    prefix: &str,
    src: &dyn Fn(&Expr) -> String,
) -> Option<String> {
    let py = n.keyword_props();
    let (class, args) = call_parts(action)?;
    let props: Vec<(String, &Expr)> = props_of(args, if py { usize::MAX } else { 0 })?
        .into_iter()
        .map(|(k, v)| (ir::snake_case(&k), v))
        .collect();
    let get = |k: &str| props.iter().find(|(name, _)| name == k).map(|(_, v)| *v);
    let branch = get("branch").map(src).unwrap_or_else(|| n.string("master"));
    let src_class = format!("{prefix}CodePipelineSource");
    // The source factory's call: `CodePipelineSource.git_hub(repo, branch, props…)`, its one
    // prop (if any) in its options struct.
    let factory = |kind: SourceKind, args: &[String], prop: Option<(&str, String)>| {
        let m = catalog::source(&kind)?;
        let items: Vec<String> = prop.iter().map(|(k, v)| n.prop(k, v)).collect();
        let ty = format!("{prefix}{}", m.options);
        let props = prop.is_some().then_some(Props {
            ty: &ty,
            items: &items,
        });
        Some(format!(
            "{}{}",
            n.static_method(&src_class, m.method),
            n.arguments(args, props)
        ))
    };
    match class.as_str() {
        "GitHubSourceAction" => {
            let repo = format!("{}/{}", literal(get("owner")?)?, literal(get("repo")?)?);
            let auth = get("oauth_token").map(src)?;
            factory(
                SourceKind::GitHub,
                &[n.string(&repo), branch],
                Some(("authentication", auth)),
            )
        }
        "CodeStarConnectionsSourceAction" => {
            let repo = format!("{}/{}", literal(get("owner")?)?, literal(get("repo")?)?);
            let arn = get("connection_arn").map(src)?;
            factory(
                SourceKind::Connection,
                &[n.string(&repo), branch],
                Some(("connection_arn", arn)),
            )
        }
        "CodeCommitSourceAction" => {
            let repo = get("repository").map(src)?;
            factory(SourceKind::CodeCommit, &[repo, branch], None)
        }
        _ => None,
    }
}

/// A string the migration writes: pipelens's own text, or an expression as the file has it.
enum Written {
    Lit(&'static str),
    Code(String),
}

/// (install commands, commands) of a standard synth action.
fn synth_commands(
    action: &Expr,
    n: &Naming,
    src: &dyn Fn(&Expr) -> String,
) -> Option<(Vec<Written>, Vec<Written>)> {
    let py = n.keyword_props();
    let ExprKind::Call { func, args } = &action.kind else {
        return None;
    };
    let dotted = func.dotted()?;
    let method = ir::snake_case(dotted.last()?);
    let (install_default, synth_default) = match method.as_str() {
        "standard_npm_synth" => ("npm ci", "npx cdk synth"),
        "standard_yarn_synth" => ("yarn install --frozen-lockfile", "npx cdk synth"),
        _ => return None,
    };
    let props: Vec<(String, &Expr)> = props_of(args, if py { usize::MAX } else { 0 })?
        .into_iter()
        .map(|(k, v)| (ir::snake_case(&k), v))
        .collect();
    let mut install = vec![Written::Lit(install_default)];
    let mut commands = Vec::new();
    let mut synth = Written::Lit(synth_default);
    for (k, v) in &props {
        match k.as_str() {
            "source_artifact" | "cloud_assembly_artifact" | "action_name" => {}
            "install_command" => install = vec![Written::Code(src(v))],
            "build_command" => commands.push(Written::Code(src(v))),
            "synth_command" => synth = Written::Code(src(v)),
            _ => return None,
        }
    }
    commands.push(synth);
    Some((install, commands))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze_text;
    use crate::lang::{ExtraQueries, CSHARP, GO, JAVA, PYTHON, TYPESCRIPT};
    use crate::model::NoIndex;

    fn run(plugin: &'static Plugin, src: &str) -> Option<String> {
        let a = analyze_text(plugin, src, None, &NoIndex, &ExtraQueries::default());
        let d = a
            .diagnostics
            .iter()
            .find(|d| d.code == "deprecated-cdkpipeline")?;
        let call = d.subject?;
        let edits = migrate(src, plugin, call.start_byte..call.end_byte)?;
        let (out, after) =
            crate::ide::apply_and_recheck(plugin, src, &edits, "deprecated-cdkpipeline");
        assert_eq!(after.model.pipelines[0].class.name(), "CodePipeline");
        Some(out)
    }

    #[test]
    fn python_standard_npm_synth_over_github() {
        let src = r#"from aws_cdk import Stack, pipelines, aws_codepipeline as cp, aws_codepipeline_actions as cpa, SecretValue
class P(Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        source = cp.Artifact()
        cloud = cp.Artifact()
        pipeline = pipelines.CdkPipeline(self, "Pipeline",
            cloud_assembly_artifact=cloud,
            source_action=cpa.GitHubSourceAction(action_name="GitHub", output=source, oauth_token=SecretValue.secrets_manager("gh"), owner="acme", repo="app", branch="main"),
            synth_action=pipelines.SimpleSynthAction.standard_npm_synth(source_artifact=source, cloud_assembly_artifact=cloud, build_command="npm run build"),
            cross_account_keys=True)
        pipeline.add_application_stage(AppStage(self, "Prod"))
"#;
        let out = run(&PYTHON, src).expect("mechanical");
        assert!(out.contains(r#"pipeline = pipelines.CodePipeline(self, "Pipeline", synth=pipelines.ShellStep("Synth", input=pipelines.CodePipelineSource.git_hub("acme/app", "main", authentication=SecretValue.secrets_manager("gh")), install_commands=["npm ci"], commands=["npm run build", "npx cdk synth"]), cross_account_keys=True)"#), "{out}");
        assert!(
            out.contains("pipeline.add_stage(AppStage(self, \"Prod\"))"),
            "{out}"
        );
    }

    #[test]
    fn typescript_connection_source() {
        let src = r#"import * as pipelines from 'aws-cdk-lib/pipelines';
import * as cpa from 'aws-cdk-lib/aws-codepipeline-actions';
export class P extends Stack {
  constructor(scope: any, id: string) {
    super(scope, id);
    const pipeline = new pipelines.CdkPipeline(this, 'Pipeline', {
      cloudAssemblyArtifact: cloud,
      sourceAction: new cpa.CodeStarConnectionsSourceAction({ actionName: 'Src', output: source, connectionArn: 'arn:x', owner: 'acme', repo: 'app', branch: 'main' }),
      synthAction: pipelines.SimpleSynthAction.standardYarnSynth({ sourceArtifact: source, cloudAssemblyArtifact: cloud }),
    });
    pipeline.addApplicationStage(new AppStage(this, 'Prod'));
  }
}
"#;
        let out = run(&TYPESCRIPT, src).expect("mechanical");
        assert!(out.contains("const pipeline = new pipelines.CodePipeline(this, 'Pipeline', { synth: new pipelines.ShellStep('Synth', { input: pipelines.CodePipelineSource.connection('acme/app', 'main', { connectionArn: 'arn:x' }), installCommands: ['yarn install --frozen-lockfile'], commands: ['npx cdk synth'] }) });"), "{out}");
        assert!(out.contains("pipeline.addStage(new AppStage"), "{out}");
    }

    #[test]
    fn not_mechanical_means_no_action() {
        let src = r#"from aws_cdk import Stack, pipelines
class P(Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        pipelines.CdkPipeline(self, "Pipeline", cloud_assembly_artifact=c, source_action=make_source(), synth_action=pipelines.SimpleSynthAction.standard_npm_synth(source_artifact=s, cloud_assembly_artifact=c))
"#;
        assert_eq!(run(&PYTHON, src), None);
    }

    #[test]
    fn go_connection_source_with_a_build_command() {
        let src = "package main\n\nimport (\n\t\"github.com/aws/aws-cdk-go/awscdk/v2\"\n\t\"github.com/aws/aws-cdk-go/awscdk/v2/awscodepipeline\"\n\t\"github.com/aws/aws-cdk-go/awscdk/v2/awscodepipelineactions\"\n\t\"github.com/aws/aws-cdk-go/awscdk/v2/pipelines\"\n\t\"github.com/aws/constructs-go/constructs/v10\"\n\t\"github.com/aws/jsii-runtime-go\"\n)\n\nfunc NewPipelineStack(scope constructs.Construct, id string, props *awscdk.StackProps) awscdk.Stack {\n\tstack := awscdk.NewStack(scope, &id, props)\n\tsource := awscodepipeline.NewArtifact(nil)\n\tcloud := awscodepipeline.NewArtifact(nil)\n\tpipeline := pipelines.NewCdkPipeline(stack, jsii.String(\"Pipeline\"), &pipelines.CdkPipelineProps{\n\t\tCloudAssemblyArtifact: cloud,\n\t\tSourceAction: awscodepipelineactions.NewCodeStarConnectionsSourceAction(&awscodepipelineactions.CodeStarConnectionsSourceActionProps{ActionName: jsii.String(\"Src\"), Output: source, ConnectionArn: jsii.String(\"arn:x\"), Owner: jsii.String(\"acme\"), Repo: jsii.String(\"app\"), Branch: jsii.String(\"main\")}),\n\t\tSynthAction: pipelines.SimpleSynthAction_StandardNpmSynth(&pipelines.StandardNpmSynthOptions{SourceArtifact: source, CloudAssemblyArtifact: cloud, BuildCommand: jsii.String(\"npm run build\")}),\n\t\tCrossAccountKeys: jsii.Bool(true),\n\t})\n\tpipeline.AddApplicationStage(awscdk.NewStage(stack, jsii.String(\"Prod\"), nil), nil)\n\treturn stack\n}\n\nfunc main() {\n\tapp := awscdk.NewApp(nil)\n\tNewPipelineStack(app, \"P\", nil)\n\tapp.Synth(nil)\n}\n";
        let out = run(&GO, src).expect("mechanical");
        assert!(out.contains("\tpipeline := pipelines.NewCodePipeline(stack, jsii.String(\"Pipeline\"), &pipelines.CodePipelineProps{Synth: pipelines.NewShellStep(jsii.String(\"Synth\"), &pipelines.ShellStepProps{Input: pipelines.CodePipelineSource_Connection(jsii.String(\"acme/app\"), jsii.String(\"main\"), &pipelines.ConnectionSourceOptions{ConnectionArn: jsii.String(\"arn:x\")}), InstallCommands: jsii.Strings(\"npm ci\"), Commands: &[]*string{jsii.String(\"npm run build\"), jsii.String(\"npx cdk synth\")}}), CrossAccountKeys: jsii.Bool(true)})\n"), "{out}");
        assert!(
            out.contains("\tpipeline.AddStage(awscdk.NewStage("),
            "{out}"
        );
    }

    /// Java's builder chains: the migrated pipeline is a builder chain again, the stages added
    /// with `addStage`, and the result analyses as a `CodePipeline` (`run` checks it).
    #[test]
    fn java_connection_source_over_a_builder_chain() {
        let src = "import software.amazon.awscdk.*;\nimport software.amazon.awscdk.pipelines.*;\nimport software.amazon.awscdk.services.codepipeline.Artifact;\nimport software.amazon.awscdk.services.codepipeline.actions.CodeStarConnectionsSourceAction;\nimport software.constructs.Construct;\n\npublic class PipelineStack extends Stack {\n    public PipelineStack(final Construct scope, final String id) {\n        super(scope, id);\n        Artifact source = new Artifact();\n        Artifact cloud = new Artifact();\n        CdkPipeline pipeline = CdkPipeline.Builder.create(this, \"Pipeline\")\n            .cloudAssemblyArtifact(cloud)\n            .sourceAction(CodeStarConnectionsSourceAction.Builder.create().actionName(\"Src\").output(source).connectionArn(\"arn:x\").owner(\"acme\").repo(\"app\").branch(\"main\").build())\n            .synthAction(SimpleSynthAction.standardNpmSynth(StandardNpmSynthOptions.builder().sourceArtifact(source).cloudAssemblyArtifact(cloud).build()))\n            .crossAccountKeys(true)\n            .build();\n        pipeline.addApplicationStage(new Stage(this, \"Prod\"));\n    }\n}\n";
        let out = run(&JAVA, src).expect("mechanical");
        // The declared type follows the class, and `List.of` comes with its import.
        assert!(
            out.contains("        CodePipeline pipeline = CodePipeline.Builder.create(this, \"Pipeline\").synth(ShellStep.Builder.create(\"Synth\").input(CodePipelineSource.connection(\"acme/app\", \"main\", ConnectionSourceOptions.builder().connectionArn(\"arn:x\").build())).installCommands(List.of(\"npm ci\")).commands(List.of(\"npx cdk synth\")).build()).crossAccountKeys(true).build();"),
            "{out}"
        );
        assert!(
            out.contains("import software.constructs.Construct;\nimport java.util.List;\n"),
            "{out}"
        );
        assert!(
            out.contains("pipeline.addStage(new Stage(this, \"Prod\"));"),
            "{out}"
        );
        assert!(!out.contains("CdkPipeline.Builder"), "{out}");
    }

    /// Java with the classes imported one by one: the migration brings the pipelines package
    /// whole (the new classes are written bare), and renames the class only in the migrated
    /// statement (another `CdkPipeline` in the file keeps its class, and its import stays).
    #[test]
    fn java_with_single_class_imports_gets_the_package_and_renames_only_its_statement() {
        let src = "import software.amazon.awscdk.*;\nimport software.amazon.awscdk.pipelines.CdkPipeline;\nimport software.amazon.awscdk.pipelines.SimpleSynthAction;\nimport software.amazon.awscdk.pipelines.StandardNpmSynthOptions;\nimport software.amazon.awscdk.services.codepipeline.Artifact;\nimport software.amazon.awscdk.services.codepipeline.actions.CodeStarConnectionsSourceAction;\nimport software.constructs.Construct;\nimport java.util.List;\n\npublic class PipelineStack extends Stack {\n    public PipelineStack(final Construct scope, final String id) {\n        super(scope, id);\n        Artifact source = new Artifact();\n        Artifact cloud = new Artifact();\n        CdkPipeline pipeline = CdkPipeline.Builder.create(this, \"Pipeline\")\n            .cloudAssemblyArtifact(cloud)\n            .sourceAction(CodeStarConnectionsSourceAction.Builder.create().actionName(\"Src\").output(source).connectionArn(\"arn:x\").owner(\"acme\").repo(\"app\").branch(\"main\").build())\n            .synthAction(SimpleSynthAction.standardNpmSynth(StandardNpmSynthOptions.builder().sourceArtifact(source).cloudAssemblyArtifact(cloud).build()))\n            .build();\n    }\n\n    CdkPipeline other;\n}\n";
        let out = run(&JAVA, src).expect("mechanical");
        assert!(
            out.contains("import java.util.List;\nimport software.amazon.awscdk.pipelines.*;\n"),
            "{out}"
        );
        assert!(
            out.contains(
                "        CodePipeline pipeline = CodePipeline.Builder.create(this, \"Pipeline\")"
            ),
            "{out}"
        );
        assert!(
            out.contains("import software.amazon.awscdk.pipelines.CdkPipeline;\n"),
            "{out}"
        );
        assert!(out.contains("    CdkPipeline other;\n"), "{out}");
        assert_eq!(out.matches("import java.util.List;").count(), 1, "{out}");
    }

    /// C#'s initializers: the migrated pipeline's props are an initializer again.
    #[test]
    fn csharp_connection_source_over_an_initializer() {
        let src = "using Amazon.CDK;\nusing Amazon.CDK.Pipelines;\nusing Amazon.CDK.AWS.CodePipeline;\nusing Amazon.CDK.AWS.CodePipeline.Actions;\nusing Constructs;\n\npublic class PipelineStack : Stack\n{\n    public PipelineStack(Construct scope, string id) : base(scope, id)\n    {\n        var source = new Artifact_();\n        var cloud = new Artifact_();\n        var pipeline = new CdkPipeline(this, \"Pipeline\", new CdkPipelineProps\n        {\n            CloudAssemblyArtifact = cloud,\n            SourceAction = new CodeStarConnectionsSourceAction(new CodeStarConnectionsSourceActionProps { ActionName = \"Src\", Output = source, ConnectionArn = \"arn:x\", Owner = \"acme\", Repo = \"app\", Branch = \"main\" }),\n            SynthAction = SimpleSynthAction.StandardNpmSynth(new StandardNpmSynthOptions { SourceArtifact = source, CloudAssemblyArtifact = cloud }),\n            CrossAccountKeys = true,\n        });\n        pipeline.AddApplicationStage(new Stage(this, \"Prod\"));\n    }\n}\n";
        let out = run(&CSHARP, src).expect("mechanical");
        assert!(
            out.contains("new CodePipeline(this, \"Pipeline\", new CodePipelineProps { Synth = new ShellStep(\"Synth\", new ShellStepProps { Input = CodePipelineSource.Connection(\"acme/app\", \"main\", new ConnectionSourceOptions { ConnectionArn = \"arn:x\" }), InstallCommands = new[] { \"npm ci\" }, Commands = new[] { \"npx cdk synth\" } }), CrossAccountKeys = true })"),
            "{out}"
        );
        assert!(
            out.contains("pipeline.AddStage(new Stage(this, \"Prod\"));"),
            "{out}"
        );
    }
}
