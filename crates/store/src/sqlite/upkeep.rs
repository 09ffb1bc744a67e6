//! SQLite side of [`Upkeep`]: `spent_challenges` and the purge, whose cutoffs come
//! from [`crate::upkeep::Cutoffs`].

use super::SqliteStore;
use crate::upkeep::Cutoffs;
use crate::{Result, UnixTime, Upkeep};

#[async_trait::async_trait]
impl Upkeep for SqliteStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.reads).await?;
        Ok(())
    }

    async fn spend_challenge(&self, digest: &str, expires_at: UnixTime) -> Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO spent_challenges (digest, expires_at) VALUES (?, ?) \
             ON CONFLICT (digest) DO NOTHING",
        )
        .bind(digest)
        .bind(expires_at)
        .execute(&self.writes)
        .await?;
        Ok(inserted.rows_affected() == 1)
    }

    async fn purge_expired(&self, now: UnixTime) -> Result<u64> {
        let Cutoffs {
            expired,
            spent,
            ended_grants,
        } = Cutoffs::at(now);
        let mut tx = self.write().await?;
        let mut purged = 0;
        for (sql, cutoff) in [
            ("DELETE FROM access_tokens WHERE expires_at <= ?", expired),
            ("DELETE FROM auth_requests WHERE expires_at <= ?", expired),
            // Spent codes stay until well past expiry so a late replay still finds them.
            ("DELETE FROM auth_codes WHERE expires_at <= ?", spent),
            ("DELETE FROM web_sessions WHERE expires_at <= ?", expired),
            ("DELETE FROM mail_links WHERE expires_at <= ?", spent),
            (
                "DELETE FROM spent_challenges WHERE expires_at <= ?",
                expired,
            ),
            (
                "DELETE FROM refresh_tokens WHERE used_at IS NOT NULL AND used_at <= ?",
                spent,
            ),
            (
                "DELETE FROM mail_queue WHERE status <> 'queued' AND finished_at <= ?",
                spent,
            ),
            // Their refresh and access tokens go with them (ON DELETE CASCADE).
            (
                "DELETE FROM grants WHERE expires_at <= ?1 OR revoked_at <= ?1",
                ended_grants,
            ),
        ] {
            purged += sqlx::query(sql)
                .bind(cutoff)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(purged)
    }
}
