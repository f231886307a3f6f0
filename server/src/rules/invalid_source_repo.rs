//! `invalid-source-repo`: a `git_hub` / `connection` source whose repository string CDK
//! rejects when it creates the source.

use super::{Check, Ctx, Diagnostic, Rule, Severity};
use crate::model::catalog::{self, RepoShape};
use crate::model::Source;

const CODE: &str = "invalid-source-repo";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "a GitHub repository that is not `owner/repo`, a connection repository that is \
              not `owner/repo` or `owner/group/…/repo`",
    prevents: "synth: `GitHub repository name should be a resolved string like \
               '<owner>/<repo>', got 'my-repo'`, `CodeStar repository name should be a \
               resolved string like '<owner>/<repo>' or \
               '<owner>/<group1>/<group2>/.../<repo>', got 'my-repo'`",
    doc: "`CodePipelineSource.git_hub` takes the repository as `owner/repo`: CDK splits it at \
          `/` and needs exactly two parts, else `cdk synth` fails where the source is created \
          with \"GitHub repository name should be a resolved string like '<owner>/<repo>', got \
          '…'\". `CodePipelineSource.connection` also accepts GitLab's groups \
          (`owner/group/…/repo`, at most 23 parts) but no empty part: \"CodeStar repository \
          name should be a resolved string like '<owner>/<repo>' or \
          '<owner>/<group1>/<group2>/.../<repo>', got '…'\". Write the owner (user or \
          organization) and the repository.",
    check: Check::Model(check),
    action: None,
};

/// CDK's message for a repository string it rejects, or `None` when it accepts it
/// (`codepipeline-source.ts`: GitHub splits at `/` and wants two parts, empty ones included;
/// CodeStar wants 2 to 23 parts, none empty).
fn rejected(s: &Source, repo: &str) -> Option<String> {
    let parts: Vec<&str> = repo.split('/').collect();
    match catalog::source(&s.kind).map(|m| m.repo) {
        Some(RepoShape::OwnerRepo) if parts.len() != 2 => Some(format!(
            "GitHub repository name should be a resolved string like '<owner>/<repo>', got \
             '{repo}'"
        )),
        Some(RepoShape::OwnerGroupsRepo)
            if !(2..=23).contains(&parts.len()) || parts.iter().any(|p| p.is_empty()) =>
        {
            Some(format!(
                "CodeStar repository name should be a resolved string like '<owner>/<repo>' \
                 or '<owner>/<group1>/<group2>/.../<repo>', got '{repo}'"
            ))
        }
        _ => None,
    }
}

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for p in &ctx.model.pipelines {
        for s in &p.sources {
            let Some(repo) = &s.repo else { continue };
            let Some(cdk) = rejected(s, repo) else {
                continue;
            };
            out.push(Diagnostic::new(
                CODE,
                Severity::Error,
                s.repo_span,
                format!(
                    "`cdk synth` fails here with \"{cdk}\". Write the repository as \
                     `owner/repo` (the user or organization, a slash, the repository)."
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceKind;

    fn source(kind: SourceKind) -> Source {
        Source {
            kind,
            repo: None,
            branch: None,
            action_name: None,
            span: Default::default(),
            repo_span: Default::default(),
            fingerprint: String::new(),
        }
    }

    /// The cases the catalog verified against aws-cdk-lib 2.275.0.
    #[test]
    fn rejects_exactly_what_cdk_rejects() {
        let gh = source(SourceKind::GitHub);
        for bad in ["repo", "a/b/c", ""] {
            assert!(rejected(&gh, bad).is_some(), "{bad}");
        }
        for ok in ["owner/repo", "owner/", "/repo"] {
            assert!(rejected(&gh, ok).is_none(), "{ok}");
        }
        let cs = source(SourceKind::Connection);
        let parts = |n: usize| vec!["p"; n].join("/");
        for bad in [
            "repo".to_string(),
            "a//b".into(),
            "owner/".into(),
            parts(24),
        ] {
            assert!(rejected(&cs, &bad).is_some(), "{bad}");
        }
        for ok in ["a/b/c".to_string(), "owner/repo".into(), parts(23)] {
            assert!(rejected(&cs, &ok).is_none(), "{ok}");
        }
        assert!(rejected(&source(SourceKind::CodeCommit), "repo").is_none());
    }
}
