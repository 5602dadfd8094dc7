//! One document: Prism started on it, the Tern client loaded, every operation called with
//! generated values (required arguments only, then all), each failure checked with a plain
//! request.

use crate::plain;
use crate::prism::{self, Prism};
use crate::report::{Blame, DocumentReport, Failure, Mode};
use crate::values::{Call, Generator};
use crate::Options;
use futures_util::StreamExt;
use serde_json::Value as Json;
use std::path::Path;
use std::time::{Duration, Instant};
use tern_dynamic::{Args, CacheOptions, DynamicClient, DynamicError, MethodRef};
use tern_model::ApiModel;
use tern_plan::CredentialKind;

/// Values for one call, or why there are none.
type Values = Result<Call, String>;

/// How one call ended.
#[derive(Debug, Clone)]
enum Outcome {
    Accepted,
    /// Prism accepted the request, then found its own response (the spec's example) invalid.
    AcceptedBadResponse(String),
    NoValue(String),
    /// Tern's call failed; `plain` is what the plain request got (`Ok`: it passed).
    Failed {
        kind: Failed,
        message: String,
        plain: Result<String, String>,
    },
}

#[derive(Debug, Clone, Copy)]
enum Failed {
    Refused,
    Rejected,
    Other,
}

/// The client for `spec`, calling `url`, with a dummy credential for every credential the API
/// takes (by its credential plan: a token, basic auth, each API key), and none it does not
/// take — a credential no scheme asks for would go with every request.
async fn client(spec: &Path, url: &str, timeout: Duration) -> Result<DynamicClient, DynamicError> {
    let base = || {
        DynamicClient::builder()
            .spec_path(spec)
            .base_url(url)
            .cache(CacheOptions {
                enabled: false,
                ..Default::default()
            })
            .retry_policy(tern_runtime::NoRetry)
            .timeout(timeout)
    };
    // The plan is known once the description is modelled: a first client reads it.
    let first = base().build().await?;
    let auth = tern_plan::auth_plan(
        &first.api().model,
        &tern_plan::PlanOptions::new("conformance"),
    );
    if auth.credentials.is_empty() {
        return Ok(first);
    }
    let (mut token, mut basic) = (false, false);
    let mut b = base();
    for c in &auth.credentials {
        match &c.kind {
            CredentialKind::ApiKey { .. } => b = b.credential(c.method.clone(), "k"),
            CredentialKind::Basic => basic = true,
            _ => token = true,
        }
    }
    if token {
        b = b.bearer_token("t");
    }
    if basic {
        b = b.basic_auth("u", "p");
    }
    b.build().await
}

/// Prism's message for a rejected request: its first violation, else its title.
pub(crate) fn violation(status: u16, body: &[u8]) -> String {
    let json: Option<Json> = serde_json::from_slice(body).ok();
    let first = json
        .as_ref()
        .and_then(|j| j.get("validation")?.as_array()?.first().cloned());
    if let Some(v) = first {
        let at: Vec<String> = v
            .get("location")
            .and_then(Json::as_array)
            .map(|l| {
                l.iter()
                    .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let message = v.get("message").and_then(Json::as_str).unwrap_or_default();
        return format!("{status} {}: {message}", at.join("."));
    }
    let title = json
        .as_ref()
        .and_then(|j| {
            j.get("title")
                .or_else(|| j.get("detail"))?
                .as_str()
                .map(str::to_owned)
        })
        .unwrap_or_else(|| {
            String::from_utf8_lossy(body)
                .chars()
                .take(200)
                .collect::<String>()
        });
    format!("{status} {title}")
}

/// Whether Prism's answer is about its response only (`--errors` turns an example that does
/// not match its schema into a 500): the request itself was valid.
fn response_only(status: u16, body: &[u8]) -> bool {
    let json: Option<Json> = serde_json::from_slice(body).ok();
    let violations = json
        .as_ref()
        .and_then(|j| j.get("validation")?.as_array().cloned())
        .unwrap_or_default();
    status == 500
        && !violations.is_empty()
        && violations
            .iter()
            .all(|v| v.pointer("/location/0").and_then(Json::as_str) == Some("response"))
}

/// Calls one method with `values` through Tern; on failure, sends the plain request.
async fn exercise(
    m: MethodRef<'_>,
    model: &ApiModel,
    http: &reqwest::Client,
    url: &str,
    call: &Call,
) -> Outcome {
    let args = || {
        call.args
            .iter()
            .fold(Args::new(), |a, (n, v)| a.named(n.clone(), v.clone()))
    };
    let mut result = m.call_raw(args()).await;
    // Once more when the connection broke (Prism closing an idle keep-alive connection as it
    // is reused): the client has no retries, so that the first answer is the one measured.
    if matches!(
        &result,
        Err(DynamicError::Http(tern_runtime::Error::Connection { .. }))
    ) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        result = m.call_raw(args()).await;
    }
    let (kind, message) = match result {
        Ok(_) => return Outcome::Accepted,
        Err(DynamicError::Http(e)) => match e.api_error() {
            Some(api) if response_only(api.status.as_u16(), &api.body) => {
                return Outcome::AcceptedBadResponse(violation(api.status.as_u16(), &api.body));
            }
            // A redirect the spec documents: Prism validated the request before answering so.
            Some(api) if api.status.is_redirection() => return Outcome::Accepted,
            Some(api) => {
                let status = api.status.as_u16();
                let kind = if (400..500).contains(&status) {
                    Failed::Rejected
                } else {
                    Failed::Other
                };
                (kind, violation(status, &api.body))
            }
            None if matches!(e, tern_runtime::Error::InvalidRequest { .. }) => {
                (Failed::Refused, e.to_string())
            }
            None => (Failed::Other, e.to_string()),
        },
        Err(e) => (Failed::Refused, e.to_string()),
    };
    let plain = match plain::send(http, url, model, m.operation(), call).await {
        // Prism answered these values with a redirect the spec documents, so it validated
        // them; Tern followed it (to a host that is not there, or to a URL Prism does not
        // know). Statuses that say the request itself was wrong are still failures.
        Ok(r)
            if (300..400).contains(&r.status)
                && !matches!(kind, Failed::Refused)
                && ![400, 401, 403, 415, 422]
                    .iter()
                    .any(|s| message.starts_with(&format!("{s} "))) =>
        {
            return Outcome::Accepted;
        }
        Ok(r) if (200..400).contains(&r.status) => Ok(format!("accepted ({})", r.status)),
        Ok(r) if response_only(r.status, &r.body) => Ok(format!(
            "accepted; the response Prism made is invalid: {}",
            violation(r.status, &r.body)
        )),
        Ok(r) => Err(violation(r.status, &r.body)),
        Err(e) => Err(e),
    };
    Outcome::Failed {
        kind,
        message,
        plain,
    }
}

/// Adds one call's outcome to the report.
fn tally(report: &mut DocumentReport, m: &MethodRef<'_>, mode: Mode, outcome: Outcome) {
    let op = m.operation();
    let c = report.counts_mut(mode);
    let (blame, message, plain) = match outcome {
        Outcome::Accepted => {
            c.tried += 1;
            c.accepted += 1;
            return;
        }
        Outcome::AcceptedBadResponse(why) => {
            c.tried += 1;
            c.accepted += 1;
            c.bad_responses += 1;
            (
                Blame::Response,
                format!("accepted; the response Prism made is invalid: {why}"),
                None,
            )
        }
        Outcome::NoValue(why) => {
            c.no_value += 1;
            (Blame::NoValue, why, None)
        }
        Outcome::Failed {
            kind,
            message,
            plain,
        } => {
            c.tried += 1;
            let message = match kind {
                Failed::Refused => {
                    c.refused_by_tern += 1;
                    format!("refused by Tern: {message}")
                }
                Failed::Rejected => {
                    c.rejected_by_prism += 1;
                    format!("rejected by Prism: {message}")
                }
                Failed::Other => {
                    c.other += 1;
                    format!("failed: {message}")
                }
            };
            match plain {
                Ok(p) => {
                    c.tern_failures += 1;
                    (Blame::Tern, message, Some(p))
                }
                Err(p) => {
                    c.spec_defects += 1;
                    (Blame::Spec, message, Some(p))
                }
            }
        }
    };
    let name = &op.rest_name;
    report.failures.push(Failure {
        document: report.document.clone(),
        operation: format!("{} {}", op.method, op.path),
        method: format!("{}.{}", name.resource, name.method),
        mode,
        blame,
        message,
        plain,
    });
}

/// Starts Prism on a free port (once more if the port was taken meanwhile).
async fn start_prism(spec: &Path, opts: &Options) -> (String, Result<Prism, String>) {
    let mut last = String::new();
    for _ in 0..2 {
        let port = match prism::free_port() {
            Ok(p) => p,
            Err(e) => return (String::new(), Err(e.to_string())),
        };
        match Prism::start(&opts.prism, spec, port, &["--errors"], opts.prism_wait).await {
            Ok(p) => return (p.url.clone(), Ok(p)),
            Err(e) if e.contains("EADDRINUSE") => last = e,
            Err(e) => return (String::new(), Err(e)),
        }
    }
    (String::new(), Err(last))
}

/// A copy of a document made for Prism; removed when dropped.
struct PrismCopy(std::path::PathBuf);

impl Drop for PrismCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Remote `$ref`s renamed `x-remote-ref`: Prism resolves even `$ref` members of example
/// values (GitHub's SCIM examples link users so), which needs the network and is no
/// reference at all. Returns how many.
fn rename_remote_refs(v: &mut Json) -> usize {
    match v {
        Json::Object(m) => {
            let mut n = 0;
            let remote = m
                .get("$ref")
                .and_then(Json::as_str)
                .is_some_and(|r| r.starts_with("http://") || r.starts_with("https://"));
            if remote {
                if let Some(r) = m.remove("$ref") {
                    m.insert("x-remote-ref".into(), r);
                    n += 1;
                }
            }
            n + m.values_mut().map(rename_remote_refs).sum::<usize>()
        }
        Json::Array(items) => items.iter_mut().map(rename_remote_refs).sum(),
        _ => 0,
    }
}

/// The copy of a JSON document Prism is given where Prism could not validate the document as
/// Tern reads it, with what was changed: remote `$ref`s renamed (see
/// [`rename_remote_refs`]); `consumes: [application/json]` added to a Swagger 2.0 document
/// that declares none (Tern warns and sends JSON, as such APIs expect; Prism would refuse
/// every body with 415).
fn prism_copy(spec: &Path) -> Option<(PrismCopy, String)> {
    let mut doc: Json = serde_json::from_slice(&std::fs::read(spec).ok()?).ok()?;
    let mut changes = Vec::new();
    let refs = rename_remote_refs(&mut doc);
    if refs > 0 {
        changes.push(format!("{refs} remote $ref(s) in examples renamed"));
    }
    if let Some(root) = doc.as_object_mut() {
        if root.contains_key("swagger") && !root.contains_key("consumes") {
            root.insert("consumes".into(), serde_json::json!(["application/json"]));
            changes.push("consumes: [application/json] added".into());
        }
    }
    if changes.is_empty() {
        return None;
    }
    let name = spec.file_name()?.to_string_lossy();
    let path =
        std::env::temp_dir().join(format!("tern-conformance-{}-{}", std::process::id(), name));
    std::fs::write(&path, serde_json::to_vec(&doc).ok()?).ok()?;
    Some((
        PrismCopy(path),
        format!("prism given a copy: {}", changes.join("; ")),
    ))
}

/// Runs one document.
pub(crate) async fn run(spec: &Path, document: String, opts: &Options) -> DocumentReport {
    let started = Instant::now();
    let mut report = DocumentReport::new(document);
    let copy = prism_copy(spec);
    if let Some((_, note)) = &copy {
        report.note = Some(note.clone());
    }
    let (url, prism) = start_prism(copy.as_ref().map_or(spec, |(c, _)| &c.0), opts).await;
    let client = match client(spec, &url, opts.timeout).await {
        Ok(c) => c,
        Err(e) => {
            report.status = Some(format!("tern could not load: {e}"));
            report.seconds = started.elapsed().as_secs_f64();
            return report;
        }
    };
    let operations = client.api().model.operations.len();
    report.operations = operations;
    let _prism = match prism {
        Ok(p) => p,
        Err(e) => {
            report.status = Some(format!("prism could not load: {e}"));
            report.seconds = started.elapsed().as_secs_f64();
            return report;
        }
    };
    let http = reqwest::Client::builder()
        .timeout(opts.timeout)
        .redirect(reqwest::redirect::Policy::none())
        // A new connection per request: none is reused after Prism closed it.
        .pool_max_idle_per_host(0)
        .build()
        .unwrap_or_default();
    let mut generator = Generator::with_spec(&client.api().spec);
    let planned: Vec<(usize, Values, Values)> = (0..operations)
        .filter_map(|i| client.operation(i))
        .map(|m| {
            let required = generator.call(&m, false).map_err(|e| e.0);
            let all = generator.call(&m, true).map_err(|e| e.0);
            (m.index(), required, all)
        })
        .collect();
    let (http, url, client) = (&http, url.as_str(), &client);
    let model = &client.api().model;
    let results: Vec<(usize, Outcome, Outcome)> = futures_util::stream::iter(planned)
        .map(|(i, required, all)| async move {
            let Some(m) = client.operation(i) else {
                let none = Outcome::NoValue("no such operation".into());
                return (i, none.clone(), none);
            };
            let required_outcome = match &required {
                Ok(v) => exercise(m, model, http, url, v).await,
                Err(e) => Outcome::NoValue(e.clone()),
            };
            let all_outcome = match (&all, &required) {
                (Ok(a), Ok(r)) if a == r => required_outcome.clone(),
                (Ok(a), _) => exercise(m, model, http, url, a).await,
                (Err(e), _) => Outcome::NoValue(e.clone()),
            };
            (i, required_outcome, all_outcome)
        })
        .buffered(opts.in_flight.max(1))
        .collect()
        .await;
    for (i, required, all) in results {
        if let Some(m) = client.operation(i) {
            tally(&mut report, &m, Mode::RequiredOnly, required);
            tally(&mut report, &m, Mode::AllArguments, all);
        }
    }
    report.seconds = started.elapsed().as_secs_f64();
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prism_answers_are_read() {
        let body = br#"{"title":"Invalid request","status":422,"validation":[{"location":["query","limit"],"severity":"Error","code":"type","message":"Request query parameter limit must be integer"}]}"#;
        assert_eq!(
            violation(422, body),
            "422 query.limit: Request query parameter limit must be integer"
        );
        assert!(!response_only(422, body));
        let response = br#"{"status":500,"validation":[{"location":["response","body"],"message":"Response body must be array"}]}"#;
        assert!(response_only(500, response));
        assert_eq!(
            violation(401, br#"{"title":"Invalid security scheme used"}"#),
            "401 Invalid security scheme used"
        );
    }

    #[test]
    fn prism_copies_rename_remote_refs() {
        let mut doc = serde_json::json!({"components": {"examples": {"e": {"value": {"$ref": "https://x/y"}}}, "schemas": {"s": {"$ref": "#/components/schemas/t"}}}});
        assert_eq!(rename_remote_refs(&mut doc), 1);
        assert_eq!(
            doc["components"]["examples"]["e"]["value"]["x-remote-ref"],
            "https://x/y"
        );
        assert_eq!(
            doc["components"]["schemas"]["s"]["$ref"],
            "#/components/schemas/t"
        );
    }
}
