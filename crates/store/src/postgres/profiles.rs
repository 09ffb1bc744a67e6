//! PostgreSQL side of [`Profiles`]: the profile columns of `users`, `avatars` and the
//! notification preferences (JSON on `users`). A profile write is one statement on the
//! account's row, so racing writes apply one after the other; two accounts taking one
//! username at once meet in the unique index on `username_lower`, and the second
//! conflicts. Avatar writes lock the avatar's row before the account's.

use courier_proto::NotificationPreferences;
use sqlx::{Postgres, QueryBuilder};

use super::PgStore;
use crate::{NewAvatar, ProfileChanges, ProfileRecord, Profiles, Result, StoreError, UnixTime};

const PROFILE_SELECT: &str = "SELECT u.id, u.username, u.email, u.email_confirmed_at, \
     u.pending_email, u.name, u.bio, u.website, u.links, u.public_profile, u.configured_at, \
     u.created_at, a.version AS avatar_version \
     FROM users u LEFT JOIN avatars a ON a.user_id = u.id";

#[async_trait::async_trait]
impl Profiles for PgStore {
    async fn profile(&self, user_id: &str) -> Result<Option<ProfileRecord>> {
        let sql = format!("{PROFILE_SELECT} WHERE u.id = $1");
        Ok(sqlx::query_as(&sql)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn profile_by_username(&self, username: &str) -> Result<Option<ProfileRecord>> {
        let sql = format!("{PROFILE_SELECT} WHERE u.username_lower = $1");
        Ok(sqlx::query_as(&sql)
            .bind(username.to_lowercase())
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn update_profile(
        &self,
        user_id: &str,
        changes: &ProfileChanges,
        now: UnixTime,
    ) -> Result<Option<ProfileRecord>> {
        // One UPDATE statement inside one transaction: every field changes or none.
        let mut query: QueryBuilder<Postgres> = QueryBuilder::new("UPDATE users SET updated_at = ");
        query.push_bind(now);
        if let Some(name) = &changes.name {
            query.push(", name = ").push_bind(name.clone());
        }
        if let Some(username) = &changes.username {
            query
                .push(", username = ")
                .push_bind(username.clone())
                .push(", username_lower = ")
                .push_bind(username.to_lowercase());
        }
        if let Some(bio) = &changes.bio {
            query.push(", bio = ").push_bind(bio.clone());
        }
        if let Some(website) = &changes.website {
            query.push(", website = ").push_bind(website.clone());
        }
        if let Some(links) = &changes.links {
            let json = serde_json::to_string(links).map_err(|error| StoreError::Encode {
                what: "profile links",
                message: error.to_string(),
            })?;
            query.push(", links = ").push_bind(json);
        }
        if let Some(public) = changes.public {
            query.push(", public_profile = ").push_bind(public);
        }
        match changes.configured {
            Some(true) => {
                query
                    .push(", configured_at = COALESCE(configured_at, ")
                    .push_bind(now)
                    .push(")");
            }
            Some(false) => {
                query.push(", configured_at = NULL");
            }
            None => {}
        }
        query.push(" WHERE id = ").push_bind(user_id.to_owned());

        let mut tx = self.write().await?;
        match query.build().execute(&mut *tx).await {
            Ok(_) => {}
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                return Err(StoreError::Conflict("username"));
            }
            Err(error) => return Err(error.into()),
        }
        // Read inside the transaction: the row as this update left it.
        let sql = format!("{PROFILE_SELECT} WHERE u.id = $1");
        let updated: Option<ProfileRecord> = sqlx::query_as(&sql)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(updated)
    }

    async fn set_avatar(&self, avatar: &NewAvatar) -> Result<()> {
        // The avatar's row, then the account's: the order `delete_avatar` keeps too.
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO avatars (user_id, version, png, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id) DO UPDATE SET version = EXCLUDED.version, \
             png = EXCLUDED.png, updated_at = EXCLUDED.updated_at",
        )
        .bind(&avatar.user_id)
        .bind(&avatar.version)
        .bind(&avatar.png)
        .bind(avatar.updated_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET updated_at = $1 WHERE id = $2")
            .bind(avatar.updated_at)
            .bind(&avatar.user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_avatar(&self, user_id: &str, now: UnixTime) -> Result<bool> {
        let mut tx = self.write().await?;
        let deleted = sqlx::query("DELETE FROM avatars WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if deleted > 0 {
            sqlx::query("UPDATE users SET updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(deleted > 0)
    }

    async fn avatar_png(&self, user_id: &str, version: &str) -> Result<Option<Vec<u8>>> {
        let row: Option<(Vec<u8>,)> =
            sqlx::query_as("SELECT png FROM avatars WHERE user_id = $1 AND version = $2")
                .bind(user_id)
                .bind(version)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(png,)| png))
    }

    async fn notification_preferences(&self, user_id: &str) -> Result<NotificationPreferences> {
        let stored: Option<(Option<String>,)> =
            sqlx::query_as("SELECT notification_prefs FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        // Unset, or written by a version that had other categories: the defaults.
        Ok(stored
            .and_then(|(json,)| json)
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default())
    }

    async fn set_notification_preferences(
        &self,
        user_id: &str,
        preferences: &NotificationPreferences,
        now: UnixTime,
    ) -> Result<()> {
        let json = serde_json::to_string(preferences).map_err(|error| StoreError::Encode {
            what: "notification preferences",
            message: error.to_string(),
        })?;
        sqlx::query("UPDATE users SET notification_prefs = $1, updated_at = $2 WHERE id = $3")
            .bind(json)
            .bind(now)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
