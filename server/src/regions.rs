//! The commercial AWS regions, with their names and opt-in flag (generated table), and the
//! "did you mean" lookup the `unknown-region` rule and completion use.

mod table;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub code: &'static str,
    pub name: &'static str,
    /// The region must be enabled in the account before anything can deploy there.
    pub opt_in: bool,
}

pub fn all() -> impl Iterator<Item = Region> {
    table::REGIONS
        .iter()
        .map(|&(code, name, opt_in)| Region { code, name, opt_in })
}

pub fn get(code: &str) -> Option<Region> {
    all().find(|r| r.code == code)
}

/// Region codes of other partitions (GovCloud, China, ISO) are real but outside the table;
/// rules must not call them unknown.
pub fn is_other_partition(code: &str) -> bool {
    ["us-gov-", "cn-", "us-iso", "eu-isoe-", "us-isob-"]
        .iter()
        .any(|p| code.starts_with(p))
}

/// The closest commercial region to a mistyped code, if it is close enough to be a typo.
pub fn suggest(code: &str) -> Option<Region> {
    let lower = code.trim().to_ascii_lowercase();
    if let Some(r) = get(&lower) {
        return Some(r);
    }
    let (best, dist) = all()
        .map(|r| (r, edit_distance(&lower, r.code)))
        .min_by_key(|(_, d)| *d)?;
    (dist <= 3.max(lower.len() / 4)).then_some(best)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_every_default_region_and_names() {
        assert_eq!(get("us-east-1").unwrap().name, "US East (N. Virginia)");
        assert!(!get("eu-west-1").unwrap().opt_in);
        assert!(get("af-south-1").unwrap().opt_in);
        assert!(all().count() >= 30);
    }

    #[test]
    fn suggestions_fix_typos_and_reject_nonsense() {
        assert_eq!(suggest("us-east1").unwrap().code, "us-east-1");
        assert_eq!(suggest("eu-wst-1").unwrap().code, "eu-west-1");
        assert_eq!(suggest("US-EAST-2").unwrap().code, "us-east-2");
        assert_eq!(
            suggest("ap-southeast-9").unwrap().code.len(),
            "ap-southeast-1".len()
        );
        assert!(suggest("mars-north-1").is_none());
    }
}
