//! # tern-codegen — the model as a Rust SDK crate
//!
//! Turns an [`ApiModel`] (and an optional `tern.toml`, see [`Config`]) into the files of a Cargo
//! crate: typed models (`types/`, a module per type), a client and its builder
//! (`client.rs`), a blocking client (`blocking.rs`, cargo feature), one module per resource
//! with one method per operation
//! (`resources/…`), `Cargo.toml`, `README.md` (compiled as the crate's doctests) and an
//! example. Generated code *declares* requests; `tern-runtime` executes them, so generated
//! crates stay small.
//!
//! **Owns:** the shape of generated SDKs.
//! **Must not:** read files or specs (it gets a model), or let spec text become code: every
//! item is built as a syntax tree (`quote`) and printed by `prettyplease`; names come from
//! `tern_model::naming` (always valid identifiers) and spec text only ever lands in string
//! literals and doc attributes.
//!
//! Output is deterministic: the same model gives byte-identical files.

mod client;
mod operation;
mod readme;
mod resources;
mod runtime;
mod types;

pub use tern_plan::{
    AuthConfig, ClientConfig, ClientCredentialsConfig, Config, ConfigError, EnvConfig,
    OperationConfig, PackageConfig, PaginationConfig, PaginationTable,
};

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use tern_model::{ApiModel, NamingScheme};

/// How to generate.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// The crate's name (`finch-sdk`).
    pub crate_name: String,
    /// The client type's name (`Finch`).
    pub client_name: String,
    /// How endpoints become resource and method names.
    pub naming: NamingScheme,
    /// Where the crate gets its runtime: carried inside it (the default), or a `tern-runtime`
    /// dependency by path or version.
    pub runtime: RuntimeDependency,
    /// End `Cargo.toml` with an empty `[workspace]` table, making the crate a workspace of its
    /// own: for crates generated inside another workspace that does not list them (Tern's own
    /// tests). Off by default, so that a crate can join its user's workspace.
    pub own_workspace: bool,
    /// The crate's version.
    pub version: String,
    /// `tern.toml`: names, pagination, auth and client defaults.
    pub config: Config,
}

/// Where generated crates get the runtime (`tern-runtime`) from. Generated code reaches it as
/// `crate::runtime` in every mode, so the crate's API does not depend on the choice.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RuntimeDependency {
    /// tern-runtime's source, carried in the crate as `src/runtime/` (module `runtime`): the
    /// crate depends on crates.io alone and publishes as one package.
    #[default]
    Embedded,
    /// `tern-runtime = { path = "…" }`, re-exported as `runtime`.
    Path(String),
    /// `tern-runtime = "…"` from crates.io, re-exported as `runtime`.
    Version(String),
}

impl Options {
    /// Options for `crate_name`, with a client named after it and SDK-style naming
    /// ([`NamingScheme::Resources`]: `encounters.v4.create`).
    pub fn new(crate_name: &str) -> Options {
        let base = crate_name.trim_end_matches("-sdk").trim_end_matches("_sdk");
        Options {
            crate_name: crate_name.to_owned(),
            client_name: tern_model::naming::pascal_ident(base),
            naming: NamingScheme::Resources,
            runtime: RuntimeDependency::Embedded,
            own_workspace: false,
            version: "0.1.0".to_owned(),
            config: Config::default(),
        }
    }

    /// The crate's name as Rust code writes it (`finch_sdk`).
    pub fn crate_ident(&self) -> String {
        self.crate_name.replace('-', "_")
    }

    /// What the SDK plan is built from: the client name, naming scheme and configuration.
    pub fn plan_options(&self) -> tern_plan::PlanOptions {
        let mut p = tern_plan::PlanOptions::new(&self.client_name);
        p.naming = self.naming;
        p.config = self.config.clone();
        // A feature may not share a name with a dependency or another feature of the crate.
        p.reserved_features = [
            "serde",
            "serde_json",
            "chrono",
            "uuid",
            "tern-runtime",
            "source",
        ]
        .into_iter()
        .map(str::to_owned)
        .chain(
            runtime::needs()
                .into_iter()
                .flat_map(|n| n.dependencies.into_keys().chain(n.features.into_keys())),
        )
        .collect();
        p
    }

    /// Options from a `tern.toml`: its crate and client names and naming scheme, falling
    /// back to `crate_name`.
    pub fn with_config(crate_name: &str, config: Config) -> Options {
        let name = config
            .package
            .name
            .clone()
            .unwrap_or_else(|| crate_name.to_owned());
        let mut opts = Options::new(&name);
        if let Some(client) = &config.package.client {
            opts.client_name = tern_model::naming::pascal_ident(client);
        }
        if let Some(naming) = config.naming() {
            opts.naming = naming;
        }
        if let Some(v) = &config.package.version {
            opts.version = v.clone();
        }
        opts.config = config;
        opts
    }
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the crate root (`src/types.rs`).
    pub path: String,
    /// Its contents.
    pub contents: String,
}

/// `#[cfg(any(feature = "…", …))]` for items that the given features (indexes into
/// [`tern_plan::SdkPlan::features`]) compile; nothing for an empty list.
pub(crate) fn cfg_features(plan: &tern_plan::SdkPlan, features: &[usize]) -> TokenStream {
    let names: Vec<&str> = features
        .iter()
        .filter_map(|&f| plan.features.get(f))
        .map(|f| f.name.as_str())
        .collect();
    match names.as_slice() {
        [] => quote!(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// A required value of a constructor or builder: its name, the type taken (`impl Into<String>`
/// for strings), the field's type, whether it is converted with `.into()`, and its docs.
pub(crate) struct Required {
    pub(crate) name: Ident,
    pub(crate) taken: TokenStream,
    pub(crate) field: TokenStream,
    pub(crate) into: bool,
    pub(crate) docs: TokenStream,
}

impl Required {
    /// `name: taken`, as `new` takes the value.
    fn param(&self) -> TokenStream {
        let (n, t) = (&self.name, &self.taken);
        quote!(#n: #t)
    }

    /// The field from `new`'s parameter: `name: name.into()` or `name`.
    fn init(&self) -> TokenStream {
        let n = &self.name;
        if self.into {
            quote!(#n: #n.into())
        } else {
            quote!(#n)
        }
    }
}

/// `pub fn new(required…) -> Self`: the required values in order, the other fields as `rest`
/// initialises them.
pub(crate) fn new_fn(doc: &str, required: &[Required], rest: &[TokenStream]) -> TokenStream {
    let params = required.iter().map(Required::param);
    let inits = required.iter().map(Required::init);
    let many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #[doc = #doc]
        #many
        pub fn new(#(#params),*) -> Self {
            Self { #(#inits,)* #(#rest,)* }
        }
    }
}

/// From this many required values on, a struct is built with a builder (each value named,
/// `build()` checking that all are set) rather than a positional `new`.
pub(crate) const BUILDER_FROM: usize = 4;

/// `Target::builder()` and `TargetBuilder`: one named setter per required value; `build()`
/// returns the target, its other fields as `rest` initialises them, or an
/// `Error::InvalidRequest` naming the first required value not set.
pub(crate) fn builder(target: &Ident, required: &[Required], rest: &[TokenStream]) -> TokenStream {
    let name = quote::format_ident!("{}Builder", target);
    let fields = required.iter().map(|r| {
        let (n, t) = (&r.name, &r.field);
        quote!(#n: ::std::option::Option<#t>,)
    });
    let setters = required.iter().map(|r| {
        let (n, taken, docs) = (&r.name, &r.taken, &r.docs);
        let value = if r.into {
            quote!(value.into())
        } else {
            quote!(value)
        };
        quote!(#docs pub fn #n(mut self, value: #taken) -> Self { self.#n = ::std::option::Option::Some(#value); self })
    });
    let inits = required.iter().map(|r| {
        let n = &r.name;
        let wire = n.to_string();
        let wire = wire.trim_start_matches("r#");
        quote!(#n: self.#n.ok_or_else(|| missing(#wire))?)
    });
    let doc = format!(
        " Builds a [`{target}`]: set each required value by name, then [`build`](Self::build)."
    );
    let builder_doc = format!(" A [`{name}`]: the required values by name, checked by `build()`.");
    let build_doc = format!(" The [`{target}`]; [`Error::InvalidRequest`](crate::runtime::Error::InvalidRequest) names a required value left unset.");
    quote! {
        impl #target {
            #[doc = #builder_doc]
            pub fn builder() -> #name {
                <#name as ::std::default::Default>::default()
            }
        }

        #[doc = #doc]
        #[derive(Debug, Clone, ::std::default::Default)]
        #[must_use]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #(#setters)*

            #[doc = #build_doc]
            pub fn build(self) -> ::std::result::Result<#target, crate::runtime::Error> {
                let missing = |name: &str| crate::runtime::Error::InvalidRequest {
                    message: format!("`{name}` is required but was not set"),
                };
                ::std::result::Result::Ok(#target { #(#inits,)* #(#rest,)* })
            }
        }
    }
}

/// An identifier for a type from any text.
pub(crate) fn type_ident(s: &str) -> Ident {
    ident(&tern_model::naming::pascal_ident(s))
}

/// An identifier for a field, method or module from any text.
pub(crate) fn field_ident(s: &str) -> Ident {
    ident(&tern_model::naming::snake_ident(s))
}

pub(crate) fn ident(s: &str) -> Ident {
    // The naming functions only produce valid identifiers; parse defensively all the same.
    match syn::parse_str::<Ident>(s) {
        Ok(i) => i,
        Err(_) => Ident::new("value", Span::call_site()),
    }
}

/// Doc attributes for spec text. Fenced blocks are marked `text`, so that no description can
/// become a doctest.
/// The spec's text as docs; where it has none, no filler sentence (a doc that says nothing is
/// worse than none) but leave for `missing_docs`.
pub(crate) fn docs_or_allow(text: Option<&str>) -> TokenStream {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => doc_attrs(Some(t)),
        None => quote!(#[allow(missing_docs)]),
    }
}

pub(crate) fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return quote!();
    };
    let mut in_fence = false;
    let lines = text.lines().map(|line| {
        let trimmed = line.trim_start();
        let line = if trimmed.starts_with("```") {
            let opening = !in_fence;
            in_fence = !in_fence;
            if opening {
                "```text".to_owned()
            } else {
                "```".to_owned()
            }
        } else if in_fence {
            line.trim_end().replace('\t', "    ")
        } else {
            escape_brackets(&line.trim_end().replace('\t', "    "))
        };
        format!(" {line}")
    });
    let mut lines: Vec<String> = lines.collect();
    if in_fence {
        lines.push(" ```".to_owned());
    }
    quote!(#( #[doc = #lines] )*)
}

/// Escapes `[…]` that is not a Markdown link (`[text](url)`, `[text][ref]`) outside code spans:
/// descriptions such as `[Deprecated] Use …` are not meant as rustdoc's intra-doc links.
fn escape_brackets(line: &str) -> String {
    if !line.contains('[') {
        return line.to_owned();
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let mut escape_close: Option<usize> = None;
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '`' => in_code = !in_code,
            '[' if !in_code && (i == 0 || chars[i - 1] != '\\') => {
                let close = (i + 1..chars.len()).find(|&j| chars[j] == ']');
                let link = close.is_some_and(|j| matches!(chars.get(j + 1), Some('(' | '[')));
                if !link {
                    out.push('\\');
                    escape_close = close;
                }
            }
            ']' if escape_close == Some(i) => {
                out.push('\\');
                escape_close = None;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

fn render(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens) {
        Ok(file) => render_file(file),
        // Unreachable for tokens built here; keep the output inspectable rather than panic.
        Err(e) => format!("compile_error!(\"tern-codegen could not format this file: {e}\");\n"),
    }
}

/// Prints a parsed file (blank lines between items).
fn render_file(file: syn::File) -> String {
    spaced(&prettyplease::unparse(&file))
}

/// Inserts `use` lines after a rendered module's leading `//!` docs.
fn with_uses(rendered: String, uses: &[&str]) -> String {
    if uses.is_empty() {
        return rendered;
    }
    let mut out = String::with_capacity(rendered.len() + 128);
    let mut lines = rendered.split_inclusive('\n').peekable();
    while let Some(line) = lines.next_if(|l| l.starts_with("//!")) {
        out.push_str(line);
    }
    out.push('\n');
    for u in uses {
        out.push_str(u);
        out.push('\n');
    }
    for line in lines {
        if out.ends_with("\n\n") && line == "\n" {
            continue;
        }
        out.push_str(line);
    }
    out
}

/// Blank lines between items, as people write them (prettyplease prints items back to back):
/// after a module's docs and `use` lines, and between an item's end and the next item.
fn spaced(code: &str) -> String {
    const ITEM_STARTS: &[&str] = &[
        "///",
        "#[",
        "#![",
        "pub ",
        "pub(",
        "fn ",
        "impl",
        "mod ",
        "struct ",
        "enum ",
        "type ",
        "const ",
        "use ",
        "async fn ",
    ];
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    let mut previous: Option<&str> = None;
    for line in code.lines() {
        if let Some(prev) = previous {
            let indent = |l: &str| l.len() - l.trim_start().len();
            let (p, l) = (prev.trim_start(), line.trim_start());
            let starts_item = ITEM_STARTS.iter().any(|s| l.starts_with(s));
            let same_level = indent(prev) == indent(line);
            let blank = !l.is_empty()
                && same_level
                && ((p.starts_with("//!") && !l.starts_with("//!"))
                    || (p.starts_with("use ") && !l.starts_with("use "))
                    || (starts_item && (p == "}" || p == "};"))
                    || (starts_item
                        && p.ends_with(';')
                        && !l.starts_with(p.split(' ').next().unwrap_or_default())));
            if blank {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

/// `Cargo.toml`; `files` are the rendered sources, which decide the optional dependencies
/// (`chrono` for dates, `uuid`).
fn cargo_toml(
    model: &ApiModel,
    opts: &Options,
    plan: &tern_plan::SdkPlan,
    example_feature: Option<&str>,
    files: &[GeneratedFile],
) -> String {
    let quoted = |items: &[String]| {
        let list: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
        format!("[{}]", list.join(", "))
    };
    let (dependencies, features, problem) = dependencies(opts, files);
    let mut feature_lines = String::new();
    if !plan.features.is_empty() {
        let names: Vec<String> = plan
            .features
            .iter()
            .filter(|f| f.sub_resource.is_none())
            .map(|f| f.name.clone())
            .collect();
        feature_lines.push_str(&format!(
            "# Every resource. With `default-features = false`, name the resources you use: each\n# feature compiles one resource's methods and the types they reach (a resource's feature\n# enables those of its sub-resources, `<resource>-<sub-resource>`).\ndefault = {}\n",
            quoted(&names)
        ));
        // A resource's line, then its sub-resources'.
        for f in plan.features.iter().filter(|f| f.sub_resource.is_none()) {
            let subs: Vec<String> = f
                .enables
                .iter()
                .filter_map(|&i| plan.features.get(i))
                .map(|s| s.name.clone())
                .collect();
            feature_lines.push_str(&format!("{} = {}\n", f.name, quoted(&subs)));
            for sub in &subs {
                feature_lines.push_str(&format!("{sub} = []\n"));
            }
        }
    }
    for (name, enables) in &features {
        if name == "blocking" {
            feature_lines.push_str(&format!(
                "# A blocking client with the same resources and methods (`{}::blocking`).\n",
                opts.crate_ident()
            ));
        }
        feature_lines.push_str(&format!("{name} = {}\n", quoted(enables)));
    }
    let mut out = format!(
        "[package]\nname = {name:?}\nversion = {version:?}\nedition = \"2021\"\nrust-version = {rust:?}\n{meta}\n[features]\n{feature_lines}\n[dependencies]\n{deps}\n\n[dev-dependencies]\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n",
        name = opts.crate_name,
        version = opts.version,
        rust = tern_runtime::source::RUST_VERSION,
        meta = package_metadata(model, &opts.config.package, &quoted),
        deps = dependencies.join("\n"),
    );
    if !plan.features.is_empty() {
        out.push_str("\n[package.metadata.docs.rs]\n# Every resource's items, documented.\nall-features = true\n");
    }
    if let Some(feature) = example_feature {
        out.push_str(&format!(
            "\n[[example]]\nname = \"quickstart\"\nrequired-features = [{feature:?}]\n"
        ));
    }
    if let Some(e) = problem {
        out.push_str(&format!(
            "\n# tern-codegen could not carry the runtime: {e}\n"
        ));
    }
    if opts.own_workspace {
        out.push_str("\n# A workspace of its own: generated inside another workspace that does not list it.\n[workspace]\n");
    }
    out
}

/// The `[dependencies]` lines (sorted) and `[features]` of the crate, and a problem reading
/// the carried runtime's manifest, if any.
fn dependencies(
    opts: &Options,
    files: &[GeneratedFile],
) -> (
    Vec<String>,
    std::collections::BTreeMap<String, Vec<String>>,
    Option<String>,
) {
    use runtime::Dependency;
    let uses = |path: &str| {
        files
            .iter()
            .any(|f| !f.path.starts_with("src/runtime/") && f.contents.contains(path))
    };
    let (mut deps, features, runtime_line, problem) = match &opts.runtime {
        RuntimeDependency::Embedded => match runtime::needs() {
            Ok(needs) => (needs.dependencies, needs.features, None, None),
            // Unreachable for the manifest compiled in (tested); visible in the output if not.
            Err(e) => (Default::default(), Default::default(), None, Some(e)),
        },
        RuntimeDependency::Path(p) => (
            Default::default(),
            [(
                "blocking".to_owned(),
                vec!["tern-runtime/blocking".to_owned()],
            )]
            .into(),
            Some(format!("tern-runtime = {{ path = {p:?} }}")),
            None,
        ),
        RuntimeDependency::Version(v) => (
            Default::default(),
            [(
                "blocking".to_owned(),
                vec!["tern-runtime/blocking".to_owned()],
            )]
            .into(),
            Some(format!("tern-runtime = {v:?}")),
            None,
        ),
    };
    let mut add = |name: &str, dep: Dependency| match deps.get_mut(name) {
        Some(d) => d.merge(&dep),
        None => {
            deps.insert(name.to_owned(), dep);
        }
    };
    add("serde", Dependency::new("1").features(&["derive"]));
    add("serde_json", Dependency::new("1"));
    // Dates and UUIDs: serde support, nothing else.
    let typed = |version: &str| {
        Dependency::new(version)
            .no_default_features()
            .features(&["serde", "std"])
    };
    if uses("chrono::") {
        add("chrono", typed("0.4"));
    }
    if uses("uuid::") {
        add("uuid", typed("1"));
    }
    let mut lines: Vec<String> = deps
        .iter()
        .map(|(name, d)| format!("{name} = {}", d.to_toml()))
        .chain(runtime_line)
        .collect();
    lines.sort();
    (lines, features, problem)
}

/// The `[package]` lines a registry wants, each from `tern.toml` or else the spec.
fn package_metadata(
    model: &ApiModel,
    package: &PackageConfig,
    quoted: &dyn Fn(&[String]) -> String,
) -> String {
    let mut meta = String::new();
    let mut line = |key: &str, value: Option<String>| {
        if let Some(v) = value {
            meta.push_str(&format!("{key} = {v:?}\n"));
        }
    };
    line(
        "description",
        Some(
            package
                .description
                .clone()
                .unwrap_or_else(|| description(model)),
        ),
    );
    line(
        "license",
        package
            .license
            .clone()
            .or_else(|| model.license.as_ref().and_then(tern_model::License::spdx)),
    );
    line("repository", package.repository.clone());
    line(
        "homepage",
        package
            .homepage
            .clone()
            .or_else(|| model.external_docs.clone()),
    );
    line("documentation", package.documentation.clone());
    line("readme", Some("README.md".into()));
    if let Some(authors) = &package.authors {
        meta.push_str(&format!("authors = {}\n", quoted(authors)));
    }
    let keywords = package.keywords.clone().unwrap_or_else(|| keywords(model));
    meta.push_str(&format!("keywords = {}\n", quoted(&keywords)));
    let categories = package.categories.clone().unwrap_or_else(|| {
        vec![
            "api-bindings".to_owned(),
            "web-programming::http-client".to_owned(),
        ]
    });
    meta.push_str(&format!("categories = {}\n", quoted(&categories)));
    if package.publish == Some(false) {
        meta.push_str("publish = false\n");
    }
    meta
}

/// The crate's description: the API's title and the first sentence of its description, when
/// that is short plain text.
fn description(model: &ApiModel) -> String {
    let title = if model.title.trim().is_empty() {
        "an API"
    } else {
        model.title.trim()
    };
    let sentence = model.description.as_deref().and_then(|d| {
        let first = d.trim().lines().next()?.trim();
        let end = first.find(". ").map_or(first.len(), |i| i + 1);
        let s = first[..end].trim();
        let plain = !s.is_empty()
            && s.len() <= 160
            && !s.contains(['<', '>', '[', ']', '`', '#', '*', '|']);
        plain.then_some(s)
    });
    match sentence {
        Some(s) => format!("Rust SDK for {title}: {s}"),
        None => format!("Rust SDK for {title}, generated from its API description."),
    }
}

/// crates.io keywords: a word of the API's title, then generic ones (at most 5, each a valid
/// keyword: ASCII letters first, then letters, digits, `-` or `_`, at most 20 characters).
fn keywords(model: &ApiModel) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let word = model
        .title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| w.len() >= 2 && w.starts_with(|c: char| c.is_ascii_alphabetic()))
        .map(str::to_ascii_lowercase)
        .filter(|w| w.len() <= 20 && !matches!(w.as_str(), "api" | "the" | "sdk"));
    out.extend(word);
    for k in ["api", "sdk", "client", "openapi"] {
        if out.len() < 5 && !out.iter().any(|w| w == k) {
            out.push(k.to_owned());
        }
    }
    out
}

/// A generated method as a caller writes it: for tools that write code against a generated
/// crate (examples, tests, documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MethodCall {
    /// Index into [`ApiModel::operations`].
    pub operation: usize,
    /// The call from the client: `hris().directory().list_individuals`.
    pub chain: String,
    /// The params struct's path from the crate root (`resources::hris::directory::ListIndividualsParams`).
    pub params: Option<String>,
    /// Indexes into the operation's arguments passed positionally, in order.
    pub positional: Vec<usize>,
    /// Indexes of the arguments the params struct's `new` takes, in order.
    pub required: Vec<usize>,
    /// Their field names: with [`builder`](Self::builder), each is a setter of the builder.
    pub required_fields: Vec<String>,
    /// Whether the params struct is made by `builder()` (named setters for the required
    /// values, then `build()?`) instead of `new(required…)`.
    pub builder: bool,
    /// Optional arguments: index and field name.
    pub optional: Vec<(usize, String)>,
    /// Whether a `<method>_pages` twin exists.
    pub paginated: bool,
}

/// Every method [`generate`] writes for this model and these options.
pub fn method_calls(model: &ApiModel, opts: &Options) -> Vec<MethodCall> {
    calls(&tern_plan::plan(model, &opts.plan_options()))
}

/// The plan's methods as a caller writes them.
fn calls(plan: &tern_plan::SdkPlan) -> Vec<MethodCall> {
    let indexes = |it: &mut dyn Iterator<Item = &tern_plan::Arg>| it.map(|a| a.index).collect();
    plan.methods()
        .map(|(r, m)| MethodCall {
            operation: m.operation,
            chain: format!("{}.{}", r.accessor_chain(), field_ident(&m.name)),
            params: m
                .params
                .as_ref()
                .map(|p| format!("resources::{}::{}", r.module_segments().join("::"), p)),
            positional: indexes(&mut m.positional()),
            required: indexes(&mut m.required()),
            required_fields: m.required().map(|a| ident(&a.field).to_string()).collect(),
            builder: m.required().count() >= BUILDER_FROM,
            optional: m
                .optional()
                .map(|a| (a.index, ident(&a.field).to_string()))
                .collect(),
            paginated: m.pagination.is_some(),
        })
        .collect()
}

/// One unit of rendering work.
enum Job {
    /// Types `start..end`, each in its module.
    Types(usize, usize),
    /// A top-level resource and everything under it.
    Resource(usize),
}

/// What a job produced.
enum Rendered {
    /// The modules of a job's types, in order.
    Types(Vec<Option<types::TypeModule>>),
    Resource(Vec<GeneratedFile>),
}

/// Renders the types (in chunks) and the resources on every core. Token streams are not
/// `Send`, so each job builds its own tokens and hands back text; results are put back in
/// job order, so the output does not depend on scheduling.
fn render_in_parallel(
    model: &ApiModel,
    plan: &tern_plan::SdkPlan,
    names: (&str, &str),
) -> Vec<GeneratedFile> {
    let roots = &plan.resources;
    let count = model.types.len();
    let type_paths = types::Paths::for_type_items(model);
    let mut jobs: Vec<Job> = (0..count)
        .step_by(types::CHUNK)
        .map(|start| Job::Types(start, (start + types::CHUNK).min(count)))
        .collect();
    jobs.extend((0..roots.len()).map(Job::Resource));
    let run = |job: &Job| match job {
        Job::Types(start, end) => Rendered::Types(
            (*start..*end)
                .map(|i| {
                    let sent = plan.sent_types.get(i).copied().unwrap_or(false);
                    types::render_type(model, &type_paths, sent, i)
                })
                .collect(),
        ),
        Job::Resource(i) => Rendered::Resource(resources::root_files(model, plan, *i, names)),
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(jobs.len().max(1));
    let mut results: Vec<Option<Rendered>> = if workers <= 1 {
        jobs.iter().map(|j| Some(run(j))).collect()
    } else {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let done: Vec<Vec<(usize, Rendered)>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    s.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(job) = jobs.get(i) else { break };
                            mine.push((i, run(job)));
                        }
                        mine
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        let mut results: Vec<Option<Rendered>> = jobs.iter().map(|_| None).collect();
        for (i, r) in done.into_iter().flatten() {
            results[i] = Some(r);
        }
        results
    };
    let mut files = Vec::new();
    let mut modules: Vec<Option<types::TypeModule>> = Vec::with_capacity(count);
    for (job, result) in jobs.iter().zip(results.iter_mut()) {
        // A job whose thread panicked renders again here, so that the panic surfaces.
        let result = result.take().unwrap_or_else(|| run(job));
        match result {
            Rendered::Types(rendered) => modules.extend(rendered),
            Rendered::Resource(f) => files.extend(f),
        }
    }
    let names = types::module_names(model);
    for (module, name) in modules.iter().zip(&names) {
        if let Some(module) = module {
            files.push(GeneratedFile {
                path: format!("src/types/{name}.rs"),
                contents: module.text.clone(),
            });
        }
    }
    files.push(GeneratedFile {
        path: "src/types/mod.rs".into(),
        contents: types::mod_rs(plan, &names, &modules),
    });
    files
}

/// The model with its types renamed where their name is one the crate's root exports (the
/// client, its builder, `Error`, `Page`, `RequestOptions`): Finch's `Error` schema becomes
/// `types::ErrorObject`, so `use finch_sdk::types::*` shadows nothing. `None`: no clash.
fn root_clashes(model: &ApiModel, opts: &Options) -> Option<ApiModel> {
    let client = type_ident(&opts.client_name).to_string();
    let root = [
        client.clone(),
        format!("{client}Builder"),
        "Error".to_owned(),
        "Page".to_owned(),
        "RequestOptions".to_owned(),
    ];
    let names: Vec<String> = model
        .types
        .iter()
        .map(|d| type_ident(&d.name).to_string())
        .collect();
    let mut out: Option<ApiModel> = None;
    let mut taken: std::collections::HashSet<String> = names.iter().cloned().collect();
    for (i, name) in names.iter().enumerate().filter(|(_, n)| root.contains(n)) {
        let base = format!("{name}Object");
        let (mut renamed, mut n) = (base.clone(), 2);
        while !taken.insert(renamed.clone()) {
            renamed = format!("{base}{n}");
            n += 1;
        }
        out.get_or_insert_with(|| model.clone()).types[i].name = renamed;
    }
    out
}

/// Generates the crate's files.
pub fn generate(model: &ApiModel, opts: &Options) -> Vec<GeneratedFile> {
    let renamed;
    let model = match root_clashes(model, opts) {
        Some(m) => {
            renamed = m;
            &renamed
        }
        None => model,
    };
    let client = type_ident(&opts.client_name);
    let builder = quote::format_ident!("{}Builder", client);
    // Docs from the API description are CommonMark written for other renderers: bare URLs,
    // HTML and bracketed words are no mistake there.
    let spec_text = quote!(#[allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]);
    let runtime_module = match opts.runtime {
        RuntimeDependency::Embedded => quote!(
            pub mod runtime;
        ),
        RuntimeDependency::Path(_) | RuntimeDependency::Version(_) => quote! {
            /// The HTTP engine under the client: the `tern-runtime` crate.
            pub use tern_runtime as runtime;
        },
    };
    let lib = quote! {
        #![doc = include_str!("../README.md")]
        #![warn(missing_docs)]

        #[cfg(feature = "blocking")]
        #spec_text
        pub mod blocking;
        #spec_text
        mod client;
        #spec_text
        pub mod resources;
        #runtime_module
        #spec_text
        pub mod types;

        pub use client::{#client, #builder};
        pub use runtime::{Error, Page, RequestOptions};
    };
    let plan = tern_plan::plan(model, &opts.plan_options());
    let (client_tokens, blocking_tokens) = client::client_files(model, opts, &plan);
    let mut out = vec![
        GeneratedFile {
            path: "src/lib.rs".into(),
            contents: render(lib),
        },
        GeneratedFile {
            path: "src/client.rs".into(),
            contents: render(client_tokens),
        },
        GeneratedFile {
            path: "src/blocking.rs".into(),
            contents: render(blocking_tokens),
        },
        resources::mod_rs(&plan),
    ];
    let krate = opts.crate_ident();
    let files = render_in_parallel(model, &plan, (&krate, &opts.client_name));
    out.extend(files);
    if opts.runtime == RuntimeDependency::Embedded {
        out.extend(runtime::files(&opts.crate_ident()));
    }
    let (readme, example, example_op) =
        readme::readme_and_example(model, opts, &plan, &calls(&plan));
    out.push(GeneratedFile {
        path: "README.md".into(),
        contents: readme,
    });
    out.push(GeneratedFile {
        path: "examples/quickstart.rs".into(),
        contents: example,
    });
    // The quickstart needs the feature of the resource it calls.
    let example_feature = example_op
        .and_then(|op| plan.operation_feature(op))
        .map(|f| f.name.clone());
    let manifest = cargo_toml(model, opts, &plan, example_feature.as_deref(), &out);
    out.push(GeneratedFile {
        path: "Cargo.toml".into(),
        contents: manifest,
    });
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}
