//! The credential plan: which credentials a client of this API takes, each tied to the
//! security scheme it satisfies, and the environment variables it is read from. Generated
//! builders offer exactly these; the dynamic client maps what it is given onto them.

use crate::config::{Config, EnvConfig};
use tern_model::{
    ApiModel, BodyKind, HttpMethod, OAuthFlowKind, ParameterLocation, SecurityScheme,
    SecuritySchemeKind,
};

/// How a client authenticates.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct AuthPlan {
    /// The credentials it takes, one per kind, in the order of the schemes they satisfy.
    pub credentials: Vec<CredentialPlan>,
    /// The environment variable that overrides the base URL.
    pub base_url_env: String,
}

impl AuthPlan {
    /// The credential of a kind, if the client takes one.
    pub fn find(&self, pred: impl Fn(&CredentialKind) -> bool) -> Option<&CredentialPlan> {
        self.credentials.iter().find(|c| pred(&c.kind))
    }
}

/// One credential a client takes.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CredentialPlan {
    /// What it is.
    pub kind: CredentialKind,
    /// The builder method that takes it: the kind's ([`CredentialKind::method`]), or, where an
    /// API declares several API-key schemes, one named after each scheme (`client_id`,
    /// `secret`), so that a requirement combining them can be met.
    pub method: String,
    /// The security schemes it satisfies: a request sends it only where its `security` names
    /// one of them (a token satisfies every token scheme; an API key its own). Empty: sent
    /// with every request.
    pub schemes: Vec<String>,
    /// Whether a security scheme declares it (else it was found: configured in `tern.toml`,
    /// or the API's own token endpoint).
    pub declared: bool,
    /// The scheme's description.
    pub description: Option<String>,
    /// The environment variables it is read from (one, or two for a pair).
    pub env: Vec<String>,
}

/// The kinds of credential. Matched exhaustively by every front end: a new kind is a compile
/// error wherever it must be offered or applied, not a silent default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialKind {
    /// A bearer token (HTTP bearer, OpenID Connect, or OAuth 2 without a client-credentials
    /// flow): `access_token`.
    AccessToken,
    /// An API key in a header, query parameter or cookie: `api_key`.
    ApiKey {
        /// Where it goes.
        location: KeyLocation,
        /// The header, parameter or cookie name.
        name: String,
    },
    /// HTTP basic: `basic_auth(username, password)`.
    Basic,
    /// OAuth 2 client credentials, exchanged for a token at `token_url`:
    /// `client_credentials(id, secret)`.
    ClientCredentials {
        /// The token endpoint: absolute, or relative to the base URL.
        token_url: String,
        /// Whether the token request is JSON (else a form).
        json: bool,
    },
}

impl CredentialKind {
    /// For client credentials whose token URL is a path (`/auth/v2/token`): it is fetched from
    /// under the client's base URL, as a request path is.
    pub fn token_url_is_relative(&self) -> bool {
        match self {
            CredentialKind::ClientCredentials { token_url, .. } => {
                !(token_url.starts_with("http://") || token_url.starts_with("https://"))
            }
            CredentialKind::AccessToken | CredentialKind::ApiKey { .. } | CredentialKind::Basic => {
                false
            }
        }
    }

    /// The builder method that takes it.
    pub fn method(&self) -> &'static str {
        match self {
            CredentialKind::AccessToken => "access_token",
            CredentialKind::ApiKey { .. } => "api_key",
            CredentialKind::Basic => "basic_auth",
            CredentialKind::ClientCredentials { .. } => "client_credentials",
        }
    }
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLocation {
    /// A header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// The credential a scheme asks for; `None` for schemes a client cannot satisfy with a value
/// (mutual TLS, unknown HTTP schemes).
fn credential_of(scheme: &SecurityScheme) -> Option<CredentialKind> {
    Some(match &scheme.kind {
        SecuritySchemeKind::Bearer { .. } | SecuritySchemeKind::OpenIdConnect { .. } => {
            CredentialKind::AccessToken
        }
        SecuritySchemeKind::ApiKey { location, param } => CredentialKind::ApiKey {
            location: match location {
                ParameterLocation::Query => KeyLocation::Query,
                ParameterLocation::Cookie => KeyLocation::Cookie,
                _ => KeyLocation::Header,
            },
            name: param.clone(),
        },
        SecuritySchemeKind::Basic => CredentialKind::Basic,
        SecuritySchemeKind::OAuth2 { flows } => match flows
            .iter()
            .find(|f| f.kind == OAuthFlowKind::ClientCredentials)
            .and_then(|f| f.token_url.clone())
        {
            Some(token_url) => CredentialKind::ClientCredentials {
                token_url,
                json: false,
            },
            None => CredentialKind::AccessToken,
        },
        SecuritySchemeKind::Http { .. } | SecuritySchemeKind::MutualTls => return None,
    })
}

/// The environment variable for a credential: configured, or `<PREFIX>_<WHAT>`.
fn env_var(configured: &Option<String>, prefix: &str, what: &str) -> String {
    configured
        .clone()
        .unwrap_or_else(|| format!("{prefix}_{what}"))
}

fn env_of(kind: &CredentialKind, env: &EnvConfig, prefix: &str) -> Vec<String> {
    match kind {
        CredentialKind::AccessToken => vec![env_var(&env.access_token, prefix, "ACCESS_TOKEN")],
        CredentialKind::ApiKey { .. } => vec![env_var(&env.api_key, prefix, "API_KEY")],
        CredentialKind::Basic => vec![
            env_var(&env.username, prefix, "USERNAME"),
            env_var(&env.password, prefix, "PASSWORD"),
        ],
        CredentialKind::ClientCredentials { .. } => vec![
            env_var(&env.client_id, prefix, "CLIENT_ID"),
            env_var(&env.client_secret, prefix, "CLIENT_SECRET"),
        ],
    }
}

/// The credential plan of a client named `client_name`.
pub(crate) fn auth(model: &ApiModel, config: &Config, client_name: &str) -> AuthPlan {
    let env = &config.env;
    let prefix = env
        .prefix
        .clone()
        .unwrap_or_else(|| heck::ToShoutySnakeCase::to_shouty_snake_case(client_name));
    let mut credentials: Vec<CredentialPlan> = Vec::new();
    for scheme in &model.security_schemes {
        let Some(kind) = credential_of(scheme) else {
            continue;
        };
        // A token, basic credentials or a client-credentials flow: one per kind, satisfying
        // every scheme of that kind (the first scheme's settings win). API keys: one per
        // scheme, since each is a value of its own.
        let shared = !matches!(kind, CredentialKind::ApiKey { .. });
        if let Some(existing) = credentials
            .iter_mut()
            .find(|c| shared && c.kind.method() == kind.method())
        {
            existing.schemes.push(scheme.name.clone());
            continue;
        }
        credentials.push(CredentialPlan {
            env: env_of(&kind, env, &prefix),
            method: kind.method().to_owned(),
            kind,
            schemes: vec![scheme.name.clone()],
            declared: true,
            description: scheme.description.clone(),
        });
    }
    name_api_keys(&mut credentials, &prefix);
    // A client-credentials flow the schemes do not declare: configured, or the API's own token
    // endpoint. The token it fetches is sent as the API's bearer credential.
    let token = match &config.auth.client_credentials {
        Some(c) => Some((c.token_url.clone(), c.format.as_deref() == Some("json"))),
        None => token_endpoint(model),
    };
    let declared = credentials
        .iter()
        .any(|c| matches!(c.kind, CredentialKind::ClientCredentials { .. }));
    if let (Some((token_url, json)), false) = (token, declared) {
        let kind = CredentialKind::ClientCredentials { token_url, json };
        credentials.push(CredentialPlan {
            env: env_of(&kind, env, &prefix),
            method: kind.method().to_owned(),
            kind,
            schemes: token_schemes(model),
            declared: false,
            description: None,
        });
    }
    // A token the caller gives satisfies every scheme that takes a bearer token, client
    // credentials' included.
    if let Some(token) = credentials
        .iter_mut()
        .find(|c| c.kind == CredentialKind::AccessToken)
    {
        token.schemes = token_schemes(model);
    }
    AuthPlan {
        credentials,
        base_url_env: env_var(&env.base_url, &prefix, "BASE_URL"),
    }
}

/// The schemes a bearer token satisfies (HTTP bearer, OpenID Connect, OAuth 2), in order.
fn token_schemes(model: &ApiModel) -> Vec<String> {
    model
        .security_schemes
        .iter()
        .filter(|s| {
            matches!(
                s.kind,
                SecuritySchemeKind::Bearer { .. }
                    | SecuritySchemeKind::OpenIdConnect { .. }
                    | SecuritySchemeKind::OAuth2 { .. }
            )
        })
        .map(|s| s.name.clone())
        .collect()
}

/// Builder methods a credential must not be named like.
const RESERVED_METHODS: &[&str] = &[
    "access_token",
    "basic_auth",
    "client_credentials",
    "base_url",
    "build",
    "configure",
    "default_header",
    "from_env",
    "http_client",
    "max_retries",
    "timeout",
    "new",
];

/// Where an API declares several API-key schemes (a client id, a secret and a version header
/// required together), each key is taken by a method and read from a variable named after its
/// scheme: `client_id(…)`, `<PREFIX>_CLIENT_ID`. A single key keeps `api_key`.
fn name_api_keys(credentials: &mut [CredentialPlan], prefix: &str) {
    let keys = credentials
        .iter()
        .filter(|c| matches!(c.kind, CredentialKind::ApiKey { .. }))
        .count();
    if keys < 2 {
        return;
    }
    let mut taken: Vec<String> = credentials.iter().map(|c| c.method.clone()).collect();
    taken.retain(|m| m != "api_key");
    for c in credentials.iter_mut() {
        let (CredentialKind::ApiKey { .. }, Some(scheme)) = (&c.kind, c.schemes.first()) else {
            continue;
        };
        let mut base = tern_model::naming::snake_ident(scheme);
        if RESERVED_METHODS.contains(&base.as_str()) {
            base = format!("{base}_key");
        }
        let method = tern_model::naming::unique(&base, |m| taken.iter().any(|t| t == m));
        taken.push(method.clone());
        c.env = vec![format!(
            "{prefix}_{}",
            heck::ToShoutySnakeCase::to_shouty_snake_case(method.as_str())
        )];
        c.method = method;
    }
}

/// An API's own token endpoint, for a client-credentials flow its security schemes do not
/// declare (Candid's `POST /auth/v2/token`): a POST without security whose JSON or form body
/// requires `client_id` and `client_secret` (and no other value but a grant type, scope or
/// audience) and whose response has an `access_token`.
fn token_endpoint(model: &ApiModel) -> Option<(String, bool)> {
    model.operations.iter().find_map(|op| {
        if op.method != HttpMethod::Post || !matches!(&op.security, Some(s) if s.is_empty()) {
            return None;
        }
        let body = op.request_body.as_ref()?;
        let content = body
            .contents
            .iter()
            .find(|c| matches!(c.kind, BodyKind::Json | BodyKind::Form))?;
        let object = content.ty.as_ref()?.object(&model.types)?;
        let requires = |name: &str| {
            object
                .properties
                .iter()
                .any(|p| p.name == name && p.required)
        };
        // Only the credentials (an authorization-code exchange also needs a `code`).
        let only_credentials = object.properties.iter().filter(|p| p.required).all(|p| {
            matches!(
                p.name.as_str(),
                "client_id" | "client_secret" | "grant_type" | "scope" | "audience"
            )
        });
        if !(requires("client_id") && requires("client_secret") && only_credentials) {
            return None;
        }
        let returns_token = op
            .success_response()?
            .contents
            .iter()
            .filter_map(|c| c.ty.as_ref()?.object(&model.types))
            .any(|o| o.properties.iter().any(|p| p.name == "access_token"));
        returns_token.then(|| (op.path.clone(), content.kind == BodyKind::Json))
    })
}
