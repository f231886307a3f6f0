//! What CDK's own constructs publish through a pipeline's Assets stage, and how CDK tells two
//! assets apart. The constructs of the app's classes are followed by `build.rs`
//! (`Interp::class_assets`); this file knows CDK's classes: which of their arguments bring an
//! asset, under which display name (`aws-s3-assets`' `Asset`, `aws-ecr-assets`'
//! `DockerImageAsset`, the Lambda `Code` classes, `aws-s3-deployment`, the auto-delete
//! provider of `aws-s3`'s `Bucket`), as aws-cdk-lib names them.
//!
//! CDK identifies an asset by a hash of its content, so the same folder used twice is published
//! once. Here the content is fingerprinted the same way in spirit: every file's path below the
//! asset and its bytes. Only regular files inside the app's folder are read, at most
//! [`MAX_FILES`] files and [`MAX_BYTES`] bytes per asset; past that, or for anything else (a
//! symlink, a path outside the app), the asset's identity is not known.
//! A folder seen before is listed again on each analysis, and read again only when an entry
//! changed (its size or modification time).

use std::hash::{BuildHasher, Hash, Hasher};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use super::build::{Args, Prop};
use super::value::{Value, V};
use super::{Asset, AssetKind, AssetName};
use crate::lang::ir;

/// Files read to fingerprint one asset; past it, its identity is not known.
const MAX_FILES: usize = 2_000;
/// Bytes read to fingerprint one asset.
const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// The last name of a call that makes an asset from a path (`Code.from_asset`,
/// `ContainerImage.fromAsset`, `Source.asset`, …), canonical.
pub(super) fn is_asset_call(q: &str) -> bool {
    let last = ir::snake_case(q.rsplit('.').next().unwrap_or(q));
    matches!(
        last.as_str(),
        "from_asset"
            | "from_asset_image"
            | "from_image_asset"
            | "from_docker_build"
            | "from_tarball"
            | "asset"
            | "data"
            | "json_data"
            | "yaml_data"
    ) && q.starts_with("cdk.")
}

/// CDK's construct (by its class's last name) that bring assets the model does not name: a
/// bundled function, a tarball image, a custom resource with CDK's own Lambda.
const UNFOLLOWED: &[&str] = &[
    "NodejsFunction",
    "PythonFunction",
    "PythonLayerVersion",
    "GoFunction",
    "TarballImageAsset",
    "AwsCustomResource",
    "SingletonFunction",
    "Provider",
];

/// Where the model resolves an asset's path: the app's folder (where `cdk.json` is, the
/// folder `cdk synth` runs the app in).
pub(super) struct Paths {
    pub root: Option<PathBuf>,
}

impl Paths {
    /// The app's folder: the nearest folder above `file` with a `cdk.json`.
    pub fn of(file: Option<&Path>) -> Paths {
        let root = file.and_then(|f| {
            f.ancestors()
                .skip(1)
                .take(32)
                .find(|d| d.join("cdk.json").is_file())
                .and_then(|d| std::path::absolute(d).ok())
                .and_then(|d| normalize(&d))
        });
        Paths { root }
    }

    /// A path as the app's code gives it (relative to the app's folder, or absolute from
    /// `__dirname`), normalized; `None` when it is not a known string, or leaves the app.
    fn resolve(&self, v: &V) -> Option<PathBuf> {
        let root = self.root.as_deref()?;
        let s = v.as_str()?;
        let joined = root.join(s);
        let normal = normalize(&joined)?;
        normal.starts_with(root).then_some(normal)
    }

    /// What CDK tells this asset by: a fingerprint of the content at `v`, with `extra` (what
    /// else goes into CDK's hash) appended.
    fn key(&self, kind: AssetKind, v: &V, extra: &str) -> Option<String> {
        let path = self.resolve(v)?;
        let content = content_key(&path)?;
        let kind = match kind {
            AssetKind::File => "file",
            AssetKind::Docker => "docker",
        };
        Some(format!("{kind}:{content:016x}{extra}"))
    }
}

/// `a/b/../c` as `a/c`, without touching the file system.
fn normalize(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out)
}

/// What a folder holds, as listed: each entry's path below it, size and modification time.
type Listing = Vec<(PathBuf, u64, Option<std::time::SystemTime>)>;

/// Fingerprints already computed, by path, with the listing they were computed from: an
/// analysis per keystroke lists the folder again (cheap) but reads its files only when one
/// changed.
static SEEN: std::sync::Mutex<Option<std::collections::HashMap<PathBuf, (Listing, u64)>>> =
    std::sync::Mutex::new(None);
/// Fingerprints kept at most; past it the cache starts over.
const MAX_SEEN: usize = 512;

/// A fingerprint of a file's or a folder's content: each regular file's path below it and
/// its bytes. `None` for a symlink, something that is not a file or folder, or past the bounds.
fn content_key(path: &Path) -> Option<u64> {
    let listing = list(path)?;
    if let Ok(seen) = SEEN.lock() {
        if let Some((l, key)) = seen.as_ref().and_then(|m| m.get(path)) {
            if *l == listing {
                return Some(*key);
            }
        }
    }
    let mut h = foldhash::fast::FixedState::with_seed(0x5eed).build_hasher();
    let mut bytes = 0u64;
    if listing.len() == 1 && listing[0].0.as_os_str().is_empty() {
        "file".hash(&mut h);
        hash_file(path, &mut h, &mut bytes)?;
    } else {
        for (r, _, _) in &listing {
            r.hash(&mut h);
            let full = path.join(r);
            if full.is_file() {
                hash_file(&full, &mut h, &mut bytes)?;
            }
        }
    }
    let key = h.finish();
    if let Ok(mut seen) = SEEN.lock() {
        let m = seen.get_or_insert_with(Default::default);
        if m.len() >= MAX_SEEN {
            m.clear();
        }
        m.insert(path.to_path_buf(), (listing, key));
    }
    Some(key)
}

/// The entries of a file (one, with an empty path) or folder, sorted; `None` for a symlink or
/// anything that is not a regular file or folder inside, or past [`MAX_FILES`] / [`MAX_BYTES`].
fn list(path: &Path) -> Option<Listing> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if meta.is_file() {
        return (meta.len() <= MAX_BYTES)
            .then(|| vec![(PathBuf::new(), meta.len(), meta.modified().ok())]);
    }
    if !meta.is_dir() {
        return None;
    }
    let mut bytes = 0u64;
    let mut stack = vec![PathBuf::new()];
    let mut entries: Listing = Vec::new();
    while let Some(rel) = stack.pop() {
        let mut names: Vec<_> = std::fs::read_dir(path.join(&rel))
            .ok()?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<Result<_, _>>()
            .ok()?;
        names.sort();
        for n in names {
            let r = rel.join(&n);
            let m = std::fs::symlink_metadata(path.join(&r)).ok()?;
            if entries.len() >= MAX_FILES {
                return None;
            }
            if m.is_dir() {
                stack.push(r.clone());
                entries.push((r, 0, None));
            } else if m.is_file() {
                bytes += m.len();
                if bytes > MAX_BYTES {
                    return None;
                }
                entries.push((r, m.len(), m.modified().ok()));
            } else {
                return None;
            }
        }
    }
    entries.sort();
    Some(entries)
}

fn hash_file(path: &Path, h: &mut impl Hasher, bytes: &mut u64) -> Option<()> {
    let f = std::fs::File::open(path).ok()?;
    let mut buf = Vec::new();
    let left = MAX_BYTES.saturating_sub(*bytes);
    f.take(left + 1).read_to_end(&mut buf).ok()?;
    *bytes += buf.len() as u64;
    if *bytes > MAX_BYTES {
        return None;
    }
    buf.len().hash(h);
    h.write(&buf);
    Some(())
}

/// A call's arguments as the model keeps them: (keyword, value).
type CallArgs = [(Option<String>, V)];

/// What a call value is: its canonical last name and its arguments.
fn asset_call(v: &V) -> Option<(String, &CallArgs)> {
    match &v.val {
        Value::Call(q, args) if is_asset_call(q) => Some((
            ir::snake_case(q.rsplit('.').next().unwrap_or(q)),
            args.as_slice(),
        )),
        _ => None,
    }
}

/// The first positional argument of a call, and whether it has no other argument.
fn only_path(args: &CallArgs) -> (Option<&V>, bool) {
    let first = args.iter().find(|(k, _)| k.is_none()).map(|(_, v)| v);
    let rest_empty = args.iter().skip(1).all(|(_, v)| match &v.val {
        Value::Dict(d) => d.is_empty(),
        Value::Null => true,
        _ => false,
    });
    (first, rest_empty)
}

/// The assets one of CDK's constructs brings, in the order CDK adds them, and the spans of
/// the asset calls among its arguments that they account for. `None` when the model cannot
/// tell: a class that brings assets, with arguments it cannot follow.
///
/// `path` is the construct's path below the stack (`Site/Upload`), `None` when not known.
pub(super) fn cdk_construct(
    class: &str,
    a: &Args,
    path: Option<&str>,
    paths: &Paths,
) -> Option<(Vec<Asset>, Vec<usize>)> {
    let under = |suffix: &str| match path {
        Some(p) => AssetName::Known(format!("{p}/{suffix}")),
        None => AssetName::Unknown,
    };
    let own = || match path {
        Some(p) => AssetName::Known(p.to_string()),
        None => AssetName::Unknown,
    };
    let mut out = Vec::new();
    let mut used = Vec::new();
    if UNFOLLOWED.contains(&class) {
        return None;
    }
    match class {
        "Function" | "LayerVersion" | "DockerImageFunction" => {
            let code = match a.prop("code", 2) {
                Prop::Value(v) => v,
                Prop::Absent => return Some((out, used)),
                Prop::Hidden => return None,
            };
            let Some((method, args)) = asset_call(&code) else {
                // `Code.from_inline`, `from_bucket`, `from_ecr_image`: no asset. Anything
                // else (a value the model does not know) may be one.
                return match &code.val {
                    Value::Call(..) => Some((out, used)),
                    _ => None,
                };
            };
            let (p, plain) = only_path(args);
            let p = p?;
            let (kind, suffix) = match method.as_str() {
                "from_asset" => (AssetKind::File, "Code"),
                "from_asset_image" | "from_image_asset" => (AssetKind::Docker, "AssetImage"),
                _ => return None,
            };
            out.push(Asset {
                kind,
                name: under(suffix),
                key: plain.then(|| paths.key(kind, p, "")).flatten(),
                span: code.span,
            });
            used.push(code.span.start_byte);
        }
        "Asset" | "DockerImageAsset" => {
            let (kind, field) = if class == "Asset" {
                (AssetKind::File, "path")
            } else {
                (AssetKind::Docker, "directory")
            };
            let p = a.prop_value(field, 2)?;
            let mut plain = true;
            let mut name = own();
            for (k, v) in a.props_list(2) {
                match k.as_str() {
                    f if f == field => {}
                    "display_name" | "asset_name" => match v.as_str() {
                        Some(n) => name = AssetName::Known(n.to_string()),
                        None => name = AssetName::Unknown,
                    },
                    "readers" | "deploy_time" => {}
                    // Bundling, excludes, build arguments: part of CDK's hash.
                    _ => plain = false,
                }
            }
            out.push(Asset {
                kind,
                name,
                key: plain.then(|| paths.key(kind, &p, "")).flatten(),
                span: p.span,
            });
        }
        "BucketDeployment" => {
            for (k, _) in a.props_list(2) {
                // These change the handler CDK makes (its id and code) or where it runs.
                if matches!(
                    k.as_str(),
                    "memory_limit"
                        | "ephemeral_storage_size"
                        | "vpc"
                        | "vpc_subnets"
                        | "use_efs"
                        | "…"
                ) {
                    return None;
                }
            }
            let sources = a.prop_value("sources", 2)?;
            let Value::List(items) = &sources.val else {
                return None;
            };
            // The AWS CLI layer and the handler (one per stack, CDK's own code) come first.
            out.push(Asset {
                kind: AssetKind::File,
                name: under("AwsCliLayer/Code"),
                key: Some("cdk:aws-cli-layer".into()),
                span: sources.span,
            });
            out.push(Asset {
                kind: AssetKind::File,
                name: AssetName::Known(
                    "Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C/Code".into(),
                ),
                key: Some("cdk:bucket-deployment-handler".into()),
                span: sources.span,
            });
            let mut n = 0;
            for item in items {
                match asset_call(item) {
                    Some((m, args)) if m == "asset" => {
                        n += 1;
                        let (p, plain) = only_path(args);
                        out.push(Asset {
                            kind: AssetKind::File,
                            name: under(&format!("Asset{n}")),
                            key: plain
                                .then(|| p.and_then(|p| paths.key(AssetKind::File, p, "")))
                                .flatten(),
                            span: item.span,
                        });
                        used.push(item.span.start_byte);
                    }
                    // `Source.data(…)` and the like: an asset of generated content.
                    Some(_) => return None,
                    // `Source.bucket(…)`: no asset.
                    None if matches!(&item.val, Value::Call(q, _) if q.ends_with(".bucket")) => {}
                    None => return None,
                }
            }
        }
        "Bucket" => match a.prop("auto_delete_objects", 2) {
            Prop::Absent => {}
            Prop::Value(v) if matches!(v.val, Value::Bool(false)) => {}
            Prop::Value(v) if matches!(v.val, Value::Bool(true)) => out.push(Asset {
                kind: AssetKind::File,
                name: AssetName::UnderStackPath(
                    "Custom::S3AutoDeleteObjectsCustomResourceProvider Code".into(),
                ),
                key: Some("cdk:s3-auto-delete-objects".into()),
                span: v.span,
            }),
            _ => return None,
        },
        _ => {}
    }
    Some((out, used))
}

/// `task.add_container("web", image=ecs.ContainerImage.from_asset("web"))`: the image's asset,
/// made in the container's scope (`<task>/<container>/AssetImage`).
pub(super) fn container_image(
    image: &V,
    path: Option<String>,
    paths: &Paths,
) -> Option<(Asset, usize)> {
    let (method, args) = asset_call(image)?;
    if method != "from_asset" {
        return None;
    }
    let (p, plain) = only_path(args);
    let p = p?;
    Some((
        Asset {
            kind: AssetKind::Docker,
            name: match path {
                Some(p) => AssetName::Known(format!("{p}/AssetImage")),
                None => AssetName::Unknown,
            },
            key: plain.then(|| paths.key(AssetKind::Docker, p, "")).flatten(),
            span: image.span,
        },
        image.span.start_byte,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_content_in_two_folders_is_one_asset_and_other_content_is_another() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("cdk.json"), "{}").unwrap();
        for (d, body) in [("a", "x"), ("b", "x"), ("c", "y")] {
            std::fs::create_dir_all(root.join(d).join("sub")).unwrap();
            std::fs::write(root.join(d).join("sub/index.py"), body).unwrap();
        }
        let paths = Paths::of(Some(&root.join("app.py")));
        let key = |p: &str| {
            paths.key(
                AssetKind::File,
                &V::new(Value::Str(p.into()), crate::model::Span::default()),
                "",
            )
        };
        assert!(key("a").is_some());
        assert_eq!(key("a"), key("b"));
        assert_ne!(key("a"), key("c"));
        assert_eq!(
            key("a"),
            key("./c/../a/"),
            "the same folder written another way"
        );
        assert_eq!(key("missing"), None, "a folder that is not there");
        assert_eq!(key("../outside"), None, "nothing outside the app is read");
        assert_eq!(key("/etc"), None, "nothing outside the app is read");
    }

    #[test]
    fn a_changed_file_changes_the_key_though_the_folder_was_seen_before() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("cdk.json"), "{}").unwrap();
        std::fs::create_dir_all(root.join("fn")).unwrap();
        std::fs::write(root.join("fn/index.py"), "a").unwrap();
        let paths = Paths::of(Some(&root.join("app.py")));
        let v = V::new(Value::Str("fn".into()), crate::model::Span::default());
        let before = paths.key(AssetKind::File, &v, "");
        assert_eq!(
            before,
            paths.key(AssetKind::File, &v, ""),
            "seen again, unchanged"
        );
        std::fs::write(root.join("fn/index.py"), "a longer body").unwrap();
        let after = paths.key(AssetKind::File, &v, "");
        assert!(after.is_some());
        assert_ne!(before, after);
    }

    #[test]
    fn asset_calls_are_cdks() {
        assert!(is_asset_call("cdk.aws_lambda.Code.fromAsset"));
        assert!(is_asset_call("cdk.aws_s3_deployment.Source.asset"));
        assert!(!is_asset_call("ext:mylib.Code.fromAsset"));
        assert!(!is_asset_call("cdk.aws_lambda.Code.from_inline"));
    }
}
