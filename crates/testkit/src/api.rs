//! An app signed in as one account: its tokens and a JSON client for `/api/v1`, and
//! the shape every API error body has.

use reqwest::{Method, RequestBuilder, Response, StatusCode};

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
}

/// Reads a `{kind, message, fields}` error body, asserting the status first.
pub async fn api_error(response: Response, status: StatusCode) -> serde_json::Value {
    assert_eq!(response.status(), status, "unexpected status");
    let body: serde_json::Value = response.json().await.expect("a JSON error body");
    assert!(body["kind"].is_string(), "no kind in {body}");
    assert!(body["message"].is_string(), "no message in {body}");
    body
}
