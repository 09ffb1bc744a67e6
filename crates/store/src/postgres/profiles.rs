//! PostgreSQL side of [`Profiles`]: not written yet.

#![allow(unused_variables)]

use courier_proto::NotificationPreferences;

use super::PgStore;
use crate::*;

#[async_trait::async_trait]
impl Profiles for PgStore {
    async fn profile(&self, user_id: &str) -> Result<Option<ProfileRecord>> {
        Err(super::not_yet())
    }

    async fn profile_by_username(&self, username: &str) -> Result<Option<ProfileRecord>> {
        Err(super::not_yet())
    }

    async fn update_profile(
        &self,
        user_id: &str,
        changes: &ProfileChanges,
        now: UnixTime,
    ) -> Result<Option<ProfileRecord>> {
        Err(super::not_yet())
    }

    async fn set_avatar(&self, avatar: &NewAvatar) -> Result<()> {
        Err(super::not_yet())
    }

    async fn delete_avatar(&self, user_id: &str, now: UnixTime) -> Result<bool> {
        Err(super::not_yet())
    }

    async fn avatar_png(&self, user_id: &str, version: &str) -> Result<Option<Vec<u8>>> {
        Err(super::not_yet())
    }

    async fn notification_preferences(&self, user_id: &str) -> Result<NotificationPreferences> {
        Err(super::not_yet())
    }

    async fn set_notification_preferences(
        &self,
        user_id: &str,
        preferences: &NotificationPreferences,
        now: UnixTime,
    ) -> Result<()> {
        Err(super::not_yet())
    }
}
