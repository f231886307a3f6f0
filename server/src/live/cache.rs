//! Where each pipeline was found through its stack (`ListStackResources`), kept like the
//! bootstrap probe's answers: in memory, and on disk beside them (`…/pipelens/live.json`) so a
//! CLI run or a restarted server finds it without asking CloudFormation. Keyed by the caller
//! (principal without a session name), account, region, stack and construct id; entries older
//! than the TTL are ignored and dropped on the next save; `refresh` forgets them. Nothing else
//! of the live pipeline is kept: its state is read every time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

const FILE_VERSION: u32 = 1;

#[derive(Debug)]
pub struct FoundCache {
    ttl: Duration,
    path: Option<PathBuf>,
    entries: Mutex<HashMap<String, (u64, String)>>,
}

#[derive(Serialize, Deserialize, Default)]
struct File {
    version: u32,
    entries: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    key: String,
    found_at: u64,
    name: String,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The key of a stack's pipeline for a caller: its parts, separated by a character none of them
/// can hold.
pub fn key(caller: &str, account: &str, region: &str, stack: &str, construct_id: &str) -> String {
    [caller, account, region, stack, construct_id].join("\u{1f}")
}

fn read_file(path: &Path, ttl: Duration) -> HashMap<String, (u64, String)> {
    let Ok(bytes) = crate::workspace::read_file(path, 4 << 20) else {
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
        .filter(|e| now.saturating_sub(e.found_at) < ttl.as_secs())
        .map(|e| (e.key, (e.found_at, e.name)))
        .collect()
}

impl FoundCache {
    pub fn new(ttl: Duration, path: Option<PathBuf>) -> FoundCache {
        let entries = path
            .as_deref()
            .map(|p| read_file(p, ttl))
            .unwrap_or_default();
        FoundCache {
            ttl,
            path,
            entries: Mutex::new(entries),
        }
    }

    /// `live.json` beside the bootstrap cache.
    pub fn default_path() -> Option<PathBuf> {
        crate::aws::cache::Cache::default_path().map(|p| p.with_file_name("live.json"))
    }

    pub fn get(&self, key: &str) -> Option<String> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (at, name) = entries.get(key)?;
        (!name.is_empty() && now().saturating_sub(*at) < self.ttl.as_secs()).then(|| name.clone())
    }

    pub fn put(&self, key: &str, name: &str) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string(), (now(), name.to_string()));
    }

    /// Forgets one entry (a name that no longer finds the pipeline); the file is rewritten on
    /// the next save.
    pub fn remove(&self, key: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.remove(key).is_some() {
            // Tombstone: an older entry in the file must not win the merge.
            entries.insert(key.to_string(), (now(), String::new()));
        }
    }

    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Writes the file, merged with what other processes wrote since (the newer entry wins),
    /// atomically. Failures are returned, not fatal.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let mut merged = read_file(path, self.ttl);
        crate::aws::cache::merge_newer(
            &mut merged,
            &self.entries.lock().unwrap_or_else(|e| e.into_inner()),
        );
        let mut entries: Vec<Entry> = merged
            .into_iter()
            .map(|(key, (found_at, name))| Entry {
                key,
                found_at,
                name,
            })
            .collect();
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        let text = serde_json::to_vec_pretty(&File {
            version: FILE_VERSION,
            entries,
        })
        .map_err(std::io::Error::other)?;
        crate::aws::cache::write_atomically(path, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_found_name_survives_a_new_process_until_its_ttl() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("live.json");
        let k = key(
            "arn:aws:iam::1:user/ci",
            "999999999999",
            "us-east-1",
            "Payments",
            "Pipeline",
        );
        let cache = FoundCache::new(Duration::from_secs(3600), Some(path.clone()));
        assert_eq!(cache.get(&k), None);
        cache.put(&k, "Payments-Pipeline9850B417-1A2B");
        cache.save().unwrap();
        let again = FoundCache::new(Duration::from_secs(3600), Some(path.clone()));
        assert_eq!(
            again.get(&k).as_deref(),
            Some("Payments-Pipeline9850B417-1A2B")
        );
        let other = key(
            "arn:aws:iam::2:user/x",
            "999999999999",
            "us-east-1",
            "Payments",
            "Pipeline",
        );
        assert_eq!(again.get(&other), None, "another caller asks again");
        again.clear();
        assert_eq!(again.get(&k), None);
        let expired = FoundCache::new(Duration::from_secs(0), Some(path));
        assert_eq!(expired.get(&k), None);
    }
}
