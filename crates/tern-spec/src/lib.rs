//! # tern-spec — what the document says
//!
//! Reads an API description (OpenAPI 3.0.x, 3.1.x or Swagger 2.0; JSON or YAML) from a path,
//! bytes or any other source, follows `$ref`s into other files, and keeps source positions so
//! that every [`Diagnostic`] names a file, a line:column and a JSON pointer.
//!
//! **Owns:** parsing, version detection, the file set, `$ref` resolution, positions,
//! diagnostics and their rendering.
//! **Must not:** interpret the API (that is `tern-model`), do network I/O outside the optional
//! `http` feature's `load_url` (other callers drive a [`LoadSession`] with their own transport),
//! or panic on any input.
//!
//! Loading never fails on oddities: it returns the [`Spec`] *and* a list of diagnostics. It
//! fails only when the root document cannot be read as an API description at all.
//!
//! ```
//! let loaded = tern_spec::load_str("petstore.yaml", "openapi: 3.0.3\ninfo: {title: Pets, version: '1'}\npaths: {}\n")?;
//! assert_eq!(loaded.spec.version(), tern_spec::SpecVersion::OpenApi30);
//! assert!(loaded.diagnostics.is_empty());
//! # Ok::<(), tern_spec::LoadError>(())
//! ```

mod diagnostic;
#[cfg(feature = "http")]
mod fetch;
mod json;
mod loader;
pub mod pointer;
mod position;
mod value;
mod version;
mod yaml;

pub use diagnostic::{render, Diagnostic, Severity};
#[cfg(feature = "http")]
pub use fetch::load_url;
pub use loader::{FileId, Format, LoadError, LoadSession, Loaded, Node, SourceFile, Spec};
pub use position::Position;
pub use url::Url;
pub use value::{Map, Number, Value};
pub use version::SpecVersion;

use std::path::Path;

/// Loads a description from a file, following references to other local files.
pub fn load_path(path: impl AsRef<Path>) -> Result<Loaded, LoadError> {
    let path = path.as_ref();
    let shown = path.display().to_string();
    let fail = |message: String| LoadError {
        diagnostics: vec![Diagnostic {
            severity: Severity::Error,
            code: "io",
            message,
            file: shown.clone(),
            position: Position { line: 1, column: 1 },
            pointer: String::new(),
        }],
    };
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read the file: {e}")))?;
    let absolute = std::path::absolute(path).map_err(|e| fail(format!("bad path: {e}")))?;
    let url = Url::from_file_path(&absolute).map_err(|()| fail("bad path".into()))?;
    load_bytes(url, bytes)
}

/// Loads a description held in memory. `name` is used in diagnostics; references to other
/// files cannot be followed (they are reported).
pub fn load_str(name: &str, text: &str) -> Result<Loaded, LoadError> {
    let url = Url::parse("memory:///")
        .and_then(|base| base.join(name.trim_start_matches('/')))
        .map_err(|e| LoadError {
            diagnostics: vec![Diagnostic {
                severity: Severity::Error,
                code: "io",
                message: format!("bad name: {e}"),
                file: name.to_owned(),
                position: Position { line: 1, column: 1 },
                pointer: String::new(),
            }],
        })?;
    load_bytes(url, text.as_bytes().to_vec())
}

/// Loads a description from bytes found at `url`; referenced `file://` files are read from
/// disk, other schemes are reported as not loaded (drive a [`LoadSession`] to fetch them).
pub fn load_bytes(url: Url, bytes: Vec<u8>) -> Result<Loaded, LoadError> {
    let mut session = LoadSession::new(url, bytes)?;
    loop {
        let pending = session.pending();
        let mut progressed = false;
        for url in pending {
            if url.scheme() == "file" {
                let result = url
                    .to_file_path()
                    .map_err(|()| "not a local path".to_owned())
                    .and_then(|p| std::fs::read(p).map_err(|e| e.to_string()));
                session.supply(&url, result);
                progressed = true;
            }
        }
        if !progressed {
            break;
        }
    }
    Ok(session.finish())
}
