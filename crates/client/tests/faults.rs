//! A token endpoint that is down, slow or answers garbage: the sign-in fails with a
//! clear error of its own kind and nothing is stored. The faulty server is a few lines
//! of raw HTTP on loopback, since the real server cannot be made to misbehave.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use courier_client::auth::browser::BrowserOpener;
use courier_client::auth::vault::MemoryVault;
use courier_client::clock::SystemClock;
use courier_client::config::ClientConfig;
use courier_client::{Courier, SignInMode};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

#[derive(Clone, Copy)]
enum TokenEndpoint {
    Garbage,
    Silent,
    Redirects,
}

/// Serves discovery, and a token endpoint that misbehaves as told.
async fn faulty_server(token: TokenEndpoint) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let issuer = base.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let issuer = issuer.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 8192];
                let read = stream.read(&mut buffer).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&buffer[..read]).into_owned();
                let (status, body) = if request.starts_with("GET /.well-known/openid-configuration")
                {
                    let document = serde_json::json!({
                        "issuer": issuer,
                        "authorization_endpoint": format!("{issuer}/authorize"),
                        "token_endpoint": format!("{issuer}/token"),
                        "userinfo_endpoint": format!("{issuer}/userinfo"),
                        "code_challenge_methods_supported": ["S256"],
                    });
                    ("200 OK", document.to_string())
                } else {
                    match token {
                        TokenEndpoint::Garbage => {
                            ("200 OK", "<html>this is not a token</html>".to_owned())
                        }
                        TokenEndpoint::Redirects => (
                            "302 Found\r\nLocation: http://127.0.0.1:9/token",
                            String::new(),
                        ),
                        TokenEndpoint::Silent => {
                            tokio::time::sleep(Duration::from_secs(3600)).await;
                            return;
                        }
                    }
                };
                let response = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    base
}

struct ChannelOpener(mpsc::UnboundedSender<String>);

impl BrowserOpener for ChannelOpener {
    fn open(&self, url: &str) -> Result<(), String> {
        self.0
            .send(url.to_owned())
            .map_err(|error| error.to_string())
    }
}

/// A client with memory-only tokens and the given browser.
fn courier_with(config: ClientConfig, opener: impl BrowserOpener) -> Courier {
    Courier::new(
        config,
        Arc::new(MemoryVault::default()),
        Arc::new(SystemClock),
        Arc::new(opener),
    )
    .unwrap()
}

/// Runs a sign-in whose browser comes straight back with a code; returns the error kind.
async fn sign_in_against(server: &str) -> (&'static str, Courier) {
    let data = tempfile::tempdir().unwrap().keep();
    let mut config = ClientConfig::for_data_dir(data, "unused", server);
    config.http_timeout = Duration::from_secs(1);
    let (sender, mut opened) = mpsc::unbounded_channel();
    let courier = courier_with(config, ChannelOpener(sender));
    let attempt = courier
        .start_sign_in(None, SignInMode::SignIn)
        .await
        .unwrap();
    let url = url::Url::parse(&opened.recv().await.unwrap()).unwrap();
    let params: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    let callback = format!(
        "{}?code=a-code&state={}",
        params["redirect_uri"], params["state"]
    );
    assert_eq!(reqwest::get(&callback).await.unwrap().status(), 200);
    let error = courier.finish_sign_in(attempt).await.unwrap_err();
    (error.kind(), courier)
}

async fn nothing_stored(courier: &Courier) {
    let registry = courier.registry().await.unwrap();
    assert!(registry.accounts.is_empty() && registry.active.is_none());
}

#[tokio::test]
async fn a_token_endpoint_answering_garbage_is_a_protocol_error_and_nothing_is_stored() {
    let (kind, courier) = sign_in_against(&faulty_server(TokenEndpoint::Garbage).await).await;
    assert_eq!(kind, "protocol");
    nothing_stored(&courier).await;
}

#[tokio::test]
async fn a_silent_token_endpoint_times_out_as_a_network_error() {
    let (kind, courier) = sign_in_against(&faulty_server(TokenEndpoint::Silent).await).await;
    assert_eq!(kind, "network");
    nothing_stored(&courier).await;
}

#[tokio::test]
async fn a_redirecting_token_endpoint_is_not_followed() {
    let (kind, courier) = sign_in_against(&faulty_server(TokenEndpoint::Redirects).await).await;
    assert_eq!(kind, "protocol");
    nothing_stored(&courier).await;
}

#[tokio::test]
async fn a_server_that_is_down_is_a_network_error_before_any_browser_opens() {
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let (sender, mut opened) = mpsc::unbounded_channel();
    let config = ClientConfig::for_data_dir(tempfile::tempdir().unwrap().keep(), "unused", &base);
    let courier = courier_with(config, ChannelOpener(sender));
    let error = courier
        .start_sign_in(None, SignInMode::SignIn)
        .await
        .err()
        .unwrap();
    assert_eq!(error.kind(), "network");
    assert!(
        opened.try_recv().is_err(),
        "no browser for a server that cannot be reached"
    );
}

#[tokio::test]
async fn plain_http_off_loopback_is_refused() {
    let (sender, _opened) = mpsc::unbounded_channel();
    let config = ClientConfig::for_data_dir(
        tempfile::tempdir().unwrap().keep(),
        "unused",
        "http://accounts.example.com",
    );
    let courier = courier_with(config, ChannelOpener(sender));
    let error = courier
        .start_sign_in(None, SignInMode::SignIn)
        .await
        .err()
        .unwrap();
    assert_eq!(error.kind(), "insecure_server");
}

/// An opener that cannot open anything.
struct BrokenBrowser;

impl BrowserOpener for BrokenBrowser {
    fn open(&self, _url: &str) -> Result<(), String> {
        Err("no browser installed".into())
    }
}

#[tokio::test]
async fn without_a_browser_the_attempt_still_runs_and_offers_its_url() {
    let server = faulty_server(TokenEndpoint::Garbage).await;
    let config = ClientConfig::for_data_dir(tempfile::tempdir().unwrap().keep(), "unused", &server);
    let courier = courier_with(config, BrokenBrowser);
    let attempt = courier
        .start_sign_in(None, SignInMode::SignIn)
        .await
        .unwrap();
    assert_eq!(attempt.browser_error(), Some("no browser installed"));
    assert!(attempt.url().starts_with(&format!("{server}/authorize?")));
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", attempt.port()))
            .await
            .is_ok(),
        "still listening"
    );
}
