//! Which `aws-cdk-lib` an app builds with, read from the files its package managers read: a
//! lock file first (the exact version installed: `package-lock.json`, `yarn.lock`,
//! `pnpm-lock.yaml`, `poetry.lock`, `uv.lock`, `Pipfile.lock`), else the requirement
//! (`package.json`, `requirements*.txt`, `pyproject.toml`, `setup.py`, `Pipfile`), of which only
//! the lowest version it allows is known. Rules that depend on what a version of CDK can do
//! read it (see [`CdkVersion::at_least`]); none is a guess: a requirement that allows versions
//! on both sides of a change leaves the answer unknown.

use std::path::{Path, PathBuf};

use crate::model::{CdkVersion, Version};

/// The largest file read: manifests are small; lock files of big monorepos are some MB.
const MAX_FILE: u64 = 16 * 1024 * 1024;

/// Reads the app's `aws-cdk-lib` version from the files in `root` (lock files first).
pub fn read(root: &Path) -> Option<CdkVersion> {
    let read = |name: &str| {
        super::read_file(&root.join(name), MAX_FILE)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    let exact = |v: Version, name: &str| CdkVersion {
        min: v,
        max: Some(v),
        file: PathBuf::from(name),
    };
    if let Some(v) = read("package-lock.json").and_then(|t| from_package_lock(&t)) {
        return Some(exact(v, "package-lock.json"));
    }
    if let Some(v) = read("yarn.lock").and_then(|t| from_yarn_lock(&t)) {
        return Some(exact(v, "yarn.lock"));
    }
    if let Some(v) = read("pnpm-lock.yaml").and_then(|t| from_pnpm_lock(&t)) {
        return Some(exact(v, "pnpm-lock.yaml"));
    }
    for name in ["poetry.lock", "uv.lock"] {
        if let Some(v) = read(name).and_then(|t| from_toml_lock(&t)) {
            return Some(exact(v, name));
        }
    }
    if let Some(v) = read("Pipfile.lock").and_then(|t| from_pipfile_lock(&t)) {
        return Some(exact(v, "Pipfile.lock"));
    }
    if let Some(req) = read("package.json").and_then(|t| from_package_json(&t)) {
        return Some(requirement(&req, "package.json"));
    }
    let mut requirements: Vec<String> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.starts_with("requirements") && n.ends_with(".txt"))
        .collect();
    requirements.sort();
    for name in
        requirements
            .iter()
            .map(String::as_str)
            .chain(["pyproject.toml", "setup.py", "Pipfile"])
    {
        if let Some(req) = read(name).and_then(|t| python_requirement(&t)) {
            return Some(requirement(&req, name));
        }
    }
    None
}

fn requirement(req: &str, file: &str) -> CdkVersion {
    let (min, max) = parse_requirement(req);
    CdkVersion {
        min,
        max,
        file: PathBuf::from(file),
    }
}

/// `"2.150.0"` / `"2.150"`: the version; anything else (a tag, a range word) is not one.
fn parse_version(s: &str) -> Option<Version> {
    let s = s.trim().trim_start_matches('v');
    let mut parts = s.split('.');
    let num = |p: Option<&str>| -> Option<u32> {
        let p = p?;
        let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    let major = num(parts.next())?;
    let minor = num(parts.next()).unwrap_or(0);
    let patch = num(parts.next()).unwrap_or(0);
    Some((major, minor, patch))
}

/// The lowest and (when capped below the next major) highest version a requirement allows:
/// npm (`^2.150.0`, `~2.150.0`, `2.150.0`, `>=2.150.0 <2.160.0`) or pip (`==2.150.0`,
/// `>=2.150.0,<3`, `~=2.150`). What cannot be read allows anything from 2.0.0.
fn parse_requirement(req: &str) -> (Version, Option<Version>) {
    let mut min: Version = (2, 0, 0);
    let mut max: Option<Version> = None;
    // `||` alternatives: the lowest of their lows, no cap.
    if req.contains("||") {
        let lows = req.split("||").map(|r| parse_requirement(r).0);
        return (lows.min().unwrap_or(min), None);
    }
    for clause in req
        .split([',', ' '])
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let (op, rest) = match clause {
            c if c.starts_with("===") => ("==", &c[3..]),
            c if c.starts_with("==") => ("==", &c[2..]),
            c if c.starts_with(">=") => (">=", &c[2..]),
            c if c.starts_with("<=") => ("<=", &c[2..]),
            c if c.starts_with("~=") => ("~=", &c[2..]),
            c if c.starts_with('>') => (">", &c[1..]),
            c if c.starts_with('<') => ("<", &c[1..]),
            c if c.starts_with('^') => ("^", &c[1..]),
            c if c.starts_with('~') => ("~", &c[1..]),
            c if c.starts_with('=') => ("==", &c[1..]),
            c => ("==", c),
        };
        if rest.contains('*') || rest.contains('x') {
            // `2.150.*` / `2.x`: from its fixed part.
            if let Some(v) = parse_version(rest.split(['*', 'x']).next().unwrap_or("")) {
                min = min.max(v);
            }
            continue;
        }
        let Some(v) = parse_version(rest) else {
            continue;
        };
        match op {
            "==" => {
                min = v;
                max = Some(v);
            }
            ">=" | "^" | "~" | "~=" => min = min.max(v),
            ">" => min = min.max((v.0, v.1, v.2 + 1)),
            "<=" => max = Some(max.map_or(v, |m| m.min(v))),
            "<" => {
                // Below `v`: the highest patch of the minor before, as far as a cap goes.
                let below = if v.2 > 0 {
                    (v.0, v.1, v.2 - 1)
                } else if v.1 > 0 {
                    (v.0, v.1 - 1, u32::MAX)
                } else {
                    (v.0.saturating_sub(1), u32::MAX, u32::MAX)
                };
                max = Some(max.map_or(below, |m| m.min(below)));
            }
            _ => {}
        }
        if op == "~" {
            max = Some(max.map_or((v.0, v.1, u32::MAX), |m| m.min((v.0, v.1, u32::MAX))));
        }
    }
    // A cap on the next major says nothing a rule needs (all of 2.x).
    if max.is_some_and(|m| m.0 > min.0 || m.1 == u32::MAX) {
        max = None;
    }
    (min, max)
}

fn from_package_json(text: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    ["dependencies", "devDependencies", "peerDependencies"]
        .iter()
        .find_map(|k| v.get(k)?.get("aws-cdk-lib")?.as_str().map(str::to_string))
}

fn from_package_lock(text: &str) -> Option<Version> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let version = v
        .get("packages")
        .and_then(|p| p.get("node_modules/aws-cdk-lib"))
        .or_else(|| v.get("dependencies").and_then(|d| d.get("aws-cdk-lib")))?
        .get("version")?
        .as_str()?;
    parse_version(version)
}

/// `aws-cdk-lib@^2.150.0:` then `  version "2.158.0"` (yarn 1) or `  version: 2.158.0` (berry).
fn from_yarn_lock(text: &str) -> Option<Version> {
    let mut in_entry = false;
    for line in text.lines() {
        if !line.starts_with(' ') {
            let l = line.trim_start_matches('"');
            in_entry = l.starts_with("aws-cdk-lib@");
            continue;
        }
        if in_entry {
            if let Some(rest) = line.trim().strip_prefix("version") {
                return parse_version(rest.trim_start_matches(':').trim().trim_matches('"'));
            }
        }
    }
    None
}

/// `/aws-cdk-lib@2.158.0` / `aws-cdk-lib@2.158.0(constructs@10.3.0)` as a package key.
fn from_pnpm_lock(text: &str) -> Option<Version> {
    text.lines().find_map(|line| {
        let l = line.trim().trim_start_matches(['/', '\'', '"']);
        let rest = l.strip_prefix("aws-cdk-lib@")?;
        let v: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        parse_version(&v)
    })
}

/// `[[package]]` tables with `name = "aws-cdk-lib"` and `version = "2.158.0"` (poetry, uv).
fn from_toml_lock(text: &str) -> Option<Version> {
    let mut in_cdk = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with("[[") || line.starts_with('[') {
            in_cdk = false;
        } else if let Some(name) = line.strip_prefix("name") {
            in_cdk = name
                .trim_start()
                .trim_start_matches('=')
                .trim()
                .trim_matches('"')
                == "aws-cdk-lib";
        } else if in_cdk {
            if let Some(v) = line.strip_prefix("version") {
                return parse_version(
                    v.trim_start()
                        .trim_start_matches('=')
                        .trim()
                        .trim_matches('"'),
                );
            }
        }
    }
    None
}

fn from_pipfile_lock(text: &str) -> Option<Version> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    ["default", "develop"].iter().find_map(|k| {
        let s = v.get(k)?.get("aws-cdk-lib")?.get("version")?.as_str()?;
        parse_version(s.trim_start_matches("=="))
    })
}

/// The requirement for `aws-cdk-lib` in a Python manifest: a `requirements.txt` line
/// (`aws-cdk-lib==2.150.0`), a string in `pyproject.toml` / `setup.py`
/// (`"aws-cdk-lib>=2.150.0"`), or a key (`aws-cdk-lib = "^2.150.0"`: poetry, Pipfile).
fn python_requirement(text: &str) -> Option<String> {
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let Some(at) = line
            .find("aws-cdk-lib")
            .or_else(|| line.find("aws_cdk_lib"))
        else {
            continue;
        };
        let rest = &line[at + "aws-cdk-lib".len()..];
        // `aws-cdk-lib.aws-…` names another package (`aws-cdk-lib` is the whole name).
        if rest.starts_with(['.', '-', '_']) || rest.starts_with(|c: char| c.is_alphanumeric()) {
            continue;
        }
        let rest = rest.trim_start_matches(['"', '\'']).trim_start();
        let rest = rest.trim_start_matches('=').trim_start();
        let rest = if rest.starts_with(['"', '\'']) && !rest.starts_with("\"\"") {
            // poetry/Pipfile `aws-cdk-lib = "^2.150.0"` (the `=` was the key's).
            &rest[1..]
        } else {
            rest
        };
        let req: String = rest
            .chars()
            .take_while(|c| !matches!(c, '"' | '\'' | ';' | '[' | ']' | ')' | '\n'))
            .collect();
        // `aws-cdk-lib==2.150.0` lost its `==` to the trim above: put it back.
        let req = if line[at..].contains("==") && !req.starts_with("==") {
            format!("=={req}")
        } else {
            req
        };
        if req.trim().is_empty() {
            return Some(String::new());
        }
        return Some(req.trim().to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_give_the_versions_they_allow() {
        let r = |s: &str| parse_requirement(s);
        assert_eq!(r("2.150.0"), ((2, 150, 0), Some((2, 150, 0))));
        assert_eq!(r("^2.150.0"), ((2, 150, 0), None));
        assert_eq!(r("~2.150.0"), ((2, 150, 0), Some((2, 150, u32::MAX))));
        assert_eq!(r(">=2.150.0,<3.0.0"), ((2, 150, 0), None));
        assert_eq!(
            r(">=2.100.0, <2.160"),
            ((2, 100, 0), Some((2, 159, u32::MAX)))
        );
        assert_eq!(r("==2.188.0"), ((2, 188, 0), Some((2, 188, 0))));
        assert_eq!(r("2.x"), ((2, 0, 0), None));
        assert_eq!(r("*"), ((2, 0, 0), None));
    }

    #[test]
    fn python_manifests_name_the_requirement() {
        assert_eq!(
            python_requirement("constructs>=10\naws-cdk-lib==2.150.0\n").as_deref(),
            Some("==2.150.0")
        );
        assert_eq!(
            python_requirement("dependencies = [\"aws-cdk-lib>=2.189.0\", \"constructs\"]")
                .as_deref(),
            Some(">=2.189.0")
        );
        assert_eq!(
            python_requirement("aws-cdk-lib = \"^2.150.0\"").as_deref(),
            Some("^2.150.0")
        );
        assert_eq!(
            python_requirement("install_requires=['aws-cdk-lib==2.130.0', 'constructs']")
                .as_deref(),
            Some("==2.130.0")
        );
        assert_eq!(
            python_requirement("aws-cdk-lib.aws-foo-alpha==2.1.0a0"),
            None
        );
    }

    #[test]
    fn lock_files_give_the_installed_version() {
        let lock = r#"{"packages": {"": {}, "node_modules/aws-cdk-lib": {"version": "2.158.0"}}}"#;
        assert_eq!(from_package_lock(lock), Some((2, 158, 0)));
        let yarn = "\"aws-cdk-lib@^2.150.0\":\n  version \"2.158.0\"\n  resolved \"x\"\n";
        assert_eq!(from_yarn_lock(yarn), Some((2, 158, 0)));
        let pnpm = "packages:\n\n  aws-cdk-lib@2.158.0(constructs@10.3.0):\n    resolution: x\n";
        assert_eq!(from_pnpm_lock(pnpm), Some((2, 158, 0)));
        let poetry = "[[package]]\nname = \"attrs\"\nversion = \"23.1.0\"\n\n[[package]]\nname = \"aws-cdk-lib\"\nversion = \"2.130.0\"\n";
        assert_eq!(from_toml_lock(poetry), Some((2, 130, 0)));
    }

    #[test]
    fn at_least_is_unknown_across_the_range() {
        let v = |min, max| CdkVersion {
            min,
            max,
            file: PathBuf::new(),
        };
        assert_eq!(v((2, 150, 0), None).at_least((2, 189, 0)), None);
        assert_eq!(v((2, 190, 0), None).at_least((2, 189, 0)), Some(true));
        assert_eq!(
            v((2, 150, 0), Some((2, 150, 0))).at_least((2, 189, 0)),
            Some(false)
        );
    }
}
