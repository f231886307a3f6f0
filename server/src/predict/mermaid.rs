//! `pipelens preview --format mermaid`: a `flowchart LR` with one subgraph per stage, the
//! actions inside, and arrows from each stage to the next (CodePipeline runs stages in order).

use std::fmt::Write;

use super::{ActionKind, Prediction};

/// Mermaid flowchart text for one pipeline's stages.
pub fn render(title: &str, p: &Prediction) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "---\ntitle: {}\n---", escape(title));
    out.push_str("flowchart LR\n");
    for (si, stage) in p.stages.iter().enumerate() {
        let label = if stage.certain {
            stage.name.clone()
        } else {
            format!("{} (uncertain)", stage.name)
        };
        let _ = writeln!(out, "  subgraph s{si}[\"{}\"]", escape(&label));
        out.push_str("    direction TB\n");
        for (ai, a) in stage.actions.iter().enumerate() {
            let mut text = format!("{}. {}", a.run_order, a.name);
            if matches!(a.kind, ActionKind::Prepare | ActionKind::Deploy) {
                if let (Some(acc), Some(reg)) = (&a.account, &a.region) {
                    let _ = write!(text, "<br/>{acc} {reg}");
                }
            }
            let text = escape(&text);
            let node = match a.kind {
                ActionKind::Approval => format!("{{\"{text}\"}}"),
                ActionKind::Source => format!("[(\"{text}\")]"),
                _ => format!("[\"{text}\"]"),
            };
            let _ = writeln!(out, "    s{si}a{ai}{node}");
        }
        if stage.actions.is_empty() {
            let _ = writeln!(out, "    s{si}empty[\"?\"]");
        }
        out.push_str("  end\n");
    }
    for si in 1..p.stages.len() {
        let _ = writeln!(out, "  s{} --> s{si}", si - 1);
    }
    out
}

/// Mermaid labels are quoted; quotes inside become the HTML entity. A name from the code stays
/// on its line (the diagram is printed, maybe into a CI log: `quote::for_log`).
fn escape(s: &str) -> String {
    crate::quote::for_log(s).replace('"', "#quot;")
}
