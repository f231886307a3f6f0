//! The probe's cache: in memory, and on disk in the user cache folder
//! (`$XDG_CACHE_HOME/pipelens/bootstrap.json`, else `~/.cache/pipelens/bootstrap.json`) so a
//! CLI run or a restarted server does not ask AWS again. Keyed by account, region, qualifier
//! and the caller (the principal ARN without a session name: another identity may see another
//! answer). Only definite answers are kept; "unknown" is always asked again. Entries older
//! than the TTL are ignored and dropped on the next save.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::{EnvKey, Observation};

const FILE_VERSION: u32 = 1;

type Key = (EnvKey, String);

#[derive(Debug)]
pub struct Cache {
    ttl: Duration,
    path: Option<PathBuf>,
    entries: Mutex<HashMap<Key, (u64, Observation)>>,
}

/// The disk format (an edge: serde lives here, not on the core types).
#[derive(Serialize, Deserialize, Default)]
struct File {
    version: u32,
    entries: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    account: String,
    region: String,
    qualifier: String,
    caller: String,
    checked_at: u64,
    bootstrapped: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    trusted_accounts: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Cache {
    /// A cache with the given TTL, backed by `path` (read now; `None`: memory only).
    pub fn new(ttl: Duration, path: Option<PathBuf>) -> Cache {
        let cache = Cache {
            ttl,
            path,
            entries: Mutex::new(HashMap::new()),
        };
        if let Some(p) = &cache.path {
            let loaded = read_file(p, ttl);
            *cache.entries.lock().unwrap_or_else(|e| e.into_inner()) = loaded;
        }
        cache
    }

    /// `$XDG_CACHE_HOME/pipelens/bootstrap.json`, else `$HOME/.cache/pipelens/bootstrap.json`.
    pub fn default_path() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|v| !v.is_empty())
                    .map(|h| PathBuf::from(h).join(".cache"))
            })?;
        Some(base.join("pipelens").join("bootstrap.json"))
    }

    pub fn get(&self, key: &EnvKey, caller: &str) -> Option<Observation> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (at, obs) = entries.get(&(key.clone(), caller.to_string()))?;
        (now().saturating_sub(*at) < self.ttl.as_secs()).then(|| obs.clone())
    }

    /// Remembers a definite answer; unknown answers are not kept.
    pub fn put(&self, key: &EnvKey, caller: &str, obs: &Observation) {
        if matches!(obs, Observation::Unknown { .. }) {
            return;
        }
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((key.clone(), caller.to_string()), (now(), obs.clone()));
    }

    /// Forgets everything (a `refresh`); the disk file is rewritten on the next save.
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Writes the cache file, merged with what other processes wrote since (the newer entry
    /// wins), atomically (a temporary file renamed over it). Failures are returned, not fatal.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let mut merged = read_file(path, self.ttl);
        merge_newer(
            &mut merged,
            &self.entries.lock().unwrap_or_else(|e| e.into_inner()),
        );
        let mut file = File {
            version: FILE_VERSION,
            entries: merged
                .into_iter()
                .map(|((key, caller), (checked_at, obs))| {
                    let (bootstrapped, version, trusted_accounts, reason) = match obs {
                        Observation::Bootstrapped { version, trusted } => {
                            (true, version, trusted, None)
                        }
                        Observation::NotBootstrapped { reason } => (false, None, None, reason),
                        Observation::Unknown { .. } => unreachable!("unknown is never cached"),
                    };
                    Entry {
                        account: key.account,
                        region: key.region,
                        qualifier: key.qualifier,
                        caller,
                        checked_at,
                        bootstrapped,
                        version,
                        trusted_accounts,
                        reason,
                    }
                })
                .collect(),
        };
        file.entries.sort_by(|a, b| {
            (&a.account, &a.region, &a.qualifier, &a.caller).cmp(&(
                &b.account,
                &b.region,
                &b.qualifier,
                &b.caller,
            ))
        });
        write_atomically(path, &serde_json::to_vec_pretty(&file)?)
    }
}

/// Puts into `disk` each entry of `memory` that is newer than its own (entries are
/// `(written at, value)`): what another process wrote since is kept unless this one knows
/// better. The merge of every cache file pipelens keeps (this one, `live::cache`).
pub(crate) fn merge_newer<K: Clone + Eq + std::hash::Hash, V: Clone>(
    disk: &mut HashMap<K, (u64, V)>,
    memory: &HashMap<K, (u64, V)>,
) {
    for (k, v) in memory {
        if disk.get(k).is_none_or(|(at, _)| *at < v.0) {
            disk.insert(k.clone(), v.clone());
        }
    }
}

/// Writes a cache file whole or not at all: a temporary file beside it, renamed over it.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("json.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// The entries of a cache file that are still fresh; nothing for a missing or broken file.
fn read_file(path: &Path, ttl: Duration) -> HashMap<Key, (u64, Observation)> {
    let Ok(bytes) = std::fs::read(path) else {
        return HashMap::new();
    };
    let Ok(file) = serde_json::from_slice::<File>(&bytes) else {
        return HashMap::new();
    };
    if file.version != FILE_VERSION {
        return HashMap::new();
    }
    let now = now();
    file.entries
        .into_iter()
        .filter(|e| now.saturating_sub(e.checked_at) < ttl.as_secs())
        .map(|e| {
            let obs = if e.bootstrapped {
                Observation::Bootstrapped {
                    version: e.version,
                    trusted: e.trusted_accounts,
                }
            } else {
                Observation::NotBootstrapped { reason: e.reason }
            };
            (
                (EnvKey::new(&e.account, &e.region, &e.qualifier), e.caller),
                (e.checked_at, obs),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_survive_a_restart_and_unknown_is_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("bootstrap.json");
        let key = EnvKey::new("111111111111", "eu-west-1", "hnb659fds");
        let other = EnvKey::new("222222222222", "eu-west-1", "hnb659fds");
        let obs = Observation::Bootstrapped {
            version: Some(21),
            trusted: Some(vec!["999999999999".into()]),
        };
        let c = Cache::new(Duration::from_secs(60), Some(path.clone()));
        c.put(&key, "arn:aws:iam::9:role/x", &obs);
        c.put(
            &other,
            "arn:aws:iam::9:role/x",
            &Observation::Unknown { reason: "x".into() },
        );
        c.save().unwrap();
        let c2 = Cache::new(Duration::from_secs(60), Some(path.clone()));
        assert_eq!(c2.get(&key, "arn:aws:iam::9:role/x"), Some(obs));
        assert_eq!(c2.get(&key, "arn:aws:iam::8:role/y"), None);
        assert_eq!(c2.get(&other, "arn:aws:iam::9:role/x"), None);
        c2.clear();
        assert_eq!(c2.get(&key, "arn:aws:iam::9:role/x"), None);
    }

    #[test]
    fn a_broken_file_is_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bootstrap.json");
        std::fs::write(&path, "{not json").unwrap();
        let c = Cache::new(Duration::from_secs(60), Some(path.clone()));
        let key = EnvKey::new("111111111111", "eu-west-1", "hnb659fds");
        assert_eq!(c.get(&key, "c"), None);
        c.put(&key, "c", &Observation::NotBootstrapped { reason: None });
        c.save().unwrap();
        assert!(std::fs::read_to_string(&path)
            .unwrap()
            .contains("111111111111"));
    }
}
