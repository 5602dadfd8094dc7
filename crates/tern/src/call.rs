//! `tern call`: every endpoint of a spec as a command, with help generated from the spec.

use crate::download::{Failed, Sink};
use crate::CallArgs;
use futures_util::StreamExt;
use serde_json::Value as Json;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use tern_dynamic::{Args, DynamicClient, DynamicError, MethodRef};
use tern_model::TypeRef;

/// Exit codes (documented in `tern call --help`).
const USAGE: u8 = 2;
const HTTP: u8 = 3;
const CONNECTION: u8 = 4;
const DECODE: u8 = 5;
const SPEC: u8 = 1;
const OUTPUT: u8 = 6;

/// The spec-derived words of a call, split.
pub(crate) struct Invocation {
    pub(crate) resource: Option<String>,
    pub(crate) method: Option<String>,
    pub(crate) positional: Vec<String>,
    pub(crate) named: Vec<(String, String)>,
    pub(crate) help: bool,
}

/// How a word of `tern call`'s command line is read: one of the command's own options (clap
/// declares them, once), or a word of the spec-derived call.
enum Word {
    /// An option of `tern call` that takes no value (`--raw`, `-v`, `--help`).
    Flag,
    /// An option of `tern call` with its value in the next word.
    Valued,
    /// An option of `tern call` with its value attached (`--timeout=5`).
    Attached,
    /// Anything else: RESOURCE, METHOD, a positional value or a spec argument `--name`.
    Call,
}

fn classify(command: &clap::Command, word: &str) -> Word {
    let arg = if let Some(long) = word.strip_prefix("--") {
        let (name, attached) = match long.split_once('=') {
            Some((n, _)) => (n, true),
            None => (long, false),
        };
        let found = command.get_arguments().find(|a| a.get_long() == Some(name));
        match (found, attached) {
            (Some(a), false) if a.get_action().takes_values() => return Word::Valued,
            (Some(_), true) => return Word::Attached,
            (found, _) => found,
        }
    } else if let Some(short) = word.strip_prefix('-').filter(|s| s.chars().count() == 1) {
        command
            .get_arguments()
            .find(|a| a.get_short().map(String::from).as_deref() == Some(short))
    } else {
        None
    };
    match arg {
        Some(a) if a.get_action().takes_values() => Word::Valued,
        Some(_) => Word::Flag,
        None => Word::Call,
    }
}

/// The command line with `tern call`'s own options moved before RESOURCE METHOD, so that clap
/// parses them wherever they were written (`tern call users get 7 --timeout 5`) and the
/// spec-derived words stay in order behind them. Other commands pass through unchanged.
pub(crate) fn hoist_options(argv: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    // `tern` has no options of its own: the subcommand is the first word.
    let at = 1;
    if argv.get(at).is_none_or(|w| w != "call") {
        return argv;
    }
    let cli = <crate::Cli as clap::CommandFactory>::command();
    let Some(command) = cli.find_subcommand("call") else {
        return argv;
    };
    let (mut front, mut rest) = (Vec::new(), Vec::new());
    let mut words = argv[at + 1..].iter();
    while let Some(w) = words.next() {
        let Some(text) = w.to_str() else {
            rest.push(w.clone());
            continue;
        };
        match classify(command, text) {
            Word::Flag | Word::Attached => front.push(w.clone()),
            Word::Valued => {
                front.push(w.clone());
                front.extend(words.next().cloned());
            }
            // A spec argument's value is the next word, whatever it looks like.
            Word::Call if text.starts_with("--") && !text.contains('=') => {
                rest.push(w.clone());
                rest.extend(words.next().cloned());
            }
            Word::Call => rest.push(w.clone()),
        }
    }
    let mut out = argv[..=at].to_vec();
    out.extend(front);
    if !rest.is_empty() {
        // Everything after this is a word of the call, even if it looks like an option.
        out.push("--".into());
        out.extend(rest);
    }
    out
}

/// Splits the spec-derived words: RESOURCE METHOD [POSITIONAL…] [--name value…].
pub(crate) fn parse_words(words: &[String], help: bool) -> Result<Invocation, String> {
    let mut inv = Invocation {
        resource: None,
        method: None,
        positional: Vec::new(),
        named: Vec::new(),
        help,
    };
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if let Some(flag) = w.strip_prefix("--") {
            let (name, value) = match flag.split_once('=') {
                Some((n, v)) => (n.to_owned(), v.to_owned()),
                None => {
                    i += 1;
                    let v = words
                        .get(i)
                        .ok_or_else(|| format!("`--{flag}` needs a value"))?;
                    (flag.to_owned(), v.clone())
                }
            };
            inv.named.push((name.replace('-', "_"), value));
        } else if inv.resource.is_none() {
            inv.resource = Some(w.clone());
        } else if inv.method.is_none() {
            inv.method = Some(w.clone());
        } else {
            inv.positional.push(w.clone());
        }
        i += 1;
    }
    Ok(inv)
}

/// A command-line value, typed by the argument's schema: strings stay strings, anything else
/// is read as JSON (falling back to a string).
fn typed(value: &str, ty: &TypeRef, model: &tern_model::ApiModel) -> Json {
    let resolved = ty.resolve(&model.types);
    let is_string = matches!(resolved, TypeRef::String(_))
        || matches!(resolved, TypeRef::Named(id) if matches!(&model.type_def(*id).kind, tern_model::TypeKind::Enum(e) if matches!(e.base, TypeRef::String(_))));
    if is_string {
        return Json::String(value.to_owned());
    }
    let text = match value.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path).unwrap_or_else(|_| value.to_owned()),
        None => value.to_owned(),
    };
    serde_json::from_str(&text).unwrap_or(Json::String(value.to_owned()))
}

fn body_from(arg: &str) -> Result<Json, String> {
    let text = match arg.strip_prefix('@') {
        Some(path) => {
            std::fs::read_to_string(path).map_err(|e| format!("cannot read `{path}`: {e}"))?
        }
        None => arg.to_owned(),
    };
    serde_json::from_str(&text).map_err(|e| format!("`--body` is not JSON: {e}"))
}

/// The bytes of `--body-file` (`-`: standard input).
fn read_body_file(path: &std::path::Path) -> Result<Vec<u8>, String> {
    if path.as_os_str() == "-" {
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut data)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(data);
    }
    std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))
}

fn build_args(
    method: &MethodRef<'_>,
    client: &DynamicClient,
    inv: &Invocation,
    body: Option<&str>,
) -> Result<Args, String> {
    let op = method.operation();
    let model = &client.api().model;
    let mut args = Args::new();
    let positional: Vec<&tern_model::Argument> =
        op.arguments.iter().filter(|a| a.positional).collect();
    for (i, value) in inv.positional.iter().enumerate() {
        let ty = positional
            .get(i)
            .map(|a| a.ty.clone())
            .unwrap_or(TypeRef::Any);
        args = args.arg(typed(value, &ty, model));
    }
    for (name, value) in &inv.named {
        let wanted = tern_model::naming::snake_ident(name);
        let ty = op
            .arguments
            .iter()
            .find(|a| a.name == *name || a.original == *name || a.name == wanted)
            .map(|a| a.ty.clone())
            .unwrap_or(TypeRef::Any);
        args = args.named(name.clone(), typed(value, &ty, model));
    }
    if let Some(body) = body {
        // The body as a whole, under the spec's member names: arguments named like its
        // members are set on top of it, and path or query parameters keep their own names.
        args = args.body(body_from(body)?);
    }
    Ok(args)
}

fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(USAGE)
}

/// The options of `tern call`, for the end of spec-derived help: read from clap's declaration
/// (the one list of them), each with its value and environment variable.
fn options_footer() -> String {
    let cli = <crate::Cli as clap::CommandFactory>::command();
    let Some(command) = cli.find_subcommand("call") else {
        return String::new();
    };
    let mut out =
        String::from("\nOptions (anywhere on the line; `tern call --help` describes each):\n");
    for arg in command.get_arguments() {
        let Some(long) = arg.get_long() else {
            continue;
        };
        let choices: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_owned())
            .collect();
        let value = match arg.get_value_names() {
            _ if !arg.get_action().takes_values() => String::new(),
            _ if !choices.is_empty() => format!(" {}", choices.join("|")),
            Some([name, ..]) => format!(" {name}"),
            _ => format!(" {}", long.to_uppercase()),
        };
        let env = arg
            .get_env()
            .map(|e| format!("  [env: {}]", e.to_string_lossy()))
            .unwrap_or_default();
        out.push_str(&format!("  --{long}{value}{env}\n"));
    }
    out
}

/// How `tern call` takes a planned credential: its flag, and the variable it is read from.
fn credential_flag(c: &tern_plan::CredentialPlan) -> String {
    use tern_plan::CredentialKind as K;
    match &c.kind {
        K::ApiKey { .. } if c.method != "api_key" => format!(
            "--auth {}=KEY  [env: {}]",
            c.method,
            c.env.first().map_or("", String::as_str)
        ),
        K::ApiKey { .. } => "--api-key KEY  [env: TERN_API_KEY]".to_owned(),
        K::AccessToken => "--bearer-token TOKEN  [env: TERN_BEARER_TOKEN]".to_owned(),
        K::Basic => "--basic USER:PASSWORD  [env: TERN_BASIC_AUTH]".to_owned(),
        K::ClientCredentials { .. } => {
            "--client-credentials ID:SECRET  [env: TERN_CLIENT_CREDENTIALS]".to_owned()
        }
    }
}

/// The warning for a call whose security requirement the given credentials cannot meet.
fn missing_message(method: &MethodRef<'_>, missing: &[tern_dynamic::MissingCredential]) -> String {
    let each: Vec<String> = missing
        .iter()
        .map(|m| match &m.credential {
            Some(c) => format!("`{}` ({})", m.scheme, credential_flag(c)),
            None => format!("`{}` (Tern cannot send this kind of credential)", m.scheme),
        })
        .collect();
    let n = &method.operation().rest_name;
    format!(
        "`{} {}` asks for credentials not given: {}; sending the request with what was given",
        n.resource,
        n.method,
        each.join(", ")
    )
}

/// The credentials an API takes, for the top of its help.
fn credentials_help(client: &DynamicClient) -> String {
    let auth = tern_plan::auth_plan(&client.api().model, &tern_plan::PlanOptions::new("tern"));
    if auth.credentials.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nCredentials:\n");
    for c in &auth.credentials {
        let schemes = c.schemes.join(", ");
        out.push_str(&format!("  {:<56} {schemes}\n", credential_flag(c)));
    }
    out
}

fn top_help(client: &DynamicClient) -> String {
    let api = client.api();
    let mut out = format!("{} {} — {} resources\n\nUsage: tern call --spec SPEC RESOURCE METHOD [ARGS…] [--name value…]\n\nResources:\n", api.model.title, api.model.version, client.resources().len());
    for name in client.resources() {
        if let Ok(r) = client.resource(name) {
            out.push_str(&format!("  {name:<32} {} method(s)\n", r.methods().len()));
        }
    }
    out.push_str(&credentials_help(client));
    out.push_str("\nRun `tern call --spec SPEC RESOURCE --help` for a resource's methods.\n");
    out
}

/// Prints a JSON value in the requested format.
fn print(value: &Json, format: crate::Output, out: &mut impl Write) -> std::io::Result<()> {
    match format {
        crate::Output::Yaml => {
            let mut s = String::new();
            crate::yaml::write(value, 0, &mut s);
            out.write_all(s.as_bytes())
        }
        crate::Output::Json if std::io::stdout().is_terminal() => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(value).unwrap_or_default()
        ),
        _ => writeln!(out, "{value}"),
    }
}

pub(crate) fn run(args: &CallArgs) -> ExitCode {
    let inv = match parse_words(&args.words, args.help) {
        Ok(i) => i,
        Err(e) => return usage(e),
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(SPEC);
        }
    };
    rt.block_on(call(args, inv))
}

async fn call(args: &CallArgs, inv: Invocation) -> ExitCode {
    if args.conn.spec.is_none() && inv.help {
        // The command's own help: every option, with its environment variable.
        let mut command = <crate::Cli as clap::CommandFactory>::command();
        if let Some(call) = command.find_subcommand_mut("call") {
            let _ = call.print_long_help();
        }
        return ExitCode::SUCCESS;
    }
    let mut builder = match args.conn.builder() {
        Ok(b) => b,
        Err(e) => return usage(e),
    };
    if args.verbose || args.dry_run {
        let conn = &args.conn;
        let pairs = [&conn.basic, &conn.client_credentials];
        let secrets = [&conn.api_key, &conn.bearer_token]
            .into_iter()
            .flatten()
            .cloned()
            .chain(
                pairs
                    .into_iter()
                    .flatten()
                    .flat_map(|b| b.split(':').map(str::to_owned).collect::<Vec<_>>()),
            )
            .chain(
                conn.auth
                    .iter()
                    .filter_map(|a| a.split_once('=').map(|(_, v)| v.to_owned())),
            )
            .filter(|s| s.len() >= 3)
            .collect();
        builder = builder.interceptor(crate::show::Show {
            secrets,
            dry_run: args.dry_run,
        });
    }
    let client = match builder.build().await {
        Ok(c) => c,
        Err(DynamicError::NoBaseUrl) if inv.help || inv.method.is_none() => {
            return usage("the spec names no server; pass --base-url");
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(SPEC);
        }
    };
    let mut stdout = std::io::stdout().lock();
    let Some(resource_name) = &inv.resource else {
        let _ = stdout.write_all(top_help(&client).as_bytes());
        let _ = stdout.write_all(options_footer().as_bytes());
        return if inv.help {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(USAGE)
        };
    };
    let resource = match client.resource(resource_name) {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    let Some(method_name) = &inv.method else {
        let _ = stdout.write_all(resource.help().as_bytes());
        let _ = stdout.write_all(options_footer().as_bytes());
        return if inv.help {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(USAGE)
        };
    };
    let method = match resource.method(method_name) {
        Ok(m) => m,
        Err(e) => return usage(e),
    };
    if inv.help {
        let _ = stdout.write_all(method.help().as_bytes());
        let _ = stdout.write_all(options_footer().as_bytes());
        return ExitCode::SUCCESS;
    }
    let call_args = match build_args(&method, &client, &inv, args.body.as_deref()) {
        Ok(a) => a,
        Err(e) => return usage(e),
    };
    let call_args = match &args.body_file {
        Some(path) => match read_body_file(path) {
            Ok(data) => call_args.bytes(data),
            Err(e) => return usage(e),
        },
        None => call_args,
    };
    if !args.quiet {
        if let Some(missing) = method.missing_credentials() {
            eprintln!("warning: {}", missing_message(&method, &missing));
        }
        if !args.conn.no_validate {
            for defect in method.spec_defects() {
                eprintln!("warning: the API description contradicts itself: {defect}");
            }
        }
    }
    if args.all_pages {
        return list_all(&method, call_args, args.max_pages, &mut stdout).await;
    }
    if let Some(sink) = sink_for(args, &method) {
        return stream(&method, call_args, sink, args.quiet).await;
    }
    if args.raw {
        return match method.call_raw(call_args).await {
            Ok(response) => {
                let _ = stdout.write_all(&response.body);
                ExitCode::SUCCESS
            }
            Err(e) => failure(&e),
        };
    }
    match method.call(call_args).await {
        Ok(response) => {
            let _ = print(&response.body, args.output, &mut stdout);
            // The body is printed as it came; a departure from the spec is worth knowing.
            if !args.quiet && response.status.is_success() {
                if let Some(mismatch) = method.response_mismatch(&response.body) {
                    eprintln!("warning: the response does not match the API description's schema {mismatch} (--quiet hides this)");
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => failure(&e),
    }
}

/// Where a body is streamed instead of decoded: the `--output-file`, or standard output for a
/// download or event stream (unless `--raw` asked for the bytes in one piece).
fn sink_for(args: &CallArgs, method: &MethodRef<'_>) -> Option<Sink> {
    match &args.output_file {
        Some(path) => Some(Sink::File {
            path: path.clone(),
            overwrite: args.overwrite,
        }),
        None if !args.raw && method.response_plan() == tern_plan::ResponsePlan::Stream => {
            Some(Sink::Stdout)
        }
        None => None,
    }
}

/// Sends the call and streams its body into `sink` in constant memory.
async fn stream(method: &MethodRef<'_>, call_args: Args, sink: Sink, quiet: bool) -> ExitCode {
    if matches!(sink, Sink::Stdout) && method.returns_binary() && std::io::stdout().is_terminal() {
        return usage(format!(
            "`{}` returns binary data; write it with --output-file PATH or redirect standard output",
            method.operation().rest_name.method
        ));
    }
    let written = match sink.check() {
        Ok(()) => match method.call_stream(call_args).await {
            Ok(response) => sink.write(response, quiet).await,
            Err(e) => return failure(&e),
        },
        Err(e) => Err(e),
    };
    match written {
        Ok(n) => {
            if let (Sink::File { path, .. }, false) = (&sink, quiet) {
                eprintln!("wrote {n} bytes to {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(Failed::Destination(message)) => usage(message),
        Err(Failed::Transfer(e)) => failure(&DynamicError::Http(e)),
        Err(Failed::Write(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(OUTPUT)
        }
    }
}

/// `--all-pages`: every item of every page as a JSON line, with a count on a terminal.
async fn list_all(
    method: &MethodRef<'_>,
    call_args: Args,
    max_pages: Option<u64>,
    stdout: &mut impl Write,
) -> ExitCode {
    let listing = match max_pages {
        Some(max) => method
            .paginate_pages(call_args, max)
            .await
            .map(futures_util::StreamExt::boxed),
        None => method
            .paginate(call_args)
            .await
            .map(futures_util::StreamExt::boxed),
    };
    let mut items = match listing {
        Ok(s) => s,
        Err(e) => return failure(&e),
    };
    // A count on a terminal.
    let counter = crate::download::stderr_bar(None, "{spinner} {human_pos} items");
    while let Some(item) = items.next().await {
        match item {
            Ok(v) => {
                if writeln!(stdout, "{v}").is_err() {
                    return ExitCode::SUCCESS;
                }
                counter.inc(1);
            }
            Err(e) => {
                counter.abandon();
                return failure(&e);
            }
        }
    }
    counter.finish();
    ExitCode::SUCCESS
}

fn failure(e: &DynamicError) -> ExitCode {
    match e {
        DynamicError::Http(tern_runtime::Error::InvalidRequest { message })
            if message == crate::show::DRY_RUN =>
        {
            eprintln!("{message}");
            ExitCode::SUCCESS
        }
        DynamicError::Http(err) if err.is_status() => {
            let api = err.api_error();
            let status = api.map(|a| a.status.to_string()).unwrap_or_default();
            let message = api.and_then(|a| a.message()).unwrap_or_default();
            eprintln!("error: HTTP {status}: {message}");
            if let Some(id) = api.and_then(|a| a.request_id.as_deref()) {
                eprintln!("request id: {id}");
            }
            ExitCode::from(HTTP)
        }
        DynamicError::Http(err) if err.is_connect() || err.is_timeout() => {
            eprintln!("error: {err}");
            ExitCode::from(CONNECTION)
        }
        DynamicError::Http(err @ tern_runtime::Error::Decode(_)) => {
            eprintln!("error: {err}\n(`--raw` prints the body as received)");
            ExitCode::from(DECODE)
        }
        DynamicError::Http(err) => {
            eprintln!("error: {err}");
            ExitCode::from(HTTP)
        }
        other => usage(other),
    }
}

#[cfg(test)]
mod tests {
    use super::hoist_options;

    fn hoisted(line: &str) -> String {
        let argv = line.split(' ').map(std::ffi::OsString::from).collect();
        let out: Vec<String> = hoist_options(argv)
            .into_iter()
            .map(|w| w.to_string_lossy().into_owned())
            .collect();
        out.join(" ")
    }

    /// `tern call`'s own options (declared once, by clap) are found wherever they are written;
    /// spec arguments and their values stay with the call, in order.
    #[test]
    fn options_after_the_call_are_hoisted_for_clap() {
        assert_eq!(
            hoisted("tern call --spec s.yaml users get 7 --timeout 5 --name x --raw --retry=none -v --body {} --max_body 1"),
            "tern call --spec s.yaml --timeout 5 --raw --retry=none -v --body {} -- users get 7 --name x --max_body 1"
        );
        // A spec argument's value is taken as it is, even when it looks like an option.
        assert_eq!(
            hoisted("tern call users search --q --raw"),
            "tern call -- users search --q --raw"
        );
        assert_eq!(hoisted("tern call --help"), "tern call --help");
        // Other commands are left alone.
        assert_eq!(hoisted("tern inspect call"), "tern inspect call");
    }
}
