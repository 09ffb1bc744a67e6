//! End-to-end keys for synced secret values, as the server keeps them: each account's
//! public key and its private key sealed under a recovery key (`account_keys`), and each
//! synced workspace's data key, version by version, wrapped for the public keys of the
//! accounts that reach it (`synced_workspace_keys`). Every key text is opaque here: the
//! server can open none of them.
//!
//! A workspace's current version is `synced_workspaces.key_version`. What a publish may
//! write is [`judge_publish`], applied by both backends to the rows they read inside the
//! publishing transaction (the workspace row locked on PostgreSQL), so two devices
//! racing to rotate cannot both take the next version. Access is the sync rule
//! ([`crate::WorkspaceSync`]): the owner account, or every member of the owning team,
//! decided in the same transaction as the read or write.
//!
//! A copy counts only for the public key it was wrapped for: one made for a key the
//! account has since replaced is neither shown to it nor counted as held. Copies held by
//! an account that no longer reaches the workspace stay, so the others learn that the
//! key should be rotated ([`WorkspaceKeysView::rotation_needed`]).

use std::collections::{HashMap, HashSet};

use crate::{Result, UnixTime};

/// An account's key pair as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountKeyRecord {
    pub account_id: String,
    /// The public key (the API checks its form; the store keeps the text).
    pub public_key: String,
    /// The private key sealed under the account's recovery key.
    pub recovery_sealed: String,
    /// When this public key was first published (kept when only the sealed private key
    /// changes).
    pub created_at: UnixTime,
}

/// What [`SyncKeys::put_account_key`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountKeyPut {
    pub record: AccountKeyRecord,
    /// A different public key was replaced: the copies wrapped for it in the workspaces
    /// the account reaches were dropped, and need wrapping again for the new one.
    pub replaced: bool,
}

/// One version of a workspace's key wrapped for the caller's current public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedKeyRecord {
    pub version: i64,
    pub wrapped: String,
}

/// An account that reaches a workspace, as far as its keys go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberKeyRecord {
    pub account_id: String,
    pub public_key: Option<String>,
    /// The current version is wrapped for this account's current public key.
    pub holds_current: bool,
}

/// A workspace's keys as one account sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceKeysView {
    /// 0 until a first version is published.
    pub current_version: i64,
    /// The caller's copies (for its current public key), oldest version first.
    pub mine: Vec<WrappedKeyRecord>,
    /// Everyone who reaches the workspace now, by account id.
    pub members: Vec<MemberKeyRecord>,
    /// An account that no longer reaches the workspace holds the current version.
    pub rotation_needed: bool,
}

/// Why a publish was refused before anything was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishRefusal {
    /// The caller has no public key: it publishes its own first.
    CallerHasNoKey,
    /// A new version must include a copy for the caller.
    CallerCopyMissing,
    /// This account (the index of its copy in the request) does not reach the workspace.
    NotReached { index: usize, account_id: String },
    /// This account reaches the workspace but has no public key to wrap for.
    NoPublicKey { index: usize, account_id: String },
}

/// What [`SyncKeys::publish_workspace_key`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishOutcome {
    /// Stored. `new_version`: `version` was taken now; otherwise copies of the current
    /// version were added. `written`: the accounts given a copy now, in request order
    /// (each account once).
    Published {
        version: i64,
        new_version: bool,
        written: Vec<String>,
    },
    /// `version` is not the next one, nor the current one with copies only for accounts
    /// that lack one: another device rotated first, or the request is stale. Read again.
    VersionTaken {
        current_version: i64,
    },
    Refused(PublishRefusal),
}

/// Account key pairs and workspace keys. Every method is one transaction (or one
/// statement) and checks the caller's access to the workspace inside it; `None` answers
/// "no such workspace for this account".
#[async_trait::async_trait]
pub trait SyncKeys: Send + Sync {
    /// Publishes the account's key pair, or replaces it. Replacing the public key with
    /// a different one drops the account's copies in the workspaces it reaches (they
    /// were wrapped for the old key); the same public key only replaces the sealed
    /// private key.
    async fn put_account_key(
        &self,
        account_id: &str,
        public_key: &str,
        recovery_sealed: &str,
        now: UnixTime,
    ) -> Result<AccountKeyPut>;
    async fn account_key(&self, account_id: &str) -> Result<Option<AccountKeyRecord>>;
    /// The workspace's keys as `account_id` sees them, read as one snapshot.
    async fn workspace_keys(
        &self,
        workspace_id: &str,
        account_id: &str,
    ) -> Result<Option<WorkspaceKeysView>>;
    /// Writes copies of `version` (`wraps`: account id and wrapped text) as
    /// [`judge_publish`] allows, in one transaction; each copy is stored with the public
    /// key its account has at that moment.
    async fn publish_workspace_key(
        &self,
        workspace_id: &str,
        account_id: &str,
        version: i64,
        wraps: &[(String, String)],
        now: UnixTime,
    ) -> Result<Option<PublishOutcome>>;
}

/// Who reaches a workspace, read inside the publishing transaction: each account's
/// current public key and whether it holds a valid copy of the current version.
pub(crate) type Reach = HashMap<String, (Option<String>, bool)>;

/// One copy to write: account, the public key it was wrapped for, the wrapped text.
pub(crate) type Copy<'a> = (&'a str, &'a str, &'a str);

/// What a publish writes, or the answer when it writes nothing.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PublishVerdict<'a> {
    Write {
        version: i64,
        new_version: bool,
        copies: Vec<Copy<'a>>,
    },
    Answer(PublishOutcome),
}

/// The rule. `version` must be the next one (a rotation, which must include a copy for
/// the caller) or the current one (copies for those who lack one); every copy must be
/// for an account that reaches the workspace and has a public key. A request for the
/// current version with a copy for an account that already holds it is told the version
/// is taken: it is a rotation that lost a race (a rotation wraps for everyone, so also
/// for whoever rotated first; its key is not the one the others hold), or copies read
/// before another device gave them. Either way nothing is written and the device reads
/// again; a copy held is never overwritten. A second copy for the same account in one
/// request is skipped.
pub(crate) fn judge_publish<'a>(
    current_version: i64,
    caller: &str,
    version: i64,
    wraps: &'a [(String, String)],
    reach: &'a Reach,
) -> PublishVerdict<'a> {
    let answer = PublishVerdict::Answer;
    let new_version = version == current_version + 1;
    let holds = |account: &String| reach.get(account).is_some_and(|(_, holds)| *holds);
    let stale = !new_version
        && (version != current_version
            || current_version < 1
            || wraps.iter().any(|(account, _)| holds(account)));
    if stale {
        return answer(PublishOutcome::VersionTaken { current_version });
    }
    if !matches!(reach.get(caller), Some((Some(_), _))) {
        return answer(PublishOutcome::Refused(PublishRefusal::CallerHasNoKey));
    }
    if new_version && !wraps.iter().any(|(account, _)| account == caller) {
        return answer(PublishOutcome::Refused(PublishRefusal::CallerCopyMissing));
    }
    let mut seen = HashSet::new();
    let mut copies = Vec::new();
    for (index, (account, wrapped)) in wraps.iter().enumerate() {
        let account_id = account.clone();
        let public_key = match reach.get(account) {
            None => {
                let refusal = PublishRefusal::NotReached { index, account_id };
                return answer(PublishOutcome::Refused(refusal));
            }
            Some((None, _)) => {
                let refusal = PublishRefusal::NoPublicKey { index, account_id };
                return answer(PublishOutcome::Refused(refusal));
            }
            Some((Some(public_key), _)) => public_key,
        };
        if seen.insert(account.as_str()) {
            copies.push((account.as_str(), public_key.as_str(), wrapped.as_str()));
        }
    }
    PublishVerdict::Write {
        version,
        new_version,
        copies,
    }
}

/// The outcome once a verdict's copies are written.
pub(crate) fn published(version: i64, new_version: bool, copies: &[Copy<'_>]) -> PublishOutcome {
    PublishOutcome::Published {
        version,
        new_version,
        written: copies
            .iter()
            .map(|(account, _, _)| (*account).to_owned())
            .collect(),
    }
}

// The statements both backends run. sqlx binds `$n` by number on SQLite too, so each
// is written once; a backend adds only its locks.

/// The current key version of workspace `$1` if account `$2` reaches it.
pub(crate) const KEY_VERSION: &str = "SELECT w.key_version FROM synced_workspaces w \
     WHERE w.id = $1 AND (w.owner_user = $2 \
     OR w.owner_team IN (SELECT team_id FROM team_members WHERE user_id = $2))";

/// The accounts that reach workspace `$1` now: its owner, or its team's members.
const REACHING: &str = "SELECT w.owner_user AS account_id FROM synced_workspaces w \
     WHERE w.id = $1 AND w.owner_user IS NOT NULL \
     UNION SELECT m.user_id FROM synced_workspaces w \
     JOIN team_members m ON m.team_id = w.owner_team WHERE w.id = $1";

/// [`MemberRow`]s of workspace `$1` whose current version is `$2`, by account id.
pub(crate) fn members_sql() -> String {
    format!(
        "SELECT a.account_id, k.public_key, EXISTS (SELECT 1 FROM synced_workspace_keys s \
         WHERE s.workspace_id = $1 AND s.version = $2 AND s.account_id = a.account_id \
         AND s.public_key = k.public_key) \
         FROM ({REACHING}) a LEFT JOIN account_keys k ON k.account_id = a.account_id \
         ORDER BY a.account_id"
    )
}

/// Whether an account that no longer reaches workspace `$1` holds version `$2`.
pub(crate) fn rotation_needed_sql() -> String {
    format!(
        "SELECT EXISTS (SELECT 1 FROM synced_workspace_keys s WHERE s.workspace_id = $1 \
         AND s.version = $2 AND s.account_id NOT IN ({REACHING}))"
    )
}

/// `version, wrapped` of account `$2`'s copies in workspace `$1`, for its current key.
pub(crate) const MINE: &str = "SELECT s.version, s.wrapped FROM synced_workspace_keys s \
     JOIN account_keys k ON k.account_id = s.account_id AND k.public_key = s.public_key \
     WHERE s.workspace_id = $1 AND s.account_id = $2 ORDER BY s.version";

/// Writes one copy (`workspace_id, version, account_id, public_key, wrapped,
/// created_at`). A row already there can only be one wrapped for a key its account has
/// replaced ([`judge_publish`] skips valid ones): the new copy takes its place.
pub(crate) const INSERT_COPY: &str = "INSERT INTO synced_workspace_keys \
     (workspace_id, version, account_id, public_key, wrapped, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (workspace_id, version, account_id) \
     DO UPDATE SET public_key = excluded.public_key, wrapped = excluded.wrapped, \
     created_at = excluded.created_at \
     WHERE synced_workspace_keys.public_key <> excluded.public_key";

pub(crate) const SET_KEY_VERSION: &str =
    "UPDATE synced_workspaces SET key_version = $1 WHERE id = $2";

/// Publishes account `$1`'s first key pair (nothing when it has one).
pub(crate) const INSERT_ACCOUNT_KEY: &str = "INSERT INTO account_keys \
     (account_id, public_key, recovery_sealed, created_at) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (account_id) DO NOTHING";

/// Replaces account `$1`'s sealed private key and, when it differs, its public key
/// (then from `$4` on).
pub(crate) const UPDATE_ACCOUNT_KEY: &str = "UPDATE account_keys SET recovery_sealed = $3, \
     created_at = CASE WHEN public_key = $2 THEN created_at ELSE $4 END, public_key = $2 \
     WHERE account_id = $1";

/// Drops account `$1`'s copies in the workspaces it reaches (after its public key
/// changed). Copies in workspaces it left stay: they say it held those versions.
pub(crate) const DROP_REACHED_COPIES: &str = "DELETE FROM synced_workspace_keys \
     WHERE account_id = $1 AND workspace_id IN (SELECT w.id FROM synced_workspaces w \
     WHERE w.owner_user = $1 \
     OR w.owner_team IN (SELECT team_id FROM team_members WHERE user_id = $1))";

/// Account `$1`'s public key.
pub(crate) const PUBLIC_KEY: &str = "SELECT public_key FROM account_keys WHERE account_id = $1";

/// Account `$1`'s key pair.
pub(crate) fn account_key_sql() -> String {
    format!("SELECT {ACCOUNT_KEY_COLUMNS} FROM account_keys WHERE account_id = $1")
}

/// `account_id, public_key, recovery_sealed, created_at`, as both backends select them.
pub(crate) type AccountKeyRow = (String, String, String, UnixTime);

const ACCOUNT_KEY_COLUMNS: &str = "account_id, public_key, recovery_sealed, created_at";

pub(crate) fn account_key_record(
    (account_id, public_key, recovery_sealed, created_at): AccountKeyRow,
) -> AccountKeyRecord {
    AccountKeyRecord {
        account_id,
        public_key,
        recovery_sealed,
        created_at,
    }
}

/// `account_id, public_key, holds_current`, as both backends select the members.
pub(crate) type MemberRow = (String, Option<String>, bool);

pub(crate) fn member_record((account_id, public_key, holds_current): MemberRow) -> MemberKeyRecord {
    MemberKeyRecord {
        account_id,
        public_key,
        holds_current,
    }
}

/// The members read inside a publish, keyed for [`judge_publish`].
pub(crate) fn reach(members: Vec<MemberRow>) -> Reach {
    members
        .into_iter()
        .map(|(account, public_key, holds)| (account, (public_key, holds)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wraps(accounts: &[&str]) -> Vec<(String, String)> {
        accounts
            .iter()
            .map(|account| ((*account).to_owned(), format!("w-{account}")))
            .collect()
    }

    fn reach_of(entries: &[(&str, Option<&str>, bool)]) -> Reach {
        entries
            .iter()
            .map(|(account, key, holds)| ((*account).to_owned(), (key.map(str::to_owned), *holds)))
            .collect()
    }

    /// What a publish answers without writing, if it does.
    fn answer(verdict: PublishVerdict<'_>) -> Option<PublishOutcome> {
        match verdict {
            PublishVerdict::Answer(outcome) => Some(outcome),
            PublishVerdict::Write { .. } => None,
        }
    }

    fn written(verdict: &PublishVerdict<'_>) -> Vec<String> {
        match verdict {
            PublishVerdict::Write { copies, .. } => {
                copies.iter().map(|(a, _, _)| (*a).to_owned()).collect()
            }
            PublishVerdict::Answer(outcome) => panic!("nothing written: {outcome:?}"),
        }
    }

    #[test]
    fn only_the_next_version_or_the_current_one_is_taken() {
        let reach = reach_of(&[("ada", Some("k"), true), ("grace", Some("g"), false)]);
        // Copies of the current version for Grace, who lacks one; a new one for all.
        for (current, version, taken) in [
            (0, 1, false),
            (0, 0, true),
            (0, 2, true),
            (3, 4, false),
            (3, 3, false),
            (3, 2, true),
            (3, 5, true),
        ] {
            let who = if version == current { "grace" } else { "ada" };
            let verdict = answer(judge_publish(
                current,
                "ada",
                version,
                &wraps(&[who]),
                &reach,
            ));
            let refused = verdict
                == Some(PublishOutcome::VersionTaken {
                    current_version: current,
                });
            assert_eq!(refused, taken, "current {current}, version {version}");
        }
    }

    #[test]
    fn a_new_version_includes_the_caller_and_every_copy_is_for_a_member_with_a_key() {
        let reach = reach_of(&[
            ("ada", Some("ka"), true),
            ("grace", Some("kg"), true),
            ("eve", None, false),
        ]);
        let refused =
            |accounts: &[&str]| answer(judge_publish(1, "ada", 2, &wraps(accounts), &reach));
        assert_eq!(
            refused(&["grace"]),
            Some(PublishOutcome::Refused(PublishRefusal::CallerCopyMissing))
        );
        assert_eq!(
            refused(&["ada", "mallory"]),
            Some(PublishOutcome::Refused(PublishRefusal::NotReached {
                index: 1,
                account_id: "mallory".into()
            }))
        );
        assert_eq!(
            refused(&["ada", "eve"]),
            Some(PublishOutcome::Refused(PublishRefusal::NoPublicKey {
                index: 1,
                account_id: "eve".into()
            }))
        );
        let all = wraps(&["ada", "grace", "ada"]);
        assert_eq!(
            written(&judge_publish(1, "ada", 2, &all, &reach)),
            vec!["ada", "grace"],
            "a new version is written for holders of the old one too, each once"
        );
        let keyless = reach_of(&[("ada", None, false)]);
        assert_eq!(
            answer(judge_publish(0, "ada", 1, &wraps(&["ada"]), &keyless)),
            Some(PublishOutcome::Refused(PublishRefusal::CallerHasNoKey))
        );
    }

    #[test]
    fn copies_of_the_current_version_are_for_those_who_lack_one_only() {
        let reach = reach_of(&[
            ("ada", Some("ka"), true),
            ("grace", Some("kg"), false),
            ("eve", Some("ke"), false),
        ]);
        let some = wraps(&["eve", "grace", "eve"]);
        let verdict = judge_publish(2, "ada", 2, &some, &reach);
        assert_eq!(written(&verdict), vec!["eve", "grace"]);
        assert!(
            matches!(verdict, PublishVerdict::Write { copies, .. } if copies[1] == ("grace", "kg", "w-grace")),
            "stored with the key it was made for"
        );
        let taken = Some(PublishOutcome::VersionTaken { current_version: 2 });
        assert_eq!(
            answer(judge_publish(
                2,
                "eve",
                2,
                &wraps(&["eve", "ada", "grace"]),
                &reach
            )),
            taken,
            "a rotation to 2 that lost the race: it wraps for Ada, who holds 2"
        );
        assert_eq!(
            answer(judge_publish(
                2,
                "grace",
                2,
                &wraps(&["ada", "mallory"]),
                &reach
            )),
            taken,
            "a copy held is never overwritten"
        );
        assert_eq!(
            written(&judge_publish(2, "grace", 2, &wraps(&["grace"]), &reach)),
            vec!["grace"],
            "a device that kept the key wraps it for its account's new key pair"
        );
    }
}
