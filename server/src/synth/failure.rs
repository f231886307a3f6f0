//! A failed synth, explained: the meaningful tail of what cdk and the app printed (a Python
//! traceback's exception, a TypeScript compile error, a Node `Error:` line), and the place in
//! the app's own files it points at, so the editor can put a diagnostic there.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

/// A place in the app's files (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorLocation {
    pub file: PathBuf,
    pub line: u32,
    pub column: Option<u32>,
}

static ANSI: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\x1b\[[0-9;?]*[ -/]*[@-~]").unwrap());
static PY_FRAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s*File "([^"]+)", line (\d+)"#).unwrap());
static TS_COMPILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([^\s():]+\.[cm]?[tj]sx?)(?:\((\d+),(\d+)\)|:(\d+):(\d+)) ?[:-] ?error TS\d+")
        .unwrap()
});
static JS_FRAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*at (?:.*\()?((?:file://)?/[^():]+\.[cm]?[tj]sx?):(\d+):(\d+)\)?\s*$").unwrap()
});

/// Lines cdk prints around every failure that say nothing about it.
fn is_noise(line: &str) -> bool {
    let t = line.trim();
    t.is_empty()
        || t.contains("Subprocess exited with error")
        || t.starts_with("NOTICES")
        || t.contains("feature flags are not configured")
        || t.starts_with("If you don’t want to see a notice")
        || t.starts_with("If you don't want to see a notice")
}

/// The last `n` meaningful lines of `text`.
pub fn last_lines(text: &str, n: usize) -> String {
    let clean = ANSI.replace_all(text, "");
    let lines: Vec<&str> = clean.lines().filter(|l| !is_noise(l)).collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// The error message to show and, when it can be found, where in the app it points.
pub fn explain(output: &str, root: &Path) -> (String, Option<ErrorLocation>) {
    let clean = ANSI.replace_all(output, "").into_owned();
    let lines: Vec<&str> = clean.lines().collect();
    let location = location(&lines, root);
    let message = message(&lines);
    (message, location)
}

fn message(lines: &[&str]) -> String {
    // A Python traceback: the exception after the last frame.
    if let Some(tb) = lines
        .iter()
        .rposition(|l| l.starts_with("Traceback (most recent call last)"))
    {
        let body = &lines[tb + 1..];
        let last_frame = body.iter().rposition(|l| PY_FRAME.is_match(l));
        // The frame line is followed by its source line; the exception follows that.
        let after = last_frame.map_or(0, |i| (i + 2).min(body.len()));
        let exception: Vec<&str> = body[after..]
            .iter()
            .copied()
            .filter(|l| !is_noise(l) && !l.trim_start().starts_with('^'))
            .take(15)
            .collect();
        if !exception.is_empty() {
            return exception.join("\n");
        }
    }
    // TypeScript compile errors (ts-node's `TSError: ⨯ Unable to compile TypeScript:`).
    let ts: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| TS_COMPILE.is_match(l))
        .take(10)
        .collect();
    if !ts.is_empty() {
        return ts.join("\n");
    }
    // A Node error: from the `Error:` line up to its stack.
    if let Some(i) = lines.iter().rposition(|l| {
        let t = l.trim_start();
        !t.starts_with("at ")
            && (t.starts_with("Error") || t.contains("Error: ") || t.contains("Error ["))
    }) {
        let msg: Vec<&str> = lines[i..]
            .iter()
            .copied()
            .take_while(|l| !l.trim_start().starts_with("at "))
            .filter(|l| !is_noise(l))
            .take(15)
            .collect();
        if !msg.is_empty() {
            return msg.join("\n");
        }
    }
    last_lines(&lines.join("\n"), 10)
}

/// A path from the output, as a file of the app (not a library's), or `None`.
fn app_file(path: &str, root: &Path) -> Option<PathBuf> {
    let path = path.strip_prefix("file://").unwrap_or(path);
    let p = Path::new(path);
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        root.join(p)
    };
    let p = p.canonicalize().ok()?;
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let rel = p.strip_prefix(&root).ok()?;
    let library = rel.components().any(|c| {
        let c = c.as_os_str().to_string_lossy();
        c == "node_modules"
            || c == "site-packages"
            || c == "cdk.out"
            || c.starts_with(".venv")
            || c == "venv"
    });
    (!library && p.is_file()).then_some(p)
}

fn location(lines: &[&str], root: &Path) -> Option<ErrorLocation> {
    let num = |s: Option<regex::Match<'_>>| s.and_then(|m| m.as_str().parse::<u32>().ok());
    // A TypeScript compile error names the place exactly.
    for l in lines {
        if let Some(c) = TS_COMPILE.captures(l) {
            if let Some(file) = app_file(&c[1], root) {
                return Some(ErrorLocation {
                    file,
                    line: num(c.get(2).or(c.get(4)))?,
                    column: num(c.get(3).or(c.get(5))),
                });
            }
        }
    }
    // A Python traceback: the innermost frame in the app's own files.
    if let Some(found) = lines.iter().rev().find_map(|l| {
        let c = PY_FRAME.captures(l)?;
        Some(ErrorLocation {
            file: app_file(&c[1], root)?,
            line: num(c.get(2))?,
            column: None,
        })
    }) {
        return Some(found);
    }
    // A Node stack: the first (innermost) frame in the app's own files.
    lines.iter().find_map(|l| {
        let c = JS_FRAME.captures(l)?;
        Some(ErrorLocation {
            file: app_file(&c[1], root)?,
            line: num(c.get(2))?,
            column: num(c.get(3)),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("lib")).unwrap();
        std::fs::create_dir_all(dir.path().join("node_modules/x")).unwrap();
        for f in ["app.py", "lib/stack.ts", "node_modules/x/index.js"] {
            std::fs::write(dir.path().join(f), "").unwrap();
        }
        dir
    }

    #[test]
    fn python_traceback_gives_the_exception_and_the_innermost_app_frame() {
        let dir = app();
        let root = dir.path();
        let out = format!(
            "Traceback (most recent call last):\n  File \"{0}/app.py\", line 7, in <module>\n    \
             build()\n  File \"{0}/app.py\", line 3, in build\n    raise ValueError('bad env')\n  \
             File \"/usr/lib/python3/site-packages/jsii/x.py\", line 9, in f\n    g()\n\
             ValueError: bad env\n\npython3 app.py: Subprocess exited with error 1\n",
            root.display()
        );
        let (msg, loc) = explain(&out, root);
        assert_eq!(msg, "ValueError: bad env");
        let loc = loc.unwrap();
        assert_eq!(loc.file, root.join("app.py").canonicalize().unwrap());
        assert_eq!(loc.line, 3);
    }

    #[test]
    fn typescript_compile_error_and_node_stack() {
        let dir = app();
        let root = dir.path();
        let out = "TSError: ⨯ Unable to compile TypeScript:\nlib/stack.ts(12,5): error TS2322: \
                   Type 'number' is not assignable to type 'string'.\n";
        let (msg, loc) = explain(out, root);
        assert!(msg.starts_with("lib/stack.ts(12,5): error TS2322"), "{msg}");
        assert_eq!(loc.unwrap().line, 12);

        let out = format!(
            "\x1b[31mError: boom\x1b[0m\n    at f ({0}/node_modules/x/index.js:1:1)\n    at new \
             Stack ({0}/lib/stack.ts:30:11)\n",
            root.display()
        );
        let (msg, loc) = explain(&out, root);
        assert_eq!(msg, "Error: boom");
        let loc = loc.unwrap();
        assert_eq!((loc.line, loc.column), (30, Some(11)));
        assert!(loc.file.ends_with("lib/stack.ts"));
    }
}
