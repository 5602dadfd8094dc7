//! The API descriptions of the project's corpus (`../shared/specs`, beside the repository),
//! shared by the corpus tests of several crates.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `../shared/specs` from the repository root, when it is there.
pub fn dir(repo: &Path) -> Option<PathBuf> {
    let dir = repo.join("../shared/specs");
    dir.is_dir().then_some(dir)
}

/// Every `.json`, `.yaml` and `.yml` file under `dir`, sorted.
pub fn documents(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    collect(dir, &mut out);
    out.sort();
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("json" | "yaml" | "yml")
        ) {
            out.push(p);
        }
    }
}
