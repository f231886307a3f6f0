//! `file-system-without-vpc`: a CodeBuild action of the pipeline whose project options (the
//! pipeline's `code_build_defaults`, then `synth_code_build_defaults`,
//! `self_mutation_code_build_defaults` or `asset_publishing_code_build_defaults` by the action's
//! kind, a `CodeBuildStep`'s own) give `file_system_locations` without both a `vpc` and
//! `privileged` mode. CDK Pipelines refuses it when it builds the action.

use super::{Check, Ctx, Diagnostic, Rule, Severity};
use crate::model::{catalog, Known, PipelineClass, ProjectOptions, Span};

const CODE: &str = "file-system-without-vpc";

const CDK_TEXT: &str =
    "Setting fileSystemLocations requires a vpc to be set and privileged to be set to true.";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "`file_system_locations` on a CodeBuild action without both a `vpc` and \
              `privileged=True`",
    prevents: "synth: `Setting fileSystemLocations requires a vpc to be set and privileged to \
               be set to true.`",
    doc: "CDK Pipelines merges a CodeBuild action's project options (the pipeline's \
          `code_build_defaults`, then `synth_code_build_defaults` for the synth step, \
          `self_mutation_code_build_defaults` for the self-mutation, \
          `asset_publishing_code_build_defaults` for the asset actions, then a \
          `CodeBuildStep`'s own props) and refuses file system locations (EFS mounts) unless \
          the merged options also have a `vpc` and `build_environment` with `privileged=True`: \
          `cdk synth` fails when it builds the pipeline with \"Setting fileSystemLocations \
          requires a vpc to be set and privileged to be set to true.\" Give the same options a \
          `vpc` and `privileged=True`, or drop the file system locations. Reported only when \
          every option that decides it is known.",
    check: Check::Model(check),
    action: None,
};

/// Merged options, CDK's way (`mergeCodeBuildOptions`): locations add up; a later `vpc` or
/// `privileged` wins over an earlier one. `None` where a part is unknown.
struct Merged {
    /// The first non-empty `file_system_locations`, if certainly some.
    locations: Option<Span>,
    /// `Some(false)` when certainly no vpc.
    vpc: Option<bool>,
    privileged: Option<bool>,
}

fn merge(parts: &[&Known<ProjectOptions>]) -> Merged {
    let mut m = Merged {
        locations: None,
        vpc: Some(false),
        privileged: Some(false),
    };
    let last_wins = |acc: &mut Option<bool>, k: &Known<bool>| match k {
        Known::Absent => {}
        Known::Value(v, _) => *acc = Some(*v),
        Known::Unknown(_) => *acc = None,
    };
    for part in parts {
        match part {
            Known::Absent => {}
            Known::Unknown(_) => {
                m.vpc = None;
                m.privileged = None;
            }
            Known::Value(o, _) => {
                if let (Known::Value(true, at), None) = (&o.file_system_locations, m.locations) {
                    m.locations = Some(*at);
                }
                last_wins(&mut m.vpc, &o.vpc);
                last_wins(&mut m.privileged, &o.privileged);
            }
        }
    }
    m
}

fn report(m: Merged, what: &str, out: &mut Vec<Diagnostic>) {
    let Some(at) = m.locations else { return };
    let missing = match (m.vpc, m.privileged) {
        (Some(false), Some(false)) => "neither a vpc nor privileged mode",
        (Some(false), _) => "no vpc",
        (_, Some(false)) => "no privileged mode",
        _ => return,
    };
    out.push(Diagnostic::new(
        CODE,
        Severity::Error,
        at,
        format!(
            "`cdk synth` fails with \"{CDK_TEXT}\": {what} gets file system locations but \
             {missing}. Give its options a vpc and a build environment with privileged mode \
             on, or drop the file system locations."
        ),
    ));
}

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for p in &ctx.model.pipelines {
        if p.class != PipelineClass::CodePipeline {
            continue;
        }
        // The synth action: `docker_enabled_for_synth` turns privileged mode on.
        if let Some(synth) = &p.synth {
            if catalog::is_shell(&synth.kind) {
                let mut m = merge(&[
                    &p.code_build_defaults,
                    &p.synth_code_build_defaults,
                    &synth.project,
                ]);
                match p.docker_enabled_for_synth {
                    Known::Value(true, _) => m.privileged = Some(true),
                    Known::Unknown(_) => m.privileged = None,
                    _ => {}
                }
                report(m, "the synth step", out);
            }
        }
        // The self-mutation: `docker_enabled_for_self_mutation` turns privileged mode on.
        if p.self_mutation.or_default(true) == Some(true) {
            let mut m = merge(&[&p.code_build_defaults, &p.self_mutation_code_build_defaults]);
            match p.docker_enabled_for_self_mutation {
                Known::Value(true, _) => m.privileged = Some(true),
                Known::Unknown(_) => m.privileged = None,
                _ => {}
            }
            report(m, "the self-mutation action (`UpdatePipeline`)", out);
        }
        // The asset actions, where a stage certainly deploys a stack with an asset: a Docker
        // image's runs privileged; a file's keeps the merged mode, unless `code_build_defaults`
        // says `privileged=False` (CDK passes that on over the asset defaults).
        let (files, images) = certain_assets(p);
        if files || images {
            let mut m = merge(&[
                &p.code_build_defaults,
                &p.asset_publishing_code_build_defaults,
            ]);
            if let Known::Value(o, _) = &p.code_build_defaults {
                if let Known::Value(false, _) = o.privileged {
                    m.privileged = Some(false);
                }
            }
            if !files {
                m.privileged = Some(true);
            }
            report(m, "each asset publishing action (`Assets`)", out);
        }
        // Every CodeBuild action of a step the pipeline certainly holds.
        let stage_steps = p.stages.iter().filter(|s| !s.conditional).flat_map(|s| {
            let stack_steps = s
                .stack_steps
                .iter()
                .flat_map(|x| x.pre.iter().chain(&x.change_set).chain(&x.post));
            s.pre.iter().chain(&s.post).chain(stack_steps)
        });
        let wave_steps = p
            .waves
            .iter()
            .filter(|w| !w.conditional)
            .flat_map(|w| w.pre.iter().chain(&w.post));
        for step in stage_steps.chain(wave_steps) {
            // A ShellStep is a CodeBuild action too, with the pipeline's defaults alone.
            if !catalog::is_shell(&step.kind) {
                continue;
            }
            let id = &step.id;
            let m = merge(&[&p.code_build_defaults, &step.project]);
            let what = format!("step `{}`", id.as_deref().unwrap_or("…"));
            report(m, &what, out);
        }
    }
}

/// Whether a stage the pipeline certainly holds deploys a stack that certainly has a file
/// asset, and one with a Docker image asset.
fn certain_assets(p: &crate::model::Pipeline) -> (bool, bool) {
    let mut files = false;
    let mut images = false;
    if !p.may_have_assets {
        return (false, false);
    }
    for st in p.stages.iter().filter(|s| !s.conditional) {
        for stack in st.stacks.iter().flatten().filter(|s| !s.conditional) {
            for a in &stack.assets {
                match a.kind {
                    crate::model::AssetKind::File => files = true,
                    crate::model::AssetKind::Docker => images = true,
                }
            }
        }
    }
    (files, images)
}
