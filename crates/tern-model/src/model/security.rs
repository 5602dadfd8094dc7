//! Security schemes and requirements.

use super::ParameterLocation;

/// A security scheme.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SecurityScheme {
    /// The key it is declared under.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// What it is.
    pub kind: SecuritySchemeKind,
}

/// Kinds of security scheme.
///
/// Deliberately exhaustive (not `#[non_exhaustive]`): this is the vocabulary every front end
/// (code generator, dynamic client, CLI, MCP server) matches to decide how to authenticate, so
/// adding a kind must be a compile error wherever it has to be handled, not fall silently into
/// a catch-all arm.
#[derive(Debug, Clone, PartialEq)]
pub enum SecuritySchemeKind {
    /// HTTP bearer token.
    Bearer {
        /// `bearerFormat` hint.
        format: Option<String>,
    },
    /// HTTP basic.
    Basic,
    /// Another HTTP auth scheme.
    Http {
        /// The scheme name.
        scheme: String,
    },
    /// An API key.
    ApiKey {
        /// Header, query or cookie.
        location: ParameterLocation,
        /// The header/parameter/cookie name.
        param: String,
    },
    /// OAuth 2.
    OAuth2 {
        /// Declared flows.
        flows: Vec<OAuthFlow>,
    },
    /// OpenID Connect discovery.
    OpenIdConnect {
        /// Discovery URL.
        url: String,
    },
    /// Mutual TLS.
    MutualTls,
}

/// An OAuth 2 flow.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OAuthFlow {
    /// Which grant.
    pub kind: OAuthFlowKind,
    /// Authorization URL (implicit, authorization code).
    pub authorization_url: Option<String>,
    /// Token URL (password, client credentials, authorization code).
    pub token_url: Option<String>,
    /// Refresh URL.
    pub refresh_url: Option<String>,
    /// Scopes and their descriptions.
    pub scopes: Vec<(String, String)>,
}

/// OAuth 2 grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OAuthFlowKind {
    /// Implicit.
    Implicit,
    /// Resource owner password.
    Password,
    /// Client credentials (Swagger 2.0 `application`).
    ClientCredentials,
    /// Authorization code (Swagger 2.0 `accessCode`).
    AuthorizationCode,
}

/// One way to satisfy security: all of these schemes together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityRequirement {
    /// (scheme name, scopes) pairs; empty = no authentication needed.
    pub schemes: Vec<(String, Vec<String>)>,
}
