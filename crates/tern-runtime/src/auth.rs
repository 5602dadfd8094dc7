//! Credentials: bearer tokens (static or from a provider), HTTP basic, API keys, and OAuth2
//! client credentials with a cached, single-flight token. Secrets never print.

use crate::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A secret string: shown as `***` by `Debug` and `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }
    /// The secret itself; use only to send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Secret {
        Secret(s.to_owned())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Secret {
        Secret(s)
    }
}

/// A boxed future, as returned by [`TokenProvider::token`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Supplies bearer tokens on demand (e.g. from a vault or a refreshing session).
pub trait TokenProvider: Send + Sync + fmt::Debug {
    /// A currently valid token.
    fn token(&self) -> BoxFuture<'_, Result<Secret, Error>>;
    /// Called after the API answered 401 with `token`: drop it so the next call fetches anew.
    fn invalidate(&self, _token: &Secret) {}
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// One way of authenticating requests.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credential {
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// A bearer token from a provider (OAuth2 client credentials is one).
    BearerProvider(Arc<dyn TokenProvider>),
    /// HTTP basic.
    Basic {
        /// User name.
        username: String,
        /// Password (may be empty, e.g. Civis sends the API key as the user).
        password: Secret,
    },
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// Where it goes.
        location: ApiKeyLocation,
        /// Header/parameter/cookie name.
        name: String,
        /// The key.
        value: Secret,
    },
}

/// How the token endpoint wants the client credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TokenRequestFormat {
    /// `application/x-www-form-urlencoded` with `grant_type=client_credentials` (RFC 6749).
    #[default]
    Form,
    /// A JSON body `{"client_id", "client_secret", "grant_type"}` (e.g. Candid's `/auth/v2/token`).
    Json,
}

/// OAuth2 client-credentials settings.
#[derive(Clone)]
pub struct OAuth2ClientCredentials {
    /// Token URL: absolute, or resolved against the client's base URL (RFC 3986).
    pub token_url: String,
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: Secret,
    /// Scopes to ask for.
    pub scopes: Vec<String>,
    /// Body format of the token request.
    pub format: TokenRequestFormat,
    /// Tokens are renewed this long before they expire.
    pub refresh_margin: Duration,
    /// `token_url` is a path under the client's base URL, joined as request paths are
    /// (`/auth/v2/token` under `https://x.com/api` is `https://x.com/api/auth/v2/token`): an
    /// API's own token endpoint.
    pub under_base_url: bool,
}

impl fmt::Debug for OAuth2ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("scopes", &self.scopes)
            .field("format", &self.format)
            .field("under_base_url", &self.under_base_url)
            .finish()
    }
}

impl OAuth2ClientCredentials {
    /// Settings with a form-encoded token request and a 30 s refresh margin.
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        OAuth2ClientCredentials {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scopes: Vec::new(),
            format: TokenRequestFormat::Form,
            refresh_margin: Duration::from_secs(30),
            under_base_url: false,
        }
    }

    /// Reads `token_url` as a path under the client's base URL, like a request path.
    pub fn under_base_url(mut self) -> Self {
        self.under_base_url = true;
        self
    }

    /// Sends the credentials as JSON instead of a form.
    pub fn json(mut self) -> Self {
        self.format = TokenRequestFormat::Json;
        self
    }
}

#[derive(Debug)]
struct CachedToken {
    token: Secret,
    /// `None` = no expiry given.
    renew_at: Option<Instant>,
}

/// The token source for OAuth2 client credentials: caches the token until shortly before it
/// expires; concurrent callers wait for one fetch.
#[derive(Debug)]
pub(crate) struct OAuth2Provider {
    pub(crate) settings: OAuth2ClientCredentials,
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    cache: tokio::sync::Mutex<Option<CachedToken>>,
}

/// The longest token lifetime believed: a server's larger `expires_in` (up to `1e400`, which
/// parses as infinity) is taken as this.
pub(crate) const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(366 * 24 * 3600);

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

/// A token endpoint's successful answer, read.
#[derive(Debug)]
pub(crate) struct TokenGrant {
    /// The access token.
    pub(crate) token: Secret,
    /// `expires_in` as the server gave it: a number, or a string holding one.
    pub(crate) expires_in: Option<f64>,
    /// How long after the fetch the token is renewed: its lifetime clamped to
    /// `[0, MAX_TOKEN_LIFETIME]`, less the refresh margin (at most half the lifetime); `None`
    /// when no lifetime was given.
    pub(crate) renew_after: Option<Duration>,
}

/// Reads the body of a token endpoint's 2xx response: an `access_token` string and an optional
/// `expires_in`, a number or a string holding one. Lifetimes are the server's numbers: NaN,
/// negative, infinite or absurd ones are clamped to `[0, MAX_TOKEN_LIFETIME]`, never trusted
/// with arithmetic that can panic.
pub(crate) fn read_token_response(
    info: &crate::error::RequestInfo,
    status: reqwest::StatusCode,
    body: &[u8],
    refresh_margin: Duration,
) -> Result<TokenGrant, Box<crate::error::DecodeError>> {
    // RFC 6749 §5.1: the parameters are members of a JSON object. Serde also takes a struct
    // from an array (`["tok", 3600]`); an endpoint's array is not a token. Decoding it as an
    // object says why.
    if body.trim_ascii_start().first() != Some(&b'{') {
        crate::error::decode_json::<serde_json::Map<String, serde_json::Value>>(
            info, status, body,
        )?;
    }
    let parsed: TokenResponse = crate::error::decode_json(info, status, body)?;
    let expires_in = parsed.expires_in.as_ref().and_then(|v| {
        v.as_f64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
    });
    let renew_after = expires_in.map(|secs| {
        let max = MAX_TOKEN_LIFETIME.as_secs_f64();
        let secs = if secs.is_nan() {
            0.0
        } else {
            secs.clamp(0.0, max)
        };
        let lifetime = Duration::from_secs_f64(secs);
        lifetime.saturating_sub(refresh_margin.min(lifetime / 2))
    });
    Ok(TokenGrant {
        token: Secret(parsed.access_token),
        expires_in,
        renew_after,
    })
}

impl OAuth2Provider {
    pub(crate) fn new(
        settings: OAuth2ClientCredentials,
        http: reqwest::Client,
        base_url: String,
    ) -> Self {
        OAuth2Provider {
            settings,
            http,
            base_url,
            cache: tokio::sync::Mutex::new(None),
        }
    }

    async fn fetch(&self) -> Result<CachedToken, Error> {
        // A relative token URL is resolved against the base URL as URLs are (RFC 3986), as
        // OpenAPI specifies: `/auth/token` under `https://api.x.com/v1` is at the origin's root.
        let url = if self.settings.under_base_url {
            format!(
                "{}/{}",
                self.base_url.trim_end_matches('/'),
                self.settings.token_url.trim_start_matches('/')
            )
        } else {
            match url::Url::parse(&self.base_url).and_then(|b| b.join(&self.settings.token_url)) {
                Ok(u) => u.to_string(),
                Err(_) => self.settings.token_url.clone(),
            }
        };
        let s = &self.settings;
        let mut req = self
            .http
            .post(&url)
            .header(reqwest::header::ACCEPT, "application/json");
        let scope = s.scopes.join(" ");
        req = match s.format {
            TokenRequestFormat::Form => {
                let mut form = vec![
                    ("grant_type", "client_credentials"),
                    ("client_id", s.client_id.as_str()),
                    ("client_secret", s.client_secret.expose()),
                ];
                if !scope.is_empty() {
                    form.push(("scope", &scope));
                }
                req.form(&form)
            }
            TokenRequestFormat::Json => {
                let mut body = serde_json::json!({"grant_type": "client_credentials", "client_id": s.client_id, "client_secret": s.client_secret.expose()});
                if !scope.is_empty() {
                    body["scope"] = serde_json::Value::String(scope.clone());
                }
                req.header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.to_string())
            }
        };
        let info = crate::error::RequestInfo {
            method: reqwest::Method::POST,
            url: url.clone(),
        };
        let fail = |message: String, source: Option<Error>| Error::Credentials {
            message,
            source: source.map(Box::new),
        };
        let resp = req.send().await.map_err(|e| {
            fail(
                format!("token request to {url} failed"),
                Some(crate::error::transport_error(info.clone(), e)),
            )
        })?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map_err(|e| {
            fail(
                format!("token response from {url} broke off"),
                Some(crate::error::transport_error(info.clone(), e)),
            )
        })?;
        if !status.is_success() {
            let api = crate::response::api_error(info, status, headers, body);
            return Err(fail(
                format!("the token endpoint {url} refused the client credentials"),
                Some(Error::from_status(api)),
            ));
        }
        let grant = read_token_response(&info, status, &body, s.refresh_margin).map_err(|e| {
            fail(
                "the token response does not decode as a token (an `access_token` string, an optional numeric `expires_in`)".into(),
                Some(Error::Decode(e)),
            )
        })?;
        let renew_at = grant
            .renew_after
            .and_then(|after| Instant::now().checked_add(after));
        tracing::debug!(token_url = %url, expires_in = ?grant.expires_in, "fetched an OAuth2 token");
        Ok(CachedToken {
            token: grant.token,
            renew_at,
        })
    }
}

impl TokenProvider for OAuth2Provider {
    fn token(&self) -> BoxFuture<'_, Result<Secret, Error>> {
        Box::pin(async move {
            // Holding the lock across the fetch makes concurrent callers wait for one request.
            let mut cache = self.cache.lock().await;
            if let Some(c) = cache.as_ref() {
                if c.renew_at.is_none_or(|at| Instant::now() < at) {
                    return Ok(c.token.clone());
                }
            }
            let fresh = self.fetch().await?;
            let token = fresh.token.clone();
            *cache = Some(fresh);
            Ok(token)
        })
    }

    fn invalidate(&self, token: &Secret) {
        if let Ok(mut cache) = self.cache.try_lock() {
            if cache.as_ref().is_some_and(|c| &c.token == token) {
                *cache = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> Result<TokenGrant, Box<crate::error::DecodeError>> {
        let info = crate::error::RequestInfo {
            method: reqwest::Method::POST,
            url: "https://auth.example.com/token".into(),
        };
        read_token_response(
            &info,
            reqwest::StatusCode::OK,
            body.as_bytes(),
            Duration::from_secs(30),
        )
    }

    #[test]
    fn token_lifetimes_are_clamped_and_less_the_margin() {
        let grant = read(r#"{"access_token": "tok", "expires_in": 3600}"#).unwrap();
        assert_eq!(grant.token.expose(), "tok");
        assert_eq!(grant.renew_after, Some(Duration::from_secs(3570)));
        let grant = read(r#"{"access_token": "tok", "expires_in": "40"}"#).unwrap();
        assert_eq!(grant.renew_after, Some(Duration::from_secs(20)));
        for huge in ["1e19", "\"1e400\"", "18446744073709551615"] {
            let grant = read(&format!(r#"{{"access_token": "t", "expires_in": {huge}}}"#)).unwrap();
            assert_eq!(
                grant.renew_after,
                Some(MAX_TOKEN_LIFETIME - Duration::from_secs(30)),
                "{huge}"
            );
        }
        for none in ["-5", "\"NaN\"", "-0"] {
            let grant = read(&format!(r#"{{"access_token": "t", "expires_in": {none}}}"#)).unwrap();
            assert_eq!(grant.renew_after, Some(Duration::ZERO), "{none}");
        }
        let grant = read(r#"{"access_token": "t", "expires_in": "soon"}"#).unwrap();
        assert_eq!((grant.expires_in, grant.renew_after), (None, None));
    }

    /// Found by the `token` fuzz target: serde took the token from a JSON array
    /// (`["tok", 3600]`), as it takes any struct.
    #[test]
    fn a_token_response_is_an_object() {
        let err = read(r#" ["tok", 3600]"#).unwrap_err();
        assert_eq!(err.path, ".");
        assert!(err.message.contains("expected a map"), "{}", err.message);
        assert!(read(r#"{"expires_in": 5}"#).is_err());
        assert!(read(r#"{"access_token": 5}"#).is_err());
        assert!(read("").is_err());
    }
}
