//! Starts the Prism mock server (npm `@stoplight/prism-cli`, installed by `scripts/test.sh`
//! into `.tools/prism`) for a spec on a free loopback port; stops it on drop.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Prism {
    child: Child,
    pub url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A seed description, kept in the repository beside its example (`examples/seeds/<api>/`).
pub fn seed(name: &str) -> PathBuf {
    let api = name.split('.').next().unwrap_or(name);
    let p = repo().join("examples/seeds").join(api).join(name);
    assert!(p.is_file(), "{} is missing", p.display());
    p
}

/// `None` (test skipped) when Prism is not installed, except on CI, where it must be.
pub fn start(spec: &Path) -> Option<Prism> {
    start_with(spec, &[])
}

/// As [`start`], with more arguments for `prism mock` (`--dynamic`: responses generated from
/// the schemas rather than taken from the spec's examples).
pub fn start_with(spec: &Path, args: &[&str]) -> Option<Prism> {
    let bin = std::env::var_os("TERN_PRISM")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".tools/prism/node_modules/.bin/prism"));
    if !bin.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "Prism is not installed at {}: scripts/test.sh installs it",
            bin.display()
        );
        eprintln!("Prism not installed (run scripts/test.sh): skipped");
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(&bin)
        .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
        .args(args)
        .arg(spec)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prism starts");
    let prism = Prism {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "Prism did not start within 90 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(prism)
}
