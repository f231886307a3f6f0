//! How a language spells what pipelens writes into a file: CDK's API names, literals, props,
//! constructions and snippets (the plugin's syntax table). The editor features write code only
//! through it, never in a language's syntax of their own.

/// How CDK's API names and literals are spelled in a language.
#[derive(Debug)]
pub struct Naming {
    pub camel_case: bool,
    pub true_lit: &'static str,
    pub false_lit: &'static str,
    pub null_lit: &'static str,
    /// The quote pipelens writes a string with.
    pub quote: char,
    /// How a construction's props are written.
    pub props: PropsSyntax,
    /// What a construction starts with (`new `), or nothing.
    pub new_keyword: &'static str,
    /// The instance inside a class's code (`self`, `this`).
    pub self_name: &'static str,
    /// The statement that imports the CDK Pipelines module as `pipelines` (with its newline).
    pub pipelines_import: &'static str,
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
    /// `Stage(self, "Dev", env=...)`.
    Keywords,
    /// One object literal as the third argument, camelCase:
    /// `new Stage(this, 'Dev', { env: ... })`.
    ObjectLiteral,
    /// A builder chain, camelCase: `Stage.Builder.create(this, "Dev").env(...).build()`, a
    /// props struct `StageProps.builder().env(...).build()`.
    Builder,
    /// A props class with an object initializer, PascalCase:
    /// `new Stage(this, "Dev", new StageProps { Env = ... })`.
    Initializer,
    /// A pointer to a props struct literal, PascalCase:
    /// `NewStage(stack, jsii.String("Dev"), &StageProps{Env: ...})`.
    Struct,
}

impl Naming {
    /// Props are keyword arguments (not an object literal).
    pub fn keyword_props(&self) -> bool {
        self.props == PropsSyntax::Keywords
    }

    /// A string literal of `s`, which is pipelens's own text (no quote, no backslash).
    pub fn string(&self, s: &str) -> String {
        format!("{q}{s}{q}", q = self.quote)
    }

    /// One prop, its canonical (snake_case) name spelled as the language does: `name=value`
    /// or `name: value`.
    pub fn prop(&self, canonical: &str, value: &str) -> String {
        match self.props {
            PropsSyntax::Keywords => format!("{}={value}", self.api(canonical)),
            PropsSyntax::ObjectLiteral => format!("{}: {value}", self.api(canonical)),
            PropsSyntax::Builder => format!(".{}({value})", self.api(canonical)),
            PropsSyntax::Initializer => format!("{} = {value}", self.api(canonical)),
            PropsSyntax::Struct => format!("{}: {value}", self.api(canonical)),
        }
    }

    /// Props (made by [`Naming::prop`]) as a call's last arguments: `a=1, b=2`, or the object
    /// literal `{ a: 1, b: 2 }`.
    pub fn props(&self, props: &[String]) -> String {
        match self.props {
            PropsSyntax::Keywords => props.join(", "),
            PropsSyntax::ObjectLiteral | PropsSyntax::Initializer | PropsSyntax::Struct => {
                format!("{{ {} }}", props.join(", "))
            }
            PropsSyntax::Builder => props.concat(),
        }
    }

    /// A construction: `[new ]class(args…, props)`, without props when there are none.
    pub fn construct(&self, class: &str, args: &[String], props: &[String]) -> String {
        format!("{}{class}{}", self.new_keyword, self.arguments(args, props))
    }

    /// A call's parenthesised arguments: `(args…, props)`, without props when there are none.
    pub fn arguments(&self, args: &[String], props: &[String]) -> String {
        let mut all = args.to_vec();
        if !props.is_empty() {
            all.push(self.props(props));
        }
        format!("({})", all.join(", "))
    }

    /// A list literal of `items` (each already written).
    pub fn list(&self, items: &[String]) -> String {
        format!("[{}]", items.join(", "))
    }

    /// The parenthesised arguments of a snippet (see [`SnippetArg`]).
    pub fn snippet_args(&self, args: &[SnippetArg]) -> String {
        let value = |v: &SnippetValue| match *v {
            SnippetValue::Str(s) => self.string(s),
            SnippetValue::Code(c) => c.to_string(),
            SnippetValue::StrList(s) => self.list(&[self.string(s)]),
        };
        let mut positional = Vec::new();
        let mut props = Vec::new();
        for a in args {
            match a {
                SnippetArg::Arg(v) => positional.push(value(v)),
                SnippetArg::Prop(name, v) => props.push(self.prop(name, &value(v))),
            }
        }
        self.arguments(&positional, &props)
    }

    /// The language's spelling of a canonical (snake_case) CDK name: `add_stage` → `addStage`.
    pub fn api(&self, canonical: &str) -> String {
        if !self.camel_case {
            return canonical.to_string();
        }
        let mut out = String::with_capacity(canonical.len());
        let mut upper = false;
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
}
