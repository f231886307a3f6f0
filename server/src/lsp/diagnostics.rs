//! Analysis scheduling: debounced per document, run off the async threads, published with the
//! document version; a result for a version that is no longer current is dropped.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ropey::Rope;
use tower_lsp_server::lsp_types::{self as lsp, MessageType, Uri};
use tower_lsp_server::{Client, UriExt};

use super::collection::Source;
use super::state::{Snapshot, State};
use super::to_proto;
use crate::analysis;
use crate::model::{AppIndex, NoIndex};
use crate::workspace;

/// Coalesces the changes of one burst (a paste, a format-on-type) into one analysis; typing
/// itself is coalesced by running one analysis at a time.
const DEBOUNCE: Duration = Duration::from_millis(5);

/// How many analyses, git checks and prediction warm-ups run at once, on the runtime's
/// blocking threads. The runtime has more of those (`lsp::serve`), so that a request's handler
/// (`Backend::off_serve`) never waits for a thread behind background work.
pub(crate) const BACKGROUND_JOBS: usize = 4;

static BACKGROUND: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(BACKGROUND_JOBS);

/// Set when a closed document's memory was freed while background work may still hold part of
/// it (an analysis, a git check, a prediction warm-up of that document).
static TRIM_DUE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Runs background work on a blocking thread once one of the [`BACKGROUND_JOBS`] slots is free.
async fn background<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    // The semaphore is never closed.
    let slot = BACKGROUND.acquire().await;
    let result = tokio::task::spawn_blocking(f).await;
    drop(slot);
    // The last background job to end after a document closed hands the memory back.
    if BACKGROUND.available_permits() == BACKGROUND_JOBS
        && TRIM_DUE.swap(false, std::sync::atomic::Ordering::AcqRel)
    {
        tokio::task::spawn_blocking(super::state::return_free_memory);
    }
    result
}

/// A document closed and what it held is dropped: hand the freed memory back to the system now,
/// and again when the background work running now has ended (it may hold the rest).
pub fn memory_freed() {
    // Raised first: a job that ends after this trim hands back what it held. (When none is
    // running, the next job to end trims once more, which costs a few ms.)
    TRIM_DUE.store(true, std::sync::atomic::Ordering::Release);
    super::state::return_free_memory();
}

/// An analysis that a newer change made stale stops early (see `run`), unless the document's
/// last analysis is older than this: then it runs to the end, to refresh what hover and
/// completion read. Such a refresh delays the diagnostics of the edit that follows it by up to
/// one analysis, so it happens only during long stretches of very fast typing: at ordinary
/// typing speed every keystroke's analysis finishes before the next key.
const MAX_SNAPSHOT_AGE: Duration = Duration::from_millis(1000);

use super::state::TRIM_AFTER_BYTES;

/// Documents below this size are not lowered incrementally (see `lang::LowerMemo`).
const MEMO_MIN_BYTES: usize = 32 * 1024;

/// How many documents keep their syntax tree for incremental re-parsing: the ones changed
/// most recently. The others parse afresh when they change again (a 1,000-line file parses in
/// about 10 ms); a tree takes some 40 times its text, so 100 open files would otherwise hold
/// 50 MB of trees.
const TREES_KEPT: usize = 8;

/// Takes the trees (and lowering memos) of idle documents out; the caller drops them once the
/// lock is released and then calls [`super::state::return_free_memory`], so that typing never
/// waits on freeing memory.
fn forget_idle_trees(docs: &mut HashMap<Uri, super::state::DocEntry>) -> Vec<Garbage> {
    let mut with_tree: Vec<(std::time::Instant, &Uri)> = docs
        .iter()
        // A document too big to keep a tree (`TREE_MAX_BYTES`) still keeps its memo.
        .filter(|(_, e)| (e.doc.has_tree() || e.lower_memo.is_some()) && !e.analysing)
        .map(|(u, e)| (e.touched, u))
        .collect();
    if with_tree.len() <= TREES_KEPT {
        return Vec::new();
    }
    with_tree.sort_unstable_by_key(|e| std::cmp::Reverse(e.0));
    let idle: Vec<Uri> = with_tree[TREES_KEPT..]
        .iter()
        .map(|(_, u)| (*u).clone())
        .collect();
    let mut garbage = Vec::new();
    for uri in idle {
        if let Some(e) = docs.get_mut(&uri) {
            garbage.push((e.doc.forget_tree(), e.lower_memo.take()));
            tracing::debug!("{}: idle, syntax tree dropped", uri.as_str());
        }
    }
    garbage
}

type Garbage = (Option<tree_sitter::Tree>, Option<crate::lang::LowerMemo>);

/// A document this big or bigger keeps no syntax tree between analyses: each one parses it
/// afresh (about 340 ms for 2 MB, against 3.5 ms incrementally) rather than holding some 47
/// times its text (100 MB for the 50,000-line file of #16, 210 MB for 40,000 stages).
/// Pipeline code is far below it; the lowering memo (60 to 70% of the tree's size) still
/// spares re-lowering what did not change, and goes when the document is idle.
const TREE_MAX_BYTES: usize = TRIM_AFTER_BYTES;

/// Schedules an analysis of `uri`. At most one analysis task runs per document: while one runs,
/// changes only bump the generation, and the task analyses again as soon as it finishes. So a
/// steady stream of edits still gets fresh diagnostics every analysis, never starves.
pub fn schedule(client: &Client, state: &Arc<State>, uri: Uri) {
    let start = match state.docs.lock() {
        Ok(mut docs) => match docs.get_mut(&uri) {
            Some(d) => {
                d.generation += 1;
                d.touched = std::time::Instant::now();
                !std::mem::replace(&mut d.analysing, true)
            }
            None => return,
        },
        Err(_) => return,
    };
    if !start {
        return;
    }
    let (client, state) = (client.clone(), state.clone());
    tokio::spawn(async move {
        tokio::time::sleep(DEBOUNCE).await;
        loop {
            let generation = match state.docs.lock() {
                Ok(docs) => match docs.get(&uri) {
                    Some(d) => d.generation,
                    None => return,
                },
                Err(_) => return,
            };
            // A failed analysis (an engine panic) is not retried until the next change.
            let ok = run(&client, &state, uri.clone()).await;
            let Ok(mut docs) = state.docs.lock() else {
                return;
            };
            let Some(d) = docs.get_mut(&uri) else { return };
            if d.generation == generation || !ok {
                d.analysing = false;
                return;
            }
        }
    });
}

/// The source/synth change rule starts git processes: it waits for a pause in typing.
const GIT_DEBOUNCE: Duration = Duration::from_millis(400);

/// Schedules the `source-synth-change` check of `uri` (git base revision) after a pause.
/// Git runs only in a trusted workspace.
pub fn schedule_git(client: &Client, state: &Arc<State>, uri: Uri) {
    if state.trusted().is_none() {
        return;
    }
    let generation = match state.docs.lock() {
        Ok(mut docs) => match docs.get_mut(&uri) {
            Some(d) => {
                d.git_generation += 1;
                d.git_generation
            }
            None => return,
        },
        Err(_) => return,
    };
    let (client, state) = (client.clone(), state.clone());
    tokio::spawn(async move {
        tokio::time::sleep(GIT_DEBOUNCE).await;
        run_git(&client, &state, uri, generation).await;
    });
}

async fn run_git(client: &Client, state: &Arc<State>, uri: Uri, generation: u64) {
    let job = {
        let Ok(docs) = state.docs.lock() else { return };
        let Some(entry) = docs.get(&uri) else { return };
        if entry.git_generation != generation {
            return;
        }
        let Some(path) = entry.path.clone() else {
            return;
        };
        (entry.doc.plugin, entry.doc.version, entry.doc.text(), path)
    };
    let (plugin, version, text, path) = job;
    let st = state.clone();
    let result = background(move || {
        // Asked again here: trust can be taken back while the check waited.
        let trusted = st.trusted()?;
        let root = workspace::app_root(&path);
        let index = root.as_deref().map(|r| st.index_for(r));
        let (extra, base) = match st.config.read() {
            Ok(c) => (c.extra.clone(), c.settings.change_base.clone()),
            Err(_) => return None,
        };
        let idx: &dyn AppIndex = match &index {
            Some(i) => i.as_ref(),
            None => &NoIndex,
        };
        Some(analysis::source_synth_diagnostics(
            &path,
            &text,
            plugin,
            idx,
            &extra,
            base.as_deref(),
            trusted,
        ))
    })
    .await;
    let found = match result {
        Ok(Some(Ok(check))) => {
            if let Some(why) = check.skipped {
                let note = format!("source-synth-change: {}", why.describe());
                if state.first_time(&note) {
                    client.log_message(MessageType::INFO, note).await;
                }
            }
            check.diagnostics
        }
        Ok(Some(Err(e))) => {
            let note = format!("source-synth-change: git failed: {e}");
            if state.first_time(&note) {
                client.log_message(MessageType::WARNING, note).await;
            }
            Vec::new()
        }
        _ => return,
    };
    let snapshot = {
        let Ok(mut docs) = state.docs.lock() else {
            return;
        };
        let Some(entry) = docs.get_mut(&uri) else {
            return;
        };
        if entry.doc.version != version {
            return; // typed since: the next run answers for the new text
        }
        // Trust taken back while git ran (`forget_git` bumped the generation): what it learnt
        // goes with it.
        if entry.git_generation != generation || state.trusted().is_none() {
            return;
        }
        entry.git_diagnostics = Some((version, found));
        // Sent when this version's analysis is in (the collection sends only what changed);
        // else that analysis's publish takes it.
        match &entry.snapshot {
            Some(s) if s.version == version => s.clone(),
            _ => return,
        }
    };
    publish(client, state, &uri, &snapshot).await;
}

/// Re-analyses every open document (settings changed, an index was rebuilt).
pub fn schedule_all(client: &Client, state: &Arc<State>) {
    let uris: Vec<Uri> = state
        .docs
        .lock()
        .map(|d| d.keys().cloned().collect())
        .unwrap_or_default();
    for uri in uris {
        schedule(client, state, uri);
    }
}

/// One analysis; `false` when it failed (a panic in the engine: logged, not retried).
async fn run(client: &Client, state: &Arc<State>, uri: Uri) -> bool {
    // Snapshot under the lock; parse and analyse without it.
    let (plugin, version, rope, parsed, parse_input, path, mut memo, generation, may_abandon) = {
        let Ok(mut docs) = state.docs.lock() else {
            return true;
        };
        let Some(entry) = docs.get_mut(&uri) else {
            return true;
        };
        (
            entry.doc.plugin,
            entry.doc.version,
            entry.doc.rope().clone(),
            entry.doc.parsed_tree().cloned(),
            entry.doc.parse_input(),
            entry.path.clone(),
            entry.lower_memo.take(),
            entry.generation,
            // Hover and completion read the latest analysis even while typing goes on, so
            // an analysis is only abandoned for a newer one while the last is recent.
            entry
                .snapshot_at
                .is_some_and(|t| t.elapsed() < MAX_SNAPSHOT_AGE),
        )
    };
    // No pipeline definition is this big: parsing it would take seconds and some hundred times
    // its size in memory. Said once per document; it gets no diagnostics of its own, and what
    // an analysis of its earlier, smaller text left (tree, analysis) is dropped, so that no
    // request reads an analysis of other text.
    if rope.len_bytes() as u64 > workspace::MAX_SOURCE_BYTES {
        drop((parsed, parse_input, memo));
        let old = state.docs.lock().ok().and_then(|mut docs| {
            let e = docs.get_mut(&uri)?;
            e.snapshot_at = None;
            Some((e.snapshot.take(), e.doc.forget_tree()))
        });
        drop(old);
        if state.first_time(&format!("too big to analyse: {}", uri.as_str())) {
            let note = format!(
                "pipelens: {} is {} MB; pipelens reads files up to {} MB, so it does not \
                 analyse it",
                uri.as_str(),
                rope.len_bytes() >> 20,
                workspace::MAX_SOURCE_BYTES >> 20
            );
            client.show_message(MessageType::WARNING, &note).await;
        }
        publish_nothing_of_its_own(client, state, &uri, version).await;
        return true;
    }
    let st = state.clone();
    let uri2 = uri.clone();
    let began = std::time::Instant::now();
    let result = background(move || {
        let waited = began.elapsed();
        // Asked between the phases: a change since the analysis began makes it stale.
        let abandon = || {
            may_abandon
                && st
                    .docs
                    .lock()
                    .map(|d| d.get(&uri2).is_some_and(|e| e.generation != generation))
                    .unwrap_or(false)
        };
        // The memo goes back to the document whatever happens below.
        let give_back = |memo: Option<crate::lang::LowerMemo>, text_len: usize| {
            let garbage = match st.docs.lock() {
                Ok(mut docs) => {
                    if let Some(e) = docs.get_mut(&uri2) {
                        e.lower_memo = memo.filter(|_| text_len >= MEMO_MIN_BYTES);
                    }
                    forget_idle_trees(&mut docs)
                }
                Err(_) => Vec::new(),
            };
            if !garbage.is_empty() {
                drop(garbage);
                super::state::return_free_memory();
            }
        };
        let text: Arc<str> = Arc::from(rope.to_string());
        let root = path.as_deref().and_then(workspace::app_root);
        let index = root.as_deref().map(|r| st.index_for(r));
        let indexed_at = began.elapsed();
        let extra = st
            .config
            .read()
            .map(|c| c.extra.clone())
            .unwrap_or_default();
        let idx: &dyn AppIndex = match &index {
            Some(i) => i.as_ref(),
            None => &NoIndex,
        };
        // Small files lower in a millisecond or two: their memo is not worth its memory.
        if text.len() < MEMO_MIN_BYTES {
            memo = None;
        }
        // A document too big to keep a tree, with nothing to reuse (its first analysis, or the
        // first after it was idle): parsed and lowered in pieces on several threads.
        let in_pieces = (parsed.is_none() && memo.is_none() && text.len() >= TREE_MAX_BYTES)
            .then(|| {
                analysis::analyze_in_pieces(
                    plugin,
                    &text,
                    path.as_deref(),
                    idx,
                    &extra,
                    Some((&text, &mut memo)),
                    &abandon,
                )
            })
            .flatten();
        let (a, parsed_at) = match in_pieces {
            Some(a) => {
                tracing::debug!(
                    "{}: {} bytes, parsed in pieces, no syntax tree kept",
                    uri2.as_str(),
                    text.len()
                );
                // Kept from when it was smaller: not worth its memory now.
                let old = st
                    .docs
                    .lock()
                    .ok()
                    .and_then(|mut docs| docs.get_mut(&uri2).and_then(|e| e.doc.forget_tree()));
                give_back(memo, text.len());
                let _ = std::thread::Builder::new()
                    .name("pipelens-trim".into())
                    .spawn(move || {
                        drop(old);
                        super::state::return_free_memory();
                    });
                (a, indexed_at)
            }
            None => {
                let tree = match (parsed, parse_input) {
                    (Some(t), _) => t,
                    (None, Some((rope, old))) => {
                        // A stale parse stops at once: the next analysis parses the newer text.
                        let Some(t) = crate::document::Document::parse_rope(
                            plugin,
                            &rope,
                            old.as_ref(),
                            &abandon,
                        ) else {
                            give_back(memo, rope.len_bytes());
                            return None;
                        };
                        let keep = rope.len_bytes() < TREE_MAX_BYTES;
                        let old = match st.docs.lock() {
                            Ok(mut docs) => docs.get_mut(&uri2).and_then(|e| {
                                if keep {
                                    e.doc.install(version, t.clone());
                                    None
                                } else {
                                    tracing::debug!(
                                        "{}: {} bytes, syntax tree not kept",
                                        uri2.as_str(),
                                        rope.len_bytes()
                                    );
                                    // Kept from when it was smaller: not worth its memory now.
                                    e.doc.forget_tree()
                                }
                            }),
                            Err(_) => None,
                        };
                        drop(old);
                        t
                    }
                    (None, None) => {
                        give_back(memo, rope.len_bytes());
                        return None;
                    }
                };
                let parsed_at = began.elapsed();
                if abandon() {
                    give_back(memo, rope.len_bytes());
                    return None;
                }
                let a = analysis::analyze_reusing(
                    plugin,
                    &text,
                    &tree,
                    path.as_deref(),
                    idx,
                    &extra,
                    &mut memo,
                    &abandon,
                );
                give_back(memo, text.len());
                // A big document's analysis frees tens of MB per run (the last lowering, model
                // and rules, and its tree when the document keeps none: see `TREE_MAX_BYTES`):
                // hand them back, or each blocking thread's arena keeps its share. On a thread
                // of its own, so that neither freeing the tree nor the trim delays the
                // diagnostics.
                if text.len() >= TRIM_AFTER_BYTES {
                    let _ = std::thread::Builder::new()
                        .name("pipelens-trim".into())
                        .spawn(move || {
                            drop(tree);
                            super::state::return_free_memory();
                        });
                } else {
                    drop(tree);
                }
                (a, parsed_at)
            }
        };
        let analysed_at = began.elapsed();
        let a = a?;
        if abandon() {
            return None;
        }
        let imports = a.imports.clone();
        let stage_classes = index
            .as_ref()
            .map(|i| i.stage_classes())
            .unwrap_or_default();
        let qualifier = index
            .as_ref()
            .map(|i| crate::aws::qualifier_from_context(i.context_map()))
            .unwrap_or_else(|| crate::aws::qualifier_from_context(&Default::default()));
        let warnings = index.map(|i| i.warnings.clone()).unwrap_or_default();
        tracing::debug!(
            "{}: v{version} analysed: thread {:.1} ms, index {:.1} ms, parse {:.1} ms, \
             analysis {:.1} ms (with the parse when in pieces), snapshot {:.1} ms",
            uri2.as_str(),
            waited.as_secs_f64() * 1e3,
            (indexed_at - waited).as_secs_f64() * 1e3,
            (parsed_at - indexed_at).as_secs_f64() * 1e3,
            (analysed_at - parsed_at).as_secs_f64() * 1e3,
            (began.elapsed() - analysed_at).as_secs_f64() * 1e3,
        );
        Some((
            Snapshot {
                version,
                rope,
                text,
                analysis: a,
                imports,
                stage_classes,
                predictions: std::sync::OnceLock::new(),
                qualifier,
                synth_merged: Default::default(),
            },
            warnings,
        ))
    })
    .await;
    let (snapshot, warnings) = match result {
        Ok(Some(x)) => x,
        Ok(None) => return true,
        Err(e) => {
            let msg = format!("pipelens: analysing {} failed: {e}", uri.as_str());
            tracing::error!("{msg}");
            if state.first_time(&msg) {
                client.log_message(MessageType::ERROR, &msg).await;
            }
            return false;
        }
    };
    for w in warnings {
        if state.first_time(&w) {
            client.log_message(MessageType::WARNING, &w).await;
        }
    }
    let snapshot = Arc::new(snapshot);
    {
        let Ok(mut docs) = state.docs.lock() else {
            return true;
        };
        let Some(entry) = docs.get_mut(&uri) else {
            return true;
        };
        // Hover and completion use the newest analysis even while a newer edit is analysed.
        entry.snapshot = Some(snapshot.clone());
        entry.snapshot_at = Some(std::time::Instant::now());
        if entry.doc.version != version {
            return true; // stale for publishing: its ranges are for older text
        }
    }
    super::bootstrap::ensure_probed(client, state, &snapshot, republish_all);
    super::live::ensure_read(client, state, &uri, &snapshot, republish_live);
    let publishing = std::time::Instant::now();
    publish(client, state, &uri, &snapshot).await;
    tracing::debug!(
        "{}: v{version} published in {:.1} ms ({:.1} ms after the analysis began)",
        uri.as_str(),
        publishing.elapsed().as_secs_f64() * 1e3,
        began.elapsed().as_secs_f64() * 1e3,
    );
    // Hints, lenses and hover want the prediction next: make it now, off the async threads.
    let warm = snapshot.clone();
    tokio::spawn(background(move || {
        warm.predictions();
    }));
    refresh_views(client, state);
    true
}

/// Publishes every open document's diagnostics again (after a bootstrap probe: its
/// observations change what the bootstrap rules say); the collection sends only the documents
/// whose diagnostics changed.
pub fn republish_all(
    client: Client,
    state: Arc<State>,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    Box::pin(async move {
        for (uri, snap) in state.current_snapshots() {
            publish(&client, &state, &uri, &snap).await;
        }
    })
}

/// After the deployed pipelines were read (`lsp::live`): their lenses and hints are asked for
/// again, and every open document's drift diagnostics published again.
pub fn republish_live(
    client: Client,
    state: Arc<State>,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    Box::pin(async move {
        refresh_views(&client, &state);
        super::live::changed(&client).await;
        republish_all(client, state).await;
    })
}

/// Asks the client to re-request inlay hints and code lenses (they depend on the analysis).
pub(crate) fn refresh_views(client: &Client, state: &Arc<State>) {
    let (hints, lenses) = state
        .config
        .read()
        .map(|c| (c.refresh_hints, c.refresh_lenses))
        .unwrap_or_default();
    if !hints && !lenses {
        return;
    }
    let client = client.clone();
    tokio::spawn(async move {
        if hints {
            let _ = client.inlay_hint_refresh().await;
        }
        if lenses {
            let _ = client.code_lens_refresh().await;
        }
    });
}

fn rope_of_file(state: &State, path: &Path) -> Option<(Uri, Rope)> {
    let uri = Uri::from_file_path(path)?;
    if let Some(rope) = state
        .docs
        .lock()
        .ok()?
        .get(&uri)
        .map(|d| d.doc.rope().clone())
    {
        return Some((uri, rope));
    }
    let text = crate::workspace::read_file(path, workspace::MAX_SOURCE_BYTES).ok()?;
    Some((uri, Rope::from_str(&String::from_utf8_lossy(&text))))
}

/// Puts the diagnostics of `snap` from every source into the collection (`lsp::collection`),
/// each from its current input: the analysis (rules), the git check's result for this version,
/// the bootstrap probe's observations, the app's last synth. Then sends `uri` and every other
/// document whose diagnostics changed (`uri` always for a version it was not published for);
/// nothing else.
pub(crate) async fn publish(client: &Client, state: &Arc<State>, uri: &Uri, snap: &Snapshot) {
    let boot: Vec<crate::rules::Diagnostic> = if state.prober().is_some() {
        crate::rules::bootstrap::check(&snap.analysis.model, &snap.qualifier, &state.observations())
    } else {
        Vec::new()
    };
    let synth = super::synth::diagnostics(state, uri, snap);
    let live = super::live::diagnostics(state, snap);
    let derived = [
        (
            Source::Rules,
            by_target(state, uri, &snap.rope, &snap.analysis.diagnostics),
        ),
        (Source::Bootstrap, by_target(state, uri, &snap.rope, &boot)),
        (Source::Synth, by_target(state, uri, &snap.rope, &synth)),
        (Source::Live, by_target(state, uri, &snap.rope, &live)),
    ];
    // Written while the document is known to be open at this version (a publish that waited
    // behind others must not bring back a closed document), with the git result it was made
    // with still the document's (`run_git` stores a newer one under the same lock: then the
    // conversion is made again).
    let git_of = |docs: &std::collections::HashMap<Uri, super::state::DocEntry>| {
        docs.get(uri)
            .filter(|e| e.doc.version == snap.version)
            .map(|e| {
                e.git_diagnostics
                    .as_ref()
                    .filter(|(v, _)| *v == snap.version)
                    .map(|(_, d)| d.clone())
                    .unwrap_or_default()
            })
    };
    let mut derived = Some(derived);
    let touched = loop {
        let Some(git) = state.docs.lock().ok().and_then(|d| git_of(&d)) else {
            return;
        };
        let converted = by_target(state, uri, &snap.rope, &git);
        let Ok(docs) = state.docs.lock() else { return };
        match git_of(&docs) {
            None => return,
            Some(now) if now != git => continue,
            Some(_) => {}
        }
        let Ok(mut c) = state.diagnostics.lock() else {
            return;
        };
        let mut touched = Vec::new();
        for (source, by_target) in derived
            .take()
            .into_iter()
            .flatten()
            .chain([(Source::Git, converted)])
        {
            touched.extend(c.set(uri, snap.version, source, by_target));
        }
        break touched;
    };
    send(client, state, touched).await;
}

/// The protocol form of an origin's diagnostics, by the document each is in (a rule may point
/// into another file of the app).
fn by_target(
    state: &State,
    uri: &Uri,
    rope: &Rope,
    diags: &[crate::rules::Diagnostic],
) -> HashMap<Uri, Vec<lsp::Diagnostic>> {
    let enc = state.encoding();
    let mut out: HashMap<Uri, Vec<lsp::Diagnostic>> = HashMap::new();
    for d in diags {
        match &d.file {
            None => out
                .entry(uri.clone())
                .or_default()
                .push(to_proto::diagnostic(rope, d, enc, uri, |p| {
                    rope_of_file(state, p)
                })),
            Some(f) => {
                if let Some((target, rope)) = rope_of_file(state, f) {
                    let lsp_d =
                        to_proto::diagnostic(&rope, d, enc, &target, |p| rope_of_file(state, p));
                    out.entry(target).or_default().push(lsp_d);
                }
            }
        }
    }
    out
}

/// Sends what the collection holds for each of `targets`, in order, each once: with the
/// version its own diagnostics were made for (the open document's version when it has none;
/// none for a file that is not open).
async fn send(client: &Client, state: &Arc<State>, targets: Vec<Uri>) {
    // One sender at a time, from reading the collection to queueing the notification: two
    // publishes of one document (same version) cannot overtake each other.
    let _one_at_a_time = state.sending.lock().await;
    let mut seen = std::collections::HashSet::new();
    for target in targets {
        if !seen.insert(target.clone()) {
            continue;
        }
        let (diags, version) = match state.diagnostics.lock() {
            Ok(c) => (c.in_document(&target), c.version(&target)),
            Err(_) => return,
        };
        let version = version.or_else(|| {
            state
                .docs
                .lock()
                .ok()
                .and_then(|d| d.get(&target).map(|e| e.doc.version))
        });
        client.publish_diagnostics(target, diags, version).await;
    }
}

/// A document that is no longer analysed (too big): what it said goes; what other documents
/// say in it stays.
async fn publish_nothing_of_its_own(client: &Client, state: &Arc<State>, uri: &Uri, version: i32) {
    let mut touched = Vec::new();
    if let Ok(mut c) = state.diagnostics.lock() {
        for source in [
            Source::Rules,
            Source::Git,
            Source::Bootstrap,
            Source::Synth,
            Source::Live,
        ] {
            touched.extend(c.set(uri, version, source, HashMap::new()));
        }
    }
    send(client, state, touched).await;
}

/// Clears a closed document's diagnostics and what it said about other files.
pub async fn clear(client: &Client, state: &Arc<State>, uri: &Uri) {
    let touched = match state.diagnostics.lock() {
        Ok(mut c) => c.remove(uri),
        Err(_) => return,
    };
    send(client, state, touched).await;
}

/// Trust was taken back: what git said was learnt under trust, and goes with it.
pub async fn forget_git(client: &Client, state: &Arc<State>) {
    let touched = match state.docs.lock() {
        Ok(mut docs) => {
            for d in docs.values_mut() {
                d.git_diagnostics = None;
                // A git check running now stores nothing (`run_git` compares).
                d.git_generation += 1;
            }
            state
                .diagnostics
                .lock()
                .map(|mut c| c.remove_source(Source::Git))
                .unwrap_or_default()
        }
        Err(_) => return,
    };
    send(client, state, touched).await;
}
