//! The team under test, seeded straight into the server's SQLite file beside the
//! running server (WAL lets both write; the server is idle meanwhile): 1,000 members
//! and 1,000 pending invitations cost seconds this way, where signing 1,000 people up
//! through the pages would cost an Argon2 hash and a mail each. The accounts the
//! bench signs in through the pages (the admin, the listeners) are added the same
//! way, through the store's own invite-and-accept.

use std::sync::Arc;

use anyhow::{Context as _, ensure};
use courier_store::{Acceptance, NewInvitation, Store, TeamRole, User};

/// A week, as the server's invitations last.
const INVITATION_LIFETIME: i64 = 7 * 24 * 3600;

pub struct Seeder {
    store: Arc<dyn Store>,
    team_id: String,
    admin_id: String,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

impl Seeder {
    pub async fn open(database_url: &str, team_id: &str, admin_id: &str) -> anyhow::Result<Self> {
        let store = courier_store::connect(database_url)
            .await
            .context("opening the server's database")?;
        Ok(Self {
            store,
            team_id: team_id.to_owned(),
            admin_id: admin_id.to_owned(),
        })
    }

    /// `count` confirmed accounts (no usable password) who are members of the team.
    pub async fn members(&self, count: usize) -> anyhow::Result<()> {
        for n in 0..count {
            let user = User {
                id: new_id(),
                email: format!("member{n}@example.com"),
                username: format!("member{n}"),
                password_hash: "!".to_owned(),
                name: Some(format!("Member {n}")),
                email_confirmed_at: Some(now()),
                created_at: now(),
            };
            self.store.create_user(&user).await?;
            self.add(&user.id, &user.email).await?;
        }
        Ok(())
    }

    /// `count` pending invitations to addresses without accounts.
    pub async fn pending_invitations(&self, count: usize) -> anyhow::Result<()> {
        for n in 0..count {
            self.invite(&format!("invited{n}@example.com"), &new_id())
                .await?;
        }
        Ok(())
    }

    /// Makes `user_id` a member (again), as accepting an invitation does.
    pub async fn add(&self, user_id: &str, email: &str) -> anyhow::Result<()> {
        let digest = new_id();
        self.invite(email, &digest).await?;
        let accepted = self
            .store
            .accept_invitation(&digest, user_id, now())
            .await?;
        ensure!(
            matches!(accepted, Acceptance::Joined { .. }),
            "{email} did not join: {accepted:?}"
        );
        Ok(())
    }

    async fn invite(&self, email: &str, digest: &str) -> anyhow::Result<()> {
        let now = now();
        self.store
            .invite(&NewInvitation {
                id: new_id(),
                team_id: self.team_id.clone(),
                email: email.to_owned(),
                role: TeamRole::Member,
                digest: digest.to_owned(),
                invited_by: self.admin_id.clone(),
                now,
                expires_at: now + INVITATION_LIFETIME,
            })
            .await?;
        Ok(())
    }
}
