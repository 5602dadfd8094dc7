//! The plan of the seed SDKs, as their users meet it: names from `tern.toml`, argument binding,
//! pagination and credentials — and the invariants every plan keeps (deterministic, methods
//! unique per resource, type closures closed).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use tern_model::{AdditionalProperties, ApiModel, PaginationStyle, TypeId, TypeKind, TypeRef};
use tern_plan::{
    plan, Binding, BodyPlan, Config, CredentialKind, KeyLocation, PlanOptions, ResponsePlan,
    SdkPlan,
};

fn seed(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/seeds")
        .join(name)
}

fn model(spec: &Path) -> ApiModel {
    let loaded = tern_spec::load_path(spec).unwrap();
    tern_model::build(&loaded.spec).0
}

fn finch() -> (ApiModel, SdkPlan) {
    let model = model(&seed("finch/finch.json"));
    let path = seed("finch/tern.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let config = Config::parse(&text, &path.display().to_string()).unwrap();
    let mut opts = PlanOptions::new("Finch");
    opts.config = config;
    let plan = plan(&model, &opts);
    (model, plan)
}

#[test]
fn finch_methods_are_named_bound_and_paged_as_configured() {
    let (model, plan) = finch();
    let (resource, list) = plan
        .methods()
        .find(|(r, m)| r.dotted() == "hris.directory" && m.name == "list_individuals")
        .expect("hris.directory.list_individuals");
    assert_eq!(resource.accessor_chain(), "hris().directory()");
    assert_eq!(resource.module_segments(), ["hris", "directory"]);
    let op = &model.operations[list.operation];
    assert_eq!(
        (op.method.as_str(), op.path.as_str()),
        ("GET", "/employer/directory")
    );
    // Optional query values go through a params struct with setters.
    assert_eq!(list.params.as_deref(), Some("ListIndividualsParams"));
    assert!(list
        .arguments
        .iter()
        .all(|a| matches!(&a.binding, Binding::Optional { setter } if *setter == a.field)));
    assert_eq!(list.body, BodyPlan::None);
    assert!(matches!(list.response, ResponsePlan::Json(Some(_))));
    // Pagination from tern.toml: offset/limit, total at paging.count, items in `individuals`.
    let pages = list.pagination.as_ref().expect("paginated");
    assert_eq!(pages.pagination.items, ["individuals"]);
    assert_eq!(
        pages.pagination.style,
        PaginationStyle::Offset {
            offset_param: "offset".into(),
            limit_param: Some("limit".into()),
            total: Some(vec!["paging".into(), "count".into()]),
        }
    );
    assert!(matches!(pages.item, TypeRef::Named(_)));

    // A path parameter is positional.
    let (_, retrieve) = plan
        .methods()
        .find(|(r, m)| r.dotted() == "payroll.pay_groups" && m.name == "retrieve")
        .unwrap();
    assert_eq!(retrieve.positional().count(), 1);
    assert_eq!(retrieve.positional().next().unwrap().field, "pay_group_id");
}

#[test]
fn finch_credentials_and_headers() {
    let (_, plan) = finch();
    let kinds: Vec<&str> = plan
        .auth
        .credentials
        .iter()
        .map(|c| c.kind.method())
        .collect();
    // Finch's bearer token, and basic auth (client id and secret) for its token routes.
    assert_eq!(kinds, ["access_token", "basic_auth"], "{:?}", plan.auth);
    assert_eq!(
        plan.auth.credentials[1].env,
        ["FINCH_USERNAME", "FINCH_PASSWORD"]
    );
    let token = &plan.auth.credentials[0];
    assert_eq!(token.env, ["FINCH_ACCESS_TOKEN"]);
    assert!(!token.schemes.is_empty() && token.declared);
    assert_eq!(plan.auth.base_url_env, "FINCH_BASE_URL");
    // Finch-API-Version: required everywhere with one default, so a client default and no
    // method's argument.
    let (name, _) = plan
        .default_headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("finch-api-version"))
        .expect("Finch-API-Version is a default header");
    assert_eq!(plan.spec_headers.len(), 1);
    for (_, m) in plan.methods() {
        assert!(
            m.arguments
                .iter()
                .all(|a| !a.field.eq_ignore_ascii_case(&name.replace('-', "_"))),
            "{} takes {name}",
            m.name
        );
    }
}

#[test]
fn candid_finds_its_token_endpoint() {
    let model = model(&seed("candid/candid.yaml"));
    let plan = plan(&model, &PlanOptions::new("Candid"));
    let cc = plan
        .auth
        .find(|k| matches!(k, CredentialKind::ClientCredentials { .. }))
        .expect("client credentials from the token endpoint");
    assert!(!cc.declared);
    let CredentialKind::ClientCredentials { token_url, .. } = &cc.kind else {
        unreachable!()
    };
    assert!(token_url.ends_with("/token"), "{token_url}");
    assert_eq!(cc.env, ["CANDID_CLIENT_ID", "CANDID_CLIENT_SECRET"]);
}

#[test]
fn civis_takes_an_api_key_or_basic_auth() {
    let model = model(&seed("civis/civis.json"));
    let plan = plan(&model, &PlanOptions::new("Civis"));
    assert!(plan.auth.credentials.iter().all(|c| matches!(
        c.kind,
        CredentialKind::Basic
            | CredentialKind::ApiKey {
                location: KeyLocation::Header,
                ..
            }
            | CredentialKind::AccessToken
    )));
    assert!(!plan.auth.credentials.is_empty());
}

/// The named types a type mentions directly.
fn refs(t: &TypeRef, out: &mut Vec<TypeId>) {
    match t {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => refs(i, out),
        _ => {}
    }
}

/// The named types a type's definition mentions directly.
fn type_refs(model: &ApiModel, id: TypeId) -> Vec<TypeId> {
    let mut out = Vec::new();
    match &model.type_def(id).kind {
        TypeKind::Object(o) => {
            o.properties.iter().for_each(|p| refs(&p.ty, &mut out));
            if let AdditionalProperties::Typed(t) = &o.additional {
                refs(t, &mut out);
            }
        }
        TypeKind::Union(u) => u.variants.iter().for_each(|v| refs(&v.ty, &mut out)),
        TypeKind::Alias(t) => refs(t, &mut out),
        TypeKind::Enum(e) => refs(&e.base, &mut out),
        _ => {}
    }
    out
}

/// Every feature alone compiles a closed set: the types of the methods it compiles, and what
/// those types mention. A resource's feature enables its sub-resources' features.
fn check_features(model: &ApiModel, plan: &SdkPlan) {
    assert!(plan.features.len() <= tern_plan::MAX_FEATURES + 1);
    let names: HashSet<&str> = plan.features.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names.len(), plan.features.len(), "feature names are unique");
    for (index, feature) in plan.features.iter().enumerate() {
        let mut enabled: HashSet<usize> = feature.enables.iter().copied().collect();
        enabled.insert(index);
        let compiled: HashSet<TypeId> = (0..model.types.len())
            .filter(|&t| plan.type_features[t].iter().any(|f| enabled.contains(f)))
            .map(TypeId)
            .collect();
        for id in &compiled {
            for used in type_refs(model, *id) {
                assert!(compiled.contains(&used), "{}: not closed", feature.name);
            }
        }
        // The resources whose own methods compile with it.
        let mut nodes = Vec::new();
        for &f in &enabled {
            let f = &plan.features[f];
            match f.sub_resource {
                Some((root, child)) => {
                    nodes.extend(plan.resources[root].children[child].walk());
                    // Its parent enables it, and its parent's own methods are not its.
                    assert!(plan.features[plan.root_feature(root).unwrap()]
                        .enables
                        .contains(&plan.sub_resource_feature(root, child).unwrap()));
                }
                None if !f.enables.is_empty() => {
                    nodes.extend(f.resources.iter().map(|&r| &plan.resources[r]));
                }
                None => nodes.extend(f.resources.iter().flat_map(|&r| plan.resources[r].walk())),
            }
        }
        for node in nodes {
            for id in &node.types {
                assert!(
                    compiled.contains(id),
                    "{}: {} uses a type it does not compile",
                    feature.name,
                    node.dotted()
                );
            }
        }
    }
}

fn check_invariants(model: &ApiModel, plan: &SdkPlan) {
    check_features(model, plan);
    // Every operation has exactly one method.
    let mut ops: Vec<usize> = plan.methods().map(|(_, m)| m.operation).collect();
    ops.sort_unstable();
    assert_eq!(ops, (0..model.operations.len()).collect::<Vec<_>>());
    for r in plan.resources.iter().flat_map(|r| r.walk()) {
        // Method names are unique in their resource and distinct from its accessors.
        let mut names: HashSet<String> = r.children.iter().map(|c| c.accessor()).collect();
        for m in &r.methods {
            assert!(
                names.insert(m.name.clone()),
                "{}: {} twice",
                r.dotted(),
                m.name
            );
        }
        // The closure is closed: whatever a type in it mentions is in it.
        let closure: HashSet<TypeId> = r.types.iter().copied().collect();
        for id in &r.types {
            let out = type_refs(model, *id);
            assert!(
                out.iter().all(|t| closure.contains(t)),
                "{}: closure not closed",
                r.dotted()
            );
        }
        // …and holds what the methods use.
        for m in &r.methods {
            if let ResponsePlan::Json(Some(t)) = &m.response {
                let mut out = Vec::new();
                refs(t, &mut out);
                assert!(out.iter().all(|t| closure.contains(t)));
            }
        }
    }
}

#[test]
fn plans_are_deterministic_complete_and_closed() {
    for spec in ["finch/finch.json", "candid/candid.yaml", "civis/civis.json"] {
        let model = model(&seed(spec));
        let opts = PlanOptions::new("Api");
        let first = plan(&model, &opts);
        assert_eq!(first, plan(&model, &opts), "{spec}");
        check_invariants(&model, &first);
    }
    let (model, finch) = finch();
    check_invariants(&model, &finch);
    // Without its configuration, Finch's `employer` has methods of its own and two
    // sub-resources, each a feature.
    let mut opts = PlanOptions::new("Finch");
    opts.naming = tern_model::NamingScheme::Resources;
    let finch = plan(&model, &opts);
    check_invariants(&model, &finch);
    let root = finch
        .resources
        .iter()
        .position(|r| r.module() == "employer")
        .unwrap();
    let employer = &finch.features[finch.root_feature(root).unwrap()];
    let subs: Vec<&str> = employer
        .enables
        .iter()
        .map(|&f| finch.features[f].name.as_str())
        .collect();
    assert_eq!(subs, ["employer-pay_groups", "employer-benefits"]);
    assert!(!finch.resources[root].methods.is_empty());
}

#[test]
fn configuration_turns_pagination_off() {
    let model = model(&seed("finch/finch.json"));
    let config = Config::parse(
        "[operations.\"GET /employer/directory\"]\npagination = \"none\"\n",
        "tern.toml",
    )
    .unwrap();
    let mut opts = PlanOptions::new("Finch");
    opts.config = config;
    let plan = plan(&model, &opts);
    let (_, m) = plan
        .methods()
        .find(|(_, m)| model.operations[m.operation].path == "/employer/directory")
        .unwrap();
    assert!(m.pagination.is_none());
}

/// Without a name given, the crate is named after what the title says of the API, or after its
/// server's domain when the title says nothing.
#[test]
fn default_crate_names_drop_generic_words() {
    let name = |title: &str, server: &str| {
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: \"{title}\", version: \"1\"}}\nservers: [{{url: \"{server}\"}}]\npaths: {{}}\n"
        );
        let loaded = tern_spec::load_str("t.yaml", &spec).unwrap();
        tern_plan::default_crate_name(&tern_model::build(&loaded.spec).0)
    };
    assert_eq!(
        name("Candid Health API", "https://api.joincandidhealth.com/api"),
        "candid-health-sdk"
    );
    assert_eq!(name("Finch API", "https://api.tryfinch.com"), "finch-sdk");
    assert_eq!(name("API Reference", "https://api.acme.io/v1"), "acme-sdk");
    assert_eq!(
        name("GitHub v3 REST API", "https://api.github.com"),
        "github-sdk"
    );
    assert_eq!(name("API", "/relative"), "api-sdk");
}

/// The `resources` scheme names Candid's SDK as Fern does: version segments are namespaces,
/// verbs are list/create/retrieve, an action path is a method of its parent.
#[test]
fn candid_is_named_sdk_style() {
    let model = model(&seed("candid/candid.yaml"));
    let mut opts = PlanOptions::new("Candid");
    opts.naming = tern_model::NamingScheme::Resources;
    let plan = plan(&model, &opts);
    let names: HashSet<String> = plan
        .methods()
        .map(|(r, m)| format!("{}.{}", r.dotted(), m.name))
        .collect();
    for want in [
        "encounters.v4.list",
        "encounters.v4.create",
        "encounters.v4.retrieve",
        "auth.v2.token",
        "pre_encounter.coverages.v1.check_eligibility",
        "fee_schedules.v3.service_line.match_",
    ] {
        assert!(names.contains(want), "{want} not among {names:?}");
    }
    // Every operation is planned once, and the rest scheme is still there.
    assert_eq!(plan.methods().count(), model.operations.len());
    let rest = tern_plan::plan(&model, &PlanOptions::new("Candid"));
    assert!(rest
        .methods()
        .any(|(r, m)| r.dotted() == "encounters" && m.name == "post_v4"));
}
