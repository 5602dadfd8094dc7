//! `tern generate` as a user runs it: a crate that is `cargo fmt`-clean, names from a
//! `tern.toml`, and clear errors (with line:column) for a broken configuration.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support {
    pub mod cli;
}

use std::path::PathBuf;
use std::process::Command;
use support::cli::{repo, tern};

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tern-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn generated_crates_are_rustfmt_clean_and_use_the_config() {
    let dir = out_dir("finch");
    let spec = repo().join("examples/seeds/finch/finch.json");
    let config = Some(repo().join("examples/seeds/finch/tern.toml"));
    let mut args = vec![
        "generate".to_owned(),
        spec.display().to_string(),
        "-o".into(),
        dir.display().to_string(),
    ];
    if let Some(c) = &config {
        args.extend(["--config".into(), c.display().to_string()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, err) = tern(&args);
    assert_eq!(code, 0, "{err}");
    // Every file went through rustfmt: leaf files (one module a type) by path, in batches.
    assert!(!err.contains("rustfmt did not run cleanly"), "{err}");
    let type_modules = std::fs::read_dir(dir.join("src/types")).unwrap().count();
    assert!(type_modules > 64, "{type_modules} files in src/types");
    let fmt = Command::new("cargo")
        .args(["fmt", "--check"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        fmt.status.success(),
        "not rustfmt-clean:\n{}",
        String::from_utf8_lossy(&fmt.stdout)
    );
    if config.is_some() {
        let directory =
            std::fs::read_to_string(dir.join("src/resources/hris/directory.rs")).unwrap();
        assert!(
            directory.contains("pub fn list_individuals("),
            "{directory}"
        );
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        assert!(manifest.contains("name = \"finch-sdk\""), "{manifest}");
    }
}

#[test]
fn config_errors_name_the_line_and_column() {
    let config = std::env::temp_dir().join(format!("tern-bad-{}.toml", std::process::id()));
    std::fs::write(&config, "[package]\nname = \"x\"\ncolour = \"blue\"\n").unwrap();
    let dir = out_dir("bad");
    let (code, err) = tern(&[
        "generate",
        "examples/specs/workflows.yaml",
        "-o",
        &dir.display().to_string(),
        "--config",
        &config.display().to_string(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(":3:1:") && err.contains("colour"), "{err}");

    std::fs::write(&config, "[operations.\"GET /nowhere\"]\nname = \"a.b\"\n").unwrap();
    let (code, err) = tern(&[
        "generate",
        "examples/specs/workflows.yaml",
        "-o",
        &dir.display().to_string(),
        "--config",
        &config.display().to_string(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("GET /nowhere") && err.contains(":1:"), "{err}");
}
