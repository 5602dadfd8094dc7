//! # tern-plan — the SDK plan
//!
//! The model says what the API *is*; the plan says how a client *presents* it: the resource
//! tree and its names, each method's argument binding (positional, a params struct's required
//! values and optional setters), body encoding, response reading, pagination, the credentials
//! it may send and the error bodies it declares; the credentials a client takes and where they
//! are read from; the headers every request carries; and each resource's type closure.
//!
//! Built once from an [`ApiModel`] and a `tern.toml` ([`Config`]), deterministic, plain data.
//! The code generator renders it, the dynamic client binds its credentials to it (and pages
//! with the same exhaustive `PaginationStyle`), and example calls (READMEs, the Prism test)
//! come from it: a presentation decision lives here or nowhere.
//!
//! **Owns:** presentation decisions — names, binding, the credential plan, pagination per
//! method, type closures — and `tern.toml`.
//! **Must not:** read the spec document (only the model), produce code, or do I/O.
//!
//! ```
//! let loaded = tern_spec::load_str("t.json", r#"{"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
//!   "paths": {"/pets/{id}": {"get": {"operationId": "getPet",
//!     "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
//!     "responses": {"200": {"description": "ok"}}}}}}"#)?;
//! let (model, _) = tern_model::build(&loaded.spec);
//! let plan = tern_plan::plan(&model, &tern_plan::PlanOptions::new("Pets"));
//! let (resource, method) = plan.methods().next().ok_or("no method")?;
//! assert_eq!(format!("{}.{}", resource.accessor_chain(), method.name), "pets().get");
//! assert_eq!(method.positional().map(|a| a.field.as_str()).collect::<Vec<_>>(), ["id"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod auth;
mod closure;
mod config;
mod features;
mod method;
mod resources;

pub use auth::{AuthPlan, CredentialKind, CredentialPlan, KeyLocation};
pub use closure::{direct_refs, sent_types, type_closure};
pub use config::{
    AuthConfig, ClientConfig, ClientCredentialsConfig, Config, ConfigError, EnvConfig,
    OperationConfig, PackageConfig, PaginationConfig, PaginationTable,
};
pub use features::{features, MAX_FEATURES};
pub use method::{
    raw_media, response_plan, Arg, Binding, BodyEncoding, BodyPlan, ErrorBodies, ErrorBody, Method,
    PagePlan, ResponsePlan,
};
pub use resources::{Resource, STD_NAMES};

use tern_model::{ApiModel, NamingScheme};

/// What the plan is built from besides the model.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PlanOptions {
    /// The client type's name (`Finch`): the default prefix of environment variables.
    pub client_name: String,
    /// How endpoints become resource and method names.
    pub naming: NamingScheme,
    /// The API owner's `tern.toml`.
    pub config: Config,
    /// Names a resource's cargo feature may not take (the crate's other features and its
    /// dependencies); `default` and `blocking` always are.
    pub reserved_features: Vec<String>,
}

impl PlanOptions {
    /// Options for a client named `client_name`, `rest` naming, no configuration.
    pub fn new(client_name: &str) -> PlanOptions {
        PlanOptions {
            client_name: client_name.to_owned(),
            naming: NamingScheme::Rest,
            config: Config::default(),
            reserved_features: Vec::new(),
        }
    }
}

/// How a client presents an API.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SdkPlan {
    /// The top-level resources, each with its methods and sub-resources.
    pub resources: Vec<Resource>,
    /// The credentials the client takes.
    pub auth: AuthPlan,
    /// Headers every request carries by default (`Finch-API-Version`): from `tern.toml`, then
    /// the required headers whose value the spec fixes alike everywhere.
    pub default_headers: Vec<(String, String)>,
    /// The headers of [`default_headers`](Self::default_headers) the spec fixes (a method takes
    /// none of these as an argument).
    pub spec_headers: Vec<(String, String)>,
    /// The crate's cargo features, one per top-level resource (see [`features`]).
    pub features: Vec<Feature>,
    /// For each named type (by [`TypeId`](tern_model::TypeId) index), the features that
    /// compile it, ascending.
    pub type_features: Vec<Vec<usize>>,
    /// For each named type (by [`TypeId`](tern_model::TypeId) index), whether a request may
    /// carry it (a method's argument reaches it; see [`sent_types`]).
    pub sent_types: Vec<bool>,
}

/// A cargo feature of a generated crate: the resources it compiles.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Feature {
    /// Its name (the resource's module name, unless that is reserved; `<parent>-<module>` for a
    /// sub-resource).
    pub name: String,
    /// The top-level resources it compiles, as indexes into [`SdkPlan::resources`] (none for
    /// `other-types`, the types no method uses, nor for a sub-resource's feature).
    pub resources: Vec<usize>,
    /// For a sub-resource's feature: its top-level resource (an index into
    /// [`SdkPlan::resources`]) and which of that one's children it is. The feature compiles
    /// that child with everything under it, and of its parent only the resource struct and the
    /// accessor (not the parent's own methods).
    pub sub_resource: Option<(usize, usize)>,
    /// The features it enables (indexes into [`SdkPlan::features`]): a top-level resource's
    /// feature enables its sub-resources' features and then compiles only its own methods.
    pub enables: Vec<usize>,
}

impl SdkPlan {
    /// Every method with its resource, depth first in resource order.
    pub fn methods(&self) -> impl Iterator<Item = (&Resource, &Method)> {
        self.resources
            .iter()
            .flat_map(Resource::walk)
            .flat_map(|r| r.methods.iter().map(move |m| (r, m)))
    }

    /// The feature that compiles top-level resource `root` (an index into
    /// [`resources`](Self::resources)), as an index into [`features`](Self::features).
    pub fn root_feature(&self, root: usize) -> Option<usize> {
        self.features
            .iter()
            .position(|f| f.resources.contains(&root))
    }

    /// The features with which top-level resource `root`'s module compiles: its own and its
    /// sub-resources'.
    pub fn root_module_features(&self, root: usize) -> Vec<usize> {
        let Some(own) = self.root_feature(root) else {
            return Vec::new();
        };
        let mut all = vec![own];
        all.extend(self.features.get(own).map_or(&[][..], |f| &f.enables));
        all
    }

    /// The feature of child `child` of top-level resource `root`, if it has one of its own.
    pub fn sub_resource_feature(&self, root: usize, child: usize) -> Option<usize> {
        self.features
            .iter()
            .position(|f| f.sub_resource == Some((root, child)))
    }

    /// The feature that compiles an operation's method.
    pub fn operation_feature(&self, operation: usize) -> Option<&Feature> {
        let root = self.resources.iter().position(|r| {
            r.walk()
                .iter()
                .any(|n| n.methods.iter().any(|m| m.operation == operation))
        })?;
        self.features.get(self.root_feature(root)?)
    }

    /// The method of an operation.
    pub fn method_of(&self, operation: usize) -> Option<(&Resource, &Method)> {
        self.methods().find(|(_, m)| m.operation == operation)
    }
}

/// Words that say nothing about which API a title names.
const GENERIC_TITLE_WORDS: &[&str] = &[
    "api",
    "apis",
    "rest",
    "restful",
    "http",
    "openapi",
    "swagger",
    "reference",
    "public",
    "service",
    "services",
    "spec",
    "specification",
    "documentation",
    "docs",
    "the",
    "for",
    "of",
    "web",
    "server",
    "endpoints",
    "v",
    "version",
];

/// The crate name an SDK gets without `--name` or a config: the API's title without generic
/// words (`Candid Health API` → `candid-health-sdk`), or, when the title is nothing but generic
/// words (`API Reference`), the domain of its first server (`api.acme.io` → `acme-sdk`).
pub fn default_crate_name(model: &ApiModel) -> String {
    let words: Vec<String> = model
        .title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::to_ascii_lowercase)
        .filter(|w| !w.is_empty())
        .filter(|w| !GENERIC_TITLE_WORDS.contains(&w.as_str()))
        // Versions (`v2`, `2024`) name a release, not the API.
        .filter(|w| {
            !w.trim_start_matches('v')
                .chars()
                .all(|c| c.is_ascii_digit())
        })
        .take(4)
        .collect();
    let base = if words.is_empty() {
        server_domain(model).unwrap_or_else(|| "api".to_owned())
    } else {
        words.join("-")
    };
    format!("{base}-sdk")
}

/// The distinctive label of the first server's host (`api.acme.io` → `acme`).
fn server_domain(model: &ApiModel) -> Option<String> {
    let url = &model.servers.first()?.url;
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split(['/', ':'])
        .next()?;
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let (_, named) = labels.split_last()?;
    named
        .iter()
        .rev()
        .find(|l| {
            ![
                "api", "www", "app", "rest", "sandbox", "prod", "staging", "dev", "co",
            ]
            .contains(l)
        })
        .map(|l| l.to_ascii_lowercase())
        .filter(|l| l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

/// The credential plan alone (what a client that renders no resources needs).
pub fn auth_plan(model: &ApiModel, opts: &PlanOptions) -> AuthPlan {
    auth::auth(model, &opts.config, &opts.client_name)
}

/// Builds the plan of `model`.
pub fn plan(model: &ApiModel, opts: &PlanOptions) -> SdkPlan {
    let config = &opts.config;
    let spec_headers = method::fixed_headers(model);
    let mut default_headers: Vec<(String, String)> = spec_headers
        .iter()
        .filter(|(n, _)| {
            !config
                .client
                .headers
                .keys()
                .any(|c| c.eq_ignore_ascii_case(n))
        })
        .cloned()
        .collect();
    default_headers.extend(
        config
            .client
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), v.clone())),
    );
    let resources: Vec<Resource> = resources::shape(model, opts.naming, config)
        .into_iter()
        .map(|s| resource(model, config, s, &spec_headers))
        .collect();
    let (features, type_features) = features(model, &resources, &opts.reserved_features);
    let sent_types = closure::sent_types(
        model,
        resources
            .iter()
            .flat_map(Resource::walk)
            .flat_map(|r| &r.methods),
    );
    SdkPlan {
        resources,
        features,
        type_features,
        sent_types,
        auth: auth::auth(model, config, &opts.client_name),
        default_headers,
        spec_headers,
    }
}

fn resource(
    model: &ApiModel,
    config: &Config,
    shape: resources::Shape,
    spec_headers: &[(String, String)],
) -> Resource {
    let mut r = Resource::new(shape.path);
    let mut names = method::ModuleNames::new(r.struct_name());
    for (i, name) in shape.operations {
        let pagination = match config.pagination_of(model, i) {
            Some(configured) => configured,
            None => model.operations[i].pagination.clone(),
        };
        r.methods.push(method::method(
            model,
            i,
            name,
            pagination.as_ref(),
            &mut names,
            spec_headers,
        ));
    }
    r.types = type_closure(model, &r.methods);
    r.children = shape
        .children
        .into_iter()
        .map(|s| resource(model, config, s, spec_headers))
        .collect();
    r
}
