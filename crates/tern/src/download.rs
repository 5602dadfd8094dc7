//! Streaming a response body to a file or to standard output in constant memory, with a
//! progress bar when stderr is a terminal.

use futures_util::StreamExt;
use std::io::Write;
use std::path::{Path, PathBuf};
use tern_runtime::StreamResponse;

/// Where a streamed body goes.
pub(crate) enum Sink {
    /// A file, written beside its final path and moved there once complete.
    File {
        /// The path the user named.
        path: PathBuf,
        /// Whether an existing file at `path` may be replaced.
        overwrite: bool,
    },
    /// Standard output.
    Stdout,
}

/// Why a download did not complete.
pub(crate) enum Failed {
    /// Before anything was sent: the destination cannot be written (a usage error).
    Destination(String),
    /// The transfer broke off (the partial file is removed).
    Transfer(tern_runtime::Error),
    /// Writing the body failed.
    Write(String),
}

impl Sink {
    /// Checks, before the request is sent, that the body can be written where asked: an
    /// existing file is never replaced unless the user said so, and its directory must exist.
    pub(crate) fn check(&self) -> Result<(), Failed> {
        let Sink::File { path, overwrite } = self else {
            return Ok(());
        };
        if path.exists() && !overwrite {
            return Err(Failed::Destination(format!(
                "`{}` exists; choose another --output-file or pass --overwrite",
                path.display()
            )));
        }
        if path.is_dir() {
            return Err(Failed::Destination(format!(
                "`{}` is a directory",
                path.display()
            )));
        }
        let dir = parent(path);
        if !dir.is_dir() {
            return Err(Failed::Destination(format!(
                "directory `{}` does not exist",
                dir.display()
            )));
        }
        Ok(())
    }

    /// Streams the body into the sink; returns the bytes written.
    pub(crate) async fn write(&self, response: StreamResponse, quiet: bool) -> Result<u64, Failed> {
        let length = response
            .headers
            .get(tern_runtime::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let bar = progress(length, quiet);
        let written = match self {
            Sink::Stdout => {
                let mut out = std::io::stdout().lock();
                copy(response, &mut out, &bar).await
            }
            Sink::File { path, overwrite } => {
                // Written beside the target (same file system) and moved into place only when
                // complete: an interrupted download leaves no partial file behind.
                let mut part = tempfile::Builder::new()
                    .prefix(".tern-download-")
                    .tempfile_in(parent(path))
                    .map_err(|e| {
                        Failed::Write(format!(
                            "cannot create a file beside `{}`: {e}",
                            path.display()
                        ))
                    })?;
                let n = copy(response, part.as_file_mut(), &bar).await?;
                let placed = if *overwrite {
                    part.persist(path).map(|_| ())
                } else {
                    part.persist_noclobber(path).map(|_| ())
                };
                placed.map_err(|e| {
                    Failed::Write(format!("cannot write `{}`: {}", path.display(), e.error))
                })?;
                Ok(n)
            }
        };
        bar.finish_and_clear();
        written
    }
}

/// The directory a file goes into (`.` for a bare file name).
fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A byte-counting bar on stderr (hidden with `--quiet`).
fn progress(length: Option<u64>, quiet: bool) -> indicatif::ProgressBar {
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let template = match length {
        Some(_) => "{bar:40} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta}",
        None => "{spinner} {binary_bytes} {binary_bytes_per_sec}",
    };
    stderr_bar(length, template)
}

/// A bar (with a length) or a counter on stderr, drawn as `template`; indicatif hides it when
/// stderr is not a terminal.
pub(crate) fn stderr_bar(length: Option<u64>, template: &str) -> indicatif::ProgressBar {
    let bar =
        indicatif::ProgressBar::with_draw_target(length, indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// Copies the body chunk by chunk: memory stays at one chunk, whatever the body's size. A
/// reader that goes away (a closed pipe) ends the copy quietly.
async fn copy(
    response: StreamResponse,
    out: &mut impl Write,
    bar: &indicatif::ProgressBar,
) -> Result<u64, Failed> {
    let mut chunks = std::pin::pin!(response.bytes());
    let mut written = 0u64;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(Failed::Transfer)?;
        match out.write_all(&chunk) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(written),
            Err(e) => return Err(Failed::Write(e.to_string())),
        }
        written = written.saturating_add(chunk.len() as u64);
        bar.inc(chunk.len() as u64);
    }
    out.flush().map_err(|e| Failed::Write(e.to_string()))?;
    Ok(written)
}
