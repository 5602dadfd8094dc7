//! Security: schemes from `components/securitySchemes` (3.x) or `securityDefinitions` (2.0),
//! and security requirements (the document default and per-operation overrides).

use crate::model::*;
use crate::operations::strings;
use crate::types::{description, TypeBuilder};
use tern_spec::{pointer, FileId, SpecVersion, Value};

/// A list of security requirements (alternatives).
pub(crate) fn security_requirements(v: &Value) -> Vec<SecurityRequirement> {
    v.as_array()
        .map(|list| {
            list.iter()
                .filter_map(Value::as_object)
                .map(|req| SecurityRequirement {
                    schemes: req
                        .iter()
                        .map(|(name, scopes)| (name.clone(), strings(Some(scopes))))
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Security schemes from `components/securitySchemes` (3.x) or `securityDefinitions` (2.0).
pub(crate) fn security_schemes(tb: &mut TypeBuilder<'_>) -> Vec<SecurityScheme> {
    let spec = tb.spec;
    let v2 = spec.version() == SpecVersion::Swagger2;
    let (base, map) = if v2 {
        (
            "/securityDefinitions",
            spec.root().get("securityDefinitions"),
        )
    } else {
        (
            "/components/securitySchemes",
            spec.root()
                .get("components")
                .and_then(|c| c.get("securitySchemes")),
        )
    };
    let mut out = Vec::new();
    let Some(map) = map.and_then(Value::as_object) else {
        return out;
    };
    for (name, s) in map {
        let ptr = pointer::push(base, name);
        let Some((file, sptr, s)) = tb.deref(FileId::ROOT, &ptr, s) else {
            continue;
        };
        let Some(kind) = scheme_kind(tb, v2, s, file, &sptr) else {
            continue;
        };
        out.push(SecurityScheme {
            name: name.clone(),
            description: description(s),
            kind,
        });
    }
    out
}

/// What a scheme is; `None` (with a warning) for an unknown type, which is left out.
fn scheme_kind(
    tb: &mut TypeBuilder<'_>,
    v2: bool,
    s: &Value,
    file: FileId,
    sptr: &str,
) -> Option<SecuritySchemeKind> {
    let ty = s.get("type").and_then(Value::as_str).unwrap_or_default();
    Some(match ty {
        "basic" => SecuritySchemeKind::Basic,
        "http" => http_scheme(tb, s, file, sptr),
        "apiKey" => api_key_scheme(tb, s, file, sptr),
        "oauth2" => SecuritySchemeKind::OAuth2 {
            flows: oauth2_flows(v2, s),
        },
        "openIdConnect" => SecuritySchemeKind::OpenIdConnect {
            url: s
                .get("openIdConnectUrl")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        },
        "mutualTLS" => SecuritySchemeKind::MutualTls,
        other => {
            tb.warn(
                "bad-security-scheme",
                format!("security scheme type `{other}` is unknown; the scheme is left out"),
                file,
                sptr,
            );
            return None;
        }
    })
}

/// A 3.x `http` scheme: bearer, basic or another HTTP auth scheme.
fn http_scheme(
    tb: &mut TypeBuilder<'_>,
    s: &Value,
    file: FileId,
    sptr: &str,
) -> SecuritySchemeKind {
    match s
        .get("scheme")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("bearer") => SecuritySchemeKind::Bearer {
            format: s
                .get("bearerFormat")
                .and_then(Value::as_str)
                .map(str::to_owned),
        },
        Some("basic") => SecuritySchemeKind::Basic,
        Some(other) => SecuritySchemeKind::Http {
            scheme: other.to_owned(),
        },
        None => {
            tb.warn(
                "bad-security-scheme",
                "an `http` scheme needs `scheme`; read as bearer",
                file,
                sptr,
            );
            SecuritySchemeKind::Bearer { format: None }
        }
    }
}

/// An `apiKey` scheme: where the key goes and under which name.
fn api_key_scheme(
    tb: &mut TypeBuilder<'_>,
    s: &Value,
    file: FileId,
    sptr: &str,
) -> SecuritySchemeKind {
    let location = match s.get("in").and_then(Value::as_str) {
        Some("query") => ParameterLocation::Query,
        Some("cookie") => ParameterLocation::Cookie,
        Some("header") => ParameterLocation::Header,
        _ => {
            tb.warn(
                "bad-security-scheme",
                "an `apiKey` scheme needs `in` (header, query or cookie); read as header",
                file,
                sptr,
            );
            ParameterLocation::Header
        }
    };
    let param = s
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("Authorization")
        .to_owned();
    SecuritySchemeKind::ApiKey { location, param }
}

/// The flows of an `oauth2` scheme: the one 2.0 `flow`, or the 3.x `flows`.
fn oauth2_flows(v2: bool, s: &Value) -> Vec<OAuthFlow> {
    let mut flows = Vec::new();
    let scopes = |v: &Value| -> Vec<(String, String)> {
        v.get("scopes")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, d)| (k.clone(), d.scalar_text().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let url = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    if v2 {
        let kind = match s.get("flow").and_then(Value::as_str) {
            Some("implicit") => Some(OAuthFlowKind::Implicit),
            Some("password") => Some(OAuthFlowKind::Password),
            Some("application") => Some(OAuthFlowKind::ClientCredentials),
            Some("accessCode") => Some(OAuthFlowKind::AuthorizationCode),
            _ => None,
        };
        if let Some(kind) = kind {
            flows.push(OAuthFlow {
                kind,
                authorization_url: url(s, "authorizationUrl"),
                token_url: url(s, "tokenUrl"),
                refresh_url: None,
                scopes: scopes(s),
            });
        }
    } else if let Some(fs) = s.get("flows").and_then(Value::as_object) {
        for (key, f) in fs {
            let kind = match key.as_str() {
                "implicit" => OAuthFlowKind::Implicit,
                "password" => OAuthFlowKind::Password,
                "clientCredentials" => OAuthFlowKind::ClientCredentials,
                "authorizationCode" => OAuthFlowKind::AuthorizationCode,
                _ => continue,
            };
            flows.push(OAuthFlow {
                kind,
                authorization_url: url(f, "authorizationUrl"),
                token_url: url(f, "tokenUrl"),
                refresh_url: url(f, "refreshUrl"),
                scopes: scopes(f),
            });
        }
    }
    flows
}
