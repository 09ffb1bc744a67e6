//! An app signed in as one account: its tokens and a JSON client for `/api/v1`, and
//! the shape every API error body has.

use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::json;

/// An app signed in as one account: its tokens, and a JSON client for `/api/v1`.
pub struct AppSession {
    pub base: String,
    pub access_token: String,
    pub refresh_token: String,
    http: reqwest::Client,
}

impl AppSession {
    /// A session on the server at `base` holding these tokens.
    pub fn new(base: &str, access_token: &str, refresh_token: &str) -> Self {
        Self {
            base: base.to_owned(),
            access_token: access_token.to_owned(),
            refresh_token: refresh_token.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    /// A request to `path` under the server with this session's bearer token.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.access_token)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().await.unwrap()
    }

    /// GETs `path` and reads its JSON body, whatever the status.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        self.get(path).await.json().await.unwrap()
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.request(Method::DELETE, path).send().await.unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> Response {
        self.send_json(Method::POST, path, body).await
    }

    pub async fn put_json(&self, path: &str, body: &serde_json::Value) -> Response {
        self.send_json(Method::PUT, path, body).await
    }

    pub async fn patch_json(&self, path: &str, body: &serde_json::Value) -> Response {
        self.send_json(Method::PATCH, path, body).await
    }

    async fn send_json(&self, method: Method, path: &str, body: &serde_json::Value) -> Response {
        self.request(method, path).json(body).send().await.unwrap()
    }

    /// The signed-in account's id (`/api/v1/me`).
    pub async fn account_id(&self) -> String {
        let me: serde_json::Value = self.get_json("/api/v1/me").await;
        me["id"].as_str().expect("an account id").to_owned()
    }
}

/// A team `admin` makes (named after `slug`), which each of `members` (an app and its
/// account's address, never invited before) joins by accepting an invitation; returns
/// the team's id.
pub async fn team_with(
    server: &crate::TestServer,
    admin: &AppSession,
    slug: &str,
    members: &[(&AppSession, &str)],
) -> String {
    let created = admin
        .post_json("/api/v1/teams", &json!({ "name": slug, "slug": slug }))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED, "the team is made");
    let team: serde_json::Value = created.json().await.unwrap();
    let team_id = team["id"].as_str().expect("a team id").to_owned();
    for (member, email) in members {
        let invited = admin
            .post_json(
                &format!("/api/v1/teams/{team_id}/invitations"),
                &json!({ "emails": [email], "role": "member" }),
            )
            .await;
        assert!(invited.status().is_success(), "{}", invited.status());
        let token = crate::wait_for_invitation_token(&server.outbox(), email, 1).await;
        let accepted = member
            .post_json("/api/v1/invitations/accept", &json!({ "token": token }))
            .await;
        assert_eq!(accepted.status(), StatusCode::OK, "{email} joins");
    }
    team_id
}

/// Reads a `{kind, message, fields}` error body, asserting the status first.
pub async fn api_error(response: Response, status: StatusCode) -> serde_json::Value {
    assert_eq!(response.status(), status, "unexpected status");
    let body: serde_json::Value = response.json().await.expect("a JSON error body");
    assert!(body["kind"].is_string(), "no kind in {body}");
    assert!(body["message"].is_string(), "no message in {body}");
    body
}
