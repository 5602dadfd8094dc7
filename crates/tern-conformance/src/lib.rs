//! # tern-conformance — is every operation callable through Tern?
//!
//! The conformance harness of issue #17: for every document given, starts the Prism mock
//! server (pinned, `--errors`: every request validated against the description), loads the
//! document with [`tern_dynamic`], and calls every operation twice — with its required
//! arguments only, then with all of them — using values made from the description's schemas
//! and checked against the method's input schema ([`values`]). A call Prism does not accept is
//! sent again as a plain request with the same values, encoded independently of Tern
//! ([`plain`]): when that one passes, the failure is Tern's; when it fails too, the
//! description (or Prism) is at fault. The figures come back per document and mode
//! ([`report`]), as a table and as JSON.
//!
//! **Owns:** the harness — value generation from JSON Schema, the plain encoding, Prism's
//! process, the classification and the report. **Must not:** be depended on by the shipped
//! crates (it is `publish = false`), or change how Tern calls: it only observes.
//!
//! Run it with `cargo run -p tern-conformance -- DIR_OR_SPEC…` (see the binary's `--help` and
//! the crate's README); `tests/seeds.rs` runs it on the three seed descriptions.

pub mod plain;
pub mod prism;
pub mod regex;
pub mod report;
pub mod values;

mod document;

use futures_util::StreamExt;
use report::{DocumentReport, Summary};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How a run is made.
#[derive(Debug, Clone)]
pub struct Options {
    /// The Prism executable.
    pub prism: PathBuf,
    /// Documents run at once (one Prism each).
    pub jobs: usize,
    /// Calls in flight at once within a document.
    pub in_flight: usize,
    /// Per-call timeout (Tern's and the plain request's).
    pub timeout: Duration,
    /// How long Prism may take to load a document and listen.
    pub prism_wait: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            prism: prism::default_bin(),
            jobs: 2,
            in_flight: 4,
            timeout: Duration::from_secs(30),
            prism_wait: Duration::from_secs(300),
        }
    }
}

/// The documents under the paths given: files as they are, directories walked for `.json`,
/// `.yaml` and `.yml` files (sorted). Each comes with the name the report gives it: the path
/// as given for files, the path relative to the directory's parent for what a directory holds.
pub fn collect_documents(inputs: &[PathBuf]) -> std::io::Result<Vec<(PathBuf, String)>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let base = input.parent().unwrap_or(Path::new(""));
            let mut found = Vec::new();
            walk(input, &mut found)?;
            found.sort();
            for f in found {
                let name = f.strip_prefix(base).unwrap_or(&f).display().to_string();
                out.push((f, name));
            }
        } else {
            out.push((input.clone(), input.display().to_string()));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "json" | "yaml" | "yml"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Runs the documents (`jobs` at a time; `progress` sees each report as it completes) and
/// returns the summary, documents in the order given.
pub async fn run(
    documents: Vec<(PathBuf, String)>,
    options: &Options,
    progress: impl Fn(&DocumentReport),
) -> Summary {
    let started = Instant::now();
    let mut reports: Vec<(usize, DocumentReport)> =
        futures_util::stream::iter(documents.into_iter().enumerate())
            .map(|(i, (path, name))| {
                let opts = options.clone();
                async move {
                    let fallback = name.clone();
                    let task = tokio::spawn(async move { document::run(&path, name, &opts).await });
                    let report = task.await.unwrap_or_else(|e| {
                        let mut r = DocumentReport::new(fallback);
                        r.status = Some(format!("harness failed: {e}"));
                        r
                    });
                    (i, report)
                }
            })
            .buffer_unordered(options.jobs.max(1))
            .inspect(|(_, r)| progress(r))
            .collect()
            .await;
    reports.sort_by_key(|(i, _)| *i);
    Summary::new(
        reports.into_iter().map(|(_, r)| r).collect(),
        started.elapsed().as_secs_f64(),
    )
}
