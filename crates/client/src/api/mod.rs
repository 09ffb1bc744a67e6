//! The typed account API (`/api/v1` on the account's own server): profile, avatar,
//! email and password changes, notification preferences, sessions, support requests,
//! teams ([`teams`]), plans and billing ([`billing`]), workspace sync ([`sync`]) and
//! its end-to-end keys ([`keys`]), one method per endpoint, reached as `courier.api(account_id)`. Each call
//! takes a live access token from [`Courier::access_token`] (refreshed as needed),
//! speaks `https://` only off loopback, and turns the server's `{kind, message,
//! fields}` bodies into [`Error::Api`]. A 401 means the server ended the sign-in: the
//! account is marked signed out and the caller gets `reauth_required`.
//! The events channel (`/api/v1/events`) is [`crate::channel`].

mod avatar;
mod billing;
mod keys;
mod request;
mod sync;
mod teams;

use courier_proto::{
    EmailChange, NewSupportRequest, NotificationPreferences, PasswordChange, Profile,
    ProfileUpdate, RevokedSessions, Session, SupportRequest,
};
use reqwest::Method;

pub(crate) use avatar::avatar_refused;
pub use avatar::{AVATAR_MAX_BYTES, AVATAR_TYPES, check_avatar};
pub use billing::{InvoiceDocument, InvoiceFormat};
pub use keys::Published;
use request::{Body, absolute, json};
pub use request::{FRESH_READS_AFTER_CHANGE, api_error, api_url};
pub(crate) use sync::sync_failure;

use crate::courier::Courier;
use crate::error::Result;

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
