//! Discovery (`/.well-known/openid-configuration`, RFC 8414) and the JWK set.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use courier_proto::ProviderMetadata;

use super::SUPPORTED_SCOPES;
use crate::state::AppState;

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| (*value).to_owned()).collect()
}

pub fn provider_metadata(state: &AppState) -> ProviderMetadata {
    let issuer = &state.issuer;
    ProviderMetadata {
        issuer: issuer.as_str().to_owned(),
        authorization_endpoint: issuer.url("/oauth/authorize"),
        token_endpoint: issuer.url("/oauth/token"),
        userinfo_endpoint: issuer.url("/oauth/userinfo"),
        jwks_uri: issuer.url("/oauth/jwks"),
        revocation_endpoint: issuer.url("/oauth/revoke"),
        end_session_endpoint: issuer.url("/signout"),
        scopes_supported: strings(&SUPPORTED_SCOPES),
        response_types_supported: strings(&["code"]),
        response_modes_supported: strings(&["query"]),
        grant_types_supported: strings(&["authorization_code", "refresh_token"]),
        code_challenge_methods_supported: strings(&["S256"]),
        token_endpoint_auth_methods_supported: strings(&["none"]),
        revocation_endpoint_auth_methods_supported: strings(&["none"]),
        subject_types_supported: strings(&["public"]),
        id_token_signing_alg_values_supported: strings(&["EdDSA"]),
        claims_supported: strings(&[
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "sid",
            "email",
            "email_verified",
            "preferred_username",
            "name",
        ]),
        prompt_values_supported: strings(&["none", "login", "consent", "select_account", "create"]),
        authorization_response_iss_parameter_supported: true,
    }
}

pub async fn discovery(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "public, max-age=300")],
        Json(provider_metadata(&state)),
    )
}

pub async fn jwks(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "public, max-age=300")],
        Json(state.keys.jwks()),
    )
}
