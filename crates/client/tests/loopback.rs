//! The loopback listener's rules, each broken one way and then followed by the real
//! callback, which must still be accepted: bad input never ends or blocks the wait.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use courier_client::auth::loopback::{Callback, Listener, MAX_HEAD_BYTES};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

const STATE: &str = "s3cr3t-state-with-enough-entropy-0123456789";

/// Sends raw bytes and returns the status line of the answer.
async fn raw(port: u16, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn get(port: u16, target: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").into_bytes()
}

/// The real callback succeeds and the listener hands over the code.
async fn real_callback_still_works(listener: Listener) {
    accept_real_callback(listener).await.close().await;
}

async fn accept_real_callback(mut listener: Listener) -> Listener {
    let port = listener.port();
    let status = raw(
        port,
        &get(
            port,
            &format!("/callback?code=the-code&state={STATE}&iss=http%3A%2F%2Fissuer"),
        ),
    )
    .await;
    assert_eq!(status, "HTTP/1.1 200 OK");
    let callback = tokio::time::timeout(Duration::from_secs(5), listener.next())
        .await
        .unwrap();
    assert_eq!(
        callback,
        Some(Callback::Code {
            code: "the-code".into(),
            iss: Some("http://issuer".into())
        })
    );
    listener
}

async fn refused_then_accepted(request: impl Fn(u16) -> Vec<u8>, expected_status: &str) {
    let listener = Listener::bind(STATE.into()).await.unwrap();
    let port = listener.port();
    assert_eq!(raw(port, &request(port)).await, expected_status);
    real_callback_still_works(listener).await;
}

#[tokio::test]
async fn the_redirect_uri_is_loopback_with_the_ephemeral_port() {
    let listener = Listener::bind(STATE.into()).await.unwrap();
    assert_eq!(
        listener.redirect_uri(),
        format!("http://127.0.0.1:{}/callback", listener.port())
    );
    assert_ne!(listener.port(), 0);
}

#[tokio::test]
async fn wrong_path_is_404() {
    refused_then_accepted(
        |port| get(port, &format!("/other?code=x&state={STATE}")),
        "HTTP/1.1 404 Not Found",
    )
    .await;
}

#[tokio::test]
async fn wrong_method_is_405() {
    let post = |port: u16| {
        format!("POST /callback?code=x&state={STATE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\r\n")
            .into_bytes()
    };
    refused_then_accepted(post, "HTTP/1.1 405 Method Not Allowed").await;
}

#[tokio::test]
async fn wrong_state_is_400() {
    refused_then_accepted(
        |port| get(port, "/callback?code=x&state=guess"),
        "HTTP/1.1 400 Bad Request",
    )
    .await;
}

#[tokio::test]
async fn missing_state_is_400() {
    refused_then_accepted(
        |port| get(port, "/callback?code=x"),
        "HTTP/1.1 400 Bad Request",
    )
    .await;
}

#[tokio::test]
async fn repeated_state_is_400() {
    refused_then_accepted(
        |port| {
            get(
                port,
                &format!("/callback?code=x&state={STATE}&state={STATE}"),
            )
        },
        "HTTP/1.1 400 Bad Request",
    )
    .await;
}

#[tokio::test]
async fn a_foreign_host_header_is_400() {
    let rebinding = |_port: u16| {
        format!("GET /callback?code=x&state={STATE} HTTP/1.1\r\nHost: evil.example:80\r\n\r\n")
            .into_bytes()
    };
    refused_then_accepted(rebinding, "HTTP/1.1 400 Bad Request").await;
    let no_host =
        |_port: u16| format!("GET /callback?code=x&state={STATE} HTTP/1.1\r\n\r\n").into_bytes();
    refused_then_accepted(no_host, "HTTP/1.1 400 Bad Request").await;
}

#[tokio::test]
async fn oversized_headers_are_431() {
    let huge = |port: u16| {
        format!(
            "GET /callback?code=x&state={STATE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Filler: {}\r\n\r\n",
            "a".repeat(MAX_HEAD_BYTES * 2)
        )
        .into_bytes()
    };
    refused_then_accepted(huge, "HTTP/1.1 431 Request Header Fields Too Large").await;
}

#[tokio::test]
async fn an_oversized_body_is_413() {
    let body = |port: u16| {
        format!("GET /callback?code=x&state={STATE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 1000000\r\n\r\n")
            .into_bytes()
    };
    refused_then_accepted(body, "HTTP/1.1 413 Content Too Large").await;
}

#[tokio::test]
async fn garbage_is_400() {
    refused_then_accepted(
        |_| b"\x00\x01\x02 not http at all\r\n\r\n".to_vec(),
        "HTTP/1.1 400 Bad Request",
    )
    .await;
    refused_then_accepted(
        |_| b"GET /callback HTTP/9\r\n\r\n".to_vec(),
        "HTTP/1.1 400 Bad Request",
    )
    .await;
}

#[tokio::test]
async fn an_idle_or_slow_connection_does_not_hold_up_the_real_callback() {
    let listener = Listener::bind(STATE.into()).await.unwrap();
    let port = listener.port();
    // One connection says nothing, another dribbles half a request line.
    let _idle = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let mut slow = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    slow.write_all(b"GET /callb").await.unwrap();
    real_callback_still_works(listener).await;
}

#[tokio::test]
async fn an_error_with_the_right_state_ends_the_wait_with_its_reason() {
    let mut listener = Listener::bind(STATE.into()).await.unwrap();
    let port = listener.port();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stream
        .write_all(&get(
            port,
            &format!(
                "/callback?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E&state={STATE}"
            ),
        ))
        .await
        .unwrap();
    let mut page = String::new();
    stream.read_to_string(&mut page).await.unwrap();
    assert!(page.starts_with("HTTP/1.1 200 OK"));
    assert!(page.contains("cancelled"));
    assert_eq!(
        listener.next().await,
        Some(Callback::Error {
            error: "access_denied".into(),
            description: Some("<b>no</b>".into())
        })
    );
}

#[tokio::test]
async fn the_browser_gets_a_self_contained_page_and_other_errors_are_escaped() {
    let listener = Listener::bind(STATE.into()).await.unwrap();
    let port = listener.port();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stream
        .write_all(&get(port, &format!("/callback?error=server_error&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state={STATE}")))
        .await
        .unwrap();
    let mut page = String::new();
    stream.read_to_string(&mut page).await.unwrap();
    assert!(page.contains("&lt;script&gt;"), "{page}");
    assert!(!page.contains("<script>"));
    assert!(page.contains("Content-Security-Policy: default-src 'none'"));
    drop(listener);
}

#[tokio::test]
async fn after_the_callback_the_port_is_closed() {
    let listener = Listener::bind(STATE.into()).await.unwrap();
    let port = listener.port();
    accept_real_callback(listener).await.close().await;
    assert!(
        TcpStream::connect(("127.0.0.1", port)).await.is_err(),
        "the listener must be gone"
    );
}

#[tokio::test]
async fn a_connection_that_never_finishes_its_head_is_closed() {
    let listener = Listener::bind(STATE.into()).await.unwrap();
    let mut slow = TcpStream::connect(("127.0.0.1", listener.port()))
        .await
        .unwrap();
    slow.write_all(b"GET /callback?code=x HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    // The listener ends it (EOF or reset) once READ_TIMEOUT has passed, well before 10 s.
    let mut answer = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(10), slow.read_to_end(&mut answer)).await;
    assert!(
        ended.is_ok(),
        "a half-sent request head must not keep its connection"
    );
    real_callback_still_works(listener).await;
}

#[tokio::test]
async fn two_host_headers_are_400() {
    let twice = |port: u16| {
        format!("GET /callback?code=x&state={STATE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: 127.0.0.1:{port}\r\n\r\n")
            .into_bytes()
    };
    refused_then_accepted(twice, "HTTP/1.1 400 Bad Request").await;
}
