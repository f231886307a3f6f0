//! A failed synth, explained: the meaningful tail of what cdk and the app printed (each
//! language plugin says what its runtime's failures look like: `lang::SynthErrors`), and the
//! place in the app's own files it points at, so the editor can put a diagnostic there.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use crate::lang::ALL;

/// A place in the app's files (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorLocation {
    pub file: PathBuf,
    pub line: u32,
    pub column: Option<u32>,
}

static ANSI: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\x1b\[[0-9;?]*[ -/]*[@-~]").unwrap());

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

/// The first language's account of the failure, else the output's last lines.
fn message(lines: &[&str]) -> String {
    ALL.iter()
        .find_map(|p| (p.synth_errors.message)(lines, is_noise))
        .unwrap_or_else(|| last_lines(&lines.join("\n"), 10))
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
        c == "cdk.out" || ALL.iter().any(|p| (p.synth_errors.library_folder)(&c))
    });
    (!library && p.is_file()).then_some(p)
}

/// The innermost place in the app's own files that the first language naming one names.
fn location(lines: &[&str], root: &Path) -> Option<ErrorLocation> {
    ALL.iter().find_map(|p| {
        (p.synth_errors.places)(lines)
            .into_iter()
            .find_map(|(file, line, column)| {
                Some(ErrorLocation {
                    file: app_file(&file, root)?,
                    line,
                    column,
                })
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
        std::fs::create_dir_all(dir.path().join(".venv/lib/jsii")).unwrap();
        for f in [
            "app.py",
            "lib/stack.ts",
            "node_modules/x/index.js",
            ".venv/lib/jsii/k.py",
        ] {
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
             File \"/usr/lib/python3/site-packages/jsii/x.py\", line 9, in f\n    g()\n  \
             File \"{0}/.venv/lib/jsii/k.py\", line 4, in k\n    h()\n\
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
