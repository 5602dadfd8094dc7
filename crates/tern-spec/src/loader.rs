//! Loading: bytes → files → one [`Spec`], following `$ref`s into other files.
//!
//! [`LoadSession`] is the I/O-free core: it says which files it still needs and takes their
//! bytes, so the same logic serves files, HTTP (blocking or async) and in-memory documents.

use crate::diagnostic::{Diagnostic, Severity};
use crate::position::{Position, PositionTree};
use crate::value::Value;
use crate::version::{self, SpecVersion};
use crate::{json, pointer, yaml};
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;
use url::Url;

/// Index of a file within a [`Spec`]; the root document is always file 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub(crate) u32);

impl FileId {
    /// The root document.
    pub const ROOT: FileId = FileId(0);
}

/// The syntax a file was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}

/// One file of an API description.
#[derive(Debug)]
pub struct SourceFile {
    url: Url,
    name: String,
    text: String,
    format: Format,
    value: Value,
    positions: OnceLock<PositionTree>,
    /// Position look-ups so far (JSON: the first few scan, later ones build the index).
    lookups: std::sync::atomic::AtomicUsize,
}

/// JSON files answer this many look-ups by a targeted scan before building the full index.
const SCANS_BEFORE_INDEX: usize = 2;

impl SourceFile {
    /// The file's absolute URL (`file://` for local files).
    pub fn url(&self) -> &Url {
        &self.url
    }
    /// The name used in diagnostics: the path or URL as the user gave it (or as resolved).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The source text.
    pub fn text(&self) -> &str {
        &self.text
    }
    /// JSON or YAML.
    pub fn format(&self) -> Format {
        self.format
    }
    /// The parsed tree.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// Where the node at `pointer` starts (its nearest existing ancestor if it does not
    /// exist). The first call on a JSON file scans it for positions.
    pub fn locate(&self, ptr: &str) -> Position {
        if ptr.is_empty() {
            return Position { line: 1, column: 1 };
        }
        if self.format == Format::Json && self.positions.get().is_none() {
            let n = self
                .lookups
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if n < SCANS_BEFORE_INDEX {
                return json::locate(&self.text, &pointer::split(ptr).unwrap_or_default());
            }
        }
        self.positions
            .get_or_init(|| match self.format {
                Format::Json => json::positions(&self.text),
                Format::Yaml => PositionTree::default(),
            })
            .locate(ptr)
    }

    /// The text of a 1-based line.
    pub fn line(&self, line: u32) -> Option<&str> {
        self.text.lines().nth(line.checked_sub(1)? as usize)
    }
}

/// A loaded API description: the root document and every file it references.
#[derive(Debug)]
pub struct Spec {
    files: Vec<SourceFile>,
    by_url: HashMap<String, FileId>,
    version: SpecVersion,
    declared_version: String,
}

/// A node reached through the document, with its address.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    /// The file holding the node.
    pub file: FileId,
    /// Its JSON pointer in that file.
    pub pointer: String,
    /// The node.
    pub value: &'a Value,
}

impl Spec {
    /// The version family.
    pub fn version(&self) -> SpecVersion {
        self.version
    }
    /// The version text as declared (`"3.0.3"`), empty when missing.
    pub fn declared_version(&self) -> &str {
        &self.declared_version
    }
    /// The root document's tree.
    pub fn root(&self) -> &Value {
        &self.files[0].value
    }
    /// All files, the root first.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }
    /// One file.
    pub fn file(&self, id: FileId) -> &SourceFile {
        // FileIds are only minted by this Spec, so the index is always in range; fall back to
        // the root rather than panic if a caller mixes specs.
        self.files.get(id.0 as usize).unwrap_or(&self.files[0])
    }

    /// Follows `reference` (a `$ref` value) written in file `from`. Returns the target node or
    /// a reason it cannot be followed.
    pub fn resolve(&self, from: FileId, reference: &str) -> Result<Node<'_>, String> {
        let (doc, fragment) = match reference.split_once('#') {
            Some((d, f)) => (d, f),
            None => (reference, ""),
        };
        let file = if doc.is_empty() {
            from
        } else {
            let url = self
                .file(from)
                .url
                .join(doc)
                .map_err(|e| format!("`{reference}` is not a valid reference: {e}"))?;
            *self
                .by_url
                .get(strip_fragment(&url).as_str())
                .ok_or_else(|| {
                    format!("the file `{doc}` referenced by `{reference}` could not be loaded")
                })?
        };
        let ptr = pointer::from_fragment(fragment).ok_or_else(|| {
            format!("`{reference}` does not end in a JSON pointer (anchors are not supported)")
        })?;
        let tokens = pointer::split(&ptr).unwrap_or_default();
        let value = self
            .file(file)
            .value
            .at(&tokens)
            .ok_or_else(|| format!("`{reference}` points at nothing"))?;
        Ok(Node {
            file,
            pointer: ptr,
            value,
        })
    }

    /// Makes a diagnostic about the node at `pointer` in `file`, with its position.
    pub fn diagnostic(
        &self,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
        file: FileId,
        pointer: &str,
    ) -> Diagnostic {
        let f = self.file(file);
        Diagnostic {
            severity,
            code,
            message: message.into(),
            file: f.name.clone(),
            position: f.locate(pointer),
            pointer: pointer.to_owned(),
        }
    }

    /// Renders a diagnostic with its source line.
    pub fn render(&self, d: &Diagnostic) -> String {
        let line = self
            .files
            .iter()
            .find(|f| f.name == d.file)
            .and_then(|f| f.line(d.position.line));
        crate::diagnostic::render(d, line)
    }
}

/// A successfully loaded description and what was found along the way.
#[derive(Debug)]
pub struct Loaded {
    /// The description.
    pub spec: Spec,
    /// Warnings and errors (errors here concern referenced files, not the root).
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a description could not be loaded at all.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", .diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct LoadError {
    /// What went wrong, at least one error.
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadError {
    fn single(file: &str, code: &'static str, message: String, position: Position) -> Self {
        LoadError {
            diagnostics: vec![Diagnostic {
                severity: Severity::Error,
                code,
                message,
                file: file.to_owned(),
                position,
                pointer: String::new(),
            }],
        }
    }
}

/// How many files one description may pull in through references.
const MAX_FILES: usize = 1000;

/// The I/O-free loading state machine.
#[derive(Debug)]
pub struct LoadSession {
    files: Vec<SourceFile>,
    by_url: HashMap<String, FileId>,
    /// Files still needed, with the first place that referenced each (file, pointer).
    pending: BTreeSet<String>,
    referrers: HashMap<String, (FileId, String)>,
    diagnostics: Vec<Diagnostic>,
    version: SpecVersion,
    declared_version: String,
}

fn strip_fragment(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    u
}

fn display_name(url: &Url) -> String {
    if url.scheme() == "file" {
        if let Ok(p) = url.to_file_path() {
            if let Ok(cwd) = std::env::current_dir() {
                if let Ok(rel) = p.strip_prefix(&cwd) {
                    return rel.display().to_string();
                }
            }
            return p.display().to_string();
        }
    }
    if url.scheme() == "memory" {
        let path = url.path().trim_start_matches('/');
        return percent_encoding::percent_decode_str(path)
            .decode_utf8_lossy()
            .into_owned();
    }
    url.to_string()
}

/// Decodes bytes as UTF-8, dropping a BOM; invalid sequences are replaced (with a warning).
fn decode(bytes: Vec<u8>) -> (String, bool) {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(s) => (s, false),
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
    }
}

struct Parsed {
    format: Format,
    value: Value,
    positions: OnceLock<PositionTree>,
    warnings: Vec<(&'static str, String, String)>,
}

fn parse_text(text: &str) -> Result<Parsed, (String, Position)> {
    let looks_json = matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'['));
    if looks_json {
        match json::parse(text) {
            Ok(value) => {
                return Ok(Parsed {
                    format: Format::Json,
                    value,
                    positions: OnceLock::new(),
                    warnings: Vec::new(),
                })
            }
            // A YAML flow mapping also starts with `{`; only if YAML fails too is it an error,
            // and then the JSON message is the more precise one.
            Err(json_err) => match yaml::parse(text) {
                Ok(doc) => return Ok(from_yaml(doc)),
                Err(_) => return Err((json_err.message, json_err.position)),
            },
        }
    }
    yaml::parse(text)
        .map(from_yaml)
        .map_err(|e| (format!("invalid YAML: {}", e.message), e.position))
}

fn from_yaml(doc: yaml::YamlDoc) -> Parsed {
    let positions = OnceLock::new();
    let _ = positions.set(doc.positions);
    Parsed {
        format: Format::Yaml,
        value: doc.value,
        positions,
        warnings: doc
            .warnings
            .into_iter()
            .map(|w| (w.code, w.message, w.pointer))
            .collect(),
    }
}

impl LoadSession {
    /// Starts a session with the root document's bytes; fails when the root cannot be parsed or
    /// is no API description.
    pub fn new(url: Url, bytes: Vec<u8>) -> Result<LoadSession, LoadError> {
        let url = strip_fragment(&url);
        let name = display_name(&url);
        let (text, lossy) = decode(bytes);
        let parsed = parse_text(&text)
            .map_err(|(message, pos)| LoadError::single(&name, "syntax", message, pos))?;
        if !matches!(parsed.value, Value::Object(_)) {
            return Err(LoadError::single(
                &name,
                "not-an-api-description",
                format!("the document is a {}, not an object", parsed.value.kind()),
                Position { line: 1, column: 1 },
            ));
        }
        let Some((version, declared_version, warning)) = version::detect(&parsed.value) else {
            return Err(LoadError::single(
                &name,
                "not-an-api-description",
                "the document has no `openapi`, `swagger`, `paths` or `components`: it is not an API description".into(),
                Position { line: 1, column: 1 },
            ));
        };
        let mut session = LoadSession {
            files: Vec::new(),
            by_url: HashMap::new(),
            pending: BTreeSet::new(),
            referrers: HashMap::new(),
            diagnostics: Vec::new(),
            version,
            declared_version,
        };
        let id = session.add_file(url, name, text, parsed, lossy);
        if let Some((code, ptr, message)) = warning {
            let d = session.diag(Severity::Warning, code, message, id, ptr);
            session.diagnostics.push(d);
        }
        Ok(session)
    }

    /// The URLs of files still to be supplied, in a stable order.
    pub fn pending(&self) -> Vec<Url> {
        self.pending
            .iter()
            .filter_map(|u| Url::parse(u).ok())
            .collect()
    }

    /// Supplies a pending file's bytes, or the reason it could not be read.
    pub fn supply(&mut self, url: &Url, result: Result<Vec<u8>, String>) {
        let key = strip_fragment(url).to_string();
        if !self.pending.remove(&key) {
            return;
        }
        let (ref_file, ref_ptr) = self
            .referrers
            .get(&key)
            .cloned()
            .unwrap_or((FileId::ROOT, String::new()));
        let name = display_name(url);
        let failure = match result {
            Err(reason) => Some(format!("cannot read referenced file `{name}`: {reason}")),
            Ok(bytes) => {
                let (text, lossy) = decode(bytes);
                match parse_text(&text) {
                    Ok(parsed) => {
                        self.add_file(strip_fragment(url), name.clone(), text, parsed, lossy);
                        None
                    }
                    Err((message, pos)) => {
                        self.diagnostics.push(Diagnostic {
                            severity: Severity::Error,
                            code: "syntax",
                            message,
                            file: name.clone(),
                            position: pos,
                            pointer: String::new(),
                        });
                        Some(format!("referenced file `{name}` could not be parsed"))
                    }
                }
            }
        };
        if let Some(message) = failure {
            let d = self.diag(
                Severity::Error,
                "unreadable-reference",
                message,
                ref_file,
                &ref_ptr,
            );
            self.diagnostics.push(d);
        }
    }

    /// Ends the session. Files still pending are reported as not loaded.
    pub fn finish(mut self) -> Loaded {
        for url in std::mem::take(&mut self.pending) {
            let (file, ptr) = self
                .referrers
                .get(&url)
                .cloned()
                .unwrap_or((FileId::ROOT, String::new()));
            let d = self.diag(
                Severity::Error,
                "unreadable-reference",
                format!("referenced file `{url}` was not loaded"),
                file,
                &ptr,
            );
            self.diagnostics.push(d);
        }
        Loaded {
            spec: Spec {
                files: self.files,
                by_url: self.by_url,
                version: self.version,
                declared_version: self.declared_version,
            },
            diagnostics: self.diagnostics,
        }
    }

    fn diag(
        &self,
        severity: Severity,
        code: &'static str,
        message: String,
        file: FileId,
        ptr: &str,
    ) -> Diagnostic {
        let f = &self.files[file.0 as usize];
        Diagnostic {
            severity,
            code,
            message,
            file: f.name.clone(),
            position: f.locate(ptr),
            pointer: ptr.to_owned(),
        }
    }

    fn add_file(
        &mut self,
        url: Url,
        name: String,
        text: String,
        parsed: Parsed,
        lossy: bool,
    ) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.by_url.insert(url.to_string(), id);
        self.files.push(SourceFile {
            url: url.clone(),
            name,
            text,
            format: parsed.format,
            value: parsed.value,
            positions: parsed.positions,
            lookups: std::sync::atomic::AtomicUsize::new(0),
        });
        if lossy {
            let d = self.diag(
                Severity::Warning,
                "invalid-utf8",
                "the file is not valid UTF-8; invalid bytes were replaced".into(),
                id,
                "",
            );
            self.diagnostics.push(d);
        }
        for (code, message, ptr) in parsed.warnings {
            let d = self.diag(Severity::Warning, code, message, id, &ptr);
            self.diagnostics.push(d);
        }
        // Queue every other file this one references.
        let mut refs = Vec::new();
        collect_external_refs(
            &self.files[id.0 as usize].value,
            &mut String::new(),
            &mut refs,
            0,
        );
        for (ptr, reference) in refs {
            let doc = reference.split('#').next().unwrap_or_default();
            let target = match url.join(doc) {
                Ok(t) => strip_fragment(&t).to_string(),
                Err(e) => {
                    let d = self.diag(
                        Severity::Error,
                        "bad-reference",
                        format!("`{reference}` is not a valid reference: {e}"),
                        id,
                        &ptr,
                    );
                    self.diagnostics.push(d);
                    continue;
                }
            };
            if self.by_url.contains_key(&target) || self.referrers.contains_key(&target) {
                continue;
            }
            // A document fetched over the network may only reference other network documents:
            // it must not make the loader read local files.
            let remote = |u: &str| u.starts_with("http://") || u.starts_with("https://");
            if remote(url.as_str()) && !remote(&target) {
                let d = self.diag(
                    Severity::Error,
                    "unreadable-reference",
                    format!("`{reference}`: a remote document may not reference local files"),
                    id,
                    &ptr,
                );
                self.diagnostics.push(d);
                continue;
            }
            if self.by_url.len() + self.pending.len() >= MAX_FILES {
                let d = self.diag(
                    Severity::Error,
                    "too-many-files",
                    format!(
                        "more than {MAX_FILES} files are referenced; `{reference}` is not loaded"
                    ),
                    id,
                    &ptr,
                );
                self.diagnostics.push(d);
                continue;
            }
            self.referrers.insert(target.clone(), (id, ptr));
            self.pending.insert(target);
        }
        id
    }
}

/// Finds `$ref` strings that point into other files (anything not starting with `#`).
/// Values under these keys are data, not description: a `$ref` key there is not a reference.
fn is_data_key(key: &str) -> bool {
    matches!(key, "example" | "default" | "enum" | "const") || key.starts_with("x-")
}

fn collect_external_refs(
    v: &Value,
    ptr: &mut String,
    out: &mut Vec<(String, String)>,
    depth: usize,
) {
    collect_refs_in(v, ptr, out, depth, false)
}

/// `in_examples`: `v` is an `examples` member, whose `value` (or, for 3.1 schema `examples`
/// arrays, every item) is data.
fn collect_refs_in(
    v: &Value,
    ptr: &mut String,
    out: &mut Vec<(String, String)>,
    depth: usize,
    in_examples: bool,
) {
    if depth > 512 {
        return;
    }
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                if !r.starts_with('#') {
                    out.push((pointer::push(ptr, "$ref"), r.clone()));
                }
            }
            for (k, child) in m.iter() {
                if is_data_key(k) || (in_examples && k == "value") {
                    continue;
                }
                if k == "examples" && matches!(child, Value::Array(_)) {
                    continue;
                }
                if matches!(child, Value::Object(_) | Value::Array(_)) {
                    let len = ptr.len();
                    ptr.push('/');
                    ptr.push_str(&pointer::escape_token(k));
                    if k == "examples" {
                        // A map of Example Objects: each member may be a `$ref`, its `value` is data.
                        if let Value::Object(examples) = child {
                            for (name, example) in examples.iter() {
                                let len2 = ptr.len();
                                ptr.push('/');
                                ptr.push_str(&pointer::escape_token(name));
                                collect_refs_in(example, ptr, out, depth + 2, true);
                                ptr.truncate(len2);
                            }
                        }
                    } else {
                        collect_refs_in(child, ptr, out, depth + 1, false);
                    }
                    ptr.truncate(len);
                }
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                if matches!(child, Value::Object(_) | Value::Array(_)) {
                    let len = ptr.len();
                    ptr.push('/');
                    ptr.push_str(&i.to_string());
                    collect_refs_in(child, ptr, out, depth + 1, false);
                    ptr.truncate(len);
                }
            }
        }
        _ => {}
    }
}
