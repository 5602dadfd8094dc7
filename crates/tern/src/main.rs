//! # tern — the command-line tool
//!
//! Thin by design: parses arguments, calls the library crates, prints. Every behaviour lives
//! in a library crate (`tern-spec`, `tern-model`, …) so it can be tested and reused.

mod inspect;

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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Inspect(args) => inspect::run(&args),
    }
}
