//! Connections: a client that never finishes its request head is closed, and does
//! not stop others from being served meanwhile.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use courier_testkit::TestServer;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

#[tokio::test]
async fn a_connection_that_never_finishes_its_request_head_is_closed() {
    let server =
        TestServer::start_with(|settings| settings.connections.request_head_timeout = 1).await;
    let address = server.base().trim_start_matches("http://").to_owned();
    let mut slow = Vec::new();
    for _ in 0..50 {
        let mut stream = TcpStream::connect(&address).await.unwrap();
        stream
            .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(stream);
    }
    // Meanwhile the server answers everyone else.
    let health = reqwest::get(server.url("/health")).await.unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    // Each half-sent head is given up on (a 408 or a plain close), within seconds
    // (the configured one; the bound below only stops a broken server hanging the test).
    for mut stream in slow {
        let mut answer = Vec::new();
        let closed = tokio::time::timeout(Duration::from_secs(15), stream.read_to_end(&mut answer))
            .await
            .expect("the server closes a connection whose head never ends");
        assert!(closed.is_ok() || answer.is_empty());
        let text = String::from_utf8_lossy(&answer);
        assert!(
            text.is_empty() || text.starts_with("HTTP/1.1 408"),
            "{text}"
        );
    }
}
