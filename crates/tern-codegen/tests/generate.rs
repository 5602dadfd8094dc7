//! Generated crates: deterministic, nothing from the spec outside string literals and doc
//! attributes, and compiling clippy-clean (`-D warnings`) — for the bundled spec, a hostile
//! fixture and the three seed specs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use tern_codegen::{generate, GeneratedFile, Options, RuntimeDependency};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files(spec: &Path, name: &str) -> Vec<GeneratedFile> {
    let loaded = tern_spec::load_path(spec).unwrap();
    let (model, _) = tern_model::build(&loaded.spec);
    let mut opts = Options::new(name);
    opts.runtime =
        RuntimeDependency::Path(repo().join("crates/tern-runtime").display().to_string());
    generate(&model, &opts)
}

fn write(files: &[GeneratedFile], name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tern-codegen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for f in files {
        let path = dir.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &f.contents).unwrap();
    }
    // The workspace's lock file: the same dependency versions, already built.
    std::fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    dir
}

/// `cargo clippy -D warnings` on a generated crate with all features, in a target dir shared
/// by these tests.
fn clippy(dir: &Path) {
    clippy_with(dir, &["--all-features"]);
}

/// `cargo clippy -D warnings` with these feature arguments.
fn clippy_with(dir: &Path, features: &[&str]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["clippy", "--quiet", "--all-targets"])
        .args(features)
        .args(["--", "-D", "warnings"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", repo().join("target/codegen-check"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{} does not compile clean with {features:?}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `cargo test --quiet --all-features ARGS` in a generated crate, which must pass.
fn cargo_test(dir: &Path, args: &[&str], what: &str) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["test", "--quiet", "--all-features"])
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", repo().join("target/codegen-check"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: {what}:\n{}{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `cargo test --doc --all-features`: the README's snippets compile.
fn doctests(dir: &Path) {
    cargo_test(dir, &["--doc"], "README snippets do not compile");
}

/// The generated types keep what they promise through decode → encode: unknown members and
/// enum values, `null` vs absent, union alternatives; and a decoding error names the member.
fn round_trip(dir: &Path) {
    let test = r##"
use serde_json::{json, Value};
use shapes_sdk::types::{Circle, Frame, Kind, Measure, Shape, Style};

fn again<T: serde::de::DeserializeOwned + serde::Serialize>(input: &Value) -> (T, Value) {
    let typed: T = serde_json::from_value(input.clone()).unwrap();
    let text = serde_json::to_string(&typed).unwrap();
    let typed_again: T = serde_json::from_str(&text).unwrap();
    (typed, serde_json::to_value(&typed_again).unwrap())
}

#[test]
fn what_a_type_does_not_know_survives() {
    let circle = json!({"kind": "circle", "radius": 1.5, "label": null,
        "size": {"value": 2.5, "unit": "cm", "precision": {"digits": 3}}, "future": [1, {"a": null}]});
    let (shape, back) = again::<Shape>(&circle);
    assert_eq!(back, circle);
    let Shape::Circle(c) = shape else { panic!("{shape:?}") };
    assert!(c.label.is_null());
    assert_eq!(c.extra["future"], json!([1, {"a": null}]));
    assert!(matches!(c.size, Some(Measure::Value(_))), "{:?}", c.size);

    let absent = json!({"kind": "circle", "radius": 2.0});
    let (c, back) = again::<Circle>(&absent);
    assert!(c.label.is_absent() && c.size.is_none());
    assert_eq!(back, absent);

    let hexagon = json!({"kind": "hexagon", "sides": 6});
    let (shape, back) = again::<Shape>(&hexagon);
    assert!(matches!(shape, Shape::Unknown(_)), "{shape:?}");
    assert_eq!(back, hexagon);

    let (kind, back) = again::<Kind>(&json!("triangle"));
    assert_eq!(kind, Kind::Unknown("triangle".into()));
    assert_eq!(back, json!("triangle"));

    let note = json!({"note": "n", "extra": true});
    let (_, back) = again::<Measure>(&note);
    assert_eq!(back, note);
}

#[test]
fn large_members_are_boxed() {
    let circle = json!({"kind": "circle", "radius": 1.0, "style": {"fill": "red", "dash": "4 2"}});
    let (c, back) = again::<Circle>(&circle);
    assert_eq!(back, circle);
    let style: Option<Box<Style>> = c.style;
    assert_eq!(style.and_then(|s| s.fill), Some("red".to_owned()));
    assert!(std::mem::size_of::<Circle>() < 256, "{}", std::mem::size_of::<Circle>());
    // A required boxed member: `new` takes the value or a box.
    let frame = Frame::new(Style::default());
    let boxed: Box<Style> = frame.style;
    assert_eq!(Frame::new(boxed.clone()).style, boxed);
}

#[test]
fn a_missing_required_member_is_named() {
    let e = serde_json::from_str::<Circle>(r#"{"kind": "circle"}"#).unwrap_err();
    assert!(e.to_string().contains("missing field `radius`"), "{e}");
    let e = serde_json::from_str::<Circle>(r#"{"kind": "circle", "radius": "wide"}"#).unwrap_err();
    assert!(e.to_string().contains("invalid type: string"), "{e}");
}
"##;
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::write(dir.join("tests/round_trip.rs"), test).unwrap();
    cargo_test(dir, &["--test", "round_trip"], "round trip failed");
}

#[test]
fn output_is_deterministic() {
    let spec = repo().join("examples/specs/workflows.yaml");
    assert_eq!(files(&spec, "workflows-sdk"), files(&spec, "workflows-sdk"));
}

#[test]
fn hostile_text_stays_in_literals_and_docs() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile.yaml");
    let generated = files(&spec, "hostile-sdk");
    for f in generated.iter().filter(|f| f.path.ends_with(".rs")) {
        syn::parse_file(&f.contents).unwrap_or_else(|e| panic!("{}: {e}", f.path));
        // Outside doc comments, nothing the spec wrote may appear as code.
        let code: String = f
            .contents
            .lines()
            .filter(|l| !l.trim_start().starts_with("///") && !l.trim_start().starts_with("//!"))
            .collect::<Vec<_>>()
            .join("\n");
        // The quickstart example has a `main` of its own.
        let markers: &[&str] = if f.path.starts_with("examples/") {
            &["fn injected", "Evil", "deny(warnings)"]
        } else {
            &["fn injected", "Evil", "deny(warnings)", "fn main"]
        };
        for injected in markers {
            assert!(
                !code.contains(injected),
                "{}: `{injected}` outside doc comments",
                f.path
            );
        }
    }
    // No file or folder takes a name Windows reserves (`aux`, `con`, in any case and with any
    // extension): the crate must check out there.
    for f in &generated {
        for part in f.path.split('/') {
            let stem = part.split('.').next().unwrap_or(part);
            assert!(
                !tern_model::naming::is_windows_device(stem),
                "{}: `{part}` is a Windows device name",
                f.path
            );
        }
    }
    assert!(generated.iter().any(|f| f.path == "src/resources/aux_.rs"));
    assert!(generated.iter().any(|f| f.path == "src/types/con_.rs"));
    let resources: String = generated
        .iter()
        .filter(|f| f.path.starts_with("src/resources/"))
        .map(|f| f.contents.as_str())
        .collect();
    assert!(
        resources.contains("```text"),
        "fenced blocks in descriptions are marked text"
    );
    clippy(&write(&generated, "hostile"));
}

#[test]
fn clients_follow_the_spec_security_and_pagination() {
    let spec = repo().join("examples/specs/workflows.yaml");
    let generated = files(&spec, "workflows-sdk");
    let text = |path: &str| {
        generated
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.contents.clone())
            .unwrap()
    };
    let client = text("src/client.rs");
    assert!(
        client.contains("pub struct WorkflowsBuilder") && client.contains("pub fn access_token("),
        "{client}"
    );
    assert!(
        client.contains("WORKFLOWS_ACCESS_TOKEN") && client.contains("pub fn from_env()"),
        "{client}"
    );
    let resources = text("src/resources/workflows.rs");
    // Page-number pagination on `workflows.list`, cursor pagination on
    // `workflows.executions.list` (`GET /workflows/{id}/executions`, SDK-style naming).
    assert!(
        resources.contains("pub fn list_pages(") && resources.contains("Paginator::PageNumber"),
        "{resources}"
    );
    let executions = text("src/resources/workflows/executions.rs");
    assert!(
        executions.contains("pub fn list_pages(")
            && executions.contains("Paginator::Cursor")
            && executions.contains("pub fn cancel("),
        "{executions}"
    );
    assert!(
        executions.contains("PagesCall<'c, types::Execution, types::ListExecutionsResponse>"),
        "{executions}"
    );
}

#[test]
fn bundled_and_seed_sdks_compile_clean() {
    let mut specs = vec![
        (
            repo().join("examples/specs/workflows.yaml"),
            "workflows-sdk",
        ),
        // The snapshot fixture (tests/snapshots.rs): tagged unions, streams, fixed headers.
        (
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shapes.yaml"),
            "shapes-sdk",
        ),
    ];
    let seeds = repo().join("examples/seeds");
    specs.push((seeds.join("finch/finch.json"), "finch-sdk"));
    specs.push((seeds.join("candid/candid.yaml"), "candid-sdk"));
    specs.push((seeds.join("civis/civis.json"), "civis-sdk"));
    for (spec, name) in specs {
        let dir = write(&files(&spec, name), name);
        clippy(&dir);
        // The generated README is the crate's documentation: its snippets are doctests.
        if name == "workflows-sdk" || name == "shapes-sdk" {
            doctests(&dir);
        }
        if name == "shapes-sdk" {
            round_trip(&dir);
        }
        // Each resource is a feature, and each sub-resource of one: the crate compiles with
        // none, or with one alone (its methods and exactly the types they reach).
        if name == "finch-sdk" {
            clippy_with(&dir, &["--no-default-features"]);
            clippy_with(
                &dir,
                &["--no-default-features", "--features", "employer,blocking"],
            );
            clippy_with(
                &dir,
                &["--no-default-features", "--features", "other-types"],
            );
            // A sub-resource alone: of `employer`, only the accessor (its own methods, their
            // types and imports are the `employer` feature's).
            clippy_with(
                &dir,
                &[
                    "--no-default-features",
                    "--features",
                    "employer-benefits,blocking",
                ],
            );
        }
    }
}

/// No generated type takes a name the crate's root exports: Finch's `Error` schema is
/// `types::ErrorObject`, so `use finch_sdk::types::*` leaves `finch_sdk::Error` visible.
#[test]
fn types_do_not_shadow_the_crate_root() {
    let generated = files(&repo().join("examples/seeds/finch/finch.json"), "finch-sdk");
    let types: String = generated
        .iter()
        .filter(|f| f.path.starts_with("src/types/"))
        .map(|f| f.contents.as_str())
        .collect();
    for root in ["Error", "Page", "RequestOptions", "Finch", "FinchBuilder"] {
        for kind in ["struct", "enum", "type"] {
            let item = format!("pub {kind} {root} ");
            let generic = format!("pub {kind} {root}<");
            assert!(
                !types.contains(&item) && !types.contains(&generic),
                "a generated type is named {root}"
            );
        }
    }
    assert!(types.contains("pub struct ErrorObject {"));
}
