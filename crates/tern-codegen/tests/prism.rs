//! The seed SDKs against Prism, which validates every request against the spec: SDKs generated
//! from finch.json (with the Finch `tern.toml`), candid.yaml and civis.json call **every**
//! operation with valid example arguments; Prism must accept each request, and each response
//! must decode into the generated model. The seed READMEs' snippets, translated to Rust
//! (`examples/seeds/*/readme.rs`), run against Prism too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../tern-dynamic/tests/support/examples.rs"]
mod examples;
#[path = "../../tern-dynamic/tests/support/prism.rs"]
mod prism;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use tern_codegen::{generate, method_calls, Config, Options, RuntimeDependency};
use tern_model::{ApiModel, BodyKind, StringFormat, TypeRef};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A program calling every method once with example values for the arguments it requires.
fn every_operation_program(model: &ApiModel, opts: &Options) -> String {
    let krate = opts.crate_name.replace('-', "_");
    let client = &opts.client_name;
    let mut calls = String::new();
    let mut fns = String::new();
    for (n, m) in method_calls(model, opts).iter().enumerate() {
        let op = &model.operations[m.operation];
        let value = |i: usize| {
            let a = &op.arguments[i];
            let json = examples::for_argument(model, op, a).to_string();
            (
                json,
                // Plain strings are `&str` arguments; dates and UUIDs are typed.
                matches!(
                    a.ty.resolve(&model.types),
                    TypeRef::String(f) if !matches!(f, StringFormat::Date | StringFormat::DateTime | StringFormat::Uuid)
                ),
            )
        };
        let mut args: Vec<String> = m
            .positional
            .iter()
            .map(|&i| match value(i) {
                (json, true) => format!("&v::<String>({json:?})"),
                (json, false) => format!("v({json:?})"),
            })
            .collect();
        if let Some(params) = &m.params {
            let required: Vec<String> = m
                .required
                .iter()
                .map(|&i| {
                    let a = &op.arguments[i];
                    let binary = a.location == tern_model::ArgumentLocation::BodyProperty
                        && matches!(
                            a.ty.resolve(&model.types),
                            TypeRef::String(StringFormat::Binary)
                        );
                    // A whole body declared as bytes (an image).
                    let raw = a.location == tern_model::ArgumentLocation::Body
                        && op.request_body.as_ref().is_some_and(|b| {
                            b.contents.iter().all(|c| {
                                !matches!(
                                    c.kind,
                                    BodyKind::Json | BodyKind::Form | BodyKind::Multipart
                                )
                            })
                        });
                    if binary {
                        format!("{krate}::runtime::Upload::new(\"texture.png\", b\"\\x89PNG\".to_vec())")
                    } else if raw {
                        format!("{krate}::runtime::Bytes::from_static(b\"\\x89PNG\")")
                    } else {
                        match value(i) {
                            // `new` takes strings as `impl Into<String>`.
                            (json, true) => format!("v::<String>({json:?})"),
                            (json, false) => format!("v({json:?})"),
                        }
                    }
                })
                .collect();
            if m.builder {
                let setters: String = m
                    .required_fields
                    .iter()
                    .zip(&required)
                    .map(|(f, v)| format!(".{f}({v})"))
                    .collect();
                args.push(format!("{krate}::{params}::builder(){setters}.build()?"));
            } else {
                args.push(format!("{krate}::{params}::new({})", required.join(", ")));
            }
        }
        let label = format!("{} ({} {})", m.chain, op.method, op.path);
        let _ = writeln!(
            fns,
            "async fn call_{n}(client: &{krate}::{client}) -> Result<(), {krate}::Error> {{\n    client.{}({}).await.map(|_| ())\n}}\n",
            m.chain,
            args.join(", ")
        );
        let _ = writeln!(
            calls,
            "    report(&mut failures, {label:?}, call_{n}(&client).await);"
        );
    }
    format!(
        "//! Calls every operation once (written by the tern-codegen Prism test).\n#![allow(deprecated)]\n\nfn v<T: serde::de::DeserializeOwned>(json: &str) -> T {{\n    serde_json::from_str(json).unwrap_or_else(|e| panic!(\"example {{json}}: {{e}}\"))\n}}\n\nfn report(failures: &mut usize, label: &str, result: Result<(), {krate}::Error>) {{\n    match result {{\n        Ok(()) => println!(\"ok {{label}}\"),\n        Err(e) => {{\n            *failures += 1;\n            println!(\"FAIL {{label}}: {{e}}\");\n        }}\n    }}\n}}\n\n{fns}#[tokio::main(flavor = \"current_thread\")]\nasync fn main() {{\n    let client = {krate}::{client}::from_env().expect(\"client\");\n    let mut failures = 0;\n{calls}    println!(\"failures {{failures}}\");\n    std::process::exit(i32::from(failures > 0));\n}}\n"
    )
}

struct Seed {
    /// Spec file given to the generator and to Prism.
    spec: PathBuf,
    name: &'static str,
    config: Option<PathBuf>,
    /// Environment for `from_env`: credentials.
    env: Vec<(&'static str, &'static str)>,
}

/// Generates the SDK with its two example programs into a stable directory (so rebuilds are
/// incremental) and builds the examples; returns the crate directory and the options used.
fn build(seed: &Seed) -> (PathBuf, Options, usize) {
    let loaded = tern_spec::load_path(&seed.spec).unwrap();
    let (model, _) = tern_model::build(&loaded.spec);
    let mut opts = match &seed.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).unwrap();
            let config = Config::parse(&text, &path.display().to_string()).unwrap();
            config
                .check(&model, &text, &path.display().to_string())
                .unwrap();
            Options::with_config(seed.name, config)
        }
        None => Options::new(seed.name),
    };
    // The crate as users get it: the runtime carried inside (the default).
    assert_eq!(opts.runtime, RuntimeDependency::Embedded);
    // Inside Tern's tree, which does not list it as a member.
    opts.own_workspace = true;
    let dir = repo().join("target/codegen-e2e").join(seed.name);
    let files = generate(&model, &opts);
    // Sources an earlier generation wrote and this one does not (a module moved) are stale.
    remove_stale(&dir.join("src"), &files, &dir);
    for f in files {
        let path = dir.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        // Unchanged files keep their timestamps: cargo rebuilds only what changed.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(f.contents.as_str()) {
            std::fs::write(path, &f.contents).unwrap();
        }
    }
    let program = every_operation_program(&model, &opts);
    // Example names are unique across the seeds: their binaries share one target dir.
    let short = seed.name.trim_end_matches("-sdk");
    std::fs::write(
        dir.join(format!("examples/{short}_every_operation.rs")),
        program,
    )
    .unwrap();
    let readme = repo().join(format!("examples/seeds/{short}/readme.rs"));
    if readme.exists() {
        std::fs::copy(readme, dir.join(format!("examples/{short}_readme.rs"))).unwrap();
    }
    std::fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["build", "--quiet", "--examples", "--features", "blocking"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", target())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: examples do not build:\n{}",
        seed.name,
        String::from_utf8_lossy(&out.stderr)
    );
    let count = model.operations.len();
    (dir, opts, count)
}

fn target() -> PathBuf {
    repo().join("target/codegen-check")
}

/// Runs an example of the generated crate against Prism; returns its output.
fn run_example(seed: &Seed, opts: &Options, example: &str, url: &str) -> (bool, String) {
    // As the generated `from_env` names its variables.
    let prefix = heck::ToShoutySnakeCase::to_shouty_snake_case(opts.client_name.as_str());
    let bin = target().join("debug/examples").join(example);
    let mut cmd = Command::new(bin);
    cmd.env(format!("{prefix}_BASE_URL"), url);
    for (k, v) in &seed.env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn check(seed: Seed) {
    let (_, opts, operations) = build(&seed);
    // Responses generated from the schemas: what the model must decode. (The spec's own
    // examples do not always match its schemas.)
    let Some(prism) = prism::start_with(&seed.spec, &["--dynamic"]) else {
        return;
    };
    let short = seed.name.trim_end_matches("-sdk");
    let (ok, output) = run_example(
        &seed,
        &opts,
        &format!("{short}_every_operation"),
        &prism.url,
    );
    let calls = output.lines().filter(|l| l.starts_with("ok ")).count();
    assert!(ok, "{}: not every call passed:\n{output}", seed.name);
    assert_eq!(
        calls, operations,
        "{}: every operation is called",
        seed.name
    );
    drop(prism);
    // The seed README translated to Rust, against the spec's own examples.
    if !repo()
        .join(format!("examples/seeds/{short}/readme.rs"))
        .exists()
    {
        return;
    }
    let Some(prism) = prism::start(&seed.spec) else {
        return;
    };
    let (ok, output) = run_example(&seed, &opts, &format!("{short}_readme"), &prism.url);
    assert!(ok, "{}: the README example failed:\n{output}", seed.name);
}

#[test]
fn finch_sdk_calls_every_operation() {
    let spec = prism::seed("finch.json");
    check(Seed {
        spec,
        name: "finch-sdk",
        config: Some(repo().join("examples/seeds/finch/tern.toml")),
        env: vec![
            ("FINCH_ACCESS_TOKEN", "test-token"),
            ("FINCH_USERNAME", "client-id"),
            ("FINCH_PASSWORD", "client-secret"),
        ],
    });
}

#[test]
fn candid_sdk_calls_every_operation() {
    let spec = prism::seed("candid.yaml");
    // No token is given: the client fetches one from the API's own `/auth/v2/token`.
    check(Seed {
        spec,
        name: "candid-sdk",
        config: None,
        env: vec![
            ("CANDID_CLIENT_ID", "YOUR_CLIENT_ID"),
            ("CANDID_CLIENT_SECRET", "YOUR_CLIENT_SECRET"),
        ],
    });
}

#[test]
fn civis_sdk_calls_every_operation() {
    let spec = prism::seed("civis.json");
    // civis.json declares no `consumes`, so Prism accepts no request body at all (415): a copy
    // with `consumes: [application/json]`, patched as text to keep the key order.
    let text = std::fs::read_to_string(spec).unwrap().replacen(
        '{',
        r#"{"consumes":["application/json"],"#,
        1,
    );
    let patched = repo().join("target/codegen-e2e/civis-consumes.json");
    std::fs::create_dir_all(patched.parent().unwrap()).unwrap();
    std::fs::write(&patched, text).unwrap();
    check(Seed {
        spec: patched,
        name: "civis-sdk",
        config: Some(repo().join("examples/seeds/civis/tern.toml")),
        env: vec![("CIVIS_API_KEY", "test-key")],
    });
}

/// Removes the files under `src` that `files` do not name.
fn remove_stale(src: &Path, files: &[tern_codegen::GeneratedFile], dir: &Path) {
    let Ok(entries) = std::fs::read_dir(src) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            remove_stale(&path, files, dir);
        } else if let Ok(rel) = path.strip_prefix(dir) {
            if !files.iter().any(|f| Path::new(&f.path) == rel) {
                std::fs::remove_file(&path).unwrap();
            }
        }
    }
}

#[test]
fn shapes_fixture_calls_every_operation() {
    // Multipart uploads, binary downloads, server-sent events, a tagged union, a header the
    // client sends by default, and two API keys required together (Prism refuses a request
    // without both), against Prism.
    check(Seed {
        spec: Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shapes.yaml"),
        name: "shapes-sdk",
        config: None,
        env: vec![("SHAPES_API_KEY", "test-key"), ("SHAPES_PARTNER_ID", "p-1")],
    });
}

/// The SDKs of a fixed sample of the corpus call every operation against Prism, as the seeds'
/// do: the documents are listed, `:`-separated, in `TERN_PRISM_SDK_SAMPLE` (`.ci/run` passes
/// some of `../shared/specs`, which this repository does not carry), with a dummy value for
/// every credential their `from_env` reads.
#[test]
#[ignore = "needs documents outside the repository: .ci/run runs it with TERN_PRISM_SDK_SAMPLE"]
fn corpus_sample_sdks_call_every_operation() {
    let sample = std::env::var("TERN_PRISM_SDK_SAMPLE")
        .expect("TERN_PRISM_SDK_SAMPLE lists the documents (`:`-separated)");
    for path in sample.split(':').filter(|p| !p.is_empty()) {
        // Relative paths are the repository's (the tests run in the crate's directory).
        let spec = repo().join(path);
        let stem = spec
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace('_', "-");
        let name: &'static str = Box::leak(format!("{stem}-sdk").into_boxed_str());
        let loaded = tern_spec::load_path(&spec).unwrap();
        let (model, _) = tern_model::build(&loaded.spec);
        let auth = tern_plan::auth_plan(&model, &Options::new(name).plan_options());
        let env = auth
            .credentials
            .iter()
            .flat_map(|c| c.env.iter())
            .map(|var| (&*Box::leak(var.clone().into_boxed_str()), "test-value"))
            .collect();
        check(Seed {
            spec,
            name,
            config: None,
            env,
        });
    }
}
