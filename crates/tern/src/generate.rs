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
    let config = match &args.config {
        Some(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", path.display());
                    return ExitCode::from(1);
                }
            };
            let file = path.display().to_string();
            let checked = tern_codegen::Config::parse(&text, &file)
                .and_then(|c| c.check(&model, &text, &file).map(|()| c));
            match checked {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        None => tern_codegen::Config::default(),
    };
    let mut model = model;
    config.apply(&mut model);
    // `--name`, else the config's name, else one from the API title.
    let name = args
        .name
        .clone()
        .or_else(|| config.package.name.clone())
        .unwrap_or_else(|| {
            let base = tern_model::naming::snake_ident(if model.title.is_empty() {
                "api"
            } else {
                &model.title
            })
            .replace('_', "-");
            format!("{base}-sdk")
        });
    let mut opts = tern_codegen::Options::with_config(&name, config);
    opts.crate_name = name.clone();
    if let Some(n) = args.naming {
        opts.naming = n.into();
    }
    match &args.runtime_path {
        Some(p) => opts.runtime = tern_codegen::RuntimeDependency::Path(p.clone()),
        None => {
            if let Some(p) = workspace_runtime(&args.output) {
                opts.runtime = tern_codegen::RuntimeDependency::Path(p);
            }
        }
    }
    let name = opts.crate_name.clone();
    let files = tern_codegen::generate(&model, &opts);
    let mut sources = Vec::new();
    for file in &files {
        let path = args.output.join(&file.path);
        if file.path.ends_with(".rs") {
            sources.push((path.clone(), file.contents.len()));
        }
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
    if !args.no_rustfmt {
        rustfmt(&sources);
    }
    eprintln!("wrote crate `{name}` to {}", args.output.display());
    ExitCode::SUCCESS
}

/// Formats the written sources with `rustfmt` (edition 2021, as the generated `Cargo.toml`) so
/// that the crate is `cargo fmt`-clean. Each file goes through `rustfmt`'s standard input: given
/// a path, rustfmt would also format the modules that file declares, and two processes would
/// write the same files. Two workers, largest files first. Without `rustfmt` the files stay as
/// generated (prettyplease's layout) and a warning says so.
fn rustfmt(sources: &[(std::path::PathBuf, usize)]) {
    let mut queue: Vec<&(std::path::PathBuf, usize)> = sources.iter().collect();
    queue.sort_by_key(|f| std::cmp::Reverse(f.1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failed = std::sync::atomic::AtomicBool::new(false);
    let format_one = |path: &std::path::Path| -> bool {
        use std::io::Write as _;
        let Ok(text) = std::fs::read(path) else {
            return false;
        };
        let child = std::process::Command::new("rustfmt")
            .args(["--edition", "2021", "--emit", "stdout"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn();
        let Ok(mut child) = child else {
            return false;
        };
        // Written from another thread: rustfmt may fill its output pipe before reading all.
        let stdin = child.stdin.take();
        let writer = std::thread::spawn(move || stdin.map(|mut s| s.write_all(&text).is_ok()));
        let out = child.wait_with_output();
        let wrote = writer.join().ok().flatten().unwrap_or(false);
        match out {
            Ok(o) if o.status.success() && wrote && !o.stdout.is_empty() => {
                std::fs::write(path, o.stdout).is_ok()
            }
            _ => false,
        }
    };
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((path, _)) = queue.get(i) else { break };
                if !format_one(path) {
                    failed.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    if failed.load(std::sync::atomic::Ordering::Relaxed) {
        eprintln!("warning: rustfmt did not run cleanly on every file: those keep the generator's layout (`cargo fmt` formats them)");
    }
}

/// `tern-runtime`'s directory, relative to `output`, when `output` lies inside the Tern
/// workspace.
fn workspace_runtime(output: &std::path::Path) -> Option<String> {
    let _ = std::fs::create_dir_all(output);
    let output = output.canonicalize().ok()?;
    let mut up = std::path::PathBuf::new();
    for dir in output.ancestors() {
        if dir.join("crates/tern-runtime/Cargo.toml").is_file() {
            return Some(up.join("crates/tern-runtime").display().to_string());
        }
        up.push("..");
    }
    None
}
