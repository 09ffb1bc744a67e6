//! Moving an installation from SQLite to PostgreSQL with `courier-server move-data`:
//! a server with accounts, an app session, a team, invitations, an avatar and mail is
//! stopped, its data moved by the binary into a fresh PostgreSQL database, and a
//! server started on that database carries on (the refresh token from before refreshes,
//! the account signs in, the team, its members and its pending invitation are there,
//! the avatar is the same picture), with as many rows in every table as before. A second
//! move into the now non-empty database is refused and changes nothing. `migrate`
//! brings a database up to date and exits. Each test gets a database of its own in the
//! cluster `scripts/with-postgres.sh` provides (skipped without one, except under CI).

#![allow(clippy::unwrap_used)]

use std::io::Cursor;
use std::process::{Command, Output};

use courier_store::transfer::TABLES;
use courier_testkit::{
    AppSession, PASSWORD, TestServer, fresh_postgres_database, refresh, wait_for_invitation_token,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Connection as _;

fn courier_server(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_courier-server"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

/// Rows per listed table in the SQLite file and in the PostgreSQL database.
async fn row_counts(sqlite_url: &str, postgres_url: &str) -> Vec<(&'static str, i64, i64)> {
    let mut sqlite = sqlx::SqliteConnection::connect(sqlite_url).await.unwrap();
    let mut postgres = sqlx::PgConnection::connect(postgres_url).await.unwrap();
    let mut counts = Vec::new();
    for table in TABLES {
        let count = format!("SELECT COUNT(*) FROM {}", table.name);
        let before: i64 = sqlx::query_scalar(&count)
            .fetch_one(&mut sqlite)
            .await
            .unwrap();
        let after: i64 = sqlx::query_scalar(&count)
            .fetch_one(&mut postgres)
            .await
            .unwrap();
        counts.push((table.name, before, after));
    }
    counts
}

fn png() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(48, 48, |x, y| image::Rgb([x as u8, y as u8, 200]));
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    bytes
}

async fn avatar(app: &AppSession, base: &str) -> Vec<u8> {
    let me: Value = app.get_json("/api/v1/me").await;
    let url = me["avatar_url"].as_str().expect("an avatar");
    let url = if url.starts_with('/') {
        format!("{base}{url}")
    } else {
        url.to_owned()
    };
    reqwest::get(url)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

#[tokio::test]
async fn an_installation_moves_to_postgres_and_carries_on_there() {
    let Some(postgres_url) = fresh_postgres_database().await else {
        return;
    };
    // On SQLite, whatever the run's default.
    let mut server = TestServer::start_with(|settings| settings.database_url = None).await;
    server.confirmed_account("ada@example.com", "ada").await;
    server.confirmed_account("grace@example.com", "grace").await;
    let ada = server.app_session("ada", "Ada's desktop").await;
    let grace = server.app_session("grace", "Grace's desktop").await;
    let avatar_put = ada
        .request(reqwest::Method::PUT, "/api/v1/me/avatar")
        .header(reqwest::header::CONTENT_TYPE, "image/png")
        .body(png())
        .send()
        .await
        .unwrap();
    assert!(avatar_put.status().is_success(), "{}", avatar_put.status());
    let avatar_before = avatar(&ada, server.base()).await;
    let team: Value = ada
        .post_json(
            "/api/v1/teams",
            &json!({ "name": "Acme QA", "slug": "acme-qa" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let team = team["id"].as_str().unwrap().to_owned();
    for email in ["grace@example.com", "linus@example.com"] {
        let response = ada
            .post_json(
                &format!("/api/v1/teams/{team}/invitations"),
                &json!({ "emails": [email], "role": "member" }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let token = wait_for_invitation_token(&server.outbox(), "grace@example.com", 1).await;
    let accepted = grace
        .post_json("/api/v1/invitations/accept", &json!({ "token": token }))
        .await;
    assert!(accepted.status().is_success(), "{}", accepted.status());

    server.stop().await;
    let sqlite_url = format!(
        "sqlite://{}",
        server.data_dir().join("courier.db").display()
    );
    let moved = courier_server(&["move-data", "--from", &sqlite_url, "--to", &postgres_url]);
    let stdout = String::from_utf8_lossy(&moved.stdout);
    assert!(
        moved.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&moved.stderr)
    );
    let counts = row_counts(&sqlite_url, &postgres_url).await;
    for (table, before, after) in &counts {
        assert_eq!(before, after, "rows in {table}");
        assert!(
            stdout.contains(&format!("{table}: {before}\n")),
            "{table} in {stdout}"
        );
    }
    for table in [
        "users",
        "grants",
        "refresh_tokens",
        "avatars",
        "teams",
        "team_members",
        "team_invitations",
        "mail_queue",
        "signing_keys",
    ] {
        let rows = counts.iter().find(|(name, ..)| *name == table).unwrap().1;
        assert!(rows > 0, "the test populated {table}");
    }

    // The same data folder, now on PostgreSQL.
    let pg = postgres_url.clone();
    server
        .restart_with(move |settings| settings.database_url = Some(pg))
        .await;
    let refreshed = refresh(&server, &ada.refresh_token).await;
    assert_eq!(refreshed.status(), StatusCode::OK);
    let body: Value = refreshed.json().await.unwrap();
    let ada = AppSession::new(
        server.base(),
        body["access_token"].as_str().unwrap(),
        body["refresh_token"].as_str().unwrap(),
    );
    assert!(server.signs_in("ada", PASSWORD).await);
    assert!(server.signs_in("grace@example.com", PASSWORD).await);
    let members: Value = ada.get_json(&format!("/api/v1/teams/{team}/members")).await;
    let members = members.to_string();
    assert!(
        members.contains("ada") && members.contains("grace"),
        "{members}"
    );
    let invitations: Value = ada
        .get_json(&format!("/api/v1/teams/{team}/invitations"))
        .await;
    assert!(invitations.to_string().contains("linus@example.com"));
    assert_eq!(avatar(&ada, server.base()).await, avatar_before);

    // Moving again into what is now a live installation is refused, writing nothing.
    server.stop().await;
    let live = row_counts(&sqlite_url, &postgres_url).await;
    let again = courier_server(&["move-data", "--from", &sqlite_url, "--to", &postgres_url]);
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("already holds rows in users"), "{stderr}");
    assert_eq!(row_counts(&sqlite_url, &postgres_url).await, live);
}

#[tokio::test]
async fn migrate_brings_a_database_up_to_date_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("fresh.db").display());
    let output = courier_server(&["migrate", "--database-url", &url]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'users'",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(tables, 1);

    // Without --database-url: the data folder's SQLite file.
    let data_dir = dir.path().join("data");
    std::fs::create_dir(&data_dir).unwrap();
    let output = courier_server(&["--data-dir", data_dir.to_str().unwrap(), "migrate"]);
    assert!(output.status.success());
    assert!(data_dir.join("courier.db").exists());

    let Some(postgres_url) = fresh_postgres_database().await else {
        return;
    };
    let output = courier_server(&["migrate", "--database-url", &postgres_url]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut db = sqlx::PgConnection::connect(&postgres_url).await.unwrap();
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(users, 0);
}
