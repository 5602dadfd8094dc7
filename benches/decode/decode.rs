//! Decoding realistic responses with generated SDK types (issue #13): the bytes of a list
//! response into `Vec<T>`, where `T` is the item type the list method returns, for the types of
//! the current generator ("now"), of the baseline generator ("base", commit 6aa0e5a) and, as
//! yardsticks, `serde_json::Value` and parsing alone (`IgnoredAny`: the ceiling of any decoder
//! built on serde_json).
//!
//! Template: `scripts/bench-decode.sh` copies this file into two standalone bench crates, one
//! for the current generator's SDKs and one for the baseline's, each built with its SDKs' own
//! dependency features as their users get them (the baseline's enabled serde_json's
//! `preserve_order`; the current ones do not). Each crate's `src/lib.rs` names its `VARIANT`
//! ("now" or "base"), its two item types (`Github`, `Civis`) and `decode_body`, which decodes
//! as its SDK's runtime does: "now" through the current runtime's `runtime::model::from_json`,
//! "base" with `serde_json::from_slice` (the baseline runtime's way). Each crate also measures
//! `Value` (`serde_json::from_slice`, as `value-now` / `value-base`). Its `data/` holds the
//! fixtures of `benches/decode/`.
//!
//! Before measuring, the "now" crate checks that its types round-trip the fixtures: decode → encode
//! gives the input back as a JSON value (unknown members and enum values included) — except
//! that a response member sent as `null` may come back absent (response types read absent and
//! `null` alike, as `None`; issue #16) — and decoding that again gives equal values. A failure
//! prints where the values part and exits 1 (unless TERN_DECODE_KEEP_GOING is set: then it only
//! warns, and measures).

use std::hint::black_box;
use std::process::exit;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::Serialize;
use serde_json::Value;
use tern_bench_decode::{decode_body, Civis, Github, STRICT, VARIANT};

const REPOS: &[u8] = include_bytes!("../data/repos.json");
const WORKFLOWS: &[u8] = include_bytes!("../data/workflows.json");
/// What the real Civis API sent (the spec's x-examples); not schema-conformant.
const CIVIS_EXAMPLE: &[u8] = include_bytes!("../data/civis-example.json");

/// Every place two JSON values differ: (JSON pointer, what differs).
fn differences(path: &str, want: &Value, got: &Value, out: &mut Vec<(String, String)>) {
    match (want, got) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let p = format!("{path}/{}", k.replace('~', "~0").replace('/', "~1"));
                match b.get(k) {
                    // Absent and null read alike in response types (see the module docs).
                    None if v.is_null() => {}
                    None => out.push((p, format!("missing after re-encoding (input: {v})"))),
                    Some(w) => differences(&p, v, w, out),
                }
            }
            for (k, v) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
                out.push((format!("{path}/{k}"), format!("added by re-encoding ({v})")));
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                differences(&format!("{path}/{i}"), v, w, out);
            }
        }
        _ if want == got => {}
        _ => out.push((path.to_string(), format!("input {want}, re-encoded {got}"))),
    }
}

/// The differences grouped by member (array indices as `*`): count and first example each.
fn describe(diffs: &[(String, String)]) -> String {
    let mut groups: Vec<(String, usize, String)> = Vec::new();
    for (pointer, what) in diffs {
        let shape: Vec<&str> = pointer
            .split('/')
            .map(|s| if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) { "*" } else { s })
            .collect();
        let shape = shape.join("/");
        match groups.iter_mut().find(|g| g.0 == shape) {
            Some(g) => g.1 += 1,
            None => groups.push((shape, 1, format!("{pointer}: {what}"))),
        }
    }
    let mut text = format!("{} differences in {} members:", diffs.len(), groups.len());
    for (shape, n, example) in groups.iter().take(12) {
        text.push_str(&format!("\n    {shape} ×{n}, e.g. {example}"));
    }
    text
}

/// decode → encode → decode; Err says what went wrong.
fn round_trip<T>(bytes: &[u8]) -> Result<(), String>
where
    T: DeserializeOwned + Serialize + PartialEq,
{
    let input: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    let typed: Vec<T> = serde_json::from_slice(bytes).map_err(|e| format!("decode: {e}"))?;
    let encoded = serde_json::to_vec(&typed).map_err(|e| format!("encode: {e}"))?;
    let back: Value = serde_json::from_slice(&encoded).map_err(|e| format!("re-read: {e}"))?;
    let mut diffs = Vec::new();
    differences("", &input, &back, &mut diffs);
    if !diffs.is_empty() {
        return Err(format!("re-encoded JSON differs from the input: {}", describe(&diffs)));
    }
    let again: Vec<T> =
        serde_json::from_slice(&encoded).map_err(|e| format!("decode of the re-encoded: {e}"))?;
    if again != typed {
        return Err("decoding the re-encoded JSON gives different values".into());
    }
    Ok(())
}

fn checks() {
    eprintln!(
        "{VARIANT}-types: an item is {} bytes (GitHub), {} bytes (Civis)",
        std::mem::size_of::<Github>(),
        std::mem::size_of::<Civis>()
    );
    let mut failed = false;
    for (what, result) in [
        ("repos.json", round_trip::<Github>(REPOS)),
        ("workflows.json", round_trip::<Civis>(WORKFLOWS)),
    ] {
        match result {
            Ok(()) => eprintln!("round trip ok: {what}, {VARIANT}-types"),
            // The baseline's types are measured whatever they do; the current ones must pass.
            Err(e) if !STRICT => eprintln!("note: round trip fails: {what}, {VARIANT}-types: {e}"),
            Err(e) => {
                eprintln!("ERROR: round trip failed: {what}, {VARIANT}-types: {e}");
                failed = true;
            }
        }
    }
    if failed {
        if std::env::var_os("TERN_DECODE_KEEP_GOING").is_none() {
            eprintln!("(set TERN_DECODE_KEEP_GOING=1 to measure anyway)");
            exit(1);
        }
        eprintln!("TERN_DECODE_KEEP_GOING is set: measuring anyway");
    }
    // Informational: the real API's own (off-schema) example.
    match serde_json::from_slice::<Vec<Civis>>(CIVIS_EXAMPLE) {
        Ok(_) => eprintln!("note: civis-example.json (real API output) decodes with {VARIANT}-types"),
        Err(e) => eprintln!(
            "note: civis-example.json (real API output, off-schema) does not decode with {VARIANT}-types: {e}"
        ),
    }
}

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Vec<T> {
    decode_body(black_box(bytes)).expect("decodes (checked before measuring)")
}

fn decode_value(bytes: &[u8]) -> Value {
    serde_json::from_slice(black_box(bytes)).expect("JSON")
}

/// The yardstick no decoder built on serde_json can beat: parsing the text (UTF-8 checked
/// once, as `from_json` does) and keeping nothing.
fn parse_only(bytes: &[u8]) -> IgnoredAny {
    let text = std::str::from_utf8(black_box(bytes)).expect("UTF-8");
    serde_json::from_str(text).expect("JSON")
}

fn bench(c: &mut Criterion) {
    // Every variant must decode the fixture; a failure here is a finding, not a benchmark.
    let _: Vec<Github> = decode_body(REPOS)
        .unwrap_or_else(|e| panic!("repos.json does not decode with {VARIANT}-types: {e}"));
    let _: Vec<Civis> = decode_body(WORKFLOWS)
        .unwrap_or_else(|e| panic!("workflows.json does not decode with {VARIANT}-types: {e}"));
    let value = format!("value-{VARIANT}");
    let parse = format!("parse-{VARIANT}");

    let mut g = c.benchmark_group("github-repos");
    g.throughput(Throughput::Bytes(REPOS.len() as u64));
    g.bench_function(VARIANT, |b| b.iter(|| decode::<Github>(REPOS)));
    g.bench_function(&value, |b| b.iter(|| decode_value(REPOS)));
    g.bench_function(&parse, |b| b.iter(|| parse_only(REPOS)));
    g.finish();

    let mut g = c.benchmark_group("civis-workflows");
    g.throughput(Throughput::Bytes(WORKFLOWS.len() as u64));
    g.bench_function(VARIANT, |b| b.iter(|| decode::<Civis>(WORKFLOWS)));
    g.bench_function(&value, |b| b.iter(|| decode_value(WORKFLOWS)));
    g.bench_function(&parse, |b| b.iter(|| parse_only(WORKFLOWS)));
    g.finish();
}

fn main() {
    checks();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
        .configure_from_args();
    bench(&mut c);
    c.final_summary();
}
