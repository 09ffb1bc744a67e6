//! An app's side of OAuth against the test server: the authorization request the
//! desktop app makes (PKCE, loopback redirect URI), the browser's part of it, and the
//! token-endpoint and userinfo calls.

use reqwest::{Response, StatusCode};

use crate::pkce::Pkce;
use crate::scripted::ScriptedBrowser;
use crate::server::TestServer;
use crate::{DESKTOP_CLIENT_ID, PASSWORD};

/// An authorization request as the desktop app makes it.
pub struct AuthorizeRequest {
    pub redirect_uri: String,
    pub state: String,
    pub verifier: String,
    pub challenge: String,
    pub extra: Vec<(String, String)>,
}

impl AuthorizeRequest {
    pub fn new() -> Self {
        let Pkce {
            verifier,
            challenge,
        } = Pkce::new();
        Self {
            redirect_uri: "http://127.0.0.1:49152/callback".to_owned(),
            state: format!("state-{}", &verifier[..16]),
            verifier,
            challenge,
            extra: Vec::new(),
        }
    }

    /// The request with parameter `name` added, or replaced if it is a standard one.
    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.extra.push((name.to_owned(), value.to_owned()));
        self
    }

    /// `/oauth/authorize?…` for this request.
    pub fn path(&self) -> String {
        let mut pairs: Vec<(String, String)> = vec![
            ("response_type".into(), "code".into()),
            ("client_id".into(), DESKTOP_CLIENT_ID.into()),
            ("redirect_uri".into(), self.redirect_uri.clone()),
            ("scope".into(), "openid profile email offline_access".into()),
            ("state".into(), self.state.clone()),
            ("nonce".into(), "nonce-1".into()),
            ("code_challenge".into(), self.challenge.clone()),
            ("code_challenge_method".into(), "S256".into()),
        ];
        for (name, value) in &self.extra {
            pairs.retain(|(existing, _)| existing != name);
            pairs.push((name.clone(), value.clone()));
        }
        format!(
            "/oauth/authorize?{}",
            serde_urlencoded::to_string(&pairs).unwrap()
        )
    }
}

impl Default for AuthorizeRequest {
    fn default() -> Self {
        Self::new()
    }
}

/// Query parameters of a redirect to the client.
pub fn callback_params(location: &str) -> Vec<(String, String)> {
    let url = url::Url::parse(location).unwrap();
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The value of parameter `name` among `params`.
pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// Runs the browser's side of an authorization for a fresh browser signing in as
/// `identifier`; returns the callback's query parameters.
pub async fn authorize_as(
    server: &TestServer,
    request: &AuthorizeRequest,
    identifier: &str,
    keep: bool,
) -> Vec<(String, String)> {
    let browser = server.browser();
    authorize_in(&browser, request, identifier, keep).await
}

/// Like [`authorize_as`] in a given browser.
pub async fn authorize_in(
    browser: &ScriptedBrowser,
    request: &AuthorizeRequest,
    identifier: &str,
    keep: bool,
) -> Vec<(String, String)> {
    let callback = browser
        .authorize(&request.path(), identifier, PASSWORD, keep)
        .await;
    assert!(
        callback.starts_with(&request.redirect_uri),
        "redirected to {callback}"
    );
    callback_params(&callback)
}

/// A token-endpoint call with form `fields`.
pub async fn token_call(server: &TestServer, fields: &[(&str, &str)]) -> Response {
    token_call_at(server.base(), fields).await
}

/// A token-endpoint call with form `fields` to the server (or balancer) at `base`.
pub async fn token_call_at(base: &str, fields: &[(&str, &str)]) -> Response {
    reqwest::Client::new()
        .post(format!("{base}/oauth/token"))
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// Exchanges `code` as the desktop app would; returns the JSON body (asserting 200).
pub async fn exchange_code(
    server: &TestServer,
    request: &AuthorizeRequest,
    code: &str,
) -> serde_json::Value {
    exchange_code_at(server.base(), request, code).await
}

/// Like [`exchange_code`] with the server (or balancer) at `base`.
pub async fn exchange_code_at(
    base: &str,
    request: &AuthorizeRequest,
    code: &str,
) -> serde_json::Value {
    let response = token_call_at(
        base,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &request.redirect_uri),
            ("client_id", DESKTOP_CLIENT_ID),
            ("code_verifier", &request.verifier),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// A refresh-token grant for the desktop app.
pub async fn refresh(server: &TestServer, refresh_token: &str) -> Response {
    refresh_at(server.base(), refresh_token).await
}

/// Like [`refresh`] with the server (or balancer) at `base`.
pub async fn refresh_at(base: &str, refresh_token: &str) -> Response {
    token_call_at(
        base,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", DESKTOP_CLIENT_ID),
        ],
    )
    .await
}

/// The desktop app signing out (RFC 7009): revokes the grant `token` belongs to.
pub async fn revoke(server: &TestServer, token: &str) -> Response {
    revoke_at(server.base(), token).await
}

/// Like [`revoke`] with the server (or balancer) at `base`.
pub async fn revoke_at(base: &str, token: &str) -> Response {
    reqwest::Client::new()
        .post(format!("{base}/oauth/revoke"))
        .form(&[("token", token), ("client_id", DESKTOP_CLIENT_ID)])
        .send()
        .await
        .unwrap()
}

/// `GET /oauth/userinfo` with `access_token`.
pub async fn userinfo(server: &TestServer, access_token: &str) -> Response {
    reqwest::Client::new()
        .get(server.url("/oauth/userinfo"))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
}

/// A confirmed account plus a completed code exchange: the token response.
pub async fn signed_in_tokens(
    server: &TestServer,
    email: &str,
    username: &str,
    keep: bool,
) -> serde_json::Value {
    server.confirmed_account(email, username).await;
    let request = AuthorizeRequest::new();
    let params = authorize_as(server, &request, email, keep).await;
    let code = param(&params, "code").expect("code").to_owned();
    exchange_code(server, &request, &code).await
}
