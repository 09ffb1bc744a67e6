//! PostgreSQL side of [`Discovery`]: `team_discovery`, `team_discovery_domains`,
//! `team_join_requests`. Deciding a request locks its row (`FOR UPDATE`) before
//! judging it ([`crate::discovery::judge_decision`]), and withdrawing is a conditional
//! update of the same row, so two approvals, or an approval racing a withdrawal,
//! close it once. Asking twice at once meets the unique index of pending requests:
//! the second asker answers the first one's request. A member row another path added
//! meanwhile makes the requester "already a member", never a conflict.

use super::teams::{TeamRow, add_member_tx, team_record, team_role};
use super::{PgStore, Tx};
use crate::discovery::{confirmed_domain, judge_decision};
use crate::{
    Decision, DiscoverableRecord, Discovery, DiscoveryRecord, JoinPolicy, JoinRequestRecord,
    JoinResult, Result, StoreError, TeamRole, UnixTime,
};

/// True while team `t.id` has discovery on for domain `dd.domain` and one of its
/// admins holds a confirmed address there (an address has exactly one `@`).
const LIVE_DOMAIN: &str = "d.enabled AND EXISTS (\
     SELECT 1 FROM team_members am JOIN users au ON au.id = am.user_id \
     WHERE am.team_id = dd.team_id AND am.role = 'admin' AND au.email_confirmed_at IS NOT NULL \
     AND substr(au.email_lower, strpos(au.email_lower, '@') + 1) = dd.domain)";

/// How often asking retries when the pending request it collided with was decided
/// before it could be read (each time another instance must decide in between).
const ASK_ATTEMPTS: usize = 3;

fn policy(name: &str) -> Result<JoinPolicy> {
    JoinPolicy::parse(name).ok_or_else(|| StoreError::Encode {
        what: "join policy",
        message: format!("unknown join policy {name:?}"),
    })
}

/// A read-only transaction that sees one snapshot throughout.
async fn discovery_snapshot(store: &PgStore) -> Result<Tx> {
    let mut tx = store.pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// The domain the account is found by, read inside `tx`.
async fn caller_domain(tx: &mut Tx, user_id: &str) -> Result<Option<String>> {
    let row: Option<(String, Option<UnixTime>)> =
        sqlx::query_as("SELECT email, email_confirmed_at FROM users WHERE id = $1")
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
         WHERE dd.team_id = $1 AND dd.domain = $2 AND {LIVE_DOMAIN}"
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
         WHERE team_id = $1 AND user_id = $2 AND decided_at IS NULL",
    )
    .bind(team_id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Closes the account's own pending request with `outcome` (`false`: none pending).
/// Conditional: a decision under way on the row is waited for, and then the request
/// is found decided and nothing changes.
async fn close_request<'e>(
    db: impl sqlx::PgExecutor<'e>,
    team_id: &str,
    user_id: &str,
    outcome: &str,
    now: UnixTime,
) -> Result<bool> {
    let closed = sqlx::query(
        "UPDATE team_join_requests SET decided_at = $1, decided_by = $2, outcome = $3 \
         WHERE team_id = $4 AND user_id = $2 AND decided_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .bind(outcome)
    .bind(team_id)
    .execute(db)
    .await?;
    Ok(closed.rows_affected() == 1)
}

/// The account's pending request to join, made now as `request_id` unless one is
/// waiting already (also one another instance made a moment ago).
async fn ask_once(
    tx: &mut Tx,
    team_id: &str,
    user_id: &str,
    request_id: &str,
    now: UnixTime,
) -> Result<JoinResult> {
    for _ in 0..ASK_ATTEMPTS {
        if let Some(id) = pending_request(tx, team_id, user_id).await? {
            return Ok(JoinResult::Requested { id, created: false });
        }
        // A racing request that wins the pending index makes this insert wait for
        // it and then do nothing; the next look finds it.
        let asked = sqlx::query(
            "INSERT INTO team_join_requests (id, team_id, user_id, created_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (team_id, user_id) WHERE decided_at IS NULL DO NOTHING",
        )
        .bind(request_id)
        .bind(team_id)
        .bind(user_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        if asked.rows_affected() == 1 {
            return Ok(JoinResult::Requested {
                id: request_id.to_owned(),
                created: true,
            });
        }
    }
    Err(StoreError::Conflict("join request"))
}

#[async_trait::async_trait]
impl Discovery for PgStore {
    async fn discovery(&self, team_id: &str) -> Result<DiscoveryRecord> {
        // One statement: the settings and their domains as one snapshot.
        let row: Option<(bool, String, Vec<String>)> = sqlx::query_as(
            "SELECT d.enabled, d.join_policy, ARRAY(SELECT dd.domain \
             FROM team_discovery_domains dd WHERE dd.team_id = d.team_id \
             ORDER BY dd.domain COLLATE \"C\") \
             FROM team_discovery d WHERE d.team_id = $1",
        )
        .bind(team_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some((enabled, name, domains)) => DiscoveryRecord {
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
        // The upsert locks the settings row first, so two saves at once replace the
        // domains one after the other, never interleaved.
        sqlx::query(
            "INSERT INTO team_discovery (team_id, enabled, join_policy, updated_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (team_id) DO UPDATE SET \
             enabled = excluded.enabled, join_policy = excluded.join_policy, \
             updated_at = excluded.updated_at",
        )
        .bind(team_id)
        .bind(settings.enabled)
        .bind(settings.join_policy.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM team_discovery_domains WHERE team_id = $1")
            .bind(team_id)
            .execute(&mut *tx)
            .await?;
        let domains: Vec<String> = settings
            .domains
            .iter()
            .map(|domain| domain.to_lowercase())
            .collect();
        sqlx::query(
            "INSERT INTO team_discovery_domains (team_id, domain) \
             SELECT $1, domain FROM unnest($2::text[]) AS domain ON CONFLICT DO NOTHING",
        )
        .bind(team_id)
        .bind(&domains)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn confirmed_admin_emails(&self, team_id: &str) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT u.email FROM team_members m JOIN users u ON u.id = m.user_id \
             WHERE m.team_id = $1 AND m.role = 'admin' AND u.email_confirmed_at IS NOT NULL \
             ORDER BY u.email_lower COLLATE \"C\"",
        )
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn discoverable_teams(&self, user_id: &str) -> Result<Vec<DiscoverableRecord>> {
        let mut tx = discovery_snapshot(self).await?;
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
                     AND r.user_id = $1 AND r.decided_at IS NULL) \
             FROM team_discovery_domains dd \
             JOIN team_discovery d ON d.team_id = dd.team_id \
             JOIN teams t ON t.id = dd.team_id \
             WHERE dd.domain = $2 AND {LIVE_DOMAIN} \
             AND NOT EXISTS (SELECT 1 FROM team_members m \
                             WHERE m.team_id = t.id AND m.user_id = $1) \
             ORDER BY lower(t.name) COLLATE \"C\", t.id COLLATE \"C\""
        ))
        .bind(user_id)
        .bind(&domain)
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
        if team_role(&mut *tx, team_id, user_id).await?.is_some() {
            return Ok(JoinResult::AlreadyMember);
        }
        let Some(domain) = caller_domain(&mut tx, user_id).await? else {
            return Ok(JoinResult::NotDiscoverable);
        };
        let result = match live_policy(&mut tx, team_id, &domain).await? {
            None => return Ok(JoinResult::NotDiscoverable),
            Some(JoinPolicy::Anyone) => {
                // A request made while the policy was approval is spent by joining.
                // Closed before the member row is added, the order deciding takes
                // too, so a join racing an approval waits instead of deadlocking.
                close_request(&mut *tx, team_id, user_id, "approved", now).await?;
                if !add_member_tx(&mut tx, team_id, user_id, TeamRole::Member, now).await? {
                    // Joined a moment ago by another request.
                    return Ok(JoinResult::AlreadyMember);
                }
                JoinResult::Joined
            }
            Some(JoinPolicy::Approval) => {
                ask_once(&mut tx, team_id, user_id, request_id, now).await?
            }
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
        close_request(&self.pool, team_id, user_id, "withdrawn", now).await
    }

    async fn join_requests(&self, team_id: &str) -> Result<Vec<JoinRequestRecord>> {
        type Row = (String, String, String, Option<String>, String, UnixTime);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT r.id, u.id, u.username, u.name, u.email, r.created_at \
             FROM team_join_requests r JOIN users u ON u.id = r.user_id \
             WHERE r.team_id = $1 AND r.decided_at IS NULL \
             ORDER BY r.created_at, r.seq",
        )
        .bind(team_id)
        .fetch_all(&self.pool)
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
        // Locked: a second decision (or a withdrawal) waits, then finds it decided.
        let requester: Option<String> = sqlx::query_scalar(
            "SELECT user_id FROM team_join_requests \
             WHERE id = $1 AND team_id = $2 AND decided_at IS NULL FOR UPDATE",
        )
        .bind(request_id)
        .bind(team_id)
        .fetch_optional(&mut *tx)
        .await?;
        let already_member = match &requester {
            Some(user_id) => team_role(&mut *tx, team_id, user_id).await?.is_some(),
            None => false,
        };
        let (decision, outcome) = match judge_decision(requester, approve, already_member) {
            Decision::NotPending => return Ok(Decision::NotPending),
            Decision::Approved {
                user_id,
                already_member,
            } => {
                // A member row added since the look above (an invitation accepted
                // meanwhile) counts as already there.
                let added = !already_member
                    && add_member_tx(&mut tx, team_id, &user_id, TeamRole::Member, now).await?;
                let decision = Decision::Approved {
                    user_id,
                    already_member: !added,
                };
                (decision, "approved")
            }
            declined @ Decision::Declined { .. } => (declined, "declined"),
        };
        sqlx::query(
            "UPDATE team_join_requests SET decided_at = $1, decided_by = $2, outcome = $3 \
             WHERE id = $4",
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
