//! Loads and models every API description under `../shared/specs` (when present) and prints a
//! per-file table: diagnostics, operations, types, time. Fails on any error or panic.
//!
//! `scripts/corpus.sh` runs it in release mode, where the times are meaningful.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Instant;

#[path = "support/corpus.rs"]
mod corpus;

fn specs_dir() -> Option<PathBuf> {
    corpus::dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

#[test]
fn every_corpus_document_loads_and_models_without_errors() {
    let Some(dir) = specs_dir() else {
        // The corpus widens runs beside the repository; on CI it must be there.
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared/specs not found: CI runs the corpus"
        );
        eprintln!("../shared/specs not found: corpus check skipped");
        return;
    };
    let files = corpus::documents(&dir);
    println!("| file | version | errors | warnings | operations | types | ms |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    let mut failures = Vec::new();
    let (mut total_ops, mut total_types, mut total_warn) = (0, 0, 0);
    let mut by_code: std::collections::BTreeMap<&'static str, usize> = Default::default();
    let started = Instant::now();
    for path in &files {
        let shown = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .display()
            .to_string();
        let t = Instant::now();
        let outcome = std::panic::catch_unwind(|| {
            let loaded = tern_spec::load_path(path).map_err(|e| e.to_string())?;
            let (model, mut diags) = tern_model::build(&loaded.spec);
            diags.extend(loaded.diagnostics);
            Ok::<_, String>((
                loaded.spec.version(),
                model.operations.len(),
                model.types.len(),
                diags,
            ))
        });
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        match outcome {
            Ok(Ok((version, ops, types, diags))) => {
                let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
                let warnings = diags.len() - errors.len();
                for d in diags.iter().filter(|d| !d.is_error()) {
                    *by_code.entry(d.code).or_default() += 1;
                }
                total_ops += ops;
                total_types += types;
                total_warn += warnings;
                println!(
                    "| {shown} | {version} | {} | {warnings} | {ops} | {types} | {ms:.1} |",
                    errors.len()
                );
                for e in errors {
                    failures.push(format!("{shown}: {e}"));
                }
            }
            Ok(Err(e)) => {
                println!("| {shown} | - | load failed | | | | {ms:.1} |");
                failures.push(format!("{shown}: {e}"));
            }
            Err(_) => {
                println!("| {shown} | - | PANIC | | | | {ms:.1} |");
                failures.push(format!("{shown}: panicked"));
            }
        }
    }
    println!(
        "\n{} documents, {} failed; {total_ops} operations, {total_types} named types, {total_warn} warnings; {:.0} ms in all",
        files.len(),
        failures.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    assert!(
        files.len() >= 100,
        "expected the full corpus, found {} files",
        files.len()
    );
    assert!(
        failures.is_empty(),
        "corpus failures:\n{}",
        failures.join("\n")
    );
    println!("warnings by code: {by_code:?}");
    // Pinned, so that losing operations, types or diagnostics fails loudly. A deliberate change
    // (a model improvement, a new document) updates these figures in the same commit.
    let pinned = PINNED;
    assert_eq!(
        (files.len(), total_ops, total_types, total_warn),
        (pinned.0, pinned.1, pinned.2, pinned.3),
        "corpus totals changed (documents, operations, named types, warnings)"
    );
    let codes: Vec<(&str, usize)> = by_code.into_iter().collect();
    assert_eq!(codes, pinned.4, "warnings by code changed");
}

/// Documents, operations, named types, warnings, and warnings by code, for `../shared/specs`.
const PINNED: (usize, usize, usize, usize, &[(&str, usize)]) = (
    126,
    5829,
    13498,
    158,
    &[
        ("duplicate-enum-value", 2),
        ("missing-consumes", 1),
        ("name-collision", 50),
        ("reserved-header-parameter", 53),
        ("undeclared-path-parameter", 7),
        ("union-with-properties", 8),
        ("unknown-format", 17),
        ("unknown-required", 20),
    ],
);
