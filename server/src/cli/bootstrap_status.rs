//! `pipelens bootstrap-status [DIR] [--format text|json]`: every env the apps' pipelines
//! deploy to (and the pipeline accounts' cross-region support envs), probed in the real
//! accounts, with the `cdk bootstrap` command that fixes each. Also the probe step of
//! `pipelens check` ([`probe_files`]). Exit 1 when an env is not bootstrapped or untrusted.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Result};
use serde_json::json;

use super::sources::{index_for, plugin_for, read_text, settings_for};
use super::{BootstrapStatusArgs, StatusFormat, EXIT_FOUND_ERRORS, EXIT_OK};
use crate::analysis::analyze_text;
use crate::aws::{
    gather, qualifier_from_context, report, EnvKey, Need, Observation, ProbeOptions, Prober, Status,
};
use crate::model::FileModel;
use crate::quote::{for_log, json_for_log};
use crate::trust::Trusted;
use crate::workspace::{self, settings::BootstrapCheck};

/// A file's model with its app's qualifier and the probe settings that apply to it.
pub(super) struct Probed {
    pub file: PathBuf,
    pub model: FileModel,
    pub qualifier: String,
    pub options: Option<ProbeOptions>,
}

/// Probes every env the models need, one prober per distinct profile, on a runtime of its
/// own. Models whose settings turn the check off (`bootstrap.check = "off"`) are skipped.
pub(super) fn probe_files(files: &[Probed], refresh: bool) -> BTreeMap<EnvKey, Observation> {
    let mut groups: BTreeMap<Option<String>, (ProbeOptions, Vec<EnvKey>)> = BTreeMap::new();
    for f in files {
        let Some(opts) = &f.options else { continue };
        let keys: Vec<EnvKey> = gather(&f.model)
            .iter()
            .map(|n| n.key(&f.qualifier))
            .collect();
        if keys.is_empty() {
            continue;
        }
        groups
            .entry(opts.profile.clone())
            .or_insert_with(|| (opts.clone(), Vec::new()))
            .1
            .extend(keys);
    }
    if groups.is_empty() {
        return BTreeMap::new();
    }
    let runtime = match super::aws_runtime() {
        Ok(r) => r,
        Err(e) => {
            super::note(&format!("cannot start the bootstrap check: {e}"));
            return BTreeMap::new();
        }
    };
    let mut out = BTreeMap::new();
    runtime.block_on(async {
        for (_, (opts, keys)) in groups {
            let prober = Prober::new(opts, Trusted::by_user());
            out.extend(prober.probe(&keys, refresh).await.observations);
        }
    });
    // Nothing of the probe may outlive it (the SDK's idle connections, a stuck credential
    // process): the run is over.
    runtime.shutdown_timeout(Duration::from_millis(100));
    out
}

/// The probe options for files under `path`, or `None` when the check is off.
pub(super) fn options_for(path: &Path) -> Option<ProbeOptions> {
    let (settings, _) = settings_for(path);
    (settings.bootstrap_check == BootstrapCheck::Auto)
        .then(|| ProbeOptions::from_settings(&settings))
}

/// The models of every pipeline file under `dir` (or of the one file), with their app's
/// qualifier and probe settings.
pub(super) fn models(dir: &Path) -> Result<Vec<Probed>> {
    if !dir.exists() {
        bail!("{}: no such file or folder", dir.display());
    }
    let mut apps = if dir.is_dir() {
        workspace::find_apps(dir)
    } else {
        plugin_for(dir)?;
        workspace::app_root(dir).into_iter().collect()
    };
    apps.dedup();
    if apps.is_empty() {
        bail!("{}: no cdk.json in or above it", dir.display());
    }
    let mut out = Vec::new();
    for app in apps {
        let index = index_for(Some(&app));
        let qualifier = qualifier_from_context(index.context_map());
        let (_, extra) = settings_for(&app);
        // `bootstrap-status` is asked for explicitly: it probes even with `bootstrap.check =
        // "off"` (that setting is about the editor and `check`).
        let (settings, _) = settings_for(&app);
        let options = Some(ProbeOptions::from_settings(&settings));
        let files = if dir.is_file() {
            vec![dir.to_path_buf()]
        } else {
            workspace::source_files(&app, 10_000)
        };
        for file in files {
            let Ok(plugin) = plugin_for(&file) else {
                continue;
            };
            let text = read_text(&file)?;
            let analysis = analyze_text(plugin, &text, Some(&file), &index, &extra);
            if analysis.model.pipelines.is_empty() {
                continue;
            }
            out.push(Probed {
                file,
                model: analysis.model,
                qualifier: qualifier.clone(),
                options: options.clone(),
            });
        }
    }
    Ok(out)
}

pub fn run(args: BootstrapStatusArgs, out: &mut dyn Write) -> Result<i32> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let files = models(&dir)?;
    let observations = probe_files(&files, args.refresh);
    let needs: Vec<(Need, String)> = files
        .iter()
        .flat_map(|f| {
            gather(&f.model)
                .into_iter()
                .map(|n| (n, f.qualifier.clone()))
        })
        .collect();
    let reports = report(&needs, &observations);
    match args.format {
        StatusFormat::Json => {
            let targets: Vec<_> = reports
                .iter()
                .map(|r| {
                    json!({
                        "account": r.key.account,
                        "region": r.key.region,
                        "status": r.status.name(),
                        "version": r.version,
                        "trustedAccounts": r.trusted_accounts,
                        "neededBy": r.needed_by,
                        "fix": r.fix,
                        "reason": r.reason,
                        "qualifier": r.key.qualifier,
                        "supportRegion": r.support_region_only,
                    })
                })
                .collect();
            let doc = serde_json::to_string_pretty(&json!({ "targets": targets }))?;
            writeln!(out, "{}", json_for_log(doc))?;
        }
        StatusFormat::Text => {
            let rows: Vec<[String; 6]> = reports
                .iter()
                .map(|r| {
                    [
                        for_log(&r.key.account).into_owned(),
                        for_log(&r.key.region).into_owned(),
                        r.status.name().to_string(),
                        r.version
                            .map(|v| v.to_string())
                            .unwrap_or_else(|| "-".into()),
                        if r.trusted_accounts.is_empty() {
                            "-".into()
                        } else {
                            for_log(&r.trusted_accounts.join(",")).into_owned()
                        },
                        if r.support_region_only {
                            format!("{} (support region)", for_log(&r.needed_by.join(", ")))
                        } else {
                            for_log(&r.needed_by.join(", ")).into_owned()
                        },
                    ]
                })
                .collect();
            let header = [
                "ACCOUNT",
                "REGION",
                "STATUS",
                "VERSION",
                "TRUSTS",
                "NEEDED BY",
            ];
            let mut widths = header.map(str::len);
            for row in &rows {
                for (w, c) in widths.iter_mut().zip(row) {
                    *w = (*w).max(c.chars().count());
                }
            }
            let line = |cells: Vec<&str>| {
                let mut s = String::new();
                for (i, c) in cells.iter().enumerate() {
                    if i + 1 == cells.len() {
                        s.push_str(c);
                    } else {
                        s.push_str(&format!("{c:<w$}  ", w = widths[i]));
                    }
                }
                s
            };
            writeln!(out, "{}", line(header.to_vec()))?;
            for row in &rows {
                writeln!(out, "{}", line(row.iter().map(String::as_str).collect()))?;
            }
            for r in &reports {
                if let Some(reason) = &r.reason {
                    writeln!(
                        out,
                        "\naws://{}/{}: {}: {}",
                        for_log(&r.key.account),
                        for_log(&r.key.region),
                        r.status.name(),
                        for_log(reason)
                    )?;
                }
                if let Some(fix) = &r.fix {
                    writeln!(out, "  fix: {}", for_log(&fix.join(" ")))?;
                }
            }
            if reports.is_empty() {
                writeln!(out, "no deployment targets with a known account and region")?;
            }
        }
    }
    let bad = reports
        .iter()
        .any(|r| matches!(r.status, Status::NotBootstrapped | Status::Untrusted));
    Ok(if bad { EXIT_FOUND_ERRORS } else { EXIT_OK })
}
