//! SQLite side of Account Settings: profile reads and the all-or-nothing profile
//! update, avatars, the email change (request and confirmation, each one
//! transaction) and support requests. The [`super::SqliteStore`] trait methods
//! delegate here.

use sqlx::{QueryBuilder, Sqlite};

use super::SqliteStore;
use crate::{
    EmailChangeOutcome, LinkOutcome, LinkPurpose, MailLink, NewAvatar, ProfileChanges,
    ProfileRecord, SupportRecord,
};
use crate::{Result, StoreError, UnixTime};

const PROFILE_SELECT: &str = "SELECT u.id, u.username, u.email, u.email_confirmed_at, \
     u.pending_email, u.name, u.bio, u.website, u.links, u.public_profile, u.configured_at, \
     u.created_at, a.version AS avatar_version \
     FROM users u LEFT JOIN avatars a ON a.user_id = u.id";

const SUPPORT_COLUMNS: &str =
    "id, user_id, category, subject, description, status, created_at, updated_at";

pub(super) async fn profile(store: &SqliteStore, user_id: &str) -> Result<Option<ProfileRecord>> {
    let sql = format!("{PROFILE_SELECT} WHERE u.id = ?");
    Ok(sqlx::query_as(&sql)
        .bind(user_id)
        .fetch_optional(&store.reads)
        .await?)
}

pub(super) async fn profile_by_username(
    store: &SqliteStore,
    username: &str,
) -> Result<Option<ProfileRecord>> {
    let sql = format!("{PROFILE_SELECT} WHERE u.username_lower = ?");
    Ok(sqlx::query_as(&sql)
        .bind(username.to_lowercase())
        .fetch_optional(&store.reads)
        .await?)
}

pub(super) async fn update_profile(
    store: &SqliteStore,
    user_id: &str,
    changes: &ProfileChanges,
    now: UnixTime,
) -> Result<Option<ProfileRecord>> {
    // One UPDATE statement inside one transaction: every field changes or none.
    let mut query: QueryBuilder<Sqlite> = QueryBuilder::new("UPDATE users SET updated_at = ");
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

    let mut tx = store.write().await?;
    match query.build().execute(&mut *tx).await {
        Ok(_) => {}
        Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
            return Err(StoreError::Conflict("username"));
        }
        Err(error) => return Err(error.into()),
    }
    let sql = format!("{PROFILE_SELECT} WHERE u.id = ?");
    let updated: Option<ProfileRecord> = sqlx::query_as(&sql)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(updated)
}

pub(super) async fn set_avatar(store: &SqliteStore, avatar: &NewAvatar) -> Result<()> {
    let mut tx = store.write().await?;
    sqlx::query(
        "INSERT INTO avatars (user_id, version, png, updated_at) VALUES (?, ?, ?, ?) \
         ON CONFLICT (user_id) DO UPDATE SET version = excluded.version, png = excluded.png, \
         updated_at = excluded.updated_at",
    )
    .bind(&avatar.user_id)
    .bind(&avatar.version)
    .bind(&avatar.png)
    .bind(avatar.updated_at)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE users SET updated_at = ? WHERE id = ?")
        .bind(avatar.updated_at)
        .bind(&avatar.user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn delete_avatar(
    store: &SqliteStore,
    user_id: &str,
    now: UnixTime,
) -> Result<bool> {
    let mut tx = store.write().await?;
    let deleted = sqlx::query("DELETE FROM avatars WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if deleted > 0 {
        sqlx::query("UPDATE users SET updated_at = ? WHERE id = ?")
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(deleted > 0)
}

pub(super) async fn avatar_png(
    store: &SqliteStore,
    user_id: &str,
    version: &str,
) -> Result<Option<Vec<u8>>> {
    let row: Option<(Vec<u8>,)> =
        sqlx::query_as("SELECT png FROM avatars WHERE user_id = ? AND version = ?")
            .bind(user_id)
            .bind(version)
            .fetch_optional(&store.reads)
            .await?;
    Ok(row.map(|(png,)| png))
}

pub(super) async fn request_email_change(
    store: &SqliteStore,
    user_id: &str,
    new_email: Option<&str>,
    link: Option<&MailLink>,
    now: UnixTime,
) -> Result<()> {
    let mut tx = store.write().await?;
    sqlx::query("UPDATE users SET pending_email = ?, updated_at = ? WHERE id = ?")
        .bind(new_email)
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    // Only the newest link works: a person who corrected a typo must not be able
    // to confirm the earlier address by mistake.
    sqlx::query(
        "UPDATE mail_links SET used_at = ? \
         WHERE user_id = ? AND purpose = ? AND used_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .bind(LinkPurpose::ChangeEmail.as_str())
    .execute(&mut *tx)
    .await?;
    if let Some(link) = link {
        super::insert_mail_link_with(&mut *tx, link).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn confirm_email_change(
    store: &SqliteStore,
    digest: &str,
    now: UnixTime,
) -> Result<EmailChangeOutcome> {
    let mut tx = store.write().await?;
    let (user_id, new_email) =
        match super::spend_mail_link_in(&mut tx, digest, LinkPurpose::ChangeEmail, now).await? {
            Ok(live) => (live.user_id, live.email),
            Err(LinkOutcome::Expired) => return Ok(EmailChangeOutcome::Expired),
            Err(LinkOutcome::AlreadyUsed) => return Ok(EmailChangeOutcome::AlreadyUsed),
            Err(_) => return Ok(EmailChangeOutcome::Unknown),
        };
    let account: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT email, pending_email FROM users WHERE id = ?")
            .bind(&user_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((old_email, pending)) = account else {
        return Ok(EmailChangeOutcome::Unknown);
    };
    let still_waiting =
        pending.is_some_and(|pending| pending.to_lowercase() == new_email.to_lowercase());
    if !still_waiting {
        tx.commit().await?;
        return Ok(EmailChangeOutcome::Superseded);
    }
    let changed = sqlx::query(
        "UPDATE users SET email = ?, email_lower = ?, email_confirmed_at = ?, \
         pending_email = NULL, updated_at = ? WHERE id = ?",
    )
    .bind(&new_email)
    .bind(new_email.to_lowercase())
    .bind(now)
    .bind(now)
    .bind(&user_id)
    .execute(&mut *tx)
    .await;
    match changed {
        Ok(_) => {}
        // Dropping the transaction rolls back the spent link too: nothing changed.
        Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
            return Ok(EmailChangeOutcome::Taken);
        }
        Err(error) => return Err(error.into()),
    }
    tx.commit().await?;
    Ok(EmailChangeOutcome::Changed {
        user_id,
        old_email,
        new_email,
    })
}

pub(super) async fn insert_support_request(
    store: &SqliteStore,
    request: &SupportRecord,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO support_requests (id, user_id, category, subject, description, status, \
         created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&request.id)
    .bind(&request.user_id)
    .bind(&request.category)
    .bind(&request.subject)
    .bind(&request.description)
    .bind(&request.status)
    .bind(request.created_at)
    .bind(request.updated_at)
    .execute(&store.writes)
    .await?;
    Ok(())
}

pub(super) async fn support_requests(
    store: &SqliteStore,
    user_id: &str,
) -> Result<Vec<SupportRecord>> {
    let sql = format!(
        "SELECT {SUPPORT_COLUMNS} FROM support_requests WHERE user_id = ? \
         ORDER BY created_at DESC, rowid DESC"
    );
    Ok(sqlx::query_as(&sql)
        .bind(user_id)
        .fetch_all(&store.reads)
        .await?)
}
