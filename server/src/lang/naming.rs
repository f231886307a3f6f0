//! How a language spells what pipelens writes into a file: CDK's API names, literals, props,
//! constructions and snippets (the plugin's syntax table). The editor features write code only
//! through it, never in a language's syntax of their own.

/// How CDK's API names and literals are spelled in a language.
#[derive(Debug)]
pub struct Naming {
    /// How CDK's methods and props are spelled (`add_stage`, `addStage`, `AddStage`).
    pub case: Case,
    pub true_lit: &'static str,
    pub false_lit: &'static str,
    pub null_lit: &'static str,
    /// The quote pipelens writes a string with.
    pub quote: char,
    /// How a construction's props are written.
    pub props: PropsSyntax,
    /// What a construction starts with (`new `), or nothing.
    pub new_keyword: &'static str,
    /// The instance inside a class's code (`self`, `this`); in a language without one, the
    /// name its CDK apps give the scope by convention (Go's `stack`).
    pub self_name: &'static str,
    /// The statement that imports the CDK Pipelines module (with its newline): as `pipelines`
    /// where classes are written with their module's name, or the whole namespace.
    pub pipelines_import: &'static str,
    /// The statement that imports what [`Naming::list`] writes with, when the language needs
    /// one (Java's `List.of` needs `java.util.List`), with its newline; empty otherwise.
    pub list_import: &'static str,
    /// Classes are written by their bare name once their namespace is imported (Java's
    /// `import …pipelines.*;`, C#'s `using Amazon.CDK.Pipelines;`), never with a module name.
    pub namespaces: bool,
    /// The name CDK's core module is bound to when the file does not say (`cdk`, Go's
    /// `awscdk`); empty where classes are written bare.
    pub core_alias: &'static str,
    /// `constructs` names a scope in its messages by the app's own class: the app's classes
    /// are JavaScript classes. Through jsii (Python, Java, C#, Go) every scope the app makes
    /// is CDK's own class, and a Stage is named `Stage`.
    pub scope_named_by_app_class: bool,
}

/// How CDK's method and prop names are spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `add_stage`, `cross_account_keys`.
    Snake,
    /// `addStage`, `crossAccountKeys`.
    Camel,
    /// `AddStage`, `CrossAccountKeys`.
    Pascal,
}

/// The props of a construction or a struct value: its type as the file names it
/// (`pipelines.ShellStepProps`, `StageProps`; the languages with keyword props or object
/// literals do not write it) and its props, each made by [`Naming::prop`].
#[derive(Debug, Clone, Copy)]
pub struct Props<'a> {
    pub ty: &'a str,
    pub items: &'a [String],
}

/// One argument of a call that completion writes as a snippet, in no language's syntax: the
/// plugin's [`Naming::snippet_args`] writes it (`${n:…}` are the editor's placeholders).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnippetArg {
    /// A positional argument.
    Arg(SnippetValue),
    /// A prop, by its canonical (snake_case) name.
    Prop(&'static str, SnippetValue),
}

/// The value of a [`SnippetArg`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnippetValue {
    /// A string the user fills in: `"${1:Id}"`.
    Str(&'static str),
    /// An expression the user fills in: `${1:repository}`.
    Code(&'static str),
    /// A list of one string the user fills in: `["${2:npm ci}"]`.
    StrList(&'static str),
}

/// How a construction's props are written: what the editor features write, never a language
/// name (the plugins say which).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropsSyntax {
    /// Keyword arguments after the positional ones, snake_case:
    /// `Stage(self, "Dev", env=...)`; a struct alone is its class called the same way.
    Keywords,
    /// One object literal as the third argument, camelCase:
    /// `new Stage(this, 'Dev', { env: ... })`.
    ObjectLiteral,
    /// A builder chain, camelCase: `Stage.Builder.create(this, "Dev").env(...).build()`, a
    /// props struct `StageProps.builder().env(...).build()`; `new X(args)` without props.
    Builder,
    /// A props class with an object initializer, PascalCase:
    /// `new Stage(this, "Dev", new StageProps { Env = ... })`.
    Initializer,
    /// A pointer to a props struct literal, PascalCase, strings and booleans behind jsii's
    /// pointers: `awscdk.NewStage(stack, jsii.String("Dev"), &awscdk.StageProps{Env: ...})`,
    /// `nil` for props not given.
    Struct,
}

/// The name of jsii's runtime package in Go's CDK apps.
const JSII: &str = "jsii";

impl Naming {
    /// Props are keyword arguments (not an object literal).
    pub fn keyword_props(&self) -> bool {
        self.props == PropsSyntax::Keywords
    }

    /// A string literal of `s`, which is pipelens's own text (no quote, no backslash), where
    /// CDK takes a string: `"s"`, `'s'`, Go's `jsii.String("s")`.
    pub fn string(&self, s: &str) -> String {
        match self.props {
            PropsSyntax::Struct => format!("{JSII}.String({})", self.plain_string(s)),
            _ => self.plain_string(s),
        }
    }

    /// A string literal of `s` where the language's own code takes a string (a key, the `id`
    /// of an app's own Go constructor): `"s"`, `'s'`.
    pub fn plain_string(&self, s: &str) -> String {
        format!("{q}{s}{q}", q = self.quote)
    }

    /// A boolean where CDK takes one: `True`, `true`, Go's `jsii.Bool(true)`.
    pub fn bool(&self, b: bool) -> String {
        let lit = if b { self.true_lit } else { self.false_lit };
        match self.props {
            PropsSyntax::Struct => format!("{JSII}.Bool({lit})"),
            _ => lit.to_string(),
        }
    }

    /// One prop, its canonical (snake_case) name spelled as the language does: `name=value`,
    /// `name: value`, `.name(value)`, `Name = value`, `Name: value`. Also how a message tells
    /// the user to set it.
    pub fn prop(&self, canonical: &str, value: &str) -> String {
        let name = self.api(canonical);
        match self.props {
            PropsSyntax::Keywords => format!("{name}={value}"),
            PropsSyntax::ObjectLiteral | PropsSyntax::Struct => format!("{name}: {value}"),
            PropsSyntax::Builder => format!(".{name}({value})"),
            PropsSyntax::Initializer => format!("{name} = {value}"),
        }
    }

    /// Props as a call's last argument (or arguments): `a=1, b=2`, `{ a: 1, b: 2 }`,
    /// `T.builder().a(1).b(2).build()`, `new T { A = 1, B = 2 }`, `&T{A: 1, B: 2}`.
    pub fn props(&self, props: Props<'_>) -> String {
        let (ty, items) = (props.ty, props.items);
        match self.props {
            PropsSyntax::Keywords => items.join(", "),
            PropsSyntax::ObjectLiteral => format!("{{ {} }}", items.join(", ")),
            PropsSyntax::Builder => format!("{ty}.builder(){}.build()", items.concat()),
            PropsSyntax::Initializer => format!("new {ty} {{ {} }}", items.join(", ")),
            PropsSyntax::Struct => format!("&{ty}{{{}}}", items.join(", ")),
        }
    }

    /// A struct value on its own (a prop's value): as [`Naming::props`], and with keyword
    /// props the struct's class called with them (`cdk.Environment(account=…)`).
    pub fn struct_value(&self, props: Props<'_>) -> String {
        match self.props {
            PropsSyntax::Keywords => format!("{}({})", props.ty, props.items.join(", ")),
            _ => self.props(props),
        }
    }

    /// A construction of one of CDK's classes (`class` as the file names it:
    /// `pipelines.ShellStep`, `ShellStep`): `ShellStep("Id", commands=[…])`,
    /// `new ShellStep('Id', { commands: […] })`,
    /// `ShellStep.Builder.create("Id").commands(List.of(…)).build()`,
    /// `new ShellStep("Id", new ShellStepProps { Commands = … })`,
    /// `pipelines.NewShellStep(jsii.String("Id"), &pipelines.ShellStepProps{Commands: …})`.
    pub fn construct(&self, class: &str, args: &[String], props: Option<Props<'_>>) -> String {
        match (self.props, props) {
            (PropsSyntax::Builder, Some(p)) => format!(
                "{class}.Builder.create({}){}.build()",
                args.join(", "),
                p.items.concat()
            ),
            _ => self.construct_app(class, args, props),
        }
    }

    /// A construction of a class of the app's own, which has no builder of CDK's (Java's
    /// `new AppStage(this, "Id", StageProps.builder()….build())`); else as
    /// [`Naming::construct`].
    pub fn construct_app(&self, class: &str, args: &[String], props: Option<Props<'_>>) -> String {
        let args = self.arguments(args, props);
        match self.props {
            PropsSyntax::Struct => {
                let (module, name) = match class.rsplit_once('.') {
                    Some((m, n)) => (format!("{m}."), n),
                    None => (String::new(), class),
                };
                format!("{module}New{name}{args}")
            }
            _ => format!("{}{class}{args}", self.new_keyword),
        }
    }

    /// A construction of one of CDK's classes where the file already has the language's
    /// `new ` before it: as [`Naming::construct`] without its `new `, and in a language whose
    /// props are a builder chain, the props struct's builder as the last argument.
    pub fn construct_after_new(
        &self,
        class: &str,
        args: &[String],
        props: Option<Props<'_>>,
    ) -> String {
        match self.props {
            PropsSyntax::Builder => format!("{class}{}", self.arguments(args, props)),
            _ => {
                let made = self.construct(class, args, props);
                made.strip_prefix(self.new_keyword)
                    .map_or(made.clone(), str::to_string)
            }
        }
    }

    /// A call's parenthesised arguments: `(args…, props)`; without props when there are none,
    /// but Go's `nil` (its functions take every parameter).
    pub fn arguments(&self, args: &[String], props: Option<Props<'_>>) -> String {
        let mut all = args.to_vec();
        match props {
            Some(p) => all.push(self.props(p)),
            None if self.props == PropsSyntax::Struct => all.push(self.null_lit.to_string()),
            None => {}
        }
        format!("({})", all.join(", "))
    }

    /// A call of CDK's method `canonical` (no receiver): `addStage(args…, props)`.
    pub fn method_call(
        &self,
        canonical: &str,
        args: &[String],
        props: Option<Props<'_>>,
    ) -> String {
        format!("{}{}", self.api(canonical), self.arguments(args, props))
    }

    /// The bytes of a value the lowering read at `range` as the file writes it: Go's lowering
    /// reads `jsii.String("x")` as the string at `"x"`, and the wrapper is part of the value.
    pub fn value_range(&self, text: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
        if self.props != PropsSyntax::Struct || !text[range.end..].starts_with(')') {
            return range;
        }
        let before = &text[..range.start];
        let Some(call) = before.strip_suffix('(') else {
            return range;
        };
        let name = call.len()
            - call
                .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
                .len();
        match call[..call.len() - name].strip_suffix('.') {
            Some(pkg) if pkg.ends_with(JSII) && name > 0 => pkg.len() - JSII.len()..range.end + 1,
            _ => range,
        }
    }

    /// What the file writes before CDK's class `class` in the construction whose callee is
    /// `callee` (`pipelines.` of `pipelines.CdkPipeline`, or of Go's
    /// `pipelines.NewCdkPipeline`); `None` when the callee is not that class's constructor.
    pub fn class_prefix(&self, callee: &str, class: &str) -> Option<String> {
        let rest = callee.strip_suffix(class)?;
        let rest = match self.props {
            PropsSyntax::Struct => rest.strip_suffix("New")?,
            _ => rest,
        };
        Some(rest.to_string())
    }

    /// A static method's name with its class: `CodePipelineSource.git_hub`,
    /// `CodePipelineSource.GitHub`, Go's `CodePipelineSource_GitHub`.
    pub fn static_method(&self, class: &str, canonical: &str) -> String {
        let sep = if self.props == PropsSyntax::Struct {
            '_'
        } else {
            '.'
        };
        format!("{class}{sep}{}", self.api(canonical))
    }

    /// A list of values (each already written) whose elements are of type `element` (as the
    /// file names it; only Go writes it): `[a, b]`, `List.of(a, b)`, `new[] { a, b }`,
    /// `&[]pipelines.Step{a, b}`.
    pub fn list(&self, element: &str, items: &[String]) -> String {
        match self.props {
            PropsSyntax::Keywords | PropsSyntax::ObjectLiteral => {
                format!("[{}]", items.join(", "))
            }
            PropsSyntax::Builder => format!("List.of({})", items.join(", ")),
            PropsSyntax::Initializer => format!("new[] {{ {} }}", items.join(", ")),
            PropsSyntax::Struct => format!("&[]{element}{{{}}}", items.join(", ")),
        }
    }

    /// A list of strings: `items` are pipelens's own text, or literals read from the file
    /// (`Lit`), or a string expression as the file writes it (`Code`): `["a", b]`,
    /// `List.of("a", b)`, `new[] { "a", b }`, Go's `jsii.Strings("a", "b")` (only literals)
    /// or `&[]*string{jsii.String("a"), b}`.
    pub fn strings(&self, items: &[Str<'_>]) -> String {
        let all_literal = items.iter().all(|i| matches!(i, Str::Lit(_)));
        if self.props == PropsSyntax::Struct && all_literal {
            let lits: Vec<String> = items
                .iter()
                .map(|i| match i {
                    Str::Lit(s) | Str::Code(s) => self.plain_string(s),
                })
                .collect();
            return format!("{JSII}.Strings({})", lits.join(", "));
        }
        let written: Vec<String> = items
            .iter()
            .map(|i| match i {
                Str::Lit(s) => self.string(s),
                Str::Code(c) => c.to_string(),
            })
            .collect();
        self.list("*string", &written)
    }

    /// An `Environment` value of CDK's core module (`account`, `region` already written),
    /// `cdk` the name the file binds that module to: `cdk.Environment(account=…, region=…)`
    /// (a dict without it), `{ account: …, region: … }`,
    /// `Environment.builder().account(…).region(…).build()`,
    /// `new Amazon.CDK.Environment { Account = …, Region = … }` (qualified: `System.Environment`
    /// is in every C# file's scope), `&awscdk.Environment{Account: …, Region: …}`.
    pub fn environment(&self, cdk: Option<&str>, account: &str, region: &str) -> String {
        let items = [self.prop("account", account), self.prop("region", region)];
        let ty = match (self.props, cdk) {
            (PropsSyntax::Keywords, None) => {
                return format!(
                    "{{{}: {account}, {}: {region}}}",
                    self.plain_string("account"),
                    self.plain_string("region")
                )
            }
            (PropsSyntax::Initializer, _) => "Amazon.CDK.Environment".to_string(),
            (PropsSyntax::Builder, _) => "Environment".to_string(),
            (_, cdk) => format!("{}.Environment", cdk.unwrap_or(self.core_alias)),
        };
        self.struct_value(Props {
            ty: &ty,
            items: &items,
        })
    }

    /// The scope a construction in the code before the cursor is given: `self`, `this`, and
    /// in Go the variable the enclosing function bound its stack or stage to
    /// (`stack := awscdk.NewStack(scope, &id, props)`), else `stack`.
    pub fn scope(&self, before: &str) -> String {
        if self.props != PropsSyntax::Struct {
            return self.self_name.to_string();
        }
        let func = before.rfind("\nfunc ").map_or(0, |i| i + 1);
        let body = &before[func..];
        let mut found = None;
        for marker in [".NewStack(", ".NewStage("] {
            let mut from = 0;
            while let Some(i) = body[from..].find(marker) {
                let at = from + i;
                let line = &body[..at];
                let line = &line[line.rfind('\n').map_or(0, |n| n + 1)..];
                if let Some((var, _)) = line.trim_start().split_once(":=") {
                    let var = var.trim();
                    if !var.is_empty() && var.chars().all(|c| c.is_alphanumeric() || c == '_') {
                        found = Some((at, var.to_string()));
                    }
                }
                from = at + marker.len();
            }
        }
        found.map_or_else(|| self.self_name.to_string(), |(_, v)| v)
    }

    /// The language's spelling of a canonical (snake_case) CDK name: `add_stage` →
    /// `addStage`, `AddStage`.
    pub fn api(&self, canonical: &str) -> String {
        if self.case == Case::Snake {
            return canonical.to_string();
        }
        let mut out = String::with_capacity(canonical.len());
        let mut upper = self.case == Case::Pascal;
        for c in canonical.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.push(c.to_ascii_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        out
    }

    /// The snippet's positional arguments and props (see [`SnippetArg`]), each written.
    pub fn snippet_parts(&self, args: &[SnippetArg]) -> (Vec<String>, Vec<String>) {
        let value = |v: &SnippetValue| match *v {
            SnippetValue::Str(s) => self.string(s),
            SnippetValue::Code(c) => c.to_string(),
            SnippetValue::StrList(s) => self.strings(&[Str::Lit(s)]),
        };
        let mut positional = Vec::new();
        let mut props = Vec::new();
        for a in args {
            match a {
                SnippetArg::Arg(v) => positional.push(value(v)),
                SnippetArg::Prop(name, v) => props.push(self.prop(name, &value(v))),
            }
        }
        (positional, props)
    }

    /// The parenthesised arguments of a snippet (see [`SnippetArg`]), its props of type
    /// `props_ty` (as the file names it).
    pub fn snippet_args(&self, args: &[SnippetArg], props_ty: &str) -> String {
        let (positional, props) = self.snippet_parts(args);
        let props = (!props.is_empty()).then_some(Props {
            ty: props_ty,
            items: &props,
        });
        self.arguments(&positional, props)
    }
}

/// One item of [`Naming::strings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Str<'a> {
    /// A string's content: pipelens's own text or a plain literal's (no quote, no backslash).
    Lit(&'a str),
    /// A string expression as the file writes it.
    Code(&'a str),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{CSHARP, GO, JAVA, PYTHON, TYPESCRIPT};

    fn props<'a>(ty: &'a str, items: &'a [String]) -> Option<Props<'a>> {
        Some(Props { ty, items })
    }

    #[test]
    fn java_writes_builders() {
        let n = &JAVA.naming;
        assert_eq!(n.api("add_stage"), "addStage");
        assert_eq!(n.string("x"), "\"x\"");
        assert_eq!(n.bool(true), "true");
        assert_eq!(
            n.prop("cross_account_keys", "true"),
            ".crossAccountKeys(true)"
        );
        let items = [
            n.prop("synth", "s"),
            n.prop("cross_account_keys", &n.bool(true)),
        ];
        assert_eq!(
            n.construct(
                "CodePipeline",
                &["this".into(), n.string("Pipeline")],
                props("CodePipelineProps", &items)
            ),
            "CodePipeline.Builder.create(this, \"Pipeline\").synth(s).crossAccountKeys(true).build()"
        );
        assert_eq!(
            n.construct("ManualApprovalStep", &[n.string("Approve")], None),
            "new ManualApprovalStep(\"Approve\")"
        );
        assert_eq!(
            n.construct_after_new(
                "ShellStep",
                &[n.string("S")],
                props("ShellStepProps", &items[..1])
            ),
            "ShellStep(\"S\", ShellStepProps.builder().synth(s).build())"
        );
        assert_eq!(
            n.environment(None, &n.string("111111111111"), &n.string("us-east-1")),
            "Environment.builder().account(\"111111111111\").region(\"us-east-1\").build()"
        );
        let env = [n.prop("env", "e")];
        assert_eq!(
            n.construct_app(
                "AppStage",
                &["this".into(), n.plain_string("Dev")],
                props("StageProps", &env)
            ),
            "new AppStage(this, \"Dev\", StageProps.builder().env(e).build())"
        );
        assert_eq!(
            n.strings(&[Str::Lit("a"), Str::Lit("b")]),
            "List.of(\"a\", \"b\")"
        );
        assert_eq!(n.list("Step", &["s".into()]), "List.of(s)");
        assert_eq!(
            n.static_method("CodePipelineSource", "git_hub"),
            "CodePipelineSource.gitHub"
        );
        assert_eq!(
            n.method_call("add_stage", &["s".into()], None),
            "addStage(s)"
        );
        assert_eq!(n.scope("func x() {\n"), "this");
    }

    #[test]
    fn csharp_writes_initializers() {
        let n = &CSHARP.naming;
        assert_eq!(n.api("add_stage"), "AddStage");
        assert_eq!(n.api("git_hub"), "GitHub");
        assert_eq!(
            n.prop("cross_account_keys", "true"),
            "CrossAccountKeys = true"
        );
        let items = [
            n.prop("synth", "s"),
            n.prop("cross_account_keys", &n.bool(true)),
        ];
        assert_eq!(
            n.construct(
                "CodePipeline",
                &["this".into(), n.string("Pipeline")],
                props("CodePipelineProps", &items)
            ),
            "new CodePipeline(this, \"Pipeline\", new CodePipelineProps { Synth = s, CrossAccountKeys = true })"
        );
        assert_eq!(
            n.construct("ManualApprovalStep", &[n.string("Approve")], None),
            "new ManualApprovalStep(\"Approve\")"
        );
        assert_eq!(
            n.environment(None, &n.string("111111111111"), &n.string("us-east-1")),
            "new Amazon.CDK.Environment { Account = \"111111111111\", Region = \"us-east-1\" }"
        );
        assert_eq!(
            n.props(Props {
                ty: "StageProps",
                items: &[n.prop("env", "e")]
            }),
            "new StageProps { Env = e }"
        );
        assert_eq!(
            n.strings(&[Str::Lit("a"), Str::Lit("b")]),
            "new[] { \"a\", \"b\" }"
        );
        assert_eq!(
            n.static_method("CodePipelineSource", "connection"),
            "CodePipelineSource.Connection"
        );
        assert_eq!(n.bool(false), "false");
    }

    #[test]
    fn go_writes_structs_and_jsii_pointers() {
        let n = &GO.naming;
        assert_eq!(n.api("add_stage"), "AddStage");
        assert_eq!(n.string("x"), "jsii.String(\"x\")");
        assert_eq!(n.plain_string("x"), "\"x\"");
        assert_eq!(n.bool(true), "jsii.Bool(true)");
        let items = [
            n.prop("synth", "s"),
            n.prop("cross_account_keys", &n.bool(true)),
        ];
        assert_eq!(
            n.construct(
                "pipelines.CodePipeline",
                &["stack".into(), n.string("Pipeline")],
                props("pipelines.CodePipelineProps", &items)
            ),
            "pipelines.NewCodePipeline(stack, jsii.String(\"Pipeline\"), &pipelines.CodePipelineProps{Synth: s, CrossAccountKeys: jsii.Bool(true)})"
        );
        assert_eq!(
            n.construct("pipelines.ManualApprovalStep", &[n.string("Approve")], None),
            "pipelines.NewManualApprovalStep(jsii.String(\"Approve\"), nil)"
        );
        assert_eq!(
            n.environment(None, &n.string("111111111111"), &n.string("us-east-1")),
            "&awscdk.Environment{Account: jsii.String(\"111111111111\"), Region: jsii.String(\"us-east-1\")}"
        );
        assert_eq!(
            n.environment(Some("cdk"), &n.string("1"), &n.string("r")),
            "&cdk.Environment{Account: jsii.String(\"1\"), Region: jsii.String(\"r\")}"
        );
        assert_eq!(
            n.strings(&[Str::Lit("a"), Str::Lit("b")]),
            "jsii.Strings(\"a\", \"b\")"
        );
        assert_eq!(
            n.strings(&[Str::Lit("a"), Str::Code("cmd")]),
            "&[]*string{jsii.String(\"a\"), cmd}"
        );
        assert_eq!(
            n.list("pipelines.Step", &["s".into()]),
            "&[]pipelines.Step{s}"
        );
        assert_eq!(
            n.static_method("pipelines.CodePipelineSource", "git_hub"),
            "pipelines.CodePipelineSource_GitHub"
        );
        let opts = [n.prop("pre", "p")];
        assert_eq!(
            n.method_call(
                "add_stage",
                &["stage".into()],
                props("pipelines.AddStageOpts", &opts)
            ),
            "AddStage(stage, &pipelines.AddStageOpts{Pre: p})"
        );
        assert_eq!(
            n.method_call("add_stage", &["stage".into()], None),
            "AddStage(stage, nil)"
        );
        assert_eq!(
            n.class_prefix("pipelines.NewCdkPipeline", "CdkPipeline")
                .as_deref(),
            Some("pipelines.")
        );
        assert_eq!(n.class_prefix("pipelines.CdkPipeline", "CdkPipeline"), None);
        // The scope is the enclosing function's stack variable; `stack` by convention.
        assert_eq!(
            n.scope("func NewP(scope constructs.Construct) {\n\ts := awscdk.NewStack(scope, &id, nil)\n\tp."),
            "s"
        );
        assert_eq!(n.scope("func main() {\n"), "stack");
        // A value the lowering read inside jsii's wrapper is written with it.
        let text = "f(jsii.String(\"x\"), \"y\")";
        assert_eq!(&text[n.value_range(text, 14..17)], "jsii.String(\"x\")");
        assert_eq!(&text[n.value_range(text, 20..23)], "\"y\"");
        assert_eq!(JAVA.naming.value_range(text, 14..17), 14..17);
    }

    /// `constructs` names a Stage scope by the app's class only in JavaScript's runtime.
    #[test]
    fn scope_class_names_only_in_javascript() {
        for p in crate::lang::ALL {
            assert_eq!(
                p.naming.scope_named_by_app_class,
                p.naming.props == PropsSyntax::ObjectLiteral,
                "{}",
                p.name
            );
        }
    }

    /// Python and TypeScript write what they wrote before the jsii languages came.
    #[test]
    fn python_and_typescript_unchanged() {
        let (py, ts) = (&PYTHON.naming, &TYPESCRIPT.naming);
        let items = [py.prop("env", "e")];
        assert_eq!(
            py.construct(
                "Stage",
                &["self".into(), py.string("Dev")],
                props("StageProps", &items)
            ),
            "Stage(self, \"Dev\", env=e)"
        );
        let items = [ts.prop("env", "e")];
        assert_eq!(
            ts.construct(
                "Stage",
                &["this".into(), ts.string("Dev")],
                props("StageProps", &items)
            ),
            "new Stage(this, 'Dev', { env: e })"
        );
        assert_eq!(ts.construct("M", &[ts.string("A")], None), "new M('A')");
        assert_eq!(py.strings(&[Str::Lit("a")]), "[\"a\"]");
        assert_eq!(ts.strings(&[Str::Lit("a"), Str::Code("b")]), "['a', b]");
        assert_eq!(
            py.environment(Some("cdk"), "a", "r"),
            "cdk.Environment(account=a, region=r)"
        );
        assert_eq!(
            py.environment(None, "a", "r"),
            "{\"account\": a, \"region\": r}"
        );
        assert_eq!(
            ts.environment(Some("cdk"), "a", "r"),
            "{ account: a, region: r }"
        );
        assert_eq!(
            py.static_method("CodePipelineSource", "git_hub"),
            "CodePipelineSource.git_hub"
        );
        assert_eq!(py.bool(true), "True");
        assert_eq!(
            py.method_call("add_stage", &["s".into()], None),
            "add_stage(s)"
        );
    }
}
