//! SQLite side of [`Discovery`]: `team_discovery`, `team_discovery_domains`,
//! `team_join_requests`. Joining and deciding run in one `BEGIN IMMEDIATE`
//! transaction each, which reads whether the team is discoverable (or the request
//! pending) and writes the member or the request, so two clicks, an approval racing a
//! withdrawal, or a join racing a removal end in one consistent state.

use super::teams::{TeamRow, role_in_tx, team_record};
use super::{SqliteStore, Tx};
use crate::discovery::{confirmed_domain, judge_decision};
use crate::{
    Decision, DiscoverableRecord, Discovery, DiscoveryRecord, JoinPolicy, JoinRequestRecord,
    JoinResult, Result, StoreError, TeamRole, UnixTime,
};

/// True while team `t.id` has discovery on for domain `dd.domain` and one of its
/// admins holds a confirmed address there (an address has exactly one `@`).
const LIVE_DOMAIN: &str = "d.enabled = 1 AND EXISTS (\
     SELECT 1 FROM team_members am JOIN users au ON au.id = am.user_id \
     WHERE am.team_id = dd.team_id AND am.role = 'admin' AND au.email_confirmed_at IS NOT NULL \
     AND substr(au.email_lower, instr(au.email_lower, '@') + 1) = dd.domain)";

fn policy(name: &str) -> Result<JoinPolicy> {
    JoinPolicy::parse(name).ok_or_else(|| StoreError::Encode {
        what: "join policy",
        message: format!("unknown join policy {name:?}"),
    })
}

/// The domain the account is found by, read inside `tx`.
async fn caller_domain(tx: &mut Tx, user_id: &str) -> Result<Option<String>> {
    let row: Option<(String, Option<UnixTime>)> =
        sqlx::query_as("SELECT email, email_confirmed_at FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.and_then(|(email, confirmed_at)| confirmed_domain(&email, confirmed_at)))
}

/// The team's policy when it is discoverable on `domain` now.
async fn live_policy(tx: &mut Tx, team_id: &str, domain: &str) -> Result<Option<JoinPolicy>> {
    let name: Option<String> = sqlx::query_scalar(&format!(
        "SELECT d.join_policy FROM team_discovery_domains dd \
         JOIN team_discovery d ON d.team_id = dd.team_id \
         WHERE dd.team_id = ? AND dd.domain = ? AND {LIVE_DOMAIN}"
    ))
    .bind(team_id)
    .bind(domain)
    .fetch_optional(&mut **tx)
    .await?;
    name.as_deref().map(policy).transpose()
}

async fn pending_request(tx: &mut Tx, team_id: &str, user_id: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM team_join_requests \
         WHERE team_id = ? AND user_id = ? AND decided_at IS NULL",
    )
    .bind(team_id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?)
}

async fn add_member(tx: &mut Tx, team_id: &str, user_id: &str, now: UnixTime) -> Result<()> {
    sqlx::query("INSERT INTO team_members (team_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)")
        .bind(team_id)
        .bind(user_id)
        .bind(TeamRole::Member.as_str())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl Discovery for SqliteStore {
    async fn discovery(&self, team_id: &str) -> Result<DiscoveryRecord> {
        let mut tx: Tx = self.reads.begin().await?;
        let row: Option<(bool, String)> =
            sqlx::query_as("SELECT enabled, join_policy FROM team_discovery WHERE team_id = ?")
                .bind(team_id)
                .fetch_optional(&mut *tx)
                .await?;
        let domains: Vec<String> = sqlx::query_scalar(
            "SELECT domain FROM team_discovery_domains WHERE team_id = ? ORDER BY domain",
        )
        .bind(team_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.rollback().await?;
        Ok(match row {
            Some((enabled, name)) => DiscoveryRecord {
                enabled,
                join_policy: policy(&name)?,
                domains,
            },
            None => DiscoveryRecord::default(),
        })
    }

    async fn set_discovery(
        &self,
        team_id: &str,
        settings: &DiscoveryRecord,
        now: UnixTime,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO team_discovery (team_id, enabled, join_policy, updated_at) \
             VALUES (?, ?, ?, ?) ON CONFLICT (team_id) DO UPDATE SET \
             enabled = excluded.enabled, join_policy = excluded.join_policy, \
             updated_at = excluded.updated_at",
        )
        .bind(team_id)
        .bind(settings.enabled)
        .bind(settings.join_policy.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM team_discovery_domains WHERE team_id = ?")
            .bind(team_id)
            .execute(&mut *tx)
            .await?;
        for domain in &settings.domains {
            sqlx::query(
                "INSERT OR IGNORE INTO team_discovery_domains (team_id, domain) VALUES (?, ?)",
            )
            .bind(team_id)
            .bind(domain.to_lowercase())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn confirmed_admin_emails(&self, team_id: &str) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT u.email FROM team_members m JOIN users u ON u.id = m.user_id \
             WHERE m.team_id = ? AND m.role = 'admin' AND u.email_confirmed_at IS NOT NULL \
             ORDER BY u.email_lower",
        )
        .bind(team_id)
        .fetch_all(&self.reads)
        .await?)
    }

    async fn discoverable_teams(&self, user_id: &str) -> Result<Vec<DiscoverableRecord>> {
        let mut tx: Tx = self.reads.begin().await?;
        let Some(domain) = caller_domain(&mut tx, user_id).await? else {
            tx.rollback().await?;
            return Ok(Vec::new());
        };
        type Row = (
            String,
            String,
            String,
            UnixTime,
            UnixTime,
            String,
            i64,
            bool,
        );
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT t.id, t.name, t.slug, t.created_at, t.updated_at, d.join_policy, \
             (SELECT COUNT(*) FROM team_members c WHERE c.team_id = t.id), \
             EXISTS (SELECT 1 FROM team_join_requests r WHERE r.team_id = t.id \
                     AND r.user_id = ? AND r.decided_at IS NULL) \
             FROM team_discovery_domains dd \
             JOIN team_discovery d ON d.team_id = dd.team_id \
             JOIN teams t ON t.id = dd.team_id \
             WHERE dd.domain = ? AND {LIVE_DOMAIN} \
             AND NOT EXISTS (SELECT 1 FROM team_members m \
                             WHERE m.team_id = t.id AND m.user_id = ?) \
             ORDER BY t.name COLLATE NOCASE, t.id"
        ))
        .bind(user_id)
        .bind(&domain)
        .bind(user_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.rollback().await?;
        rows.into_iter()
            .map(
                |(id, name, slug, created_at, updated_at, policy_name, members, pending)| {
                    let team: TeamRow = (id, name, slug, created_at, updated_at);
                    Ok(DiscoverableRecord {
                        team: team_record(team),
                        domain: domain.clone(),
                        member_count: u32::try_from(members).unwrap_or(u32::MAX),
                        join_policy: policy(&policy_name)?,
                        request_pending: pending,
                    })
                },
            )
            .collect()
    }

    async fn join_team(
        &self,
        team_id: &str,
        user_id: &str,
        request_id: &str,
        now: UnixTime,
    ) -> Result<JoinResult> {
        let mut tx = self.write().await?;
        if role_in_tx(&mut tx, team_id, user_id).await?.is_some() {
            return Ok(JoinResult::AlreadyMember);
        }
        let Some(domain) = caller_domain(&mut tx, user_id).await? else {
            return Ok(JoinResult::NotDiscoverable);
        };
        let result = match live_policy(&mut tx, team_id, &domain).await? {
            None => return Ok(JoinResult::NotDiscoverable),
            Some(JoinPolicy::Anyone) => {
                add_member(&mut tx, team_id, user_id, now).await?;
                // A request made while the policy was approval is spent by joining.
                sqlx::query(
                    "UPDATE team_join_requests SET decided_at = ?, decided_by = ?, \
                     outcome = 'approved' WHERE team_id = ? AND user_id = ? AND decided_at IS NULL",
                )
                .bind(now)
                .bind(user_id)
                .bind(team_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
                JoinResult::Joined
            }
            Some(JoinPolicy::Approval) => match pending_request(&mut tx, team_id, user_id).await? {
                Some(id) => JoinResult::Requested { id, created: false },
                None => {
                    sqlx::query(
                        "INSERT INTO team_join_requests (id, team_id, user_id, created_at) \
                         VALUES (?, ?, ?, ?)",
                    )
                    .bind(request_id)
                    .bind(team_id)
                    .bind(user_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    JoinResult::Requested {
                        id: request_id.to_owned(),
                        created: true,
                    }
                }
            },
        };
        tx.commit().await?;
        Ok(result)
    }

    async fn withdraw_join_request(
        &self,
        team_id: &str,
        user_id: &str,
        now: UnixTime,
    ) -> Result<bool> {
        let withdrawn = sqlx::query(
            "UPDATE team_join_requests SET decided_at = ?, decided_by = ?, outcome = 'withdrawn' \
             WHERE team_id = ? AND user_id = ? AND decided_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .bind(team_id)
        .bind(user_id)
        .execute(&self.writes)
        .await?;
        Ok(withdrawn.rows_affected() == 1)
    }

    async fn join_requests(&self, team_id: &str) -> Result<Vec<JoinRequestRecord>> {
        type Row = (String, String, String, Option<String>, String, UnixTime);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT r.id, u.id, u.username, u.name, u.email, r.created_at \
             FROM team_join_requests r JOIN users u ON u.id = r.user_id \
             WHERE r.team_id = ? AND r.decided_at IS NULL \
             ORDER BY r.created_at, r.rowid",
        )
        .bind(team_id)
        .fetch_all(&self.reads)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, user_id, username, name, email, created_at)| JoinRequestRecord {
                    id,
                    team_id: team_id.to_owned(),
                    user_id,
                    username,
                    name,
                    email,
                    created_at,
                },
            )
            .collect())
    }

    async fn decide_join_request(
        &self,
        team_id: &str,
        request_id: &str,
        approve: bool,
        by: &str,
        now: UnixTime,
    ) -> Result<Decision> {
        let mut tx = self.write().await?;
        let requester: Option<String> = sqlx::query_scalar(
            "SELECT user_id FROM team_join_requests \
             WHERE id = ? AND team_id = ? AND decided_at IS NULL",
        )
        .bind(request_id)
        .bind(team_id)
        .fetch_optional(&mut *tx)
        .await?;
        let already_member = match &requester {
            Some(user_id) => role_in_tx(&mut tx, team_id, user_id).await?.is_some(),
            None => false,
        };
        let decision = judge_decision(requester, approve, already_member);
        let outcome = match &decision {
            Decision::NotPending => return Ok(decision),
            Decision::Approved {
                user_id,
                already_member,
            } => {
                if !already_member {
                    add_member(&mut tx, team_id, user_id, now).await?;
                }
                "approved"
            }
            Decision::Declined { .. } => "declined",
        };
        sqlx::query(
            "UPDATE team_join_requests SET decided_at = ?, decided_by = ?, outcome = ? WHERE id = ?",
        )
        .bind(now)
        .bind(by)
        .bind(outcome)
        .bind(request_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(decision)
    }
}
