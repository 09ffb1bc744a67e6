//! One browser sign-in attempt (RFC 8252): a loopback listener, a fresh PKCE verifier,
//! state and nonce, the system browser opened on the authorization URL, and a
//! five-minute window. The attempt exposes its URL (to copy or reopen), deadline,
//! [`SignInAttempt::reopen_browser`] and a [`Canceller`] (Skip); [`SignInAttempt::wait`]
//! returns the tokens or why there are none. Whatever ends the attempt drops the
//! listener (freeing the port) and the verifier.

use std::sync::Arc;

use tokio::sync::Notify;

use crate::auth::browser::BrowserOpener;
use crate::auth::discovery::Endpoints;
use crate::auth::loopback::{Callback, Listener};
use crate::auth::oauth::{self, PendingAuthorization, Prompt};
use crate::auth::vault::TokenSet;
use crate::clock::{SharedClock, UnixTime};
use crate::config::ClientConfig;
use crate::error::{Error, Result, SignInFailure};

/// How long the person has to finish in the browser.
pub const SIGN_IN_WINDOW_SECS: i64 = 5 * 60;

/// Stops a waiting attempt (the app's **Skip and take me to Courier**).
#[derive(Clone, Default)]
pub struct Canceller(Arc<Notify>);

impl Canceller {
    pub fn cancel(&self) {
        self.0.notify_one();
    }
}

/// A sign-in in progress.
pub struct SignInAttempt {
    endpoints: Endpoints,
    listener: Listener,
    pending: PendingAuthorization,
    redirect_uri: String,
    deadline: UnixTime,
    clock: SharedClock,
    opener: Arc<dyn BrowserOpener>,
    canceller: Canceller,
    browser_error: Option<String>,
}

/// Tokens from a completed attempt, before they are stored.
pub struct Authorized {
    pub endpoints: Endpoints,
    pub tokens: TokenSet,
}

impl SignInAttempt {
    /// Binds the listener, builds the authorization URL and opens the browser.
    pub(crate) async fn start(
        config: &ClientConfig,
        endpoints: Endpoints,
        prompt: Prompt,
        clock: SharedClock,
        opener: Arc<dyn BrowserOpener>,
    ) -> Result<Self> {
        let state = oauth::random_secret();
        let listener = Listener::bind(state.clone()).await?;
        let redirect_uri = listener.redirect_uri();
        let pending =
            oauth::authorization(&endpoints, &redirect_uri, prompt, &config.device, state)?;
        let deadline = clock.now() + SIGN_IN_WINDOW_SECS;
        let browser_error = opener.open(&pending.url).err();
        if let Some(error) = &browser_error {
            tracing::warn!(%error, "could not open the browser; the sign-in link must be opened by hand");
        }
        Ok(Self {
            endpoints,
            listener,
            pending,
            redirect_uri,
            deadline,
            clock,
            opener,
            canceller: Canceller::default(),
            browser_error,
        })
    }

    /// The authorization URL, to show, copy or open by hand.
    pub fn url(&self) -> &str {
        &self.pending.url
    }

    /// When the attempt expires (Unix seconds).
    pub fn deadline(&self) -> UnixTime {
        self.deadline
    }

    /// The loopback port the browser will return to.
    pub fn port(&self) -> u16 {
        self.listener.port()
    }

    /// Why the browser could not be opened, if it could not.
    pub fn browser_error(&self) -> Option<&str> {
        self.browser_error.as_deref()
    }

    /// Opens the same URL again (**open your browser**).
    pub fn reopen_browser(&self) -> Result<(), String> {
        self.opener.open(&self.pending.url)
    }

    pub fn canceller(&self) -> Canceller {
        self.canceller.clone()
    }

    /// Waits for the browser, the deadline or a cancel, then exchanges the code
    /// (exactly once) with the token endpoint.
    pub(crate) async fn wait(mut self, http: &reqwest::Client) -> Result<Authorized> {
        let callback = tokio::select! {
            callback = self.listener.next() => Ok(callback),
            () = self.clock.sleep_until(self.deadline) => Err(SignInFailure::Expired),
            () = self.canceller.0.notified() => Err(SignInFailure::Cancelled),
        };
        // Whatever happened, stop listening (freeing the port) before anything else.
        let Self {
            endpoints,
            listener,
            pending,
            redirect_uri,
            clock,
            ..
        } = self;
        listener.close().await;
        let callback = callback.map_err(Error::sign_in)?;
        match callback {
            None => Err(Error::Listener("the loopback listener stopped".into())),
            Some(Callback::Error { error, .. }) if error == "access_denied" => {
                Err(Error::sign_in(SignInFailure::CancelledInBrowser))
            }
            Some(Callback::Error { error, description }) => {
                Err(Error::sign_in(SignInFailure::Refused {
                    error,
                    description,
                }))
            }
            Some(Callback::Code { code, iss }) => {
                check_response_issuer(iss.as_deref(), &endpoints)?;
                let PendingAuthorization {
                    verifier, nonce, ..
                } = pending;
                let (tokens, id_token) = oauth::exchange_code(
                    http,
                    &endpoints,
                    &redirect_uri,
                    code,
                    verifier,
                    clock.now(),
                )
                .await?;
                if let Some(id_token) = id_token {
                    oauth::check_id_token(&id_token, &endpoints.issuer, &nonce)?;
                }
                Ok(Authorized { endpoints, tokens })
            }
        }
    }
}

/// RFC 9207: a response from another issuer is a mix-up attack, and so is one without
/// `iss` from a server that promised to send it.
fn check_response_issuer(iss: Option<&str>, endpoints: &Endpoints) -> Result<()> {
    match iss {
        Some(iss) if iss.trim_end_matches('/') != endpoints.issuer.trim_end_matches('/') => {
            Err(Error::Protocol(format!(
                "the sign-in came back from {iss}, not {}",
                endpoints.issuer
            )))
        }
        None if endpoints.iss_in_authorization_response => Err(Error::Protocol(format!(
            "the sign-in came back without naming its server, although {} always does",
            endpoints.issuer
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::auth::browser::NoBrowser;
    use crate::clock::{Clock as _, ManualClock};

    fn endpoints() -> Endpoints {
        // Nothing is contacted unless a code arrives.
        Endpoints {
            issuer: "http://127.0.0.1:9".into(),
            authorization: "http://127.0.0.1:9/oauth/authorize".into(),
            token: "http://127.0.0.1:9/oauth/token".into(),
            userinfo: None,
            revocation: None,
            iss_in_authorization_response: true,
        }
    }

    #[test]
    fn a_response_from_another_issuer_or_without_a_promised_iss_is_refused() {
        let promised = endpoints();
        assert!(check_response_issuer(Some("http://127.0.0.1:9/"), &promised).is_ok());
        assert!(check_response_issuer(Some("http://127.0.0.1:10"), &promised).is_err());
        assert!(check_response_issuer(None, &promised).is_err());
        let silent = Endpoints {
            iss_in_authorization_response: false,
            ..promised
        };
        assert!(check_response_issuer(None, &silent).is_ok());
        assert!(check_response_issuer(Some("http://evil"), &silent).is_err());
    }

    async fn attempt(clock: &ManualClock) -> SignInAttempt {
        let config =
            ClientConfig::for_data_dir("/nonexistent", "courier-test", "http://127.0.0.1:9");
        SignInAttempt::start(
            &config,
            endpoints(),
            Prompt::SelectAccount,
            Arc::new(clock.clone()),
            Arc::new(NoBrowser),
        )
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn the_url_carries_pkce_state_nonce_device_and_prompt() {
        let clock = ManualClock::starting_now();
        let attempt = attempt(&clock).await;
        let url = url::Url::parse(attempt.url()).unwrap();
        let params: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(params["code_challenge_method"], "S256");
        assert_eq!(params["code_challenge"].len(), 43);
        assert!(params["state"].len() >= 43, "at least 256 bits of state");
        assert!(params["nonce"].len() >= 43);
        assert_eq!(params["prompt"], "select_account");
        assert_eq!(
            params["redirect_uri"],
            format!("http://127.0.0.1:{}/callback", attempt.port())
        );
        assert!(params.contains_key("device_name") && params.contains_key("device_os"));
        assert_eq!(attempt.deadline(), clock.now() + SIGN_IN_WINDOW_SECS);
    }

    #[tokio::test]
    async fn at_the_deadline_the_attempt_expires_and_frees_its_port() {
        let clock = ManualClock::starting_now();
        let attempt = attempt(&clock).await;
        let port = attempt.port();
        let http = reqwest::Client::new();
        let waiting = tokio::spawn(async move { attempt.wait(&http).await });
        clock.advance(SIGN_IN_WINDOW_SECS - 1);
        tokio::task::yield_now().await;
        assert!(
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok(),
            "still listening"
        );
        clock.advance(1);
        let outcome = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            outcome.err().map(|error| error.kind()),
            Some("sign_in_expired")
        );
        assert!(
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_err(),
            "port freed"
        );
    }

    #[tokio::test]
    async fn skip_cancels_the_attempt() {
        let clock = ManualClock::starting_now();
        let attempt = attempt(&clock).await;
        let canceller = attempt.canceller();
        let http = reqwest::Client::new();
        let waiting = tokio::spawn(async move { attempt.wait(&http).await });
        canceller.cancel();
        let outcome = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            outcome.err().map(|error| error.kind()),
            Some("sign_in_cancelled")
        );
    }
}
