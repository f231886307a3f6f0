//! What every open document says, kept apart by source: the one place the server's
//! diagnostics live between an analysis, a git check, a bootstrap probe or a synth and what
//! the client is sent.
//!
//! Each source writes only its own slot, for the document version it was computed for; a
//! document's diagnostics are then whatever its slots hold plus what other documents' slots
//! put in it (a rule on the pipeline file that points into a constants module). Nothing is
//! merged from elsewhere at publish time, so a publish for one reason (a probe answered)
//! never loses what another source said (the git check of the same version).

use std::collections::{BTreeMap, HashMap, HashSet};

use tower_lsp_server::lsp_types::{Diagnostic, Uri};

/// Where a diagnostic comes from. Their order is the order a document's diagnostics are sent in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// The analysis of the document's text (`rules::check`).
    Rules,
    /// The `source-synth-change` rule (git base revision; runs on open and save).
    Git,
    /// The bootstrap rules, on the probe's observations.
    Bootstrap,
    /// What the app's last synth says about this document's code.
    Synth,
    /// Where the deployed pipeline differs from the code (`lsp::live`).
    Live,
}

/// What one document (the origin) says, for one version of its text.
struct Said {
    version: i32,
    /// Per source: the diagnostics, by the document they are in.
    by_source: BTreeMap<Source, HashMap<Uri, Vec<Diagnostic>>>,
}

/// Every open document's diagnostics, by origin and source.
#[derive(Default)]
pub struct Collection {
    by_origin: HashMap<Uri, Said>,
}

impl Collection {
    /// Sets what `source` says in `origin` at `version` (split by the document each diagnostic
    /// is in). A newer version than the one held drops every source of the older text first
    /// (their ranges are for text that is gone); an older one is ignored (a result that came
    /// late). Returns the documents whose diagnostics changed (none when nothing did), the
    /// origin first; the origin always for a version it had none for (it must be published
    /// for that version even when it has nothing to say).
    pub fn set(
        &mut self,
        origin: &Uri,
        version: i32,
        source: Source,
        by_target: HashMap<Uri, Vec<Diagnostic>>,
    ) -> Vec<Uri> {
        let mut new = false;
        let said = self.by_origin.entry(origin.clone()).or_insert_with(|| {
            new = true;
            Said {
                version,
                by_source: BTreeMap::new(),
            }
        });
        if version < said.version {
            return Vec::new();
        }
        let mut touched = Vec::new();
        if new {
            touched.push(origin.clone());
        }
        if version > said.version {
            touched.push(origin.clone());
            for old in std::mem::take(&mut said.by_source).into_values() {
                touched.extend(old.into_keys());
            }
            said.version = version;
        }
        let by_target: HashMap<Uri, Vec<Diagnostic>> = by_target
            .into_iter()
            .filter(|(_, d)| !d.is_empty())
            .collect();
        let old = said.by_source.get(&source);
        if old.map_or(by_target.is_empty(), |old| *old == by_target) {
            return dedup(origin, touched);
        }
        touched.push(origin.clone());
        touched.extend(old.into_iter().flat_map(|o| o.keys().cloned()));
        touched.extend(by_target.keys().cloned());
        if by_target.is_empty() {
            said.by_source.remove(&source);
        } else {
            said.by_source.insert(source, by_target);
        }
        dedup(origin, touched)
    }

    /// Forgets everything `origin` said (it closed). Returns the documents that changed.
    pub fn remove(&mut self, origin: &Uri) -> Vec<Uri> {
        let mut touched = vec![origin.clone()];
        if let Some(said) = self.by_origin.remove(origin) {
            for by_target in said.by_source.into_values() {
                touched.extend(by_target.into_keys());
            }
        }
        dedup(origin, touched)
    }

    /// Forgets what `source` said in every document (trust was taken back, and it had
    /// learnt it under trust). Returns the documents that changed.
    pub fn remove_source(&mut self, source: Source) -> Vec<Uri> {
        let mut touched = Vec::new();
        for (origin, said) in &mut self.by_origin {
            if let Some(by_target) = said.by_source.remove(&source) {
                touched.push(origin.clone());
                touched.extend(by_target.into_keys());
            }
        }
        touched.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        touched.dedup();
        touched
    }

    /// The version of `origin` its diagnostics were computed for.
    pub fn version(&self, origin: &Uri) -> Option<i32> {
        self.by_origin.get(origin).map(|s| s.version)
    }

    /// Everything said in `target`: its own diagnostics by source, then what the other
    /// documents say in it (in the order of their uris) that it does not say itself or another
    /// document said already. Linear in the diagnostics (a huge file has thousands).
    pub fn in_document(&self, target: &Uri) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = self
            .by_origin
            .get(target)
            .into_iter()
            .flat_map(|said| said.by_source.values())
            .flat_map(|by_target| by_target.get(target).into_iter().flatten())
            .cloned()
            .collect();
        let mut others: Vec<(&Uri, &Said)> = self
            .by_origin
            .iter()
            .filter(|(o, _)| *o != target)
            .collect();
        if others.is_empty() {
            return out;
        }
        others.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        let mut seen: HashSet<String> = out.iter().map(key).collect();
        for (_, said) in others {
            for by_target in said.by_source.values() {
                for d in by_target.get(target).into_iter().flatten() {
                    if seen.insert(key(d)) {
                        out.push(d.clone());
                    }
                }
            }
        }
        out
    }
}

/// What makes two diagnostics the same one (a protocol diagnostic has no `Hash`).
fn key(d: &Diagnostic) -> String {
    serde_json::to_string(d).unwrap_or_default()
}

/// Each uri once, `first` first (it is published first) when it is there.
fn dedup(first: &Uri, mut uris: Vec<Uri>) -> Vec<Uri> {
    uris.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    uris.dedup();
    if let Some(i) = uris.iter().position(|u| u == first) {
        let u = uris.remove(i);
        uris.insert(0, u);
    }
    uris
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::lsp_types::{Position, Range};

    fn uri(name: &str) -> Uri {
        format!("file:///app/{name}").parse().unwrap()
    }

    fn diag(message: &str) -> Diagnostic {
        Diagnostic {
            range: Range::new(Position::new(0, 0), Position::new(0, 1)),
            message: message.into(),
            ..Default::default()
        }
    }

    fn at(target: &Uri, messages: &[&str]) -> HashMap<Uri, Vec<Diagnostic>> {
        HashMap::from([(target.clone(), messages.iter().map(|m| diag(m)).collect())])
    }

    fn messages(c: &Collection, target: &Uri) -> Vec<String> {
        c.in_document(target)
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn a_source_replaces_only_its_own() {
        let (p, consts) = (uri("pipeline.py"), uri("constants.py"));
        let mut c = Collection::default();
        c.set(&p, 1, Source::Rules, at(&p, &["rule"]));
        c.set(&p, 1, Source::Git, at(&p, &["git"]));
        c.set(&p, 1, Source::Bootstrap, at(&p, &["boot"]));
        // A probe answers again: git's note of the same version stays.
        let touched = c.set(&p, 1, Source::Bootstrap, at(&p, &["boot 2"]));
        assert_eq!(touched, vec![p.clone()]);
        assert_eq!(messages(&c, &p), ["rule", "git", "boot 2"]);
        // A rule that points into another file, and that file's own analysis.
        let touched = c.set(&p, 1, Source::Rules, at(&consts, &["from the pipeline"]));
        assert_eq!(touched, vec![p.clone(), consts.clone()]);
        c.set(&consts, 4, Source::Rules, at(&consts, &["own"]));
        c.set(&consts, 4, Source::Synth, at(&consts, &["synth"]));
        assert_eq!(messages(&c, &consts), ["own", "synth", "from the pipeline"]);
        assert_eq!(messages(&c, &p), ["git", "boot 2"]);
    }

    #[test]
    fn a_new_version_drops_the_old_texts_sources_and_late_results_are_ignored() {
        let (p, consts) = (uri("pipeline.py"), uri("constants.py"));
        let mut c = Collection::default();
        c.set(&p, 1, Source::Rules, at(&p, &["rule v1"]));
        c.set(&p, 1, Source::Git, at(&consts, &["git v1"]));
        let touched = c.set(&p, 2, Source::Rules, at(&p, &["rule v2"]));
        assert_eq!(touched, vec![p.clone(), consts.clone()]);
        assert_eq!(messages(&c, &p), ["rule v2"]);
        assert!(messages(&c, &consts).is_empty());
        // The git check of version 1 ends after version 2 was analysed.
        assert!(c.set(&p, 1, Source::Git, at(&p, &["git v1"])).is_empty());
        assert_eq!(messages(&c, &p), ["rule v2"]);
        assert_eq!(c.version(&p), Some(2));
    }

    #[test]
    fn unchanged_results_touch_nothing_and_removal_touches_every_target() {
        let (p, consts) = (uri("pipeline.py"), uri("constants.py"));
        let mut c = Collection::default();
        // A first version with nothing to say is still published (an empty list).
        assert_eq!(c.set(&p, 1, Source::Rules, HashMap::new()), vec![p.clone()]);
        assert_eq!(c.set(&p, 2, Source::Git, HashMap::new()), vec![p.clone()]);
        c.set(&p, 2, Source::Rules, at(&consts, &["x"]));
        assert!(c.set(&p, 2, Source::Rules, at(&consts, &["x"])).is_empty());
        assert!(c.set(&p, 2, Source::Git, HashMap::new()).is_empty());
        // Nothing left to say: the slot goes, and the target is told.
        assert_eq!(
            c.set(&p, 2, Source::Rules, HashMap::new()),
            vec![p.clone(), consts.clone()]
        );
        c.set(&p, 2, Source::Git, at(&consts, &["g"]));
        assert_eq!(
            c.remove_source(Source::Git),
            vec![consts.clone(), p.clone()]
        );
        assert!(messages(&c, &consts).is_empty());
        c.set(&p, 2, Source::Synth, at(&consts, &["s"]));
        assert_eq!(c.remove(&p), vec![p.clone(), consts.clone()]);
        assert!(messages(&c, &consts).is_empty());
        assert_eq!(c.version(&p), None);
    }

    #[test]
    fn the_same_diagnostic_from_two_documents_is_sent_once() {
        let (a, b, consts) = (uri("a.py"), uri("b.py"), uri("constants.py"));
        let mut c = Collection::default();
        c.set(&b, 1, Source::Rules, at(&consts, &["same"]));
        c.set(&a, 1, Source::Rules, at(&consts, &["same", "only a"]));
        assert_eq!(messages(&c, &consts), ["same", "only a"]);
    }
}
