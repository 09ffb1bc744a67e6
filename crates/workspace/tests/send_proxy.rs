//! Proxies from the environment, through a real proxy on loopback: a request for a
//! host that does not resolve arrives at the proxy in absolute form (so it went there,
//! not direct), `NO_PROXY` hosts go direct, and a broken proxy address is named.
//! The environment is passed to the sender rather than set on the process, so the
//! tests can run in parallel.

#[path = "common/echo_server.rs"]
mod echo_server;

use std::sync::{Arc, Mutex};

use courier_workspace::model::{Auth, RequestSpec, SendOptions};
use courier_workspace::resolve::Resolver;
use courier_workspace::send::{CancellationToken, ProxyEnv, Response, SendError, Sender, prepare};
use echo_server::EchoServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A forward proxy that answers every request itself, saying which request line it got.
struct LoopbackProxy {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl LoopbackProxy {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let log = Arc::clone(&log);
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    let line = head.lines().next().unwrap_or_default().to_owned();
                    log.lock().expect("log").push(line.clone());
                    let body = format!("via proxy: {line}");
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(reply.as_bytes()).await;
                });
            }
        });
        Self { url, seen }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().expect("log").clone()
    }
}

fn env(pairs: &[(&str, &str)]) -> ProxyEnv {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    ProxyEnv::from_lookup(|name| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    })
}

async fn get(sender: &Sender, url: &str) -> Result<Response, SendError> {
    let spec = RequestSpec {
        url: url.to_owned(),
        ..RequestSpec::default()
    };
    let prepared = prepare(&spec, &Auth::None, &Resolver::default())?;
    sender
        .send(
            &prepared,
            &SendOptions::default(),
            &CancellationToken::new(),
        )
        .await
}

#[tokio::test]
async fn http_proxy_from_the_environment_carries_the_request() {
    let proxy = LoopbackProxy::start().await;
    let sender = Sender::with_proxy_env(env(&[("HTTP_PROXY", &proxy.url)]));
    let response = get(&sender, "http://courier-proxy-test.invalid/items?page=2")
        .await
        .expect("answered by the proxy");
    assert_eq!(response.status, 200);
    assert_eq!(
        String::from_utf8_lossy(&response.body),
        "via proxy: GET http://courier-proxy-test.invalid/items?page=2 HTTP/1.1"
    );
    assert_eq!(proxy.seen().len(), 1);
}

#[tokio::test]
async fn no_proxy_hosts_go_direct_and_all_proxy_covers_the_rest() {
    let proxy = LoopbackProxy::start().await;
    let server = EchoServer::start().await;
    let sender = Sender::with_proxy_env(env(&[
        ("all_proxy", &proxy.url),
        ("NO_PROXY", "127.0.0.1,localhost"),
    ]));
    let direct = get(&sender, &server.url("/tiny")).await.expect("direct");
    assert_eq!(String::from_utf8_lossy(&direct.body), "ok");
    assert!(proxy.seen().is_empty(), "{:?}", proxy.seen());

    let proxied = get(&sender, "http://elsewhere.invalid/")
        .await
        .expect("through the proxy");
    assert_eq!(
        String::from_utf8_lossy(&proxied.body),
        "via proxy: GET http://elsewhere.invalid/ HTTP/1.1"
    );
}

#[tokio::test]
async fn without_proxy_variables_nothing_is_proxied() {
    let proxy = LoopbackProxy::start().await;
    let server = EchoServer::start().await;
    // Only NO_PROXY and an unrelated variable: no proxy is set.
    let sender = Sender::with_proxy_env(env(&[("NO_PROXY", "x"), ("PROXY_URL", &proxy.url)]));
    let direct = get(&sender, &server.url("/tiny")).await.expect("direct");
    assert_eq!(String::from_utf8_lossy(&direct.body), "ok");
    assert!(proxy.seen().is_empty());
}

#[tokio::test]
async fn a_broken_proxy_address_is_an_error_naming_the_variable() {
    let sender = Sender::with_proxy_env(env(&[("HTTP_PROXY", "http://[::1")]));
    let error = get(&sender, "http://example.invalid/").await.unwrap_err();
    assert_eq!(error.kind(), "client");
    assert!(error.to_string().contains("HTTP_PROXY"), "{error}");
}
