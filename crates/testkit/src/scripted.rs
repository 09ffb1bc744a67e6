//! A scripted browser: plain HTTP with a cookie jar, no JavaScript, never following a
//! redirect by itself. It fills in the server's pages the way a person's browser
//! would (CSRF field and cookie, the request id) for the server's own tests,
//! benchmarks and fixtures, where starting Chromium would cost more than the thing
//! being tested. Tests of how the pages behave in a real browser use `courier-tests`.

use reqwest::header::{HeaderMap, LOCATION};
use reqwest::{Response, StatusCode};

use crate::html::{csrf_in, hidden_value};
use crate::outbox;

/// One browser profile: its own cookies.
#[derive(Clone)]
pub struct ScriptedBrowser {
    pub base: String,
    pub client: reqwest::Client,
}

impl ScriptedBrowser {
    /// A fresh profile for the server at `base`.
    pub fn new(base: &str) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Mozilla/5.0 (X11; Linux x86_64) CourierTestBrowser/1.0")
            .build()
            .unwrap();
        Self {
            base: base.trim_end_matches('/').to_owned(),
            client,
        }
    }

    /// `path` under the server, or `path` itself when it is already absolute.
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

    /// GETs a page, asserting success, and returns its HTML.
    pub async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        response.text().await.unwrap()
    }

    /// GETs a form page and returns its CSRF token.
    pub async fn csrf_for(&self, path: &str) -> String {
        csrf_in(&self.page(path).await)
    }

    /// Fills in Create Account with the terms accepted; asserts it was accepted.
    pub async fn sign_up(&self, email: &str, username: &str, password: &str) -> Response {
        self.sign_up_at("/signup", email, username, password).await
    }

    /// Fills in Create Account at `path` (which may carry `?req=`) with the terms
    /// accepted; asserts it was accepted.
    pub async fn sign_up_at(
        &self,
        path: &str,
        email: &str,
        username: &str,
        password: &str,
    ) -> Response {
        let fields = [
            ("email", email),
            ("username", username),
            ("password", password),
            ("terms", "on"),
        ];
        let response = self.submit_form_at(path, "/signup", &fields).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "sign-up of {email}"
        );
        response
    }

    /// Follows the newest confirmation link mailed to `email` (other mail, such as an
    /// invitation, passed over) and confirms it; asserts the address was confirmed
    /// (the link neither spent nor expired).
    pub async fn confirm_from_outbox(&self, outbox_dir: &std::path::Path, email: &str) {
        let link = outbox::wait_for_link(outbox_dir, email, "/confirm-email?token=").await;
        let html = self.page(&link).await;
        let token = hidden_value(&html, "token").expect("a token field");
        let response = self
            .post_form(
                "/confirm-email",
                &[("csrf", &csrf_in(&html)), ("token", &token)],
            )
            .await;
        let result = self.follow(response).await;
        assert_eq!(result.status(), StatusCode::OK, "confirming {email}");
    }

    /// Signs in from a sign-in page at `path` (which may carry `?req=`).
    pub async fn sign_in_at(
        &self,
        path: &str,
        identifier: &str,
        password: &str,
        keep: bool,
    ) -> Response {
        let mut fields = vec![("identifier", identifier), ("password", password)];
        if keep {
            fields.push(("keep", "on"));
        }
        self.submit_form_at(path, "/signin", &fields).await
    }

    /// Fills in the form of the page at `path` with `fields` and posts it to `action`,
    /// adding what the page itself carries: its CSRF token and, when it has them, the
    /// request id `req` and the `invitation` to return to.
    async fn submit_form_at(&self, path: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let html = self.get(path).await.text().await.unwrap();
        let csrf = csrf_in(&html);
        let req = hidden_value(&html, "req");
        let invitation = hidden_value(&html, "invitation");
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        if let Some(req) = &req {
            all.push(("req", req));
        }
        if let Some(invitation) = &invitation {
            all.push(("invitation", invitation));
        }
        self.post_form(action, &all).await
    }

    /// On the consent page at `path` (`/authorize/choose?req=…`), presses **Continue
    /// as …**; returns the answer (not followed).
    pub async fn continue_at(&self, path: &str) -> Response {
        let html = self.page(path).await;
        self.continue_on(&html).await
    }

    /// Submits **Continue as …** of a consent page loaded earlier (`html`), as a click
    /// on a page left open would.
    pub async fn continue_on(&self, html: &str) -> Response {
        let field = |name| hidden_value(html, name).unwrap_or_else(|| panic!("no {name} field"));
        let (csrf, req, account) = (csrf_in(html), field("req"), field("account"));
        self.post_form(
            "/authorize/choose",
            &[("csrf", &csrf), ("req", &req), ("account", &account)],
        )
        .await
    }

    /// An app's authorization request at `authorize_url`: authorize → Sign In (ticking
    /// Keep me signed in when `keep`) → the app's redirect URI with the code, which is
    /// returned, not visited.
    pub async fn authorize(
        &self,
        authorize_url: &str,
        identifier: &str,
        password: &str,
        keep: bool,
    ) -> String {
        let to_signin = self.get(authorize_url).await;
        assert_eq!(
            to_signin.status(),
            StatusCode::SEE_OTHER,
            "GET {authorize_url}"
        );
        let signin = location(to_signin.headers());
        assert!(signin.starts_with("/signin?req="), "went to {signin}");
        let response = self.sign_in_at(&signin, identifier, password, keep).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "sign-in of {identifier}"
        );
        location(response.headers())
    }
}

/// The `Location` header of a redirect.
pub fn location(headers: &HeaderMap) -> String {
    headers
        .get(LOCATION)
        .expect("Location header")
        .to_str()
        .unwrap()
        .to_owned()
}
