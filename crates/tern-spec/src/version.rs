//! Which OpenAPI version a document is, read leniently.

use crate::value::Value;

/// The version family of an API description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SpecVersion {
    /// Swagger 2.0.
    Swagger2,
    /// OpenAPI 3.0.x.
    OpenApi30,
    /// OpenAPI 3.1.x (JSON Schema 2020-12 schemas).
    OpenApi31,
}

impl std::fmt::Display for SpecVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SpecVersion::Swagger2 => "Swagger 2.0",
            SpecVersion::OpenApi30 => "OpenAPI 3.0",
            SpecVersion::OpenApi31 => "OpenAPI 3.1",
        })
    }
}

/// The outcome of reading the version field: the version, the declared text, and a warning
/// (code, pointer, message) when the declaration was odd.
pub(crate) type Detected = (
    SpecVersion,
    String,
    Option<(&'static str, &'static str, String)>,
);

/// Reads `openapi` / `swagger` from the root; `None` when the document is no API description.
pub(crate) fn detect(root: &Value) -> Option<Detected> {
    if let Some(v) = root.get("openapi") {
        let text = v.scalar_text().unwrap_or_default();
        let mut warning = None;
        if !matches!(v, Value::String(_)) {
            warning = Some((
                "version-not-string",
                "/openapi",
                format!("`openapi` should be a string such as \"3.0.3\"; read `{text}` as text"),
            ));
        }
        let parts: Vec<&str> = text.trim().split('.').collect();
        let well_formed = parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let version = match (parts.first().copied(), parts.get(1).copied()) {
            (Some("3"), Some("0") | None | Some("")) => SpecVersion::OpenApi30,
            (Some("3"), Some("1")) => SpecVersion::OpenApi31,
            (Some("2"), _) => SpecVersion::Swagger2,
            _ => SpecVersion::OpenApi31,
        };
        if warning.is_none()
            && (!well_formed || !matches!(parts.get(..2), Some(["3", "0"] | ["3", "1"])))
        {
            warning = Some((
                "odd-version",
                "/openapi",
                format!("`openapi: {text}` is not a known OpenAPI version; read as {version}"),
            ));
        }
        return Some((version, text, warning));
    }
    if let Some(v) = root.get("swagger") {
        let text = v.scalar_text().unwrap_or_default();
        let warning = (text != "2.0").then(|| {
            (
                "odd-version",
                "/swagger",
                format!("`swagger: {text}` is not \"2.0\"; read as Swagger 2.0"),
            )
        });
        return Some((SpecVersion::Swagger2, text, warning));
    }
    if root.get("paths").is_some() || root.get("components").is_some() {
        let version = if root.get("definitions").is_some() || root.get("basePath").is_some() {
            SpecVersion::Swagger2
        } else {
            SpecVersion::OpenApi30
        };
        return Some((
            version,
            String::new(),
            Some((
                "missing-version",
                "",
                format!("the document declares neither `openapi` nor `swagger`; read as {version}"),
            )),
        ));
    }
    None
}
