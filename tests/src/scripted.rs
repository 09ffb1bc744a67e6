//! A scripted browser: plain HTTP with a cookie jar, no JavaScript, no redirects
//! followed by itself. It fills in the server's pages the way a person's browser
//! would (CSRF field and cookie, the request id) for benchmarks and fixtures, where
//! starting Chromium would cost more than the thing being measured. Tests of the
//! pages themselves use the real browser ([`crate::pages`]).

use std::path::Path;

use anyhow::{Context as _, Result, bail};

use crate::outbox;

/// One browser profile: its own cookies.
pub struct ScriptedBrowser {
    http: reqwest::Client,
    base: String,
}

impl ScriptedBrowser {
    /// A fresh profile for the server at `base`.
    pub fn new(base: &str) -> Result<Self> {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    async fn page(&self, url: &str) -> Result<String> {
        let response = self.http.get(url).send().await?;
        if !response.status().is_success() {
            bail!("GET {url} answered {}", response.status());
        }
        Ok(response.text().await?)
    }

    async fn submit(&self, path: &str, form: &[(&str, &str)]) -> Result<String> {
        let url = format!("{}{path}", self.base);
        let response = self.http.post(&url).form(form).send().await?;
        if response.status() != reqwest::StatusCode::SEE_OTHER {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            bail!("POST {path} answered {status}, not a redirect:\n{body}");
        }
        location(&response)
    }

    /// Create Account with the terms accepted.
    pub async fn sign_up(&self, email: &str, username: &str, password: &str) -> Result<()> {
        let html = self.page(&format!("{}/signup", self.base)).await?;
        let csrf = hidden(&html, "csrf")?;
        self.submit(
            "/signup",
            &[
                ("csrf", &csrf),
                ("email", email),
                ("username", username),
                ("password", password),
                ("terms", "on"),
            ],
        )
        .await?;
        Ok(())
    }

    /// Follows the newest confirmation link mailed to `email` and confirms it.
    pub async fn confirm_from_outbox(&self, outbox_dir: &Path, email: &str) -> Result<()> {
        let mail = outbox::wait_for_mail_to(outbox_dir, email).await?;
        let link = outbox::link_in(&mail, "/confirm-email?token=")
            .with_context(|| format!("no confirmation link in the mail to {email}"))?;
        let html = self.page(&link).await?;
        let csrf = hidden(&html, "csrf")?;
        let token = hidden(&html, "token")?;
        self.submit("/confirm-email", &[("csrf", &csrf), ("token", &token)])
            .await?;
        Ok(())
    }

    /// An app's authorization request: authorize → Sign In (Keep me signed in) → the
    /// app's redirect URI with the code, which is returned, not visited.
    pub async fn authorize(
        &self,
        authorize_url: &str,
        identifier: &str,
        password: &str,
    ) -> Result<String> {
        let to_signin = self.http.get(authorize_url).send().await?;
        let signin = format!("{}{}", self.base, location(&to_signin)?);
        let html = self.page(&signin).await?;
        let csrf = hidden(&html, "csrf")?;
        let request = hidden(&html, "req")?;
        self.submit(
            "/signin",
            &[
                ("csrf", &csrf),
                ("req", &request),
                ("identifier", identifier),
                ("password", password),
                ("keep", "on"),
            ],
        )
        .await
    }
}

impl ScriptedBrowser {
    /// Signs `courier` in with its own flow (listener, PKCE, code exchange, keyring),
    /// this browser standing in for the system browser that `opened` hears about.
    pub async fn sign_in_client(
        &self,
        courier: &courier_client::Courier,
        opened: &mut tokio::sync::mpsc::UnboundedReceiver<String>,
        identifier: &str,
        password: &str,
    ) -> Result<courier_client::Account> {
        let attempt = courier
            .start_sign_in(None, courier_client::SignInMode::SignIn)
            .await?;
        let url = opened
            .recv()
            .await
            .context("the client opened no browser")?;
        let callback = self.authorize(&url, identifier, password).await?;
        self.http.get(&callback).send().await?.error_for_status()?;
        Ok(courier.finish_sign_in(attempt).await?)
    }
}

/// The tokens an app holds after signing in.
pub struct AppTokens {
    pub access_token: String,
    pub refresh_token: String,
}

impl ScriptedBrowser {
    /// Signs in as an app would (authorization code + PKCE, redirect to a loopback
    /// port nobody listens on: the code is read from the redirect), device `device`.
    pub async fn app_sign_in(
        &self,
        identifier: &str,
        password: &str,
        device: &str,
    ) -> Result<AppTokens> {
        let pkce = crate::Pkce::new();
        let redirect_uri = "http://127.0.0.1:9/callback";
        let mut authorize = url::Url::parse(&format!("{}/oauth/authorize", self.base))?;
        authorize
            .query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", courier_proto::DESKTOP_CLIENT_ID)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", "openid profile email offline_access")
            .append_pair("state", &crate::pkce::random_token())
            .append_pair("code_challenge", &pkce.challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("device_name", device)
            .append_pair("device_os", "Linux")
            .append_pair("prompt", "login");
        let callback = self
            .authorize(authorize.as_str(), identifier, password)
            .await?;
        let callback = url::Url::parse(&callback)?;
        let code = callback
            .query_pairs()
            .find(|(name, _)| name == "code")
            .map(|(_, value)| value.into_owned())
            .with_context(|| format!("no code in the callback {callback}"))?;
        let response = self
            .http
            .post(format!("{}/oauth/token", self.base))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", redirect_uri),
                ("client_id", courier_proto::DESKTOP_CLIENT_ID),
                ("code_verifier", pkce.verifier.as_str()),
            ])
            .send()
            .await?;
        if !response.status().is_success() {
            bail!("the token endpoint answered {}", response.status());
        }
        let body: serde_json::Value = response.json().await?;
        let token = |name: &str| {
            body[name]
                .as_str()
                .map(str::to_owned)
                .with_context(|| format!("no {name} in the token response"))
        };
        Ok(AppTokens {
            access_token: token("access_token")?,
            refresh_token: token("refresh_token")?,
        })
    }
}

fn location(response: &reqwest::Response) -> Result<String> {
    let value = response
        .headers()
        .get(reqwest::header::LOCATION)
        .with_context(|| {
            format!(
                "{} answered {} without a Location",
                response.url(),
                response.status()
            )
        })?;
    Ok(value.to_str()?.to_owned())
}

/// The value of the hidden input `name` in a server page.
fn hidden(html: &str, name: &str) -> Result<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .with_context(|| format!("no hidden field {name} in the page"))?
        + marker.len();
    let length = html[start..]
        .find('"')
        .context("an unterminated attribute")?;
    Ok(html[start..start + length].to_owned())
}
