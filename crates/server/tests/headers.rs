//! The headers every answer carries: personal JSON is never stored by a cache, public
//! documents keep their caching, and HSTS is sent exactly when the issuer is https.

#![allow(clippy::unwrap_used)]

use courier_testkit::TestServer;
use reqwest::header::{CACHE_CONTROL, STRICT_TRANSPORT_SECURITY};

fn cache_control(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get(CACHE_CONTROL)
        .map(|value| value.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn personal_json_is_never_stored_and_public_documents_keep_their_caching() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let app = server.app_session("ada", "Ada's laptop").await;
    for path in ["/api/v1/me", "/api/v1/sessions", "/api/v1/me/notifications"] {
        let response = app.get(path).await;
        assert!(response.status().is_success(), "{path}");
        assert_eq!(
            cache_control(&response).as_deref(),
            Some("no-store"),
            "{path}"
        );
    }
    let userinfo = reqwest::Client::new()
        .get(server.url("/oauth/userinfo"))
        .bearer_auth(&app.access_token)
        .send()
        .await
        .unwrap();
    assert!(userinfo.status().is_success());
    assert_eq!(cache_control(&userinfo).as_deref(), Some("no-store"));
    // An error about someone's token is personal too.
    let refused = reqwest::get(server.url("/api/v1/me")).await.unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(cache_control(&refused).as_deref(), Some("no-store"));
    let discovery = reqwest::get(server.url("/.well-known/openid-configuration"))
        .await
        .unwrap();
    assert_eq!(
        cache_control(&discovery).as_deref(),
        Some("public, max-age=300")
    );
}

#[tokio::test]
async fn hsts_is_sent_only_when_the_issuer_is_https() {
    let plain = TestServer::start().await;
    let response = reqwest::get(plain.url("/signin")).await.unwrap();
    assert!(response.headers().get(STRICT_TRANSPORT_SECURITY).is_none());

    // Behind a TLS-terminating proxy: the issuer is https, the listener plain loopback.
    let (_server, addr) = TestServer::start_listening(|settings| {
        settings.issuer = Some("https://accounts.courier.test".into());
    })
    .await;
    for path in ["/signin", "/.well-known/openid-configuration", "/api/v1/me"] {
        let response = reqwest::get(format!("http://{addr}{path}")).await.unwrap();
        let hsts = response
            .headers()
            .get(STRICT_TRANSPORT_SECURITY)
            .unwrap_or_else(|| panic!("{path} has no HSTS"));
        assert!(hsts.to_str().unwrap().starts_with("max-age="), "{path}");
    }
}
