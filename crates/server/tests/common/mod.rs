//! Test harness: a real `courier-server` on an ephemeral loopback port with its own
//! data folder and a manual clock, a cookie-keeping browser stand-in, mail read from
//! the outbox, and helpers for the sign-up and authorization steps tests repeat.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use courier_server::{ManualClock, Server, Settings};
use rand::RngCore as _;
use reqwest::header::{HeaderMap, LOCATION};
use reqwest::{Response, StatusCode};
use sha2::{Digest as _, Sha256};
use tokio::sync::oneshot;

pub const CLIENT_ID: &str = "courier-desktop";
pub const PASSWORD: &str = "plum-orbit-kettle-92";

/// A running server; stops when dropped.
pub struct TestServer {
    pub base: String,
    pub clock: ManualClock,
    pub data_dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts a server after `configure` has adjusted its settings. Rate limits are
    /// off unless a test turns them on.
    pub async fn start_with(configure: impl FnOnce(&mut Settings)) -> Self {
        Self::start_listening(configure).await.0
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn outbox(&self) -> PathBuf {
        self.data_dir.path().join("outbox")
    }

    /// A new browser (its own cookie jar) pointed at this server.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// Waits for the `n`th mail (counting from 1) to `to`, and returns its text.
    pub async fn mail_to(&self, to: &str, n: usize) -> String {
        wait_for_mail(&self.outbox(), to, n).await
    }

    /// Signs up `username` with `email` and confirms the address through the mailed link.
    pub async fn confirmed_account(&self, email: &str, username: &str) {
        let browser = self.browser();
        browser.sign_up(email, username, PASSWORD).await;
        let mail = self.mail_to(email, 1).await;
        let link = link_in(&mail, "/confirm-email?token=");
        let page = browser.get(&link).await;
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        let token = link.split("token=").nth(1).unwrap();
        let response = browser
            .post_form(
                "/confirm-email",
                &[("csrf", &csrf_in(&html)), ("token", token)],
            )
            .await;
        let result = browser.follow(response).await;
        assert_eq!(result.status(), StatusCode::OK, "confirming {email}");
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Mails in the outbox addressed to `to`, oldest first.
pub fn mails_to(outbox: &Path, to: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(outbox) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .filter(|text| {
            text.lines()
                .any(|line| line.starts_with("To:") && line.contains(to))
        })
        .map(|text| unfold_quoted_printable(&text))
        .collect()
}

/// Mail is delivered by a background worker; poll the outbox (bounded) until it lands.
pub async fn wait_for_mail(outbox: &Path, to: &str, n: usize) -> String {
    for _ in 0..200 {
        let mails = mails_to(outbox, to);
        if mails.len() >= n {
            return mails[n - 1].clone();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no mail #{n} to {to} in {}", outbox.display());
}

/// Undoes quoted-printable soft line breaks and `=3D` so links can be read whole.
fn unfold_quoted_printable(text: &str) -> String {
    text.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// The first URL in `text` containing `marker`.
pub fn link_in(text: &str, marker: &str) -> String {
    text.split_whitespace()
        .find(|word| word.starts_with("http") && word.contains(marker))
        .unwrap_or_else(|| panic!("no link with {marker} in:\n{text}"))
        .to_owned()
}

/// The CSRF token in a form page.
pub fn csrf_in(html: &str) -> String {
    hidden_value(html, "csrf").unwrap_or_else(|| panic!("no csrf field in:\n{html}"))
}

/// The value of the hidden input `name` in `html`.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// A browser stand-in: keeps cookies, never follows redirects.
#[derive(Clone)]
pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Mozilla/5.0 (X11; Linux x86_64) CourierTestBrowser/1.0")
            .build()
            .unwrap();
        Self {
            base: base.to_owned(),
            client,
        }
    }

    fn absolute(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.absolute(path)).send().await.unwrap()
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.absolute(path))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// Follows a 303 the way a browser does after a form POST.
    pub async fn follow(&self, response: Response) -> Response {
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "expected a redirect after POST"
        );
        self.get(&location(response.headers())).await
    }

    /// GETs a form page and returns its CSRF token.
    pub async fn csrf_for(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        csrf_in(&response.text().await.unwrap())
    }

    /// Fills in Create Account; asserts it was accepted.
    pub async fn sign_up(&self, email: &str, username: &str, password: &str) -> Response {
        let csrf = self.csrf_for("/signup").await;
        let response = self
            .post_form(
                "/signup",
                &[
                    ("csrf", &csrf),
                    ("email", email),
                    ("username", username),
                    ("password", password),
                    ("terms", "on"),
                ],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "sign-up of {email}"
        );
        response
    }

    /// Signs in from a sign-in page at `path` (which may carry `?req=`).
    pub async fn sign_in_at(
        &self,
        path: &str,
        identifier: &str,
        password: &str,
        keep: bool,
    ) -> Response {
        let html = self.get(path).await.text().await.unwrap();
        let csrf = csrf_in(&html);
        let req = hidden_value(&html, "req");
        let mut fields = vec![
            ("csrf", csrf.as_str()),
            ("identifier", identifier),
            ("password", password),
        ];
        if keep {
            fields.push(("keep", "on"));
        }
        if let Some(req) = &req {
            fields.push(("req", req));
        }
        self.post_form("/signin", &fields).await
    }
}

pub fn location(headers: &HeaderMap) -> String {
    headers
        .get(LOCATION)
        .expect("Location header")
        .to_str()
        .unwrap()
        .to_owned()
}

/// A PKCE pair: (verifier, S256 challenge).
pub fn pkce() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let verifier = URL_SAFE_NO_PAD.encode(bytes);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

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
        let (verifier, challenge) = pkce();
        Self {
            redirect_uri: "http://127.0.0.1:49152/callback".to_owned(),
            state: format!("state-{}", &verifier[..16]),
            verifier,
            challenge,
            extra: Vec::new(),
        }
    }

    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.extra.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn path(&self) -> String {
        let mut pairs: Vec<(String, String)> = vec![
            ("response_type".into(), "code".into()),
            ("client_id".into(), CLIENT_ID.into()),
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

/// Query parameters of a redirect to the client.
pub fn callback_params(location: &str) -> Vec<(String, String)> {
    let url = url::Url::parse(location).unwrap();
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

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
    browser: &Browser,
    request: &AuthorizeRequest,
    identifier: &str,
    keep: bool,
) -> Vec<(String, String)> {
    let response = browser.get(&request.path()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let signin = location(response.headers());
    assert!(signin.starts_with("/signin?req="), "went to {signin}");
    let response = browser
        .sign_in_at(&signin, identifier, PASSWORD, keep)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "sign-in of {identifier}"
    );
    let callback = location(response.headers());
    assert!(
        callback.starts_with(&request.redirect_uri),
        "redirected to {callback}"
    );
    callback_params(&callback)
}

/// A token-endpoint call with form `fields`.
pub async fn token_call(server: &TestServer, fields: &[(&str, &str)]) -> Response {
    reqwest::Client::new()
        .post(server.url("/oauth/token"))
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
    let response = token_call(
        server,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &request.redirect_uri),
            ("client_id", CLIENT_ID),
            ("code_verifier", &request.verifier),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

pub async fn refresh(server: &TestServer, refresh_token: &str) -> Response {
    token_call(
        server,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", CLIENT_ID),
        ],
    )
    .await
}

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

// Helpers for the page tests (pages.rs, signup.rs): servers behind a public issuer,
// cookies as the server sets them, and what a page says.

impl TestServer {
    /// Like [`TestServer::start_with`], also returning the loopback address the server
    /// listens on, which is not `base` when `settings.issuer` names a public origin.
    pub async fn start_listening(
        configure: impl FnOnce(&mut Settings),
    ) -> (Self, std::net::SocketAddr) {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut settings = Settings::for_data_dir(data_dir.path());
        settings.rate_limits.enabled = false;
        settings.password_hash_workers = Some(2);
        configure(&mut settings);
        let clock = ManualClock::starting_now();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let server = Server::bind(settings, Arc::new(clock.clone()), listener)
            .await
            .expect("server");
        let addr = server.local_addr().expect("local address");
        let base = server.issuer().to_owned();
        let (stop, stopped) = oneshot::channel();
        tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        let server = Self {
            base,
            clock,
            data_dir,
            stop: Some(stop),
        };
        (server, addr)
    }
}

/// Every `Set-Cookie` header of `response`.
pub fn set_cookies(response: &Response) -> Vec<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|value| value.to_str().expect("ASCII Set-Cookie").to_owned())
        .collect()
}

/// The `Set-Cookie` header of `response` that sets cookie `name`.
pub fn set_cookie_named(response: &Response, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    set_cookies(response)
        .into_iter()
        .find(|header| header.starts_with(&prefix))
}

/// The `name=value` pair a `Set-Cookie` header sets, as a `Cookie` header would carry it.
pub fn cookie_pair(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .expect("a cookie pair")
        .to_owned()
}

/// The attributes of a `Set-Cookie` header (`HttpOnly`, `Max-Age=0`, …), trimmed.
pub fn cookie_attributes(set_cookie: &str) -> Vec<String> {
    set_cookie
        .split(';')
        .skip(1)
        .map(|attribute| attribute.trim().to_owned())
        .collect()
}

/// The username the front page of `html` says is signed in, if anyone.
pub fn signed_in_user_in(html: &str) -> Option<String> {
    let marker = "Signed in as <strong>";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find("</strong>")? + start;
    Some(html[start..end].to_owned())
}

/// Who the front page says is signed in in `browser`.
pub async fn signed_in_user(browser: &Browser) -> Option<String> {
    let response = browser.get("/").await;
    assert_eq!(response.status(), StatusCode::OK, "GET /");
    signed_in_user_in(&response.text().await.unwrap())
}

/// Who the front page says is signed in for a cookie-less client sending only
/// `cookie` (`name=value`), as a replayed or stolen cookie would be.
pub async fn signed_in_with_cookie(server: &TestServer, cookie: &str) -> Option<String> {
    let response = reqwest::Client::new()
        .get(server.url("/"))
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "GET /");
    signed_in_user_in(&response.text().await.unwrap())
}

/// The error shown next to form field `name` (`<p id="{name}-error">`), if any.
pub fn field_error(html: &str, name: &str) -> Option<String> {
    let marker = format!("id=\"{name}-error\"");
    let start = html.find(&marker)?;
    let start = html[start..].find('>')? + start + 1;
    let end = html[start..].find("</p>")? + start;
    Some(html[start..end].to_owned())
}

/// The `value` of the visible input `name` in `html`.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\"");
    let start = html.find(&marker)?;
    let tag_end = html[start..].find('>')? + start;
    let tag = &html[start..tag_end];
    let value_start = tag.find("value=\"")? + "value=\"".len();
    let value_end = tag[value_start..].find('"')? + value_start;
    Some(tag[value_start..value_end].to_owned())
}

/// An app signed in as one account: its tokens, and a JSON client for `/api/v1`.
pub struct AppSession {
    pub base: String,
    pub access_token: String,
    pub refresh_token: String,
    http: reqwest::Client,
}

impl TestServer {
    /// Signs `identifier` in as the desktop app would (Keep me signed in, a fresh
    /// browser, device name `device`): a new grant, i.e. a new session.
    pub async fn app_session(&self, identifier: &str, device: &str) -> AppSession {
        let request = AuthorizeRequest::new()
            .with("device_name", device)
            .with("device_os", "Linux");
        let params = authorize_as(self, &request, identifier, true).await;
        let code = param(&params, "code").expect("a code").to_owned();
        let body = exchange_code(self, &request, &code).await;
        AppSession {
            base: self.base.clone(),
            access_token: body["access_token"].as_str().unwrap().to_owned(),
            refresh_token: body["refresh_token"].as_str().unwrap().to_owned(),
            http: reqwest::Client::new(),
        }
    }
}

impl AppSession {
    /// A request to `path` under the server with this session's bearer token.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.access_token)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(reqwest::Method::GET, path)
            .send()
            .await
            .unwrap()
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.request(reqwest::Method::DELETE, path)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> Response {
        self.request(reqwest::Method::POST, path)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn put_json(&self, path: &str, body: &serde_json::Value) -> Response {
        self.request(reqwest::Method::PUT, path)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn patch_json(&self, path: &str, body: &serde_json::Value) -> Response {
        self.request(reqwest::Method::PATCH, path)
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

/// Reads a `{kind, message, fields}` error body, asserting the status first.
pub async fn api_error(response: Response, status: StatusCode) -> serde_json::Value {
    assert_eq!(response.status(), status, "unexpected status");
    let body: serde_json::Value = response.json().await.expect("a JSON error body");
    assert!(body["kind"].is_string(), "no kind in {body}");
    assert!(body["message"].is_string(), "no message in {body}");
    body
}
