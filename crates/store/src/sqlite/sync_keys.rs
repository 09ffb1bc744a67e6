//! SQLite side of [`SyncKeys`]: `account_keys`, `synced_workspace_keys` and
//! `synced_workspaces.key_version`. A publish or a key replacement is one
//! `BEGIN IMMEDIATE` transaction on the single writer, so it cannot interleave with
//! another; a workspace's keys are read in one read transaction (one snapshot).

use super::SqliteStore;
use crate::sync_keys::{
    AccountKeyRow, DROP_REACHED_COPIES, INSERT_ACCOUNT_KEY, INSERT_COPY, KEY_VERSION, MINE,
    MemberRow, PUBLIC_KEY, PublishVerdict, SET_KEY_VERSION, UPDATE_ACCOUNT_KEY, account_key_record,
    account_key_sql, judge_publish, member_record, members_sql, published, reach,
    rotation_needed_sql,
};
use crate::{
    AccountKeyPut, AccountKeyRecord, PublishOutcome, Result, SyncKeys, UnixTime, WorkspaceKeysView,
    WrappedKeyRecord,
};

/// The current version of workspace `workspace_id` and who reaches it, if
/// `account_id` does; `lock` follows the version's read (the backend's row lock).
async fn reached(
    connection: &mut sqlx::SqliteConnection,
    workspace_id: &str,
    account_id: &str,
    lock: &str,
) -> Result<Option<(i64, Vec<MemberRow>)>> {
    let current: Option<i64> = sqlx::query_scalar(&format!("{KEY_VERSION}{lock}"))
        .bind(workspace_id)
        .bind(account_id)
        .fetch_optional(&mut *connection)
        .await?;
    let Some(current_version) = current else {
        return Ok(None);
    };
    let members: Vec<MemberRow> = sqlx::query_as(&members_sql())
        .bind(workspace_id)
        .bind(current_version)
        .fetch_all(&mut *connection)
        .await?;
    Ok(Some((current_version, members)))
}

#[async_trait::async_trait]
impl SyncKeys for SqliteStore {
    async fn put_account_key(
        &self,
        account_id: &str,
        public_key: &str,
        recovery_sealed: &str,
        now: UnixTime,
    ) -> Result<AccountKeyPut> {
        let mut tx = self.write().await?;
        let inserted = sqlx::query(INSERT_ACCOUNT_KEY)
            .bind(account_id)
            .bind(public_key)
            .bind(recovery_sealed)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        let mut replaced = false;
        if !inserted {
            let before: String = sqlx::query_scalar(PUBLIC_KEY)
                .bind(account_id)
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query(UPDATE_ACCOUNT_KEY)
                .bind(account_id)
                .bind(public_key)
                .bind(recovery_sealed)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            replaced = before != public_key;
        }
        if replaced {
            sqlx::query(DROP_REACHED_COPIES)
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
        }
        let row: AccountKeyRow = sqlx::query_as(&account_key_sql())
            .bind(account_id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(AccountKeyPut {
            record: account_key_record(row),
            replaced,
        })
    }

    async fn account_key(&self, account_id: &str) -> Result<Option<AccountKeyRecord>> {
        let row: Option<AccountKeyRow> = sqlx::query_as(&account_key_sql())
            .bind(account_id)
            .fetch_optional(&self.reads)
            .await?;
        Ok(row.map(account_key_record))
    }

    async fn workspace_keys(
        &self,
        workspace_id: &str,
        account_id: &str,
    ) -> Result<Option<WorkspaceKeysView>> {
        let mut tx = self.reads.begin().await?;
        let Some((current_version, members)) =
            reached(&mut tx, workspace_id, account_id, "").await?
        else {
            return Ok(None);
        };
        let mine: Vec<(i64, String)> = sqlx::query_as(MINE)
            .bind(workspace_id)
            .bind(account_id)
            .fetch_all(&mut *tx)
            .await?;
        let rotation_needed: bool = sqlx::query_scalar(&rotation_needed_sql())
            .bind(workspace_id)
            .bind(current_version)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(WorkspaceKeysView {
            current_version,
            mine: mine
                .into_iter()
                .map(|(version, wrapped)| WrappedKeyRecord { version, wrapped })
                .collect(),
            members: members.into_iter().map(member_record).collect(),
            rotation_needed,
        }))
    }

    async fn publish_workspace_key(
        &self,
        workspace_id: &str,
        account_id: &str,
        version: i64,
        wraps: &[(String, String)],
        now: UnixTime,
    ) -> Result<Option<PublishOutcome>> {
        let mut tx = self.write().await?;
        let Some((current_version, members)) =
            reached(&mut tx, workspace_id, account_id, "").await?
        else {
            return Ok(None);
        };
        let reach = reach(members);
        let (version, new_version, copies) =
            match judge_publish(current_version, account_id, version, wraps, &reach) {
                PublishVerdict::Answer(outcome) => return Ok(Some(outcome)),
                PublishVerdict::Write {
                    version,
                    new_version,
                    copies,
                } => (version, new_version, copies),
            };
        for (account, public_key, wrapped) in &copies {
            sqlx::query(INSERT_COPY)
                .bind(workspace_id)
                .bind(version)
                .bind(account)
                .bind(public_key)
                .bind(wrapped)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        if new_version {
            sqlx::query(SET_KEY_VERSION)
                .bind(version)
                .bind(workspace_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Some(published(version, new_version, &copies)))
    }
}
