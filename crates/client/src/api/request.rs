//! How one account API request is made: the URL on the account's server, the bearer
//! token (one refreshed retry after a 401), and the answer as JSON or as an
//! [`Error::Api`] built from the server's `{kind, message, fields}` body.
//!
//! Reads your own writes when the server is several instances: a server instance may
//! answer the bearer check and the profile from a copy that another instance's change
//! reaches milliseconds late, so for [`FRESH_READS_AFTER_CHANGE`] after the account
//! changed something (any call but a GET) or heard of a change on its events channel,
//! its reads say `Cache-Control: no-cache` and are answered from the database.

use courier_proto::{ErrorBody, ErrorKind};
use reqwest::header::{ACCEPT, CACHE_CONTROL, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use super::AccountApi;
use crate::auth::discovery::check_server_url;
use crate::error::{Error, Result};

/// The URL of the API path `segments` (each one percent-encoded as a path segment) on
/// the server whose issuer is `issuer`; plain HTTP only on loopback.
pub fn api_url(issuer: &str, segments: &[&str]) -> Result<Url> {
    let mut url = check_server_url(issuer)?;
    url.set_query(None);
    url.set_fragment(None);
    url.path_segments_mut()
        .map_err(|()| Error::InvalidServerUrl(issuer.to_owned()))?
        .pop_if_empty()
        .extend(["api", "v1"])
        .extend(segments);
    Ok(url)
}

/// The error for a refused API call: the server's `ErrorBody` when it sent one, else
/// a kind that fits the status.
pub fn api_error(status: StatusCode, retry_after: Option<u64>, body: &[u8]) -> Error {
    if let Ok(ErrorBody {
        kind,
        message,
        fields,
    }) = serde_json::from_slice::<ErrorBody>(body)
    {
        return Error::Api {
            kind,
            message,
            fields,
            retry_after,
        };
    }
    let kind = match status {
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => ErrorKind::InvalidInput,
        StatusCode::UNAUTHORIZED => ErrorKind::Unauthorized,
        StatusCode::FORBIDDEN => ErrorKind::Forbidden,
        StatusCode::NOT_FOUND => ErrorKind::NotFound,
        StatusCode::CONFLICT => ErrorKind::Conflict,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorKind::PayloadTooLarge,
        StatusCode::PAYMENT_REQUIRED => ErrorKind::PaymentFailed,
        StatusCode::TOO_MANY_REQUESTS => ErrorKind::RateLimited,
        status if status.is_server_error() => ErrorKind::Internal,
        status => {
            return Error::Protocol(format!("the account API answered {status}"));
        }
    };
    Error::Api {
        kind,
        message: format!("the account API answered {status}"),
        fields: Vec::new(),
        retry_after,
    }
}

/// Seconds after a change during which reads ask for no copy: longer than a server
/// instance keeps one (5 s), so no copy older than the change can answer.
pub const FRESH_READS_AFTER_CHANGE: i64 = 10;

/// What the account API answers with, unless a document is asked for.
const JSON: HeaderValue = HeaderValue::from_static("application/json");

/// What a request carries.
pub(super) enum Body {
    Empty,
    Json(Vec<u8>),
    Raw {
        content_type: String,
        bytes: Vec<u8>,
    },
}

impl Body {
    pub(super) fn json(value: &impl Serialize) -> Result<Self> {
        serde_json::to_vec(value)
            .map(Body::Json)
            .map_err(|error| Error::Protocol(format!("cannot encode the request: {error}")))
    }
}

impl AccountApi<'_> {
    /// Sends one request as the account; a success status is returned as is. A 401
    /// gets one more try with a refreshed token (a clock behind the server's can
    /// make a token look fresh here); if the grant itself has ended, the refresh
    /// fails and the account is marked signed out.
    pub(super) async fn send(
        &self,
        method: Method,
        segments: &[&str],
        body: Body,
    ) -> Result<reqwest::Response> {
        self.send_at(method, segments, None, JSON, body).await
    }

    /// [`AccountApi::send`] to a URL with a query (already encoded), without a body.
    pub(super) async fn send_with_query(
        &self,
        method: Method,
        segments: &[&str],
        query: &str,
    ) -> Result<reqwest::Response> {
        self.send_at(method, segments, Some(query), JSON, Body::Empty)
            .await
    }

    /// A `GET` of a document that is not JSON (`accept`: its media type); refusals
    /// still come as the server's JSON error body.
    pub(super) async fn fetch(
        &self,
        segments: &[&str],
        accept: &'static str,
    ) -> Result<reqwest::Response> {
        let accept = HeaderValue::from_static(accept);
        self.send_at(Method::GET, segments, None, accept, Body::Empty)
            .await
    }

    async fn send_at(
        &self,
        method: Method,
        segments: &[&str],
        query: Option<&str>,
        accept: HeaderValue,
        body: Body,
    ) -> Result<reqwest::Response> {
        let account = self.courier.account(self.account_id).await?;
        let mut url = api_url(&account.issuer, segments)?;
        url.set_query(query);
        let mut token = self.courier.access_token(self.account_id).await?;
        let reading = method == Method::GET;
        if !reading {
            self.courier.note_change(self.account_id);
        }
        let no_copy = reading
            && self
                .courier
                .changed_within(self.account_id, FRESH_READS_AFTER_CHANGE);
        let mut retried = false;
        loop {
            let mut request = self
                .courier
                .http()
                .request(method.clone(), url.clone())
                .bearer_auth(&token)
                .header(ACCEPT, accept.clone());
            if no_copy {
                request = request.header(CACHE_CONTROL, "no-cache");
            }
            request = match &body {
                Body::Empty => request,
                Body::Json(bytes) => request
                    .header(CONTENT_TYPE, "application/json")
                    .body(bytes.clone()),
                Body::Raw {
                    content_type,
                    bytes,
                } => request
                    .header(CONTENT_TYPE, content_type.as_str())
                    .body(bytes.clone()),
            };
            let response = request
                .send()
                .await
                .map_err(|error| Error::network(&account.issuer, &error))?;
            let status = response.status();
            if status.is_success() {
                return Ok(response);
            }
            if status == StatusCode::UNAUTHORIZED {
                if retried {
                    return Err(self.courier.session_ended(self.account_id).await);
                }
                retried = true;
                token = self
                    .courier
                    .access_token_after_rejection(self.account_id, &token)
                    .await?;
                continue;
            }
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse().ok());
            let body = response.bytes().await.unwrap_or_default();
            return Err(api_error(status, retry_after, &body));
        }
    }
}

/// `reference` resolved against the server at `issuer` (unchanged when absolute or
/// unparseable).
pub(super) fn absolute(issuer: &str, reference: &str) -> String {
    Url::parse(&format!("{}/", issuer.trim_end_matches('/')))
        .and_then(|base| base.join(reference))
        .map_or_else(|_| reference.to_owned(), String::from)
}

pub(super) async fn json<T: DeserializeOwned>(response: reqwest::Response) -> Result<T> {
    let url = response.url().path().to_owned();
    let bytes = response
        .bytes()
        .await
        .map_err(|error| Error::Protocol(format!("{url}: the answer was cut short: {error}")))?;
    serde_json::from_slice(&bytes)
        .map_err(|error| Error::Protocol(format!("{url} answered something unexpected: {error}")))
}

#[cfg(test)]
mod tests {
    use courier_proto::FieldError;

    use super::*;

    #[test]
    fn api_urls_follow_the_issuer_and_refuse_plain_http_off_loopback() {
        let url =
            |issuer: &str, segments: &[&str]| api_url(issuer, segments).map(|url| url.to_string());
        assert_eq!(
            url("http://127.0.0.1:7878", &["me"]).unwrap(),
            "http://127.0.0.1:7878/api/v1/me"
        );
        assert_eq!(
            url("https://accounts.example.com/", &["me", "avatar"]).unwrap(),
            "https://accounts.example.com/api/v1/me/avatar"
        );
        assert_eq!(
            url(
                "https://example.com/courier",
                &["sessions", "revoke-others"]
            )
            .unwrap(),
            "https://example.com/courier/api/v1/sessions/revoke-others"
        );
        // A session id is one segment, whatever it contains.
        assert_eq!(
            url("http://localhost:1", &["sessions", "../me?x=1#y"]).unwrap(),
            "http://localhost:1/api/v1/sessions/..%2Fme%3Fx=1%23y"
        );
        assert_eq!(
            url("http://accounts.example.com", &["me"])
                .unwrap_err()
                .kind(),
            "insecure_server"
        );
        assert_eq!(
            url("ftp://example.com", &["me"]).unwrap_err().kind(),
            "invalid_server_url"
        );
    }

    #[test]
    fn error_bodies_keep_the_server_s_kind_message_and_fields() {
        let body = br#"{"kind":"invalid_input","message":"Check the highlighted fields.",
            "fields":[{"field":"website","message":"must start with https://"}]}"#;
        let error = api_error(StatusCode::BAD_REQUEST, None, body);
        assert_eq!(error.kind(), "invalid_input");
        assert_eq!(error.to_string(), "Check the highlighted fields.");
        assert_eq!(
            error.fields(),
            [FieldError {
                field: "website".into(),
                message: "must start with https://".into()
            }]
        );

        let limited = api_error(
            StatusCode::TOO_MANY_REQUESTS,
            Some(30),
            br#"{"kind":"rate_limited","message":"Too many attempts."}"#,
        );
        assert_eq!(limited.kind(), "rate_limited");
        assert_eq!(
            limited.to_string(),
            "Too many attempts. (try again in 30 s)"
        );
        assert!(limited.fields().is_empty());

        for (kind, name) in [
            (ErrorKind::Forbidden, "forbidden"),
            (ErrorKind::NotFound, "not_found"),
            (ErrorKind::Conflict, "conflict"),
            (ErrorKind::PayloadTooLarge, "payload_too_large"),
            (ErrorKind::Internal, "internal"),
        ] {
            let body = serde_json::to_vec(&ErrorBody::new(kind, "x")).unwrap();
            assert_eq!(api_error(StatusCode::IM_A_TEAPOT, None, &body).kind(), name);
        }
    }

    #[test]
    fn answers_without_an_error_body_get_a_kind_from_their_status() {
        for (status, kind) in [
            (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            (StatusCode::NOT_FOUND, "not_found"),
            (StatusCode::PAYMENT_REQUIRED, "payment_failed"),
            (StatusCode::BAD_GATEWAY, "internal"),
            (StatusCode::IM_A_TEAPOT, "protocol"),
        ] {
            assert_eq!(api_error(status, None, b"<html>").kind(), kind, "{status}");
        }
    }

    #[test]
    fn relative_avatar_urls_point_at_the_account_server() {
        assert_eq!(
            absolute("http://127.0.0.1:7878", "/avatars/u1.png?v=2"),
            "http://127.0.0.1:7878/avatars/u1.png?v=2"
        );
        assert_eq!(
            absolute("https://a.example.com", "https://cdn.example.com/a.png"),
            "https://cdn.example.com/a.png"
        );
    }
}
