//! Grants: one signed-in app on one device, with its access and refresh tokens, and
//! the rules every backend applies to them: [`refreshing`] (a spent refresh token
//! that comes back revokes the whole grant) and [`signing_out`].

use crate::rotations::RotationHold;
use crate::{Result, UnixTime, User};

/// One signed-in app on one device.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Grant {
    pub id: String,
    pub user_id: String,
    pub client_id: String,
    pub scope: String,
    pub keep_signed_in: bool,
    pub auth_time: UnixTime,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
    pub device_name: Option<String>,
    pub device_os: Option<String>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub first_used_at: UnixTime,
    pub last_used_at: UnixTime,
}

/// Digests of a freshly issued access token and (optionally) refresh token.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    pub access_digest: String,
    pub access_expires_at: UnixTime,
    pub refresh_digest: Option<String>,
}

/// Where a token request came from, recorded on the grant.
#[derive(Debug, Clone, Default)]
pub struct ClientSeen {
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

#[derive(Debug, Clone)]
pub enum RefreshOutcome {
    Rotated {
        grant: Box<Grant>,
        user: Box<User>,
    },
    /// A spent refresh token came back: the whole grant has been revoked.
    Reused(RevokedGrant),
    /// Unknown token, or its grant has ended.
    Invalid,
}

/// What an access token stands for.
#[derive(Debug, Clone)]
pub struct AccessContext {
    pub grant_id: String,
    pub scope: String,
    /// When this access token expires.
    pub token_expires_at: UnixTime,
    /// When the grant (the signed-in session) ends, whatever its tokens say.
    pub grant_expires_at: UnixTime,
    pub last_used_at: UnixTime,
    /// The account, with `password_hash` left empty: a bearer check never needs it,
    /// and a context kept in memory must not carry one that a password change has
    /// replaced. Code that checks a password reads the account afresh.
    pub user: User,
}

/// A grant that an operation has just revoked: whose it was, so the account's event
/// channels can be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokedGrant {
    pub grant_id: String,
    pub user_id: String,
}

/// What the account's earlier grants say about a new one (for the new-device notice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EarlierGrants {
    /// The account had any grant before this one.
    pub any: bool,
    /// One of them was from the same device (address, and name and OS or else user agent).
    pub same_device: bool,
}

/// Why a grant was revoked, recorded for the sessions screen and the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeReason {
    SignedOut,
    RefreshReuse,
    CodeReuse,
    /// Revoked from the sessions screen (one, or all others).
    RevokedByUser,
    PasswordChanged,
    PasswordReset,
}

impl RevokeReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RevokeReason::SignedOut => "signed_out",
            RevokeReason::RefreshReuse => "refresh_token_reuse",
            RevokeReason::CodeReuse => "code_reuse",
            RevokeReason::RevokedByUser => "revoked_by_user",
            RevokeReason::PasswordChanged => "password_changed",
            RevokeReason::PasswordReset => "password_reset",
        }
    }
}

/// Grants and their tokens.
#[async_trait::async_trait]
pub trait Grants: Send + Sync {
    /// Exchanges a refresh token issued to `client_id` for `tokens`, detecting reuse
    /// ([`refreshing`]: a spent token is forgiven for `reuse_grace` seconds); records
    /// `seen` and `now` as the grant's last use.
    async fn rotate_refresh_token(
        &self,
        digest: &str,
        client_id: &str,
        now: UnixTime,
        tokens: &IssuedTokens,
        seen: &ClientSeen,
        reuse_grace: UnixTime,
    ) -> Result<RefreshOutcome>;
    /// Keeps refresh rotations waiting until the returned hold drops; then they are
    /// applied together, as rotations arriving together are. For tests that need to
    /// know what one transaction applies.
    #[doc(hidden)]
    async fn hold_rotations(&self) -> RotationHold;
    /// The live grant and account behind an unexpired access token.
    async fn access_context(&self, digest: &str, now: UnixTime) -> Result<Option<AccessContext>>;
    /// Records that the grant was used at `now` (never moves `last_used_at` back).
    async fn touch_grant(&self, grant_id: &str, now: UnixTime) -> Result<()>;
    async fn grant(&self, grant_id: &str) -> Result<Option<Grant>>;
    /// The grant a refresh token (spent or not) belongs to: a request can be checked
    /// against it before anything is spent.
    async fn grant_of_refresh_token(&self, digest: &str) -> Result<Option<Grant>>;
    /// Revokes a grant (keeping its first reason if already revoked) and deletes its
    /// access tokens.
    async fn revoke_grant(&self, grant_id: &str, now: UnixTime, reason: RevokeReason)
    -> Result<()>;
    /// Revokes the grant an access or refresh token belongs to ([`signing_out`]);
    /// `None` if none, or if it was already revoked.
    async fn revoke_grant_of_token(
        &self,
        digest: &str,
        now: UnixTime,
    ) -> Result<Option<RevokedGrant>>;
    /// Whether `grant.user_id` had grants created before `grant` (at or before its
    /// `created_at`), and one of them from the same device: from the same address (as
    /// the server saw it) and with the same name and OS when `grant` has either, else
    /// no name or OS and the same (known) user agent. Name, OS and user agent are the
    /// client's word, so they alone never make a device known.
    async fn earlier_grants(&self, grant: &Grant) -> Result<EarlierGrants>;
}

/// A refresh token's state as a backend reads it (by digest, with its grant) inside
/// its transaction.
#[derive(Debug, Clone)]
pub(crate) struct RefreshState {
    pub grant_id: String,
    pub user_id: String,
    /// The client the grant was issued to.
    pub client_id: String,
    pub used_at: Option<UnixTime>,
    pub revoked_at: Option<UnixTime>,
    pub expires_at: UnixTime,
    /// A refresh token issued when (or after) this one was spent has been used: the
    /// chain has moved on past this token's successor.
    pub chain_moved_on: bool,
}

/// How long after a refresh token is spent it may come back once more without
/// counting as theft, unless the server is configured otherwise: a response lost on
/// the way (a timeout, a crash after the commit) is retried within seconds. Okta's
/// and Auth0's reuse interval, kept short.
pub const DEFAULT_REFRESH_REUSE_GRACE: UnixTime = 5;

/// What presenting a refresh token does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refreshing {
    /// Unknown token, another client's, or its grant has ended: change nothing.
    Invalid,
    /// A spent token came back: revoke the grant (reason `RefreshReuse`).
    Replayed(RevokedGrant),
    /// Spend the token, issue the new ones on this grant and record the use.
    Rotate { grant_id: String },
    /// An honest retry of a token spent moments ago: issue new ones on this grant
    /// beside its unused successor, and record the use.
    Retry { grant_id: String },
}

/// Decides a refresh at `now` for `client_id`. A grant is over from its
/// `expires_at` second on; an ended grant is never revoked again. A spent token is
/// theft (revoke) unless it comes back within `reuse_grace` seconds of being spent
/// and its chain has not moved on.
pub(crate) fn refreshing(
    state: Option<RefreshState>,
    client_id: &str,
    now: UnixTime,
    reuse_grace: UnixTime,
) -> Refreshing {
    let Some(token) = state else {
        return Refreshing::Invalid;
    };
    if token.client_id != client_id || token.revoked_at.is_some() || now >= token.expires_at {
        return Refreshing::Invalid;
    }
    if let Some(used_at) = token.used_at {
        if now - used_at <= reuse_grace && !token.chain_moved_on {
            return Refreshing::Retry {
                grant_id: token.grant_id,
            };
        }
        return Refreshing::Replayed(RevokedGrant {
            grant_id: token.grant_id,
            user_id: token.user_id,
        });
    }
    Refreshing::Rotate {
        grant_id: token.grant_id,
    }
}

/// A rotation's outcome once its grant has been updated: `grant` as it now is, with
/// its account found among `users` (read after the commit; gone means deleted
/// meanwhile, and a deleted account's tokens are invalid).
pub(crate) fn rotated(grant: Grant, users: &[User]) -> RefreshOutcome {
    match users.iter().find(|user| user.id == grant.user_id) {
        Some(user) => RefreshOutcome::Rotated {
            grant: Box::new(grant),
            user: Box::new(user.clone()),
        },
        None => RefreshOutcome::Invalid,
    }
}

/// What signing out with a token reports, given its grant and whether that grant was
/// already revoked: a second sign-out has nothing new to tell anyone.
pub(crate) fn signing_out(
    grant_id: String,
    user_id: String,
    revoked_at: Option<UnixTime>,
) -> Option<RevokedGrant> {
    revoked_at
        .is_none()
        .then_some(RevokedGrant { grant_id, user_id })
}
