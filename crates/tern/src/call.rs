//! `tern call`: every endpoint of a spec as a command, with help generated from the spec.

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

struct Invocation {
    /// `tern call` options found among the words (they may come after RESOURCE METHOD).
    options: Vec<(String, Option<String>)>,
    resource: Option<String>,
    method: Option<String>,
    positional: Vec<String>,
    named: Vec<(String, String)>,
    help: bool,
}

/// Splits the words after the fixed options: RESOURCE METHOD [POSITIONAL…] [--name value…].
fn parse_words(words: &[String], help: bool) -> Result<Invocation, String> {
    let mut inv = Invocation {
        options: Vec::new(),
        resource: None,
        method: None,
        positional: Vec::new(),
        named: Vec::new(),
        help,
    };
    const VALUED: &[&str] = &[
        "spec",
        "base-url",
        "api-key",
        "bearer-token",
        "basic",
        "header",
        "body",
        "output",
        "retry",
        "max-retries",
        "timeout",
        "connect-timeout",
        "deadline",
        "max-body",
    ];
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if w == "--help" || w == "-h" {
            inv.help = true;
        } else if w == "-v" {
            inv.options.push(("verbose".into(), None));
        } else if ["--all-pages", "--raw", "--verbose", "--dry-run"].contains(&w.as_str()) {
            inv.options
                .push((w.trim_start_matches('-').to_owned(), None));
        } else if let Some(flag) = w.strip_prefix("--") {
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
            if VALUED.contains(&name.as_str()) {
                inv.options.push((name, Some(value)));
            } else {
                inv.named.push((name.replace('-', "_"), value));
            }
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
        match body_from(body)? {
            Json::Object(fields)
                if !op
                    .arguments
                    .iter()
                    .any(|a| a.location == tern_model::ArgumentLocation::Body) =>
            {
                for (k, v) in fields {
                    args = args.named(k, v);
                }
            }
            other => args = args.named("body", other),
        }
    }
    Ok(args)
}

fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(USAGE)
}

fn top_help(client: &DynamicClient) -> String {
    let api = client.api();
    let mut out = format!("{} {} — {} resources\n\nUsage: tern call --spec SPEC RESOURCE METHOD [ARGS…] [--name value…]\n\nResources:\n", api.model.title, api.model.version, client.resources().len());
    for name in client.resources() {
        if let Ok(r) = client.resource(name) {
            out.push_str(&format!("  {name:<32} {} method(s)\n", r.methods().len()));
        }
    }
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
    let mut args = args.clone();
    for (name, value) in &inv.options {
        let value = value.clone().unwrap_or_default();
        match name.as_str() {
            "spec" => args.conn.spec = Some(value),
            "base-url" => args.conn.base_url = Some(value),
            "api-key" => args.conn.api_key = Some(value),
            "bearer-token" => args.conn.bearer_token = Some(value),
            "basic" => args.conn.basic = Some(value),
            "header" => args.conn.header.push(value),
            "body" => args.body = Some(value),
            "all-pages" => args.all_pages = true,
            "raw" => args.raw = true,
            "verbose" => args.verbose = true,
            "dry-run" => args.dry_run = true,
            "max-retries" => match value.parse() {
                Ok(n) => args.conn.max_retries = Some(n),
                Err(_) => return usage(format!("`--max-retries {value}`: expected a count")),
            },
            "timeout" | "connect-timeout" | "deadline" => {
                let secs = match crate::connect::seconds(&value) {
                    Ok(d) => d,
                    Err(e) => return usage(format!("`--{name}`: {e}")),
                };
                match name.as_str() {
                    "timeout" => args.conn.timeout = Some(secs),
                    "connect-timeout" => args.conn.connect_timeout = Some(secs),
                    _ => args.conn.deadline = Some(secs),
                }
            }
            "max-body" => match crate::connect::size(&value) {
                Ok(n) => args.conn.max_body = n,
                Err(e) => return usage(format!("`--max-body`: {e}")),
            },
            "output" => match value.as_str() {
                "json" => args.output = crate::Output::Json,
                "yaml" => args.output = crate::Output::Yaml,
                other => return usage(format!("`--output {other}`: expected json or yaml")),
            },
            "retry" => match value.as_str() {
                "default" => args.conn.retry = crate::Retry::Default,
                "patient" | "civis" => args.conn.retry = crate::Retry::Patient,
                "none" => args.conn.retry = crate::Retry::None,
                other => {
                    return usage(format!(
                        "`--retry {other}`: expected default, patient or none"
                    ))
                }
            },
            _ => {}
        }
    }
    rt.block_on(call(&args, inv))
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
        let secrets = [&args.conn.api_key, &args.conn.bearer_token]
            .into_iter()
            .flatten()
            .cloned()
            .chain(
                args.conn
                    .basic
                    .iter()
                    .flat_map(|b| b.split(':').map(str::to_owned).collect::<Vec<_>>()),
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
        return ExitCode::SUCCESS;
    }
    let call_args = match build_args(&method, &client, &inv, args.body.as_deref()) {
        Ok(a) => a,
        Err(e) => return usage(e),
    };
    if args.all_pages {
        let mut items = match method.paginate(call_args).await {
            Ok(s) => s,
            Err(e) => return failure(&e),
        };
        let progress = std::io::stderr().is_terminal();
        let mut count = 0u64;
        while let Some(item) = items.next().await {
            match item {
                Ok(v) => {
                    count += 1;
                    if writeln!(stdout, "{v}").is_err() {
                        return ExitCode::SUCCESS;
                    }
                    if progress && count.is_multiple_of(50) {
                        eprint!("\r{count} items…");
                    }
                }
                Err(e) => {
                    if progress {
                        eprintln!();
                    }
                    return failure(&e);
                }
            }
        }
        if progress {
            eprintln!("\r{count} items");
        }
        return ExitCode::SUCCESS;
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
            ExitCode::SUCCESS
        }
        Err(e) => failure(&e),
    }
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
