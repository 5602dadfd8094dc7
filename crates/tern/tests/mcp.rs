//! `tern mcp` with a real MCP client: the official Python SDK (PyPI `mcp`, installed by
//! `scripts/test.sh` into `.tools/mcp-venv`) drives `tern mcp` over stdio and over streamable
//! HTTP, against Prism serving the seed specs: it lists the tools, calls a read and a write
//! operation of each seed (Prism validates each request), and sees a tool error that names an
//! invalid argument. Civis (910 operations) is served in discover mode.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../tern-dynamic/tests/support/examples.rs"]
mod examples;
#[path = "../../tern-dynamic/tests/support/prism.rs"]
mod prism;

use serde_json::{json, Value as Json};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Python client's interpreter; `None` (skipped) outside CI when it is not installed.
fn python() -> Option<PathBuf> {
    let python = repo().join(".tools/mcp-venv/bin/python");
    if python.exists() {
        return Some(python);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the MCP client is not installed at {}: scripts/test.sh installs it",
        python.display()
    );
    eprintln!("MCP client not installed (run scripts/test.sh): skipped");
    None
}

/// Runs the Python client on a plan; its report.
fn client(python: &Path, plan: &Json) -> Json {
    let file = std::env::temp_dir().join(format!(
        "tern-mcp-plan-{}-{}.json",
        std::process::id(),
        fastrand_suffix()
    ));
    std::fs::write(&file, plan.to_string()).unwrap();
    let out = Command::new(python)
        .arg(repo().join("crates/tern/tests/support/mcp_client.py"))
        .arg(&file)
        .env_remove("TERN_API_KEY")
        .env_remove("TERN_BEARER_TOKEN")
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the MCP client failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn fastrand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// Required arguments of the operation `resource.method` (but those the spec gives a default,
/// such as Finch's version and content-type headers), with example values.
fn example_arguments(spec: &Path, resource: &str, method: &str) -> Json {
    let loaded = tern_spec::load_path(spec).unwrap();
    let (model, _) = tern_model::build(&loaded.spec);
    let op = model
        .operations
        .iter()
        .find(|o| o.rest_name.resource == resource && o.rest_name.method == method)
        .unwrap_or_else(|| panic!("{resource}.{method}"));
    let mut args = serde_json::Map::new();
    for a in op
        .arguments
        .iter()
        .filter(|a| a.required && a.default.is_none())
    {
        args.insert(a.name.clone(), examples::for_argument(&model, op, a));
    }
    Json::Object(args)
}

/// `tern mcp` over streamable HTTP on a free port; killed on drop.
struct HttpServer {
    child: Child,
    url: String,
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http_server(args: &[String]) -> HttpServer {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(args)
        .args([
            "--transport",
            "http",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env_remove("TERN_API_KEY")
        .env_remove("TERN_BEARER_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "tern mcp did not listen"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    HttpServer {
        child,
        url: format!("http://127.0.0.1:{port}/mcp"),
    }
}

/// The same plan over stdio and over HTTP; both reports.
fn both_transports(python: &Path, server_args: &[String], calls: &Json) -> [Json; 2] {
    let mut command = vec![env!("CARGO_BIN_EXE_tern").to_owned()];
    command.extend(server_args.iter().cloned());
    let stdio = client(
        python,
        &json!({"transport": "stdio", "command": command, "calls": calls}),
    );
    let server = http_server(server_args);
    let http = client(
        python,
        &json!({"transport": "http", "url": server.url, "calls": calls}),
    );
    [stdio, http]
}

fn call(report: &Json, i: usize) -> (&Json, bool, &str) {
    let c = &report["calls"][i];
    (
        c,
        c["is_error"].as_bool().unwrap(),
        c["text"].as_str().unwrap_or_default(),
    )
}

fn args(spec: &Path, prism: &str, extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ["mcp", "--spec", spec.to_str().unwrap(), "--base-url", prism]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    v.extend(extra.iter().map(|s| (*s).to_owned()));
    v
}

#[test]
fn finch_and_candid_as_tools() {
    let Some(python) = python() else { return };
    for (seed, credentials, read, write, invalid) in [
        (
            "finch.json",
            ["--bearer-token", "t"],
            ("employer", "get_company"),
            ("employer", "post_individual"),
            "employer_get_company",
        ),
        (
            "candid.yaml",
            ["--bearer-token", "t"],
            ("payers", "list_v3"),
            ("auth", "post_v2_token"),
            "payers_get_v3",
        ),
    ] {
        let spec = prism::seed(seed);
        let Some(prism) = prism::start(&spec) else {
            return;
        };
        let server_args = args(&spec, &prism.url, &credentials);
        let calls = json!([
            {"tool": format!("{}_{}", read.0, read.1), "arguments": example_arguments(&spec, read.0, read.1)},
            {"tool": format!("{}_{}", write.0, write.1), "arguments": example_arguments(&spec, write.0, write.1)},
            {"tool": invalid, "arguments": {"no_such_argument": 1}},
        ]);
        for report in both_transports(&python, &server_args, &calls) {
            let tools = report["tools"].as_array().unwrap();
            assert!(
                tools
                    .iter()
                    .any(|t| t == &json!(format!("{}_{}", read.0, read.1))),
                "{seed}: {report}"
            );
            for i in 0..2 {
                let (c, is_error, text) = call(&report, i);
                assert!(!is_error, "{seed}: Prism refused {c}");
                serde_json::from_str::<Json>(text)
                    .unwrap_or_else(|e| panic!("{seed}: not JSON ({e}): {text}"));
            }
            let (_, is_error, text) = call(&report, 2);
            assert!(is_error, "{seed}: {text}");
            assert!(text.contains("`no_such_argument`"), "{seed}: {text}");
        }
    }
}

#[test]
fn civis_is_discovered_searched_and_called() {
    let Some(python) = python() else { return };
    // Prism needs the `consumes` civis.json leaves out to accept bodies (see tern-dynamic's
    // Prism tests); patched as text.
    let text = std::fs::read_to_string(prism::seed("civis.json"))
        .unwrap()
        .replacen('{', r#"{"consumes":["application/json"],"#, 1);
    let spec = std::env::temp_dir().join(format!("tern-mcp-civis-{}.json", std::process::id()));
    std::fs::write(&spec, text).unwrap();
    let Some(prism) = prism::start(&spec) else {
        return;
    };
    // A key that must never show in a result.
    let key = "sekrit-civis-key-7f3a";
    let server_args = args(&spec, &prism.url, &["--api-key", key]);
    let calls = json!([
        {"tool": "search_operations", "arguments": {"query": "workflow executions"}},
        {"tool": "describe_operation", "arguments": {"operation": "workflows_get"}},
        {"tool": "call_operation", "arguments": {"operation": "workflows_get", "arguments": {"id": 1}}},
        {"tool": "call_operation", "arguments": {"operation": "workflows_post", "arguments": example_arguments(&spec, "workflows", "post")}},
        {"tool": "call_operation", "arguments": {"operation": "workflows_get", "arguments": {"id": "not a number"}}},
        {"tool": "call_operation", "arguments": {"operation": "workflows_list", "arguments": {"limit": 1, "all_pages": true, "max_items": 3}}},
    ]);
    for report in both_transports(&python, &server_args, &calls) {
        assert_eq!(
            report["tools"],
            json!(["search_operations", "describe_operation", "call_operation"])
        );
        let (c, is_error, _) = call(&report, 0);
        assert!(!is_error);
        let found = c["structured"]["operations"].as_array().unwrap();
        assert!(!found.is_empty());
        assert!(
            found[0]["name"].as_str().unwrap().starts_with("workflows_"),
            "{c}"
        );
        let (c, is_error, _) = call(&report, 1);
        assert!(!is_error);
        assert_eq!(c["structured"]["path"], "/workflows/{id}");
        assert_eq!(
            c["structured"]["input_schema"]["required"],
            json!(["id"]),
            "{c}"
        );
        for i in [2, 3] {
            let (c, is_error, text) = call(&report, i);
            assert!(!is_error, "Prism refused {c}");
            assert!(
                serde_json::from_str::<Json>(text).unwrap().is_object(),
                "{text}"
            );
        }
        let (_, is_error, text) = call(&report, 4);
        assert!(
            is_error && text.contains("argument `id` is invalid"),
            "{text}"
        );
        // Every page, cut at max_items: Prism answers every page alike.
        let (_, is_error, text) = call(&report, 5);
        assert!(!is_error, "{text}");
        let items: Json = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(items.as_array().unwrap().len(), 3, "{text}");
        assert!(text.contains("stopped after max_items = 3"), "{text}");
        assert!(
            !report.to_string().contains(key),
            "the API key leaked: {report}"
        );
    }
    let _ = std::fs::remove_file(&spec);
}

#[test]
fn the_agents_authorization_is_forwarded_only_when_asked() {
    let Some(python) = python() else { return };
    let spec = prism::seed("finch.json");
    let Some(prism) = prism::start(&spec) else {
        return;
    };
    let token = "Bearer agent-token-91c2";
    let calls = json!([{"tool": "employer_get_company", "arguments": {}}]);
    for (forward, accepted) in [(true, true), (false, false)] {
        // No credentials of the server's own.
        let mut server_args = args(&spec, &prism.url, &[]);
        if forward {
            server_args.push("--forward-authorization".into());
        }
        let server = http_server(&server_args);
        let report = client(
            &python,
            &json!({"transport": "http", "url": server.url, "headers": {"Authorization": token}, "calls": calls}),
        );
        let (c, is_error, text) = call(&report, 0);
        assert_eq!(!is_error, accepted, "forward {forward}: {c}");
        if !accepted {
            assert!(text.contains("HTTP 401"), "{text}");
        }
        assert!(!report.to_string().contains("agent-token-91c2"), "{report}");
    }
}
