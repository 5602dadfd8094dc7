//! `tern call` as a user runs it, against Prism mocking civis.json and finch.json: help at every
//! level, calls across verbs, pagination, output formats, and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../tern-dynamic/tests/support/prism.rs"]
mod prism;

use std::process::Command;

fn tern(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(args)
        .env_remove("TERN_API_KEY")
        .env_remove("TERN_BEARER_TOKEN")
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn civis_through_the_cli() {
    let original = prism::seed("civis.json");
    // Prism needs the `consumes` civis.json leaves out to accept bodies (see tern-dynamic's prism tests).
    // Patched as text: re-serialising would reorder keys, and with them argument order.
    let text = std::fs::read_to_string(&original).unwrap().replacen(
        '{',
        r#"{"consumes":["application/json"],"#,
        1,
    );
    let spec_path =
        std::env::temp_dir().join(format!("tern-cli-civis-{}.json", std::process::id()));
    std::fs::write(&spec_path, text).unwrap();
    let Some(server) = prism::start(&spec_path) else {
        return;
    };
    let spec = spec_path.to_str().unwrap();
    let base = [
        "call",
        "--spec",
        spec,
        "--base-url",
        server.url.as_str(),
        "--api-key",
        "k",
    ];
    let run = |extra: &[&str]| tern(&[&base[..], extra].concat());

    // Help at every level, from the spec.
    let (code, out, _) = tern(&["call", "--spec", spec, "--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Civis Analytics API")
            && out.contains("workflows")
            && out.contains("method(s)"),
        "{out}"
    );
    let (code, out, _) = tern(&["call", "--spec", spec, "workflows", "--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("workflows.list_executions(id, *, limit, page_num, order, order_dir)"),
        "{out}"
    );
    let (code, out, _) = tern(&[
        "call",
        "--spec",
        spec,
        "workflows",
        "list-executions",
        "--help",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("GET /workflows/{id}/executions")
            && out.contains("id: integer (path, required)"),
        "{out}"
    );

    // A dozen calls across verbs; kebab-case names; options after the words.
    let calls: &[&[&str]] = &[
        &["workflows", "list", "--limit", "2"],
        &["workflows", "get", "1"],
        &["workflows", "list-executions", "1", "--limit", "3"],
        &["workflows", "post", "my flow"],
        &["workflows", "patch", "1", "--name", "renamed"],
        &["workflows", "put-archive", "1", "true"],
        &["users", "get-me"],
        &["users", "list-me"],
        &["scripts", "list", "--type", "sql"],
        &["projects", "post", "p", "d"],
        &[
            "credentials",
            "post",
            "Custom",
            "--username",
            "u",
            "--password",
            "p",
        ],
        &["databases", "list"],
        &["workflows", "delete-shares-users", "1", "2"],
    ];
    for words in calls {
        let (code, out, err) = run(words);
        assert_eq!(code, 0, "{words:?}: {err}");
        assert!(
            serde_json::from_str::<serde_json::Value>(&out).is_ok()
                || out.trim().is_empty()
                || out.trim() == "null",
            "{words:?}: {out}"
        );
    }

    // YAML output.
    let (code, out, _) = run(&["workflows", "get", "1", "--output", "yaml"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("\nname: ") || out.starts_with("name: ") || out.contains("id: "),
        "{out}"
    );

    // --all-pages: JSON lines (one page here: Prism returns fewer items than the limit).
    let (code, out, _) = run(&["workflows", "list", "--limit", "50", "--all-pages"]);
    assert_eq!(code, 0);
    assert!(
        !out.is_empty()
            && out
                .lines()
                .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()),
        "{out}"
    );

    // Exit codes: usage (2), HTTP (3: Prism rejects a call without credentials), connection (4).
    let (code, _, err) = run(&["workflows", "launch"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`workflows` has no method `launch`"), "{err}");
    let (code, _, err) = run(&["workflows", "get", "not-a-number"]);
    assert_eq!(code, 2);
    assert!(err.contains("argument `id` is invalid"), "{err}");
    let (code, _, err) = tern(&[
        "call",
        "--spec",
        spec,
        "--base-url",
        server.url.as_str(),
        "users",
        "get-me",
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("HTTP 401"), "{err}");
    let (code, _, err) = tern(&[
        "call",
        "--spec",
        spec,
        "--base-url",
        "http://127.0.0.1:9",
        "--retry",
        "none",
        "users",
        "get-me",
    ]);
    assert_eq!(code, 4, "{err}");
    let (code, _, _) = tern(&["call", "--spec", "no/such/spec.json", "users", "get-me"]);
    assert_eq!(code, 1);
    let _ = std::fs::remove_file(&spec_path);
}

#[test]
fn finch_through_the_cli() {
    let spec = prism::seed("finch.json");
    let Some(server) = prism::start(&spec) else {
        return;
    };
    let spec = spec.to_str().unwrap();
    let (code, out, err) = Command::new(env!("CARGO_BIN_EXE_tern"))
        .args([
            "call",
            "--spec",
            spec,
            "--base-url",
            server.url.as_str(),
            "employer",
            "list-directory",
            "--limit",
            "5",
        ])
        .env("TERN_BEARER_TOKEN", "from-env")
        .output()
        .map(|o| {
            (
                o.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&o.stdout).into_owned(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .unwrap();
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["individuals"].is_array());
    let (code, out, err) = tern(&[
        "call",
        "--spec",
        spec,
        "--base-url",
        server.url.as_str(),
        "--bearer-token",
        "t",
        "employer",
        "post-individual",
        "--body",
        r#"{"requests": [{"individual_id": "5d0b10a1-a09a-430f-81f1-20be735dc5e9"}]}"#,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("responses"), "{out}");
    let (code, out, err) = tern(&[
        "call",
        "--spec",
        spec,
        "--base-url",
        server.url.as_str(),
        "--bearer-token",
        "t",
        "employer",
        "get-directory",
        "--limit",
        "10",
        "--all-pages",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines().count() >= 1
            && out
                .lines()
                .all(|l| serde_json::from_str::<serde_json::Value>(l)
                    .is_ok_and(|v| v.get("id").is_some())),
        "{out}"
    );
    let (code, _, err) = tern(&[
        "call",
        "--spec",
        spec,
        "--base-url",
        server.url.as_str(),
        "employer",
        "get-company",
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("HTTP 401"), "{err}");
}
