//! PostgreSQL side of [`Teams`]: `teams`, `team_members`, `team_invitations`. Several
//! instances change one team at once, so a member change first locks every member
//! row of the team (`FOR UPDATE`, in user order) and only then counts the admins and
//! decides ([`crate::teams::member_change`]): two admins demoting each other queue on
//! those locks and the second sees the first's change. Accepting an invitation locks
//! its row before judging it ([`crate::teams::judge_invitation`]), so two accounts
//! presenting one link are admitted once; a member row another path added meanwhile
//! (a join, an approval) makes the account "already a member", never a conflict.

use super::{PgStore, Tx};
use crate::teams::{InvitationRow, judge_invitation, member_change};
use crate::{
    Acceptance, InvitationRecord, InvitationRefusal, Invited, LiveInvitation, MemberChange,
    MemberRecord, Membership, NewInvitation, Result, StoreError, TeamRecord, TeamRole, Teams,
    UnixTime,
};

const TEAM_COLUMNS: &str = "id, name, slug, created_at, updated_at";

pub(super) type TeamRow = (String, String, String, UnixTime, UnixTime);

pub(super) fn team_record((id, name, slug, created_at, updated_at): TeamRow) -> TeamRecord {
    TeamRecord {
        id,
        name,
        slug,
        created_at,
        updated_at,
    }
}

/// A role as stored; an unknown name is a database error, never a guess.
pub(super) fn role(name: &str) -> Result<TeamRole> {
    TeamRole::parse(name).ok_or_else(|| StoreError::Encode {
        what: "team role",
        message: format!("unknown role {name:?}"),
    })
}

/// A unique violation on a team's URL, named as such.
fn url_taken(error: sqlx::Error) -> StoreError {
    match StoreError::from(error) {
        StoreError::Conflict(_) => StoreError::Conflict("team URL"),
        other => other,
    }
}

/// The account's role in the team (`None`: not a member), on the pool or in a
/// transaction.
pub(super) async fn team_role<'e>(
    db: impl sqlx::PgExecutor<'e>,
    team_id: &str,
    user_id: &str,
) -> Result<Option<TeamRole>> {
    let name: Option<String> =
        sqlx::query_scalar("SELECT role FROM team_members WHERE team_id = $1 AND user_id = $2")
            .bind(team_id)
            .bind(user_id)
            .fetch_optional(db)
            .await?;
    name.as_deref().map(role).transpose()
}

/// Adds `user_id` to the team as `role` unless it is a member already (also when
/// another transaction added it a moment ago); `true` when this call added it.
pub(super) async fn add_member_tx(
    tx: &mut Tx,
    team_id: &str,
    user_id: &str,
    role: TeamRole,
    now: UnixTime,
) -> Result<bool> {
    let added = sqlx::query(
        "INSERT INTO team_members (team_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (team_id, user_id) DO NOTHING",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(role.as_str())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(added.rows_affected() == 1)
}

/// Judges a member change inside `tx`. Locks every member row of the team first
/// (always in user order, so two changes cannot deadlock), so the roles it counts
/// stay as read until the transaction ends.
async fn judge_change(
    tx: &mut Tx,
    team_id: &str,
    user_id: &str,
    to: Option<TeamRole>,
) -> Result<MemberChange> {
    let members: Vec<(String, String)> = sqlx::query_as(
        "SELECT user_id, role FROM team_members WHERE team_id = $1 \
         ORDER BY user_id FOR UPDATE",
    )
    .bind(team_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut target = None;
    let mut admins = 0;
    for (member, role_name) in &members {
        let member_role = role(role_name)?;
        if member_role == TeamRole::Admin {
            admins += 1;
        }
        if member == user_id {
            target = Some(member_role);
        }
    }
    Ok(member_change(admins, target, to))
}

/// Gives the member `user_id` the role `to` (`None`: removes it) if
/// [`judge_change`] allows it, in one transaction.
async fn change_member(
    store: &PgStore,
    team_id: &str,
    user_id: &str,
    to: Option<TeamRole>,
) -> Result<MemberChange> {
    let mut tx = store.write().await?;
    let change = judge_change(&mut tx, team_id, user_id, to).await?;
    if change == MemberChange::Done {
        let write = match to {
            Some(role) => {
                sqlx::query("UPDATE team_members SET role = $3 WHERE team_id = $1 AND user_id = $2")
                    .bind(team_id)
                    .bind(user_id)
                    .bind(role.as_str())
            }
            None => sqlx::query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2")
                .bind(team_id)
                .bind(user_id),
        };
        write.execute(&mut *tx).await?;
        tx.commit().await?;
    }
    Ok(change)
}

/// The invitation behind `digest`; `lock`: held (`FOR UPDATE`) until the transaction
/// ends, so a racing acceptance waits for this one and then reads it accepted.
async fn invitation_row<'e>(
    db: impl sqlx::PgExecutor<'e>,
    digest: &str,
    lock: bool,
) -> Result<Option<InvitationRow>> {
    type Row = (
        String,
        String,
        String,
        String,
        UnixTime,
        Option<UnixTime>,
        Option<UnixTime>,
    );
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT id, team_id, email, role, expires_at, accepted_at, cancelled_at \
         FROM team_invitations WHERE digest = $1{}",
        if lock { " FOR UPDATE" } else { "" }
    ))
    .bind(digest)
    .fetch_optional(db)
    .await?;
    row.map(
        |(id, team_id, email, role_name, expires_at, accepted_at, cancelled_at)| {
            Ok(InvitationRow {
                id,
                team_id,
                email,
                role: role(&role_name)?,
                expires_at,
                accepted_at,
                cancelled_at,
            })
        },
    )
    .transpose()
}

#[async_trait::async_trait]
impl Teams for PgStore {
    async fn create_team(&self, team: &TeamRecord, creator: &str) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO teams (id, name, slug, slug_lower, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&team.id)
        .bind(&team.name)
        .bind(&team.slug)
        .bind(team.slug.to_lowercase())
        .bind(creator)
        .bind(team.created_at)
        .bind(team.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(url_taken)?;
        add_member_tx(&mut tx, &team.id, creator, TeamRole::Admin, team.created_at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn team(&self, id: &str) -> Result<Option<TeamRecord>> {
        let row: Option<TeamRow> =
            sqlx::query_as(&format!("SELECT {TEAM_COLUMNS} FROM teams WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(team_record))
    }

    async fn team_by_slug(&self, slug: &str) -> Result<Option<TeamRecord>> {
        let row: Option<TeamRow> = sqlx::query_as(&format!(
            "SELECT {TEAM_COLUMNS} FROM teams WHERE slug_lower = $1"
        ))
        .bind(slug.to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(team_record))
    }

    async fn update_team(&self, id: &str, name: &str, slug: &str, now: UnixTime) -> Result<bool> {
        let updated = sqlx::query(
            "UPDATE teams SET name = $1, slug = $2, slug_lower = $3, updated_at = $4 \
             WHERE id = $5",
        )
        .bind(name)
        .bind(slug)
        .bind(slug.to_lowercase())
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(url_taken)?;
        Ok(updated.rows_affected() == 1)
    }

    async fn teams_of(&self, user_id: &str) -> Result<Vec<Membership>> {
        // `COLLATE "C"`: the same order as SQLite's, whatever the database's locale.
        let rows: Vec<(String, String, String, UnixTime, UnixTime, String)> = sqlx::query_as(
            "SELECT t.id, t.name, t.slug, t.created_at, t.updated_at, m.role \
             FROM team_members m JOIN teams t ON t.id = m.team_id \
             WHERE m.user_id = $1 ORDER BY lower(t.name) COLLATE \"C\", t.id COLLATE \"C\"",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, name, slug, created_at, updated_at, role_name)| {
                Ok(Membership {
                    team: team_record((id, name, slug, created_at, updated_at)),
                    role: role(&role_name)?,
                })
            })
            .collect()
    }

    async fn role_in(&self, team_id: &str, user_id: &str) -> Result<Option<TeamRole>> {
        team_role(&self.pool, team_id, user_id).await
    }

    async fn members(&self, team_id: &str) -> Result<Vec<MemberRecord>> {
        let rows: Vec<(String, String, Option<String>, String, String, UnixTime)> = sqlx::query_as(
            "SELECT u.id, u.username, u.name, u.email, m.role, m.joined_at \
                 FROM team_members m JOIN users u ON u.id = m.user_id \
                 WHERE m.team_id = $1 \
                 ORDER BY m.role <> 'admin', u.username_lower COLLATE \"C\"",
        )
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(user_id, username, name, email, role_name, joined_at)| {
                Ok(MemberRecord {
                    user_id,
                    username,
                    name,
                    email,
                    role: role(&role_name)?,
                    joined_at,
                })
            })
            .collect()
    }

    async fn set_role(&self, team_id: &str, user_id: &str, to: TeamRole) -> Result<MemberChange> {
        change_member(self, team_id, user_id, Some(to)).await
    }

    async fn remove_member(&self, team_id: &str, user_id: &str) -> Result<MemberChange> {
        change_member(self, team_id, user_id, None).await
    }

    async fn invite(&self, invitation: &NewInvitation) -> Result<Invited> {
        // One statement: a pending invitation for the address (the partial unique
        // index) is renewed in place, also when another admin's invite made it a
        // moment ago; the id it returns tells which happened.
        let id: String = sqlx::query_scalar(
            "INSERT INTO team_invitations (id, team_id, email, email_lower, role, digest, \
             invited_by, created_at, sent_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) \
             ON CONFLICT (team_id, email_lower) WHERE accepted_at IS NULL AND cancelled_at IS NULL \
             DO UPDATE SET digest = excluded.digest, role = excluded.role, \
             invited_by = excluded.invited_by, sent_at = excluded.sent_at, \
             expires_at = excluded.expires_at \
             RETURNING id",
        )
        .bind(&invitation.id)
        .bind(&invitation.team_id)
        .bind(&invitation.email)
        .bind(invitation.email.to_lowercase())
        .bind(invitation.role.as_str())
        .bind(&invitation.digest)
        .bind(&invitation.invited_by)
        .bind(invitation.now)
        .bind(invitation.expires_at)
        .fetch_one(&self.pool)
        .await?;
        Ok(if id == invitation.id {
            Invited::Created { id }
        } else {
            Invited::Renewed { id }
        })
    }

    async fn invitations(&self, team_id: &str) -> Result<Vec<InvitationRecord>> {
        type Row = (
            String,
            String,
            String,
            String,
            Option<String>,
            UnixTime,
            UnixTime,
            UnixTime,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, team_id, email, role, invited_by, created_at, sent_at, expires_at \
             FROM team_invitations \
             WHERE team_id = $1 AND accepted_at IS NULL AND cancelled_at IS NULL \
             ORDER BY created_at DESC, seq DESC",
        )
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(
                |(id, team_id, email, role_name, invited_by, created_at, sent_at, expires_at)| {
                    Ok(InvitationRecord {
                        id,
                        team_id,
                        email,
                        role: role(&role_name)?,
                        invited_by,
                        created_at,
                        sent_at,
                        expires_at,
                    })
                },
            )
            .collect()
    }

    async fn renew_invitation(
        &self,
        team_id: &str,
        id: &str,
        digest: &str,
        now: UnixTime,
        expires_at: UnixTime,
    ) -> Result<bool> {
        let renewed = sqlx::query(
            "UPDATE team_invitations SET digest = $1, sent_at = $2, expires_at = $3 \
             WHERE id = $4 AND team_id = $5 AND accepted_at IS NULL AND cancelled_at IS NULL",
        )
        .bind(digest)
        .bind(now)
        .bind(expires_at)
        .bind(id)
        .bind(team_id)
        .execute(&self.pool)
        .await?;
        Ok(renewed.rows_affected() == 1)
    }

    async fn cancel_invitation(&self, team_id: &str, id: &str, now: UnixTime) -> Result<bool> {
        let cancelled = sqlx::query(
            "UPDATE team_invitations SET cancelled_at = $1 \
             WHERE id = $2 AND team_id = $3 AND accepted_at IS NULL AND cancelled_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .bind(team_id)
        .execute(&self.pool)
        .await?;
        Ok(cancelled.rows_affected() == 1)
    }

    async fn check_invitation(
        &self,
        digest: &str,
        now: UnixTime,
    ) -> Result<Result<LiveInvitation, InvitationRefusal>> {
        // One statement, so the row is judged as one snapshot.
        let row = invitation_row(&self.pool, digest, false).await?;
        Ok(judge_invitation(row, now))
    }

    async fn accept_invitation(
        &self,
        digest: &str,
        user_id: &str,
        now: UnixTime,
    ) -> Result<Acceptance> {
        let mut tx = self.write().await?;
        let live = match judge_invitation(invitation_row(&mut *tx, digest, true).await?, now) {
            Ok(live) => live,
            Err(refusal) => return Ok(Acceptance::Refused(refusal)),
        };
        let joined = add_member_tx(&mut tx, &live.team_id, user_id, live.role, now).await?;
        sqlx::query("UPDATE team_invitations SET accepted_at = $1, accepted_by = $2 WHERE id = $3")
            .bind(now)
            .bind(user_id)
            .bind(&live.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(if joined {
            Acceptance::Joined {
                team_id: live.team_id,
                role: live.role,
            }
        } else {
            Acceptance::AlreadyMember {
                team_id: live.team_id,
            }
        })
    }
}
