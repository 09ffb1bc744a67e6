//! The authorization endpoint (code flow with PKCE S256 only) and the step that ends
//! an authorization request by redirecting to the client with a code. Until the
//! client and redirect URI are known good, errors are pages, never redirects. A
//! browser's session alone never earns a code: it leads to the consent page, and
//! `prompt=none` is answered with an error.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use url::Url;

use super::PageError;
use super::consent;
use super::session;
use crate::http::oauth::clients::{self, Client};
use crate::http::oauth::params::Params;
use crate::http::oauth::{AUTH_REQUEST_LIFETIME, CODE_LIFETIME, SUPPORTED_SCOPES};
use crate::platform::clock::UnixTime;
use crate::platform::crypto::{new_id, new_token, token_digest};
use crate::state::AppState;
use courier_store::{AuthCode, AuthRequest, User};

/// Longest device name or OS string recorded from a client.
const MAX_DEVICE_FIELD: usize = 100;

/// `GET /oauth/authorize`.
pub async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let params =
        Params::parse(query.unwrap_or_default().as_bytes()).map_err(PageError::bad_request)?;
    let client = params
        .get("client_id")
        .and_then(clients::find)
        .ok_or_else(|| PageError::bad_request("This sign-in link names an unknown application."))?;
    let redirect_uri = params
        .require("redirect_uri")
        .map_err(PageError::bad_request)?;
    if !client.accepts_redirect(redirect_uri) {
        return Err(PageError::bad_request(
            "This sign-in link asks to return to an address the application did not register.",
        ));
    }
    let back = ClientRedirect {
        redirect_uri,
        state: params.get("state"),
        issuer: state.issuer.as_str(),
    };
    let request = match validate(&params, client, redirect_uri, state.clock.now()) {
        Ok(request) => request,
        Err((error, description)) => return Ok(back.error(error, &description)),
    };
    let browser = match session::current(&state, &headers).await? {
        None => Browser::NoSession,
        Some(current) if hint_names(request.login_hint.as_deref(), &current.user) => {
            Browser::Accepted
        }
        // The app asks for a particular account ("Sign in again"); a browser signed
        // in as someone else must not answer for it.
        Some(_) => Browser::OtherAccount,
    };
    let prompts: Vec<&str> = request
        .prompt
        .as_deref()
        .unwrap_or_default()
        .split(' ')
        .collect();
    if prompts.contains(&"none") {
        // Never a code without a page: every client is a native app on a loopback
        // port, so consent is always needed (OIDC Core §3.1.2.6). Nothing is stored.
        return Ok(match browser {
            Browser::NoSession => back.error("login_required", "the user is not signed in"),
            Browser::OtherAccount => back.error(
                "login_required",
                "the browser is signed in as another account than login_hint names",
            ),
            Browser::Accepted => back.error(
                "consent_required",
                "the user must confirm the sign-in in the browser",
            ),
        });
    }
    state.store.insert_auth_request(&request).await?;
    let next = match browser {
        _ if prompts.contains(&"create") => format!("/signup?req={}", request.id),
        _ if prompts.contains(&"login") => format!("/signin?req={}", request.id),
        // Already signed in: still one click on a page that names the account and the app.
        Browser::Accepted => consent::path(&request),
        Browser::NoSession | Browser::OtherAccount => format!("/signin?req={}", request.id),
    };
    Ok(Redirect::to(&next).into_response())
}

/// The browser's session as an authorization request sees it.
enum Browser {
    /// No live session.
    NoSession,
    /// Signed in as an account the request accepts (no `login_hint`, or it names it).
    Accepted,
    /// Signed in, but `login_hint` names another account.
    OtherAccount,
}

/// Whether `login_hint` (an email address or username, any case) is absent or names `user`.
fn hint_names(login_hint: Option<&str>, user: &User) -> bool {
    login_hint.is_none_or(|hint| {
        let hint = hint.trim();
        hint.is_empty()
            || hint.eq_ignore_ascii_case(&user.email)
            || hint.eq_ignore_ascii_case(&user.username)
    })
}

fn validate(
    params: &Params,
    client: &Client,
    redirect_uri: &str,
    now: UnixTime,
) -> Result<AuthRequest, (&'static str, String)> {
    let invalid = |message: &str| ("invalid_request", message.to_owned());
    match params.get("response_type") {
        Some("code") => {}
        Some(_) => {
            return Err((
                "unsupported_response_type",
                "only response_type=code".into(),
            ));
        }
        None => return Err(invalid("response_type is required")),
    }
    if params.get("request").is_some() || params.get("request_uri").is_some() {
        return Err((
            "request_not_supported",
            "request objects are not supported".into(),
        ));
    }
    let challenge = params
        .get("code_challenge")
        .ok_or_else(|| invalid("code_challenge is required (PKCE with S256)"))?;
    if params.get("code_challenge_method") != Some("S256") {
        return Err(invalid("code_challenge_method must be S256"));
    }
    let is_base64url = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if challenge.len() != 43 || !challenge.chars().all(is_base64url) {
        return Err(invalid("code_challenge must be a base64url SHA-256 digest"));
    }
    if let Some(mode) = params.get("response_mode")
        && mode != "query"
    {
        return Err(invalid("only response_mode=query is supported"));
    }
    let prompt = params.get("prompt").map(str::to_owned);
    if let Some(prompt) = &prompt {
        let values: Vec<&str> = prompt.split(' ').collect();
        let known = ["none", "login", "consent", "select_account", "create"];
        if values.iter().any(|value| !known.contains(value)) {
            return Err(invalid("unknown prompt value"));
        }
        if values.contains(&"none") && values.len() > 1 {
            return Err(invalid("prompt=none cannot be combined with other values"));
        }
    }
    let requested: Vec<&str> = params
        .get("scope")
        .unwrap_or("openid profile email")
        .split(' ')
        .collect();
    let scope: Vec<&str> = SUPPORTED_SCOPES
        .iter()
        .copied()
        .filter(|scope| requested.contains(scope))
        .collect();
    if scope.is_empty() {
        return Err((
            "invalid_scope",
            "none of the requested scopes is supported".into(),
        ));
    }
    let truncate = |value: &str| value.chars().take(MAX_DEVICE_FIELD).collect::<String>();
    Ok(AuthRequest {
        id: new_id(),
        client_id: client.id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        scope: scope.join(" "),
        state: params.get("state").map(str::to_owned),
        nonce: params.get("nonce").map(str::to_owned),
        code_challenge: challenge.to_owned(),
        prompt,
        login_hint: params.get("login_hint").map(truncate),
        device_name: params.get("device_name").map(truncate),
        device_os: params.get("device_os").map(truncate),
        created_at: now,
        expires_at: now + AUTH_REQUEST_LIFETIME,
        completed_at: None,
    })
}

/// The pending request `id`, or the page saying it cannot be continued.
pub async fn pending(state: &AppState, id: &str) -> Result<AuthRequest, PageError> {
    let request = state.store.auth_request(id).await?.ok_or_else(|| {
        PageError::bad_request(
            "This sign-in request is unknown. Return to Courier and start again.",
        )
    })?;
    if request.completed_at.is_some() || state.clock.now() >= request.expires_at {
        return Err(PageError::expired_request());
    }
    Ok(request)
}

/// Ends `request` for `user`: issues a code and redirects the browser to the client.
pub async fn finish(
    state: &AppState,
    request: &AuthRequest,
    user: &User,
    auth_time: UnixTime,
    keep_signed_in: bool,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let code = new_token("cac");
    let record = AuthCode {
        digest: token_digest(&code),
        request_id: request.id.clone(),
        user_id: user.id.clone(),
        client_id: request.client_id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        scope: request.scope.clone(),
        nonce: request.nonce.clone(),
        code_challenge: request.code_challenge.clone(),
        keep_signed_in,
        auth_time,
        device_name: request.device_name.clone(),
        device_os: request.device_os.clone(),
        created_at: now,
        expires_at: now + CODE_LIFETIME,
    };
    if !state.store.complete_auth_request(&record, now).await? {
        return Err(PageError::expired_request());
    }
    let back = ClientRedirect {
        redirect_uri: &request.redirect_uri,
        state: request.state.as_deref(),
        issuer: state.issuer.as_str(),
    };
    Ok(back.with(&[("code", &code)]))
}

/// Ends `request` because the person declined: the client hears `access_denied`.
pub async fn cancel(state: &AppState, request: &AuthRequest) -> Result<Response, PageError> {
    if !state
        .store
        .cancel_auth_request(&request.id, state.clock.now())
        .await?
    {
        return Err(PageError::expired_request());
    }
    let back = ClientRedirect {
        redirect_uri: &request.redirect_uri,
        state: request.state.as_deref(),
        issuer: state.issuer.as_str(),
    };
    Ok(back.error("access_denied", "the sign-in was cancelled in the browser"))
}

/// A redirect back to the client carrying `state` and `iss` (RFC 9207).
struct ClientRedirect<'a> {
    redirect_uri: &'a str,
    state: Option<&'a str>,
    issuer: &'a str,
}

impl ClientRedirect<'_> {
    fn error(&self, error: &str, description: &str) -> Response {
        self.with(&[("error", error), ("error_description", description)])
    }

    fn with(&self, pairs: &[(&str, &str)]) -> Response {
        let Ok(mut url) = Url::parse(self.redirect_uri) else {
            return StatusCode::BAD_REQUEST.into_response();
        };
        {
            let mut query = url.query_pairs_mut();
            query.extend_pairs(pairs);
            if let Some(state) = self.state {
                query.append_pair("state", state);
            }
            query.append_pair("iss", self.issuer);
        }
        (StatusCode::SEE_OTHER, [(header::LOCATION, url.to_string())]).into_response()
    }
}
