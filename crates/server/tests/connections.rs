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

#[tokio::test]
async fn readiness_follows_the_database_and_says_nothing_of_its_internals() {
    let Some(database) = courier_testkit::fresh_postgres_database().await else {
        return;
    };
    let server =
        TestServer::start_with(|settings| settings.database_url = Some(database.clone())).await;
    let ready = reqwest::get(server.url("/ready")).await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");

    // The database stops taking connections and drops the server's.
    let base = database.split('?').next().unwrap();
    let name = base.rsplit('/').next().unwrap();
    let admin = sqlx::PgPool::connect(&std::env::var("COURIER_TEST_POSTGRES_URL").unwrap())
        .await
        .unwrap();
    let cut_off = |allow: bool| {
        let (admin, name) = (admin.clone(), name.to_owned());
        async move {
            sqlx::query(&format!(
                "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS {allow}"
            ))
            .execute(&admin)
            .await
            .unwrap();
            if !allow {
                sqlx::query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                )
                .bind(&name)
                .execute(&admin)
                .await
                .unwrap();
            }
        }
    };
    cut_off(false).await;
    let not_ready = reqwest::get(server.url("/ready")).await.unwrap();
    assert_eq!(not_ready.status(), 503);
    let text = not_ready.text().await.unwrap();
    assert_eq!(text, "not ready: the database does not answer");
    // Alive all the same: a balancer's liveness check does not restart it.
    let health = reqwest::get(server.url("/health")).await.unwrap();
    assert_eq!(health.status(), 200);

    cut_off(true).await;
    let again = reqwest::get(server.url("/ready")).await.unwrap();
    assert_eq!(again.status(), 200, "ready again once the database is back");
}
