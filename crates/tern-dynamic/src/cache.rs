//! The spec cache: process-wide, keyed by source and a hash of the credentials (never the
//! secrets themselves); entries live for a TTL (24 h, or 15 min when stdin is a terminal);
//! concurrent builders of the same key wait for one fetch; an optional on-disk copy is
//! revalidated with `If-None-Match` / `If-Modified-Since`.

use crate::{DynamicClientBuilder, DynamicError, LoadedApi, SpecSource};
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tern_runtime::Request;

/// A source of "now", replaceable in tests.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant.
    fn now(&self) -> Instant;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// How specs are cached.
#[derive(Debug, Clone)]
pub struct CacheOptions {
    /// Use the process-wide cache (default true).
    pub enabled: bool,
    /// Time to live; `None` = 15 minutes when stdin is a terminal, 24 hours otherwise.
    pub ttl: Option<Duration>,
    /// Load anew even when a fresh entry exists (the new one replaces it).
    pub force_refresh: bool,
    /// Keep a copy of specs fetched from URLs here, revalidated with ETag / Last-Modified.
    pub disk_dir: Option<PathBuf>,
    /// The clock deciding freshness.
    pub clock: Arc<dyn Clock>,
}

impl Default for CacheOptions {
    fn default() -> Self {
        CacheOptions {
            enabled: true,
            ttl: None,
            force_refresh: false,
            disk_dir: None,
            clock: Arc::new(SystemClock),
        }
    }
}

impl CacheOptions {
    fn ttl(&self) -> Duration {
        self.ttl.unwrap_or_else(|| {
            if std::io::stdin().is_terminal() {
                Duration::from_secs(15 * 60)
            } else {
                Duration::from_secs(24 * 3600)
            }
        })
    }
}

type Slot = Arc<tokio::sync::Mutex<Option<(Instant, Arc<LoadedApi>)>>>;

fn slots() -> &'static Mutex<HashMap<String, Slot>> {
    static SLOTS: OnceLock<Mutex<HashMap<String, Slot>>> = OnceLock::new();
    SLOTS.get_or_init(Mutex::default)
}

fn key(builder: &DynamicClientBuilder, source: &SpecSource) -> String {
    let mut h = DefaultHasher::new();
    let c = &builder.credentials;
    (&c.api_key, &c.bearer, &c.basic, &c.oauth2).hash(&mut h);
    let source = match source {
        SpecSource::Path(p) => format!(
            "file:{}",
            std::path::absolute(p)
                .unwrap_or_else(|_| p.clone())
                .display()
        ),
        SpecSource::Url(u) => format!("url:{u}"),
        SpecSource::Document(name, text) => {
            let mut t = DefaultHasher::new();
            text.hash(&mut t);
            format!("doc:{name}:{:x}", t.finish())
        }
    };
    format!("{source}#{:x}", h.finish())
}

pub(crate) async fn load(
    builder: &DynamicClientBuilder,
    source: &SpecSource,
) -> Result<Arc<LoadedApi>, DynamicError> {
    let opts = &builder.cache;
    if !opts.enabled {
        return Ok(Arc::new(fetch(builder, source).await?));
    }
    let k = key(builder, source);
    let slot = {
        let mut map = slots()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        map.entry(k).or_default().clone()
    };
    // Builders of the same key queue here: one fetch, the others take its result.
    let mut entry = slot.lock().await;
    let now = opts.clock.now();
    if let Some((at, api)) = entry.as_ref() {
        if !opts.force_refresh && now.saturating_duration_since(*at) < opts.ttl() {
            return Ok(api.clone());
        }
    }
    let api = Arc::new(fetch(builder, source).await?);
    *entry = Some((now, api.clone()));
    Ok(api)
}

async fn fetch(
    builder: &DynamicClientBuilder,
    source: &SpecSource,
) -> Result<LoadedApi, DynamicError> {
    let loaded = match source {
        SpecSource::Path(p) => {
            tern_spec::load_path(p).map_err(|e| DynamicError::Spec(e.diagnostics))?
        }
        SpecSource::Document(name, text) => {
            tern_spec::load_str(name, text).map_err(|e| DynamicError::Spec(e.diagnostics))?
        }
        SpecSource::Url(u) => return fetch_url(builder, u).await,
    };
    let name = match source {
        SpecSource::Path(p) => p.display().to_string(),
        SpecSource::Document(name, _) => name.clone(),
        SpecSource::Url(u) => u.clone(),
    };
    Ok(LoadedApi::new(loaded.spec, loaded.diagnostics, name))
}

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct DiskMeta {
    etag: Option<String>,
    last_modified: Option<String>,
}

async fn fetch_url(builder: &DynamicClientBuilder, url: &str) -> Result<LoadedApi, DynamicError> {
    let (client, _) = builder.runtime(None, url)?;
    let disk = builder.cache.disk_dir.as_ref().map(|dir| {
        let mut h = DefaultHasher::new();
        url.hash(&mut h);
        let stem = dir.join(format!("{:016x}", h.finish()));
        (stem.with_extension("spec"), stem.with_extension("meta"))
    });
    let cached = disk.as_ref().and_then(|(body, meta)| {
        let bytes = std::fs::read(body).ok()?;
        let meta: DiskMeta = serde_json::from_slice(&std::fs::read(meta).ok()?).ok()?;
        Some((bytes, meta))
    });
    let mut request = Request::get(url.to_owned());
    if let Some((_, meta)) = &cached {
        if let Some(etag) = &meta.etag {
            request = request.header("If-None-Match", etag.clone());
        }
        if let Some(lm) = &meta.last_modified {
            request = request.header("If-Modified-Since", lm.clone());
        }
    }
    let bytes = match client.execute(request).await {
        Ok(raw) => {
            if let Some((body, meta)) = &disk {
                let header = |n: &str| {
                    raw.headers
                        .get(n)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                let m = DiskMeta {
                    etag: header("etag"),
                    last_modified: header("last-modified"),
                };
                if let Some(dir) = body.parent() {
                    let _ = std::fs::create_dir_all(dir);
                }
                // A cache that cannot be written is not an error: the spec was fetched.
                let _ = std::fs::write(body, &raw.body);
                let _ = std::fs::write(meta, serde_json::to_vec(&m).unwrap_or_default());
            }
            raw.body.to_vec()
        }
        Err(e) if e.status() == Some(tern_runtime::StatusCode::NOT_MODIFIED) => match cached {
            Some((bytes, _)) => bytes,
            None => return Err(DynamicError::Fetch(e)),
        },
        Err(e) => return Err(DynamicError::Fetch(e)),
    };
    let parsed = tern_spec::Url::parse(url)
        .map_err(|e| DynamicError::Spec(vec![bad_url(url, &e.to_string())]))?;
    let mut session = tern_spec::LoadSession::new(parsed, bytes)
        .map_err(|e| DynamicError::Spec(e.diagnostics))?;
    loop {
        let pending = session.pending();
        if pending.is_empty() {
            break;
        }
        for u in pending {
            // The session only queues http(s) documents for a remote root.
            let result = client
                .execute(Request::get(u.to_string()))
                .await
                .map(|r| r.body.to_vec())
                .map_err(|e| e.to_string());
            session.supply(&u, result);
        }
    }
    let loaded = session.finish();
    Ok(LoadedApi::new(
        loaded.spec,
        loaded.diagnostics,
        url.to_owned(),
    ))
}

fn bad_url(url: &str, message: &str) -> tern_spec::Diagnostic {
    tern_spec::Diagnostic::about_file(
        tern_spec::Severity::Error,
        "bad-url",
        format!("not a URL: {message}"),
        url,
    )
}
