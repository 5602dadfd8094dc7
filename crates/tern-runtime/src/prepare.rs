//! Preparing a call once: the URL on the parsed base URL, the request's headers validated,
//! the idempotency key, the body encoded, the credentials selected, and the options resolved;
//! then each attempt's header map built from that.

use crate::body::{encode_body, PreparedBody};
use crate::client::Client;
use crate::credentials::select_credentials;
use crate::error::{Error, RequestInfo};
use crate::request::{Body, Request, NO_OPTIONS};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, USER_AGENT};
use reqwest::Method;
use std::time::Duration;

/// A request ready to send, kept for the whole call. Built once; each attempt then builds its
/// `reqwest::Request` from it without copying what the first attempt can take.
pub(crate) struct Prepared {
    /// Indexes of the credentials this request sends.
    pub(crate) credentials: Vec<usize>,
    /// The URL the first attempt sends (with any query API key); a retry rebuilds it.
    pub(crate) first_url: Option<url::Url>,
    pub(crate) info: RequestInfo,
    /// This request's headers beyond the client's, validated.
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: PreparedBody,
    pub(crate) timeout: Duration,
    /// The deadline of the whole call, from its start.
    pub(crate) deadline: Option<Duration>,
    pub(crate) max_bytes: Option<usize>,
    pub(crate) max_retries: Option<u32>,
}

pub(crate) fn header_value(name: &str, value: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value).map_err(|_| Error::invalid(format!("the value of header `{name}` contains characters a header may not (CR, LF or other control characters)")))
}

pub(crate) fn header_name(name: &str) -> Result<HeaderName, Error> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::invalid(format!("`{name}` is not a valid header name")))
}

impl Client {
    /// The URL to call, and its text for [`RequestInfo`].
    ///
    /// A path relative to the base URL is set on a copy of the base URL parsed when the client
    /// was built: host, port and scheme are not parsed again on every call (raw `reqwest` with
    /// a string URL parses all of it each time). Absolute URLs (a next-page link, a path that
    /// is a full URL) and templates carrying their own `?` or `#` are parsed in full.
    pub(crate) fn url(&self, req: &Request) -> Result<(url::Url, String), Error> {
        let shared = &self.shared;
        let query = || {
            shared
                .default_query
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .chain(req.query.iter().map(|(k, v)| (k.as_ref(), v.as_str())))
                .chain(
                    self.options
                        .query
                        .iter()
                        .chain(req.options.iter().flat_map(|o| &o.query))
                        .map(|(k, v)| (k.as_str(), v.as_str())),
                )
        };
        let relative =
            req.absolute_url.is_none() && !req.is_absolute() && !req.path.contains(['?', '#']);
        if let (true, Some(base)) = (relative, &shared.base) {
            let mut path = String::with_capacity(base.path().len() + req.path.len() + 16);
            req.join_path_into(base.path(), &mut path)?;
            let mut url = base.clone();
            url.set_path(&path);
            let mut query = query().peekable();
            if query.peek().is_some() {
                url.query_pairs_mut().extend_pairs(query);
            }
            let text = url.as_str().to_owned();
            return Ok((url, text));
        }
        let text = match &req.absolute_url {
            Some(absolute) => absolute.clone(),
            None => req.url_text(&shared.base_url, query())?,
        };
        let url = url::Url::parse(&text)
            .map_err(|e| Error::invalid(format!("the URL for {} is not valid: {e}", req.path)))?;
        // The text itself when parsing kept it as it was.
        let text = if url.as_str() == text {
            text
        } else {
            url.as_str().to_owned()
        };
        Ok((url, text))
    }

    pub(crate) fn prepare(&self, req: Request) -> Result<Prepared, Error> {
        let shared = &self.shared;
        // Client-level options first, the request's own on top (no merged copy is built).
        let over = req.options.as_deref().unwrap_or(&NO_OPTIONS);
        let base = &*self.options;
        let (mut url, text) = self.url(&req)?;
        // The URL shown in errors and logs (query API keys are added to `url` only).
        let info = RequestInfo {
            method: req.method.clone(),
            url: text,
        };
        let mut headers = Vec::new();
        for (n, v) in req.headers.iter().chain(&base.headers).chain(&over.headers) {
            headers.push((header_name(n)?, header_value(n, v)?));
        }
        let idempotency_key = over
            .idempotency_key
            .as_ref()
            .or(base.idempotency_key.as_ref());
        if let Some(h) = &shared.idempotency_header {
            let is_non_idempotent = matches!(req.method, Method::POST | Method::PATCH);
            if is_non_idempotent || idempotency_key.is_some() {
                let key = match idempotency_key {
                    Some(k) => header_value(h.as_str(), k)?,
                    None => HeaderValue::try_from(format!(
                        "tern-{:016x}{:016x}",
                        fastrand::u64(..),
                        fastrand::u64(..)
                    ))
                    .map_err(|_| Error::invalid("the idempotency key is not a header value"))?,
                };
                headers.push((h.clone(), key));
            }
        }
        let has_body_fields = !(base.body_fields.is_empty() && over.body_fields.is_empty());
        let body = match req.body {
            Body::Empty if !has_body_fields => PreparedBody::None,
            body => encode_body(body, base.body_fields.iter().chain(&over.body_fields))?,
        };
        let credentials = select_credentials(&shared.credentials, req.security.as_ref());
        self.add_query_keys(&mut url, &credentials);
        Ok(Prepared {
            credentials,
            first_url: Some(url),
            info,
            headers,
            body,
            timeout: over.timeout.or(base.timeout).unwrap_or(shared.timeout),
            deadline: over.deadline.or(base.deadline),
            max_bytes: over.max_response_bytes.or(base.max_response_bytes),
            max_retries: over.max_retries.or(base.max_retries),
        })
    }

    /// The headers of one attempt: the client's, the request's, the retry count and the body's
    /// content type, built fresh (cheaper than keeping a map to clone).
    pub(crate) fn attempt_headers(&self, p: &Prepared, retry_count: u32) -> HeaderMap {
        let shared = &self.shared;
        // Room for the User-Agent, the retry count, the content type and reqwest's `accept`.
        let mut headers =
            HeaderMap::with_capacity(shared.default_headers.len() + p.headers.len() + 4);
        headers.insert(USER_AGENT, shared.user_agent.clone());
        for (n, v) in shared.default_headers.iter().chain(&p.headers) {
            headers.insert(n.clone(), v.clone());
        }
        if let Some(h) = &shared.retry_count_header {
            const COUNTS: [&str; 4] = ["0", "1", "2", "3"];
            let value = match COUNTS.get(retry_count as usize) {
                Some(v) => HeaderValue::from_static(v),
                None => HeaderValue::from(retry_count),
            };
            headers.insert(h.clone(), value);
        }
        if let PreparedBody::Bytes(_, ct) = &p.body {
            // An explicit Content-Type (a header parameter, an option) wins over the body's.
            if !headers.contains_key(CONTENT_TYPE) {
                headers.insert(CONTENT_TYPE, ct.clone());
            }
        }
        headers
    }

    /// The URL of a retry (the first attempt took the prepared one).
    #[inline(never)]
    pub(crate) fn retry_url(&self, p: &Prepared) -> Result<url::Url, Error> {
        let mut url = url::Url::parse(&p.info.url)
            .map_err(|e| Error::invalid(format!("the URL {} is not valid: {e}", p.info.url)))?;
        self.add_query_keys(&mut url, &p.credentials);
        Ok(url)
    }
}
