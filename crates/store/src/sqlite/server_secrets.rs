//! SQLite side of [`ServerSecrets`]: `signing_keys` and `server_secrets`.

use super::SqliteStore;
use crate::{Result, ServerSecrets, SigningKeyRecord, UnixTime};

#[async_trait::async_trait]
impl ServerSecrets for SqliteStore {
    async fn signing_keys(&self) -> Result<Vec<SigningKeyRecord>> {
        Ok(sqlx::query_as(
            "SELECT kid, pkcs8_pem, created_at FROM signing_keys ORDER BY created_at DESC, kid",
        )
        .fetch_all(&self.reads)
        .await?)
    }

    async fn add_signing_key(
        &self,
        key: &SigningKeyRecord,
        unless_created_after: UnixTime,
    ) -> Result<bool> {
        // One writer: the check and the insert cannot interleave with another's.
        let added = sqlx::query(
            "INSERT INTO signing_keys (kid, pkcs8_pem, created_at) SELECT ?, ?, ? \
             WHERE NOT EXISTS (SELECT 1 FROM signing_keys WHERE created_at > ?)",
        )
        .bind(&key.kid)
        .bind(&key.pkcs8_pem)
        .bind(key.created_at)
        .bind(unless_created_after)
        .execute(&self.writes)
        .await?;
        Ok(added.rows_affected() == 1)
    }

    async fn remove_signing_keys_before(&self, created_before: UnixTime) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM signing_keys WHERE created_at < ?")
            .bind(created_before)
            .execute(&self.writes)
            .await?
            .rows_affected())
    }

    async fn shared_secret(&self, name: &str, candidate: &str) -> Result<String> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(name)
        .bind(candidate)
        .execute(&mut *tx)
        .await?;
        let (value,): (String,) = sqlx::query_as("SELECT value FROM server_secrets WHERE name = ?")
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(value)
    }
}
