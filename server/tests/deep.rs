//! Deeply nested code never crashes pipelens. A generated file with 600 chained calls used to
//! overflow the stack (SIGABRT, which no panic guard catches) — even when it only sat in the
//! app folder and was indexed. Here every hostile shape, at ten times the depths that crashed,
//! goes through the engine on a thread with the language server's 2 MiB stack, through
//! `check`, `model` and `preview` of the real binary, and through `pipelens serve` opened and
//! merely indexed. Each file holds a real pipeline after the deep code, which must still be
//! analysed, and gets one `too-deep` note. The inputs are generated here, not committed.

mod common;
#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod fuzz_checks;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

use common::{find, TestServer};
use pipelens::analysis::analyze_text;
use pipelens::lang::{self, ExtraQueries};
use pipelens::model::NoIndex;

/// Ten times what crashed the language server (600 chained calls, 700 nested calls, 1,500
/// nested brackets) and `check` (2,500 calls, 5,000 brackets), as the security issue asks.
const SERVER_CHAIN: usize = 6_000;
const SERVER_CALLS: usize = 7_000;
const SERVER_BRACKETS: usize = 15_000;
const CLI_CALLS: usize = 25_000;
const CLI_BRACKETS: usize = 50_000;
/// Nesting by indentation (Python blocks) costs a file quadratic in the depth: 1,000 levels is
/// 500 KB, five times what pipelens follows.
const INDENTED: usize = 1_000;
/// Values nested by statements (`x = [x]` again and again) cost the interpreter a copy of the
/// value per statement: 2,500 statements, more than 12 times what pipelens follows.
const STATEMENTS: usize = 2_500;
/// The stack of the language server's analysis threads (tokio's default) and of test threads.
const SMALL_STACK: usize = 2 << 20;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Lang {
    Python,
    TypeScript,
    JavaScript,
    Java,
    CSharp,
    Go,
}

const LANGS: [Lang; 6] = [
    Lang::Python,
    Lang::TypeScript,
    Lang::JavaScript,
    Lang::Java,
    Lang::CSharp,
    Lang::Go,
];

impl Lang {
    fn ext(self) -> &'static str {
        match self {
            Lang::Python => "py",
            Lang::TypeScript => "ts",
            Lang::JavaScript => "js",
            Lang::Java => "java",
            Lang::CSharp => "cs",
            Lang::Go => "go",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::TypeScript => "typescript",
            Lang::JavaScript => "javascript",
            Lang::Java => "java",
            Lang::CSharp => "csharp",
            Lang::Go => "go",
        }
    }

    /// The header byte that picks this language's plugin in the fuzz checks' input.
    fn fuzz_header(self) -> u8 {
        match self {
            Lang::Python => 0,
            Lang::TypeScript => 1,
            Lang::JavaScript => 2,
            Lang::Java => 3,
            Lang::CSharp => 4,
            Lang::Go => 5,
        }
    }

    /// The extension of the generated file that is not pipeline code ([`bundle`]): what a
    /// build of the app writes next to it (JavaScript for TypeScript too).
    fn bundle_ext(self) -> &'static str {
        match self {
            Lang::TypeScript => "js",
            _ => self.ext(),
        }
    }

    /// A real pipeline (one stage, `Dev`, with one stack and a mistyped region: an
    /// `unknown-region` error) after `deep`, at module level.
    fn file(self, deep: &str) -> String {
        match self {
            Lang::Python => format!(
                r#"import aws_cdk as cdk
from aws_cdk import pipelines


class AppStage(cdk.Stage):
    def __init__(self, scope, id, **kwargs):
        super().__init__(scope, id, **kwargs)
        cdk.Stack(self, "Api")

{deep}

class PipelineStack(cdk.Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id, env=cdk.Environment(account="999999999999", region="us-east-1"))
        pipeline = pipelines.CodePipeline(
            self, "Pipeline", cross_account_keys=True,
            synth=pipelines.ShellStep("Synth", input=pipelines.CodePipelineSource.git_hub("acme/app", "main"), commands=["cdk synth"]),
        )
        pipeline.add_stage(AppStage(self, "Dev", env=cdk.Environment(account="111111111111", region="eu-wset-1")))
"#
            ),
            Lang::TypeScript | Lang::JavaScript => {
                let (params, stage_params) = if self == Lang::TypeScript {
                    (
                        "scope: cdk.App, id: string",
                        "scope: cdk.App, id: string, props?: cdk.StageProps",
                    )
                } else {
                    ("scope, id", "scope, id, props")
                };
                format!(
                    r#"import * as cdk from 'aws-cdk-lib';
import * as pipelines from 'aws-cdk-lib/pipelines';

class AppStage extends cdk.Stage {{
  constructor({stage_params}) {{
    super(scope, id, props);
    new cdk.Stack(this, 'Api');
  }}
}}

{deep}

export class PipelineStack extends cdk.Stack {{
  constructor({params}) {{
    super(scope, id, {{ env: {{ account: '999999999999', region: 'us-east-1' }} }});
    const pipeline = new pipelines.CodePipeline(this, 'Pipeline', {{
      crossAccountKeys: true,
      synth: new pipelines.ShellStep('Synth', {{ input: pipelines.CodePipelineSource.gitHub('acme/app', 'main'), commands: ['cdk synth'] }}),
    }});
    pipeline.addStage(new AppStage(this, 'Dev', {{ env: {{ account: '111111111111', region: 'eu-wset-1' }} }}));
  }}
}}
"#
                )
            }
            // Java and C#: `deep` is classes of its own (a shape that must run is `main`'s
            // body, which runs after every class).
            Lang::Java => format!(
                r#"import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Stage;
import software.amazon.awscdk.StageProps;
import software.amazon.awscdk.pipelines.CodePipeline;
import software.amazon.awscdk.pipelines.CodePipelineSource;
import software.amazon.awscdk.pipelines.ShellStep;
import software.constructs.Construct;

import java.util.List;

class AppStage extends Stage {{
    AppStage(final Construct scope, final String id, final StageProps props) {{
        super(scope, id, props);
        new Stack(this, "Api");
    }}
}}

{deep}

public class PipelineStack extends Stack {{
    public PipelineStack(final Construct scope, final String id) {{
        super(scope, id, StackProps.builder()
                .env(Environment.builder().account("999999999999").region("us-east-1").build())
                .build());
        final CodePipeline pipeline = CodePipeline.Builder.create(this, "Pipeline")
                .crossAccountKeys(true)
                .synth(ShellStep.Builder.create("Synth")
                        .input(CodePipelineSource.gitHub("acme/app", "main"))
                        .commands(List.of("cdk synth"))
                        .build())
                .build();
        pipeline.addStage(new AppStage(this, "Dev", StageProps.builder()
                .env(Environment.builder().account("111111111111").region("eu-wset-1").build())
                .build()));
    }}
}}
"#
            ),
            Lang::CSharp => format!(
                r#"using Amazon.CDK;
using Amazon.CDK.Pipelines;
using Constructs;

namespace App
{{
    class AppStage : Stage
    {{
        public AppStage(Construct scope, string id, IStageProps props = null) : base(scope, id, props)
        {{
            new Stack(this, "Api");
        }}
    }}

{deep}

    public class PipelineStack : Stack
    {{
        public PipelineStack(Construct scope, string id) : base(scope, id, new StackProps
        {{
            Env = new Amazon.CDK.Environment {{ Account = "999999999999", Region = "us-east-1" }},
        }})
        {{
            var pipeline = new CodePipeline(this, "Pipeline", new CodePipelineProps
            {{
                CrossAccountKeys = true,
                Synth = new ShellStep("Synth", new ShellStepProps
                {{
                    Input = CodePipelineSource.GitHub("acme/app", "main"),
                    Commands = new[] {{ "cdk synth" }},
                }}),
            }});
            pipeline.AddStage(new AppStage(this, "Dev", new StageProps
            {{
                Env = new Amazon.CDK.Environment {{ Account = "111111111111", Region = "eu-wset-1" }},
            }}));
        }}
    }}
}}
"#
            ),
            // Go: `deep` is declarations; nothing runs but `main`, which calls every function
            // of `deep` named `run…` (a shape that must run), as a generated app's would.
            Lang::Go => {
                let runs: String = deep
                    .lines()
                    .filter_map(|l| l.strip_prefix("func run")?.split_once("()"))
                    .map(|(name, _)| format!("\trun{name}()\n"))
                    .collect();
                format!(
                    r#"package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/pipelines"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

func NewAppStage(scope constructs.Construct, id string, props *awscdk.StageProps) awscdk.Stage {{
	stage := awscdk.NewStage(scope, &id, props)
	awscdk.NewStack(stage, jsii.String("Api"), nil)
	return stage
}}

{deep}

func NewPipelineStack(scope constructs.Construct, id string) awscdk.Stack {{
	stack := awscdk.NewStack(scope, &id, &awscdk.StackProps{{
		Env: &awscdk.Environment{{Account: jsii.String("999999999999"), Region: jsii.String("us-east-1")}},
	}})
	pipeline := pipelines.NewCodePipeline(stack, jsii.String("Pipeline"), &pipelines.CodePipelineProps{{
		CrossAccountKeys: jsii.Bool(true),
		Synth: pipelines.NewShellStep(jsii.String("Synth"), &pipelines.ShellStepProps{{
			Input:    pipelines.CodePipelineSource_GitHub(jsii.String("acme/app"), jsii.String("main"), nil),
			Commands: jsii.Strings("cdk synth"),
		}}),
	}})
	pipeline.AddStage(NewAppStage(stack, "Dev", &awscdk.StageProps{{
		Env: &awscdk.Environment{{Account: jsii.String("111111111111"), Region: jsii.String("eu-wset-1")}},
	}}), nil)
	return stack
}}

func main() {{
	defer jsii.Close()
	app := awscdk.NewApp(nil)
{runs}	NewPipelineStack(app, "PipelineStack")
	app.Synth(nil)
}}
"#
                )
            }
        }
    }
}

/// A deep construct: its name, whether pipelens would follow it (and so must leave out its
/// deepest part, with a note) and its code at module level (Java and C#: classes, Go:
/// declarations; what must run to be noted is where the language runs it: see [`Lang::file`]).
struct Shape {
    name: &'static str,
    noted: bool,
    code: String,
}

fn shape(name: &'static str, noted: bool, code: String) -> Shape {
    Shape { name, noted, code }
}

/// The shapes that share one file in the tests of the binary: the deepest trees (calls, chains,
/// brackets), values nested by statements, and the worst cases for the stack. Every shape is
/// run alone through the engine on a small stack.
const COMBINED: &[&str] = &[
    "chained calls",
    "nested calls",
    "brackets",
    "dicts",
    "objects",
    "subscripts",
    "parentheses",
    "lists built by statements",
    "deep code in deep blocks",
    "calls from deep code",
];

/// Shapes pipelens should note but does not (each `noted`): the engine's known gaps. A gap
/// that no longer occurs fails the test, so that it is taken off this list.
const UNNOTED: &[(Lang, &str, &str)] = &[(
    Lang::CSharp,
    "string interpolation beyond the grammar",
    "tree-sitter-c-sharp's scanner keeps at most 255 nested interpolations: deeper, valid C# \
         is a syntax error, and its line is blanked by the repair with no note",
)];

/// Languages whose region is offered no completion where [`Lang::file`] writes it (in any
/// file, deep or not), and how it is written there. None: completion knows a region by
/// `region=`, `region:`, `Region =`, a builder's `.region(` and jsii's `Region: jsii.String(`.
const NO_REGION_COMPLETION: &[(Lang, &str)] = &[];

/// The [`COMBINED`] shapes a language cannot write, and why.
const SKIPPED: &[(Lang, &str, &str)] = &[
    (
        Lang::Python,
        "objects",
        "Python has no object literal: its dicts are the literal",
    ),
    (
        Lang::TypeScript,
        "dicts",
        "a dict is an object literal: see objects",
    ),
    (
        Lang::JavaScript,
        "dicts",
        "a dict is an object literal: see objects",
    ),
];

#[test]
fn every_combined_shape_is_in_every_language_or_skipped_and_every_gap_is_a_shape() {
    let mut wrong = Vec::new();
    for lang in LANGS {
        let names: Vec<&str> = shapes(lang, SERVER).iter().map(|s| s.name).collect();
        for name in COMBINED {
            let skipped = SKIPPED.iter().any(|(l, n, _)| *l == lang && n == name);
            if names.contains(name) == skipped {
                wrong.push(format!(
                    "{lang:?} {name}: in shapes {}, skipped {skipped}",
                    names.contains(name)
                ));
            }
        }
        for (_, name, _) in UNNOTED.iter().filter(|(l, _, _)| *l == lang) {
            if !shapes(lang, SERVER)
                .iter()
                .any(|s| s.name == *name && s.noted)
            {
                wrong.push(format!(
                    "{lang:?} {name}: listed as unnoted, not a noted shape"
                ));
            }
        }
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        if unique.len() != names.len() {
            wrong.push(format!("{lang:?}: a shape name twice"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

fn nest(open: &str, inner: &str, close: &str, n: usize) -> String {
    format!("{}{inner}{}", open.repeat(n), close.repeat(n))
}

/// Blocks nested a little deeper than pipelens follows, with an expression nested a little
/// deeper than it follows at every level: the most stack a lowering takes.
const WORST_BLOCKS: usize = 120;
const WORST_EXPRESSION: usize = 150;
/// Functions that call the next one (the last calls the first) from as deep as pipelens
/// follows, in blocks and in an expression: the most stack the interpreter takes.
const WORST_CALLS: usize = 8;
const WORST_CALL_BLOCKS: usize = 95;
const WORST_CALL_EXPRESSION: usize = 95;

/// Python: `n` blocks nested by indentation, each opened by `open` and holding `line(i)` first.
fn python_blocks(open: &str, line: impl Fn(usize) -> String, n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        out.push_str(&format!(
            "{}{open}\n{} {}\n",
            " ".repeat(i),
            " ".repeat(i),
            line(i)
        ));
    }
    out
}

fn indented(line: &str, body: &str, n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        out.push_str(&" ".repeat(i));
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&" ".repeat(n));
    out.push_str(body);
    out.push('\n');
    out
}

/// How deep the shapes nest.
#[derive(Clone, Copy)]
struct Depths {
    /// Calls, chains and the like.
    calls: usize,
    /// Brackets and the like.
    brackets: usize,
    /// Blocks nested by indentation.
    indented: usize,
    /// Values nested by statements.
    statements: usize,
}

const CLI: Depths = Depths {
    calls: CLI_CALLS,
    brackets: CLI_BRACKETS,
    indented: INDENTED,
    statements: STATEMENTS,
};

const SERVER: Depths = Depths {
    calls: SERVER_CALLS,
    brackets: SERVER_BRACKETS,
    indented: INDENTED,
    statements: STATEMENTS,
};

/// Every deep shape of a language. Names are unique per shape so that several can share a
/// file.
fn shapes(lang: Lang, depths: Depths) -> Vec<Shape> {
    let Depths {
        calls,
        brackets,
        indented: blocks,
        statements,
    } = depths;
    match lang {
        Lang::Java => return java_shapes(depths),
        Lang::CSharp => return csharp_shapes(depths),
        Lang::Go => return go_shapes(depths),
        Lang::Python | Lang::TypeScript | Lang::JavaScript => {}
    }
    let mut out = Vec::new();
    if lang == Lang::Python {
        out.extend([
            shape(
                "chained calls",
                true,
                format!("chain = a{}", ".b()".repeat(calls)),
            ),
            shape(
                "nested calls",
                true,
                format!("calls = {}", nest("f(", "1", ")", calls)),
            ),
            shape(
                "brackets",
                true,
                format!("brackets = {}", nest("[", "", "]", brackets)),
            ),
            shape(
                "dicts",
                true,
                format!("dicts = {}", nest("{'a': ", "1", "}", brackets)),
            ),
            shape(
                "attributes",
                true,
                format!("attrs = a{}", ".b".repeat(calls)),
            ),
            shape(
                "subscripts",
                true,
                format!("subs = {}", nest("a[", "1", "]", brackets)),
            ),
            shape(
                "parentheses",
                true,
                format!("parens = {}", nest("(", "1", ")", brackets)),
            ),
            shape(
                "arithmetic",
                // `+` is in the IR (strings joined, numbers added): cut at the bound, noted.
                true,
                format!("arith = {}", nest("1 + (", "1", ")", brackets)),
            ),
            shape(
                "lambdas",
                true,
                format!("lambdas = {}1", "lambda: ".repeat(calls)),
            ),
            shape(
                "comprehensions",
                true,
                format!("comps = {}", nest("[", "1", " for x in a]", brackets)),
            ),
            shape(
                "comparisons",
                true,
                format!("cmps = {}", nest("(1 == ", "1", ")", brackets)),
            ),
            shape(
                "conditions",
                true,
                format!("conds = {}", nest("not (1 and ", "1", ")", brackets)),
            ),
            shape(
                "f-strings",
                false,
                format!("fstrings = {}", nest("f'{", "1", "}'", calls)),
            ),
            shape(
                "assignments",
                true,
                format!("{}1", "assigned = ".repeat(calls)),
            ),
            shape(
                "targets",
                true,
                format!("{} = (1,)", nest("(", "target", ",)", brackets)),
            ),
            shape("ifs", true, indented("if ok:", "pass", blocks)),
            shape("functions", true, indented("def f():", "pass", blocks)),
            shape("classes", true, indented("class C:", "pass", blocks)),
            shape(
                "lists built by statements",
                true,
                format!("built = 1\n{}", "built = [built]\n".repeat(statements)),
            ),
            shape(
                "attributes built by statements",
                true,
                format!("got = a\n{}", "got = got.b\n".repeat(statements)),
            ),
            shape(
                "lists doubled by statements",
                true,
                format!("twice = 1\n{}", "twice = [twice, twice]\n".repeat(64)),
            ),
            shape(
                "deep code in deep blocks",
                true,
                python_blocks(
                    "if ok:",
                    |i| format!("x{i} = {}", nest("f(", "1", ")", WORST_EXPRESSION)),
                    WORST_BLOCKS,
                ),
            ),
            shape("calls from deep code", true, {
                let mut out = String::new();
                for f in 0..WORST_CALLS {
                    let next = (f + 1) % WORST_CALLS;
                    let call = nest("g(", &format!("f{next}()"), ")", WORST_CALL_EXPRESSION);
                    let body = python_blocks("if ok:", |_| "pass".into(), WORST_CALL_BLOCKS);
                    let body: String = body.lines().map(|l| format!(" {l}\n")).collect();
                    out.push_str(&format!(
                        "def f{f}():\n{body}{} x = {call}\n",
                        " ".repeat(WORST_CALL_BLOCKS)
                    ));
                }
                out + "f0()\n"
            }),
        ]);
    } else {
        out.extend([
            shape(
                "chained calls",
                true,
                format!("const chain = a{};", ".b()".repeat(calls)),
            ),
            shape(
                "nested calls",
                true,
                format!("const calls = {};", nest("f(", "1", ")", calls)),
            ),
            shape(
                "constructions",
                true,
                format!("const news = {};", nest("new A(", "1", ")", calls)),
            ),
            shape(
                "brackets",
                true,
                format!("const brackets = {};", nest("[", "", "]", brackets)),
            ),
            shape(
                "objects",
                true,
                format!("const objects = {};", nest("{a: ", "1", "}", brackets)),
            ),
            shape(
                "attributes",
                true,
                format!("const attrs = a{};", ".b".repeat(calls)),
            ),
            shape(
                "subscripts",
                true,
                format!("const subs = {};", nest("a[", "1", "]", brackets)),
            ),
            shape(
                "parentheses",
                true,
                format!("const parens = {};", nest("(", "1", ")", brackets)),
            ),
            shape(
                "arithmetic",
                true,
                format!("const arith = {};", nest("1 + (", "1", ")", brackets)),
            ),
            shape(
                "arrow functions",
                true,
                format!("const arrows = {}1;", "() => ".repeat(calls)),
            ),
            shape(
                "forEach bodies",
                true,
                nest("a.forEach((x) => { ", "f();", " });", brackets),
            ),
            shape(
                "map bodies returning",
                true,
                format!(
                    "const maps = {};",
                    nest("a.map(function (x) { g(); return ", "1", "; })", calls)
                ),
            ),
            shape(
                "comparisons",
                true,
                format!("const cmps = {};", nest("(1 === ", "1", ")", brackets)),
            ),
            shape(
                "conditions",
                true,
                format!("const conds = {};", nest("!(1 && ", "1", ")", brackets)),
            ),
            shape(
                "templates",
                true,
                format!("const templates = {};", nest("`${", "1", "}`", calls)),
            ),
            shape(
                "awaits",
                true,
                format!(
                    "async function awaits() {{ return {}1; }}",
                    "await ".repeat(calls)
                ),
            ),
            shape(
                "array patterns",
                true,
                format!("const {} = x;", nest("[", "arr", "]", brackets)),
            ),
            shape(
                "object patterns",
                true,
                format!("const {} = x;", nest("{a: ", "obj", "}", brackets)),
            ),
            shape("blocks", true, nest("{", "", "}", brackets)),
            shape("ifs", true, nest("if (ok) {", "", "}", brackets)),
            shape(
                "else ifs",
                true,
                format!("if (ok) {{}}{}", " else if (ok) {}".repeat(calls)),
            ),
            shape("functions", true, nest("function f() {", "", "}", calls)),
            shape("classes", true, nest("class C { m() {", "", "} }", calls)),
            shape(
                "lists built by statements",
                true,
                format!(
                    "let built = 1;\n{}",
                    "built = [built];\n".repeat(statements)
                ),
            ),
            shape(
                "attributes built by statements",
                true,
                format!("let got = a;\n{}", "got = got.b;\n".repeat(statements)),
            ),
            shape(
                "lists doubled by statements",
                true,
                format!("let twice = 1;\n{}", "twice = [twice, twice];\n".repeat(64)),
            ),
            shape(
                "deep code in deep blocks",
                true,
                nest(
                    &format!(
                        "if (ok) {{ x = {}; ",
                        nest("f(", "1", ")", WORST_EXPRESSION)
                    ),
                    "",
                    "}",
                    WORST_BLOCKS,
                ),
            ),
            shape(
                "deep code in deep classes",
                true,
                nest(
                    &format!(
                        "class C {{ m() {{ x = {}; ",
                        nest("f(", "1", ")", WORST_EXPRESSION)
                    ),
                    "",
                    "} }",
                    WORST_BLOCKS,
                ),
            ),
            shape("calls from deep code", true, {
                let mut out = String::new();
                for f in 0..WORST_CALLS {
                    let next = (f + 1) % WORST_CALLS;
                    let call = nest("g(", &format!("f{next}()"), ")", WORST_CALL_EXPRESSION);
                    let body = nest(
                        "if (ok) { ",
                        &format!("x = {call};"),
                        " }",
                        WORST_CALL_BLOCKS,
                    );
                    out.push_str(&format!("function f{f}() {{ {body} }}\n"));
                }
                out + "f0();"
            }),
        ]);
        if lang == Lang::TypeScript {
            out.extend([
                shape(
                    "type casts",
                    true,
                    format!("const casts = a{};", " as any".repeat(calls)),
                ),
                shape(
                    "non-null assertions",
                    true,
                    format!("const bangs = a{};", "!".repeat(calls)),
                ),
            ]);
        }
    }
    out
}

/// Java: an expression as the static field of a class of its own (a generated table), and
/// statements as the body of a class's `main` (they run, after every class of the file).
fn java_value(class: &str, expr: &str) -> String {
    format!("final class {class} {{\n    static final Object VALUE = {expr};\n}}\n")
}

fn java_main(class: &str, body: &str) -> String {
    format!(
        "final class {class} {{\n    public static void main(final String[] args) {{\n{body}\n    }}\n}}\n"
    )
}

fn java_shapes(depths: Depths) -> Vec<Shape> {
    let Depths {
        calls,
        brackets,
        statements,
        ..
    } = depths;
    vec![
        shape(
            "chained calls",
            true,
            java_value("Chain", &format!("a{}", ".b()".repeat(calls))),
        ),
        shape(
            "builder chains",
            // One setter after another is a loop of the lowering, and one prop: nothing deep.
            false,
            java_value(
                "Built",
                &format!(
                    "Bucket.Builder.create(scope, \"Bucket\"){}.build()",
                    ".versioned(true)".repeat(calls)
                ),
            ),
        ),
        shape(
            "nested calls",
            true,
            java_value("Calls", &nest("f(", "1", ")", calls)),
        ),
        shape(
            "constructions",
            true,
            java_value("News", &nest("new A(", "1", ")", calls)),
        ),
        shape(
            "brackets",
            true,
            format!(
                "final class Brackets {{\n    static final Object[] VALUE = {};\n}}\n",
                nest("{", "", "}", brackets)
            ),
        ),
        shape(
            "arrays",
            true,
            java_value("Arrays", &nest("new Object[] {", "", "}", calls)),
        ),
        shape(
            "lists",
            true,
            java_value("Lists", &nest("List.of(", "1", ")", calls)),
        ),
        shape(
            "dicts",
            true,
            java_value("Dicts", &nest("Map.of(\"a\", ", "1", ")", calls)),
        ),
        shape(
            "objects",
            // Builders in builders: the props of props.
            true,
            java_value(
                "Objects",
                &nest("StageProps.builder().env(", "1", ").build()", calls),
            ),
        ),
        shape(
            "attributes",
            true,
            java_value("Attrs", &format!("a{}", ".b".repeat(calls))),
        ),
        shape(
            "subscripts",
            true,
            java_value("Subs", &nest("a[", "1", "]", brackets)),
        ),
        shape(
            "gets",
            true,
            java_value("Gets", &nest("a.get(", "1", ")", calls)),
        ),
        shape(
            "parentheses",
            true,
            java_value("Parens", &nest("(", "1", ")", brackets)),
        ),
        shape(
            "arithmetic",
            true,
            java_value("Arith", &nest("1 + (", "1", ")", brackets)),
        ),
        shape(
            "lambdas",
            true,
            java_value("Lambdas", &format!("{}1", "() -> ".repeat(calls))),
        ),
        shape(
            "comparisons",
            true,
            java_value("Cmps", &nest("(1 == ", "1", ")", brackets)),
        ),
        shape(
            "conditions",
            true,
            java_value("Conds", &nest("!(ok && ", "ok", ")", brackets)),
        ),
        shape(
            "ternaries",
            true,
            java_value("Ternaries", &format!("{}1", "ok ? 1 : ".repeat(calls))),
        ),
        shape(
            "casts",
            true,
            java_value("Casts", &format!("{}a", "(Object) ".repeat(calls))),
        ),
        shape(
            "assignments",
            // An assignment inside an expression is not followed at all: unknown, not cut.
            false,
            java_main("Assigned", &format!("{}1;", "assigned = ".repeat(calls))),
        ),
        shape(
            "blocks",
            true,
            java_main("Blocks", &nest("{", "", "}", brackets)),
        ),
        shape(
            "ifs",
            true,
            java_main("Ifs", &nest("if (ok) {", "", "}", brackets)),
        ),
        shape(
            "else ifs",
            true,
            java_main(
                "ElseIfs",
                &format!("if (ok) {{}}{}", " else if (ok) {}".repeat(calls)),
            ),
        ),
        shape(
            "classes",
            true,
            java_main("Classes", &nest("class C { void m() {", "", "} }", calls)),
        ),
        shape(
            "member classes",
            true,
            nest("class Member { ", "", " }", calls),
        ),
        shape(
            "lambda bodies",
            true,
            java_main(
                "LambdaBodies",
                &nest("r = () -> { ", "f();", " };", brackets),
            ),
        ),
        shape(
            "forEach bodies",
            true,
            java_main(
                "ForEachBodies",
                &nest("a.forEach(x -> { ", "f();", " });", brackets),
            ),
        ),
        shape(
            "map bodies returning",
            true,
            java_value(
                "Maps",
                &nest("a.stream().map(x -> { g(); return ", "1", "; })", calls),
            ),
        ),
        shape(
            "lists built by statements",
            true,
            java_main(
                "BuiltList",
                &format!(
                    "Object built = 1;\n{}",
                    "built = List.of(built);\n".repeat(statements)
                ),
            ),
        ),
        shape(
            "attributes built by statements",
            true,
            java_main(
                "BuiltAttrs",
                &format!("Object got = a;\n{}", "got = got.b;\n".repeat(statements)),
            ),
        ),
        shape(
            "lists doubled by statements",
            true,
            java_main(
                "Doubled",
                &format!(
                    "Object twice = 1;\n{}",
                    "twice = List.of(twice, twice);\n".repeat(64)
                ),
            ),
        ),
        shape(
            "deep code in deep blocks",
            true,
            java_main(
                "DeepBlocks",
                &nest(
                    &format!(
                        "if (ok) {{ x = {}; ",
                        nest("f(", "1", ")", WORST_EXPRESSION)
                    ),
                    "",
                    "}",
                    WORST_BLOCKS,
                ),
            ),
        ),
        shape(
            "deep code in deep classes",
            true,
            java_main(
                "DeepClasses",
                &nest(
                    &format!(
                        "class C {{ void m() {{ x = {}; ",
                        nest("f(", "1", ")", WORST_EXPRESSION)
                    ),
                    "",
                    "} }",
                    WORST_BLOCKS,
                ),
            ),
        ),
        shape("calls from deep code", true, {
            let mut out = String::from("final class DeepCalls {\n");
            for f in 0..WORST_CALLS {
                let next = (f + 1) % WORST_CALLS;
                let call = nest("g(", &format!("f{next}()"), ")", WORST_CALL_EXPRESSION);
                let body = nest(
                    "if (ok) { ",
                    &format!("x = {call};"),
                    " }",
                    WORST_CALL_BLOCKS,
                );
                out.push_str(&format!("    static void f{f}() {{ {body} }}\n"));
            }
            out + "    public static void main(final String[] args) { f0(); }\n}\n"
        }),
    ]
}

/// C#: an expression as the static field of a class of its own, and statements as the body
/// of a class's `Main` (they run, after every class of the file).
fn csharp_value(class: &str, expr: &str) -> String {
    format!("    static class {class}\n    {{\n        static readonly object Value = {expr};\n    }}\n")
}

fn csharp_main(class: &str, body: &str) -> String {
    format!(
        "    static class {class}\n    {{\n        static void Main()\n        {{\n{body}\n        }}\n    }}\n"
    )
}

fn csharp_shapes(depths: Depths) -> Vec<Shape> {
    let Depths {
        calls,
        brackets,
        statements,
        ..
    } = depths;
    vec![
        shape(
            "chained calls",
            true,
            csharp_value("Chain", &format!("a{}", ".B()".repeat(calls))),
        ),
        shape(
            "nested calls",
            true,
            csharp_value("Calls", &nest("F(", "1", ")", calls)),
        ),
        shape(
            "constructions",
            true,
            csharp_value("News", &nest("new A(", "1", ")", calls)),
        ),
        shape(
            "brackets",
            // Collection expressions.
            true,
            csharp_value("Brackets", &nest("[", "", "]", brackets)),
        ),
        shape(
            "arrays",
            true,
            csharp_value("Arrays", &nest("new[] { ", "1", " }", calls)),
        ),
        shape(
            "collection initializers",
            true,
            csharp_value("Lists", &nest("new List<object> { ", "1", " }", calls)),
        ),
        shape(
            "dicts",
            true,
            csharp_value(
                "Dicts",
                &nest("new Dictionary<string, object> { [\"a\"] = ", "1", " }", calls),
            ),
        ),
        shape(
            "objects",
            // Object initializers: props in props.
            true,
            csharp_value("Objects", &nest("new StageProps { Env = ", "1", " }", brackets)),
        ),
        shape(
            "target-typed objects",
            true,
            csharp_value("Implicit", &nest("new() { Env = ", "1", " }", calls)),
        ),
        shape(
            "anonymous objects",
            true,
            csharp_value("Anonymous", &nest("new { A = ", "1", " }", calls)),
        ),
        shape(
            "attributes",
            true,
            csharp_value("Attrs", &format!("a{}", ".B".repeat(calls))),
        ),
        shape(
            "conditional accesses",
            true,
            csharp_value("Nullable", &format!("a{}", "?.B".repeat(calls))),
        ),
        shape(
            "subscripts",
            true,
            csharp_value("Subs", &nest("a[", "1", "]", brackets)),
        ),
        shape(
            "parentheses",
            true,
            csharp_value("Parens", &nest("(", "1", ")", brackets)),
        ),
        shape(
            "arithmetic",
            true,
            csharp_value("Arith", &nest("1 + (", "1", ")", brackets)),
        ),
        shape(
            "lambdas",
            true,
            csharp_value("Lambdas", &format!("{}1", "() => ".repeat(calls))),
        ),
        shape(
            "comparisons",
            true,
            csharp_value("Cmps", &nest("(1 == ", "1", ")", brackets)),
        ),
        shape(
            "conditions",
            true,
            csharp_value("Conds", &nest("!(ok && ", "ok", ")", brackets)),
        ),
        shape(
            "ternaries",
            true,
            csharp_value("Ternaries", &format!("{}1", "ok ? 1 : ".repeat(calls))),
        ),
        shape(
            "null coalescing",
            true,
            csharp_value("Coalesced", &nest("a ?? (", "1", ")", brackets)),
        ),
        shape(
            "string interpolation",
            // As deep as tree-sitter-c-sharp parses (see `UNNOTED`).
            true,
            csharp_value("Interpolated", &nest("$\"{", "1", "}\"", 255)),
        ),
        shape(
            "string interpolation beyond the grammar",
            true,
            csharp_value("Interpolations", &nest("$\"{", "1", "}\"", calls)),
        ),
        shape(
            "casts",
            true,
            csharp_value("Casts", &format!("{}a", "(object)".repeat(calls))),
        ),
        shape(
            "as casts",
            true,
            csharp_value("AsCasts", &format!("a{}", " as object".repeat(calls))),
        ),
        shape(
            "null-forgiving",
            true,
            csharp_value("Forgiven", &format!("a{}", "!".repeat(calls))),
        ),
        shape(
            "awaits",
            true,
            format!(
                "    static class Awaits\n    {{\n        static async Task<object> Run() {{ return {}1; }}\n    }}\n",
                "await ".repeat(calls)
            ),
        ),
        shape(
            "assignments",
            // An assignment inside an expression is not followed at all: unknown, not cut.
            false,
            csharp_main("Assigned", &format!("{}1;", "assigned = ".repeat(calls))),
        ),
        shape(
            "blocks",
            true,
            csharp_main("Blocks", &nest("{", "", "}", brackets)),
        ),
        shape(
            "ifs",
            true,
            csharp_main("Ifs", &nest("if (ok) {", "", "}", brackets)),
        ),
        shape(
            "else ifs",
            true,
            csharp_main(
                "ElseIfs",
                &format!("if (ok) {{}}{}", " else if (ok) {}".repeat(calls)),
            ),
        ),
        shape(
            "functions",
            // Local functions.
            true,
            csharp_main("Functions", &nest("void F() { ", "", " }", calls)),
        ),
        shape(
            "classes",
            true,
            nest("    class Nested { ", "", " }\n", calls),
        ),
        shape(
            "ForEach bodies",
            true,
            csharp_main(
                "ForEachBodies",
                &nest("a.ForEach(x => { ", "F();", " });", brackets),
            ),
        ),
        shape(
            "Select bodies returning",
            true,
            csharp_value(
                "Selects",
                &nest("a.Select(x => { G(); return ", "1", "; })", calls),
            ),
        ),
        shape(
            "lists built by statements",
            true,
            csharp_main(
                "BuiltList",
                &format!(
                    "object built = 1;\n{}",
                    "built = new[] { built };\n".repeat(statements)
                ),
            ),
        ),
        shape(
            "attributes built by statements",
            true,
            csharp_main(
                "BuiltAttrs",
                &format!("object got = a;\n{}", "got = got.B;\n".repeat(statements)),
            ),
        ),
        shape(
            "lists doubled by statements",
            true,
            csharp_main(
                "Doubled",
                &format!(
                    "object twice = 1;\n{}",
                    "twice = new[] { twice, twice };\n".repeat(64)
                ),
            ),
        ),
        shape(
            "deep code in deep blocks",
            true,
            csharp_main(
                "DeepBlocks",
                &nest(
                    &format!(
                        "if (ok) {{ x = {}; ",
                        nest("F(", "1", ")", WORST_EXPRESSION)
                    ),
                    "",
                    "}",
                    WORST_BLOCKS,
                ),
            ),
        ),
        shape(
            "deep code in deep classes",
            true,
            nest(
                &format!(
                    "    class C {{ void M() {{ x = {}; }} ",
                    nest("F(", "1", ")", WORST_EXPRESSION)
                ),
                "",
                "}\n",
                WORST_BLOCKS,
            ),
        ),
        shape("calls from deep code", true, {
            let mut out = String::from("    static class DeepCalls\n    {\n");
            for f in 0..WORST_CALLS {
                let next = (f + 1) % WORST_CALLS;
                let call = nest("G(", &format!("F{next}()"), ")", WORST_CALL_EXPRESSION);
                let body = nest(
                    "if (ok) { ",
                    &format!("x = {call};"),
                    " }",
                    WORST_CALL_BLOCKS,
                );
                out.push_str(&format!("        static void F{f}() {{ {body} }}\n"));
            }
            out + "        static void Main() { F0(); }\n    }\n"
        }),
    ]
}

/// Go: an expression as a package-level variable, and statements as the body of a function
/// `run…`, which the file's `main` calls (see [`Lang::file`]).
fn go_value(name: &str, expr: &str) -> String {
    format!("var {name} = {expr}\n")
}

fn go_run(name: &str, body: &str) -> String {
    format!("func run{name}() {{\n{body}\n}}\n")
}

fn go_shapes(depths: Depths) -> Vec<Shape> {
    let Depths {
        calls,
        brackets,
        statements,
        ..
    } = depths;
    vec![
        shape(
            "chained calls",
            true,
            go_value("chain", &format!("a{}", ".B()".repeat(calls))),
        ),
        shape(
            "nested calls",
            true,
            go_value("calls", &nest("f(", "1", ")", calls)),
        ),
        shape(
            "constructions",
            // A package's `NewX` is class `X`'s constructor.
            true,
            go_value("news", &nest("lib.NewA(", "nil", ")", calls)),
        ),
        shape(
            "jsii values",
            // `jsii.String(x)` is `x`.
            true,
            go_value("wrapped", &nest("jsii.String(", "\"a\"", ")", calls)),
        ),
        shape(
            "brackets",
            // Slice literals.
            true,
            go_value("brackets", &nest("[]any{", "", "}", brackets)),
        ),
        shape(
            "elided literals",
            // Composite literals in one, their type left out.
            true,
            go_value("elided", &format!("[]any{}", nest("{", "", "}", brackets))),
        ),
        shape(
            "dicts",
            // Map literals.
            true,
            go_value("dicts", &nest("map[string]any{\"a\": ", "1", "}", calls)),
        ),
        shape(
            "objects",
            // Struct literals, taken by address: props in props.
            true,
            go_value(
                "objects",
                &nest("&awscdk.StageProps{Env: ", "nil", "}", brackets),
            ),
        ),
        shape(
            "pointers",
            // `&` and `*` are the value itself.
            true,
            go_value("pointers", &format!("{}a", "*&".repeat(calls / 2))),
        ),
        shape(
            "attributes",
            true,
            go_value("attrs", &format!("a{}", ".b".repeat(calls))),
        ),
        shape(
            "subscripts",
            true,
            go_value("subs", &nest("a[", "1", "]", brackets)),
        ),
        shape(
            "parentheses",
            true,
            go_value("parens", &nest("(", "1", ")", brackets)),
        ),
        shape(
            "arithmetic",
            true,
            go_value("arith", &nest("1 + (", "1", ")", brackets)),
        ),
        shape(
            "lambdas",
            true,
            go_value("lambdas", &nest("func() any { return ", "1", " }", calls)),
        ),
        shape(
            "comparisons",
            true,
            go_value("cmps", &nest("(1 == ", "1", ")", brackets)),
        ),
        shape(
            "conditions",
            true,
            go_value("conds", &nest("!(ok && ", "ok", ")", brackets)),
        ),
        shape(
            "string formatting",
            // `fmt.Sprintf("%s", x)` is a template.
            true,
            go_value("formatted", &nest("fmt.Sprintf(\"%s\", ", "1", ")", calls)),
        ),
        shape(
            "type assertions",
            true,
            go_value("asserted", &format!("a{}", ".(any)".repeat(calls))),
        ),
        shape(
            "blocks",
            true,
            go_run("Blocks", &nest("{", "", "}", brackets)),
        ),
        shape(
            "ifs",
            true,
            go_run("Ifs", &nest("if ok {", "", "}", brackets)),
        ),
        shape(
            "else ifs",
            true,
            go_run(
                "ElseIfs",
                &format!("if ok {{}}{}", " else if ok {}".repeat(calls)),
            ),
        ),
        shape(
            "function literals",
            true,
            go_run("Funcs", &nest("f = func() { ", "", " }", calls)),
        ),
        shape(
            "range loops",
            true,
            go_run(
                "Ranges",
                &nest("for _, x := range a { ", "f(x)", " }", brackets),
            ),
        ),
        shape(
            "lists built by statements",
            true,
            go_run(
                "BuiltList",
                &format!(
                    "var built any = 1\n{}",
                    "built = []any{built}\n".repeat(statements)
                ),
            ),
        ),
        shape(
            "lists built in init",
            // Go runs every `init` of a package before `main`.
            true,
            format!(
                "func init() {{\n\tvar inited any = 1\n{}}}\n",
                "\tinited = []any{inited}\n".repeat(statements)
            ),
        ),
        shape(
            "attributes built by statements",
            true,
            go_run(
                "BuiltAttrs",
                &format!("got := a\n{}", "got = got.b\n".repeat(statements)),
            ),
        ),
        shape(
            "lists doubled by statements",
            true,
            go_run(
                "Doubled",
                &format!(
                    "var twice any = 1\n{}",
                    "twice = []any{twice, twice}\n".repeat(64)
                ),
            ),
        ),
        shape(
            "deep code in deep blocks",
            true,
            go_run(
                "DeepBlocks",
                &nest(
                    &format!("if ok {{ x = {}; ", nest("f(", "1", ")", WORST_EXPRESSION)),
                    "",
                    "}",
                    WORST_BLOCKS,
                ),
            ),
        ),
        shape("calls from deep code", true, {
            let mut out = String::new();
            for f in 0..WORST_CALLS {
                let next = (f + 1) % WORST_CALLS;
                let call = nest("g(", &format!("f{next}()"), ")", WORST_CALL_EXPRESSION);
                let body = nest("if ok { ", &format!("x = {call}"), " }", WORST_CALL_BLOCKS);
                out.push_str(&format!("func f{f}() {{ {body} }}\n"));
            }
            out + &go_run("DeepCalls", "f0()")
        }),
    ]
}

/// Runs `f` on a thread with the language server's stack size; a stack overflow there aborts
/// the whole test binary, which is how these tests fail on code without the depth bound.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

fn plugin(lang: Lang) -> &'static lang::Plugin {
    lang::for_language_id(lang.id()).unwrap()
}

/// The engine, everything it does with a file (the fuzz target `analyze`: analysis, stage
/// prediction and its pictures, outline, hover, completion and code actions at places spread
/// over the file; `edits`: incremental re-parse and re-lowering after an edit), on every
/// shape of every language, on a small stack. The pipeline after the deep code is analysed,
/// with one note for the file when pipelens left something out.
#[test]
fn the_engine_follows_the_rest_of_a_deep_file_on_a_small_stack() {
    on_small_stack(|| {
        let mut wrong = Vec::new();
        for lang in LANGS {
            for s in shapes(lang, SERVER) {
                let text = lang.file(&s.code);
                let what = format!("{lang:?} {}", s.name);
                let a = analyze_text(
                    plugin(lang),
                    &text,
                    None,
                    &NoIndex,
                    &ExtraQueries::default(),
                );
                let stages: Vec<_> = a
                    .model
                    .pipelines
                    .iter()
                    .flat_map(|p| &p.stages)
                    .map(|s| s.id.as_deref())
                    .collect();
                let codes: Vec<&str> = a.diagnostics.iter().map(|d| d.code).collect();
                let notes = codes.iter().filter(|c| **c == "too-deep").count();
                // A known gap gets no note, until it is fixed and taken off the list.
                let unnoted = UNNOTED.iter().any(|(l, n, _)| *l == lang && *n == s.name);
                if stages != [Some("Dev")]
                    || !codes.contains(&"unknown-region")
                    || notes != usize::from(s.noted && !unnoted)
                {
                    wrong.push(format!("{what}: stages {stages:?}, diagnostics {codes:?}"));
                }

                let header = lang.fuzz_header();
                fuzz_checks::analyze::check(&[&[header][..], text.as_bytes()].concat());
                // Type a line break at the start of line 1.
                let edits = [fuzz_checks::SEP, 1, 0, 0, 0, 0, 0, 0, 0x40];
                fuzz_checks::edits::check(&[&[header][..], text.as_bytes(), &edits].concat());
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    });
}

/// An app folder with `cdk.json`.
fn app() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cdk.json"), r#"{"app": "true"}"#).unwrap();
    dir
}

/// The [`COMBINED`] shapes of a language in one file, before the pipeline.
fn all_shapes(lang: Lang, depths: Depths) -> String {
    let parts: Vec<String> = shapes(lang, depths)
        .into_iter()
        .filter(|s| COMBINED.contains(&s.name))
        .map(|s| s.code)
        .collect();
    lang.file(&parts.join("\n\n"))
}

/// A generated file that is not pipeline code: the shapes that crashed, and a value nested by
/// statements.
fn bundle(lang: Lang, depths: Depths) -> String {
    let crashed = [
        "chained calls",
        "nested calls",
        "brackets",
        "lists built by statements",
    ];
    let parts: Vec<String> = shapes(lang, depths)
        .into_iter()
        .filter(|s| crashed.contains(&s.name))
        .map(|s| s.code)
        .collect();
    let code = parts.join("\n\n") + "\n";
    match lang {
        Lang::Go => format!("package generated\n\n{code}"),
        // The C# shapes are members of a namespace.
        Lang::CSharp => format!("namespace Generated\n{{\n{code}}}\n"),
        _ => code,
    }
}

fn pipelens(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pipelens"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .unwrap()
}

/// The process exited with `code`, not killed by a signal.
fn exited(out: &Output, code: i32, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{what}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn check_model_and_preview_read_the_rest_of_a_deep_file() {
    for lang in LANGS {
        let dir = app();
        // An absolute path: the app's index is built from the file's folder.
        let file = dir.path().join(format!("pipeline.{}", lang.ext()));
        let abs = file.to_str().unwrap();
        std::fs::write(&file, all_shapes(lang, CLI)).unwrap();
        // Not pipeline code, merely in the app: indexed by every command.
        let ext = lang.bundle_ext();
        std::fs::write(dir.path().join(format!("bundle.{ext}")), bundle(lang, CLI)).unwrap();
        let what = format!("{lang:?}");

        let out = pipelens(&["check", abs, "--offline", "--format", "json"], dir.path());
        exited(&out, 1, &what);
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        let codes: Vec<&str> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&"unknown-region"), "{what}: {codes:?}");
        assert_eq!(
            codes.iter().filter(|c| **c == "too-deep").count(),
            1,
            "one note for the file: {codes:?}"
        );

        // The whole app, the bundle included: one note for each file.
        let out = pipelens(&["check", ".", "--offline", "--format", "json"], dir.path());
        exited(&out, 1, &what);
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut noted: Vec<&str> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "too-deep")
            .map(|d| d["file"].as_str().unwrap())
            .collect();
        noted.sort();
        assert_eq!(noted.len(), 2, "{what}: {noted:?}");
        assert!(
            noted.iter().any(|f| f.ends_with(&format!("bundle.{ext}"))),
            "{noted:?}"
        );

        let out = pipelens(&["model", abs, "--format", "json"], dir.path());
        exited(&out, 0, &what);
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["pipelines"][0]["stages"][0]["id"], "Dev", "{what}");

        let out = pipelens(&["preview", abs, "--format", "json"], dir.path());
        exited(&out, 0, &what);
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        let stages = common::stage_names(&json["pipelines"][0]);
        assert!(stages.contains(&"Dev"), "{what}: {stages:?}");
    }
}

/// The language server with a deep file opened, and with one merely in the app folder while
/// another file is open: diagnostics, a hover and a completion are answered after it, and the
/// server exits cleanly.
#[test]
fn the_language_server_survives_deep_files_opened_and_indexed() {
    for lang in LANGS {
        let dir = app();
        let ext = lang.ext();
        let deep = dir.path().join(format!("deep_pipeline.{ext}"));
        let deep_text = {
            let mut parts: Vec<String> = Vec::new();
            for s in shapes(lang, SERVER) {
                if COMBINED.contains(&s.name) {
                    parts.push(s.code);
                }
            }
            parts.push(match lang {
                Lang::Python => format!("long_chain = a{}", ".b()".repeat(SERVER_CHAIN)),
                Lang::TypeScript | Lang::JavaScript => {
                    format!("const longChain = a{};", ".b()".repeat(SERVER_CHAIN))
                }
                // Java's long chains are builders.
                Lang::Java => java_value(
                    "LongChain",
                    &format!(
                        "Bucket.Builder.create(scope, \"Bucket\"){}.build()",
                        ".versioned(true)".repeat(SERVER_CHAIN)
                    ),
                ),
                Lang::CSharp => {
                    csharp_value("LongChain", &format!("a{}", ".B()".repeat(SERVER_CHAIN)))
                }
                Lang::Go => go_value("longChain", &format!("a{}", ".B()".repeat(SERVER_CHAIN))),
            });
            lang.file(&parts.join("\n\n"))
        };
        std::fs::write(&deep, &deep_text).unwrap();
        let bundle_ext = lang.bundle_ext();
        std::fs::write(
            dir.path().join(format!("generated.{bundle_ext}")),
            bundle(lang, SERVER),
        )
        .unwrap();
        let plain = dir.path().join(format!("pipeline.{ext}"));
        let plain_text = lang.file("");
        std::fs::write(&plain, &plain_text).unwrap();
        let what = format!("{lang:?}");

        let mut s = TestServer::builder(dir.path()).start();
        // The plain file first: its analysis indexes the app, deep files included.
        let u = s.open(&plain, lang.id());
        let codes = |d: &[Value]| -> Vec<String> {
            d.iter()
                .map(|d| d["code"].as_str().unwrap_or("").to_string())
                .collect()
        };
        let d = s.diagnostics(&u, 1);
        assert!(
            codes(&d).contains(&"unknown-region".to_string()),
            "{what}: {d:?}"
        );
        assert!(
            !codes(&d).contains(&"too-deep".to_string()),
            "{what}: {d:?}"
        );
        let dev = find(&plain_text, "Dev", false);
        let h = s.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": u}, "position": {"line": dev.0, "character": dev.1}}),
        );
        assert!(
            h["contents"]["value"]
                .as_str()
                .unwrap_or("")
                .contains("Stage `Dev`"),
            "{what}: {h}"
        );

        // The deep file opened.
        let u = s.open(&deep, lang.id());
        let d = s.diagnostics(&u, 1);
        let c = codes(&d);
        assert!(c.contains(&"unknown-region".to_string()), "{what}: {c:?}");
        assert_eq!(
            c.iter().filter(|c| *c == "too-deep").count(),
            1,
            "{what}: {c:?}"
        );
        let dev = find(&deep_text, "Dev", false);
        let h = s.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": u}, "position": {"line": dev.0, "character": dev.1}}),
        );
        assert!(
            h["contents"]["value"]
                .as_str()
                .unwrap_or("")
                .contains("Stage `Dev`"),
            "{what}: {h}"
        );
        let region = find(&deep_text, "eu-wset-1", false);
        let r = s.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": u}, "position": {"line": region.0, "character": region.1}}),
        );
        let items = r["items"]
            .as_array()
            .or(r.as_array())
            .cloned()
            .unwrap_or_default();
        // Where the region has no completion at all (a known gap), the request is still
        // answered, and the gap must be taken off the list once it is fixed.
        let completes = !NO_REGION_COMPLETION.iter().any(|(l, _)| *l == lang);
        assert_eq!(
            items.iter().any(|i| i["label"] == "eu-west-1"),
            completes,
            "{what}: {r}"
        );
        let status = s.shutdown();
        assert!(status.success(), "{what}: {status:?}");
    }
}
