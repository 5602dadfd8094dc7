//! Cargo features: one per top-level resource, each compiling that resource's methods and
//! exactly the named types they reach (its resources' type closures), so that a user of three
//! endpoints does not compile a thousand types; and, within crates.io's limit, one per
//! sub-resource of a top-level resource (`repos-forks`), which compiles that sub-resource's
//! methods and their types without the rest of its parent (the parent's feature enables them
//! all).

use crate::closure::{reach, type_closure};
use crate::resources::Resource;
use crate::Feature;
use tern_model::ApiModel;
use tern_model::TypeId;

/// crates.io takes at most 300 features per crate; the crate's own (`default`, `blocking`,
/// `other-types`) need three. Top-level resources past the first `MAX_FEATURES - 1` share one
/// last feature, `more-resources`. Sub-resource features take what is left: the top-level
/// resources with the most methods first, all of one's sub-resources or none.
pub const MAX_FEATURES: usize = 297;

/// The features of a crate with these top-level resources, and for each named type the
/// features that use it (ascending). Types no method uses, and what they reach, belong to a
/// last feature, `other-types`, with no resources.
pub fn features(
    model: &ApiModel,
    roots: &[Resource],
    reserved: &[String],
) -> (Vec<Feature>, Vec<Vec<usize>>) {
    let taken =
        |name: &str| name == "default" || name == "blocking" || reserved.iter().any(|r| r == name);
    let mut features: Vec<Feature> = Vec::new();
    for (i, root) in roots.iter().enumerate() {
        if features.len() == MAX_FEATURES - 1 && roots.len() > MAX_FEATURES {
            features.push(Feature {
                name: "more-resources".into(),
                resources: (i..roots.len()).collect(),
                sub_resource: None,
                enables: Vec::new(),
            });
            break;
        }
        let name = free_name(root.module(), &features, &taken);
        features.push(Feature {
            name,
            resources: vec![i],
            sub_resource: None,
            enables: Vec::new(),
        });
    }
    if features.len() == roots.len() {
        sub_resource_features(roots, &mut features, &taken);
    }
    let mut type_features = vec![Vec::new(); model.types.len()];
    for (f, feature) in features.iter().enumerate() {
        // A top-level resource with sub-resource features compiles its own methods; its
        // sub-resources' come with their features, which it enables.
        let split = !feature.enables.is_empty();
        let resources: Vec<&Resource> = match feature.sub_resource {
            Some((root, child)) => roots[root].children[child].walk(),
            None if split => feature.resources.iter().map(|&r| &roots[r]).collect(),
            None => feature
                .resources
                .iter()
                .flat_map(|&r| roots[r].walk())
                .collect(),
        };
        let methods = resources.into_iter().flat_map(|r| r.methods.iter());
        for id in type_closure(model, methods) {
            if let Some(users) = type_features.get_mut(id.0) {
                users.push(f);
            }
        }
    }
    // Types no method uses (webhook payloads, unused components) have a feature of their own,
    // which also compiles everything they reach.
    let unused: Vec<TypeId> = type_features
        .iter()
        .enumerate()
        .filter(|(_, users)| users.is_empty())
        .map(|(i, _)| TypeId(i))
        .collect();
    if !unused.is_empty() {
        let index = features.len();
        let name = free_name("other-types".into(), &features, &taken);
        features.push(Feature {
            name,
            resources: Vec::new(),
            sub_resource: None,
            enables: Vec::new(),
        });
        for id in reach(model, unused) {
            if let Some(users) = type_features.get_mut(id.0) {
                users.push(index);
            }
        }
    }
    (features, type_features)
}

/// Adds a feature for each sub-resource of the top-level resources (one feature each, in
/// `features`, indexed like `roots`), while the total stays within [`MAX_FEATURES`]: the
/// resources with the most methods first, and all of a resource's sub-resources or none. Each
/// is named `<parent feature>-<sub-resource module>` and enabled by its parent's feature.
fn sub_resource_features(
    roots: &[Resource],
    features: &mut Vec<Feature>,
    taken: &dyn Fn(&str) -> bool,
) {
    let size = |r: &Resource| r.walk().iter().map(|n| n.methods.len()).sum::<usize>();
    let mut order: Vec<usize> = (0..roots.len())
        .filter(|&i| !roots[i].children.is_empty())
        .collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(size(&roots[i])), i));
    let mut budget = MAX_FEATURES.saturating_sub(features.len());
    let mut chosen = Vec::new();
    for i in order {
        if roots[i].children.len() <= budget {
            budget -= roots[i].children.len();
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    for i in chosen {
        for (c, child) in roots[i].children.iter().enumerate() {
            let name = format!("{}-{}", features[i].name, child.module());
            let name = free_name(name, features, taken);
            let index = features.len();
            features.push(Feature {
                name,
                resources: Vec::new(),
                sub_resource: Some((i, c)),
                enables: Vec::new(),
            });
            features[i].enables.push(index);
        }
    }
}

/// `name`, with `_`s added until neither the crate's own features nor `features` have it.
fn free_name(mut name: String, features: &[Feature], taken: &dyn Fn(&str) -> bool) -> String {
    while taken(&name) || features.iter().any(|f| f.name == name) {
        name.push('_');
    }
    name
}
