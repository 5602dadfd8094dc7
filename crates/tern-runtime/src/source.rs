//! This crate's own source (feature `source`), for generators that carry the runtime inside the
//! crates they write: `tern generate` copies these files into a generated SDK as its `runtime`
//! module, so an SDK builds from crates.io alone and every regeneration picks up the runtime of
//! the Tern that wrote it. Nothing here is used at run time.

/// One source file of this crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SourceFile {
    /// Its path under `src/` (`lib.rs`, `execute.rs`).
    pub path: &'static str,
    /// Its text.
    pub text: &'static str,
}

macro_rules! files {
    ($($path:literal),* $(,)?) => {
        &[$(SourceFile { path: $path, text: include_str!($path) }),*]
    };
}

/// Every source file the runtime is built from (this module excepted), `lib.rs` first.
pub const FILES: &[SourceFile] = files![
    "lib.rs",
    "auth.rs",
    "blocking.rs",
    "body.rs",
    "client.rs",
    "credentials.rs",
    "error.rs",
    "execute.rs",
    "intercept.rs",
    "model.rs",
    "outcome.rs",
    "pagination.rs",
    "prepare.rs",
    "request.rs",
    "response.rs",
    "retry.rs",
    "sse.rs",
    "timeout.rs",
];

/// This crate's `Cargo.toml`: its dependency lines and features are the ones a crate carrying
/// the runtime needs.
pub const MANIFEST: &str = include_str!("../Cargo.toml");

/// This crate's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The oldest Rust this crate builds with.
pub const RUST_VERSION: &str = env!("CARGO_PKG_RUST_VERSION");

#[cfg(test)]
mod tests {
    use super::FILES;

    /// A module added to the crate and not to [`FILES`] would be missing from every carried
    /// runtime; the list must match the directory.
    #[test]
    fn every_source_file_is_listed() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .map(|p| p.strip_prefix(&dir).unwrap().display().to_string())
            .filter(|p| p != "source.rs")
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = FILES.iter().map(|f| f.path.to_owned()).collect();
        listed.sort();
        assert_eq!(listed, on_disk);
        for f in FILES {
            let text = std::fs::read_to_string(dir.join(f.path)).unwrap();
            assert_eq!(text, f.text, "{} differs from the file", f.path);
        }
        // Modules in subdirectories would need their own entries.
        assert!(std::fs::read_dir(&dir)
            .unwrap()
            .all(|e| !e.unwrap().path().is_dir()));
    }
}
