//! The credentials a dynamic client is given, bound to the spec's credential plan
//! ([`tern_plan::AuthPlan`], the same plan generated builders offer): each is tied to the
//! security schemes it satisfies, so that every operation sends only what its `security` asks.

use crate::Credentials;
use tern_plan::{AuthPlan, CredentialKind, CredentialPlan, KeyLocation};
use tern_runtime::{ApiKeyLocation, ClientBuilder};

/// A runtime builder with credentials added, and the schemes they satisfy.
pub(crate) struct Bound {
    /// The builder.
    pub(crate) builder: ClientBuilder,
    /// Every scheme a credential was tied to.
    pub(crate) schemes: Vec<String>,
}

impl Bound {
    /// Adds a credential (`add` puts it on the builder) tied to `schemes`.
    fn add(mut self, schemes: &[String], add: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Self {
        self.builder = schemes
            .iter()
            .fold(add(self.builder), |b, s| b.for_scheme(s.clone()));
        self.schemes.extend(schemes.iter().cloned());
        self
    }
}

/// The schemes of the first planned credential of a kind.
fn schemes_of(auth: &AuthPlan, pred: impl Fn(&CredentialKind) -> bool) -> &[String] {
    auth.find(pred).map_or(&[], |c| c.schemes.as_slice())
}

/// A bearer token satisfies a token scheme, or a client-credentials one (whose token it is).
fn is_token(k: &CredentialKind) -> bool {
    match k {
        CredentialKind::AccessToken | CredentialKind::ClientCredentials { .. } => true,
        CredentialKind::ApiKey { .. } | CredentialKind::Basic => false,
    }
}

/// An API key as the plan places it.
fn api_key(b: Bound, plan: &CredentialPlan, key: &str) -> Bound {
    let CredentialKind::ApiKey { location, name } = &plan.kind else {
        return b;
    };
    let location = match location {
        KeyLocation::Header => ApiKeyLocation::Header,
        KeyLocation::Query => ApiKeyLocation::Query,
        KeyLocation::Cookie => ApiKeyLocation::Cookie,
    };
    b.add(&plan.schemes, |b| b.api_key(location, name.clone(), key))
}

/// The planned credential a name given by the caller means: its builder method
/// (`client_id`), its scheme (`clientId`) or its environment variable, compared in snake case.
pub(crate) fn find<'a>(auth: &'a AuthPlan, name: &str) -> Option<&'a CredentialPlan> {
    let wanted = tern_model::naming::snake_ident(name);
    auth.credentials.iter().find(|c| {
        c.method == wanted
            || c.schemes
                .iter()
                .any(|s| s == name || tern_model::naming::snake_ident(s) == wanted)
            || c.env.iter().any(|e| e.eq_ignore_ascii_case(name))
    })
}

/// Adds the given credentials to `b`, as the plan says to send them (`auth` is `None` for the
/// client that fetches the spec itself, which knows no plan yet). Client credentials for an API
/// that has no client-credentials flow are an error, not dropped; so is a named credential the
/// plan does not know.
pub(crate) fn apply(
    builder: ClientBuilder,
    c: &Credentials,
    auth: Option<&AuthPlan>,
) -> Result<Bound, tern_runtime::Error> {
    let mut b = Bound {
        builder,
        schemes: Vec::new(),
    };
    let known = auth.is_some();
    let empty = AuthPlan::default();
    let auth = auth.unwrap_or(&empty);
    if let Some(key) = &c.api_key {
        b = match auth.find(|k| matches!(k, CredentialKind::ApiKey { .. })) {
            Some(plan) => api_key(b, plan, key),
            // Civis: the API key is the basic-auth user.
            None if auth.find(|k| *k == CredentialKind::Basic).is_some() => b
                .add(schemes_of(auth, |k| *k == CredentialKind::Basic), |b| {
                    b.basic_auth(key.clone(), "")
                }),
            None => b.add(schemes_of(auth, is_token), |b| b.bearer_token(key.clone())),
        };
    }
    b = named(b, c, auth, known)?;
    if let Some(t) = &c.bearer {
        b = b.add(schemes_of(auth, is_token), |b| b.bearer_token(t.clone()));
    }
    if let Some((u, p)) = &c.basic {
        b = b.add(schemes_of(auth, |k| *k == CredentialKind::Basic), |b| {
            b.basic_auth(u.clone(), p.clone())
        });
    }
    if let Some((id, secret)) = &c.oauth2 {
        let flow = auth.credentials.iter().find_map(|p| match &p.kind {
            CredentialKind::ClientCredentials { token_url, json } => {
                Some((token_url, *json, p.kind.token_url_is_relative(), &p.schemes))
            }
            _ => None,
        });
        if let Some((url, json, relative, schemes)) = flow {
            let mut settings =
                tern_runtime::OAuth2ClientCredentials::new(url.clone(), id.clone(), secret.clone());
            if json {
                settings = settings.json();
            }
            if relative {
                settings = settings.under_base_url();
            }
            b = b.add(schemes, |b| b.oauth2_client_credentials(settings));
        } else if known {
            return Err(tern_runtime::Error::Credentials {
                message: "a client id and secret were given, but the API description declares no client-credentials flow (no OAuth 2 scheme with a token URL, no token endpoint): give a bearer token instead".into(),
                source: None,
            });
        }
    }
    Ok(b)
}

/// Credentials given by scheme (`client_id=…`), and those read from the variables the plan
/// names for them when the caller asked for that.
fn named(
    mut b: Bound,
    c: &Credentials,
    auth: &AuthPlan,
    known: bool,
) -> Result<Bound, tern_runtime::Error> {
    if !known {
        return Ok(b);
    }
    let mut given: Vec<(&CredentialPlan, String)> = Vec::new();
    for (name, value) in &c.named {
        let Some(plan) = find(auth, name) else {
            let offered: Vec<String> = auth
                .credentials
                .iter()
                .filter(|p| single_value(p))
                .map(|p| p.method.clone())
                .collect();
            return Err(tern_runtime::Error::Credentials {
                message: format!(
                    "the API description has no security scheme `{name}` taking a single value (it has: {})",
                    if offered.is_empty() { "none".to_owned() } else { offered.join(", ") }
                ),
                source: None,
            });
        };
        given.push((plan, value.clone()));
    }
    if c.from_env {
        // Those named after their scheme; the kind's own (`api_key`, `access_token`) are the
        // caller's to read.
        let by_scheme = |p: &&CredentialPlan| single_value(p) && p.method != p.kind.method();
        for plan in auth.credentials.iter().filter(by_scheme) {
            let taken = given.iter().any(|(p, _)| p.method == plan.method);
            let value = plan.env.first().and_then(|var| std::env::var(var).ok());
            if let (false, Some(value)) = (taken, value.filter(|v| !v.is_empty())) {
                given.push((plan, value));
            }
        }
    }
    for (plan, value) in given {
        b = match &plan.kind {
            CredentialKind::ApiKey { .. } => api_key(b, plan, &value),
            _ => b.add(&plan.schemes, |b| b.bearer_token(value)),
        };
    }
    Ok(b)
}

/// Credentials given as one value: API keys and tokens.
pub(crate) fn single_value(plan: &CredentialPlan) -> bool {
    match plan.kind {
        CredentialKind::ApiKey { .. } | CredentialKind::AccessToken => true,
        CredentialKind::Basic | CredentialKind::ClientCredentials { .. } => false,
    }
}
