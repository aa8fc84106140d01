//! The OpenAPI 3.1 document, built from the same list of routes as the router
//! (`rest::api`), so the two cannot drift: a handler is routed and documented by one line.
use std::sync::LazyLock;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi};

use crate::server::cookies::COOKIE_NAME;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Keyward API",
        description = "Self-hosted API key management. Errors are always `{\"error\": \"<message>\"}`; timestamps are RFC 3339, UTC. Requests that change state with the session cookie must come from the app's own origin."
    ),
    modifiers(&SecuritySchemes),
    tags(
        (name = "auth", description = "Accounts and the browser session"),
        (name = "account", description = "Your password, sessions and security log (session cookie)"),
        (name = "api-keys", description = "Managing your keys (session cookie)"),
        (name = "v1", description = "The external API, authenticated by API key"),
        (name = "operations", description = "Health checks and this document"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, doc: &mut Document) {
        // Added to the components, never replacing them: the schemas are already there.
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                COOKIE_NAME,
                "The session cookie set by /api/auth/login and /api/auth/register (named __Host-keyward_session when the server runs behind TLS)",
            ))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("`Authorization: Bearer pk_live_…`"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-API-Key",
                "The same key in a header of its own",
            ))),
        );
    }
}

/// The document, built once.
pub fn document() -> &'static Document {
    static DOCUMENT: LazyLock<Document> = LazyLock::new(|| super::api().split_for_parts().1);
    &DOCUMENT
}

/// This document, as JSON.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")),
    security(()),
)]
pub async fn openapi_json() -> Response {
    static JSON: LazyLock<String> =
        LazyLock::new(|| document().to_json().unwrap_or_else(|_| "{}".to_owned()));
    let mut response =
        ([(header::CONTENT_TYPE, "application/json")], JSON.as_str()).into_response();
    // Public, the same for everyone, and it changes only with a deploy.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}
