//! `/api/v1/me`, the avatar, public profiles (`/api/v1/users/{username}` and
//! `/u/{username}`) and the profile in `/oauth/userinfo`.

#![allow(clippy::unwrap_used)]

use std::io::Cursor;

use courier_testkit::{AppSession, TestServer, api_error};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn signed_in(server: &TestServer, email: &str, username: &str) -> AppSession {
    server.confirmed_account(email, username).await;
    server.app_session(username, "Laptop").await
}

async fn me(app: &AppSession) -> Value {
    let response = app.get("/api/v1/me").await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn field_names(error: &Value) -> Vec<String> {
    error["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .map(|field| field["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn picture(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut Cursor::new(&mut bytes), format)
        .unwrap();
    bytes
}

async fn put_avatar(app: &AppSession, content_type: &str, body: Vec<u8>) -> reqwest::Response {
    app.request(reqwest::Method::PUT, "/api/v1/me/avatar")
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn me_shows_the_new_account() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@example.com", "ada").await;
    let profile = me(&app).await;
    assert_eq!(profile["username"], "ada");
    assert_eq!(profile["email"], "ada@example.com");
    assert_eq!(profile["email_verified"], true);
    assert_eq!(profile["pending_email"], Value::Null);
    assert_eq!(profile["name"], Value::Null);
    assert_eq!(profile["links"], json!([]));
    assert_eq!(profile["avatar_url"], Value::Null);
    assert_eq!(profile["public"], false);
    assert_eq!(profile["configured"], false);
    assert!(profile["created_at"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn patch_changes_only_the_fields_present_and_an_empty_string_clears() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@example.com", "ada").await;
    let response = app
        .patch_json(
            "/api/v1/me",
            &json!({
                "name": "  Ada Lovelace ",
                "bio": "Wrote the first program.",
                "website": "https://ada.example.com",
                "links": ["https://social.example/@ada", "http://code.example/ada"],
                "configured": true
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let profile: Value = response.json().await.unwrap();
    assert_eq!(profile["name"], "Ada Lovelace");
    assert_eq!(profile["configured"], true);
    assert_eq!(profile["links"].as_array().unwrap().len(), 2);

    let response = app
        .patch_json("/api/v1/me", &json!({ "bio": "", "links": [] }))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let profile = me(&app).await;
    assert_eq!(profile["bio"], Value::Null, "cleared");
    assert_eq!(profile["links"], json!([]), "cleared");
    assert_eq!(profile["name"], "Ada Lovelace", "untouched");
    assert_eq!(profile["website"], "https://ada.example.com", "untouched");
    assert_eq!(profile["configured"], true, "untouched");
}

#[tokio::test]
async fn refused_fields_are_each_named_and_nothing_changes() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@example.com", "ada").await;
    app.patch_json("/api/v1/me", &json!({ "name": "Ada" }))
        .await;
    let before = me(&app).await;
    let response = app
        .patch_json(
            "/api/v1/me",
            &json!({
                "name": "x".repeat(101),
                "username": "no spaces please",
                "bio": "b".repeat(501),
                "website": "ada.example.com",
                "links": vec!["https://ok.example"; 11],
                "public": true
            }),
        )
        .await;
    let error = api_error(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(error["kind"], "invalid_input");
    assert_eq!(
        field_names(&error),
        ["name", "username", "bio", "website", "links"]
    );
    for field in error["fields"].as_array().unwrap() {
        assert!(!field["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(me(&app).await, before, "a refused update changes nothing");

    let response = app
        .patch_json("/api/v1/me", &json!({ "links": ["javascript:alert(1)"] }))
        .await;
    let error = api_error(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(field_names(&error), ["links"]);
    let response = app
        .patch_json(
            "/api/v1/me",
            &json!({ "website": format!("https://example.com/{}", "a".repeat(300)) }),
        )
        .await;
    let error = api_error(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(field_names(&error), ["website"]);
}

#[tokio::test]
async fn bodies_that_are_not_a_profile_update_get_invalid_input_or_413() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@example.com", "ada").await;
    let send = |body: &'static str, content_type: &'static str| {
        app.request(reqwest::Method::PATCH, "/api/v1/me")
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
    };
    for (body, content_type) in [
        ("{not json", "application/json"),
        (r#"{"nickname": "x"}"#, "application/json"),
        (r#"{"public": "yes"}"#, "application/json"),
        (r#"{"name": "Ada"}"#, "text/plain"),
    ] {
        let error = api_error(
            send(body, content_type).await.unwrap(),
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(error["kind"], "invalid_input", "{body}");
    }
    let huge = json!({ "bio": "x".repeat(100 * 1024) });
    let error = api_error(
        app.patch_json("/api/v1/me", &huge).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert_eq!(error["kind"], "payload_too_large");
}

#[tokio::test]
async fn a_taken_username_is_a_conflict_on_that_field_whatever_its_case() {
    let server = TestServer::start().await;
    server.confirmed_account("bob@example.com", "bob").await;
    let app = signed_in(&server, "ada@example.com", "ada").await;
    let response = app
        .patch_json("/api/v1/me", &json!({ "username": "BOB", "name": "Ada" }))
        .await;
    let error = api_error(response, StatusCode::CONFLICT).await;
    assert_eq!(error["kind"], "conflict");
    assert_eq!(field_names(&error), ["username"]);
    let profile = me(&app).await;
    assert_eq!(profile["username"], "ada");
    assert_eq!(
        profile["name"],
        Value::Null,
        "the name did not change either"
    );
    // Changing only the case of one's own name is fine.
    let response = app
        .patch_json("/api/v1/me", &json!({ "username": "Ada" }))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(me(&app).await["username"], "Ada");
}

#[tokio::test]
async fn a_new_username_takes_over_at_once_and_the_old_one_stops_resolving() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@example.com", "ada").await;
    app.patch_json("/api/v1/me", &json!({ "public": true }))
        .await;
    assert_eq!(
        reqwest::get(server.url("/api/v1/users/ada"))
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let response = app
        .patch_json("/api/v1/me", &json!({ "username": "countess" }))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    for path in ["/api/v1/users/ada", "/u/ada"] {
        let response = reqwest::get(server.url(path)).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    for path in ["/api/v1/users/Countess", "/u/COUNTESS"] {
        let response = reqwest::get(server.url(path)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    // The freed name can be taken by someone else.
    let bob = signed_in(&server, "bob@example.com", "bob").await;
    let response = bob
        .patch_json("/api/v1/me", &json!({ "username": "ada" }))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn racing_for_one_username_leaves_no_half_changed_account() {
    let server = TestServer::start().await;
    let ada = signed_in(&server, "ada@example.com", "ada").await;
    let bob = signed_in(&server, "bob@example.com", "bob").await;
    for round in 0..5 {
        let wanted = format!("prize{round}");
        let ada_body = json!({ "username": wanted, "name": format!("Ada {round}") });
        let bob_body = json!({ "username": wanted, "name": format!("Bob {round}") });
        let (first, second) = tokio::join!(
            ada.patch_json("/api/v1/me", &ada_body),
            bob.patch_json("/api/v1/me", &bob_body),
        );
        let statuses = [first.status(), second.status()];
        assert!(
            statuses.contains(&StatusCode::OK) && statuses.contains(&StatusCode::CONFLICT),
            "{statuses:?}"
        );
        for (app, who) in [(&ada, "Ada"), (&bob, "Bob")] {
            let profile = me(app).await;
            let won = profile["username"] == wanted.as_str();
            let renamed = profile["name"] == format!("{who} {round}").as_str();
            assert_eq!(won, renamed, "username and name change together: {profile}");
        }
    }
}

#[tokio::test]
async fn private_and_unknown_profiles_are_the_same_not_found() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@example.com", "ada").await;
    app.patch_json("/api/v1/me", &json!({ "name": "Ada", "bio": "Private." }))
        .await;
    let private_api = reqwest::get(server.url("/api/v1/users/ada")).await.unwrap();
    let unknown_api = reqwest::get(server.url("/api/v1/users/nobody"))
        .await
        .unwrap();
    assert_eq!(private_api.status(), StatusCode::NOT_FOUND);
    assert_eq!(unknown_api.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        private_api.text().await.unwrap(),
        unknown_api.text().await.unwrap()
    );
    let private_page = reqwest::get(server.url("/u/ada")).await.unwrap();
    let unknown_page = reqwest::get(server.url("/u/nobody")).await.unwrap();
    assert_eq!(private_page.status(), StatusCode::NOT_FOUND);
    assert_eq!(unknown_page.status(), StatusCode::NOT_FOUND);
    let private_html = private_page.text().await.unwrap();
    assert_eq!(private_html, unknown_page.text().await.unwrap());
    assert!(!private_html.contains("Private."));
}

#[tokio::test]
async fn a_public_profile_shows_only_public_fields() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@example.com", "ada").await;
    app.patch_json(
        "/api/v1/me",
        &json!({
            "name": "Ada <Lovelace>",
            "bio": "Wrote the first program.",
            "website": "https://ada.example.com",
            "links": ["https://social.example/@ada"],
            "public": true
        }),
    )
    .await;
    let response = reqwest::get(server.url("/api/v1/users/ADA")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let public: Value = response.json().await.unwrap();
    assert_eq!(
        public,
        json!({
            "username": "ada",
            "name": "Ada <Lovelace>",
            "bio": "Wrote the first program.",
            "website": "https://ada.example.com",
            "links": ["https://social.example/@ada"],
            "avatar_url": null
        })
    );
    let page = reqwest::get(server.url("/u/ada")).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Ada &lt;Lovelace&gt;"), "escaped name");
    assert!(html.contains("Wrote the first program."));
    assert!(html.contains("href=\"https://social.example/@ada\""));
    assert!(html.contains("@ada"));
    assert!(!html.contains("ada@example.com"), "the email is not public");
    // Private again: gone at once.
    app.patch_json("/api/v1/me", &json!({ "public": false }))
        .await;
    let page = reqwest::get(server.url("/u/ada")).await.unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_avatar_is_squared_re_encoded_and_served_immutably() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@example.com", "ada").await;
    let response = put_avatar(
        &app,
        "image/jpeg",
        picture(640, 480, image::ImageFormat::Jpeg),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let profile: Value = response.json().await.unwrap();
    let url = profile["avatar_url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&server.url("/avatars/")), "{url}");
    assert!(url.ends_with(".png"));
    assert_eq!(me(&app).await["avatar_url"], url.as_str());

    let served = reqwest::get(&url).await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    let header = |name: &str| {
        served
            .headers()
            .get(name)
            .map(|value| value.to_str().unwrap().to_owned())
    };
    assert_eq!(header("content-type").as_deref(), Some("image/png"));
    assert_eq!(
        header("cache-control").as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    let png = served.bytes().await.unwrap();
    let decoded = image::load_from_memory_with_format(&png, image::ImageFormat::Png).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (256, 256));

    // A new upload gets a new address; the old one is gone.
    let response = put_avatar(
        &app,
        "image/png",
        picture(300, 300, image::ImageFormat::Png),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let newer: Value = response.json().await.unwrap();
    assert_ne!(newer["avatar_url"], url.as_str());
    assert_eq!(
        reqwest::get(&url).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    // Deleting goes back to initials.
    let response = app.delete("/api/v1/me/avatar").await;
    assert_eq!(response.status(), StatusCode::OK);
    let profile: Value = response.json().await.unwrap();
    assert_eq!(profile["avatar_url"], Value::Null);
    let newer_url = newer["avatar_url"].as_str().unwrap();
    assert_eq!(
        reqwest::get(newer_url).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn avatar_uploads_that_are_not_small_png_or_jpeg_are_refused() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@example.com", "ada").await;
    let png = picture(64, 64, image::ImageFormat::Png);
    for (content_type, body) in [
        ("text/plain", png.clone()),
        ("image/png", b"not an image at all".to_vec()),
        ("image/png", png[..png.len() / 2].to_vec()),
        ("image/png", picture(4097, 1, image::ImageFormat::Png)),
        ("image/png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec()),
    ] {
        let error = api_error(
            put_avatar(&app, content_type, body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(error["kind"], "invalid_input");
        assert_eq!(field_names(&error), ["avatar"]);
    }
    // Over 1 MiB: 413 with the API's error body, even though it would decode.
    let mut big = png.clone();
    big.resize(1024 * 1024 + 1, 0);
    let error = api_error(
        put_avatar(&app, "image/png", big).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert_eq!(error["kind"], "payload_too_large");
    assert_eq!(me(&app).await["avatar_url"], Value::Null);
    // Just under the limit is read (and here accepted: trailing bytes after IEND).
    let mut fits = png;
    fits.resize(1024 * 1024, 0);
    assert_eq!(
        put_avatar(&app, "image/png", fits).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn avatar_uploads_are_rate_limited_per_account() {
    let server = TestServer::start_with(|settings| {
        settings.rate_limits.enabled = true;
        settings.rate_limits.avatar_per_account_per_hour = 2;
    })
    .await;
    let app = signed_in(&server, "ada@example.com", "ada").await;
    let png = picture(32, 32, image::ImageFormat::Png);
    for _ in 0..2 {
        assert_eq!(
            put_avatar(&app, "image/png", png.clone()).await.status(),
            StatusCode::OK
        );
    }
    let response = put_avatar(&app, "image/png", png.clone()).await;
    assert!(response.headers().get("retry-after").is_some());
    let error = api_error(response, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(error["kind"], "rate_limited");
    server.clock().advance(3600);
    let app = server.app_session("ada", "Desktop").await;
    assert_eq!(
        put_avatar(&app, "image/png", png).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn userinfo_carries_the_profile_name_and_avatar() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@example.com", "ada").await;
    app.patch_json("/api/v1/me", &json!({ "name": "Ada Lovelace" }))
        .await;
    let profile: Value = put_avatar(&app, "image/png", picture(40, 40, image::ImageFormat::Png))
        .await
        .json()
        .await
        .unwrap();
    let info: Value = courier_testkit::userinfo(&server, &app.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(info["name"], "Ada Lovelace");
    assert_eq!(info["picture"], profile["avatar_url"]);
    assert!(info["picture"].as_str().unwrap().starts_with("http"));
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// `app`'s events channel, past its `ready` frame.
async fn events(server: &TestServer, app: &AppSession) -> Socket {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
    let url = server.url("/api/v1/events").replace("http://", "ws://");
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "authorization",
        format!("Bearer {}", app.access_token).parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(next_event(&mut socket).await["type"], "ready");
    socket
}

async fn next_event(socket: &mut Socket) -> Value {
    use futures::StreamExt as _;
    use tokio_tungstenite::tungstenite::Message;
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(5), socket.next())
            .await
            .expect("an event within 5 s")
            .expect("an open channel")
            .unwrap();
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

#[tokio::test]
async fn profile_and_avatar_changes_reach_the_account_s_other_apps() {
    let server = TestServer::start().await;
    let laptop = signed_in(&server, "ada@example.com", "ada").await;
    let desktop = server.app_session("ada", "Desktop").await;
    let mut channel = events(&server, &desktop).await;
    laptop
        .patch_json("/api/v1/me", &json!({ "name": "Ada" }))
        .await;
    assert_eq!(
        next_event(&mut channel).await,
        json!({ "type": "profile_changed" })
    );
    put_avatar(
        &laptop,
        "image/png",
        picture(20, 20, image::ImageFormat::Png),
    )
    .await;
    assert_eq!(
        next_event(&mut channel).await,
        json!({ "type": "profile_changed" })
    );
}
