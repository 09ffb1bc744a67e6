//! PostgreSQL side of [`ServerSecrets`]: `signing_keys` and `server_secrets`.

use super::PgStore;
use crate::{Result, ServerSecrets, SigningKeyRecord, UnixTime};

/// Instances adding a signing key at once take turns on this transaction lock, so
/// the second sees the first's key and adds none.
const ROTATION_LOCK: i64 = 0x636f_7572_6b65_7973; // "courkeys"

#[async_trait::async_trait]
impl ServerSecrets for PgStore {
    async fn signing_keys(&self) -> Result<Vec<SigningKeyRecord>> {
        Ok(sqlx::query_as(
            "SELECT kid, pkcs8_pem, created_at FROM signing_keys ORDER BY created_at DESC, kid",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn add_signing_key(
        &self,
        key: &SigningKeyRecord,
        unless_created_after: UnixTime,
    ) -> Result<bool> {
        let mut tx = self.write().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(ROTATION_LOCK)
            .execute(&mut *tx)
            .await?;
        let added = sqlx::query(
            "INSERT INTO signing_keys (kid, pkcs8_pem, created_at) SELECT $1, $2, $3 \
             WHERE NOT EXISTS (SELECT 1 FROM signing_keys WHERE created_at > $4)",
        )
        .bind(&key.kid)
        .bind(&key.pkcs8_pem)
        .bind(key.created_at)
        .bind(unless_created_after)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(added.rows_affected() == 1)
    }

    async fn remove_signing_keys_before(&self, created_before: UnixTime) -> Result<u64> {
        Ok(
            sqlx::query("DELETE FROM signing_keys WHERE created_at < $1")
                .bind(created_before)
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }

    async fn shared_secret(&self, name: &str, candidate: &str) -> Result<String> {
        // A conflicting insert waits for the first one's commit, then does nothing;
        // the select then sees the committed value.
        sqlx::query(
            "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(name)
        .bind(candidate)
        .execute(&self.pool)
        .await?;
        let (value,): (String,) =
            sqlx::query_as("SELECT value FROM server_secrets WHERE name = $1")
                .bind(name)
                .fetch_one(&self.pool)
                .await?;
        Ok(value)
    }
}
