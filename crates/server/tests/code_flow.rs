//! The whole journey through real HTTP: sign up in the browser, confirm through the
//! mailed link, then the authorization code flow with PKCE driven by the `oauth2`
//! crate (as a third-party client would), user info, refresh and revocation.

use courier_proto::{ProviderMetadata, UserInfo};
use courier_testkit::{DESKTOP_CLIENT_ID, TestServer, callback_params, location, param};
use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, CsrfToken, PkceCodeChallenge, RedirectUrl, Scope,
    TokenResponse as _, TokenUrl,
};
use reqwest::StatusCode;

#[tokio::test]
async fn sign_up_confirm_and_complete_the_code_flow_with_the_oauth2_crate() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;

    let metadata: ProviderMetadata = reqwest::get(server.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        metadata.issuer,
        server.base(),
        "issuer is byte-identical to the server's origin"
    );
    assert_eq!(metadata.code_challenge_methods_supported, ["S256"]);

    let client = BasicClient::new(ClientId::new(DESKTOP_CLIENT_ID.into()))
        .set_auth_uri(AuthUrl::new(metadata.authorization_endpoint.clone()).unwrap())
        .set_token_uri(TokenUrl::new(metadata.token_endpoint.clone()).unwrap())
        .set_redirect_uri(RedirectUrl::new("http://127.0.0.1:51234/callback".into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (authorize_url, csrf_state) = client
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("openid".into()))
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("offline_access".into()))
        .set_pkce_challenge(challenge)
        .url();

    let browser = server.browser();
    let to_signin = browser.get(authorize_url.as_str()).await;
    assert_eq!(to_signin.status(), StatusCode::SEE_OTHER);
    let signin = location(to_signin.headers());
    let response = browser
        .sign_in_at(&signin, "ada", courier_testkit::PASSWORD, true)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let callback = location(response.headers());
    assert!(
        callback.starts_with("http://127.0.0.1:51234/callback?"),
        "{callback}"
    );
    let params = callback_params(&callback);
    assert_eq!(param(&params, "state"), Some(csrf_state.secret().as_str()));
    assert_eq!(param(&params, "iss"), Some(server.base()));
    let code = param(&params, "code").expect("code");

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let tokens = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("code exchange");
    let refresh_token = tokens
        .refresh_token()
        .expect("a refresh token with offline_access")
        .clone();

    let info: UserInfo = courier_testkit::userinfo(&server, tokens.access_token().secret())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(info.email.as_deref(), Some("ada@example.com"));
    assert_eq!(info.email_verified, Some(true));
    assert_eq!(info.preferred_username.as_deref(), Some("ada"));

    let renewed = client
        .exchange_refresh_token(&refresh_token)
        .request_async(&http)
        .await
        .expect("refresh");
    assert_ne!(
        renewed.access_token().secret(),
        tokens.access_token().secret()
    );
    let rotated = renewed.refresh_token().expect("a rotated refresh token");
    assert_ne!(rotated.secret(), refresh_token.secret());
    assert_eq!(
        courier_testkit::userinfo(&server, renewed.access_token().secret())
            .await
            .status(),
        StatusCode::OK
    );

    // oauth2 refuses to revoke over plain http (even on loopback), so post RFC 7009's form directly.
    let revoked = http
        .post(&metadata.revocation_endpoint)
        .form(&[
            ("token", rotated.secret().as_str()),
            ("token_type_hint", "refresh_token"),
            ("client_id", DESKTOP_CLIENT_ID),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(
        courier_testkit::userinfo(&server, renewed.access_token().secret())
            .await
            .status(),
        StatusCode::UNAUTHORIZED,
        "revoking the refresh token ends the whole grant, access tokens included"
    );
    assert!(
        client
            .exchange_refresh_token(rotated)
            .request_async(&http)
            .await
            .is_err()
    );
}
