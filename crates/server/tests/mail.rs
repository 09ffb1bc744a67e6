//! Outgoing mail through real HTTP and a real database: a mail is in the queue before
//! the request that caused it is answered, survives the server stopping before it
//! could be delivered, goes out exactly once from the next run, and leaves no body
//! (no live link) behind once delivered.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use courier_store::MAIL_LEASE;
use courier_testkit::{MAIL_TIMEOUT, PASSWORD, TestServer, hidden_value, link_in, mails_to};
use secrecy::SecretString;
use sqlx::{PgPool, SqlitePool};

/// The queue's rows for one recipient, oldest first: (status, body, links), read from
/// whichever database the server keeps them in.
async fn queued_to(server: &TestServer, to: &str) -> Vec<(String, Option<String>, String)> {
    if let Some(url) = server.postgres_url() {
        let pool = PgPool::connect(url).await.unwrap();
        let rows = sqlx::query_as(
            "SELECT status, body, links FROM mail_queue WHERE recipient = $1 ORDER BY id",
        )
        .bind(to)
        .fetch_all(&pool)
        .await
        .unwrap();
        pool.close().await;
        return rows;
    }
    let database = format!(
        "sqlite://{}",
        server.data_dir().join("courier.db").display()
    );
    let pool = SqlitePool::connect(&database).await.unwrap();
    let rows = sqlx::query_as(
        "SELECT status, body, links FROM mail_queue WHERE recipient = ? ORDER BY id",
    )
    .bind(to)
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows
}

/// Waits until every mail to `to` is recorded as delivered (the outbox file appears
/// just before the queue hears of it); returns the rows.
async fn delivered_to(server: &TestServer, to: &str) -> Vec<(String, Option<String>, String)> {
    let deadline = tokio::time::Instant::now() + MAIL_TIMEOUT;
    loop {
        let rows = queued_to(server, to).await;
        if !rows.is_empty() && rows.iter().all(|(status, ..)| status == "delivered") {
            return rows;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "mail to {to} never recorded as delivered: {rows:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// An SMTP URL on loopback where nothing listens: every delivery fails at once.
fn relay_that_is_down() -> SecretString {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    SecretString::from(format!("smtp://127.0.0.1:{port}?tls=none"))
}

#[tokio::test]
async fn mail_the_relay_refused_goes_out_exactly_once_after_a_restart() {
    let relay = relay_that_is_down();
    let mut server = TestServer::start_with(|settings| settings.smtp_url = Some(relay)).await;
    server
        .browser()
        .sign_up("ada@example.com", "ada", PASSWORD)
        .await;
    // Answered, so the confirmation mail is in the database already, link and all.
    let queued = queued_to(&server, "ada@example.com").await;
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0].0, "queued");
    assert!(
        queued[0]
            .1
            .as_deref()
            .unwrap()
            .contains("/confirm-email?token=")
    );

    // The next run has no relay (the outbox); the mail comes out of the database once
    // its backoff, or the lease of a delivery the stop cut short, has run out.
    server.restart_with(|_| {}).await;
    assert!(mails_to(&server.outbox(), "ada@example.com").is_empty());
    server.clock().advance(MAIL_LEASE);
    let mail = server.mail_to("ada@example.com", 1).await;
    let delivered = delivered_to(&server, "ada@example.com").await;
    assert_eq!(delivered.len(), 1);
    assert_eq!(
        mails_to(&server.outbox(), "ada@example.com").len(),
        1,
        "exactly once"
    );

    // The link still works (on the new port: the mail names the old one).
    let link = link_in(&mail, "/confirm-email?token=");
    let path = &link[link.find("/confirm-email").unwrap()..];
    let page = server.browser().page(path).await;
    assert!(hidden_value(&page, "token").is_some(), "{page}");
}

#[tokio::test]
async fn a_delivered_mail_leaves_no_body_or_link_in_the_database() {
    let server = TestServer::start().await;
    server
        .browser()
        .sign_up("ada@example.com", "ada", PASSWORD)
        .await;
    server.mail_to("ada@example.com", 1).await;
    let delivered = delivered_to(&server, "ada@example.com").await;
    assert_eq!(delivered, [("delivered".to_owned(), None, "[]".to_owned())]);
}
