//! The account ids a user may mean: named in settings / `pipelens.toml`, found in
//! `~/.aws/config` profiles, and already used in the workspace.

use std::collections::BTreeMap;
use std::path::Path;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownAccount {
    pub id: String,
    /// Where the name comes from: `dev (settings)`, `profile prod-admin`, `used in workspace`.
    pub names: Vec<String>,
}

/// Accounts by id, merged from every source, in a stable order.
#[derive(Clone, Debug, Default)]
pub struct Accounts {
    by_id: BTreeMap<String, Vec<String>>,
}

impl Accounts {
    pub fn add(&mut self, id: &str, name: String) {
        if !crate::rules::is_account_id(id) {
            return;
        }
        let names = self.by_id.entry(id.to_string()).or_default();
        if !names.contains(&name) {
            names.push(name);
        }
    }

    pub fn from_settings(&mut self, accounts: &BTreeMap<String, String>) {
        for (name, id) in accounts {
            self.add(id, name.clone());
        }
    }

    /// Reads `sso_account_id` and the account of `role_arn` from an AWS config file.
    pub fn from_aws_config(&mut self, path: &Path) {
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        let mut profile = String::new();
        for line in text.lines() {
            let line = line.trim();
            if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                profile = section
                    .trim()
                    .trim_start_matches("profile ")
                    .trim()
                    .to_string();
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let (key, value) = (key.trim(), value.trim());
            let id = match key {
                "sso_account_id" => Some(value.to_string()),
                "role_arn" => value.split(':').nth(4).map(str::to_string),
                _ => None,
            };
            if let Some(id) = id {
                self.add(&id, format!("profile {profile}"));
            }
        }
    }

    pub fn get(&self, id: &str) -> Option<&[String]> {
        self.by_id.get(id).map(Vec::as_slice)
    }

    pub fn iter(&self) -> impl Iterator<Item = KnownAccount> + '_ {
        self.by_id.iter().map(|(id, names)| KnownAccount {
            id: id.clone(),
            names: names.clone(),
        })
    }
}

/// `~/.aws/config`, or `AWS_CONFIG_FILE`.
pub fn aws_config_path() -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os("AWS_CONFIG_FILE") {
        return Some(p.into());
    }
    std::env::var_os("HOME").map(|h| Path::new(&h).join(".aws/config"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_config_profiles_name_their_accounts() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("config");
        std::fs::write(
            &cfg,
            "[default]\nregion = us-east-1\n[profile dev]\nsso_account_id = 111111111111\n\
             [profile prod-admin]\nrole_arn = arn:aws:iam::333333333333:role/Admin\nsource_profile = dev\n",
        )
        .unwrap();
        let mut a = Accounts::default();
        a.from_aws_config(&cfg);
        a.add("111111111111", "dev (settings)".into());
        a.add("12", "bad".into());
        assert_eq!(
            a.get("111111111111").unwrap(),
            ["profile dev", "dev (settings)"]
        );
        assert_eq!(a.get("333333333333").unwrap(), ["profile prod-admin"]);
        assert_eq!(a.iter().count(), 2);
    }
}
