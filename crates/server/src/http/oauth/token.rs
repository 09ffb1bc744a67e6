//! The token endpoint (authorization code with PKCE, refresh with rotation and reuse
//! detection) and token revocation (RFC 7009). Every answer is `no-store`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::ACCESS_TOKEN_LIFETIME;
use super::clients;
use super::error::OAuthError;
use super::params::Params;
use crate::http::client::ClientInfo;
use crate::platform::crypto::{constant_time_eq, new_id, new_token, pkce_s256, token_digest};
use crate::platform::ratelimit::Rule;
use crate::sessions;
use crate::state::AppState;
use courier_store::{ClientSeen, Grant, IssuedTokens, RedeemOutcome, RefreshOutcome, User};

#[derive(Debug, Serialize)]
struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
}

/// Claims of an ID token (OIDC Core §2).
#[derive(Debug, Serialize)]
struct IdTokenClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    exp: i64,
    iat: i64,
    auth_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
    sid: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email_verified: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    preferred_username: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
}

/// Counts a call to the token or revocation endpoint against the caller's address.
fn limit(state: &AppState, ip: &str) -> Result<(), OAuthError> {
    let rule = Rule {
        name: "token",
        max: state.settings.rate_limits.token_per_ip_per_minute,
        window: 60,
    };
    state.limiter.hit(rule, ip).map_err(|retry| OAuthError {
        retry_after: Some(retry.0),
        ..OAuthError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "slow_down",
            "too many requests",
        )
    })
}

/// Reads a form-encoded body after checking its content type.
fn form_params(headers: &HeaderMap, body: &Bytes) -> Result<Params, OAuthError> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(OAuthError::invalid_request(
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    Params::parse(body).map_err(OAuthError::invalid_request)
}

/// `POST /oauth/token`.
pub async fn exchange(
    State(state): State<AppState>,
    client_info: ClientInfo,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    limit(&state, &client_info.ip)?;
    let params = form_params(&headers, &body)?;
    let client_id = params
        .require("client_id")
        .map_err(OAuthError::invalid_request)?;
    let client =
        clients::find(client_id).ok_or_else(|| OAuthError::invalid_client("unknown client"))?;
    let seen = ClientSeen {
        user_agent: client_info.user_agent,
        ip: Some(client_info.ip),
    };
    match params
        .require("grant_type")
        .map_err(OAuthError::invalid_request)?
    {
        "authorization_code" => redeem_code(&state, &params, client.id, &seen).await,
        "refresh_token" => refresh(&state, &params, client.id, &seen).await,
        _ => Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be authorization_code or refresh_token",
        )),
    }
}

fn is_valid_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
}

async fn redeem_code(
    state: &AppState,
    params: &Params,
    client_id: &str,
    seen: &ClientSeen,
) -> Result<Response, OAuthError> {
    let code = params
        .require("code")
        .map_err(OAuthError::invalid_request)?;
    let redirect_uri = params
        .require("redirect_uri")
        .map_err(OAuthError::invalid_request)?;
    let verifier = params
        .require("code_verifier")
        .map_err(OAuthError::invalid_request)?;
    let digest = token_digest(code);
    let now = state.clock.now();
    let Some(record) = state.store.auth_code(&digest).await? else {
        return Err(OAuthError::invalid_grant("the code is not valid"));
    };
    let bound_correctly = record.client_id == client_id
        && record.redirect_uri == redirect_uri
        && is_valid_verifier(verifier)
        && constant_time_eq(&pkce_s256(verifier), &record.code_challenge);
    if !bound_correctly {
        // A code is good for one attempt: a wrong verifier or redirect spends it (and
        // a spent one coming back revokes what its first use issued).
        if let Some(revoked) = state.store.burn_code(&digest, now).await? {
            sessions::grant_ended(&state.events, &revoked);
        }
        return Err(OAuthError::invalid_grant(
            "the code does not match this client, redirect URI or code verifier",
        ));
    }
    let grant = Grant {
        id: new_id(),
        user_id: record.user_id.clone(),
        client_id: record.client_id.clone(),
        scope: record.scope.clone(),
        keep_signed_in: record.keep_signed_in,
        auth_time: record.auth_time,
        created_at: now,
        expires_at: record.auth_time + sessions::lifetime(record.keep_signed_in),
        device_name: record.device_name.clone(),
        device_os: record.device_os.clone(),
        user_agent: seen.user_agent.clone(),
        ip: seen.ip.clone(),
        first_used_at: now,
        last_used_at: now,
    };
    if now >= grant.expires_at {
        if let Some(revoked) = state.store.burn_code(&digest, now).await? {
            sessions::grant_ended(&state.events, &revoked);
        }
        return Err(OAuthError::invalid_grant("the sign-in has already ended"));
    }
    let (tokens, issued) = new_tokens(&grant, now);
    match state
        .store
        .redeem_code(&digest, now, &grant, &issued)
        .await?
    {
        RedeemOutcome::Redeemed { grant, user } => {
            // A failed notice must not fail the sign-in; it is logged.
            if let Err(error) =
                sessions::notice_new_device(&*state.store, &state.mailer, &grant, &user).await
            {
                tracing::warn!(%error, "new-device notice not sent");
            }
            respond(state, &grant, &user, tokens, record.nonce.as_deref())
        }
        RedeemOutcome::Reused(revoked) => {
            if let Some(revoked) = &revoked {
                sessions::grant_ended(&state.events, revoked);
            }
            tracing::warn!(
                client_id,
                "authorization code reused; its grant was revoked"
            );
            Err(OAuthError::invalid_grant("the code has already been used"))
        }
        RedeemOutcome::Expired => Err(OAuthError::invalid_grant("the code has expired")),
        RedeemOutcome::Unknown => Err(OAuthError::invalid_grant("the code is not valid")),
    }
}

async fn refresh(
    state: &AppState,
    params: &Params,
    client_id: &str,
    seen: &ClientSeen,
) -> Result<Response, OAuthError> {
    let refresh_token = params
        .require("refresh_token")
        .map_err(OAuthError::invalid_request)?;
    let now = state.clock.now();
    let digest = token_digest(refresh_token);
    // A refused request spends nothing: the scope is checked against the token's grant
    // first (a grant's scope never changes, so reading it outside the rotation is safe).
    if let Some(requested) = params.get("scope")
        && let Some(grant) = state.store.grant_of_refresh_token(&digest).await?
    {
        let granted: Vec<&str> = grant.scope.split(' ').collect();
        if requested.split(' ').any(|scope| !granted.contains(&scope)) {
            return Err(OAuthError::new(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                "a refresh cannot widen the granted scope",
            ));
        }
    }
    // The grant is only known after the lookup; the access token cannot outlive it
    // anyway (lookups check the grant's expiry) and `expires_in` is trimmed to it.
    let access_token = new_token("cat");
    let refresh_token = new_token("crt");
    let issued = IssuedTokens {
        access_digest: token_digest(&access_token),
        access_expires_at: now + ACCESS_TOKEN_LIFETIME,
        refresh_digest: Some(token_digest(&refresh_token)),
    };
    match state
        .store
        .rotate_refresh_token(
            &digest,
            client_id,
            now,
            &issued,
            seen,
            state.settings.tokens.refresh_reuse_grace.clamp(0, 60),
        )
        .await?
    {
        RefreshOutcome::Rotated { grant, user } => {
            let tokens = Tokens {
                access: access_token,
                refresh: Some(refresh_token),
            };
            respond(state, &grant, &user, tokens, None)
        }
        RefreshOutcome::Reused(revoked) => {
            sessions::grant_ended(&state.events, &revoked);
            tracing::warn!(
                client_id,
                "refresh token reused; the whole grant was revoked"
            );
            Err(OAuthError::invalid_grant(
                "the refresh token has already been used",
            ))
        }
        RefreshOutcome::Invalid => Err(OAuthError::invalid_grant(
            "the refresh token is not valid or has expired",
        )),
    }
}

/// Plain tokens, handed to the client once and never stored.
struct Tokens {
    access: String,
    refresh: Option<String>,
}

fn new_tokens(grant: &Grant, now: i64) -> (Tokens, IssuedTokens) {
    let access = new_token("cat");
    let refresh = grant
        .scope
        .split(' ')
        .any(|scope| scope == "offline_access")
        .then(|| new_token("crt"));
    let issued = IssuedTokens {
        access_digest: token_digest(&access),
        access_expires_at: (now + ACCESS_TOKEN_LIFETIME).min(grant.expires_at),
        refresh_digest: refresh.as_deref().map(token_digest),
    };
    (Tokens { access, refresh }, issued)
}

fn respond(
    state: &AppState,
    grant: &Grant,
    user: &User,
    tokens: Tokens,
    nonce: Option<&str>,
) -> Result<Response, OAuthError> {
    let now = state.clock.now();
    let expires_in = ACCESS_TOKEN_LIFETIME.min(grant.expires_at - now).max(0);
    let scopes: Vec<&str> = grant.scope.split(' ').collect();
    let id_token = if scopes.contains(&"openid") {
        let with_email = scopes.contains(&"email");
        let with_profile = scopes.contains(&"profile");
        let claims = IdTokenClaims {
            iss: state.issuer.as_str(),
            sub: &user.id,
            aud: &grant.client_id,
            exp: now + ACCESS_TOKEN_LIFETIME,
            iat: now,
            auth_time: grant.auth_time,
            nonce,
            sid: &grant.id,
            email: with_email.then_some(user.email.as_str()),
            email_verified: with_email.then_some(user.email_confirmed_at.is_some()),
            preferred_username: with_profile.then_some(user.username.as_str()),
            name: if with_profile {
                user.name.as_deref()
            } else {
                None
            },
        };
        Some(state.keys.sign_jwt(&claims)?)
    } else {
        None
    };
    let body = TokenResponse {
        access_token: tokens.access,
        token_type: "Bearer",
        expires_in,
        refresh_token: tokens.refresh,
        scope: grant.scope.clone(),
        id_token,
    };
    Ok(no_store(Json(body).into_response()))
}

fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// `POST /oauth/revoke` (RFC 7009): revokes the grant the token belongs to. Unknown
/// tokens get the same 200, so the endpoint cannot be used to test tokens.
pub async fn revoke(
    State(state): State<AppState>,
    client_info: ClientInfo,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    limit(&state, &client_info.ip)?;
    let params = form_params(&headers, &body)?;
    let client_id = params
        .require("client_id")
        .map_err(OAuthError::invalid_request)?;
    clients::find(client_id).ok_or_else(|| OAuthError::invalid_client("unknown client"))?;
    let token = params
        .require("token")
        .map_err(OAuthError::invalid_request)?;
    if let Some(hint) = params.get("token_type_hint")
        && hint != "access_token"
        && hint != "refresh_token"
    {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_token_type",
            "token_type_hint must be access_token or refresh_token",
        ));
    }
    if let Some(revoked) = state
        .store
        .revoke_grant_of_token(&token_digest(token), state.clock.now())
        .await?
    {
        sessions::grant_ended(&state.events, &revoked);
    }
    Ok(no_store(StatusCode::OK.into_response()))
}
