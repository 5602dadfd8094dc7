//! Shell completion as a user gets it: the script `tern completions bash` prints is sourced in a
//! real bash, which then asks `tern` for the resources, methods and arguments of a spec.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

/// What bash offers for the word at `cword` of `words` (a `tern …` command line).
fn complete(words: &[&str], cword: usize) -> Vec<String> {
    let tern = env!("CARGO_BIN_EXE_tern");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let current = words.get(cword).copied().unwrap_or("");
    let previous = words[cword - 1];
    let script = format!(
        "source <('{tern}' completions bash) && COMP_WORDS=({}) && COMP_CWORD={cword} && COMP_TYPE=9 \
         && _clap_complete_tern tern '{current}' '{previous}' && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        quoted.join(" ")
    );
    let out = Command::new("bash")
        .args(["--norc", "-c", &script])
        .output()
        .expect("bash is needed for the completion test");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn bash_completes_resources_methods_and_arguments_of_a_spec() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile-server.yaml");
    let spec = spec.to_str().unwrap();

    let resources = complete(&["tern", "call", "--spec", spec, "d"], 4);
    assert_eq!(resources, ["download"], "{resources:?}");
    let all = complete(&["tern", "call", "--spec", spec, ""], 4);
    for r in ["download", "endless", "truncated", "mismatch"] {
        assert!(all.iter().any(|c| c == r), "{r} missing: {all:?}");
    }

    let methods = complete(&["tern", "call", "--spec", spec, "endless", ""], 5);
    assert!(methods.iter().any(|c| c == "list"), "{methods:?}");

    // A method's arguments, wherever `tern call`'s own options sit on the line.
    let arguments = complete(
        &[
            "tern",
            "call",
            "--spec",
            spec,
            "--timeout",
            "5",
            "endless",
            "list",
            "--p",
        ],
        8,
    );
    assert!(arguments.iter().any(|c| c == "--page"), "{arguments:?}");
    assert!(arguments.iter().any(|c| c == "--per_page"), "{arguments:?}");
    // An argument already given is not offered again.
    let rest = complete(
        &[
            "tern", "call", "--spec", spec, "endless", "list", "--page", "2", "--p",
        ],
        8,
    );
    assert!(!rest.iter().any(|c| c == "--page"), "{rest:?}");
    assert!(rest.iter().any(|c| c == "--per_page"), "{rest:?}");

    // Subcommands complete without a spec.
    let commands = complete(&["tern", "ge"], 1);
    assert_eq!(commands, ["generate"], "{commands:?}");
}

#[test]
fn registration_is_printed_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -o nospace"),
        ("zsh", "compdef"),
        ("fish", "complete --keep-order"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_tern"))
            .args(["completions", shell])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{shell}");
        assert!(text.contains(marker), "{shell}:\n{text}");
        assert!(text.contains("COMPLETE"), "{shell}:\n{text}");
    }
}
