//! The document outline: pipeline → waves → stages → steps.

use super::ByteRange;
use crate::model::{FileModel, Span, Step};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Pipeline,
    Wave,
    Stage,
    Step,
    Source,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub range: ByteRange,
    pub selection: ByteRange,
    pub children: Vec<Symbol>,
}

fn r(s: Span) -> ByteRange {
    s.start_byte..s.end_byte
}

fn step(s: &Step, role: &str) -> Symbol {
    Symbol {
        name: s.id.clone().unwrap_or_else(|| "?".into()),
        detail: Some(format!("{role} · {}", s.kind.name())),
        kind: SymbolKind::Step,
        range: r(s.span),
        selection: r(s.span),
        children: Vec::new(),
    }
}

/// LSP wants every child and the selection inside the parent's range; a stage added later in
/// the file than its pipeline's construction widens the pipeline's range to cover it.
fn widen(sym: &mut Symbol) {
    for c in &mut sym.children {
        widen(c);
    }
    let mut lo = sym.range.start.min(sym.selection.start);
    let mut hi = sym.range.end.max(sym.selection.end);
    for c in &sym.children {
        lo = lo.min(c.range.start);
        hi = hi.max(c.range.end);
    }
    sym.range = lo..hi;
}

pub fn outline(model: &FileModel) -> Vec<Symbol> {
    let mut out = outline_raw(model);
    out.iter_mut().for_each(widen);
    out
}

fn outline_raw(model: &FileModel) -> Vec<Symbol> {
    let mut out = Vec::new();
    for p in &model.pipelines {
        let mut children = Vec::new();
        for s in &p.sources {
            children.push(Symbol {
                name: s.repo.clone().unwrap_or_else(|| s.kind.name().to_string()),
                detail: Some(format!("source · {}", s.kind.name())),
                kind: SymbolKind::Source,
                range: r(s.span),
                selection: r(s.span),
                children: Vec::new(),
            });
        }
        if let Some(s) = &p.synth {
            children.push(step(s, "synth"));
        }
        for w in &p.waves {
            // A cancelled request gets what was made so far (its answer is dropped).
            if crate::cancel::requested() {
                break;
            }
            let stages: Vec<Symbol> = w
                .stages
                .iter()
                .filter_map(|i| p.stages.get(*i))
                .map(|s| {
                    let mut kids: Vec<Symbol> = s.pre.iter().map(|x| step(x, "pre")).collect();
                    kids.extend(s.post.iter().map(|x| step(x, "post")));
                    let env = match (s.env.account(), s.env.region()) {
                        (Some(a), Some(rg)) => Some(format!("{a} / {rg}")),
                        (a, rg) if s.env.env().is_some() => {
                            Some(format!("{} / {}", a.unwrap_or("?"), rg.unwrap_or("?")))
                        }
                        _ => None,
                    };
                    Symbol {
                        name: s.id.clone().unwrap_or_else(|| "?".into()),
                        detail: env,
                        kind: SymbolKind::Stage,
                        range: r(s.span),
                        selection: r(s.id_span),
                        children: kids,
                    }
                })
                .collect();
            if w.implicit {
                children.extend(stages);
            } else {
                let mut kids: Vec<Symbol> = w.pre.iter().map(|x| step(x, "pre")).collect();
                kids.extend(stages);
                kids.extend(w.post.iter().map(|x| step(x, "post")));
                children.push(Symbol {
                    name: w.id.clone().unwrap_or_else(|| "?".into()),
                    detail: Some("wave".into()),
                    kind: SymbolKind::Wave,
                    range: r(w.span),
                    selection: r(w.id_span),
                    children: kids,
                });
            }
        }
        out.push(Symbol {
            name: p.id.clone().unwrap_or_else(|| "pipeline".into()),
            detail: Some(p.class.name().to_string()),
            kind: SymbolKind::Pipeline,
            range: r(p.span),
            selection: r(p.span),
            children,
        });
    }
    out
}
