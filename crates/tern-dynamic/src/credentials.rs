//! The credentials a dynamic client is given, bound to the spec's credential plan
//! ([`tern_plan::AuthPlan`], the same plan generated builders offer): each is tied to the
//! security scheme it satisfies, so that every operation sends only what its `security` asks.

use crate::Credentials;
use tern_plan::{AuthPlan, CredentialKind, KeyLocation};
use tern_runtime::{ApiKeyLocation, ClientBuilder};

/// Tags `b`'s last credential with `scheme`, when there is one.
fn tag(b: ClientBuilder, scheme: Option<&String>) -> ClientBuilder {
    match scheme {
        Some(s) => b.for_scheme(s.clone()),
        None => b,
    }
}

/// The scheme of the first planned credential of a kind.
fn scheme_of(auth: &AuthPlan, pred: impl Fn(&CredentialKind) -> bool) -> Option<&String> {
    auth.find(pred).and_then(|c| c.scheme.as_ref())
}

/// A bearer token satisfies a token scheme, or a client-credentials one (whose token it is).
fn is_token(k: &CredentialKind) -> bool {
    match k {
        CredentialKind::AccessToken | CredentialKind::ClientCredentials { .. } => true,
        CredentialKind::ApiKey { .. } | CredentialKind::Basic => false,
    }
}

/// Adds the given credentials to `b`, as the plan says to send them (`auth` is `None` for the
/// client that fetches the spec itself, which knows no plan yet). Client credentials for an API
/// that has no client-credentials flow are an error, not dropped.
pub(crate) fn apply(
    mut b: ClientBuilder,
    c: &Credentials,
    auth: Option<&AuthPlan>,
) -> Result<ClientBuilder, tern_runtime::Error> {
    let known = auth.is_some();
    let empty = AuthPlan::default();
    let auth = auth.unwrap_or(&empty);
    if let Some(key) = &c.api_key {
        b = match auth.credentials.iter().find_map(|p| match &p.kind {
            CredentialKind::ApiKey { location, name } => Some((location, name, &p.scheme)),
            _ => None,
        }) {
            Some((location, name, scheme)) => {
                let location = match location {
                    KeyLocation::Header => ApiKeyLocation::Header,
                    KeyLocation::Query => ApiKeyLocation::Query,
                    KeyLocation::Cookie => ApiKeyLocation::Cookie,
                };
                tag(
                    b.api_key(location, name.clone(), key.clone()),
                    scheme.as_ref(),
                )
            }
            // Civis: the API key is the basic-auth user.
            None if auth.find(|k| *k == CredentialKind::Basic).is_some() => tag(
                b.basic_auth(key.clone(), ""),
                scheme_of(auth, |k| *k == CredentialKind::Basic),
            ),
            None => tag(b.bearer_token(key.clone()), scheme_of(auth, is_token)),
        };
    }
    if let Some(t) = &c.bearer {
        b = tag(b.bearer_token(t.clone()), scheme_of(auth, is_token));
    }
    if let Some((u, p)) = &c.basic {
        b = tag(
            b.basic_auth(u.clone(), p.clone()),
            scheme_of(auth, |k| *k == CredentialKind::Basic),
        );
    }
    if let Some((id, secret)) = &c.oauth2 {
        let flow = auth.credentials.iter().find_map(|p| match &p.kind {
            CredentialKind::ClientCredentials { token_url, json } => {
                Some((token_url, *json, p.kind.token_url_is_relative(), &p.scheme))
            }
            _ => None,
        });
        if let Some((url, json, relative, scheme)) = flow {
            let mut settings =
                tern_runtime::OAuth2ClientCredentials::new(url.clone(), id.clone(), secret.clone());
            if json {
                settings = settings.json();
            }
            if relative {
                settings = settings.under_base_url();
            }
            b = tag(b.oauth2_client_credentials(settings), scheme.as_ref());
        } else if known {
            return Err(tern_runtime::Error::Credentials {
                message: "a client id and secret were given, but the API description declares no client-credentials flow (no OAuth 2 scheme with a token URL, no token endpoint): give a bearer token instead".into(),
                source: None,
            });
        }
    }
    Ok(b)
}
