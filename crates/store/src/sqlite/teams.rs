//! SQLite side of [`Teams`]: `teams`, `team_members`, `team_invitations`. Member
//! changes count the admins and decide ([`crate::teams::member_change`]) inside one
//! `BEGIN IMMEDIATE` transaction, so two admins demoting each other at once cannot
//! both succeed; invitations are judged ([`crate::teams::judge_invitation`]) and
//! spent in the transaction that adds the member.

use super::{SqliteStore, Tx};
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

pub(super) async fn role_in_tx(
    tx: &mut Tx,
    team_id: &str,
    user_id: &str,
) -> Result<Option<TeamRole>> {
    let name: Option<String> =
        sqlx::query_scalar("SELECT role FROM team_members WHERE team_id = ? AND user_id = ?")
            .bind(team_id)
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    name.as_deref().map(role).transpose()
}

async fn admins_in_tx(tx: &mut Tx, team_id: &str) -> Result<usize> {
    let admins: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM team_members WHERE team_id = ? AND role = ?")
            .bind(team_id)
            .bind(TeamRole::Admin.as_str())
            .fetch_one(&mut **tx)
            .await?;
    Ok(usize::try_from(admins).unwrap_or(0))
}

/// Judges a member change inside `tx`: the target's role and the admins now.
async fn judge_change(
    tx: &mut Tx,
    team_id: &str,
    user_id: &str,
    to: Option<TeamRole>,
) -> Result<MemberChange> {
    let target = role_in_tx(tx, team_id, user_id).await?;
    let admins = admins_in_tx(tx, team_id).await?;
    Ok(member_change(admins, target, to))
}

async fn invitation_row(tx: &mut Tx, digest: &str) -> Result<Option<InvitationRow>> {
    type Row = (
        String,
        String,
        String,
        String,
        UnixTime,
        Option<UnixTime>,
        Option<UnixTime>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT id, team_id, email, role, expires_at, accepted_at, cancelled_at \
         FROM team_invitations WHERE digest = ?",
    )
    .bind(digest)
    .fetch_optional(&mut **tx)
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
impl Teams for SqliteStore {
    async fn create_team(&self, team: &TeamRecord, creator: &str) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO teams (id, name, slug, slug_lower, created_by, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
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
        sqlx::query(
            "INSERT INTO team_members (team_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)",
        )
        .bind(&team.id)
        .bind(creator)
        .bind(TeamRole::Admin.as_str())
        .bind(team.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn team(&self, id: &str) -> Result<Option<TeamRecord>> {
        let row: Option<TeamRow> =
            sqlx::query_as(&format!("SELECT {TEAM_COLUMNS} FROM teams WHERE id = ?"))
                .bind(id)
                .fetch_optional(&self.reads)
                .await?;
        Ok(row.map(team_record))
    }

    async fn team_by_slug(&self, slug: &str) -> Result<Option<TeamRecord>> {
        let row: Option<TeamRow> = sqlx::query_as(&format!(
            "SELECT {TEAM_COLUMNS} FROM teams WHERE slug_lower = ?"
        ))
        .bind(slug.to_lowercase())
        .fetch_optional(&self.reads)
        .await?;
        Ok(row.map(team_record))
    }

    async fn update_team(&self, id: &str, name: &str, slug: &str, now: UnixTime) -> Result<bool> {
        let updated = sqlx::query(
            "UPDATE teams SET name = ?, slug = ?, slug_lower = ?, updated_at = ? WHERE id = ?",
        )
        .bind(name)
        .bind(slug)
        .bind(slug.to_lowercase())
        .bind(now)
        .bind(id)
        .execute(&self.writes)
        .await
        .map_err(url_taken)?;
        Ok(updated.rows_affected() == 1)
    }

    async fn teams_of(&self, user_id: &str) -> Result<Vec<Membership>> {
        let rows: Vec<(String, String, String, UnixTime, UnixTime, String)> = sqlx::query_as(
            "SELECT t.id, t.name, t.slug, t.created_at, t.updated_at, m.role \
             FROM team_members m JOIN teams t ON t.id = m.team_id \
             WHERE m.user_id = ? ORDER BY t.name COLLATE NOCASE, t.id",
        )
        .bind(user_id)
        .fetch_all(&self.reads)
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
        let name: Option<String> =
            sqlx::query_scalar("SELECT role FROM team_members WHERE team_id = ? AND user_id = ?")
                .bind(team_id)
                .bind(user_id)
                .fetch_optional(&self.reads)
                .await?;
        name.as_deref().map(role).transpose()
    }

    async fn members(&self, team_id: &str) -> Result<Vec<MemberRecord>> {
        let rows: Vec<(String, String, Option<String>, String, String, UnixTime)> = sqlx::query_as(
            "SELECT u.id, u.username, u.name, u.email, m.role, m.joined_at \
                 FROM team_members m JOIN users u ON u.id = m.user_id \
                 WHERE m.team_id = ? \
                 ORDER BY m.role != 'admin', u.username_lower",
        )
        .bind(team_id)
        .fetch_all(&self.reads)
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
        let mut tx = self.write().await?;
        let change = judge_change(&mut tx, team_id, user_id, Some(to)).await?;
        if change == MemberChange::Done {
            sqlx::query("UPDATE team_members SET role = ? WHERE team_id = ? AND user_id = ?")
                .bind(to.as_str())
                .bind(team_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(change)
    }

    async fn remove_member(&self, team_id: &str, user_id: &str) -> Result<MemberChange> {
        let mut tx = self.write().await?;
        let change = judge_change(&mut tx, team_id, user_id, None).await?;
        if change == MemberChange::Done {
            sqlx::query("DELETE FROM team_members WHERE team_id = ? AND user_id = ?")
                .bind(team_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(change)
    }

    async fn invite(&self, invitation: &NewInvitation) -> Result<Invited> {
        let mut tx = self.write().await?;
        let email_lower = invitation.email.to_lowercase();
        let pending: Option<String> = sqlx::query_scalar(
            "SELECT id FROM team_invitations WHERE team_id = ? AND email_lower = ? \
             AND accepted_at IS NULL AND cancelled_at IS NULL",
        )
        .bind(&invitation.team_id)
        .bind(&email_lower)
        .fetch_optional(&mut *tx)
        .await?;
        let invited = match pending {
            Some(id) => {
                sqlx::query(
                    "UPDATE team_invitations SET digest = ?, role = ?, invited_by = ?, \
                     sent_at = ?, expires_at = ? WHERE id = ?",
                )
                .bind(&invitation.digest)
                .bind(invitation.role.as_str())
                .bind(&invitation.invited_by)
                .bind(invitation.now)
                .bind(invitation.expires_at)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
                Invited::Renewed { id }
            }
            None => {
                sqlx::query(
                    "INSERT INTO team_invitations (id, team_id, email, email_lower, role, digest, \
                     invited_by, created_at, sent_at, expires_at) \
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(&invitation.id)
                .bind(&invitation.team_id)
                .bind(&invitation.email)
                .bind(&email_lower)
                .bind(invitation.role.as_str())
                .bind(&invitation.digest)
                .bind(&invitation.invited_by)
                .bind(invitation.now)
                .bind(invitation.now)
                .bind(invitation.expires_at)
                .execute(&mut *tx)
                .await?;
                Invited::Created {
                    id: invitation.id.clone(),
                }
            }
        };
        tx.commit().await?;
        Ok(invited)
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
             WHERE team_id = ? AND accepted_at IS NULL AND cancelled_at IS NULL \
             ORDER BY created_at DESC, rowid DESC",
        )
        .bind(team_id)
        .fetch_all(&self.reads)
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
            "UPDATE team_invitations SET digest = ?, sent_at = ?, expires_at = ? \
             WHERE id = ? AND team_id = ? AND accepted_at IS NULL AND cancelled_at IS NULL",
        )
        .bind(digest)
        .bind(now)
        .bind(expires_at)
        .bind(id)
        .bind(team_id)
        .execute(&self.writes)
        .await?;
        Ok(renewed.rows_affected() == 1)
    }

    async fn cancel_invitation(&self, team_id: &str, id: &str, now: UnixTime) -> Result<bool> {
        let cancelled = sqlx::query(
            "UPDATE team_invitations SET cancelled_at = ? \
             WHERE id = ? AND team_id = ? AND accepted_at IS NULL AND cancelled_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .bind(team_id)
        .execute(&self.writes)
        .await?;
        Ok(cancelled.rows_affected() == 1)
    }

    async fn check_invitation(
        &self,
        digest: &str,
        now: UnixTime,
    ) -> Result<Result<LiveInvitation, InvitationRefusal>> {
        // Read in a transaction of its own so the row is judged as one snapshot.
        let mut tx: Tx = self.reads.begin().await?;
        let judged = judge_invitation(invitation_row(&mut tx, digest).await?, now);
        tx.rollback().await?;
        Ok(judged)
    }

    async fn accept_invitation(
        &self,
        digest: &str,
        user_id: &str,
        now: UnixTime,
    ) -> Result<Acceptance> {
        let mut tx = self.write().await?;
        let live = match judge_invitation(invitation_row(&mut tx, digest).await?, now) {
            Ok(live) => live,
            Err(refusal) => return Ok(Acceptance::Refused(refusal)),
        };
        let already = role_in_tx(&mut tx, &live.team_id, user_id).await?.is_some();
        if !already {
            sqlx::query(
                "INSERT INTO team_members (team_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)",
            )
            .bind(&live.team_id)
            .bind(user_id)
            .bind(live.role.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE team_invitations SET accepted_at = ?, accepted_by = ? WHERE id = ?")
            .bind(now)
            .bind(user_id)
            .bind(&live.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(if already {
            Acceptance::AlreadyMember {
                team_id: live.team_id,
            }
        } else {
            Acceptance::Joined {
                team_id: live.team_id,
                role: live.role,
            }
        })
    }
}
