//! The API model: plain data, normalised from Swagger 2.0, OpenAPI 3.0 and 3.1.
//!
//! This module holds the document-level data ([`ApiModel`], servers, license, sources); the
//! rest is by concern, all re-exported here (and from the crate root):
//!
//! - `operation`: operations, parameters, bodies, responses, names, arguments, pagination;
//! - `type_graph`: the graph of named types ([`TypeRef`], [`TypeDef`] and their shapes);
//! - `security`: security schemes and requirements.

mod operation;
mod security;
mod type_graph;

pub use operation::*;
pub use security::*;
pub use type_graph::*;

use tern_spec::{FileId, SpecVersion, Value};

/// Vendor extensions (`x-…`) of a node, in document order.
pub type Extensions = Vec<(String, Value)>;

/// Where a model element came from in the description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The file.
    pub file: FileId,
    /// The JSON pointer within it.
    pub pointer: String,
}

/// What the API is: everything the code generator, the dynamic client and the CLI need.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiModel {
    /// `info.title`.
    pub title: String,
    /// `info.version` (the API's version, not the spec format's).
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `info.license`.
    pub license: Option<License>,
    /// The root `externalDocs.url`: where the API's documentation lives.
    pub external_docs: Option<String>,
    /// The description format it was read from.
    pub spec_version: SpecVersion,
    /// Servers, in order of preference.
    pub servers: Vec<Server>,
    /// Every operation, in document order.
    pub operations: Vec<Operation>,
    /// Every named type; [`TypeId`] indexes this.
    pub types: Vec<TypeDef>,
    /// The security schemes the API declares.
    pub security_schemes: Vec<SecurityScheme>,
    /// The default security requirement (alternatives; empty = none declared).
    pub security: Vec<SecurityRequirement>,
    /// Root-level vendor extensions.
    pub extensions: Extensions,
}

impl ApiModel {
    /// The named type behind an id.
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }
}

/// The license the API description states (`info.license`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct License {
    /// `name` (`Apache 2.0`).
    pub name: String,
    /// `identifier` (3.1): an SPDX expression.
    pub identifier: Option<String>,
    /// `url`.
    pub url: Option<String>,
}

impl License {
    /// The license as an SPDX identifier, when the description gives one (`identifier`) or its
    /// name is a common one written as people write it (`Apache 2.0` → `Apache-2.0`,
    /// `MIT License` → `MIT`); `None` for anything else, which a package manifest must not
    /// claim.
    pub fn spdx(&self) -> Option<String> {
        const KNOWN: &[&str] = &[
            "MIT",
            "Apache-2.0",
            "BSD-2-Clause",
            "BSD-3-Clause",
            "ISC",
            "MPL-2.0",
            "Unlicense",
            "CC0-1.0",
            "CC-BY-4.0",
            "GPL-2.0",
            "GPL-3.0",
            "LGPL-2.1",
            "LGPL-3.0",
            "AGPL-3.0",
            "0BSD",
            "Zlib",
            "BSL-1.0",
        ];
        let valid = |s: &str| {
            !s.is_empty()
                && s.split([' ', '(', ')']).filter(|w| !w.is_empty()).all(|w| {
                    w.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+'))
                })
        };
        if let Some(id) = self.identifier.as_deref().map(str::trim) {
            if valid(id) {
                return Some(id.to_owned());
            }
        }
        // Compared without case, spaces, dashes, the word "license" or a trailing ".0".
        let key = |s: &str| {
            let s = s
                .to_ascii_lowercase()
                .replace(['-', '_', ' '], "")
                .replace("licence", "")
                .replace("license", "");
            s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
        };
        let wanted = key(&self.name);
        KNOWN
            .iter()
            .find(|k| key(k) == wanted)
            .map(|k| (*k).to_owned())
    }
}

/// A server the API is reachable at.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Server {
    /// URL template, e.g. `https://{region}.example.com/v1` (may be relative).
    pub url: String,
    /// Description.
    pub description: Option<String>,
    /// Template variables.
    pub variables: Vec<ServerVariable>,
}

/// A variable in a server URL template.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ServerVariable {
    /// Name as in the template.
    pub name: String,
    /// Default value.
    pub default: String,
    /// Allowed values, if restricted.
    pub allowed: Vec<String>,
    /// Description.
    pub description: Option<String>,
}
