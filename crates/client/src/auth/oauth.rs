//! Talking OAuth 2.0 / OpenID Connect to a server: the authorization URL (PKCE S256,
//! state, nonce, device name, prompt), the code exchange and refresh through the
//! `oauth2` crate, revocation (RFC 7009) and user info. Errors become the client's
//! kinds; `invalid_grant` is the one that means "sign in again".

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use courier_proto::{DESKTOP_CLIENT_ID, UserInfo};
use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
    BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, CsrfToken, EndpointNotSet, EndpointSet, ExtraTokenFields,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, Scope,
    StandardRevocableToken, StandardTokenResponse, TokenResponse as _, TokenUrl,
};
use serde::{Deserialize, Serialize};

use crate::auth::discovery::Endpoints;
use crate::auth::vault::TokenSet;
use crate::clock::UnixTime;
use crate::error::{Error, Result};

/// Extra fields of a token response: the OpenID Connect ID token.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IdTokenField {
    #[serde(default)]
    pub id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenField {}

type TokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;
type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    TokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The scopes Courier asks for.
pub const SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

fn client(endpoints: &Endpoints, redirect_uri: Option<&str>) -> Result<OAuthClient> {
    let bad =
        |what: &str| Error::Protocol(format!("the server's {what} endpoint is not a valid URL"));
    let mut client = oauth2::Client::new(ClientId::new(DESKTOP_CLIENT_ID.to_owned()))
        .set_auth_uri(
            AuthUrl::new(endpoints.authorization.clone()).map_err(|_| bad("authorization"))?,
        )
        .set_token_uri(TokenUrl::new(endpoints.token.clone()).map_err(|_| bad("token"))?);
    if let Some(uri) = redirect_uri {
        client =
            client.set_redirect_uri(RedirectUrl::new(uri.to_owned()).map_err(|_| bad("redirect"))?);
    }
    Ok(client)
}

/// Secrets of one authorization request, dropped when the attempt ends.
pub struct PendingAuthorization {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub verifier: PkceCodeVerifier,
}

/// What to ask the server to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// Whatever the server decides (sign in, or one click to continue a browser session).
    Default,
    /// Let the person choose another account or sign in as someone else.
    SelectAccount,
    /// Open Create Account.
    Create,
    /// Sign in as this account again (`login_hint`: its email address or username):
    /// a browser signed in as it is asked to continue, anyone else to sign in.
    Account(String),
}

/// 256 random bits, base64url: states and nonces.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Builds the authorization URL with a fresh PKCE verifier and nonce, and `state`.
pub fn authorization(
    endpoints: &Endpoints,
    redirect_uri: &str,
    prompt: Prompt,
    device: &crate::config::Device,
    state: String,
) -> Result<PendingAuthorization> {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let nonce = random_secret();
    let client = client(endpoints, Some(redirect_uri))?;
    let state_for_request = state.clone();
    let mut request = client
        .authorize_url(move || CsrfToken::new(state_for_request))
        .add_scopes(SCOPES.iter().map(|scope| Scope::new((*scope).to_owned())))
        .set_pkce_challenge(challenge)
        .add_extra_param("nonce", nonce.clone())
        .add_extra_param("device_name", device.name.clone())
        .add_extra_param("device_os", device.os.clone());
    match prompt {
        Prompt::Default => {}
        Prompt::SelectAccount => request = request.add_extra_param("prompt", "select_account"),
        Prompt::Create => request = request.add_extra_param("prompt", "create"),
        Prompt::Account(hint) => request = request.add_extra_param("login_hint", hint),
    }
    let (url, _) = request.url();
    Ok(PendingAuthorization {
        url: url.to_string(),
        state,
        nonce,
        verifier,
    })
}

/// How a token request failed before the server gave an OAuth answer.
#[derive(Debug)]
enum TokenTransportError {
    /// The request did not get an answer (refused, reset, timed out).
    Http(oauth2::HttpClientError<reqwest::Error>),
    /// A 5xx answer: a proxy whose instance went away, a server restarting. The
    /// request may not have been processed, or processed without its answer arriving.
    Unavailable(reqwest::StatusCode),
}

impl std::fmt::Display for TokenTransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Http(error) => error.fmt(f),
            Self::Unavailable(status) => write!(f, "the token endpoint answered {status}"),
        }
    }
}

impl std::error::Error for TokenTransportError {}

/// `http` for token requests: a 5xx answer comes back as
/// [`TokenTransportError::Unavailable`] (a network error to callers), not as an
/// unreadable OAuth answer.
struct TokenHttp<'h>(&'h reqwest::Client);

impl<'c> oauth2::AsyncHttpClient<'c> for TokenHttp<'_> {
    type Error = TokenTransportError;
    type Future = std::pin::Pin<
        Box<
            dyn Future<Output = std::result::Result<oauth2::HttpResponse, TokenTransportError>>
                + Send
                + 'c,
        >,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let response = oauth2::AsyncHttpClient::call(self.0, request)
                .await
                .map_err(TokenTransportError::Http)?;
            if response.status().is_server_error() {
                return Err(TokenTransportError::Unavailable(response.status()));
            }
            Ok(response)
        })
    }
}

fn token_error(
    server: &str,
    error: RequestTokenError<TokenTransportError, BasicErrorResponse>,
) -> Error {
    match error {
        RequestTokenError::ServerResponse(response) => match response.error() {
            BasicErrorResponseType::InvalidGrant => Error::ReauthRequired {
                account: server.to_owned(),
            },
            other => Error::Protocol(format!(
                "the token endpoint refused: {}{}",
                other.as_ref(),
                response
                    .error_description()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            )),
        },
        RequestTokenError::Request(TokenTransportError::Http(
            oauth2::HttpClientError::Reqwest(error),
        )) => Error::network(server, &error),
        RequestTokenError::Request(other) => Error::Network {
            server: server.to_owned(),
            reason: other.to_string(),
        },
        RequestTokenError::Parse(_, _) => {
            Error::Protocol("the token endpoint's answer is not a token response".into())
        }
        RequestTokenError::Other(message) => Error::Protocol(message),
    }
}

/// Turns a token response into what the vault keeps, plus the ID token.
fn token_set(
    response: &TokenResponse,
    now: UnixTime,
    previous_refresh: Option<&str>,
) -> (TokenSet, Option<String>) {
    let lifetime = response.expires_in().map_or(300, |d| d.as_secs() as i64);
    let tokens = TokenSet {
        access_token: response.access_token().secret().clone(),
        access_expires_at: now + lifetime,
        refresh_token: response
            .refresh_token()
            .map(|token| token.secret().clone())
            .or_else(|| previous_refresh.map(str::to_owned)),
        scope: response.scopes().map(|scopes| {
            scopes
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        }),
    };
    (tokens, response.extra_fields().id_token.clone())
}

/// Exchanges the code (exactly once per attempt).
pub async fn exchange_code(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    redirect_uri: &str,
    code: String,
    verifier: PkceCodeVerifier,
    now: UnixTime,
) -> Result<(TokenSet, Option<String>)> {
    let response = client(endpoints, Some(redirect_uri))?
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&TokenHttp(http))
        .await
        .map_err(|error| token_error(&endpoints.issuer, error))?;
    Ok(token_set(&response, now, None))
}

/// Exchanges a refresh token for a new set (the server rotates the refresh token).
pub async fn refresh(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    refresh_token: &str,
    now: UnixTime,
) -> Result<TokenSet> {
    let response = client(endpoints, None)?
        .exchange_refresh_token(&RefreshToken::new(refresh_token.to_owned()))
        .request_async(&TokenHttp(http))
        .await
        .map_err(|error| token_error(&endpoints.issuer, error))?;
    Ok(token_set(&response, now, Some(refresh_token)).0)
}

/// Asks the server to end the grant behind `token` (RFC 7009). The `oauth2` crate
/// refuses revocation over plain HTTP even on loopback, so this posts the form itself.
pub async fn revoke(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    token: &str,
    hint: &str,
) -> Result<()> {
    let Some(url) = &endpoints.revocation else {
        return Ok(());
    };
    let response = http
        .post(url)
        .form(&[
            ("token", token),
            ("token_type_hint", hint),
            ("client_id", DESKTOP_CLIENT_ID),
        ])
        .send()
        .await
        .map_err(|error| Error::network(&endpoints.issuer, &error))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(Error::Protocol(format!(
            "the revocation endpoint answered {}",
            response.status()
        )))
    }
}

/// Who the access token belongs to.
pub async fn userinfo(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    access_token: &str,
) -> Result<UserInfo> {
    let url = endpoints
        .userinfo
        .as_deref()
        .ok_or_else(|| Error::Protocol("the server has no userinfo endpoint".into()))?;
    let response = http
        .get(url)
        .bearer_auth(access_token)
        .send()
        .await
        .map_err(|error| Error::network(&endpoints.issuer, &error))?;
    if response.status() == reqwest::StatusCode::UNAUTHORIZED {
        return Err(Error::ReauthRequired {
            account: endpoints.issuer.clone(),
        });
    }
    if !response.status().is_success() {
        return Err(Error::Protocol(format!(
            "userinfo answered {}",
            response.status()
        )));
    }
    response
        .json()
        .await
        .map_err(|_| Error::Protocol("userinfo is not valid JSON".into()))
}

/// The claims of an ID token Courier checks. The token came straight from the token
/// endpoint over TLS (or loopback), which OIDC Core §3.1.3.7 accepts in place of
/// checking its signature; issuer, audience and nonce are still checked.
#[derive(Debug, Deserialize)]
struct IdTokenClaims {
    iss: String,
    aud: serde_json::Value,
    nonce: Option<String>,
}

pub fn check_id_token(id_token: &str, issuer: &str, nonce: &str) -> Result<()> {
    let payload = id_token
        .split('.')
        .nth(1)
        .and_then(|part| URL_SAFE_NO_PAD.decode(part).ok())
        .and_then(|bytes| serde_json::from_slice::<IdTokenClaims>(&bytes).ok())
        .ok_or_else(|| Error::Protocol("the ID token is malformed".into()))?;
    let audience_ok = match &payload.aud {
        serde_json::Value::String(aud) => aud == DESKTOP_CLIENT_ID,
        serde_json::Value::Array(auds) => auds.iter().any(|aud| aud == DESKTOP_CLIENT_ID),
        _ => false,
    };
    if payload.iss.trim_end_matches('/') != issuer.trim_end_matches('/') || !audience_ok {
        return Err(Error::Protocol(
            "the ID token was issued by or for someone else".into(),
        ));
    }
    if payload.nonce.as_deref() != Some(nonce) {
        return Err(Error::Protocol(
            "the ID token does not answer this sign-in (nonce mismatch)".into(),
        ));
    }
    Ok(())
}
