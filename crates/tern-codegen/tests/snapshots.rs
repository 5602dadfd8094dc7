//! Snapshots of the code generated for small fixtures (insta, in `tests/snapshots/`): any change
//! to generated code shows up in review. The same output is compiled clippy-clean by
//! `tests/generate.rs` (`fixture_sdks_compile_clean`), so the snapshots are known to compile.
//!
//! After an intended change: `INSTA_UPDATE=always cargo test -p tern-codegen --test snapshots`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use tern_codegen::{generate, Options, RuntimeDependency};

fn snapshot(fixture: &str, crate_name: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = if fixture.contains('/') {
        root.join("../..").join(fixture)
    } else {
        root.join("tests/fixtures").join(fixture)
    };
    let loaded = tern_spec::load_path(&spec).unwrap();
    let (model, _) = tern_model::build(&loaded.spec);
    let mut opts = Options::new(crate_name);
    // A fixed path: snapshots must not depend on where the repository is checked out.
    opts.runtime = RuntimeDependency::Path("../tern-runtime".into());
    for file in generate(&model, &opts) {
        let name = format!("{crate_name}__{}", file.path.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, file.contents);
    }
}

#[test]
fn shapes() {
    snapshot("shapes.yaml", "shapes-sdk");
}

#[test]
fn workflows() {
    snapshot("examples/specs/workflows.yaml", "workflows-sdk");
}
