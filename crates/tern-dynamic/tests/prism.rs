//! End to end against Prism, which validates every request against the spec: every operation
//! of civis.json and finch.json is called with valid example arguments and must be accepted;
//! pagination runs over several pages; a request Prism rejects surfaces as a typed error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use futures_util::StreamExt;
use support::{examples, prism};
use tern_dynamic::{Args, CacheOptions, DynamicClient, DynamicError};

async fn client(spec: &std::path::Path, url: &str, auth: &str) -> DynamicClient {
    let b = DynamicClient::builder()
        .spec_path(spec)
        .base_url(url)
        .cache(CacheOptions {
            enabled: false,
            ..Default::default()
        })
        .retry_policy(tern_runtime::NoRetry);
    let b = match auth {
        "bearer" => b
            .bearer_token("test-token")
            .basic_auth("client-id", "client-secret"),
        "api-key" => b.api_key("test-key"),
        _ => b,
    };
    b.build().await.unwrap()
}

/// Calls every operation with example values for its required arguments; returns failures.
async fn call_everything(client: &DynamicClient) -> (usize, Vec<String>) {
    let model = &client.api().model;
    let mut failures = Vec::new();
    let mut calls = 0;
    for resource in client.resources() {
        let r = client.resource(resource).unwrap();
        for name in r.methods() {
            let m = r.method(name).unwrap();
            let op = m.operation();
            let mut args = Args::new();
            for a in op
                .arguments
                .iter()
                .filter(|a| a.required && a.default.is_none())
            {
                args = args.named(a.name.clone(), examples::for_argument(model, op, a));
            }
            calls += 1;
            match m.call(args).await {
                Ok(r) if r.status.is_success() => {}
                Ok(r) => failures.push(format!("{resource}.{name}: {}", r.status)),
                Err(e) => failures.push(format!(
                    "{resource}.{name} ({} {}): {e}",
                    op.method, op.path
                )),
            }
        }
    }
    (calls, failures)
}

/// civis.json declares no `consumes`, so Prism accepts no request body at all (415) — Tern
/// warns and assumes JSON, as the real API expects. This writes a copy with
/// `consumes: [application/json]` added, so Prism validates every body against its schema.
fn civis_with_consumes(spec: &std::path::Path) -> std::path::PathBuf {
    // Patched as text: re-serialising would reorder keys, and with them argument order.
    let text = std::fs::read_to_string(spec).unwrap().replacen(
        '{',
        r#"{"consumes":["application/json"],"#,
        1,
    );
    let path =
        std::env::temp_dir().join(format!("tern-civis-consumes-{}.json", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_civis_operation_is_accepted_by_prism() {
    let original = prism::seed("civis.json");
    let loaded = tern_spec::load_path(&original).unwrap();
    let (_, diagnostics) = tern_model::build(&loaded.spec);
    assert!(
        diagnostics.iter().any(|d| d.code == "missing-consumes"),
        "the missing `consumes` is reported"
    );

    let spec = civis_with_consumes(&original);
    let Some(server) = prism::start(&spec) else {
        return;
    };
    let client = client(&spec, &server.url, "api-key").await;
    let (calls, failures) = call_everything(&client).await;
    assert_eq!(calls, 910);
    assert!(
        failures.is_empty(),
        "{} of {calls} calls failed:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // A paginated list read across pages (Prism answers every page, so take five).
    let list = client
        .resource("workflows")
        .unwrap()
        .method("list")
        .unwrap();
    let items: Vec<_> = list
        .paginate(Args::new().named("limit", 1))
        .await
        .unwrap()
        .take(5)
        .collect()
        .await;
    assert_eq!(items.len(), 5);
    assert!(items.iter().all(Result::is_ok));

    // Without credentials Prism rejects the request: a typed 401.
    let anonymous = self::client(&spec, &server.url, "none").await;
    let err = anonymous
        .resource("users")
        .unwrap()
        .method("get_me")
        .unwrap()
        .call(Args::new())
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            DynamicError::Http(tern_runtime::Error::Authentication(_))
        ),
        "{err}"
    );
    let _ = std::fs::remove_file(&spec);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_finch_operation_is_accepted_by_prism() {
    let spec = prism::seed("finch.json");
    let Some(server) = prism::start(&spec) else {
        return;
    };
    let client = client(&spec, &server.url, "bearer").await;
    let (calls, failures) = call_everything(&client).await;
    assert_eq!(calls, 38);
    assert!(
        failures.is_empty(),
        "{} of {calls} calls failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let directory = client
        .resource("employer")
        .unwrap()
        .method("get_directory")
        .unwrap();
    let r = directory.call(Args::new().named("limit", 5)).await.unwrap();
    assert!(r.get("individuals").is_some_and(|v| v.is_array()));

    // Offset pagination over `individuals` (Prism answers every page alike, so take five).
    assert!(directory.paginator().is_some());
    let items: Vec<_> = directory
        .paginate(Args::new().named("limit", 1))
        .await
        .unwrap()
        .take(5)
        .collect()
        .await;
    assert_eq!(items.len(), 5);
    assert!(items
        .iter()
        .all(|i| i.as_ref().is_ok_and(|v| v.get("id").is_some())));

    // Without the bearer token Prism rejects the request: a typed 401.
    let anonymous = self::client(&spec, &server.url, "none").await;
    let err = anonymous
        .resource("employer")
        .unwrap()
        .method("get_company")
        .unwrap()
        .call(Args::new())
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            DynamicError::Http(tern_runtime::Error::Authentication(_))
        ),
        "{err}"
    );
}
