//! The `cdk bootstrap` command line that fixes an env: bootstrap it, trusting the pipeline
//! account and every account it already trusts (a re-bootstrap replaces the trust list, so
//! dropping one would break another pipeline). Account and region are validated first: the
//! argv is handed to a terminal, never built from something that is not an account id and a
//! region code.

use crate::regions;
use crate::rules::is_account_id;

/// A region code pipelens knows, or one of another partition (`us-gov-west-1`, `cn-north-1`,
/// `us-isob-east-1`): lowercase letters in dash-separated groups ending in a number.
pub fn is_valid_region(region: &str) -> bool {
    if regions::get(region).is_some() {
        return true;
    }
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts.len() <= 4
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[0].len() == 2
        && parts[parts.len() - 1]
            .parse::<u8>()
            .is_ok_and(|n| n > 0 && parts[parts.len() - 1].len() <= 2)
}

/// The ARN partition of a region (`aws`, `aws-cn`, `aws-us-gov`, …).
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("eu-isoe-") {
        "aws-iso-e"
    } else {
        "aws"
    }
}

/// `cdk bootstrap aws://<account>/<region> --trust <pipeline account> [--trust <already
/// trusted>…] --cloudformation-execution-policies arn:<partition>:iam::aws:policy/AdministratorAccess`
/// (plus `--qualifier` when the app uses another than the default). The env's own account is
/// never added as `--trust` (it needs none). `None` when an account or the region is invalid.
pub fn bootstrap_command(
    account: &str,
    region: &str,
    pipeline_account: &str,
    already_trusted: &[String],
    qualifier: &str,
) -> Option<Vec<String>> {
    if !is_account_id(account) || !is_account_id(pipeline_account) || !is_valid_region(region) {
        return None;
    }
    if qualifier.is_empty()
        || qualifier.len() > 10
        || !qualifier.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    let mut argv: Vec<String> = vec![
        "cdk".into(),
        "bootstrap".into(),
        format!("aws://{account}/{region}"),
    ];
    let mut trusted: Vec<&str> = Vec::new();
    for t in std::iter::once(pipeline_account).chain(already_trusted.iter().map(String::as_str)) {
        // Only account ids go on the command line; anything else in the old list is dropped.
        if t != account && is_account_id(t) && !trusted.contains(&t) {
            trusted.push(t);
        }
    }
    for t in trusted {
        argv.push("--trust".into());
        argv.push(t.to_string());
    }
    argv.push("--cloudformation-execution-policies".into());
    argv.push(format!(
        "arn:{}:iam::aws:policy/AdministratorAccess",
        partition(region)
    ));
    if qualifier != super::DEFAULT_QUALIFIER {
        argv.push("--qualifier".into());
        argv.push(qualifier.to_string());
    }
    Some(argv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_trusts_the_pipeline_and_keeps_the_old_trust() {
        let argv = bootstrap_command(
            "111111111111",
            "eu-west-1",
            "999999999999",
            &["222222222222".into(), "999999999999".into()],
            "hnb659fds",
        )
        .unwrap();
        assert_eq!(
            argv.join(" "),
            "cdk bootstrap aws://111111111111/eu-west-1 --trust 999999999999 --trust \
             222222222222 --cloudformation-execution-policies \
             arn:aws:iam::aws:policy/AdministratorAccess"
        );
    }

    #[test]
    fn own_account_is_not_trusted_and_qualifier_is_passed() {
        let argv =
            bootstrap_command("999999999999", "cn-north-1", "999999999999", &[], "abc123").unwrap();
        assert_eq!(
            argv.join(" "),
            "cdk bootstrap aws://999999999999/cn-north-1 --cloudformation-execution-policies \
             arn:aws-cn:iam::aws:policy/AdministratorAccess --qualifier abc123"
        );
    }

    #[test]
    fn invalid_inputs_build_no_command() {
        let ok = "111111111111";
        assert!(bootstrap_command("1111", "us-east-1", ok, &[], "hnb659fds").is_none());
        assert!(bootstrap_command(ok, "us-east-1; rm -rf /", ok, &[], "hnb659fds").is_none());
        assert!(bootstrap_command(ok, "mars-north-1x", ok, &[], "hnb659fds").is_none());
        assert!(bootstrap_command(ok, "us-east-1", "x", &[], "hnb659fds").is_none());
        assert!(bootstrap_command(ok, "us-east-1", ok, &[], "a b").is_none());
        let argv = bootstrap_command(ok, "us-east-1", ok, &["$(evil)".into()], "hnb659fds");
        assert!(!argv.unwrap().iter().any(|a| a.contains("evil")));
    }

    #[test]
    fn regions_of_other_partitions_are_valid() {
        for r in [
            "us-gov-west-1",
            "cn-northwest-1",
            "us-isob-east-1",
            "eu-west-1",
        ] {
            assert!(is_valid_region(r), "{r}");
        }
        for r in ["", "us", "US-EAST-1", "us-east-", "us-east-1a", "u-east-1"] {
            assert!(!is_valid_region(r), "{r}");
        }
    }
}
