//! Changing a password with the current one (Account Settings): the strength rules,
//! sessions ended in the same transaction as the new hash, the event channels told,
//! and the "password changed" security notice.

use courier_proto::ServerEvent;
use secrecy::{ExposeSecret as _, SecretString};

use crate::error::Error;
use crate::notices;
use crate::platform::clock::{Clock, durations};
use crate::platform::hub::EventHub;
use crate::platform::mail::Mailer;
use crate::platform::password::{self, PasswordHasher};
use crate::platform::ratelimit::{RateLimiter, RetryAfter, Rule};
use crate::sessions;
use crate::settings::RateLimitSettings;
use courier_store::{KeepSessions, Store};

/// What changing a password needs from the server.
pub struct Deps<'a> {
    pub store: &'a dyn Store,
    pub clock: &'a dyn Clock,
    pub passwords: &'a PasswordHasher,
    pub mailer: &'a Mailer,
    /// Tells the account's open event channels which sessions ended.
    pub events: &'a EventHub,
    pub limiter: &'a RateLimiter,
    pub limits: &'a RateLimitSettings,
}

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("the current password is wrong")]
    WrongCurrentPassword,
    /// The new password breaks a strength rule; the message says which.
    #[error("{0}")]
    Weak(String),
    #[error("too many attempts")]
    RateLimited(RetryAfter),
    /// The account no longer exists.
    #[error("the account no longer exists")]
    AccountGone,
    #[error(transparent)]
    Internal(#[from] Error),
}

impl From<courier_store::StoreError> for ChangeError {
    fn from(error: courier_store::StoreError) -> Self {
        Self::Internal(error.into())
    }
}

/// Password change attempts per account.
pub fn change_rule(limits: &RateLimitSettings) -> Rule {
    Rule {
        name: "password_change",
        max: limits.password_change_per_account_per_hour,
        window: durations::HOUR,
    }
}

/// Changes the password of the account `user_id` after checking the current one
/// against the hash stored now (never a copy from the access cache, which holds none). Unless `keep_others`,
/// every other session (apps and browsers) ends; `current` (the caller's session)
/// always stays.
pub async fn change(
    deps: &Deps<'_>,
    user_id: &str,
    current: &str,
    current_password: &SecretString,
    new_password: &SecretString,
    keep_others: bool,
) -> Result<(), ChangeError> {
    deps.limiter
        .hit(change_rule(deps.limits), user_id)
        .map_err(ChangeError::RateLimited)?;
    let user = &deps
        .store
        .user_by_id(user_id)
        .await?
        .ok_or(ChangeError::AccountGone)?;
    if !deps
        .passwords
        .verify(current_password, Some(&user.password_hash))
        .await?
    {
        return Err(ChangeError::WrongCurrentPassword);
    }
    password::check_strength(new_password.expose_secret(), &[&user.username, &user.email])
        .map_err(ChangeError::Weak)?;
    let hash = deps.passwords.hash(new_password).await?;
    let keep = if keep_others {
        KeepSessions::All
    } else {
        KeepSessions::Only(current)
    };
    let ended = deps
        .store
        .change_password(&user.id, &hash, keep, deps.clock.now())
        .await?;
    sessions::ended(deps.events, &user.id, &ended);
    // A waiting address change was cancelled with the old password.
    deps.events.publish(&user.id, ServerEvent::ProfileChanged);
    notices::password_changed(
        deps.store,
        deps.mailer,
        deps.clock.now(),
        user,
        "changed from a signed-in Courier session",
    )
    .await;
    Ok(())
}
