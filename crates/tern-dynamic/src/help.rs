//! Help texts built from the spec, the equivalent of Python's `help(client.workflows.list)`.

use tern_model::{ApiModel, ArgumentLocation, Operation};

fn signature(op: &Operation) -> String {
    let mut parts: Vec<String> = op
        .arguments
        .iter()
        .filter(|a| a.positional)
        .map(|a| a.name.clone())
        .collect();
    let keyword: Vec<String> = op
        .arguments
        .iter()
        .filter(|a| !a.positional)
        .map(|a| match &a.default {
            Some(d) => format!("{}={d}", a.name),
            None => a.name.clone(),
        })
        .collect();
    if !keyword.is_empty() {
        parts.push("*".into());
        parts.extend(keyword);
    }
    format!(
        "{}.{}({})",
        op.rest_name.resource,
        op.rest_name.method,
        parts.join(", ")
    )
}

/// Help for one method.
pub(crate) fn method(model: &ApiModel, op: &Operation) -> String {
    let mut out = signature(op);
    out.push_str("\n\n");
    if let Some(s) = &op.summary {
        out.push_str(&format!("  {s}\n"));
    }
    out.push_str(&format!("  {} {}\n", op.method, op.path));
    if op.deprecated {
        out.push_str("  Deprecated.\n");
    }
    if let Some(d) = &op.description {
        if op.summary.as_deref() != Some(d.as_str()) {
            out.push('\n');
            for line in d.lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
    }
    if !op.arguments.is_empty() {
        out.push_str("\nParameters:\n");
        for a in &op.arguments {
            let location = match a.location {
                ArgumentLocation::Parameter(i) => op.parameters[i].location.as_str(),
                _ => "body",
            };
            let requirement = if a.required { "required" } else { "optional" };
            let original = if a.original != a.name {
                format!(", `{}` in the spec", a.original)
            } else {
                String::new()
            };
            out.push_str(&format!(
                "  {}: {} ({location}, {requirement}{original})\n",
                a.name,
                a.ty.describe(model)
            ));
            if let Some(d) = &a.description {
                for line in d.lines().filter(|l| !l.trim().is_empty()) {
                    out.push_str(&format!("      {}\n", line.trim()));
                }
            }
            if let Some(default) = &a.default {
                out.push_str(&format!("      default: {default}\n"));
            }
        }
        if op
            .arguments
            .iter()
            .any(|a| a.name != tern_model::naming::snake_ident(&a.original))
        {
            out.push_str("  (A name the spec gives twice is kept by the first; the others add where they go: `_path`, `_query`, `_header`, `_cookie`, `_body`.)\n");
        }
        if op.request_body.is_some() {
            out.push_str("  The body can also be given whole, under the spec's member names (`--body JSON|@FILE`); arguments are set on top of it.\n");
        }
    }
    if let Some(r) = op.success_response() {
        let shape = r
            .contents
            .iter()
            .find_map(|c| c.ty.as_ref())
            .map(|t| t.describe(model))
            .unwrap_or_else(|| "no content".into());
        out.push_str(&format!("\nReturns: {shape} ({})\n", r.status));
    }
    if let Some(p) = &op.pagination {
        out.push_str(&format!(
            "Paginated ({}): iterate over every item with `paginate` / `--all-pages`.\n",
            p.style.kind()
        ));
    }
    if !op.rest_name.aliases.is_empty() {
        out.push_str(&format!(
            "Also available as: {}\n",
            op.rest_name.aliases.join(", ")
        ));
    }
    out
}

/// Help for a resource: every method's signature and summary.
pub(crate) fn resource(model: &ApiModel, name: &str, operations: &[usize]) -> String {
    let mut out = format!("Resource `{name}`: {} method(s)\n\n", operations.len());
    for &i in operations {
        let op = &model.operations[i];
        out.push_str(&format!(
            "  {}\n      {} {}",
            signature(op),
            op.method,
            op.path
        ));
        if let Some(s) = &op.summary {
            out.push_str(&format!(" — {s}"));
        }
        out.push('\n');
    }
    out
}
