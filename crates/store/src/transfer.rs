//! Moving an installation from SQLite to PostgreSQL without losing a row
//! (`courier-server move-data`). Both databases are opened (and migrated) through their
//! backends, the PostgreSQL one must be empty, and every table in [`TABLES`] is copied
//! in foreign-key order inside one PostgreSQL transaction: a failure anywhere leaves
//! the target as it was. The SQLite side is read in one read transaction, so the copy
//! is one consistent snapshot. Rows are read in `rowid` order, so PostgreSQL's `seq`
//! identity columns (where SQLite orders by `rowid`) come out in the same order.
//! SQLite's integer flags become BOOLEAN, its BLOBs BYTEA. sqlx's own
//! `_sqlx_migrations` table is not copied: each side keeps its own migration history.
//! `tests/transfer.rs` checks [`TABLES`] against both schemas, so a table or column
//! added to a migration but not here fails a test.

use sqlx::sqlite::SqliteRow;
use sqlx::{Postgres, QueryBuilder, Row as _};

use crate::postgres::PgStore;
use crate::sqlite::SqliteStore;
use crate::{Result, StoreError};

/// How a column's values cross from SQLite to PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// INTEGER on both sides (BIGINT in PostgreSQL).
    Int,
    /// INTEGER 0/1 in SQLite, BOOLEAN in PostgreSQL.
    Flag,
    /// BLOB in SQLite, BYTEA in PostgreSQL.
    Bytes,
}

/// A table and the columns copied, in the order they are copied.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
}

use Kind::{Bytes, Flag, Int, Text};

/// Every table the store keeps, parents before children (users first).
pub const TABLES: &[Table] = &[
    Table {
        name: "users",
        columns: &[
            ("id", Text),
            ("email", Text),
            ("email_lower", Text),
            ("username", Text),
            ("username_lower", Text),
            ("password_hash", Text),
            ("name", Text),
            ("email_confirmed_at", Int),
            ("created_at", Int),
            ("bio", Text),
            ("website", Text),
            ("links", Text),
            ("public_profile", Flag),
            ("configured_at", Int),
            ("pending_email", Text),
            ("notification_prefs", Text),
            ("password_changed_at", Int),
            ("updated_at", Int),
        ],
    },
    Table {
        name: "mail_links",
        columns: &[
            ("digest", Text),
            ("user_id", Text),
            ("purpose", Text),
            ("email", Text),
            ("created_at", Int),
            ("expires_at", Int),
            ("used_at", Int),
        ],
    },
    Table {
        name: "web_sessions",
        columns: &[
            ("digest", Text),
            ("id", Text),
            ("user_id", Text),
            ("keep_signed_in", Flag),
            ("created_at", Int),
            ("expires_at", Int),
            ("last_seen_at", Int),
            ("user_agent", Text),
            ("ip", Text),
            ("revoked_at", Int),
        ],
    },
    Table {
        name: "auth_requests",
        columns: &[
            ("id", Text),
            ("client_id", Text),
            ("redirect_uri", Text),
            ("scope", Text),
            ("state", Text),
            ("nonce", Text),
            ("code_challenge", Text),
            ("prompt", Text),
            ("login_hint", Text),
            ("device_name", Text),
            ("device_os", Text),
            ("created_at", Int),
            ("expires_at", Int),
            ("completed_at", Int),
        ],
    },
    Table {
        name: "grants",
        columns: &[
            ("id", Text),
            ("user_id", Text),
            ("client_id", Text),
            ("scope", Text),
            ("keep_signed_in", Flag),
            ("auth_time", Int),
            ("created_at", Int),
            ("expires_at", Int),
            ("revoked_at", Int),
            ("revoke_reason", Text),
            ("device_name", Text),
            ("device_os", Text),
            ("user_agent", Text),
            ("ip", Text),
            ("first_used_at", Int),
            ("last_used_at", Int),
        ],
    },
    Table {
        name: "auth_codes",
        columns: &[
            ("digest", Text),
            ("request_id", Text),
            ("user_id", Text),
            ("client_id", Text),
            ("redirect_uri", Text),
            ("scope", Text),
            ("nonce", Text),
            ("code_challenge", Text),
            ("keep_signed_in", Flag),
            ("auth_time", Int),
            ("device_name", Text),
            ("device_os", Text),
            ("created_at", Int),
            ("expires_at", Int),
            ("used_at", Int),
            ("grant_id", Text),
        ],
    },
    Table {
        name: "refresh_tokens",
        columns: &[
            ("digest", Text),
            ("grant_id", Text),
            ("created_at", Int),
            ("used_at", Int),
        ],
    },
    Table {
        name: "access_tokens",
        columns: &[("digest", Text), ("grant_id", Text), ("expires_at", Int)],
    },
    Table {
        name: "avatars",
        columns: &[
            ("user_id", Text),
            ("version", Text),
            ("png", Bytes),
            ("updated_at", Int),
        ],
    },
    Table {
        name: "support_requests",
        columns: &[
            ("id", Text),
            ("user_id", Text),
            ("category", Text),
            ("subject", Text),
            ("description", Text),
            ("status", Text),
            ("created_at", Int),
            ("updated_at", Int),
        ],
    },
    Table {
        name: "spent_challenges",
        columns: &[("digest", Text), ("expires_at", Int)],
    },
    Table {
        name: "attempt_counters",
        columns: &[("key", Text), ("attempts", Int), ("expires_at", Int)],
    },
    Table {
        name: "mail_queue",
        columns: &[
            ("id", Text),
            ("recipient", Text),
            ("subject", Text),
            ("body", Text),
            ("links", Text),
            ("queued_at", Int),
            ("status", Text),
            ("attempts", Int),
            ("due_at", Int),
            ("finished_at", Int),
        ],
    },
    Table {
        name: "teams",
        columns: &[
            ("id", Text),
            ("name", Text),
            ("slug", Text),
            ("slug_lower", Text),
            ("created_by", Text),
            ("created_at", Int),
            ("updated_at", Int),
        ],
    },
    Table {
        name: "team_members",
        columns: &[
            ("team_id", Text),
            ("user_id", Text),
            ("role", Text),
            ("joined_at", Int),
        ],
    },
    Table {
        name: "team_invitations",
        columns: &[
            ("id", Text),
            ("team_id", Text),
            ("email", Text),
            ("email_lower", Text),
            ("role", Text),
            ("digest", Text),
            ("invited_by", Text),
            ("created_at", Int),
            ("sent_at", Int),
            ("expires_at", Int),
            ("accepted_at", Int),
            ("accepted_by", Text),
            ("cancelled_at", Int),
        ],
    },
    Table {
        name: "team_discovery",
        columns: &[
            ("team_id", Text),
            ("enabled", Flag),
            ("join_policy", Text),
            ("updated_at", Int),
        ],
    },
    Table {
        name: "team_discovery_domains",
        columns: &[("team_id", Text), ("domain", Text)],
    },
    Table {
        name: "team_join_requests",
        columns: &[
            ("id", Text),
            ("team_id", Text),
            ("user_id", Text),
            ("created_at", Int),
            ("decided_at", Int),
            ("decided_by", Text),
            ("outcome", Text),
        ],
    },
    Table {
        name: "signing_keys",
        columns: &[("kid", Text), ("pkcs8_pem", Text), ("created_at", Int)],
    },
    Table {
        name: "server_secrets",
        columns: &[("name", Text), ("value", Text)],
    },
    Table {
        name: "synced_workspaces",
        columns: &[
            ("id", Text),
            ("owner_user", Text),
            ("owner_team", Text),
            ("seq", Int),
            ("created_by", Text),
            ("created_at", Int),
            ("key_version", Int),
        ],
    },
    Table {
        name: "synced_entities",
        columns: &[
            ("workspace_id", Text),
            ("entity", Text),
            ("id", Text),
            ("fields", Text),
            ("revision", Int),
            ("seq", Int),
            ("changed_at", Int),
        ],
    },
    Table {
        name: "synced_operations",
        columns: &[
            ("workspace_id", Text),
            ("id", Text),
            ("revision", Int),
            ("seq", Int),
            ("applied_at", Int),
        ],
    },
    Table {
        name: "account_keys",
        columns: &[
            ("account_id", Text),
            ("public_key", Text),
            ("recovery_sealed", Text),
            ("created_at", Int),
        ],
    },
    Table {
        name: "synced_workspace_keys",
        columns: &[
            ("workspace_id", Text),
            ("version", Int),
            ("account_id", Text),
            ("public_key", Text),
            ("wrapped", Text),
            ("created_at", Int),
        ],
    },
    Table {
        name: "billing_accounts",
        columns: &[
            ("team_id", Text),
            ("state", Text),
            ("due_at", Int),
            ("revision", Int),
            ("updated_at", Int),
        ],
    },
    Table {
        name: "billing_invoices",
        columns: &[
            ("id", Text),
            ("team_id", Text),
            ("number", Text),
            ("issued_at", Int),
            ("period_start", Int),
            ("period_end", Int),
            ("total_minor", Int),
            ("currency", Text),
            ("status", Text),
            ("document", Text),
            ("charge_id", Text),
            ("updated_at", Int),
        ],
    },
    Table {
        name: "billing_webhook_events",
        columns: &[("event_id", Text), ("received_at", Int)],
    },
];

/// Most values bound in one INSERT (PostgreSQL allows 65,535).
const MAX_BINDS: usize = 8_000;

/// What a move copied: rows per table, in the order copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferReport {
    pub tables: Vec<(&'static str, u64)>,
}

impl TransferReport {
    /// Rows copied from `table` (0 for a table not in the report).
    pub fn rows(&self, table: &str) -> u64 {
        self.tables
            .iter()
            .find(|(name, _)| *name == table)
            .map_or(0, |(_, rows)| *rows)
    }
}

/// One value read from SQLite.
enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Flag(Option<bool>),
    Bytes(Option<Vec<u8>>),
}

/// Copies every row of the SQLite database at `sqlite_url` into the empty PostgreSQL
/// database at `postgres_url`, migrating both first; all or nothing. Refused
/// ([`StoreError::Refused`]) when the PostgreSQL database already holds any row: a
/// move never merges into a live installation.
pub async fn copy_sqlite_to_postgres(
    sqlite_url: &str,
    postgres_url: &str,
) -> Result<TransferReport> {
    if !sqlite_url.starts_with("sqlite:") {
        return Err(StoreError::UnsupportedUrl(
            "the source must be a sqlite://… URL".into(),
        ));
    }
    if !(postgres_url.starts_with("postgres:") || postgres_url.starts_with("postgresql:")) {
        return Err(StoreError::UnsupportedUrl(
            "the target must be a postgres://… URL".into(),
        ));
    }
    let source = SqliteStore::open(sqlite_url).await?;
    let target = PgStore::open(postgres_url).await?;
    let mut reads = source.reads().begin().await?;
    let mut writes = target.pool().begin().await?;
    for table in TABLES {
        // An instance that started on the new database before the move would write
        // signing keys; anything at all there means it is not the empty target.
        let taken: bool =
            sqlx::query_scalar(&format!("SELECT EXISTS (SELECT 1 FROM {})", table.name))
                .fetch_one(&mut *writes)
                .await?;
        if taken {
            return Err(StoreError::Refused(format!(
                "the PostgreSQL database already holds rows in {}: move into a new, empty \
                 database (merging into a live installation is not supported)",
                table.name
            )));
        }
    }
    let mut report = TransferReport { tables: Vec::new() };
    for table in TABLES {
        let names: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
        let batch = MAX_BINDS / table.columns.len();
        let select = format!(
            "SELECT rowid, {} FROM {} WHERE rowid > ? ORDER BY rowid LIMIT ?",
            names.join(", "),
            table.name
        );
        let mut after = i64::MIN;
        let mut copied = 0u64;
        loop {
            let rows: Vec<SqliteRow> = sqlx::query(&select)
                .bind(after)
                .bind(i64::try_from(batch).unwrap_or(i64::MAX))
                .fetch_all(&mut *reads)
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get(0)?;
            let values = rows
                .iter()
                .map(|row| read_row(table, row))
                .collect::<Result<Vec<_>>>()?;
            let mut insert: QueryBuilder<'_, Postgres> = QueryBuilder::new(format!(
                "INSERT INTO {} ({}) ",
                table.name,
                names.join(", ")
            ));
            insert.push_values(values, |mut row, values| {
                for value in values {
                    push(&mut row, value);
                }
            });
            insert.build().execute(&mut *writes).await?;
            copied += rows.len() as u64;
            if rows.len() < batch {
                break;
            }
        }
        report.tables.push((table.name, copied));
    }
    writes.commit().await?;
    reads.rollback().await?;
    Ok(report)
}

fn read_row(table: &Table, row: &SqliteRow) -> Result<Vec<Value>> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, (_, kind))| {
            // Column 0 is the rowid.
            let i = i + 1;
            Ok(match kind {
                Text => Value::Text(row.try_get(i)?),
                Int => Value::Int(row.try_get(i)?),
                Flag => Value::Flag(row.try_get::<Option<i64>, _>(i)?.map(|flag| flag != 0)),
                Bytes => Value::Bytes(row.try_get(i)?),
            })
        })
        .collect()
}

fn push(row: &mut sqlx::query_builder::Separated<'_, '_, Postgres, &'static str>, value: Value) {
    match value {
        Value::Text(value) => row.push_bind(value),
        Value::Int(value) => row.push_bind(value),
        Value::Flag(value) => row.push_bind(value),
        Value::Bytes(value) => row.push_bind(value),
    };
}
