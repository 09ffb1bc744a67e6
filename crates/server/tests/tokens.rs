//! The token endpoint and what hangs off it: codes single-use, short-lived and bound
//! to client, redirect URI and PKCE verifier; refresh-token rotation with reuse
//! detection; grant lifetimes that follow Keep me signed in; signed ID tokens;
//! revocation; user info; and protocol errors as RFC 6749 JSON, never 500.

#![allow(clippy::unwrap_used)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use courier_testkit::{
    AuthorizeRequest, DESKTOP_CLIENT_ID, TestServer, authorize_as, exchange_code, param, refresh,
    token_call, userinfo,
};
use ed25519_dalek::{Signature, Verifier as _, VerifyingKey};
use reqwest::StatusCode;
use serde_json::Value;

async fn code_for(server: &TestServer, request: &AuthorizeRequest, keep: bool) -> String {
    let params = authorize_as(server, request, "ada", keep).await;
    param(&params, "code").unwrap().to_owned()
}

async fn oauth_error(response: reqwest::Response) -> (StatusCode, String) {
    let status = response.status();
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap()),
        Some("no-store")
    );
    let body: Value = response.json().await.expect("RFC 6749 error JSON");
    (
        status,
        body["error"].as_str().expect("error field").to_owned(),
    )
}

fn exchange_fields<'a>(request: &'a AuthorizeRequest, code: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", &request.redirect_uri),
        ("client_id", DESKTOP_CLIENT_ID),
        ("code_verifier", &request.verifier),
    ]
}

async fn ada(server: &TestServer) {
    server.confirmed_account("ada@example.com", "ada").await;
}

#[tokio::test]
async fn token_responses_are_never_cached_and_carry_what_was_granted() {
    let server = TestServer::start().await;
    ada(&server).await;
    let request = AuthorizeRequest::new();
    let code = code_for(&server, &request, true).await;
    let response = token_call(&server, &exchange_fields(&request, &code)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["pragma"], "no-cache");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 600);
    assert_eq!(body["scope"], "openid profile email offline_access");
    assert!(body["refresh_token"].as_str().unwrap().starts_with("crt_"));
    assert!(body["access_token"].as_str().unwrap().starts_with("cat_"));
}

#[tokio::test]
async fn without_offline_access_there_is_no_refresh_token() {
    let server = TestServer::start().await;
    ada(&server).await;
    let request = AuthorizeRequest::new().with("scope", "openid email");
    let code = code_for(&server, &request, true).await;
    let body = exchange_code(&server, &request, &code).await;
    assert!(body.get("refresh_token").is_none());
    assert_eq!(body["scope"], "openid email");
}

#[tokio::test]
async fn a_reused_code_is_refused_and_revokes_what_its_first_use_issued() {
    let server = TestServer::start().await;
    ada(&server).await;
    let request = AuthorizeRequest::new();
    let code = code_for(&server, &request, true).await;
    let first = exchange_code(&server, &request, &code).await;
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(userinfo(&server, access).await.status(), StatusCode::OK);

    let (status, error) =
        oauth_error(token_call(&server, &exchange_fields(&request, &code)).await).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    assert_eq!(
        userinfo(&server, access).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let refreshed = refresh(&server, first["refresh_token"].as_str().unwrap()).await;
    assert_eq!(oauth_error(refreshed).await.1, "invalid_grant");
}

#[tokio::test]
async fn a_code_expires_after_sixty_seconds() {
    let server = TestServer::start().await;
    ada(&server).await;
    let request = AuthorizeRequest::new();
    let code = code_for(&server, &request, true).await;
    server.clock().advance(61);
    let (_, error) =
        oauth_error(token_call(&server, &exchange_fields(&request, &code)).await).await;
    assert_eq!(error, "invalid_grant");

    let request = AuthorizeRequest::new();
    let code = code_for(&server, &request, true).await;
    server.clock().advance(59);
    exchange_code(&server, &request, &code).await;
}

#[tokio::test]
async fn a_code_is_bound_to_its_verifier_redirect_uri_and_client() {
    let server = TestServer::start().await;
    ada(&server).await;

    // Wrong verifier: refused, and the code is spent (no second guess).
    let request = AuthorizeRequest::new();
    let code = code_for(&server, &request, true).await;
    let other_verifier = courier_testkit::Pkce::new().verifier;
    let mut fields = exchange_fields(&request, &code);
    fields[4] = ("code_verifier", &other_verifier);
    assert_eq!(
        oauth_error(token_call(&server, &fields).await).await.1,
        "invalid_grant"
    );
    let (_, error) =
        oauth_error(token_call(&server, &exchange_fields(&request, &code)).await).await;
    assert_eq!(
        error, "invalid_grant",
        "the right verifier is too late once the code is spent"
    );

    // No verifier at all.
    let request = AuthorizeRequest::new();
    let code = code_for(&server, &request, true).await;
    let mut fields = exchange_fields(&request, &code);
    fields.pop();
    assert_eq!(
        oauth_error(token_call(&server, &fields).await).await.1,
        "invalid_request"
    );

    // Another loopback port than the one authorized.
    let request = AuthorizeRequest::new();
    let code = code_for(&server, &request, true).await;
    let mut fields = exchange_fields(&request, &code);
    fields[2] = ("redirect_uri", "http://127.0.0.1:49153/callback");
    assert_eq!(
        oauth_error(token_call(&server, &fields).await).await.1,
        "invalid_grant"
    );

    // A client that does not exist.
    let request = AuthorizeRequest::new();
    let code = code_for(&server, &request, true).await;
    let mut fields = exchange_fields(&request, &code);
    fields[3] = ("client_id", "impostor");
    let (status, error) = oauth_error(token_call(&server, &fields).await).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::UNAUTHORIZED, "invalid_client")
    );
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_whole_grant() {
    let server = TestServer::start().await;
    ada(&server).await;
    let request = AuthorizeRequest::new();
    let code = code_for(&server, &request, true).await;
    let first = exchange_code(&server, &request, &code).await;
    let first_refresh = first["refresh_token"].as_str().unwrap();

    let second: Value = refresh(&server, first_refresh).await.json().await.unwrap();
    let second_refresh = second["refresh_token"].as_str().unwrap();
    assert_ne!(second_refresh, first_refresh);
    let second_access = second["access_token"].as_str().unwrap();
    assert_eq!(
        userinfo(&server, second_access).await.status(),
        StatusCode::OK
    );

    // The first refresh token comes back after the retry grace (stolen, or
    // replayed): the grant ends.
    server.clock().advance(6);
    assert_eq!(
        oauth_error(refresh(&server, first_refresh).await).await.1,
        "invalid_grant"
    );
    assert_eq!(
        oauth_error(refresh(&server, second_refresh).await).await.1,
        "invalid_grant"
    );
    assert_eq!(
        userinfo(&server, second_access).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_retry_grace_is_the_server_s_setting() {
    let server = TestServer::start_with(|settings| settings.tokens.refresh_reuse_grace = 30).await;
    ada(&server).await;
    let request = AuthorizeRequest::new();
    let code = code_for(&server, &request, true).await;
    let first = exchange_code(&server, &request, &code).await;
    let first_refresh = first["refresh_token"].as_str().unwrap();
    assert_eq!(
        refresh(&server, first_refresh).await.status(),
        StatusCode::OK
    );
    // Past the default 5 s, within the configured 30 s: still a retry.
    server.clock().advance(20);
    assert_eq!(
        refresh(&server, first_refresh).await.status(),
        StatusCode::OK
    );
    server.clock().advance(11);
    assert_eq!(
        oauth_error(refresh(&server, first_refresh).await).await.1,
        "invalid_grant",
        "past the configured grace it is theft"
    );

    let strict = TestServer::start_with(|settings| settings.tokens.refresh_reuse_grace = 0).await;
    ada(&strict).await;
    let code = code_for(&strict, &request, true).await;
    let first = exchange_code(&strict, &request, &code).await;
    let first_refresh = first["refresh_token"].as_str().unwrap();
    let second: Value = refresh(&strict, first_refresh).await.json().await.unwrap();
    strict.clock().advance(1);
    assert_eq!(
        oauth_error(refresh(&strict, first_refresh).await).await.1,
        "invalid_grant"
    );
    assert_eq!(
        oauth_error(refresh(&strict, second["refresh_token"].as_str().unwrap()).await)
            .await
            .1,
        "invalid_grant",
        "with no grace any reuse ends the grant"
    );
}

#[tokio::test]
async fn a_token_granted_less_than_profile_and_email_cannot_use_the_account_api() {
    let server = TestServer::start().await;
    ada(&server).await;
    let request = AuthorizeRequest::new().with("scope", "openid offline_access");
    let code = code_for(&server, &request, true).await;
    let tokens = exchange_code(&server, &request, &code).await;
    let access = tokens["access_token"].as_str().unwrap();
    let me = reqwest::Client::new()
        .get(server.url("/api/v1/me"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    let error = courier_testkit::api_error(me, StatusCode::FORBIDDEN).await;
    assert_eq!(error["kind"], "forbidden");
    // Userinfo still answers, with what the scope allows: the subject alone.
    let info: Value = userinfo(&server, access).await.json().await.unwrap();
    assert!(info["sub"].is_string());
    assert!(info.get("email").is_none(), "{info}");
}

#[tokio::test]
async fn a_refresh_refused_for_its_scope_spends_nothing() {
    let server = TestServer::start().await;
    ada(&server).await;
    let request = AuthorizeRequest::new().with("scope", "openid email offline_access");
    let code = code_for(&server, &request, true).await;
    let first = exchange_code(&server, &request, &code).await;
    let refresh_token = first["refresh_token"].as_str().unwrap();
    let wider = token_call(
        &server,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", DESKTOP_CLIENT_ID),
            ("scope", "openid email profile"),
        ],
    )
    .await;
    assert_eq!(oauth_error(wider).await.1, "invalid_scope");
    // The same token still works past the retry grace: nothing was spent or revoked.
    server.clock().advance(60);
    let again = refresh(&server, refresh_token).await;
    assert_eq!(again.status(), StatusCode::OK);
    let narrower = token_call(
        &server,
        &[
            ("grant_type", "refresh_token"),
            (
                "refresh_token",
                again.json::<Value>().await.unwrap()["refresh_token"]
                    .as_str()
                    .unwrap(),
            ),
            ("client_id", DESKTOP_CLIENT_ID),
            ("scope", "openid"),
        ],
    )
    .await;
    assert_eq!(narrower.status(), StatusCode::OK);
}

#[tokio::test]
async fn concurrent_or_retried_uses_of_one_refresh_token_all_succeed_and_the_grant_lives() {
    let server = TestServer::start().await;
    ada(&server).await;
    let request = AuthorizeRequest::new();
    let code = code_for(&server, &request, true).await;
    let tokens = exchange_code(&server, &request, &code).await;
    let token = tokens["refresh_token"].as_str().unwrap().to_owned();
    // Two processes on one device, or a response lost and retried: within seconds.
    let attempts = (0..8).map(|_| {
        let (server_url, token) = (server.url("/oauth/token"), token.clone());
        tokio::spawn(async move {
            let response = reqwest::Client::new()
                .post(server_url)
                .form(&[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", &token),
                    ("client_id", DESKTOP_CLIENT_ID),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<Value>().await.unwrap()
        })
    });
    let answers: Vec<Value> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    for answer in &answers {
        let access = answer["access_token"].as_str().unwrap();
        assert_eq!(userinfo(&server, access).await.status(), StatusCode::OK);
    }
    // Each caller goes on with its own new token.
    let next = refresh(&server, answers[0]["refresh_token"].as_str().unwrap()).await;
    assert_eq!(next.status(), StatusCode::OK);
    // Past the grace, and with the chain moved on, the old token is theft again.
    server.clock().advance(6);
    assert_eq!(
        oauth_error(refresh(&server, &token).await).await.1,
        "invalid_grant"
    );
    let access = answers[1]["access_token"].as_str().unwrap();
    assert_eq!(
        userinfo(&server, access).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn without_keep_me_signed_in_the_grant_ends_after_thirty_minutes() {
    let server = TestServer::start().await;
    ada(&server).await;
    let request = AuthorizeRequest::new();
    let code = code_for(&server, &request, false).await;
    let tokens = exchange_code(&server, &request, &code).await;
    server.clock().advance(29 * 60);
    let renewed: Value = refresh(&server, tokens["refresh_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert!(
        renewed["expires_in"].as_i64().unwrap() <= 60,
        "access never outlives the grant"
    );
    server.clock().advance(2 * 60);
    let (_, error) =
        oauth_error(refresh(&server, renewed["refresh_token"].as_str().unwrap()).await).await;
    assert_eq!(error, "invalid_grant");
    assert_eq!(
        userinfo(&server, renewed["access_token"].as_str().unwrap())
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn with_keep_me_signed_in_the_grant_lasts_thirty_days() {
    let server = TestServer::start().await;
    ada(&server).await;
    let request = AuthorizeRequest::new();
    let code = code_for(&server, &request, true).await;
    let tokens = exchange_code(&server, &request, &code).await;
    server.clock().advance(11 * 60);
    assert_eq!(
        userinfo(&server, tokens["access_token"].as_str().unwrap())
            .await
            .status(),
        StatusCode::UNAUTHORIZED,
        "access tokens are short-lived"
    );
    server.clock().advance(29 * 86_400);
    let renewed: Value = refresh(&server, tokens["refresh_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        userinfo(&server, renewed["access_token"].as_str().unwrap())
            .await
            .status(),
        StatusCode::OK
    );
    server.clock().advance(86_400);
    let (_, error) =
        oauth_error(refresh(&server, renewed["refresh_token"].as_str().unwrap()).await).await;
    assert_eq!(error, "invalid_grant");
}

#[tokio::test]
async fn the_id_token_is_signed_by_the_published_key_and_carries_the_nonce() {
    let server = TestServer::start().await;
    ada(&server).await;
    let request = AuthorizeRequest::new();
    let code = code_for(&server, &request, true).await;
    let tokens = exchange_code(&server, &request, &code).await;
    let id_token = tokens["id_token"].as_str().unwrap();
    let parts: Vec<&str> = id_token.split('.').collect();
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    assert_eq!(header["alg"], "EdDSA");

    let jwks: Value = reqwest::get(server.url("/oauth/jwks"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|key| key["kid"] == header["kid"])
        .unwrap();
    let x: [u8; 32] = URL_SAFE_NO_PAD
        .decode(key["x"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap()).unwrap();
    let signed = format!("{}.{}", parts[0], parts[1]);
    assert!(
        VerifyingKey::from_bytes(&x)
            .unwrap()
            .verify(signed.as_bytes(), &signature)
            .is_ok()
    );

    assert_eq!(claims["iss"], server.base());
    assert_eq!(claims["aud"], DESKTOP_CLIENT_ID);
    assert_eq!(claims["nonce"], "nonce-1");
    assert_eq!(claims["email"], "ada@example.com");
    assert_eq!(claims["email_verified"], true);
    assert_eq!(claims["preferred_username"], "ada");
    assert!(claims["exp"].as_i64().unwrap() > claims["iat"].as_i64().unwrap());
}

#[tokio::test]
async fn the_grant_records_the_device_it_was_issued_to() {
    let server = TestServer::start().await;
    if server.on_postgres() {
        eprintln!("skipped on PostgreSQL: this test reads the SQLite file's rows");
        return;
    }
    ada(&server).await;
    let request = AuthorizeRequest::new()
        .with("device_name", "Ada's laptop")
        .with("device_os", "Debian 12");
    let code = code_for(&server, &request, true).await;
    let response = reqwest::Client::builder()
        .user_agent("courier-desktop/0.1")
        .build()
        .unwrap()
        .post(server.url("/oauth/token"))
        .form(&exchange_fields(&request, &code))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let database = format!(
        "sqlite://{}",
        server.data_dir().join("courier.db").display()
    );
    let pool = sqlx::SqlitePool::connect(&database).await.unwrap();
    let (name, os, agent, ip, first, last): (String, String, String, String, i64, i64) = sqlx::query_as(
        "SELECT device_name, device_os, user_agent, ip, first_used_at, last_used_at FROM grants",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((name.as_str(), os.as_str()), ("Ada's laptop", "Debian 12"));
    assert_eq!(
        (agent.as_str(), ip.as_str()),
        ("courier-desktop/0.1", "127.0.0.1")
    );
    assert_eq!(first, last);

    server.clock().advance(120);
    let tokens: Value = response.json().await.unwrap();
    refresh(&server, tokens["refresh_token"].as_str().unwrap()).await;
    let (last,): (i64,) = sqlx::query_as("SELECT last_used_at FROM grants")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(last, first + 120);
}

#[tokio::test]
async fn revocation_answers_the_same_for_unknown_tokens_and_checks_its_input() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    let revoke = |fields: Vec<(&'static str, &'static str)>| {
        client
            .post(server.url("/oauth/revoke"))
            .form(&fields)
            .send()
    };
    let unknown = revoke(vec![
        ("token", "crt_unknown"),
        ("client_id", DESKTOP_CLIENT_ID),
    ])
    .await
    .unwrap();
    assert_eq!(unknown.status(), StatusCode::OK);
    let missing = revoke(vec![("client_id", DESKTOP_CLIENT_ID)])
        .await
        .unwrap();
    assert_eq!(oauth_error(missing).await.1, "invalid_request");
    let bad_hint = revoke(vec![
        ("token", "x"),
        ("client_id", DESKTOP_CLIENT_ID),
        ("token_type_hint", "id_token"),
    ])
    .await
    .unwrap();
    assert_eq!(oauth_error(bad_hint).await.1, "unsupported_token_type");
}

#[tokio::test]
async fn userinfo_needs_a_live_bearer_token() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    let none = client
        .get(server.url("/oauth/userinfo"))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert!(
        none.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    let bogus = userinfo(&server, "cat_not-a-real-token").await;
    assert_eq!(bogus.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        bogus.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
}

#[tokio::test]
async fn malformed_token_requests_get_oauth_errors_not_500s() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    let url = server.url("/oauth/token");
    let json = client
        .post(&url)
        .json(&serde_json::json!({"grant_type": "refresh_token"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        oauth_error(json).await,
        (StatusCode::BAD_REQUEST, "invalid_request".to_owned())
    );
    let cases: [(&str, &str); 5] = [
        (
            "grant_type=password&client_id=courier-desktop&username=a&password=b",
            "unsupported_grant_type",
        ),
        (
            "grant_type=refresh_token&client_id=courier-desktop",
            "invalid_request",
        ),
        (
            "grant_type=refresh_token&refresh_token=a&refresh_token=b&client_id=courier-desktop",
            "invalid_request",
        ),
        (
            "grant_type=authorization_code&code=x&redirect_uri=y&code_verifier=z",
            "invalid_request",
        ),
        ("%%%", "invalid_request"),
    ];
    for (body, expected) in cases {
        let response = client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(oauth_error(response).await.1, expected, "{body}");
    }
    let huge = client
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=refresh_token&refresh_token={}",
            "a".repeat(100_000)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_token_endpoint_is_rate_limited_per_address() {
    let server = TestServer::start_with(|settings| {
        settings.rate_limits.enabled = true;
        settings.rate_limits.token_per_ip_per_minute = 3;
    })
    .await;
    for _ in 0..3 {
        let response = refresh(&server, "crt_unknown").await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    let limited = refresh(&server, "crt_unknown").await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        limited.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            <= 60
    );
    server.clock().advance(60);
    assert_eq!(
        refresh(&server, "crt_unknown").await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn discovery_describes_a_pkce_only_public_client_provider() {
    let server = TestServer::start().await;
    for path in [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
    ] {
        let metadata: Value = reqwest::get(server.url(path))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(metadata["issuer"], server.base());
        assert_eq!(metadata["token_endpoint"], server.url("/oauth/token"));
        assert_eq!(
            metadata["code_challenge_methods_supported"],
            serde_json::json!(["S256"])
        );
        assert_eq!(
            metadata["response_types_supported"],
            serde_json::json!(["code"])
        );
        assert_eq!(
            metadata["authorization_response_iss_parameter_supported"],
            true
        );
        assert_eq!(
            metadata["id_token_signing_alg_values_supported"],
            serde_json::json!(["EdDSA"])
        );
    }
}
