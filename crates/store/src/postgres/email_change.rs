//! PostgreSQL side of [`EmailChanges`]: the waiting address on `users` and its links.
//! What confirming does is [`crate::email_change::confirmation`]'s call, on the
//! account's row and the link's row both locked (in [`super::links`]' order), so a
//! link confirmed twice at once changes the address once, and a request racing a
//! confirmation is either before it (the link superseded) or after it.

use super::{PgStore, links};
use crate::email_change::{Confirmation, confirmation};
use crate::{
    EmailChangeOutcome, EmailChanges, LinkPurpose, MailLink, Result, StoreError, UnixTime,
};

#[async_trait::async_trait]
impl EmailChanges for PgStore {
    async fn request_email_change(
        &self,
        user_id: &str,
        new_email: Option<&str>,
        link: Option<&MailLink>,
        now: UnixTime,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        // Locks the account's row first, as every transaction spending its links does.
        sqlx::query("UPDATE users SET pending_email = $1, updated_at = $2 WHERE id = $3")
            .bind(new_email)
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        // Only the newest link works: a person who corrected a typo must not be able
        // to confirm the earlier address by mistake.
        links::spend_all_in(&mut tx, user_id, LinkPurpose::ChangeEmail, now).await?;
        if let Some(link) = link {
            links::insert_with(&mut *tx, link).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn confirm_email_change(
        &self,
        digest: &str,
        now: UnixTime,
    ) -> Result<EmailChangeOutcome> {
        let mut tx = self.write().await?;
        links::lock_owner_in(&mut tx, digest, LinkPurpose::ChangeEmail).await?;
        let link = links::spend_in(&mut tx, digest, LinkPurpose::ChangeEmail, now).await?;
        let account: Option<(String, Option<String>)> = match &link {
            Ok(live) => {
                sqlx::query_as("SELECT email, pending_email FROM users WHERE id = $1")
                    .bind(&live.user_id)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            Err(_) => None,
        };
        let (user_id, old_email, new_email) = match confirmation(link, account) {
            // Dropping the transaction leaves the link as it was.
            Confirmation::Refuse(outcome) => return Ok(outcome),
            Confirmation::Supersede => {
                tx.commit().await?;
                return Ok(EmailChangeOutcome::Superseded);
            }
            Confirmation::Change {
                user_id,
                old_email,
                new_email,
            } => (user_id, old_email, new_email),
        };
        // Another account creating or confirming this address at the same moment
        // meets this one in the unique index on `email_lower`: one of them waits for
        // the other and then conflicts.
        let changed = sqlx::query(
            "UPDATE users SET email = $1, email_lower = $2, email_confirmed_at = $3, \
             pending_email = NULL, updated_at = $3 WHERE id = $4",
        )
        .bind(&new_email)
        .bind(new_email.to_lowercase())
        .bind(now)
        .bind(&user_id)
        .execute(&mut *tx)
        .await;
        match changed.map_err(StoreError::from) {
            Ok(_) => {}
            // Dropping the transaction rolls back the spent link too: nothing changed.
            Err(StoreError::Conflict(_)) => return Ok(EmailChangeOutcome::Taken),
            Err(error) => return Err(error),
        }
        // A reset link went to the old address: it must not take the account back
        // from whoever now holds the new one.
        links::spend_all_in(&mut tx, &user_id, LinkPurpose::ResetPassword, now).await?;
        tx.commit().await?;
        Ok(EmailChangeOutcome::Changed {
            user_id,
            old_email,
            new_email,
        })
    }
}
