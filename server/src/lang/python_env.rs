//! The Python plugin's part of a synth (`lang::SynthEnvironment`): the Python a Python app's
//! synth runs with. `cdk synth` starts the app's `app` command (`python3 app.py`) from PATH; in
//! a terminal the user has activated the app's virtual environment first. pipelens does the
//! same, as `source .venv/bin/activate` would: the environment's `bin` first on PATH,
//! `VIRTUAL_ENV` naming it.

use std::path::{Path, PathBuf};

use super::AppEnv;
use crate::workspace::Settings;

/// Activating a virtual environment unsets `PYTHONHOME`, which would point elsewhere.
const UNSET: &[&str] = &["PYTHONHOME"];

/// The app's Python, for a Python app (its `cdk.json` `app` command runs python): the
/// `synth.python` setting (an interpreter the user chose; an absolute path to a file, else
/// ignored), else the interpreter `synth.pythonByFolder` gives the innermost workspace folder
/// holding the app (the virtual environment VS Code's Python extension selected for it), else a
/// `.venv` or `venv` folder of the app, else `VIRTUAL_ENV`, else none (PATH as it is). Other apps get
/// none: a Python folder first on PATH could shadow their `node`.
pub(super) fn find(root: &Path, settings: &Settings) -> Option<AppEnv> {
    if !is_python_app(root) {
        return None;
    }
    let usable = |p: &&PathBuf| p.is_absolute() && p.is_file();
    let chosen = settings
        .synth_python
        .as_ref()
        .filter(usable)
        .map(|p| (p, "the synth.python setting".to_string()))
        .or_else(|| {
            // The innermost folder: the longest that holds the app.
            let (folder, python) = settings
                .synth_python_by_folder
                .iter()
                .filter(|(folder, python)| root.starts_with(folder) && usable(python))
                .max_by_key(|(folder, _)| folder.components().count())?;
            Some((
                python,
                format!(
                    "the interpreter chosen for {} (synth.pythonByFolder)",
                    folder.display()
                ),
            ))
        });
    if let Some((python, source)) = chosen {
        let bin = python.parent()?.to_path_buf();
        let venv = bin
            .parent()
            .filter(|v| v.join("pyvenv.cfg").is_file())
            .map(Path::to_path_buf);
        return Some(AppEnv {
            bin,
            venv,
            source,
            unset: UNSET,
        });
    }
    for name in [".venv", "venv"] {
        let venv = root.join(name);
        if venv.join("bin/python").exists() || venv.join("bin/python3").exists() {
            return Some(AppEnv {
                bin: venv.join("bin"),
                venv: Some(venv),
                source: format!("the app's {name} folder"),
                unset: UNSET,
            });
        }
    }
    let venv = PathBuf::from(std::env::var_os("VIRTUAL_ENV").filter(|v| !v.is_empty())?);
    Some(AppEnv {
        bin: venv.join("bin"),
        venv: Some(venv),
        source: "VIRTUAL_ENV".into(),
        unset: UNSET,
    })
}

/// The app's `cdk.json` runs Python (`"app": "python3 app.py"`, `.venv/bin/python app.py`…).
pub(super) fn is_python_app(root: &Path) -> bool {
    crate::workspace::read_file(&root.join("cdk.json"), 1024 * 1024)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v.get("app")?.as_str().map(str::to_string))
        .is_some_and(|app| app.contains("python") || app.contains(".py"))
}

/// A synth's error text is a missing CDK module in Python: what to add to the message, given
/// which interpreter ran (`interpreter`: its path and where it came from).
pub(super) fn missing_module_hint(message: &str, interpreter: &str) -> Option<String> {
    let missing = ["No module named 'aws_cdk'", "No module named 'constructs'"]
        .iter()
        .any(|m| message.contains(m));
    missing.then(|| {
        format!(
            "The app ran with {interpreter}. Install the app's requirements into that Python \
             (pip install -r requirements.txt), or pick the Python the app uses: a .venv or venv \
             folder in the app, VIRTUAL_ENV, or the setting synth.python (in VS Code, the \
             Python extension's interpreter).",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_then_the_apps_venv() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("cdk.json"), r#"{"app": "python3 app.py"}"#).unwrap();
        std::fs::create_dir_all(root.join(".venv/bin")).unwrap();
        std::fs::write(root.join(".venv/bin/python"), "").unwrap();
        let found = find(root, &Settings::default()).unwrap();
        assert_eq!(found.bin, root.join(".venv/bin"));
        assert_eq!(found.venv.as_deref(), Some(root.join(".venv").as_path()));
        assert_eq!(found.source, "the app's .venv folder");
        let first = std::env::split_paths(&found.path()).next().unwrap();
        assert_eq!(first, root.join(".venv/bin"));

        let chosen = root.join("elsewhere/bin/python3");
        std::fs::create_dir_all(chosen.parent().unwrap()).unwrap();
        std::fs::write(&chosen, "").unwrap();
        std::fs::write(root.join("elsewhere/pyvenv.cfg"), "").unwrap();
        let settings = Settings {
            synth_python: Some(chosen.clone()),
            ..Settings::default()
        };
        let found = find(root, &settings).unwrap();
        assert_eq!(found.bin, root.join("elsewhere/bin"));
        assert_eq!(
            found.venv.as_deref(),
            Some(root.join("elsewhere").as_path())
        );
        // A relative or missing interpreter is ignored: the app's .venv.
        for odd in ["python3", "/nonexistent/bin/python3"] {
            let settings = Settings {
                synth_python: Some(PathBuf::from(odd)),
                ..Settings::default()
            };
            assert_eq!(find(root, &settings).unwrap().bin, root.join(".venv/bin"));
        }
        // Not a Python app: nothing goes on its PATH.
        std::fs::write(
            root.join("cdk.json"),
            r#"{"app": "npx ts-node bin/app.ts"}"#,
        )
        .unwrap();
        assert_eq!(find(root, &settings), None);
    }

    /// A multi-root window: each app's synth runs with its own folder's interpreter (the
    /// innermost folder that holds it), after the synth.python setting, before the app's .venv.
    #[test]
    fn each_workspace_folder_its_interpreter() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path();
        let python = |folder: &str| {
            let p = ws.join(folder).join("env/bin/python3");
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "").unwrap();
            p
        };
        let (outer, inner, other) = (python("outer"), python("outer/pay"), python("other"));
        let app = ws.join("outer/pay/app");
        std::fs::create_dir_all(app.join(".venv/bin")).unwrap();
        std::fs::write(app.join(".venv/bin/python"), "").unwrap();
        std::fs::write(app.join("cdk.json"), r#"{"app": "python3 app.py"}"#).unwrap();
        let mut settings = Settings {
            synth_python_by_folder: [
                (ws.join("outer"), outer.clone()),
                (ws.join("outer/pay"), inner.clone()),
                (ws.join("other"), other),
            ]
            .into(),
            ..Settings::default()
        };
        let found = find(&app, &settings).unwrap();
        assert_eq!(found.bin, inner.parent().unwrap());
        assert!(
            found.source.contains("synth.pythonByFolder"),
            "{}",
            found.source
        );
        // A missing interpreter for the innermost folder: the next folder out.
        std::fs::remove_file(&inner).unwrap();
        assert_eq!(find(&app, &settings).unwrap().bin, outer.parent().unwrap());
        // No folder holds the app: its .venv.
        settings.synth_python_by_folder.remove(&ws.join("outer"));
        assert_eq!(find(&app, &settings).unwrap().bin, app.join(".venv/bin"));
        // The synth.python setting comes first.
        settings
            .synth_python_by_folder
            .insert(ws.join("outer"), outer);
        settings.synth_python = Some(python("mine"));
        assert_eq!(find(&app, &settings).unwrap().bin, ws.join("mine/env/bin"));
    }

    #[test]
    fn a_missing_aws_cdk_says_which_python_ran() {
        let ran = "/app/.venv/bin/python3 (from the app's .venv folder)";
        let hint =
            missing_module_hint("ModuleNotFoundError: No module named 'aws_cdk'", ran).unwrap();
        assert!(hint.contains(ran), "{hint}");
        assert!(hint.contains("synth.python"), "{hint}");
        assert!(missing_module_hint("ValueError: x", ran).is_none());
    }
}
