//! Shell completion. `tern completions SHELL` prints the code that registers it; from then on
//! the shell asks `tern` itself for candidates (clap_complete's engine, run when `COMPLETE` is
//! set), so `tern call --spec SPEC <TAB>` offers the spec's resources, then a resource's
//! methods, then a method's arguments, each with its summary where the shell shows one.

use clap_complete::engine::CompletionCandidate;
use clap_complete::env::Shells;
use std::ffi::{OsStr, OsString};

/// The environment variable that turns a run of `tern` into a completion request.
pub(crate) const VAR: &str = "COMPLETE";

/// Shells `tern completions` writes for.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub(crate) enum Shell {
    /// Bash 4.4 or later (`source <(tern completions bash)` in ~/.bashrc).
    Bash,
    /// Zsh (`source <(tern completions zsh)` in ~/.zshrc).
    Zsh,
    /// Fish (`tern completions fish | source` in config.fish).
    Fish,
    /// Elvish.
    Elvish,
    /// PowerShell.
    Powershell,
}

/// Prints the registration code for `shell`: a function that calls back into this binary.
pub(crate) fn print_registration(shell: Shell) -> std::process::ExitCode {
    let name = match shell {
        Shell::Bash => "bash",
        Shell::Zsh => "zsh",
        Shell::Fish => "fish",
        Shell::Elvish => "elvish",
        Shell::Powershell => "powershell",
    };
    let shells = Shells::builtins();
    let Some(completer) = shells.completer(name) else {
        eprintln!("error: no completion support for {name}");
        return std::process::ExitCode::FAILURE;
    };
    // The binary the shell should call back: this one, by absolute path when it was started
    // by a path (so completion works for a binary that is not on PATH).
    let program = std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .filter(|p| p.components().count() > 1)
        .and_then(|p| std::path::absolute(p).ok())
        .map_or_else(|| "tern".to_owned(), |p| p.to_string_lossy().into_owned());
    let mut out = std::io::stdout().lock();
    match completer.write_registration(VAR, "tern", "tern", &program, &mut out) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Candidates for the words of `tern call` (the engine calls this for the word under the
/// cursor): resources, then methods, then `--argument` names, read from `--spec`.
pub(crate) fn call_words(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(current) = current.to_str() else {
        return Vec::new();
    };
    let Some((conn, words)) = line_before_cursor() else {
        return Vec::new();
    };
    let Some(client) = load(&conn) else {
        return Vec::new();
    };
    let Ok(inv) = crate::call::parse_words(&words, false) else {
        return Vec::new();
    };
    let candidates: Vec<(String, Option<String>)> = match (&inv.resource, &inv.method) {
        (None, _) => client
            .resources()
            .into_iter()
            .map(|r| (r.to_owned(), None))
            .collect(),
        (Some(resource), None) => match client.resource(resource) {
            Ok(r) => r
                .methods()
                .into_iter()
                .filter_map(|m| {
                    let summary = r.method(m).ok()?.operation().summary.clone();
                    Some((m.to_owned(), summary))
                })
                .collect(),
            Err(_) => Vec::new(),
        },
        (Some(resource), Some(method)) => {
            let Some(m) = client
                .resource(resource)
                .ok()
                .and_then(|r| r.method(method).ok())
            else {
                return Vec::new();
            };
            m.operation()
                .arguments
                .iter()
                .filter(|a| !inv.named.iter().any(|(n, _)| *n == a.name))
                .map(|a| (format!("--{}", a.name), a.description.clone()))
                .collect()
        }
    };
    candidates
        .into_iter()
        .filter(|(value, _)| value.starts_with(current))
        .map(|(value, help)| {
            let help = help.map(|h| h.lines().next().unwrap_or_default().to_owned().into());
            CompletionCandidate::new(value).help(help)
        })
        .collect()
}

/// The connection options (`--spec` …) and the spec-derived words typed before the cursor,
/// read from the command line the shell passed (`tern -- tern call … CURRENT`) with the same
/// parser a call uses.
fn line_before_cursor() -> Option<(crate::connect::Connection, Vec<String>)> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let start = args.iter().position(|a| a == "--")? + 1;
    let mut line = args.get(start..)?.to_vec();
    // Bash says which word is being completed; the other shells complete the last one.
    let cursor = std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
        .and_then(|i| i.parse::<usize>().ok())
        .unwrap_or(line.len().saturating_sub(1));
    line.truncate(cursor);
    let parsed =
        <crate::Cli as clap::Parser>::try_parse_from(crate::call::hoist_options(line)).ok()?;
    match parsed.command {
        crate::Command::Call(call) => Some((call.conn, call.words)),
        _ => None,
    }
}

/// The spec's client, built as a call builds it (no server is contacted: the base URL only has
/// to parse).
fn load(conn: &crate::connect::Connection) -> Option<tern_dynamic::DynamicClient> {
    let builder = conn.builder().ok()?.base_url("http://localhost");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    rt.block_on(builder.build()).ok()
}
