//! OAuth authorization requests (waiting for the person in the browser) and the
//! codes that end them, with the rules every backend applies to a code:
//! [`redemption`] and [`burning`] (a replayed code revokes what its first use issued).

use crate::grants::{Grant, IssuedTokens, RevokedGrant};
use crate::{Result, UnixTime, User};

/// An authorization request waiting for the person in the browser.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuthRequest {
    pub id: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub prompt: Option<String>,
    pub login_hint: Option<String>,
    pub device_name: Option<String>,
    pub device_os: Option<String>,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
    pub completed_at: Option<UnixTime>,
}

/// An authorization code, as issued at the end of an authorization request.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuthCode {
    pub digest: String,
    pub request_id: String,
    pub user_id: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub keep_signed_in: bool,
    pub auth_time: UnixTime,
    pub device_name: Option<String>,
    pub device_os: Option<String>,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
}

#[derive(Debug, Clone)]
pub enum RedeemOutcome {
    Redeemed {
        grant: Box<Grant>,
        user: Box<User>,
    },
    /// The code was used before; whatever that use issued has now been revoked.
    Reused(Option<RevokedGrant>),
    Expired,
    Unknown,
}

/// Authorization requests and codes.
#[async_trait::async_trait]
pub trait Authorizations: Send + Sync {
    async fn insert_auth_request(&self, request: &AuthRequest) -> Result<()>;
    async fn auth_request(&self, id: &str) -> Result<Option<AuthRequest>>;
    /// Completes a pending, unexpired request by issuing `code`; false if the request
    /// is expired (from its `expires_at` second on), already completed or unknown.
    async fn complete_auth_request(&self, code: &AuthCode, now: UnixTime) -> Result<bool>;
    /// Ends a pending, unexpired request without a code (the person pressed Cancel);
    /// false if it was not pending.
    async fn cancel_auth_request(&self, id: &str, now: UnixTime) -> Result<bool>;

    async fn auth_code(&self, digest: &str) -> Result<Option<AuthCode>>;
    /// Spends a code and creates its grant with its first tokens ([`redemption`]).
    async fn redeem_code(
        &self,
        digest: &str,
        now: UnixTime,
        grant: &Grant,
        tokens: &IssuedTokens,
    ) -> Result<RedeemOutcome>;
    /// Spends a code without issuing anything (a failed exchange); a reused code
    /// revokes what its first use issued ([`burning`]).
    async fn burn_code(&self, digest: &str, now: UnixTime) -> Result<Option<RevokedGrant>>;
}

/// A stored code's state as a backend reads it (by digest) inside its transaction.
#[derive(Debug, Clone)]
pub(crate) struct CodeState {
    pub user_id: String,
    pub expires_at: UnixTime,
    pub used_at: Option<UnixTime>,
    /// The grant its first use created.
    pub grant_id: Option<String>,
}

/// What redeeming a code does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Redemption {
    Unknown,
    Expired,
    /// A replay: revoke this grant (reason `CodeReuse`, if the first use made one)
    /// and answer `Reused`.
    Replayed(Option<RevokedGrant>),
    /// Create the grant and its tokens, and mark the code used by it.
    Redeem,
}

/// How long after its first use a replayed code still revokes what that use issued.
/// A code is exchanged within seconds of being issued; a replay soon after is a sign
/// that someone else intercepted it, while one a day later is only an old URL
/// (a browser history, a log) and must not sign a person out.
pub(crate) const CODE_REPLAY_REVOKES_FOR: UnixTime = 24 * 60 * 60;

/// The grant a replay of `code` at `now` must revoke: its first use's, if recent.
fn revoked_by_replay(code: CodeState, now: UnixTime) -> Option<RevokedGrant> {
    let used_at = code.used_at?;
    if now - used_at >= CODE_REPLAY_REVOKES_FOR {
        return None;
    }
    code.grant_id.map(|grant_id| RevokedGrant {
        grant_id,
        user_id: code.user_id,
    })
}

/// Decides a redemption at `now`. A used code is a replay even once expired; only a
/// recent one revokes ([`CODE_REPLAY_REVOKES_FOR`]).
pub(crate) fn redemption(state: Option<CodeState>, now: UnixTime) -> Redemption {
    let Some(code) = state else {
        return Redemption::Unknown;
    };
    if code.used_at.is_some() {
        return Redemption::Replayed(revoked_by_replay(code, now));
    }
    if now >= code.expires_at {
        return Redemption::Expired;
    }
    Redemption::Redeem
}

/// What burning a code (a failed exchange) does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Burning {
    /// Unknown, or used without a grant: nothing to do.
    Nothing,
    /// Unused: mark it used so it can never be exchanged.
    Spend,
    /// A replay of a code that created a grant: revoke it (reason `CodeReuse`).
    Revoke(RevokedGrant),
}

/// Decides what burning a code at `now` does (expiry does not matter: it is spent
/// either way; a replay revokes only while recent, as in [`redemption`]).
pub(crate) fn burning(state: Option<CodeState>, now: UnixTime) -> Burning {
    match state {
        None => Burning::Nothing,
        Some(CodeState { used_at: None, .. }) => Burning::Spend,
        Some(code) => revoked_by_replay(code, now).map_or(Burning::Nothing, Burning::Revoke),
    }
}
