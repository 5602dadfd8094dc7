//! Cargo features: one per top-level resource, each compiling that resource's methods and
//! exactly the named types they reach (its resources' type closures), so that a user of three
//! endpoints does not compile a thousand types.

use crate::closure::{reach, type_closure};
use crate::resources::Resource;
use crate::Feature;
use tern_model::ApiModel;
use tern_model::TypeId;

/// crates.io takes at most 300 features per crate; the crate's own (`default`, `blocking`,
/// `other-types`) need three. Top-level resources past the first `MAX_FEATURES - 1` share one
/// last feature, `more-resources`.
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
            });
            break;
        }
        let mut name = root.module();
        while taken(&name) || features.iter().any(|f| f.name == name) {
            name.push('_');
        }
        features.push(Feature {
            name,
            resources: vec![i],
        });
    }
    let mut type_features = vec![Vec::new(); model.types.len()];
    for (f, feature) in features.iter().enumerate() {
        let methods = feature
            .resources
            .iter()
            .flat_map(|&r| roots[r].walk())
            .flat_map(|r| r.methods.iter());
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
        let mut name = String::from("other-types");
        while taken(&name) || features.iter().any(|f| f.name == name) {
            name.push('_');
        }
        let index = features.len();
        features.push(Feature {
            name,
            resources: Vec::new(),
        });
        for id in reach(model, unused) {
            if let Some(users) = type_features.get_mut(id.0) {
                users.push(index);
            }
        }
    }
    (features, type_features)
}
