//! The Prism mock server (npm `@stoplight/prism-cli`, pinned and installed by `scripts/test.sh`
//! into `.tools/prism`): found, started for one description on a loopback port, waited for, and
//! stopped on drop.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where Prism is installed: `$TERN_PRISM`, else `.tools/prism/node_modules/.bin/prism` under the
/// current directory or, failing that, under the repository this crate was built from.
pub fn default_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("TERN_PRISM") {
        return PathBuf::from(p);
    }
    let relative = Path::new(".tools/prism/node_modules/.bin/prism");
    if relative.exists() {
        return relative.to_path_buf();
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
}

/// A free loopback port (bound, then released for Prism to take).
pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A running `prism mock`; killed when dropped.
#[derive(Debug)]
pub struct Prism {
    child: Child,
    log: PathBuf,
    /// Its base URL (`http://127.0.0.1:PORT`).
    pub url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

impl Prism {
    /// Starts `bin mock --host 127.0.0.1 --port PORT ARGS… SPEC` and waits until it accepts
    /// connections. The error says why it did not start: the end of its output when it exited
    /// (a description it cannot load), or that it did not listen within `wait`.
    pub async fn start(
        bin: &Path,
        spec: &Path,
        port: u16,
        args: &[&str],
        wait: Duration,
    ) -> Result<Prism, String> {
        let log = std::env::temp_dir().join(format!(
            "tern-conformance-prism-{}-{port}.log",
            std::process::id()
        ));
        let out = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new(bin)
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
            .args(args)
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
        let mut prism = Prism {
            child,
            log,
            url: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Ok(prism);
            }
            if let Ok(Some(status)) = prism.child.try_wait() {
                return Err(format!("prism exited ({status}): {}", prism.tail()));
            }
            if started.elapsed() > wait {
                return Err(format!(
                    "prism did not listen within {} s: {}",
                    wait.as_secs(),
                    prism.tail()
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The line of Prism's output that says why it stopped: its first fatal or error line,
    /// else its last line (colours removed).
    fn tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<String> = text
            .lines()
            .map(strip_ansi)
            .filter(|l| !l.trim().is_empty())
            .collect();
        let line = lines
            .iter()
            .find(|l| l.contains("fatal") || l.contains("Error:"))
            .or(lines.last())
            .map_or("no output", |l| l.trim());
        line.chars().take(300).collect()
    }
}

/// Text without ANSI escape sequences.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte.
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
