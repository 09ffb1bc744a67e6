//! The typed account API (`/api/v1` on the account's own server): profile, avatar,
//! email and password changes, notification preferences, sessions and support
//! requests, one method per endpoint, reached as `courier.api(account_id)`. Each call
//! takes a live access token from [`Courier::access_token`] (refreshed as needed),
//! speaks `https://` only off loopback, and turns the server's `{kind, message,
//! fields}` bodies into [`Error::Api`]. A 401 means the server ended the sign-in: the
//! account is marked signed out and the caller gets `reauth_required`.
//! The events channel (`/api/v1/events`) is [`crate::channel`].

use courier_proto::{
    EmailChange, ErrorBody, ErrorKind, FieldError, NewSupportRequest, NotificationPreferences,
    PasswordChange, Profile, ProfileUpdate, RevokedSessions, Session, SupportRequest,
};
use reqwest::header::{ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::courier::Courier;
use crate::discovery::check_server_url;
use crate::error::{Error, Result};

/// The largest avatar the server accepts (`PUT /api/v1/me/avatar`).
pub const AVATAR_MAX_BYTES: usize = 1024 * 1024;

/// The image types an avatar may have.
pub const AVATAR_TYPES: [&str; 2] = ["image/png", "image/jpeg"];

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

/// Refuses an avatar the server would refuse, before sending a megabyte for nothing.
pub fn check_avatar(content_type: &str, size: usize) -> Result<()> {
    let refuse = avatar_refused;
    if !AVATAR_TYPES.contains(&content_type) {
        return Err(refuse(
            ErrorKind::InvalidInput,
            "the picture must be a PNG or JPEG image",
        ));
    }
    if size == 0 {
        return Err(refuse(ErrorKind::InvalidInput, "the picture is empty"));
    }
    if size > AVATAR_MAX_BYTES {
        return Err(refuse(
            ErrorKind::PayloadTooLarge,
            "the picture is larger than 1 MiB",
        ));
    }
    Ok(())
}

/// An avatar refused on this side, shaped like the server's answer (beside the
/// `avatar` field).
pub(crate) fn avatar_refused(kind: ErrorKind, message: &str) -> Error {
    Error::Api {
        kind,
        message: message.to_owned(),
        fields: vec![FieldError {
            field: "avatar".to_owned(),
            message: message.to_owned(),
        }],
        retry_after: None,
    }
}

/// What a request carries.
enum Body {
    Empty,
    Json(Vec<u8>),
    Raw {
        content_type: String,
        bytes: Vec<u8>,
    },
}

impl Body {
    fn json(value: &impl Serialize) -> Result<Self> {
        serde_json::to_vec(value)
            .map(Body::Json)
            .map_err(|error| Error::Protocol(format!("cannot encode the request: {error}")))
    }
}

impl Courier {
    /// The account API as `account_id` (one of this device's accounts).
    pub fn api<'a>(&'a self, account_id: &'a str) -> AccountApi<'a> {
        AccountApi {
            courier: self,
            account_id,
        }
    }
}

/// The account API for one account; borrowed from [`Courier::api`].
pub struct AccountApi<'a> {
    courier: &'a Courier,
    account_id: &'a str,
}

impl AccountApi<'_> {
    /// `GET /api/v1/me`.
    pub async fn profile(&self) -> Result<Profile> {
        let response = self.send(Method::GET, &["me"], Body::Empty).await?;
        self.profile_from(response).await
    }

    /// `PATCH /api/v1/me`: only the fields present change.
    pub async fn update_profile(&self, update: &ProfileUpdate) -> Result<Profile> {
        let response = self
            .send(Method::PATCH, &["me"], Body::json(update)?)
            .await?;
        self.profile_from(response).await
    }

    /// `PUT /api/v1/me/avatar` with a PNG or JPEG of at most [`AVATAR_MAX_BYTES`].
    pub async fn upload_avatar(&self, content_type: &str, bytes: Vec<u8>) -> Result<Profile> {
        check_avatar(content_type, bytes.len())?;
        let body = Body::Raw {
            content_type: content_type.to_owned(),
            bytes,
        };
        let response = self.send(Method::PUT, &["me", "avatar"], body).await?;
        self.profile_from(response).await
    }

    /// `DELETE /api/v1/me/avatar`: back to initials.
    pub async fn remove_avatar(&self) -> Result<Profile> {
        let response = self
            .send(Method::DELETE, &["me", "avatar"], Body::Empty)
            .await?;
        self.profile_from(response).await
    }

    /// `POST /api/v1/me/email`: a confirmation link goes to the new address; the
    /// profile shows it as `pending_email` until it is confirmed.
    pub async fn change_email(&self, change: &EmailChange) -> Result<Profile> {
        let response = self
            .send(Method::POST, &["me", "email"], Body::json(change)?)
            .await?;
        self.profile_from(response).await
    }

    /// `DELETE /api/v1/me/email`: cancels a change still waiting for its link.
    pub async fn cancel_email_change(&self) -> Result<Profile> {
        let response = self
            .send(Method::DELETE, &["me", "email"], Body::Empty)
            .await?;
        self.profile_from(response).await
    }

    /// `POST /api/v1/me/password`.
    pub async fn change_password(&self, change: &PasswordChange) -> Result<()> {
        self.send(Method::POST, &["me", "password"], Body::json(change)?)
            .await?;
        Ok(())
    }

    /// `GET /api/v1/me/notifications`.
    pub async fn notification_preferences(&self) -> Result<NotificationPreferences> {
        let response = self
            .send(Method::GET, &["me", "notifications"], Body::Empty)
            .await?;
        json(response).await
    }

    /// `PUT /api/v1/me/notifications`.
    pub async fn set_notification_preferences(
        &self,
        preferences: &NotificationPreferences,
    ) -> Result<NotificationPreferences> {
        let response = self
            .send(
                Method::PUT,
                &["me", "notifications"],
                Body::json(preferences)?,
            )
            .await?;
        json(response).await
    }

    /// `GET /api/v1/sessions`: every device and browser signed in, this one marked `current`.
    pub async fn sessions(&self) -> Result<Vec<Session>> {
        let response = self.send(Method::GET, &["sessions"], Body::Empty).await?;
        json(response).await
    }

    /// `DELETE /api/v1/sessions/{id}`. Revoking this device's own session signs it out
    /// at the server; its next call says `reauth_required`.
    pub async fn revoke_session(&self, session_id: &str) -> Result<()> {
        self.send(Method::DELETE, &["sessions", session_id], Body::Empty)
            .await?;
        Ok(())
    }

    /// `POST /api/v1/sessions/revoke-others`: every session but this one.
    pub async fn revoke_other_sessions(&self) -> Result<RevokedSessions> {
        let response = self
            .send(Method::POST, &["sessions", "revoke-others"], Body::Empty)
            .await?;
        json(response).await
    }

    /// `GET /api/v1/support/requests`.
    pub async fn support_requests(&self) -> Result<Vec<SupportRequest>> {
        let response = self
            .send(Method::GET, &["support", "requests"], Body::Empty)
            .await?;
        json(response).await
    }

    /// `POST /api/v1/support/requests`.
    pub async fn submit_support_request(
        &self,
        request: &NewSupportRequest,
    ) -> Result<SupportRequest> {
        let response = self
            .send(Method::POST, &["support", "requests"], Body::json(request)?)
            .await?;
        json(response).await
    }

    /// Sends one request as the account; a success status is returned as is. A 401
    /// gets one more try with a refreshed token (a clock behind the server's can
    /// make a token look fresh here); if the grant itself has ended, the refresh
    /// fails and the account is marked signed out.
    async fn send(
        &self,
        method: Method,
        segments: &[&str],
        body: Body,
    ) -> Result<reqwest::Response> {
        let account = self.courier.account(self.account_id).await?;
        let url = api_url(&account.issuer, segments)?;
        let mut token = self.courier.access_token(self.account_id).await?;
        let mut retried = false;
        loop {
            let mut request = self
                .courier
                .http()
                .request(method.clone(), url.clone())
                .bearer_auth(&token)
                .header(ACCEPT, "application/json");
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

    /// A returned profile, its avatar made absolute (the UI is not served by the
    /// account server) and remembered in the account list.
    async fn profile_from(&self, response: reqwest::Response) -> Result<Profile> {
        let mut profile: Profile = json(response).await?;
        if let Some(avatar) = &profile.avatar_url {
            let issuer = self.courier.account(self.account_id).await?.issuer;
            profile.avatar_url = Some(absolute(&issuer, avatar));
        }
        self.courier
            .remember_profile(self.account_id, &profile)
            .await;
        Ok(profile)
    }
}

/// `reference` resolved against the server at `issuer` (unchanged when absolute or
/// unparseable).
fn absolute(issuer: &str, reference: &str) -> String {
    Url::parse(&format!("{}/", issuer.trim_end_matches('/')))
        .and_then(|base| base.join(reference))
        .map_or_else(|_| reference.to_owned(), String::from)
}

async fn json<T: DeserializeOwned>(response: reqwest::Response) -> Result<T> {
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
            (StatusCode::BAD_GATEWAY, "internal"),
            (StatusCode::IM_A_TEAPOT, "protocol"),
        ] {
            assert_eq!(api_error(status, None, b"<html>").kind(), kind, "{status}");
        }
    }

    #[test]
    fn avatars_are_checked_before_sending() {
        assert!(check_avatar("image/png", 10).is_ok());
        assert!(check_avatar("image/jpeg", AVATAR_MAX_BYTES).is_ok());
        let too_big = check_avatar("image/png", AVATAR_MAX_BYTES + 1).unwrap_err();
        assert_eq!(too_big.kind(), "payload_too_large");
        assert_eq!(too_big.fields()[0].field, "avatar");
        assert_eq!(
            check_avatar("image/gif", 10).unwrap_err().kind(),
            "invalid_input"
        );
        assert_eq!(
            check_avatar("image/png", 0).unwrap_err().kind(),
            "invalid_input"
        );
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
