//! The PostgreSQL store, for installations that outgrow one machine: several
//! `courier-server` instances share one database. One pool serves reads and writes;
//! each write is one transaction at READ COMMITTED, and a rule that reads before it
//! writes (a code redeemed once, a refresh token rotated once, the last admin kept)
//! locks the rows it decides on (`SELECT … FOR UPDATE`) or writes conditionally
//! (`UPDATE … WHERE used_at IS NULL RETURNING …`), so two instances racing on the same
//! token decide once. The decisions themselves come from the crate's shared rules,
//! exactly as in [`crate::sqlite`]. Migrations live in `migrations/postgres`; sqlx
//! takes an advisory lock while it runs them, so instances starting together are safe.

mod accounts;
mod authorizations;
mod billing;
mod discovery;
mod email_change;
mod grants;
mod links;
mod mail_queue;
mod profiles;
mod rotations;
mod server_secrets;
mod sessions;
mod support;
mod sync_keys;
mod teams;
mod upkeep;
mod workspaces;

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};

use crate::Result;
use crate::rotations::RotationQueue;

/// The PostgreSQL backend.
pub struct PgStore {
    pool: PgPool,
    /// Refresh rotations, committed together when they arrive together.
    rotations: RotationQueue,
}

/// A write transaction.
type Tx = Transaction<'static, Postgres>;

/// Connections per instance: enough for the request path's concurrency on a few
/// cores, small enough that several instances stay under PostgreSQL's default
/// `max_connections` (100).
const MAX_CONNECTIONS: u32 = 16;

/// Rotation workers per instance: one batch commits while the next is read.
const ROTATION_WORKERS: usize = 2;

impl PgStore {
    /// Connects to the database at `url` (`postgres://…`) and runs the migrations.
    pub async fn open(url: &str) -> Result<Self> {
        let options: PgConnectOptions = url.parse()?;
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        let rotations = RotationQueue::start(
            rotations::PgRotations { pool: pool.clone() },
            ROTATION_WORKERS,
        );
        Ok(Self { pool, rotations })
    }

    /// The pool, for [`crate::transfer`].
    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn write(&self) -> Result<Tx> {
        Ok(self.pool.begin().await?)
    }
}
