//! Settings (section `pipelens`): from the editor (`initializationOptions`,
//! `workspace/configuration`) and from an optional `pipelens.toml` at the workspace root, which
//! the CLI reads too. Keys are the DESIGN.md contract; unknown keys and bad values are reported
//! and otherwise ignored, so a typo never turns the server off.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BootstrapCheck {
    Auto,
    Off,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub aws_profile: Option<String>,
    pub bootstrap_check: BootstrapCheck,
    pub bootstrap_cache_ttl_seconds: u64,
    /// `live.check`: read the deployed pipeline (`crate::live`) in a trusted workspace.
    pub live_check: BootstrapCheck,
    /// `live.refreshSeconds`: how often the editor reads the deployed pipelines of the open
    /// documents again; 0: only on open and on the `pipelens.refreshLive` command.
    pub live_refresh_seconds: u64,
    pub synth_on_save: bool,
    /// The command that synthesizes the app; `None` runs `cdk synth`.
    pub synth_command: Option<Vec<String>>,
    pub synth_timeout_seconds: u64,
    /// The Python interpreter a Python app's synth runs with (its folder goes first on PATH);
    /// `None`: the app's `.venv`/`venv`, else `VIRTUAL_ENV`, else PATH (`lang/python_env.rs`).
    pub synth_python: Option<PathBuf>,
    /// The interpreter of each workspace folder (absolute folder → absolute interpreter), as an
    /// editor's Python support chose it (VS Code's Python extension, one per folder of a
    /// multi-root window): an app's synth uses its folder's, after `synth_python`.
    pub synth_python_by_folder: BTreeMap<PathBuf, PathBuf>,
    pub change_base: Option<String>,
    /// Account names the team uses (name → 12-digit id).
    pub accounts: BTreeMap<String, String>,
    pub query_path: Vec<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            aws_profile: None,
            bootstrap_check: BootstrapCheck::Auto,
            bootstrap_cache_ttl_seconds: 3600,
            live_check: BootstrapCheck::Auto,
            live_refresh_seconds: 60,
            synth_on_save: false,
            synth_command: None,
            synth_timeout_seconds: 300,
            synth_python: None,
            synth_python_by_folder: BTreeMap::new(),
            change_base: None,
            accounts: BTreeMap::new(),
            query_path: Vec::new(),
        }
    }
}

pub const FILE_NAME: &str = "pipelens.toml";

/// No settings file is bigger; a bigger one is refused with a message.
const MAX_SETTINGS_BYTES: u64 = 1024 * 1024;

impl Settings {
    /// Reads `pipelens.toml` from `root` if there is one. Returns the settings and any
    /// problems found (to report once).
    pub fn from_workspace(root: &Path) -> (Settings, Vec<String>) {
        let mut s = Settings::default();
        let mut problems = Vec::new();
        let path = root.join(FILE_NAME);
        // A FIFO or device named `pipelens.toml` is an error here, not a read that never ends.
        let read = super::read_file(&path, MAX_SETTINGS_BYTES).and_then(|b| {
            String::from_utf8(b)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
        });
        match read {
            Ok(text) => match toml::from_str::<toml::Value>(&text) {
                Ok(v) => {
                    let json = serde_json::to_value(v).unwrap_or(Value::Null);
                    // Both `[pipelens]` tables and top-level keys are accepted.
                    let section = json.get("pipelens").cloned().unwrap_or(json);
                    s.apply(&section, &mut problems);
                    for p in &mut problems {
                        *p = format!("{}: {p}", path.display());
                    }
                    s.resolve_paths(root);
                }
                Err(e) => problems.push(format!("{}: {e}", path.display())),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
        (s, problems)
    }

    /// What an untrusted workspace may not choose: a program to run (`synth.command`), running
    /// it on save (`synth.onSave`), and query folders outside the workspace. Returns a note per
    /// setting left out.
    pub fn restrict_untrusted(&mut self, root: Option<&Path>) -> Vec<String> {
        let mut notes = Vec::new();
        if self.synth_command.take().is_some() {
            notes.push("`synth.command` is ignored in an untrusted workspace".to_string());
        }
        if self.synth_python.take().is_some() {
            notes.push("`synth.python` is ignored in an untrusted workspace".to_string());
        }
        if !std::mem::take(&mut self.synth_python_by_folder).is_empty() {
            notes.push("`synth.pythonByFolder` is ignored in an untrusted workspace".to_string());
        }
        if std::mem::replace(&mut self.synth_on_save, false) {
            notes.push("`synth.onSave` is ignored in an untrusted workspace".to_string());
        }
        let root = root.and_then(|r| r.canonicalize().ok());
        self.query_path.retain(|p| {
            let inside = match (&root, p.canonicalize()) {
                (Some(root), Ok(p)) => p.starts_with(root),
                _ => false,
            };
            if !inside {
                notes.push(format!(
                    "`queryPath` {} is outside the workspace: ignored in an untrusted workspace",
                    p.display()
                ));
            }
            inside
        });
        notes
    }

    fn resolve_paths(&mut self, root: &Path) {
        for p in &mut self.query_path {
            if p.is_relative() {
                *p = root.join(&*p);
            }
        }
        if let Some(p) = self.synth_python.as_mut().filter(|p| p.is_relative()) {
            *p = root.join(&*p);
        }
    }

    /// Applies a `pipelens` settings object on top of these settings. Accepts nested objects
    /// (`{"synth": {"onSave": true}}`) and dotted keys (`{"synth.onSave": true}`).
    pub fn apply(&mut self, v: &Value, problems: &mut Vec<String>) {
        let Some(obj) = v.as_object() else {
            if !v.is_null() {
                problems.push("settings must be an object".into());
            }
            return;
        };
        let mut flat = BTreeMap::new();
        flatten("", obj, &mut flat);
        for (key, value) in flat {
            if let Err(e) = self.set(&key, value) {
                problems.push(format!("setting `{key}`: {e}"));
            }
        }
    }

    fn set(&mut self, key: &str, v: &Value) -> Result<(), String> {
        let string = |v: &Value| v.as_str().map(str::to_string).ok_or("expected a string");
        let seconds = |v: &Value| {
            v.as_u64()
                .filter(|n| *n > 0)
                .ok_or("expected a positive number of seconds")
        };
        match key {
            "aws.profile" => self.aws_profile = Some(string(v)?).filter(|s| !s.is_empty()),
            "bootstrap.check" => {
                self.bootstrap_check = match v.as_str() {
                    Some("auto") => BootstrapCheck::Auto,
                    Some("off") => BootstrapCheck::Off,
                    _ => return Err("expected \"auto\" or \"off\"".into()),
                }
            }
            "bootstrap.cacheTtlSeconds" => self.bootstrap_cache_ttl_seconds = seconds(v)?,
            "live.check" => {
                self.live_check = match v.as_str() {
                    Some("auto") => BootstrapCheck::Auto,
                    Some("off") => BootstrapCheck::Off,
                    _ => return Err("expected \"auto\" or \"off\"".into()),
                }
            }
            "live.refreshSeconds" => {
                self.live_refresh_seconds = v
                    .as_u64()
                    .ok_or("expected a number of seconds (0: no timer)")?
            }
            "synth.onSave" => self.synth_on_save = v.as_bool().ok_or("expected true or false")?,
            "synth.command" => {
                self.synth_command = match v {
                    Value::Null => None,
                    Value::String(s) if s.trim().is_empty() => None,
                    // A string is split on whitespace; it is never handed to a shell.
                    Value::String(s) => Some(s.split_whitespace().map(str::to_string).collect()),
                    Value::Array(items) => Some(
                        items
                            .iter()
                            .map(|i| i.as_str().map(str::to_string))
                            .collect::<Option<Vec<_>>>()
                            .filter(|v| !v.is_empty())
                            .ok_or("expected a list of strings")?,
                    ),
                    _ => return Err("expected a command line or a list of arguments".into()),
                }
            }
            "synth.timeoutSeconds" => self.synth_timeout_seconds = seconds(v)?,
            "synth.python" => {
                self.synth_python = Some(string(v)?)
                    .filter(|s| !s.is_empty())
                    .map(PathBuf::from)
            }
            "changeBase" => self.change_base = Some(string(v)?).filter(|s| !s.is_empty()),
            "queryPath" => {
                self.query_path = match v {
                    Value::String(s) => vec![PathBuf::from(s)],
                    Value::Array(items) => items
                        .iter()
                        .map(|i| i.as_str().map(PathBuf::from))
                        .collect::<Option<Vec<_>>>()
                        .ok_or("expected a list of folders")?,
                    _ => return Err("expected a list of folders".into()),
                }
            }
            k if k.starts_with("accounts.") => {
                let name = &k["accounts.".len()..];
                let id = string(v)?;
                if !crate::rules::is_account_id(&id) {
                    return Err(format!("`{id}` is not a 12-digit account id"));
                }
                self.accounts.insert(name.to_string(), id);
            }
            "accounts" => {} // an empty table
            k if k.starts_with("synth.pythonByFolder.") => {
                let folder = PathBuf::from(&k["synth.pythonByFolder.".len()..]);
                let python = PathBuf::from(string(v)?);
                if !folder.is_absolute() || !python.is_absolute() {
                    return Err("expected an absolute folder and an absolute interpreter".into());
                }
                self.synth_python_by_folder.insert(folder, python);
            }
            // An empty table; anything else is not one.
            "synth.pythonByFolder" => match v {
                Value::Object(o) if o.is_empty() => {}
                _ => return Err("expected a table of folder → interpreter".into()),
            },
            _ => return Err("unknown setting".into()),
        }
        Ok(())
    }
}

fn flatten<'a>(
    prefix: &str,
    obj: &'a serde_json::Map<String, Value>,
    out: &mut BTreeMap<String, &'a Value>,
) {
    for (k, v) in obj {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            // `accounts` values are leaves even though the table is an object.
            Value::Object(inner) if !inner.is_empty() => flatten(&key, inner, out),
            _ => {
                out.insert(key, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn python_by_folder_takes_absolute_paths_and_is_dropped_when_untrusted() {
        let mut s = Settings::default();
        let mut problems = Vec::new();
        s.apply(
            &json!({"synth": {"pythonByFolder": {
                "/work/my.app": "/work/my.app/.venv/bin/python",
                "rel": "/x/bin/python",
            }}}),
            &mut problems,
        );
        assert_eq!(
            s.synth_python_by_folder,
            [(
                PathBuf::from("/work/my.app"),
                PathBuf::from("/work/my.app/.venv/bin/python")
            )]
            .into()
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        s.apply(
            &json!({"synth.pythonByFolder": "/usr/bin/python3"}),
            &mut problems,
        );
        assert_eq!(problems.len(), 2, "{problems:?}");
        s.apply(&json!({"synth": {"pythonByFolder": {}}}), &mut problems);
        assert_eq!(problems.len(), 2, "{problems:?}");
        let notes = s.restrict_untrusted(None);
        assert!(s.synth_python_by_folder.is_empty());
        assert!(
            notes.iter().any(|n| n.contains("synth.pythonByFolder")),
            "{notes:?}"
        );
    }

    #[test]
    fn nested_and_dotted_keys_apply() {
        let mut s = Settings::default();
        let mut problems = Vec::new();
        s.apply(
            &json!({
                "aws": {"profile": "ops"},
                "synth.onSave": true,
                "synth": {"command": ["npx", "cdk", "synth"], "timeoutSeconds": 60},
                "accounts": {"prod": "333333333333"},
                "bootstrap": {"check": "off"},
                "live": {"check": "off", "refreshSeconds": 0},
            }),
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(s.live_check, BootstrapCheck::Off);
        assert_eq!(s.live_refresh_seconds, 0);
        assert_eq!(s.aws_profile.as_deref(), Some("ops"));
        assert!(s.synth_on_save);
        assert_eq!(s.synth_command.unwrap(), vec!["npx", "cdk", "synth"]);
        assert_eq!(s.synth_timeout_seconds, 60);
        assert_eq!(s.accounts["prod"], "333333333333");
        assert_eq!(s.bootstrap_check, BootstrapCheck::Off);
    }

    #[test]
    fn bad_values_are_reported_and_ignored() {
        let mut s = Settings::default();
        let mut problems = Vec::new();
        s.apply(
            &json!({"synth": {"timeoutSeconds": -1}, "accounts": {"x": "12"}, "colour": 1}),
            &mut problems,
        );
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert_eq!(s, Settings::default());
    }

    #[test]
    fn an_untrusted_workspace_chooses_no_program_and_no_folder_outside_it() {
        let dir = tempfile::tempdir().unwrap();
        let inside = dir.path().join("q");
        std::fs::create_dir(&inside).unwrap();
        let outside = tempfile::tempdir().unwrap();
        let mut s = Settings {
            synth_command: Some(vec!["touch".into(), "marker".into()]),
            synth_on_save: true,
            query_path: vec![
                inside.clone(),
                outside.path().to_path_buf(),
                dir.path().join("q/../../elsewhere"),
            ],
            ..Settings::default()
        };
        let notes = s.restrict_untrusted(Some(dir.path()));
        assert_eq!(s.synth_command, None);
        assert!(!s.synth_on_save);
        assert_eq!(s.query_path, vec![inside]);
        assert_eq!(notes.len(), 4, "{notes:?}");
        // Nothing to say when nothing was set.
        assert!(Settings::default()
            .restrict_untrusted(Some(dir.path()))
            .is_empty());
    }

    #[test]
    fn toml_file_is_read_with_relative_query_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            "queryPath = [\"q\"]\n[accounts]\ndev = \"111111111111\"\n[synth]\nonSave = true\n",
        )
        .unwrap();
        let (s, problems) = Settings::from_workspace(dir.path());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(s.query_path, vec![dir.path().join("q")]);
        assert_eq!(s.accounts["dev"], "111111111111");
        assert!(s.synth_on_save);
    }
}
