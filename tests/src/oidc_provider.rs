//! An independent OpenID provider for interop tests: `tests/oidc-provider/server.mjs`
//! (npm `oidc-provider`) run by Node on a free loopback port, killed on drop, and
//! [`oidc_provider_login`] to get a browser through its development login and
//! consent pages. What the provider offers (the public native client
//! [`CLIENT_ID`], scopes, refresh tokens) is described at the top of `server.mjs`.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow, bail};
use tempfile::TempDir;
use tokio::sync::oneshot;
use url::Url;

use crate::browser::Browser;
use crate::process::{ChildGuard, free_port};

/// The provider's only client: public, native, PKCE S256, any loopback port.
/// Courier's desktop client id: the client uses it with every provider.
pub const CLIENT_ID: &str = courier_proto::DESKTOP_CLIENT_ID;
/// Its registered redirect URI; any port on it matches (RFC 8252 §7.3).
pub const REDIRECT_URI: &str = "http://127.0.0.1/callback";
/// The provider's dev login accepts any password; this is the one the helpers type.
pub const ANY_PASSWORD: &str = "any-password";

const START_TIMEOUT: Duration = Duration::from_secs(20);

/// How the provider treats `offline_access`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RefreshTokens {
    /// Issue a refresh token to every client allowed the refresh_token grant.
    #[default]
    Always,
    /// The library's own rule: only when `offline_access` was requested together
    /// with `prompt=consent`.
    Strict,
}

/// A running provider; the Node process is killed when this is dropped.
pub struct OidcProvider {
    issuer: String,
    _process: ChildGuard,
    _logs: TempDir,
}

impl OidcProvider {
    /// The folder of the Node project (`tests/oidc-provider`).
    pub fn project_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("oidc-provider")
    }

    /// Starts the provider issuing refresh tokens to [`CLIENT_ID`] without further ado.
    pub async fn start() -> Result<Self> {
        Self::start_with(RefreshTokens::Always).await
    }

    /// Starts the provider; returns once it accepts connections.
    pub async fn start_with(refresh_tokens: RefreshTokens) -> Result<Self> {
        let project = Self::project_dir();
        if !project.join("node_modules/oidc-provider").is_dir() {
            bail!(
                "{}/node_modules is missing: run `npm ci --prefix tests/oidc-provider` \
                 (or `source scripts/common.sh && need_e2e_tools`)",
                project.display()
            );
        }
        let logs = tempfile::Builder::new()
            .prefix("courier-oidc-provider-")
            .tempdir()?;
        let log_path = logs.path().join("stderr.log");
        let port = free_port()?;
        let mut command = Command::new(std::env::var_os("NODE").unwrap_or_else(|| "node".into()));
        command
            .arg(project.join("server.mjs"))
            .arg(port.to_string())
            .current_dir(&project)
            // The provider exits when stdin closes: if this test process dies without
            // running destructors, the pipe closing still ends it.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log_path)?);
        if refresh_tokens == RefreshTokens::Strict {
            command.arg("--strict-offline-access");
        }
        let mut process = ChildGuard::spawn("oidc-provider", command)?;
        let stdout = process
            .child_mut()
            .stdout
            .take()
            .context("the provider's stdout")?;

        let issuer = format!("http://127.0.0.1:{port}");
        let expected = format!("listening on {issuer}");
        let (ready, listening) = oneshot::channel::<()>();
        std::thread::spawn(move || {
            let mut ready = Some(ready);
            // Keep draining after the line so the provider never blocks on a full pipe.
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.trim() == expected
                    && let Some(ready) = ready.take()
                {
                    let _ = ready.send(());
                }
            }
        });
        match tokio::time::timeout(START_TIMEOUT, listening).await {
            Ok(Ok(())) => Ok(Self {
                issuer,
                _process: process,
                _logs: logs,
            }),
            Ok(Err(_)) => Err(anyhow!(
                "the OpenID provider exited before listening ({}):\n{}",
                process
                    .exited()
                    .map_or_else(|| "still running".to_owned(), |status| status.to_string()),
                std::fs::read_to_string(&log_path).unwrap_or_default()
            )),
            Err(_) => Err(anyhow!(
                "the OpenID provider did not listen on {port} within {START_TIMEOUT:?}:\n{}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            )),
        }
    }

    /// The issuer, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `{issuer}/.well-known/openid-configuration`.
    pub fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.issuer)
    }
}

/// With the browser on the provider's interaction pages (after opening an
/// authorization URL), signs in as `login` (any login works: it becomes the subject;
/// with an `@` it is also the email) and grants consent. Returns the URL the
/// provider sent the browser on to, normally the client's redirect URI.
pub async fn oidc_provider_login(browser: &Browser, login: &str) -> Result<Url> {
    // Login, then consent; a provider that remembers the grant skips the second.
    for _ in 0..4 {
        let url = browser.current_url().await?;
        if !url.path().starts_with("/interaction/") {
            return Ok(url);
        }
        let prompt = browser
            .find("input[name=\"prompt\"]")
            .await?
            .attr("value")
            .await?
            .unwrap_or_default();
        let button = match prompt.as_str() {
            "login" => {
                browser.fill("login", login).await?;
                browser.fill("password", ANY_PASSWORD).await?;
                "Sign-in"
            }
            "consent" => "Continue",
            other => bail!("unexpected oidc-provider prompt {other:?} at {url}"),
        };
        browser
            .navigate_by(button, browser.click_button(button))
            .await?;
    }
    bail!(
        "still on the provider's interaction pages after login and consent: {}",
        browser.current_url().await?
    )
}
