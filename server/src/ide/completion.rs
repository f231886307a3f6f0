//! Completion in half-typed code: account ids after `account=`/`account:`, regions after
//! `region=`/`region:`, step and source classes where a step or source goes, and
//! `add_stage`/`add_wave` snippets after a pipeline variable. Contexts are read from the text
//! before the cursor, so an unclosed string or parenthesis does not get in the way.

use std::sync::OnceLock;

use regex::Regex;

use super::accounts::Accounts;
use super::{string_at, ByteRange};
use crate::lang::ir::Import;
use crate::lang::{Plugin, Props};
use crate::model::catalog::{self, StepClass};
use crate::regions;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Value,
    Class,
    Method,
    Snippet,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub label: String,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    pub kind: Kind,
    pub insert_text: String,
    pub snippet: bool,
    pub replace: ByteRange,
    pub sort_text: String,
    pub filter_text: Option<String>,
    pub additional_edits: Vec<(ByteRange, String)>,
}

pub struct Ctx<'a> {
    pub text: &'a str,
    pub offset: usize,
    pub plugin: &'static Plugin,
    pub imports: &'a [Import],
    pub accounts: &'a Accounts,
    /// Regions already used in the workspace, sorted first.
    pub used_regions: &'a [String],
    /// Stage subclasses of the app, for the `add_stage` snippet.
    pub stage_classes: &'a [String],
}

pub fn complete(ctx: &Ctx<'_>) -> Vec<Item> {
    let mut items = complete_items(ctx);
    // What a list is written with may need an import of its own (Java's `List.of`).
    let list_import = ctx.plugin.naming.list_import;
    if !list_import.is_empty() && !has_import(ctx.text, list_import) {
        for item in &mut items {
            if item.insert_text.contains("List.of(") {
                item.additional_edits.push(import_edit_of(ctx, list_import));
            }
        }
    }
    items
}

/// Whether the file has the import statement `import` (`import java.util.List;`), or one of
/// every name of its package (`import java.util.*;`).
pub(crate) fn has_import(text: &str, import: &str) -> bool {
    let statement = import.trim_end();
    let star = statement
        .rsplit_once('.')
        .map(|(package, _)| format!("{package}.*;"));
    text.lines().any(|l| {
        let l = l.trim();
        l == statement || star.as_deref() == Some(l)
    })
}

fn complete_items(ctx: &Ctx<'_>) -> Vec<Item> {
    let offset = floor_boundary(ctx.text, ctx.offset);
    let ctx = &Ctx { offset, ..*ctx };
    if let Some((quote, range)) = string_at(ctx.text, offset) {
        let open_quote = range.start - 1;
        return match key_before(ctx.text, unwrapped(ctx, open_quote)) {
            Some("account") => accounts(ctx, false, range),
            Some("region") => regions(ctx, false, range),
            _ => {
                let _ = quote;
                Vec::new()
            }
        };
    }
    let word = word_before(ctx.text, offset);
    let word_range = offset - word.len()..offset;
    match key_before(ctx.text, word_range.start) {
        Some("account") if word.chars().all(|c| c.is_ascii_digit()) => {
            return accounts(ctx, true, word_range)
        }
        Some("region") => return regions(ctx, true, word_range),
        Some("synth") => return steps(ctx, word_range, |c| c.shell),
        Some("input") => return sources(ctx, word_range),
        _ => {}
    }
    // `alias.` — members of the pipelines module, or of a pipeline / wave variable.
    if let Some(before_dot) = ctx.text[..word_range.start].strip_suffix('.') {
        let receiver = word_before(before_dot, before_dot.len());
        if pipelines_alias(ctx.imports).as_deref() == Some(receiver) {
            // Go's static methods: `pipelines.CodePipelineSource_…`.
            let statics = ctx.plugin.naming.static_method("CodePipelineSource", "");
            if statics.ends_with('_') && word.starts_with(&statics) {
                return sources(ctx, word_range);
            }
            let mut items = steps(ctx, word_range.clone(), |_| true);
            items.extend(class_items(
                word_range,
                &["CodePipeline", "CodePipelineSource"],
            ));
            return items;
        }
        if receiver == "CodePipelineSource" {
            return source_methods(ctx, word_range);
        }
        if is_pipeline_variable(ctx.text, receiver) {
            return stage_snippets(ctx, word_range, receiver);
        }
        return Vec::new();
    }
    if in_step_list(ctx.text, word_range.start) {
        return steps(ctx, word_range, |_| true);
    }
    Vec::new()
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Where a string's value starts once the wrapper the language puts a literal in where CDK
/// takes a string is left out (Go's `jsii.String(` before `"…"`).
fn unwrapped(ctx: &Ctx<'_>, pos: usize) -> usize {
    let wrapper = ctx.plugin.naming.string("");
    let open = wrapper.find(ctx.plugin.naming.quote).unwrap_or(0);
    let before = &ctx.text[..pos];
    match before.strip_suffix(&wrapper[..open]) {
        Some(rest) if open > 0 => rest.len(),
        _ => pos,
    }
}

/// The identifier characters right before `offset`.
fn word_before(text: &str, offset: usize) -> &str {
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '-')
        .last()
        .map_or(offset, |(i, _)| i);
    &text[start..offset]
}

/// The key a value at `pos` is given for: `account=`, `account:`, `"account":`.
fn key_before(text: &str, pos: usize) -> Option<&str> {
    let before = text[..pos].trim_end_matches([' ', '\t']);
    // A builder's method: `.account(`.
    if let Some(call) = before.strip_suffix('(') {
        let key = word_before(call, call.len());
        return (!key.is_empty() && call[..call.len() - key.len()].ends_with('.'))
            .then(|| canonical_key(key));
    }
    let before = before
        .strip_suffix('=')
        .or_else(|| before.strip_suffix(':'))?;
    if before.ends_with('=')
        || before.ends_with('!')
        || before.ends_with('<')
        || before.ends_with('>')
    {
        return None; // `==`, `!=`, `<=`: a comparison, not a keyword argument
    }
    let before = before
        .trim_end_matches([' ', '\t'])
        .trim_end_matches(['"', '\'']);
    let key = word_before(before, before.len());
    (!key.is_empty()).then(|| canonical_key(key))
}

/// The keys completion knows, by their canonical name (`Account` and `account` are
/// `account`).
fn canonical_key(k: &str) -> &'static str {
    match crate::lang::ir::snake_case(k).as_str() {
        "account" => "account",
        "region" => "region",
        "synth" => "synth",
        "input" => "input",
        "pre" => "pre",
        "post" => "post",
        "change_set" => "change_set",
        _ => "other",
    }
}

/// Whether `pos` is inside an unclosed `[` given to `pre`, `post` or `change_set`.
fn in_step_list(text: &str, pos: usize) -> bool {
    let mut depth = 0i32;
    let window_start = pos.saturating_sub(4000);
    let window_start = floor_boundary(text, window_start);
    for (i, c) in text[window_start..pos].char_indices().rev() {
        match c {
            ']' | ')' | '}' => depth += 1,
            '(' | '{' => {
                if depth == 0 {
                    // Directly among the arguments of `add_pre(…)` / `addPost(…)`.
                    return c == '('
                        && matches!(
                            crate::lang::ir::snake_case(word_before(text, window_start + i))
                                .as_str(),
                            "add_pre" | "add_post"
                        );
                }
                depth -= 1;
            }
            '[' => {
                if depth == 0 {
                    let at = window_start + i;
                    return matches!(key_before(text, at), Some("pre" | "post" | "change_set"));
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    false
}

fn accounts(ctx: &Ctx<'_>, quoted: bool, replace: ByteRange) -> Vec<Item> {
    ctx.accounts
        .iter()
        .map(|a| {
            let insert = match quoted {
                true => ctx.plugin.naming.string(&a.id),
                false => a.id.clone(),
            };
            let detail = a.names.join(", ");
            Item {
                label: a.id.clone(),
                detail: Some(detail.clone()),
                documentation: None,
                kind: Kind::Value,
                insert_text: insert,
                snippet: false,
                replace: replace.clone(),
                sort_text: a.id.clone(),
                // Typing a name finds its id too.
                filter_text: Some(format!("{} {detail}", a.id)),
                additional_edits: Vec::new(),
            }
        })
        .collect()
}

fn regions(ctx: &Ctx<'_>, quoted: bool, replace: ByteRange) -> Vec<Item> {
    regions::all()
        .map(|r| {
            let used = ctx.used_regions.iter().any(|u| u == r.code);
            let group = if used {
                0
            } else if r.opt_in {
                2
            } else {
                1
            };
            let insert = match quoted {
                true => ctx.plugin.naming.string(r.code),
                false => r.code.to_string(),
            };
            let mut detail = r.name.to_string();
            if r.opt_in {
                detail.push_str(" — opt-in");
            }
            if used {
                detail.push_str(" — used in this workspace");
            }
            Item {
                label: r.code.to_string(),
                detail: Some(detail),
                documentation: r.opt_in.then(|| {
                    format!(
                        "{} must be enabled in the account before anything deploys there.",
                        r.name
                    )
                }),
                kind: Kind::Value,
                insert_text: insert,
                snippet: false,
                replace: replace.clone(),
                sort_text: format!("{group}{}", r.code),
                filter_text: Some(format!("{} {}", r.code, r.name)),
                additional_edits: Vec::new(),
            }
        })
        .collect()
}

/// How the file refers to the pipelines module: `pipelines`, `pl`, `cdk.pipelines`.
pub fn pipelines_alias(imports: &[Import]) -> Option<String> {
    for i in imports {
        // A default import of a library is the library (`import pipelines from '…'`).
        let whole = i
            .member
            .as_deref()
            .is_none_or(|m| m == crate::lang::ir::DEFAULT_EXPORT);
        if whole
            && i.local != crate::lang::ir::STAR_IMPORT
            && crate::model::canonical_module(&i.module) == "cdk.pipelines"
        {
            return Some(i.local.clone());
        }
        if i.member.as_deref() == Some("pipelines")
            && (i.module == "aws_cdk" || i.module == "aws-cdk-lib")
        {
            return Some(i.local.clone());
        }
    }
    None
}

fn cdk_alias(imports: &[Import]) -> Option<String> {
    imports
        .iter()
        .find(|i| i.member.is_none() && (i.module == "aws_cdk" || i.module == "aws-cdk-lib"))
        .map(|i| i.local.clone())
}

/// The name the file binds CDK's core module to, in any language (Go's `awscdk`).
fn core_alias(imports: &[Import]) -> Option<String> {
    imports
        .iter()
        .find(|i| {
            i.member.is_none()
                && i.local != crate::lang::ir::STAR_IMPORT
                && crate::model::canonical_module(&i.module) == "cdk"
        })
        .map(|i| i.local.clone())
}

/// The prefix to write before a pipelines class, and the import edit to add when the file
/// has no way to refer to the module yet.
fn qualifier(ctx: &Ctx<'_>, class: &str, typed_alias: bool) -> (String, Vec<(ByteRange, String)>) {
    if typed_alias {
        return (String::new(), Vec::new());
    }
    if ctx
        .imports
        .iter()
        .any(|i| i.member.as_deref() == Some(class) && i.local == class)
    {
        return (String::new(), Vec::new());
    }
    let n = &ctx.plugin.naming;
    if n.namespaces {
        // Classes are written bare; the namespace (or the class) is imported once.
        let imported = ctx.imports.iter().any(|i| {
            crate::model::canonical_module(&i.module) == "cdk.pipelines"
                && (i.local == crate::lang::ir::STAR_IMPORT || i.member.is_none())
        }) || ctx.text.contains(n.pipelines_import.trim_end())
            || ctx
                .text
                .contains(n.pipelines_import.trim_end().replace('*', class).as_str());
        if imported {
            return (String::new(), Vec::new());
        }
        return (String::new(), vec![import_edit(ctx)]);
    }
    if let Some(alias) = pipelines_alias(ctx.imports) {
        return (format!("{alias}."), Vec::new());
    }
    if let Some(cdk) = cdk_alias(ctx.imports) {
        return (format!("{cdk}.pipelines."), Vec::new());
    }
    ("pipelines.".into(), vec![import_edit(ctx)])
}

/// The edit that imports the pipelines module: the plugin's import statement on the line
/// after the file's last import (Go: its path inside the `import ( … )` block), or after the
/// `package` line, or at the top.
fn import_edit(ctx: &Ctx<'_>) -> (ByteRange, String) {
    import_edit_of(ctx, ctx.plugin.naming.pipelines_import)
}

/// The edit that adds the import statement `import` where [`import_edit`] adds the pipelines
/// module's.
pub(crate) fn import_edit_of(ctx: &Ctx<'_>, import: &str) -> (ByteRange, String) {
    let text = ctx.text;
    let next_line = |end: usize| text[end..].find('\n').map_or(text.len(), |n| end + n + 1);
    let last = ctx
        .imports
        .iter()
        .map(|i| i.span.end_byte)
        .max()
        .or_else(|| {
            // A plugin whose lowering finds no import yet: its import statements by their keyword.
            let keyword = import.split_whitespace().next()?;
            let mut end = None;
            let mut at = 0;
            for line in text.split_inclusive('\n') {
                if line.starts_with(&format!("{keyword} ")) {
                    end = Some(at + line.trim_end().len());
                }
                at += line.len();
            }
            end
        });
    let Some(end) = last else {
        let at = text
            .split_inclusive('\n')
            .scan(0, |at, line| {
                *at += line.len();
                Some((*at, line))
            })
            .find(|(_, line)| line.starts_with("package "))
            .map_or(0, |(at, _)| at);
        return (at..at, import.to_string());
    };
    let at = next_line(end);
    // Inside a parenthesised import block: the path alone, indented as the one before.
    let rest = text[end..].trim_start();
    let spec = import.trim_end().split_once(' ').map(|(_, s)| s);
    match spec {
        Some(spec) if rest.starts_with(')') && !import.trim_end().ends_with(';') => {
            let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
            let indent = &text[line_start..]
                [..text[line_start..].len() - text[line_start..].trim_start().len()];
            (at..at, format!("{indent}{spec}\n"))
        }
        _ => (at..at, import.to_string()),
    }
}

fn typed_after_alias(ctx: &Ctx<'_>, replace: &ByteRange) -> bool {
    ctx.text[..replace.start].ends_with('.')
}

/// The language's `new ` (the plugin's `new_keyword`) when the user has not typed it already.
fn new_kw(ctx: &Ctx<'_>, replace: &ByteRange, typed_alias: bool) -> &'static str {
    if ctx.plugin.naming.new_keyword.is_empty() {
        return "";
    }
    let before = if typed_alias {
        let s = &ctx.text[..replace.start - 1];
        &s[..s.len() - word_before(s, s.len()).len()]
    } else {
        &ctx.text[..replace.start]
    };
    let keyword = ctx.plugin.naming.new_keyword;
    if before.trim_end().ends_with(keyword.trim_end()) {
        ""
    } else {
        keyword
    }
}

fn steps(ctx: &Ctx<'_>, replace: ByteRange, offered: fn(&StepClass) -> bool) -> Vec<Item> {
    let typed_alias = typed_after_alias(ctx, &replace);
    catalog::STEP_CLASSES
        .iter()
        .filter(|c| offered(c))
        .enumerate()
        .map(|(i, c)| {
            let class = c.class;
            let n = &ctx.plugin.naming;
            let (q, edits) = qualifier(ctx, class, typed_alias);
            let new = new_kw(ctx, &replace, typed_alias);
            let insert_text = if typed_alias {
                // After `alias.`: the module is typed already (its props struct names it).
                let before = &ctx.text[..replace.start - 1];
                let module = format!("{}.", word_before(before, before.len()));
                let made = c.snippet(n, &module, true);
                format!("{new}{}", made.strip_prefix(&module).unwrap_or(&made))
            } else {
                c.snippet(n, &q, new.is_empty() && !n.new_keyword.is_empty())
            };
            let callee = insert_text
                .strip_prefix(n.new_keyword)
                .unwrap_or(&insert_text);
            let callee = callee.strip_prefix(q.as_str()).unwrap_or(callee);
            let callee = callee.split(['(', '.']).next().unwrap_or(class);
            Item {
                label: class.to_string(),
                detail: Some(format!("pipelines.{class}")),
                documentation: Some(c.summary.to_string()),
                kind: Kind::Class,
                filter_text: Some(callee.to_string()),
                insert_text,
                snippet: true,
                replace: replace.clone(),
                sort_text: format!("{i}"),
                additional_edits: edits,
            }
        })
        .collect()
}

fn class_items(replace: ByteRange, classes: &[&str]) -> Vec<Item> {
    classes
        .iter()
        .map(|c| Item {
            label: c.to_string(),
            detail: Some(format!("pipelines.{c}")),
            documentation: None,
            kind: Kind::Class,
            insert_text: c.to_string(),
            snippet: false,
            replace: replace.clone(),
            sort_text: format!("9{c}"),
            filter_text: None,
            additional_edits: Vec::new(),
        })
        .collect()
}

/// Each source method: (its name, its snippet after `CodePipelineSource.`, its doc), the
/// options struct written with `prefix` (the pipelines module's name in the file, or nothing).
fn source_snippets<'n>(
    n: &'n crate::lang::Naming,
    prefix: &'n str,
) -> impl Iterator<Item = (String, String, &'static str)> + 'n {
    catalog::SOURCES.iter().map(move |m| {
        let name = m.name(n);
        let snippet = format!("{name}{}", m.args_in(n, prefix));
        (name, snippet, m.doc)
    })
}

fn source_methods(ctx: &Ctx<'_>, replace: ByteRange) -> Vec<Item> {
    source_snippets(&ctx.plugin.naming, "")
        .enumerate()
        .map(|(i, (label, body, doc))| Item {
            label: label.to_string(),
            detail: Some(format!("CodePipelineSource.{label}")),
            documentation: Some(doc.into()),
            kind: Kind::Method,
            insert_text: body,
            snippet: true,
            replace: replace.clone(),
            sort_text: format!("{i}"),
            filter_text: Some(label.to_string()),
            additional_edits: Vec::new(),
        })
        .collect()
}

fn sources(ctx: &Ctx<'_>, replace: ByteRange) -> Vec<Item> {
    let n = &ctx.plugin.naming;
    let typed_alias = typed_after_alias(ctx, &replace);
    let (q, edits) = qualifier(ctx, "CodePipelineSource", typed_alias);
    // The options struct's module: the one typed before the cursor, or the prefix written.
    let module = if typed_alias {
        let before = &ctx.text[..replace.start - 1];
        format!("{}.", word_before(before, before.len()))
    } else {
        q.clone()
    };
    catalog::SOURCES
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let label = n.static_method("CodePipelineSource", m.method);
            Item {
                label: label.clone(),
                detail: Some("pipelines source".into()),
                documentation: Some(m.doc.into()),
                kind: Kind::Method,
                insert_text: format!("{q}{label}{}", m.args_in(n, &module)),
                snippet: true,
                replace: replace.clone(),
                sort_text: format!("{i}"),
                filter_text: Some(label),
                additional_edits: edits.clone(),
            }
        })
        .collect()
}

fn is_pipeline_variable(text: &str, name: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        // `x = CodePipeline(`, `const x: T = new CodePipeline(`, Java's
        // `x = CodePipeline.Builder.create(`, Go's `x := pipelines.NewCodePipeline(`.
        Regex::new(r"(?m)(?:^|[\s(])((?:self\.|this\.)?\w+)\s*(?::\s*[\w.<>]+\s*)?:?=\s*(?:new\s+)?[\w.]*\b(?:New)?(?:CodePipeline|CdkPipeline)(?:\.Builder\.create)?\s*\(")
            .expect("valid regex")
    });
    !name.is_empty()
        && re.captures_iter(text).any(|c| {
            let v = &c[1];
            v == name || v.rsplit('.').next() == Some(name)
        })
}

fn stage_snippets(ctx: &Ctx<'_>, replace: ByteRange, _receiver: &str) -> Vec<Item> {
    let n = &ctx.plugin.naming;
    let class = ctx
        .stage_classes
        .first()
        .map(String::as_str)
        .unwrap_or("AppStage");
    let (account, region) = (n.string("${3:111111111111}"), n.string("${4:us-east-1}"));
    // Keyword props: `cdk.Environment(account=…, region=…)` when cdk is imported, else a map
    // with string keys; Go's struct is in the module the file binds as `awscdk`.
    let cdk = cdk_alias(ctx.imports).or_else(|| core_alias(ctx.imports));
    let env = n.environment(cdk.as_deref(), &account, &region);
    let stage_props = match n.namespaces {
        true => "StageProps".to_string(),
        false => format!("{}.StageProps", cdk.as_deref().unwrap_or(n.core_alias)),
    };
    let env_prop = [n.prop("env", &env)];
    // The app's own Stage class: no builder of CDK's, and (Go) an `id string` parameter.
    let made = n.construct_app(
        &format!("${{2:{class}}}"),
        &[
            n.scope(&ctx.text[..replace.start]),
            n.plain_string("${1:Id}"),
        ],
        Some(Props {
            ty: &stage_props,
            items: &env_prop,
        }),
    );
    let stage = n.method_call("add_stage", &[made], None);
    let (q, import) = qualifier(ctx, "WaveOptions", false);
    let pre = [n.prop("pre", &n.list(&format!("{q}Step"), &["${2}".to_string()]))];
    let wave = n.method_call(
        "add_wave",
        &[n.string("${1:Prod}")],
        Some(Props {
            ty: &format!("{q}WaveOptions"),
            items: &pre,
        }),
    );
    // Labels of their own: the language's own server (tsserver, Pylance) lists the methods
    // `addStage` / `add_stage` too; these are the snippets with an env.
    vec![
        Item {
            label: format!("{} with env", n.api("add_stage")),
            detail: Some("add a stage with its env".into()),
            documentation: Some("Deploys a Stage (its stacks) to one account and region.".into()),
            kind: Kind::Snippet,
            insert_text: stage,
            snippet: true,
            replace: replace.clone(),
            sort_text: "0".into(),
            filter_text: Some(n.api("add_stage")),
            additional_edits: Vec::new(),
        },
        Item {
            label: format!("{} with pre", n.api("add_wave")),
            detail: Some("add a wave of stages deployed in parallel".into()),
            documentation: None,
            kind: Kind::Snippet,
            insert_text: wave,
            snippet: true,
            replace,
            sort_text: "1".into(),
            filter_text: Some(n.api("add_wave")),
            additional_edits: import,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{CSHARP, GO, JAVA, PYTHON, TYPESCRIPT};

    /// Completes at `$0` in `src` and returns the labels and the text after applying the
    /// first item (without snippet placeholders).
    fn check(plugin: &'static Plugin, src: &str) -> (Vec<String>, String) {
        let offset = src.find("$0").unwrap();
        let text = src.replace("$0", "");
        let tree = plugin.parser().parse(&text, None).unwrap();
        let imports = plugin.lower(&tree, &text).imports;
        let mut accounts = Accounts::default();
        accounts.add("111111111111", "dev (settings)".into());
        accounts.add("333333333333", "profile prod".into());
        let used = vec!["eu-west-1".to_string()];
        let ctx = Ctx {
            text: &text,
            offset,
            plugin,
            imports: &imports,
            accounts: &accounts,
            used_regions: &used,
            stage_classes: &[],
        };
        let mut items = complete(&ctx);
        items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
        let labels = items.iter().map(|i| i.label.clone()).collect();
        let applied = match items.first() {
            Some(item) => {
                let mut t = text.clone();
                let mut edits = item.additional_edits.clone();
                edits.push((item.replace.clone(), item.insert_text.clone()));
                edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
                for (r, s) in edits {
                    t.replace_range(r, &s);
                }
                t
            }
            None => text,
        };
        (labels, applied)
    }

    #[test]
    fn regions_in_an_unclosed_python_string_used_ones_first() {
        let (labels, applied) = check(
            &PYTHON,
            "env=cdk.Environment(account=\"1\", region=\"eu-w$0\nx = 1\n",
        );
        assert_eq!(labels[0], "eu-west-1");
        assert!(labels.len() >= 30);
        assert!(
            labels.iter().position(|l| l == "af-south-1")
                > labels.iter().position(|l| l == "us-east-1")
        );
        assert!(
            applied.starts_with("env=cdk.Environment(account=\"1\", region=\"eu-west-1\nx"),
            "{applied}"
        );
    }

    #[test]
    fn regions_without_a_quote_get_quoted_in_typescript() {
        let (labels, applied) = check(&TYPESCRIPT, "const e = { account: '1', region: $0 };");
        assert_eq!(labels[0], "eu-west-1");
        assert_eq!(applied, "const e = { account: '1', region: 'eu-west-1' };");
    }

    #[test]
    fn accounts_after_account_keyword() {
        let (labels, applied) = check(&PYTHON, "Environment(account=\"$0\")");
        assert_eq!(labels, ["111111111111", "333333333333"]);
        assert_eq!(applied, "Environment(account=\"111111111111\")");
        let (labels, _) = check(&TYPESCRIPT, "{ account: $0");
        assert_eq!(labels.len(), 2);
        let (labels, _) = check(&PYTHON, "if account == $0");
        assert!(labels.is_empty());
    }

    #[test]
    fn steps_among_add_pre_and_add_post_arguments() {
        for src in [
            "from aws_cdk import pipelines\nd = p.add_stage(s)\nd.add_pre($0",
            "from aws_cdk import pipelines\nw.add_post(pipelines.ManualApprovalStep(\"A\"), $0",
        ] {
            let (labels, _) = check(&PYTHON, src);
            assert_eq!(
                labels.first().map(String::as_str),
                Some("ShellStep"),
                "{src}"
            );
        }
        let (labels, applied) = check(
            &TYPESCRIPT,
            "import * as pipelines from 'aws-cdk-lib/pipelines';\nwave.addPre($0",
        );
        assert_eq!(labels.len(), 4, "{labels:?}");
        assert!(
            applied.ends_with(
                "wave.addPre(new pipelines.ShellStep('${1:Id}', { commands: ['${2:npm ci}'] })"
            ),
            "{applied}"
        );
        // Not in a nested call's arguments, nor after another method.
        for src in ["d.add_pre(f($0", "d.add_stage($0"] {
            let (labels, _) = check(&PYTHON, src);
            assert!(labels.is_empty(), "{src}: {labels:?}");
        }
    }

    #[test]
    fn steps_in_pre_lists_use_the_files_alias() {
        let src = "from aws_cdk import pipelines as pl\np.add_stage(s, pre=[pl.ShellStep(\"A\", commands=[]), $0";
        let (labels, applied) = check(&PYTHON, src);
        assert_eq!(
            labels,
            [
                "ShellStep",
                "CodeBuildStep",
                "ManualApprovalStep",
                "ConfirmPermissionsBroadening"
            ]
        );
        assert!(applied.ends_with("pre=[pl.ShellStep(\"A\", commands=[]), pl.ShellStep(\"${1:Id}\", commands=[\"${2:npm ci}\"])"), "{applied}");
    }

    #[test]
    fn steps_add_the_import_when_missing() {
        let src = "import * as cdk from 'aws-cdk-lib';\nimport { Construct } from 'constructs';\nwave.addStage(s, { post: [$0";
        let (_, applied) = check(
            &TYPESCRIPT,
            src.replace("import * as cdk from 'aws-cdk-lib';\n", "")
                .as_str(),
        );
        assert!(applied.contains("import { Construct } from 'constructs';\nimport * as pipelines from 'aws-cdk-lib/pipelines';\n"), "{applied}");
        assert!(
            applied.ends_with(
                "post: [new pipelines.ShellStep('${1:Id}', { commands: ['${2:npm ci}'] })"
            ),
            "{applied}"
        );
        let (_, applied) = check(&TYPESCRIPT, src);
        assert!(
            applied.ends_with(
                "post: [new cdk.pipelines.ShellStep('${1:Id}', { commands: ['${2:npm ci}'] })"
            ),
            "{applied}"
        );
    }

    #[test]
    fn after_the_module_alias_and_sources_after_input() {
        let (labels, applied) = check(
            &TYPESCRIPT,
            "import * as pipelines from 'aws-cdk-lib/pipelines';\nconst s = new pipelines.Sh$0",
        );
        assert!(
            labels.contains(&"ShellStep".to_string())
                && labels.contains(&"CodePipeline".to_string())
        );
        assert!(
            applied.ends_with("new pipelines.ShellStep('${1:Id}', { commands: ['${2:npm ci}'] })"),
            "{applied}"
        );
        let (labels, _) = check(
            &PYTHON,
            "from aws_cdk import pipelines\npipelines.ShellStep(\"S\", input=$0",
        );
        assert_eq!(labels[0], "CodePipelineSource.connection");
        let (labels, _) = check(
            &TYPESCRIPT,
            "import * as p from 'aws-cdk-lib/pipelines';\np.CodePipelineSource.$0",
        );
        assert_eq!(labels[1], "gitHub");
    }

    /// The snippets are written with the plugin's syntax table, as each language writes them.
    #[test]
    fn stage_snippets_are_written_in_the_files_syntax() {
        let texts = |plugin: &'static Plugin, text: &str| -> Vec<String> {
            let tree = plugin.parser().parse(text, None).unwrap();
            let imports = plugin.lower(&tree, text).imports;
            let ctx = Ctx {
                text,
                offset: text.len(),
                plugin,
                imports: &imports,
                accounts: &Accounts::default(),
                used_regions: &[],
                stage_classes: &[],
            };
            stage_snippets(&ctx, text.len()..text.len(), "pipeline")
                .into_iter()
                .map(|i| i.insert_text)
                .collect()
        };
        assert_eq!(
            texts(&PYTHON, "import aws_cdk as cdk\n"),
            [
                "add_stage(${2:AppStage}(self, \"${1:Id}\", env=cdk.Environment(account=\"${3:111111111111}\", region=\"${4:us-east-1}\")))",
                "add_wave(\"${1:Prod}\", pre=[${2}])",
            ]
        );
        assert_eq!(
            texts(&PYTHON, "")[0],
            "add_stage(${2:AppStage}(self, \"${1:Id}\", env={\"account\": \"${3:111111111111}\", \"region\": \"${4:us-east-1}\"}))"
        );
        assert_eq!(
            texts(&TYPESCRIPT, ""),
            [
                "addStage(new ${2:AppStage}(this, '${1:Id}', { env: { account: '${3:111111111111}', region: '${4:us-east-1}' } }))",
                "addWave('${1:Prod}', { pre: [${2}] })",
            ]
        );
    }

    #[test]
    fn stage_snippets_after_a_pipeline_variable() {
        let src =
            "import aws_cdk as cdk\npipeline = pipelines.CodePipeline(self, \"P\")\npipeline.$0";
        let (labels, applied) = check(&PYTHON, src);
        assert_eq!(labels, ["add_stage with env", "add_wave with pre"]);
        // The first tab stop is the stage id.
        assert!(applied.ends_with("pipeline.add_stage(${2:AppStage}(self, \"${1:Id}\", env=cdk.Environment(account=\"${3:111111111111}\", region=\"${4:us-east-1}\")))"), "{applied}");
        let (labels, _) = check(
            &TYPESCRIPT,
            "const pipeline = new pipelines.CodePipeline(this, 'P', {});\npipeline.add$0",
        );
        assert_eq!(labels, ["addStage with env", "addWave with pre"]);
        let (labels, _) = check(&PYTHON, "other = make()\nother.$0");
        assert!(labels.is_empty());
    }

    /// The first item's text after `$0` in `src` (the import edit applied), and its label.
    fn first(plugin: &'static Plugin, src: &str) -> (String, String) {
        let (labels, applied) = check(plugin, src);
        (labels.first().cloned().unwrap_or_default(), applied)
    }

    const GO_HEAD: &str = "package main\n\nimport (\n\t\"github.com/aws/aws-cdk-go/awscdk/v2\"\n\t\"github.com/aws/jsii-runtime-go\"\n)\n\nfunc NewP(scope constructs.Construct, id string) awscdk.Stack {\n\tst := awscdk.NewStack(scope, &id, nil)\n";

    #[test]
    fn go_steps_sources_and_the_import_in_its_block() {
        let (label, applied) = first(
            &GO,
            &format!("{GO_HEAD}\tpipelines.NewCodePipeline(st, jsii.String(\"P\"), &pipelines.CodePipelineProps{{Synth: $0"),
        );
        assert_eq!(label, "ShellStep");
        assert!(applied.contains("\t\"github.com/aws/jsii-runtime-go\"\n\t\"github.com/aws/aws-cdk-go/awscdk/v2/pipelines\"\n)\n"), "{applied}");
        assert!(applied.ends_with("{Synth: pipelines.NewShellStep(jsii.String(\"${1:Id}\"), &pipelines.ShellStepProps{Commands: jsii.Strings(\"${2:npm ci}\")})"), "{applied}");
        let with_import = GO_HEAD.replace(
            ")\n\n",
            "\t\"github.com/aws/aws-cdk-go/awscdk/v2/pipelines\"\n)\n\n",
        );
        let (label, applied) = first(&GO, &format!("{with_import}\tx := pipelines.NewShellStep(jsii.String(\"S\"), &pipelines.ShellStepProps{{Input: $0"));
        assert_eq!(label, "CodePipelineSource_Connection");
        assert_eq!(applied.matches("v2/pipelines\"").count(), 1, "{applied}");
        assert!(applied.ends_with("Input: pipelines.CodePipelineSource_Connection(jsii.String(\"${1:owner/repo}\"), jsii.String(\"${2:main}\"), &pipelines.ConnectionSourceOptions{ConnectionArn: jsii.String(\"${3:arn:aws:codestar-connections:…}\")})"), "{applied}");
        // After the package's name: `New…` and the static methods `CodePipelineSource_…`.
        let (_, applied) = first(&GO, &format!("{with_import}\ts := pipelines.NewSh$0"));
        assert!(applied.ends_with("s := pipelines.NewShellStep(jsii.String(\"${1:Id}\"), &pipelines.ShellStepProps{Commands: jsii.Strings(\"${2:npm ci}\")})"), "{applied}");
        let (_, applied) = first(
            &GO,
            &format!("{with_import}\ts := pipelines.CodePipelineSource_$0"),
        );
        assert!(applied.ends_with("s := pipelines.CodePipelineSource_Connection(jsii.String(\"${1:owner/repo}\"), jsii.String(\"${2:main}\"), &pipelines.ConnectionSourceOptions{ConnectionArn: jsii.String(\"${3:arn:aws:codestar-connections:…}\")})"), "{applied}");
        let (labels, applied) = check(&GO, &format!("{with_import}\tdeployment.AddPre($0"));
        assert_eq!(labels[2], "ManualApprovalStep");
        assert!(applied.ends_with("deployment.AddPre(pipelines.NewShellStep(jsii.String(\"${1:Id}\"), &pipelines.ShellStepProps{Commands: jsii.Strings(\"${2:npm ci}\")})"), "{applied}");
    }

    #[test]
    fn go_stage_snippets_accounts_and_regions() {
        let src = format!("{GO_HEAD}\tpipeline := pipelines.NewCodePipeline(st, jsii.String(\"P\"), props)\n\tpipeline.$0");
        let (labels, applied) = check(&GO, &src);
        assert_eq!(labels, ["AddStage with env", "AddWave with pre"]);
        assert!(applied.ends_with("\tpipeline.AddStage(New${2:AppStage}(st, \"${1:Id}\", &awscdk.StageProps{Env: &awscdk.Environment{Account: jsii.String(\"${3:111111111111}\"), Region: jsii.String(\"${4:us-east-1}\")}}), nil)"), "{applied}");
        let text = src.replace("$0", "");
        let tree = GO.parser().parse(&text, None).unwrap();
        let imports = GO.lower(&tree, &text).imports;
        let ctx = Ctx {
            text: &text,
            offset: text.len(),
            plugin: &GO,
            imports: &imports,
            accounts: &Accounts::default(),
            used_regions: &[],
            stage_classes: &[],
        };
        let wave = &stage_snippets(&ctx, text.len()..text.len(), "pipeline")[1];
        assert_eq!(wave.insert_text, "AddWave(jsii.String(\"${1:Prod}\"), &pipelines.WaveOptions{Pre: &[]pipelines.Step{${2}}})");
        let (labels, applied) = check(
            &GO,
            "env := &awscdk.Environment{Account: jsii.String(\"$0\")}",
        );
        assert_eq!(labels, ["111111111111", "333333333333"]);
        assert!(
            applied
                .starts_with("env := &awscdk.Environment{Account: jsii.String(\"111111111111\")"),
            "{applied}"
        );
        let (labels, applied) = check(&GO, "env := &awscdk.Environment{Region: $0");
        assert_eq!(labels[0], "eu-west-1");
        assert_eq!(
            applied,
            "env := &awscdk.Environment{Region: jsii.String(\"eu-west-1\")"
        );
    }

    const JAVA_HEAD: &str = "package com.acme;\n\nimport software.amazon.awscdk.Stack;\nimport software.constructs.Construct;\n\npublic class P extends Stack {\n    public P(final Construct scope, final String id) {\n        super(scope, id);\n";

    #[test]
    fn java_builders_and_the_namespace_import() {
        let (label, applied) = first(
            &JAVA,
            &format!("{JAVA_HEAD}        CodePipeline pipeline = CodePipeline.Builder.create(this, \"P\").synth($0"),
        );
        assert_eq!(label, "ShellStep");
        // The pipelines package, and `java.util.List` for the snippet's `List.of`, after the
        // last import.
        assert!(
            applied.contains("import software.constructs.Construct;\nimport java.util.List;\nimport software.amazon.awscdk.pipelines.*;\n\npublic class")
                || applied.contains("import software.constructs.Construct;\nimport software.amazon.awscdk.pipelines.*;\nimport java.util.List;\n\npublic class"),
            "{applied}"
        );
        assert!(applied.ends_with(".synth(ShellStep.Builder.create(\"${1:Id}\").commands(List.of(\"${2:npm ci}\")).build()"), "{applied}");
        // A file that has `java.util`'s names gets no second import.
        let (_, applied) = first(
            &JAVA,
            &format!(
                "{}        CodePipeline pipeline = CodePipeline.Builder.create(this, \"P\").synth($0",
                JAVA_HEAD.replace("import software.constructs", "import java.util.*;\nimport software.constructs")
            ),
        );
        assert_eq!(applied.matches("import java.util").count(), 1, "{applied}");
        let head = JAVA_HEAD.replace(
            "import software.constructs",
            "import software.amazon.awscdk.pipelines.*;\nimport software.constructs",
        );
        // After a typed `new `: the props struct's builder as the last argument.
        let (_, applied) = first(&JAVA, &format!("{head}        deployment.addPost($0"));
        assert_eq!(
            applied.matches("awscdk.pipelines.*;").count(),
            1,
            "{applied}"
        );
        assert!(applied.ends_with("deployment.addPost(ShellStep.Builder.create(\"${1:Id}\").commands(List.of(\"${2:npm ci}\")).build()"), "{applied}");
        let (_, applied) = first(
            &JAVA,
            &format!("{head}        ShellStep.Builder.create(\"S\").input($0"),
        );
        assert!(applied.ends_with(".input(CodePipelineSource.connection(\"${1:owner/repo}\", \"${2:main}\", ConnectionSourceOptions.builder().connectionArn(\"${3:arn:aws:codestar-connections:…}\").build())"), "{applied}");
        let (labels, applied) = check(&JAVA, &format!("{head}        CodePipeline pipeline = CodePipeline.Builder.create(this, \"P\").build();\n        pipeline.$0"));
        assert_eq!(labels, ["addStage with env", "addWave with pre"]);
        assert!(applied.ends_with("pipeline.addStage(new ${2:AppStage}(this, \"${1:Id}\", StageProps.builder().env(Environment.builder().account(\"${3:111111111111}\").region(\"${4:us-east-1}\").build()).build()))"), "{applied}");
        let (labels, applied) = check(&JAVA, "Environment.builder().account(\"$0\")");
        assert_eq!(labels.len(), 2);
        assert_eq!(applied, "Environment.builder().account(\"111111111111\")");
    }

    const CSHARP_HEAD: &str = "using Amazon.CDK;\nusing Constructs;\n\nnamespace Acme\n{\n    public class P : Stack\n    {\n        public P(Construct scope, string id) : base(scope, id)\n        {\n";

    #[test]
    fn csharp_initializers_and_the_using() {
        let (label, applied) = first(
            &CSHARP,
            &format!("{CSHARP_HEAD}            var pipeline = new CodePipeline(this, \"P\", new CodePipelineProps {{ Synth = $0"),
        );
        assert_eq!(label, "ShellStep");
        assert!(
            applied.starts_with(
                "using Amazon.CDK;\nusing Constructs;\nusing Amazon.CDK.Pipelines;\n\nnamespace"
            ),
            "{applied}"
        );
        assert!(applied.ends_with("Synth = new ShellStep(\"${1:Id}\", new ShellStepProps { Commands = new[] { \"${2:npm ci}\" } })"), "{applied}");
        let head = CSHARP_HEAD.replace(
            "using Constructs;",
            "using Amazon.CDK.Pipelines;\nusing Constructs;",
        );
        let (_, applied) = first(
            &CSHARP,
            &format!(
                "{head}            var s = new ShellStep(\"S\", new ShellStepProps {{ Input = $0"
            ),
        );
        assert_eq!(
            applied.matches("using Amazon.CDK.Pipelines;").count(),
            1,
            "{applied}"
        );
        assert!(applied.ends_with("Input = CodePipelineSource.Connection(\"${1:owner/repo}\", \"${2:main}\", new ConnectionSourceOptions { ConnectionArn = \"${3:arn:aws:codestar-connections:…}\" })"), "{applied}");
        let (labels, applied) = check(&CSHARP, &format!("{head}            var pipeline = new CodePipeline(this, \"P\", props);\n            pipeline.$0"));
        assert_eq!(labels, ["AddStage with env", "AddWave with pre"]);
        assert!(applied.ends_with("pipeline.AddStage(new ${2:AppStage}(this, \"${1:Id}\", new StageProps { Env = new Amazon.CDK.Environment { Account = \"${3:111111111111}\", Region = \"${4:us-east-1}\" } }))"), "{applied}");
        let (labels, applied) = check(
            &CSHARP,
            "new Amazon.CDK.Environment { Region = \"eu-w$0\" }",
        );
        assert_eq!(labels[0], "eu-west-1");
        assert!(
            applied.starts_with("new Amazon.CDK.Environment { Region = \"eu-west-1\""),
            "{applied}"
        );
    }
}
