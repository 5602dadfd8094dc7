//! `tern generate`: a Rust SDK crate from a spec.

use crate::GenerateArgs;
use std::process::ExitCode;

/// The file in a generated crate that lists the files the generator owns.
const MARKER: &str = ".tern-generated";

pub(crate) fn run(args: &GenerateArgs) -> ExitCode {
    // Arguments first: nothing is loaded or written when they are wrong.
    let owned_before = match previous_files(&args.output, args.force) {
        Ok(files) => files,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match runtime_dependency(args) {
        Ok(r) => r,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
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
    // `--name`, else the config's name, else one from the API title.
    let name = args
        .name
        .clone()
        .or_else(|| config.package.name.clone())
        .unwrap_or_else(|| tern_plan::default_crate_name(&model));
    let mut opts = tern_codegen::Options::with_config(&name, config);
    opts.crate_name = name.clone();
    if let Some(n) = args.naming {
        opts.naming = n.into();
    }
    let runtime = match runtime {
        Runtime::Embedded => tern_codegen::RuntimeDependency::Embedded,
        Runtime::Version(v) => tern_codegen::RuntimeDependency::Version(v),
        Runtime::Path(abs) => match relative_path(&args.output, &abs) {
            Ok(p) => tern_codegen::RuntimeDependency::Path(p),
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(1);
            }
        },
    };
    opts.runtime = runtime;
    // Only inside the Tern tree may a crate declare itself a workspace of its own.
    opts.own_workspace = inside_tern_tree(&args.output);
    let name = opts.crate_name.clone();
    let files = tern_codegen::generate(&model, &opts);
    let mut sources = Vec::new();
    for file in &files {
        let path = args.output.join(&file.path);
        if file.path.ends_with(".rs") {
            sources.push(Source {
                path: path.clone(),
                size: file.contents.len(),
                leaf: !declares_modules(&file.contents),
            });
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
    let written: std::collections::BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut marker = format!(
        "# The files `tern generate` (tern {}) wrote and owns. Regenerating replaces them and\n# removes those it no longer writes; files not listed here are never touched.\n",
        env!("CARGO_PKG_VERSION")
    );
    for path in &written {
        marker.push_str(path);
        marker.push('\n');
    }
    if let Err(e) = std::fs::write(args.output.join(MARKER), marker) {
        eprintln!(
            "error: cannot write {}: {e}",
            args.output.join(MARKER).display()
        );
        return ExitCode::from(1);
    }
    let removed = remove_stale(&args.output, &owned_before, &written);
    if !removed.is_empty() {
        eprintln!(
            "removed {} file(s) the generator no longer writes: {}",
            removed.len(),
            removed.join(", ")
        );
    }
    if !args.no_rustfmt {
        rustfmt(&sources);
    }
    eprintln!("wrote crate `{name}` to {}", args.output.display());
    ExitCode::SUCCESS
}

/// Where the crate gets its runtime, from the arguments.
enum Runtime {
    Embedded,
    /// The runtime crate's directory, absolute.
    Path(std::path::PathBuf),
    Version(String),
}

fn runtime_dependency(args: &GenerateArgs) -> Result<Runtime, String> {
    if let Some(v) = &args.runtime_version {
        let valid = !v.is_empty()
            && v.chars().all(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(
                        c,
                        '.' | '-' | '+' | '^' | '~' | '=' | '*' | ' ' | '<' | '>' | ','
                    )
            });
        if !valid {
            return Err(format!(
                "--runtime-version {v:?} is not a version requirement"
            ));
        }
        return Ok(Runtime::Version(v.clone()));
    }
    let Some(path) = &args.runtime_path else {
        return Ok(Runtime::Embedded);
    };
    let manifest = path.join("Cargo.toml");
    if !manifest.is_file() {
        return Err(format!(
            "--runtime-path {}: no Cargo.toml there (it must be the tern-runtime crate's directory)",
            path.display()
        ));
    }
    let text = std::fs::read_to_string(&manifest).unwrap_or_default();
    if !text
        .lines()
        .any(|l| l.replace(' ', "") == "name=\"tern-runtime\"")
    {
        return Err(format!(
            "--runtime-path {}: {} is not tern-runtime's manifest",
            path.display(),
            manifest.display()
        ));
    }
    path.canonicalize()
        .map(Runtime::Path)
        .map_err(|e| format!("--runtime-path {}: {e}", path.display()))
}

/// `to` (absolute) as a path relative to the directory `from`, which is created if missing:
/// the generated `Cargo.toml` names it from the crate's directory.
fn relative_path(from: &std::path::Path, to: &std::path::Path) -> Result<String, String> {
    std::fs::create_dir_all(from).map_err(|e| format!("cannot create {}: {e}", from.display()))?;
    let from = from
        .canonicalize()
        .map_err(|e| format!("{}: {e}", from.display()))?;
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut rel = std::path::PathBuf::new();
    for _ in from.components().skip(common) {
        rel.push("..");
    }
    for c in to.components().skip(common) {
        rel.push(c);
    }
    let text = rel.display().to_string();
    Ok(if text.is_empty() { ".".into() } else { text })
}

/// The files a previous generation into `dir` owns (from its marker): empty for a new or empty
/// directory; an error for a directory with other contents, unless `force`.
fn previous_files(dir: &std::path::Path, force: bool) -> Result<Vec<String>, String> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    if !dir.is_dir() {
        return Err(format!("{} exists and is not a directory", dir.display()));
    }
    match std::fs::read_to_string(dir.join(MARKER)) {
        Ok(text) => Ok(text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            // Only plain relative paths: a marker must not reach outside the crate.
            .filter(|l| {
                std::path::Path::new(l)
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)))
            })
            .map(str::to_owned)
            .collect()),
        Err(_) => {
            let empty = std::fs::read_dir(dir)
                .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
                .next()
                .is_none();
            if empty || force {
                Ok(Vec::new())
            } else {
                Err(format!(
                    "{} is not empty and was not generated by Tern (it has no {MARKER}): \
                     refusing to write into it; choose a new directory, or pass --force to write \
                     the generated files into it anyway",
                    dir.display()
                ))
            }
        }
    }
}

/// Removes the files a previous generation owned that this one did not write, and directories
/// that leaves empty; returns their paths.
fn remove_stale(
    dir: &std::path::Path,
    before: &[String],
    written: &std::collections::BTreeSet<&str>,
) -> Vec<String> {
    let mut removed = Vec::new();
    for path in before {
        if written.contains(path.as_str()) {
            continue;
        }
        let full = dir.join(path);
        if full.is_file() && std::fs::remove_file(&full).is_ok() {
            removed.push(path.clone());
            let mut parent = full.parent();
            while let Some(p) = parent.filter(|p| *p != dir) {
                // Fails, and stops, at the first directory that is not empty.
                if std::fs::remove_dir(p).is_err() {
                    break;
                }
                parent = p.parent();
            }
        }
    }
    removed
}

/// A written Rust source, for `rustfmt`.
struct Source {
    path: std::path::PathBuf,
    /// Its size in bytes (the largest are formatted first).
    size: usize,
    /// It declares no module of its own (`mod x;`).
    leaf: bool,
}

/// Whether Rust source `text` declares an out-of-line module (a line `mod x;`, `pub mod x;`, ...).
fn declares_modules(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        line.ends_with(';')
            && (line.starts_with("mod ")
                || line.starts_with("pub mod ")
                || line.starts_with("pub(crate) mod "))
    })
}

/// Leaf files a `rustfmt` process formats (one process costs more than formatting a small file).
const RUSTFMT_BATCH: usize = 64;

/// Formats the written sources with `rustfmt` (edition 2021, as the generated `Cargo.toml`) so
/// that the crate is `cargo fmt`-clean. A file that declares modules goes through `rustfmt`'s
/// standard input: given its path, rustfmt would also format the modules it declares, and two
/// processes would write the same files. Leaf files (a type's module) are given by path, many to
/// a process. Two workers, largest files first. Without `rustfmt` the files stay as generated
/// (prettyplease's layout) and a warning says so.
fn rustfmt(sources: &[Source]) {
    let mut parents: Vec<&Source> = sources.iter().filter(|f| !f.leaf).collect();
    parents.sort_by_key(|f| std::cmp::Reverse(f.size));
    let mut leaves: Vec<&Source> = sources.iter().filter(|f| f.leaf).collect();
    leaves.sort_by_key(|f| std::cmp::Reverse(f.size));
    // Large leaves alone, then the rest in batches: the jobs in the order they are taken.
    let mut jobs: Vec<Vec<&std::path::Path>> = Vec::new();
    let mut batch = Vec::new();
    for leaf in leaves {
        if leaf.size >= 64 * 1024 {
            jobs.push(vec![leaf.path.as_path()]);
            continue;
        }
        batch.push(leaf.path.as_path());
        if batch.len() == RUSTFMT_BATCH {
            jobs.push(std::mem::take(&mut batch));
        }
    }
    if !batch.is_empty() {
        jobs.push(batch);
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failed = std::sync::atomic::AtomicBool::new(false);
    let format_piped = |path: &std::path::Path| -> bool {
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
    let format_in_place = |paths: &[&std::path::Path]| -> bool {
        std::process::Command::new("rustfmt")
            .args(["--edition", "2021"])
            .args(paths)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let total = parents.len() + jobs.len();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let ok = match parents.get(i) {
                    Some(parent) => format_piped(&parent.path),
                    None => jobs
                        .get(i - parents.len())
                        .is_some_and(|paths| format_in_place(paths)),
                };
                if !ok {
                    failed.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    if failed.load(std::sync::atomic::Ordering::Relaxed) {
        eprintln!("warning: rustfmt did not run cleanly on every file: those keep the generator's layout (`cargo fmt` formats them)");
    }
}

/// Whether `output` lies inside a checkout of Tern (a directory with
/// `crates/tern-runtime/Cargo.toml` above it): there, generated crates are workspaces of their
/// own, since Tern's workspace does not list them.
fn inside_tern_tree(output: &std::path::Path) -> bool {
    let _ = std::fs::create_dir_all(output);
    let Ok(output) = output.canonicalize() else {
        return false;
    };
    output
        .ancestors()
        .any(|dir| dir.join("crates/tern-runtime/Cargo.toml").is_file())
}

#[cfg(test)]
mod tests {
    use super::declares_modules;

    #[test]
    fn files_that_declare_modules_are_told_apart() {
        assert!(declares_modules(
            "//! Docs.\n\nmod circle;\npub use circle::Circle;\n"
        ));
        assert!(declares_modules(
            "#[cfg(feature = \"repos\")]\npub mod repos;\n"
        ));
        assert!(declares_modules("    pub(crate) mod auth;\n"));
        assert!(!declares_modules(
            "use super::Style;\n\npub struct Circle {}\n"
        ));
        // An inline module is formatted with its file.
        assert!(!declares_modules(
            "pub mod blocking {\n    use super::*;\n}\n"
        ));
    }
}
