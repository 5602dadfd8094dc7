//! The runtime a generated crate carries: tern-runtime's own source (`tern_runtime::source`),
//! copied into `src/runtime/` with its paths re-rooted, and the dependency lines and features
//! it needs, read from tern-runtime's own `Cargo.toml`. Nothing here is a second copy of the
//! runtime: a runtime change reaches every SDK at its next generation.
//!
//! The copy is textual, because it must keep the runtime's comments and layout; it relies on
//! two conventions of tern-runtime's source, which the tests check: paths inside the crate
//! are written `crate::…` (re-rooted to `crate::runtime::…`) and test-only and fuzzer-only
//! items carry `#[cfg(test)]` or `#[cfg(fuzzing)]` on a line of their own (cut, with their doc
//! comments).

use crate::GeneratedFile;
use std::collections::{BTreeMap, BTreeSet};
use tern_runtime::source;

/// The runtime's files under `src/runtime/`, for a crate named `krate` (snake case).
pub(crate) fn files(krate: &str) -> Vec<GeneratedFile> {
    source::FILES
        .iter()
        .map(|f| {
            let path = if f.path == "lib.rs" {
                "src/runtime/mod.rs".to_owned()
            } else {
                format!("src/runtime/{}", f.path)
            };
            let mut contents = carry(f.text, krate);
            if f.path == "lib.rs" {
                contents = format!(
                    "//! tern-runtime {}, carried inside this crate by `tern generate`: the HTTP engine\n//! under the client. Regenerating the crate updates it.\n//!\n{contents}",
                    source::VERSION
                );
            }
            GeneratedFile { path, contents }
        })
        .collect()
}

/// One runtime file as the carrying crate compiles it.
pub(crate) fn carry(text: &str, krate: &str) -> String {
    let text = cut_items(
        text,
        &[
            "#[cfg(test)]",
            "#[cfg(feature = \"source\")]",
            "#[cfg(fuzzing)]",
        ],
    );
    let text = replace_path(&text, "crate::", "crate::runtime::");
    replace_path(&text, "tern_runtime::", &format!("{krate}::runtime::"))
}

/// Replaces `from` where it starts a path (not preceded by an identifier character or `$`).
fn replace_path(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    let mut rest = text;
    while let Some(i) = rest.find(from) {
        let before = rest[..i].chars().next_back();
        out.push_str(&rest[..i]);
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            out.push_str(from);
        } else {
            out.push_str(to);
        }
        rest = &rest[i + from.len()..];
    }
    out.push_str(rest);
    out
}

/// Removes every item whose attribute line is one of `attrs`: the attribute, the doc comments
/// and attributes above it at the same indentation, and the item through its closing line (a
/// line at the same indentation that is `}` or `};`, or the first line ending in `;` for an item
/// without a body). The source is rustfmt-formatted, so these lines mark items exactly.
fn cut_items(text: &str, attrs: &[&str]) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut keep = vec![true; lines.len()];
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end();
        if !attrs.contains(&line.trim_start()) {
            i += 1;
            continue;
        }
        let depth = indent(line);
        let mut start = i;
        while start > 0 {
            let above = lines[start - 1].trim_end();
            let t = above.trim_start();
            if indent(above) == depth && (t.starts_with("///") || t.starts_with("#[")) {
                start -= 1;
            } else {
                break;
            }
        }
        let at_depth = |k: usize| {
            let l = lines[k].trim_end();
            indent(l) == depth && !l.trim_start().is_empty()
        };
        // Further attributes of the same item, then its first line.
        let mut end = i + 1;
        while end < lines.len() && at_depth(end) && lines[end].trim_start().starts_with("#[") {
            end += 1;
        }
        // A one-line item ends there; an item with a body at its closing line.
        let one_line = end < lines.len() && at_depth(end) && lines[end].trim_end().ends_with(';');
        if !one_line {
            end += 1;
            while end < lines.len()
                && !(indent(lines[end]) == depth && matches!(lines[end].trim(), "}" | "};"))
            {
                end += 1;
            }
        }
        let end = end.min(lines.len() - 1);
        for k in keep.iter_mut().take(end + 1).skip(start) {
            *k = false;
        }
        // One blank line beside the cut item goes with it: the one above, else the one below.
        if start > 0 && lines[start - 1].trim().is_empty() {
            keep[start - 1] = false;
        } else if lines.get(end + 1).is_some_and(|l| l.trim().is_empty()) {
            keep[end + 1] = false;
        }
        i = end + 1;
    }
    lines
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(l, _)| *l)
        .collect()
}

/// A dependency line: version, whether default features are on, and features.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dependency {
    /// The version requirement.
    pub(crate) version: String,
    pub(crate) default_features: bool,
    pub(crate) features: BTreeSet<String>,
}

impl Dependency {
    /// A dependency on `version` with default features.
    pub(crate) fn new(version: &str) -> Dependency {
        Dependency {
            version: version.to_owned(),
            default_features: true,
            features: BTreeSet::new(),
        }
    }

    /// With these features as well.
    pub(crate) fn features(mut self, features: &[&str]) -> Dependency {
        self.features
            .extend(features.iter().map(|f| (*f).to_owned()));
        self
    }

    /// Without default features.
    pub(crate) fn no_default_features(mut self) -> Dependency {
        self.default_features = false;
        self
    }

    /// Both lines' needs in one: the union of features, default features if either wants
    /// them. The versions are requirements of one major version, so the higher one is kept.
    pub(crate) fn merge(&mut self, other: &Dependency) {
        self.default_features |= other.default_features;
        self.features.extend(other.features.iter().cloned());
        if version_key(&other.version) > version_key(&self.version) {
            self.version.clone_from(&other.version);
        }
    }

    /// The value of its `Cargo.toml` line.
    pub(crate) fn to_toml(&self) -> String {
        if self.default_features && self.features.is_empty() {
            return format!("{:?}", self.version);
        }
        let mut s = format!("{{ version = {:?}", self.version);
        if !self.default_features {
            s.push_str(", default-features = false");
        }
        if !self.features.is_empty() {
            let list: Vec<String> = self.features.iter().map(|f| format!("{f:?}")).collect();
            s.push_str(&format!(", features = [{}]", list.join(", ")));
        }
        s.push_str(" }");
        s
    }
}

fn version_key(v: &str) -> Vec<u64> {
    v.trim_start_matches(['^', '='])
        .split('.')
        .map(|p| p.parse().unwrap_or(0))
        .collect()
}

/// What the carried runtime needs in the manifest of the crate that carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Needs {
    /// `[dependencies]`.
    pub(crate) dependencies: BTreeMap<String, Dependency>,
    /// `[features]` other than `default` and `source`: name → what it enables.
    pub(crate) features: BTreeMap<String, Vec<String>>,
}

/// Reads the dependency lines and features of tern-runtime's `Cargo.toml`.
pub(crate) fn needs() -> Result<Needs, String> {
    parse_manifest(source::MANIFEST)
}

fn parse_manifest(text: &str) -> Result<Needs, String> {
    let table: toml::Table = text
        .parse()
        .map_err(|e| format!("tern-runtime's Cargo.toml: {e}"))?;
    let mut needs = Needs::default();
    if let Some(deps) = table.get("dependencies").and_then(toml::Value::as_table) {
        for (name, spec) in deps {
            needs
                .dependencies
                .insert(name.clone(), parse_dependency(name, spec)?);
        }
    }
    if let Some(features) = table.get("features").and_then(toml::Value::as_table) {
        for (name, enables) in features {
            if name == "default" || name == "source" {
                continue;
            }
            let list = enables
                .as_array()
                .ok_or_else(|| format!("feature `{name}` is not a list"))?
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| format!("feature `{name}` lists a non-string"))?;
            needs.features.insert(name.clone(), list);
        }
    }
    Ok(needs)
}

fn parse_dependency(name: &str, spec: &toml::Value) -> Result<Dependency, String> {
    if let Some(v) = spec.as_str() {
        return Ok(Dependency::new(v));
    }
    let table = spec
        .as_table()
        .ok_or_else(|| format!("dependency `{name}` is neither a version nor a table"))?;
    for key in table.keys() {
        if !matches!(
            key.as_str(),
            "version" | "features" | "default-features" | "default_features"
        ) {
            return Err(format!(
                "dependency `{name}` has `{key}`, which a carried runtime cannot take over"
            ));
        }
    }
    let version = table
        .get("version")
        .and_then(toml::Value::as_str)
        .ok_or_else(|| format!("dependency `{name}` has no version"))?;
    let mut dep = Dependency::new(version);
    if let Some(d) = table
        .get("default-features")
        .or_else(|| table.get("default_features"))
    {
        dep.default_features = d
            .as_bool()
            .ok_or_else(|| format!("dependency `{name}`: default-features is not a bool"))?;
    }
    if let Some(list) = table.get("features").and_then(toml::Value::as_array) {
        for f in list {
            let f = f
                .as_str()
                .ok_or_else(|| format!("dependency `{name}` lists a non-string feature"))?;
            dep.features.insert(f.to_owned());
        }
    }
    Ok(dep)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The carried runtime is crates/tern-runtime as it is on disk, every file of it, and each
    /// carried file is valid Rust with no test code and no path left pointing elsewhere.
    #[test]
    fn the_carried_runtime_is_tern_runtime() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tern-runtime/src");
        let carried = files("my_sdk");
        let mut on_disk = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            if name == "source.rs" {
                continue;
            }
            on_disk += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            let target = if name == "lib.rs" {
                "src/runtime/mod.rs".to_owned()
            } else {
                format!("src/runtime/{name}")
            };
            let file = carried
                .iter()
                .find(|f| f.path == target)
                .unwrap_or_else(|| panic!("{name} is not carried"));
            assert!(
                file.contents.ends_with(&carry(&text, "my_sdk")),
                "{name}: the carried copy is not the file on disk"
            );
        }
        assert_eq!(carried.len(), on_disk);
        for f in &carried {
            syn::parse_file(&f.contents).unwrap_or_else(|e| panic!("{}: {e}", f.path));
            for gone in [
                "cfg(test)",
                "cfg(fuzzing)",
                "tern_runtime",
                "mod source",
                "#![",
                "super::super",
            ] {
                assert!(!f.contents.contains(gone), "{}: `{gone}` left", f.path);
            }
            let rerooted = f.contents.matches("crate::runtime::").count();
            assert_eq!(
                f.contents.matches("crate::").count() - f.contents.matches("$crate::").count(),
                rerooted,
                "{}: a `crate::` path not re-rooted",
                f.path
            );
        }
    }

    #[test]
    fn the_runtime_manifest_is_readable() {
        let needs = needs().unwrap();
        assert!(needs.dependencies.contains_key("reqwest"));
        assert_eq!(needs.features["blocking"], ["tokio/rt-multi-thread"]);
        assert!(!needs.features.contains_key("source"));
    }

    #[test]
    fn manifests_a_carried_runtime_cannot_follow_are_refused() {
        let err = parse_manifest("[dependencies]\nx = { workspace = true }\n").unwrap_err();
        assert!(err.contains("`x` has `workspace`"), "{err}");
        let err = parse_manifest("[dependencies]\nx = { path = \"../x\" }\n").unwrap_err();
        assert!(err.contains("`path`"), "{err}");
    }

    #[test]
    fn paths_are_rerooted_only_where_they_start() {
        let s = replace_path(
            "use crate::a; $crate::b; my_crate::c; [`crate::D`]",
            "crate::",
            "crate::runtime::",
        );
        assert_eq!(
            s,
            "use crate::runtime::a; $crate::b; my_crate::c; [`crate::runtime::D`]"
        );
    }

    #[test]
    fn test_items_are_cut_with_their_docs() {
        let src = "fn a() {}\n\n/// Doc.\n#[cfg(test)]\npub(crate) fn t() {\n    x();\n}\n\nfn b() {}\n\nimpl X {\n    /// Doc.\n    #[cfg(test)]\n    fn t() {\n        y();\n    }\n\n    fn c() {}\n}\n\n#[cfg(feature = \"source\")]\npub mod source;\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {}\n}\n";
        let out = cut_items(src, &["#[cfg(test)]", "#[cfg(feature = \"source\")]"]);
        assert_eq!(
            out,
            "fn a() {}\n\nfn b() {}\n\nimpl X {\n    fn c() {}\n}\n"
        );
    }

    #[test]
    fn merged_dependencies_take_both_needs() {
        let mut a = Dependency::new("1").features(&["derive"]);
        a.merge(
            &Dependency::new("1.0.200")
                .no_default_features()
                .features(&["std"]),
        );
        assert_eq!(
            a.to_toml(),
            "{ version = \"1.0.200\", features = [\"derive\", \"std\"] }"
        );
    }
}
