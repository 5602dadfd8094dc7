//! # tern — the command-line tool
//!
//! Thin by design: parses arguments, calls the library crates, prints. Every behaviour lives
//! in a library crate (`tern-spec`, `tern-model`, …) so it can be tested and reused.

mod call;
mod generate;
mod inspect;
mod yaml;

use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

/// Tern: spec-driven REST API clients for Rust.
#[derive(Parser, Debug)]
#[command(name = "tern", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Show the resources and methods a client of SPEC has, like Python's help(client).
    Inspect(InspectArgs),
    /// Call any endpoint of SPEC: `tern call --spec SPEC RESOURCE METHOD [ARGS…] [--name value…]`.
    ///
    /// Help at every level comes from the spec: `--help` alone lists resources, after RESOURCE
    /// its methods, after METHOD its parameters. Exit codes: 0 success, 1 the spec could not be
    /// loaded, 2 usage error (unknown resource, method or argument; invalid value), 3 HTTP
    /// error status, 4 connection error or timeout.
    #[command(disable_help_flag = true)]
    Call(CallArgs),
    /// Write a typed Rust SDK crate for SPEC into DIR.
    Generate(GenerateArgs),
}

/// Arguments of `tern generate`.
#[derive(clap::Args, Debug)]
struct GenerateArgs {
    /// Path or http(s) URL of the API description.
    spec: String,
    /// Directory to write the crate into (created if missing).
    #[arg(short, long)]
    output: std::path::PathBuf,
    /// The crate's name (default: from the API title, `<title>-sdk`).
    #[arg(long)]
    name: Option<String>,
    /// How endpoints become method names (default: the config's, else `rest`).
    #[arg(long, value_enum)]
    naming: Option<Naming>,
    /// A `tern.toml`: crate and client names, resource and method names, pagination, auth,
    /// default headers, environment variables, retry and timeout defaults.
    #[arg(long)]
    config: Option<std::path::PathBuf>,
    /// Depend on tern-runtime at this path instead of the published version (default: by
    /// path when DIR is inside the Tern workspace).
    #[arg(long)]
    runtime_path: Option<String>,
    /// Leave the sources as generated instead of running `rustfmt` on them.
    #[arg(long)]
    no_rustfmt: bool,
}

/// Arguments of `tern call`.
#[derive(clap::Args, Debug, Clone)]
struct CallArgs {
    /// Path or http(s) URL of the API description.
    #[arg(long)]
    spec: String,
    /// Server URL (default: the spec's first server).
    #[arg(long)]
    base_url: Option<String>,
    /// API key, placed as the spec's security scheme says.
    #[arg(long, env = "TERN_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// Bearer token.
    #[arg(long, env = "TERN_BEARER_TOKEN", hide_env_values = true)]
    bearer_token: Option<String>,
    /// HTTP basic credentials as USER:PASSWORD.
    #[arg(long, env = "TERN_BASIC_AUTH", hide_env_values = true)]
    basic: Option<String>,
    /// Extra header `Name: value` (repeatable).
    #[arg(long)]
    header: Vec<String>,
    /// The request body as JSON, or @FILE.
    #[arg(long)]
    body: Option<String>,
    /// Stream every item of a paginated list as JSON lines.
    #[arg(long)]
    all_pages: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Json)]
    output: Output,
    /// Retry policy.
    #[arg(long, value_enum, default_value_t = Retry::Default)]
    retry: Retry,
    /// Show help generated from the spec.
    #[arg(short, long)]
    help: bool,
    /// RESOURCE METHOD [POSITIONAL…] [--name value…]
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    words: Vec<String>,
}

/// Output formats.
#[derive(ValueEnum, Clone, Copy, Debug)]
enum Output {
    /// JSON: pretty on a terminal, compact when piped.
    Json,
    /// YAML.
    Yaml,
}

/// Retry policies.
#[derive(ValueEnum, Clone, Copy, Debug)]
enum Retry {
    /// 2 retries with exponential backoff.
    Default,
    /// Civis's rules.
    Civis,
    /// No retries.
    None,
}

/// Arguments of `tern inspect`.
#[derive(clap::Args, Debug)]
struct InspectArgs {
    /// Path or http(s) URL of the API description (OpenAPI 3.0/3.1 or Swagger 2.0, JSON or YAML).
    spec: String,
    /// How endpoints become method names.
    #[arg(long, value_enum, default_value_t = Naming::Rest)]
    naming: Naming,
    /// Print a stable machine-readable JSON form.
    #[arg(long)]
    json: bool,
    /// How many diagnostics to print in full (the rest are counted by code).
    #[arg(long, default_value_t = 20)]
    max_diagnostics: usize,
}

/// Naming schemes as command-line values.
#[derive(ValueEnum, Clone, Copy, Debug)]
enum Naming {
    /// Civis rules: resource = first path segment, method = verb + fixed segments.
    Rest,
    /// snake_cased operationId, grouped by first tag.
    OperationId,
}

impl From<Naming> for tern_model::NamingScheme {
    fn from(n: Naming) -> Self {
        match n {
            Naming::Rest => tern_model::NamingScheme::Rest,
            Naming::OperationId => tern_model::NamingScheme::OperationId,
        }
    }
}

/// Loads a spec from a path or an http(s) URL; on failure prints the diagnostics (with the
/// offending source line when the file can be read) and returns `Err`.
fn load_spec(spec: &str) -> Result<tern_spec::Loaded, ()> {
    let result = if spec.starts_with("http://") || spec.starts_with("https://") {
        tern_spec::load_url(spec)
    } else {
        tern_spec::load_path(spec)
    };
    result.map_err(|e| {
        // Only on this failure path is the file read again, to show the offending line.
        let text = std::fs::read(spec)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .ok();
        for d in &e.diagnostics {
            let line = text
                .as_deref()
                .and_then(|t| t.lines().nth(d.position.line.saturating_sub(1) as usize));
            eprint!("{}", tern_spec::render(d, line));
        }
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Inspect(args) => inspect::run(&args),
        Command::Call(args) => call::run(&args),
        Command::Generate(args) => generate::run(&args),
    }
}
