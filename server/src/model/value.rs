//! The values the model's interpreter tracks while it follows a file.

use super::{EnvState, Source, Span, StackSteps, Step};

/// A value and where it was written (for a literal reached through a variable, the literal).
#[derive(Clone, Debug)]
pub(super) struct V {
    pub val: Value,
    pub span: Span,
    /// How deep and how big `val` is, kept so that both are bounded without walking it:
    /// `x = [x]` a thousand times builds a value as deep as the statements are many, and
    /// `x = [x, x]` sixty times one with 2^60 parts.
    shape: Shape,
}

/// How deep a value nests (0 for a leaf) and how many values it is made of (1 for a leaf).
#[derive(Clone, Copy, Debug)]
struct Shape {
    depth: u32,
    parts: u32,
}

impl Shape {
    const LEAF: Shape = Shape { depth: 0, parts: 1 };

    fn of<'v>(children: impl Iterator<Item = &'v V>) -> Shape {
        children.fold(Shape::LEAF, |acc, v| Shape {
            depth: acc.depth.max(v.shape.depth.saturating_add(1)),
            parts: acc.parts.saturating_add(v.shape.parts),
        })
    }
}

impl V {
    pub fn new(val: Value, span: Span) -> V {
        let shape = match &val {
            Value::List(items) => Shape::of(items.iter()),
            Value::Dict(entries) => Shape::of(entries.iter().map(|(_, v)| v)),
            Value::Method(recv, _) => Shape::of(std::iter::once(&**recv)),
            Value::Call(_, args) => Shape::of(args.iter().map(|(_, v)| v)),
            _ => Shape::LEAF,
        };
        V { val, span, shape }
    }
    pub fn unknown(span: Span) -> V {
        V {
            val: Value::Unknown,
            span,
            shape: Shape::LEAF,
        }
    }
    /// How many values deep it nests (0 for a leaf).
    pub fn depth(&self) -> usize {
        self.shape.depth as usize
    }
    /// How many values it is made of (1 for a leaf).
    pub fn parts(&self) -> usize {
        self.shape.parts as usize
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.val {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub(super) enum Value {
    Unknown,
    Null,
    Str(String),
    Num(String),
    Bool(bool),
    List(Vec<V>),
    Dict(Vec<(String, V)>),
    /// A qualified CDK (or other library) name, canonical: `cdk.pipelines.CodePipeline`.
    Qual(String),
    /// A class defined in the app's own code.
    Class(String),
    /// A function defined at module level in the current file.
    Func(String),
    /// A function defined at module level in another of the app's files (that file, the
    /// name), imported or seen through its package: called as a function of its arguments
    /// alone (see `Interp::call_elsewhere`).
    AppFunc(Box<(std::path::PathBuf, String)>),
    /// `self` / `this` inside a class body.
    SelfRef,
    /// An attribute of a value that is only meaningful when called (`pipeline.add_stage`).
    Method(Box<V>, String),
    Env(Box<EnvState>),
    Pipeline(usize),
    /// (pipeline index, wave index)
    Wave(usize, usize),
    /// What `add_stage` returns (CDK's `StageDeployment`): (pipeline index, stage index).
    StageDeployment(usize, usize),
    Construct(Box<Construct>),
    Step(Box<Step>),
    Source(Box<Source>),
    StackSteps(Box<StackSteps>),
    /// A CDK call the model does not interpret (`BuildSpec.from_object({…})`,
    /// `iam.PolicyStatement(…)`): unknown as a value, but its callee and arguments still count
    /// in a fingerprint.
    Call(String, Vec<(Option<String>, V)>),
}

/// A construct created with `(scope, id, …)`: a Stage, a Stack, or anything else.
#[derive(Clone, Debug)]
pub(super) struct Construct {
    pub class: Option<String>,
    pub id: Option<String>,
    pub id_span: Span,
    pub env: EnvState,
    pub span: Span,
    pub scope_is_self: bool,
    /// Made by a CDK class itself (`cdk.Stage(…)`), not by a class of the app.
    pub cdk: bool,
    /// The `stage_name` / `stack_name` props, for a Stage or a Stack.
    pub stage_name: super::Known<String>,
    pub stack_name: super::Known<String>,
    /// The arguments a Stage was made with, which its constructor is followed with (see
    /// `Interp::follow_stage`); `None` for any other construct.
    pub args: Option<std::sync::Arc<super::build::Args>>,
    /// A Stage made inside a followed Stage class (`self.edge = EdgeStage(self, "Edge")`):
    /// its own `stage_name` (absent: its id), and whether it was given an env. CDK names it
    /// `<outer>-<own>` and, without an env, deploys it where the outer Stage does; both are
    /// filled in where the outer Stage is known (an attribute read of it).
    pub nested: Option<(super::Known<String>, bool)>,
    /// The env argument as written (`Missing` when none is given), before a construct made in
    /// a Stage takes the Stage's.
    pub given_env: EnvState,
    /// The file whose code made it (`None`: the file being built, or no file).
    pub made_in: Option<std::path::PathBuf>,
    /// Made under an `if` the model cannot decide, or in a loop over unknown values.
    pub conditional: bool,
    /// For a stack: what holds it, as far as CDK's stage boundaries go (see [`Owner`]);
    /// `None` when the model does not know for certain.
    pub owner: Option<Owner>,
    /// Bound to a name under an `if` the model cannot decide: the name may hold another
    /// construct, so what holds this one's stacks is not certain.
    pub rebound: bool,
    /// Read as an attribute of a Stage the app made (`tooling.pipeline_stack`): where that
    /// Stage was made, and the attribute (what adds through it is noted on that instance, see
    /// `Instantiation::extended`).
    pub via: Option<(super::Span, String)>,
    /// A wrapper construct whose constructor was followed where it was made (see
    /// `Interp::follow_wrapper`): the instance, by the number its attributes are kept under.
    pub wrapper: Option<u32>,
    /// Made with `self` as scope in a wrapper construct's code, where `self` is the wrapper,
    /// not the stack: its construct path is not `<stack>/<id>`.
    pub in_wrapper: bool,
    /// CDK's own `Stage`, made by the app's code (`cdk.Stage(scope, "Dev")`, Go's
    /// `awscdk.NewStage`): the number its stacks are kept under (see `Interp::handles`).
    pub handle: Option<u32>,
    /// Made in such a Stage (its stacks, and what is made in them): that Stage's number.
    pub in_handle: Option<u32>,
}

/// What holds a stack, for CDK's check that a dependency between stacks stays inside one
/// Stage.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Owner {
    /// Made with the App itself as its scope (`Stack(app, "PipelineStack")`).
    App,
    /// Kept by the Stage made at `span` of `file` (a stack a Stage class made with `self` as
    /// scope, read as an attribute of that Stage: `beta.svc`), with the Stage's construct path
    /// when it is known (a Stage made with the App as scope: its id).
    Stage {
        file: Option<std::path::PathBuf>,
        span: Span,
        path: Option<String>,
    },
}

/// A normalized rendering of an evaluated value, without spans: two values written
/// differently (other formatting, comments, a constant instead of a literal) but evaluating
/// the same render the same. Dict keys are sorted; list order is kept.
pub(super) fn fingerprint(v: &V) -> String {
    let mut out = String::new();
    write_fingerprint(v, &mut out, 0);
    out
}

fn write_fingerprint(v: &V, out: &mut String, depth: usize) {
    if depth > 32 {
        out.push('…');
        return;
    }
    let quoted = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    match &v.val {
        Value::Unknown => out.push('?'),
        Value::Null => out.push_str("null"),
        Value::Str(s) => out.push_str(&quoted(s)),
        Value::Num(n) => out.push_str(n),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_fingerprint(item, out, depth + 1);
            }
            out.push(']');
        }
        Value::Dict(entries) => {
            let mut sorted: Vec<&(String, V)> = entries.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            out.push('{');
            for (i, (k, v)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&quoted(k));
                out.push(':');
                write_fingerprint(v, out, depth + 1);
            }
            out.push('}');
        }
        Value::Qual(q) => out.push_str(q),
        Value::Class(c) => out.push_str(&format!("class:{c}")),
        Value::Func(f) => out.push_str(&format!("fn:{f}")),
        Value::AppFunc(f) => out.push_str(&format!("fn:{}:{}", f.0.display(), f.1)),
        Value::SelfRef => out.push_str("<this>"),
        Value::Method(recv, name) => {
            write_fingerprint(recv, out, depth + 1);
            out.push('.');
            out.push_str(name);
        }
        Value::Env(e) => match e.as_ref() {
            EnvState::Given(env) => {
                let part = |k: &super::Known<String>| match k {
                    super::Known::Value(s, _) => quoted(s),
                    super::Known::Absent => "-".into(),
                    super::Known::Unknown(_) => "?".into(),
                };
                out.push_str(&format!(
                    "env({},{})",
                    part(&env.account),
                    part(&env.region)
                ));
            }
            EnvState::Missing => out.push_str("env(-)"),
            EnvState::Unknown => out.push_str("env(?)"),
        },
        Value::Pipeline(i) => out.push_str(&format!("pipeline#{i}")),
        Value::Wave(p, w) => out.push_str(&format!("wave#{p}.{w}")),
        Value::StageDeployment(p, s) => out.push_str(&format!("stage#{p}.{s}")),
        Value::Construct(c) => out.push_str(&format!(
            "new {}({})",
            c.class.as_deref().unwrap_or("?"),
            c.id.as_deref().map(quoted).unwrap_or_else(|| "?".into())
        )),
        Value::Step(s) => out.push_str(&format!(
            "{}({};input={};{})",
            s.kind.name(),
            s.id.as_deref().map(quoted).unwrap_or_else(|| "?".into()),
            s.input.as_ref().map_or("-", |i| i.fingerprint.as_str()),
            s.fingerprint
        )),
        Value::Source(s) => out.push_str(&s.fingerprint),
        Value::StackSteps(s) => out.push_str(&format!(
            "stack_steps({})",
            s.stack.as_deref().unwrap_or("?")
        )),
        Value::Call(callee, args) => {
            out.push_str(callee);
            out.push('(');
            for (i, (name, v)) in args.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if let Some(n) = name {
                    out.push_str(n);
                    out.push('=');
                }
                write_fingerprint(v, out, depth + 1);
            }
            out.push(')');
        }
    }
}

/// cdk.json context values become model values, spanned at the lookup that read them.
pub(super) fn from_json(value: &serde_json::Value, span: Span) -> V {
    let val = match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Num(n.to_string()),
        serde_json::Value::String(s) => Value::Str(s.clone()),
        serde_json::Value::Array(a) => Value::List(a.iter().map(|v| from_json(v, span)).collect()),
        serde_json::Value::Object(o) => Value::Dict(
            o.iter()
                .map(|(k, v)| (k.clone(), from_json(v, span)))
                .collect(),
        ),
    };
    V::new(val, span)
}

/// Canonical module names, the same in every language: `aws_cdk.pipelines`,
/// `aws-cdk-lib/pipelines`, `software.amazon.awscdk.pipelines`, `Amazon.CDK.Pipelines` and
/// `github.com/aws/aws-cdk-go/awscdk/v2/pipelines` are all `cdk.pipelines`; `aws_cdk.aws_s3`,
/// `aws-cdk-lib/aws-s3`, `software.amazon.awscdk.services.s3`, `Amazon.CDK.AWS.S3` and
/// `…/awscdk/v2/awss3` are `cdk.aws_s3`. Other modules keep their name.
pub(crate) fn canonical_module(module: &str) -> String {
    let rest = if module == "aws_cdk"
        || module == "aws-cdk-lib"
        || module == "@aws-cdk/core"
        || module == "software.amazon.awscdk"
        || module == "Amazon.CDK"
    {
        return "cdk".into();
    } else if let Some(r) = module.strip_prefix("aws_cdk.") {
        r.to_string()
    } else if let Some(r) = module.strip_prefix("aws-cdk-lib/") {
        r.to_string()
    } else if let Some(r) = module.strip_prefix("@aws-cdk/") {
        r.to_string()
    } else if let Some(r) = module.strip_prefix("software.amazon.awscdk.services.") {
        format!("aws_{r}")
    } else if let Some(r) = module.strip_prefix("software.amazon.awscdk.") {
        r.to_string()
    } else if let Some(r) = module.strip_prefix("Amazon.CDK.AWS.") {
        format!("aws_{}", r.to_ascii_lowercase())
    } else if let Some(r) = module.strip_prefix("Amazon.CDK.") {
        r.to_ascii_lowercase()
    } else if let Some(r) = go_cdk_package(module) {
        match r {
            None => return "cdk".into(),
            Some(p) => match p.strip_prefix("aws") {
                Some(service) => format!("aws_{service}"),
                None => p.to_string(),
            },
        }
    } else {
        return format!("ext:{module}");
    };
    match rest.as_str() {
        // CDK v1 kept the core classes in their own module.
        "core" => "cdk".into(),
        _ => format!("cdk.{}", rest.replace(['-', '/', '.'], "_")),
    }
}

/// How many of a dotted name's first parts are the path of a CDK module, where the name is
/// written whole (`software.amazon.awscdk.pipelines.CodePipeline`: 4;
/// `software.amazon.awscdk.services.lambda.Function`: 5; `Amazon.CDK.Environment`: 2;
/// `Amazon.CDK.AWS.Lambda.Function`: 4). Java's packages are lowercase, its classes are not;
/// C#'s namespaces under `Amazon.CDK` are `Pipelines` and `AWS.<Service>`.
pub(super) fn cdk_module_len(parts: &[&str]) -> Option<usize> {
    let lower = |s: &&&str| !s.starts_with(|c: char| c.is_ascii_uppercase());
    match parts {
        ["software", "amazon", "awscdk", rest @ ..] => {
            let packages = rest.iter().take_while(lower).count();
            (packages < rest.len()).then_some(3 + packages)
        }
        // A namespace itself (`using Amazon.CDK.AWS.Lambda;`).
        ["Amazon", "CDK", "Pipelines"] | ["Amazon", "CDK", "AWS", _] => None,
        ["Amazon", "CDK", "Pipelines", _, ..] => Some(3),
        ["Amazon", "CDK", "AWS", _, _, ..] => Some(4),
        ["Amazon", "CDK", _, ..] => Some(2),
        _ => None,
    }
}

/// The package under Go's CDK module (`github.com/aws/aws-cdk-go/awscdk/v2/pipelines`:
/// `Some(Some("pipelines"))`; the module itself: `Some(None)`), `None` for any other import.
fn go_cdk_package(module: &str) -> Option<Option<&str>> {
    let rest = module.strip_prefix("github.com/aws/aws-cdk-go/awscdk")?;
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    // The major version's suffix (`v2`), then the package.
    let rest = match rest.split_once('/') {
        Some((v, p)) if v.starts_with('v') && v[1..].bytes().all(|b| b.is_ascii_digit()) => p,
        None if rest.starts_with('v') && rest[1..].bytes().all(|b| b.is_ascii_digit()) => "",
        _ => rest,
    };
    Some((!rest.is_empty()).then_some(rest))
}

#[cfg(test)]
mod tests {
    use super::canonical_module;

    #[test]
    fn modules_are_canonical_across_languages() {
        assert_eq!(canonical_module("aws_cdk"), "cdk");
        assert_eq!(canonical_module("aws-cdk-lib"), "cdk");
        assert_eq!(canonical_module("aws_cdk.pipelines"), "cdk.pipelines");
        assert_eq!(canonical_module("aws-cdk-lib/pipelines"), "cdk.pipelines");
        assert_eq!(canonical_module("@aws-cdk/pipelines"), "cdk.pipelines");
        assert_eq!(
            canonical_module("aws-cdk-lib/aws-codepipeline"),
            "cdk.aws_codepipeline"
        );
        assert_eq!(
            canonical_module("aws_cdk.aws_codepipeline"),
            "cdk.aws_codepipeline"
        );
        assert_eq!(canonical_module("./service-stage"), "ext:./service-stage");
        for (module, canonical) in [
            ("software.amazon.awscdk", "cdk"),
            ("software.amazon.awscdk.pipelines", "cdk.pipelines"),
            (
                "software.amazon.awscdk.services.codepipeline",
                "cdk.aws_codepipeline",
            ),
            (
                "software.amazon.awscdk.services.codepipeline.actions",
                "cdk.aws_codepipeline_actions",
            ),
            ("Amazon.CDK", "cdk"),
            ("Amazon.CDK.Pipelines", "cdk.pipelines"),
            ("Amazon.CDK.AWS.CodePipeline", "cdk.aws_codepipeline"),
            (
                "Amazon.CDK.AWS.CodePipeline.Actions",
                "cdk.aws_codepipeline_actions",
            ),
            ("github.com/aws/aws-cdk-go/awscdk/v2", "cdk"),
            ("github.com/aws/aws-cdk-go/awscdk", "cdk"),
            (
                "github.com/aws/aws-cdk-go/awscdk/v2/pipelines",
                "cdk.pipelines",
            ),
            (
                "github.com/aws/aws-cdk-go/awscdk/v2/awscodepipeline",
                "cdk.aws_codepipeline",
            ),
            (
                "github.com/aws/jsii-runtime-go",
                "ext:github.com/aws/jsii-runtime-go",
            ),
            ("software.amazon.awscdkx", "ext:software.amazon.awscdkx"),
        ] {
            assert_eq!(canonical_module(module), canonical, "{module}");
        }
        for (name, len) in [
            ("software.amazon.awscdk.pipelines.CodePipeline", Some(4)),
            (
                "software.amazon.awscdk.pipelines.CodePipelineSource.gitHub",
                Some(4),
            ),
            ("software.amazon.awscdk.services.lambda.Function", Some(5)),
            ("software.amazon.awscdk.Environment", Some(3)),
            ("software.amazon.awscdk.pipelines", None),
            ("Amazon.CDK.Environment", Some(2)),
            ("Amazon.CDK.Pipelines.CodePipeline", Some(3)),
            ("Amazon.CDK.AWS.Lambda.Function", Some(4)),
            ("Amazon.CDK", None),
            ("Amazon.CDK.Pipelines", None),
            ("Amazon.CDK.AWS.Lambda", None),
            ("java.util.List", None),
        ] {
            let parts: Vec<&str> = name.split('.').collect();
            assert_eq!(super::cdk_module_len(&parts), len, "{name}");
        }
    }
}
