//! PostgreSQL side of [`Upkeep`]: `spent_challenges`, `attempt_counters` and the purge, whose cutoffs come
//! from [`crate::upkeep::Cutoffs`]. Two instances purging at once delete disjoint
//! rows or nothing: a row already deleted is simply not counted twice.

use super::PgStore;
use crate::upkeep::Cutoffs;
use crate::{Result, UnixTime, Upkeep};

#[async_trait::async_trait]
impl Upkeep for PgStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn count_attempt(&self, key: &str, now: UnixTime, window: i64) -> Result<u32> {
        let attempts: i64 = sqlx::query_scalar(
            "INSERT INTO attempt_counters (key, attempts, expires_at) VALUES ($1, 1, $2 + $3) \
             ON CONFLICT (key) DO UPDATE SET \
             attempts = CASE WHEN attempt_counters.expires_at > $2 \
                 THEN attempt_counters.attempts + 1 ELSE 1 END, \
             expires_at = CASE WHEN attempt_counters.expires_at > $2 \
                 THEN attempt_counters.expires_at ELSE $2 + $3 END \
             RETURNING attempts",
        )
        .bind(key)
        .bind(now)
        .bind(window)
        .fetch_one(&self.pool)
        .await?;
        Ok(u32::try_from(attempts).unwrap_or(u32::MAX))
    }

    async fn forget_attempts(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM attempt_counters WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn spend_challenge(&self, digest: &str, expires_at: UnixTime) -> Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO spent_challenges (digest, expires_at) VALUES ($1, $2) \
             ON CONFLICT (digest) DO NOTHING",
        )
        .bind(digest)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(inserted.rows_affected() == 1)
    }

    async fn purge_expired(&self, now: UnixTime) -> Result<u64> {
        let Cutoffs {
            expired,
            spent,
            ended_grants,
            applied_operations,
        } = Cutoffs::at(now);
        let mut tx = self.write().await?;
        let mut purged = 0;
        for (sql, cutoff) in [
            ("DELETE FROM access_tokens WHERE expires_at <= $1", expired),
            ("DELETE FROM auth_requests WHERE expires_at <= $1", expired),
            // Spent codes stay until well past expiry so a late replay still finds them.
            ("DELETE FROM auth_codes WHERE expires_at <= $1", spent),
            ("DELETE FROM web_sessions WHERE expires_at <= $1", expired),
            ("DELETE FROM mail_links WHERE expires_at <= $1", spent),
            (
                "DELETE FROM spent_challenges WHERE expires_at <= $1",
                expired,
            ),
            (
                "DELETE FROM attempt_counters WHERE expires_at <= $1",
                expired,
            ),
            (
                "DELETE FROM refresh_tokens WHERE used_at IS NOT NULL AND used_at <= $1",
                spent,
            ),
            (
                "DELETE FROM mail_queue WHERE status <> 'queued' AND finished_at <= $1",
                spent,
            ),
            // Their refresh and access tokens go with them (ON DELETE CASCADE).
            (
                "DELETE FROM grants WHERE expires_at <= $1 OR revoked_at <= $1",
                ended_grants,
            ),
            (
                "DELETE FROM synced_operations WHERE applied_at <= $1",
                applied_operations,
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
