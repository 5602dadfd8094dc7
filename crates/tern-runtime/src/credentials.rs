//! Credentials on the wire: which of the client's credentials a request sends (by its
//! security alternatives), and how each is applied to an attempt — headers, cookies, query
//! keys, basic auth and provided tokens. Secrets are marked sensitive.

use crate::auth::{ApiKeyLocation, Credential, Secret, TokenProvider};
use crate::client::Client;
use crate::error::Error;
use crate::prepare::{header_name, header_value};
use crate::request::Security;
use reqwest::header::{HeaderValue, AUTHORIZATION, COOKIE};
use std::sync::Arc;

/// A secret header value: marked sensitive, so that it is never shown by `Debug`.
pub(crate) fn secret_value(name: &str, value: &str) -> Result<HeaderValue, Error> {
    let mut v = header_value(name, value)?;
    v.set_sensitive(true);
    Ok(v)
}

/// The credentials a request sends: untagged ones always; of the tagged ones, those of the
/// first non-empty security alternative the client can satisfy entirely. When none can be,
/// those of the alternative it satisfies best (the server's answer then names what is
/// missing, rather than a bare 401 for a request sent without any credential).
pub(crate) fn select_credentials(
    credentials: &[(Vec<String>, Credential)],
    security: Option<&Security>,
) -> Vec<usize> {
    match security {
        None => (0..credentials.len()).collect(),
        Some(Security::Static(alternatives)) => choose_credentials(
            credentials,
            alternatives.iter().map(|alt| alt.iter().copied()),
        ),
        Some(Security::Owned(alternatives)) => choose_credentials(
            credentials,
            alternatives
                .iter()
                .map(|alt| alt.iter().map(String::as_str)),
        ),
    }
}

pub(crate) fn choose_credentials<'a, I: Iterator<Item = &'a str>>(
    credentials: &[(Vec<String>, Credential)],
    alternatives: impl Iterator<Item = I>,
) -> Vec<usize> {
    let untagged = credentials
        .iter()
        .enumerate()
        .filter(|(_, (tags, _))| tags.is_empty())
        .map(|(i, _)| i);
    let has = |scheme: &str| {
        credentials
            .iter()
            .position(|(tags, _)| tags.iter().any(|t| t == scheme))
    };
    // Per alternative: the credentials it can take, and whether it is met entirely.
    let mut best: Option<Vec<usize>> = None;
    let mut chosen = None;
    for alt in alternatives {
        let (mut found, mut complete) = (Vec::new(), true);
        for scheme in alt {
            match has(scheme) {
                Some(i) if !found.contains(&i) => found.push(i),
                Some(_) => {}
                None => complete = false,
            }
        }
        if found.is_empty() {
            continue;
        }
        if complete {
            chosen = Some(found);
            break;
        }
        if best.as_ref().is_none_or(|b| found.len() > b.len()) {
            best = Some(found);
        }
    }
    if chosen.is_none() && best.is_some() {
        tracing::warn!("no security alternative of the request is met entirely; sending the credentials of the closest one");
    }
    untagged
        .chain(chosen.or(best).unwrap_or_default())
        .collect()
}

impl Client {
    /// Adds the query API keys of the selected credentials (kept out of `RequestInfo`).
    pub(crate) fn add_query_keys(&self, url: &mut url::Url, credentials: &[usize]) {
        for &i in credentials {
            if let (
                _,
                Credential::ApiKey {
                    location: ApiKeyLocation::Query,
                    name,
                    value,
                },
            ) = &self.shared.credentials[i]
            {
                url.query_pairs_mut().append_pair(name, value.expose());
            }
        }
    }

    /// The token provider among the selected credentials, if any.
    pub(crate) fn token_provider(&self, selected: &[usize]) -> Option<&Arc<dyn TokenProvider>> {
        selected
            .iter()
            .find_map(|&i| match &self.shared.credentials[i].1 {
                Credential::BearerProvider(p) => Some(p),
                _ => None,
            })
    }

    /// Adds the selected credentials to `request` (a provider's with `token`). Out of line, so
    /// that calls without credentials do not carry its code.
    #[inline(never)]
    pub(crate) fn authenticate(
        &self,
        mut request: reqwest::Request,
        selected: &[usize],
        token: Option<&Secret>,
    ) -> Result<reqwest::Request, Error> {
        let headers = request.headers_mut();
        let mut cookies = Vec::new();
        let mut basic = None;
        for (_, c) in selected.iter().map(|&i| &self.shared.credentials[i]) {
            match c {
                Credential::Bearer(t) => {
                    headers.insert(
                        AUTHORIZATION,
                        secret_value("authorization", &format!("Bearer {}", t.expose()))?,
                    );
                }
                Credential::BearerProvider(_) => {
                    if let Some(token) = token {
                        headers.insert(
                            AUTHORIZATION,
                            secret_value("authorization", &format!("Bearer {}", token.expose()))?,
                        );
                    }
                }
                Credential::Basic { username, password } => basic = Some((username, password)),
                Credential::ApiKey {
                    location: ApiKeyLocation::Header,
                    name,
                    value,
                } => {
                    headers.insert(header_name(name)?, secret_value(name, value.expose())?);
                }
                // Added to the URL in `prepare`, keeping it out of `RequestInfo`.
                Credential::ApiKey {
                    location: ApiKeyLocation::Query,
                    ..
                } => {}
                Credential::ApiKey {
                    location: ApiKeyLocation::Cookie,
                    name,
                    value,
                } => cookies.push(format!("{name}={}", value.expose())),
            }
        }
        if !cookies.is_empty() {
            headers.insert(COOKIE, secret_value("cookie", &cookies.join("; "))?);
        }
        if let Some((username, password)) = basic {
            // reqwest encodes (and marks sensitive) the basic credentials.
            request = reqwest::RequestBuilder::from_parts(self.shared.http.clone(), request)
                .basic_auth(username, Some(password.expose()))
                .build()
                .map_err(|e| {
                    Error::invalid(format!("the basic credentials cannot be sent: {e}"))
                })?;
        }
        Ok(request)
    }
}
