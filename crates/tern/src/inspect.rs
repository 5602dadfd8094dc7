//! `tern inspect`: the resource tree of a spec, as text or JSON.

use crate::InspectArgs;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;
use tern_model::{ApiModel, ArgumentLocation, NamingScheme, Operation};
use tern_spec::{Diagnostic, Spec};

pub(crate) fn run(args: &InspectArgs) -> ExitCode {
    let Ok(loaded) = crate::load_spec(&args.spec) else {
        return ExitCode::from(1);
    };
    let (model, mut diagnostics) = tern_model::build(&loaded.spec);
    diagnostics.splice(0..0, loaded.diagnostics);
    report(&loaded.spec, &diagnostics, args.max_diagnostics);
    let scheme = args.naming.into();
    let out = if args.json {
        let mut s = serde_json::to_string_pretty(&to_json(&model, scheme)).unwrap_or_default();
        s.push('\n');
        s
    } else {
        to_text(&model, scheme)
    };
    // A closed pipe (`tern inspect … | head`) is not an error worth a panic.
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    ExitCode::SUCCESS
}

fn report(spec: &Spec, diagnostics: &[Diagnostic], max: usize) {
    let mut err = std::io::stderr().lock();
    for d in diagnostics.iter().take(max) {
        let _ = write!(err, "{}", spec.render(d));
    }
    if diagnostics.len() > max {
        let mut by_code: BTreeMap<(String, &str), usize> = BTreeMap::new();
        for d in &diagnostics[max..] {
            *by_code.entry((d.severity.to_string(), d.code)).or_default() += 1;
        }
        let _ = writeln!(err, "… and {} more:", diagnostics.len() - max);
        for ((severity, code), n) in by_code {
            let _ = writeln!(err, "  {n:>5} {severity}[{code}]");
        }
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if !diagnostics.is_empty() {
        let _ = writeln!(
            err,
            "{errors} error(s), {} warning(s)",
            diagnostics.len() - errors
        );
    }
}

fn positional(op: &Operation) -> Vec<String> {
    op.arguments
        .iter()
        .filter(|a| a.positional)
        .map(|a| a.name.clone())
        .collect()
}

fn keyword(op: &Operation) -> Vec<String> {
    op.arguments
        .iter()
        .filter(|a| !a.positional)
        .map(|a| a.name.clone())
        .collect()
}

/// The stable JSON form documented in the README.
pub(crate) fn to_json(model: &ApiModel, scheme: NamingScheme) -> Json {
    let resources: Vec<Json> = model
        .resources(scheme)
        .into_iter()
        .map(|r| {
            let methods: Vec<Json> = r
                .operations
                .iter()
                .map(|&i| {
                    let op = &model.operations[i];
                    let name = op.name(scheme);
                    json!({
                        "name": name.method,
                        "aliases": name.aliases,
                        "http_method": op.method.as_str(),
                        "path": op.path,
                        "positional": positional(op),
                        "keyword": keyword(op),
                        "pagination": op.pagination.as_ref().map(|p| p.style.kind()),
                        "summary": op.summary,
                        "deprecated": op.deprecated,
                    })
                })
                .collect();
            json!({ "name": r.name, "methods": methods })
        })
        .collect();
    json!({
        "title": model.title,
        "version": model.version,
        "servers": model.servers.iter().map(|s| s.url.clone()).collect::<Vec<_>>(),
        "resources": resources,
    })
}

fn to_text(model: &ApiModel, scheme: NamingScheme) -> String {
    let mut out = String::new();
    let resources = model.resources(scheme);
    out.push_str(&format!(
        "{} {} ({}) — {} operations in {} resources, {} named types\n",
        model.title,
        model.version,
        model.spec_version,
        model.operations.len(),
        resources.len(),
        model.types.len()
    ));
    for s in &model.servers {
        out.push_str(&format!("server: {}\n", s.url));
    }
    for r in resources {
        out.push_str(&format!("\n{}\n", r.name));
        for i in r.operations {
            let op = &model.operations[i];
            let name = op.name(scheme);
            let mut params: Vec<String> = Vec::new();
            for a in op.arguments.iter().filter(|a| a.positional) {
                params.push(format!("{}: {}", a.name, a.ty.describe(model)));
            }
            let kw: Vec<&tern_model::Argument> =
                op.arguments.iter().filter(|a| !a.positional).collect();
            if !kw.is_empty() {
                params.push("*".into());
                for a in kw {
                    let loc = match a.location {
                        ArgumentLocation::Parameter(p) => op.parameters[p].location.as_str(),
                        _ => "body",
                    };
                    params.push(format!("{}: {} [{loc}]", a.name, a.ty.describe(model)));
                }
            }
            out.push_str(&format!(
                "  {}.{}({})\n",
                r.name,
                name.method,
                params.join(", ")
            ));
            let mut line = format!("      {} {}", op.method, op.path);
            if let Some(p) = &op.pagination {
                line.push_str(&format!("  [paginated: {}]", p.style.kind()));
            }
            if op.deprecated {
                line.push_str("  [deprecated]");
            }
            out.push_str(&line);
            out.push('\n');
            if let Some(s) = &op.summary {
                out.push_str(&format!("      {}\n", s.lines().next().unwrap_or_default()));
            }
            if !name.aliases.is_empty() {
                out.push_str(&format!("      also: {}\n", name.aliases.join(", ")));
            }
        }
    }
    out
}
