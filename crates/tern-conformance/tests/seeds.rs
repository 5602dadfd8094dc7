//! The conformance harness on the three seed descriptions kept in the repository
//! (`examples/seeds/`): every operation is tried with its required arguments and with all of
//! them, and none fails through Tern's fault. Needs Prism (`scripts/test.sh` installs it); the
//! test is skipped without it, except on CI (`CI` set), where it fails.

use std::path::{Path, PathBuf};
use tern_conformance::report::{Blame, Mode};
use tern_conformance::{run, Options};

fn seed(path: &str) -> (PathBuf, String) {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/seeds")
        .join(path);
    assert!(p.is_file(), "{} is missing", p.display());
    (p, path.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_seed_operation_is_callable_through_tern() {
    let options = Options::default();
    if !options.prism.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "Prism is not installed at {}: scripts/test.sh installs it",
            options.prism.display()
        );
        eprintln!("Prism not installed (run scripts/test.sh): skipped");
        return;
    }
    let documents = vec![
        seed("finch/finch.json"),
        seed("candid/candid.yaml"),
        seed("civis/civis.json"),
    ];
    let summary = run(documents, &options, |_| {}).await;
    let table = summary.table();
    println!("{table}");

    let tried: Vec<(&str, Option<&str>, usize, usize)> = summary
        .documents
        .iter()
        .map(|d| {
            (
                d.document.as_str(),
                d.status.as_deref(),
                d.counts(Mode::RequiredOnly).tried,
                d.counts(Mode::AllArguments).tried,
            )
        })
        .collect();
    assert_eq!(
        tried,
        [
            ("finch/finch.json", None, 38, 38),
            ("candid/candid.yaml", None, 15, 15),
            ("civis/civis.json", None, 910, 910),
        ],
        "{table}"
    );
    let tern: Vec<String> = summary
        .failures(Blame::Tern)
        .map(|f| {
            format!(
                "{} {} ({:?}): {}",
                f.document, f.operation, f.mode, f.message
            )
        })
        .collect();
    assert!(tern.is_empty(), "Tern failures:\n{}", tern.join("\n"));
}
