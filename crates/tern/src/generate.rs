//! `tern generate`: a Rust SDK crate from a spec.

use crate::GenerateArgs;
use std::process::ExitCode;

pub(crate) fn run(args: &GenerateArgs) -> ExitCode {
    let Ok(loaded) = crate::load_spec(&args.spec) else {
        return ExitCode::from(1);
    };
    let (model, diagnostics) = tern_model::build(&loaded.spec);
    let errors = diagnostics
        .iter()
        .chain(&loaded.diagnostics)
        .filter(|d| d.is_error())
        .count();
    let warnings = diagnostics.len() + loaded.diagnostics.len() - errors;
    if errors + warnings > 0 {
        eprintln!("{errors} error(s), {warnings} warning(s) in the spec (see `tern inspect`)");
    }
    let name = args.name.clone().unwrap_or_else(|| {
        let base = tern_model::naming::snake_ident(if model.title.is_empty() {
            "api"
        } else {
            &model.title
        })
        .replace('_', "-");
        format!("{base}-sdk")
    });
    let mut opts = tern_codegen::Options::new(&name);
    opts.naming = args.naming.into();
    if let Some(p) = &args.runtime_path {
        opts.runtime = tern_codegen::RuntimeDependency::Path(p.clone());
    }
    for file in tern_codegen::generate(&model, &opts) {
        let path = args.output.join(&file.path);
        if let Some(dir) = path.parent() {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("error: cannot create {}: {e}", dir.display());
                return ExitCode::from(1);
            }
        }
        if let Err(e) = std::fs::write(&path, &file.contents) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(1);
        }
    }
    eprintln!("wrote crate `{name}` to {}", args.output.display());
    ExitCode::SUCCESS
}
