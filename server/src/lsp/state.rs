//! The server's state: open documents (with their pending out-of-order edits and latest
//! analysis), settings, app indexes. Plain `std` locks, never held across an `.await`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use ropey::Rope;
use tower_lsp_server::lsp_types::{TextDocumentContentChangeEvent, Uri};

use crate::analysis::Analysis;
use crate::aws::{EnvKey, Observation};
use crate::document::{Document, Encoding};
use crate::ide::accounts::Accounts;
use crate::lang::{ir::Import, ExtraQueries, Plugin};
use crate::trust::Trusted;
use crate::workspace::{Index, Settings};

/// After analysing a document this big, freed memory is handed back to the system at once.
pub(crate) const TRIM_AFTER_BYTES: usize = 1024 * 1024;

/// The latest analysis of a document, with the text it was made from.
pub struct Snapshot {
    pub version: i32,
    pub rope: Rope,
    pub text: Arc<str>,
    pub analysis: Analysis,
    pub imports: Vec<Import>,
    pub stage_classes: Vec<String>,
    /// The predicted CodePipeline of each pipeline of the model, in order: computed when first
    /// asked for (see [`Snapshot::predictions`]), not on the way to publishing diagnostics.
    pub(super) predictions: std::sync::OnceLock<Vec<crate::predict::Prediction>>,
    /// The app's bootstrap qualifier (cdk.json context, else the default).
    pub qualifier: String,
    /// The last synth brought to this snapshot's code (`lsp::synth`), for the record it was
    /// made from: hints, lenses, code actions and the publish read it without merging again.
    pub(super) synth_merged: Mutex<Option<(Arc<Record>, Arc<MergedPipelines>)>>,
}

/// Per synthesized pipeline of a document: its index in the model, the synthesized pipeline in
/// the prediction's types, and what to show now (made by `lsp::synth`).
pub type MergedPipelines = Vec<(
    usize,
    crate::predict::Prediction,
    crate::synth::stale::Merged,
)>;

/// A big document's analysis holds tens or hundreds of MB: when its last holder lets go (a newer
/// analysis replaced it, the document closed, a request or warm-up that held it ended), the
/// freed memory goes back to the system. The fields are dropped after `drop` returns, so the
/// trim runs a moment later on a thread of its own.
impl Drop for Snapshot {
    fn drop(&mut self) {
        if self.text.len() >= TRIM_AFTER_BYTES {
            let _ = std::thread::Builder::new()
                .name("pipelens-trim".into())
                .spawn(|| {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    return_free_memory();
                });
        }
    }
}

impl Snapshot {
    /// The predicted CodePipeline of each pipeline of the model, in order. Diagnostics do not
    /// need it, so it is made after they are published (a 1,000-wave pipeline takes 10 ms or
    /// more), or here by the first request that wants it.
    pub fn predictions(&self) -> &[crate::predict::Prediction] {
        self.predictions.get_or_init(|| {
            self.analysis
                .model
                .pipelines
                .iter()
                .map(crate::predict::predict)
                .collect()
        })
    }
}

// --- the synths (`lsp/synth.rs` reads them, `lsp/synth_task.rs` writes them) ---

/// How the last synth of an app ended.
pub enum Outcome {
    Done(Arc<crate::synth::Synthesized>),
    Failed {
        message: String,
        location: Option<crate::synth::ErrorLocation>,
    },
}

/// The last synth of an app: how it ended, when, and the code it was made from.
pub struct Record {
    pub outcome: Outcome,
    pub at: std::time::SystemTime,
    /// When the synth started (it read the files on disk then).
    pub(super) started: std::time::SystemTime,
    /// Per document of the app, its text and prediction when the synth started; a document
    /// opened after the synth, when it is first shown. An edit since makes the stages whose
    /// code changed out of date (`synth::stale`).
    pub(super) basis: Mutex<HashMap<Uri, Arc<crate::synth::stale::Basis>>>,
}

/// The error of a synth the user cancelled (answered with LSP's `RequestCancelled`).
pub const CANCELLED: &str = "cdk synth was cancelled";

/// A synth in progress.
pub struct Running {
    /// Which run (two synths of one app overlap while the newer cancels the older).
    pub(super) id: u64,
    pub(super) root: PathBuf,
    pub started: std::time::Instant,
    /// The `$/progress` token the client shows it with, if it shows one.
    pub(super) token: Option<String>,
    /// The user pressed the progress' cancel button.
    pub(super) cancelled: bool,
}

pub struct DocEntry {
    pub doc: Document,
    pub path: Option<PathBuf>,
    /// Changes that arrived before the version they follow (handlers can run out of order).
    pub pending: BTreeMap<i32, Vec<TextDocumentContentChangeEvent>>,
    pub snapshot: Option<Arc<Snapshot>>,
    /// Bumped on every change; a scheduled analysis that sees another value is stale.
    pub generation: u64,
    /// An analysis task is running (or waiting out the debounce) for this document; new
    /// changes only bump `generation` and the task runs again when it ends.
    pub analysing: bool,
    /// The same for the slower, process-starting checks (git base revision).
    pub git_generation: u64,
    /// The last result of the `source-synth-change` check (git) and the version it was made
    /// for: an input of the document's `Git` diagnostics, as the snapshot is of its rules.
    pub git_diagnostics: Option<(i32, Vec<crate::rules::Diagnostic>)>,
    /// What the last analysis lowered, for the next one to reuse (taken while one runs).
    pub lower_memo: Option<crate::lang::LowerMemo>,
    /// When the document was last opened or changed (idle documents give up their tree).
    pub touched: std::time::Instant,
    /// When `snapshot` was last replaced.
    pub snapshot_at: Option<std::time::Instant>,
}

impl DocEntry {
    /// Applies the pending changes that follow the current version (all of them when
    /// `force`); answers how many edits pointed outside the document and were clamped.
    pub fn apply_pending(&mut self, enc: Encoding, force: bool) -> usize {
        let mut clamped = 0;
        while let Some((&version, changes)) = self.pending.first_key_value() {
            let full = changes.iter().any(|c| c.range.is_none());
            if version <= self.doc.version {
                self.pending.pop_first(); // a duplicate or a replay of an applied change
                continue;
            }
            if version != self.doc.version + 1 && !full && !force {
                break;
            }
            let Some((version, changes)) = self.pending.pop_first() else {
                break;
            };
            let changes: Vec<crate::document::Change<'_>> = changes
                .iter()
                .map(|c| crate::document::Change {
                    range: c.range.map(|r| {
                        (
                            super::from_proto::pos(r.start),
                            super::from_proto::pos(r.end),
                        )
                    }),
                    text: &c.text,
                })
                .collect();
            clamped += self.doc.apply(&changes, enc, version);
        }
        clamped
    }
}

pub struct Config {
    pub settings: Settings,
    pub extra: Arc<ExtraQueries>,
    pub accounts: Accounts,
    pub encoding: Encoding,
    pub workspace_root: Option<PathBuf>,
    /// The client can be asked to re-request inlay hints / code lenses.
    pub refresh_hints: bool,
    pub refresh_lenses: bool,
    /// Settings from the client, kept apart so that `pipelens.toml` can be re-read under them.
    pub client_settings: serde_json::Value,
    /// The client said the workspace is trusted (initialization option `trusted`, or the
    /// `pipelens/didChangeTrust` notification). Until it does, nothing runs: see `crate::trust`.
    pub trusted: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            settings: Settings::default(),
            extra: Arc::new(ExtraQueries::default()),
            accounts: Accounts::default(),
            encoding: Encoding::Utf16,
            workspace_root: None,
            refresh_hints: false,
            refresh_lenses: false,
            client_settings: serde_json::Value::Null,
            trusted: false,
        }
    }
}

#[derive(Default)]
pub struct State {
    pub docs: Mutex<HashMap<Uri, DocEntry>>,
    pub config: RwLock<Config>,
    pub indexes: Mutex<HashMap<PathBuf, Arc<Index>>>,
    /// Held while an index is built, so that documents opened together build it once.
    index_build: Mutex<()>,
    /// What every open document says, by source (`lsp::collection`): what is published.
    pub diagnostics: Mutex<super::collection::Collection>,
    /// Held while diagnostics are read from the collection and sent (`diagnostics::send`).
    pub sending: tokio::sync::Mutex<()>,
    /// Messages already shown to the user (each problem is said once).
    pub said: Mutex<HashSet<String>>,
    /// What the bootstrap probe saw in each env, and when.
    pub observations: Mutex<BTreeMap<EnvKey, (Observation, std::time::SystemTime)>>,
    /// Envs a probe is running for (so that typing does not start the same probe again).
    pub probing: Mutex<HashSet<EnvKey>>,
    /// The prober of the current settings (its own cache lives inside).
    pub prober: Mutex<Option<Arc<crate::aws::Prober>>>,
    /// What was read of each deployed pipeline, and when (`lsp/live.rs`).
    pub live: Mutex<HashMap<crate::live::Locator, Arc<crate::live::LiveEntry>>>,
    /// Deployed pipelines being read (so that typing does not start the same read again).
    pub live_reading: Mutex<HashSet<crate::live::Locator>>,
    /// The live pipeline's reader of the current settings.
    pub live_client: Mutex<Option<Arc<crate::live::LiveClient>>>,
    /// Runs `cdk synth`, one at a time per app.
    pub synthesizer: crate::synth::Synthesizer,
    /// The client asked for `shutdown` (the exit code is 0 only then).
    pub shutdown_requested: std::sync::atomic::AtomicBool,
    /// The last synth of each app (by app root): how and when it ended, and what code it was
    /// made from.
    pub synthesized: Mutex<HashMap<PathBuf, Arc<Record>>>,
    /// The synths running (two of one app overlap while the newer cancels the older).
    pub synths_running: Mutex<Vec<Running>>,
}

impl State {
    pub fn encoding(&self) -> Encoding {
        self.config
            .read()
            .map(|c| c.encoding)
            .unwrap_or(Encoding::Utf16)
    }

    /// The app index for a root, building it (off the typing path: callers are background
    /// tasks) from disk plus the open buffers of that app.
    pub fn index_for(&self, root: &Path) -> Arc<Index> {
        if let Some(i) = self.indexes.lock().ok().and_then(|m| m.get(root).cloned()) {
            return i;
        }
        let _building = self.index_build.lock();
        if let Some(i) = self.indexes.lock().ok().and_then(|m| m.get(root).cloned()) {
            return i; // another task built it while this one waited
        }
        let overrides: HashMap<PathBuf, Arc<str>> = self
            .docs
            .lock()
            .map(|docs| {
                docs.values()
                    .filter_map(|d| {
                        let p = d.path.as_ref()?;
                        p.starts_with(root)
                            .then(|| (p.clone(), Arc::from(d.doc.text())))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let index = Arc::new(Index::build(root, &overrides));
        return_free_memory();
        if let Ok(mut m) = self.indexes.lock() {
            m.insert(root.to_path_buf(), index.clone());
        }
        index
    }

    pub fn invalidate_index(&self, root: &Path) {
        if let Ok(mut m) = self.indexes.lock() {
            m.remove(root);
        }
    }

    /// Returns true the first time a message is seen.
    pub fn first_time(&self, message: &str) -> bool {
        self.said
            .lock()
            .map(|mut s| s.insert(message.to_string()))
            .unwrap_or(false)
    }

    /// The observations alone, for the bootstrap rules.
    pub fn observations(&self) -> BTreeMap<EnvKey, Observation> {
        self.observations
            .lock()
            .map(|o| o.iter().map(|(k, (v, _))| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    }

    /// When each env was last observed.
    pub fn observed_at(&self) -> BTreeMap<EnvKey, std::time::SystemTime> {
        self.observations
            .lock()
            .map(|o| o.iter().map(|(k, (_, at))| (k.clone(), *at)).collect())
            .unwrap_or_default()
    }

    /// The proof that the client trusts the workspace, while it does: every process start
    /// and AWS call of the server needs it.
    pub fn trusted(&self) -> Option<Trusted> {
        self.config
            .read()
            .ok()
            .filter(|c| c.trusted)
            .map(|_| Trusted::granted_by_client())
    }

    /// The bootstrap prober, unless the check is off or the workspace is not trusted (the probe
    /// calls AWS with the user's credentials, into accounts the code names).
    pub fn prober(&self) -> Option<Arc<crate::aws::Prober>> {
        self.aws_client(
            &self.prober,
            |s| s.bootstrap_check,
            |s, t| crate::aws::Prober::new(crate::aws::ProbeOptions::from_settings(s), t),
        )
    }

    /// The live pipeline's reader, unless `live.check` is off or the workspace is not trusted
    /// (it calls AWS with the user's credentials, into the accounts the code names).
    pub fn live_client(&self) -> Option<Arc<crate::live::LiveClient>> {
        self.aws_client(
            &self.live_client,
            |s| s.live_check,
            |s, t| crate::live::LiveClient::new(crate::live::LiveOptions::from_settings(s), t),
        )
    }

    /// The live pipeline is read: the workspace is trusted and `live.check` is not off (no
    /// client is made to tell).
    pub fn live_on(&self) -> bool {
        self.config.read().is_ok_and(|c| {
            c.trusted && c.settings.live_check != crate::workspace::settings::BootstrapCheck::Off
        })
    }

    /// The client in `slot`, made from the current settings when there is none, while the
    /// workspace is trusted and `check` of the settings is not off.
    fn aws_client<T>(
        &self,
        slot: &Mutex<Option<Arc<T>>>,
        check: impl Fn(&Settings) -> crate::workspace::settings::BootstrapCheck,
        make: impl FnOnce(&Settings, Trusted) -> T,
    ) -> Option<Arc<T>> {
        let trusted = self.trusted()?;
        let settings = self.config.read().ok()?.settings.clone();
        if check(&settings) == crate::workspace::settings::BootstrapCheck::Off {
            return None;
        }
        let mut c = slot.lock().ok()?;
        if c.is_none() {
            *c = Some(Arc::new(make(&settings, trusted)));
        }
        c.clone()
    }

    /// Every open document's snapshot that is of its current text.
    pub fn current_snapshots(&self) -> Vec<(Uri, Arc<Snapshot>)> {
        self.docs
            .lock()
            .map(|d| {
                d.iter()
                    .filter_map(|(u, e)| {
                        let s = e.snapshot.clone()?;
                        (s.version == e.doc.version).then(|| (u.clone(), s))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn plugin_of(&self, uri: &Uri) -> Option<&'static Plugin> {
        self.docs.lock().ok()?.get(uri).map(|d| d.doc.plugin)
    }
}

/// Hands memory that was freed back to the system. glibc's allocator keeps freed blocks of
/// its arenas mapped; after an index build or dropping syntax trees that is megabytes of
/// resident memory nobody uses (14 MB with 100 files open).
pub fn return_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it is thread-safe.
    unsafe {
        libc::malloc_trim(0);
    }
}
