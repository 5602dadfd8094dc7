//! `tern-conformance`: calls every operation of the documents given through Tern against
//! Prism and prints the per-document figures; exits 1 when Tern's failures exceed the bound.

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use tern_conformance::{collect_documents, prism, run, Options};

/// Calls every operation of every document through Tern against the Prism mock server
/// (required arguments only, then all), checks each failure with a plain request carrying the
/// same values, and prints a table per mode: tried, accepted, refused by Tern, rejected by
/// Prism, other failures, Tern failures (the plain request passed), spec defects (it failed
/// too), operations no value could be generated for.
#[derive(Debug, Parser)]
#[command(name = "tern-conformance", version)]
struct Cli {
    /// The Prism executable [default: $TERN_PRISM, else .tools/prism/node_modules/.bin/prism].
    #[arg(long, value_name = "PATH")]
    prism: Option<PathBuf>,
    /// Also write the machine-readable summary (figures, Tern failures, spec defects) here.
    #[arg(long, value_name = "OUT")]
    json: Option<PathBuf>,
    /// Fail (exit 1) when Tern failures exceed this percentage of the calls tried.
    #[arg(long, value_name = "PCT", default_value_t = 1.0)]
    max_tern_failures: f64,
    /// Documents run at once, one Prism each.
    #[arg(long, value_name = "N", default_value_t = 2)]
    jobs: usize,
    /// Calls in flight at once within a document.
    #[arg(long, value_name = "N", default_value_t = 4)]
    in_flight: usize,
    /// Per-call timeout, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    timeout: u64,
    /// How long Prism may take to load a document, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    prism_wait: u64,
    /// Spec files, or directories walked for .json, .yaml and .yml files.
    #[arg(value_name = "SPEC_OR_DIR", required = true)]
    inputs: Vec<PathBuf>,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let options = Options {
        prism: cli.prism.unwrap_or_else(prism::default_bin),
        jobs: cli.jobs,
        in_flight: cli.in_flight,
        timeout: Duration::from_secs(cli.timeout),
        prism_wait: Duration::from_secs(cli.prism_wait),
    };
    if !options.prism.exists() {
        eprintln!(
            "error: Prism is not installed at {} (scripts/test.sh installs it; or give --prism)",
            options.prism.display()
        );
        return ExitCode::from(2);
    }
    let documents = match collect_documents(&cli.inputs) {
        Ok(d) if !d.is_empty() => d,
        Ok(_) => {
            eprintln!("error: no .json, .yaml or .yml documents found");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let total = documents.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let summary = run(documents, &options, |r| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let c = (&r.required_only, &r.all_arguments);
        eprintln!(
            "[{n}/{total}] {} — {} ops, {:.1} s{}",
            r.document,
            r.operations,
            r.seconds,
            match &r.status {
                Some(s) => format!(": {s}"),
                None => format!(
                    ": tern failures {}+{}, spec defects {}+{}",
                    c.0.tern_failures, c.1.tern_failures, c.0.spec_defects, c.1.spec_defects
                ),
            }
        );
    })
    .await;
    print!("{}", summary.table());
    if let Some(path) = &cli.json {
        let text = serde_json::to_string_pretty(&summary.to_json()).unwrap_or_default();
        if let Err(e) = std::fs::write(path, text + "\n") {
            eprintln!("error: {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    if summary.tern_failure_percent > cli.max_tern_failures {
        eprintln!(
            "Tern failures: {:.2}% > {}%",
            summary.tern_failure_percent, cli.max_tern_failures
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
