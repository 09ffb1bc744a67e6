//! [`courier_store::transfer`]: its table list is exactly the schema of both backends
//! (a table or column added to a migration and not to the list fails here), and a move
//! into a PostgreSQL database that already holds rows is refused and writes nothing.
//! The PostgreSQL tests get a database of their own in the cluster
//! `scripts/with-postgres.sh` provides (skipped without one, except under CI).

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use courier_store::transfer::{Kind, TABLES, copy_sqlite_to_postgres};
use courier_store::{BillingWrite, InvoiceRecord, Store, TeamRecord, User};
use sqlx::{Connection as _, Row as _};

/// The list as `table → [(column, kind)]`.
fn listed() -> BTreeMap<String, Vec<(String, Kind)>> {
    TABLES
        .iter()
        .map(|table| {
            let columns = table
                .columns
                .iter()
                .map(|(name, kind)| ((*name).to_owned(), *kind))
                .collect();
            (table.name.to_owned(), columns)
        })
        .collect()
}

fn sorted(mut columns: Vec<(String, Kind)>) -> Vec<(String, Kind)> {
    columns.sort_by(|a, b| a.0.cmp(&b.0));
    columns
}

async fn sqlite_store(dir: &tempfile::TempDir) -> (String, std::sync::Arc<dyn Store>) {
    let url = format!("sqlite://{}", dir.path().join("courier.db").display());
    let store = courier_store::connect(&url).await.unwrap();
    (url, store)
}

/// A new, empty database in the test cluster; `None` (skip) outside CI without one.
async fn fresh_postgres() -> Option<String> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let url = match std::env::var("COURIER_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => url,
        _ if std::env::var_os("CI").is_some() => {
            panic!("COURIER_TEST_POSTGRES_URL is unset: run under scripts/with-postgres.sh")
        }
        _ => {
            eprintln!("skipped: no PostgreSQL (run under scripts/with-postgres.sh)");
            return None;
        }
    };
    let name = format!(
        "transfer_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let (base, query) = url.split_once('?').unwrap_or((&url, ""));
    let server = base.rsplit_once('/').unwrap().0;
    Some(format!("{server}/{name}?{query}"))
}

/// Invoice `number` of team `team`, issued at `issued_at`.
fn invoice(team: &str, number: &str, issued_at: i64) -> InvoiceRecord {
    InvoiceRecord {
        id: format!("in-{number}"),
        team_id: team.to_owned(),
        number: number.to_owned(),
        issued_at,
        period_start: issued_at,
        period_end: issued_at + 30 * 86_400,
        total_minor: 1_200,
        currency: "EUR".to_owned(),
        status: "open".to_owned(),
        document: format!("{{\"number\":\"{number}\"}}"),
        charge_id: (number == "A-1").then(|| "ch_1".to_owned()),
        updated_at: issued_at,
    }
}

/// A team of `admin`'s with a billing account, two invoices, and a webhook event
/// taken: what a move must carry of billing.
async fn billing_fixture(store: &dyn Store, admin: &User) -> BillingWrite {
    let team = TeamRecord {
        id: "team-acme".to_owned(),
        name: "Acme".to_owned(),
        slug: "acme".to_owned(),
        created_at: 1_900_000_000,
        updated_at: 1_900_000_000,
    };
    store.create_team(&team, &admin.id).await.unwrap();
    let write = BillingWrite {
        team_id: team.id.clone(),
        expected_revision: None,
        state: r#"{"plan":"team"}"#.to_owned(),
        due_at: Some(1_902_592_000),
        now: 1_900_000_100,
        new_invoices: vec![
            invoice(&team.id, "A-1", 1_900_000_000),
            invoice(&team.id, "A-2", 1_900_000_050),
        ],
        invoice_updates: Vec::new(),
    };
    assert!(store.save_billing(&write).await.unwrap().is_some());
    assert!(
        store
            .record_webhook_event("evt_1", 1_900_000_100)
            .await
            .unwrap()
    );
    write
}

fn user(name: &str) -> User {
    User {
        id: format!("id-{name}"),
        email: format!("{name}@example.test"),
        username: name.to_owned(),
        password_hash: "hash".to_owned(),
        name: None,
        email_confirmed_at: Some(1_900_000_000),
        created_at: 1_900_000_000,
    }
}

#[tokio::test]
async fn the_list_names_every_sqlite_table_and_column_with_its_kind() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _store) = sqlite_store(&dir).await;
    let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    let mut schema = BTreeMap::new();
    for table in tables {
        let columns = sqlx::query("SELECT name, type FROM pragma_table_info(?)")
            .bind(&table)
            .fetch_all(&mut db)
            .await
            .unwrap()
            .into_iter()
            .map(|row| {
                let name: String = row.get(0);
                let kind = match row.get::<String, _>(1).as_str() {
                    "TEXT" => Kind::Text,
                    "BLOB" => Kind::Bytes,
                    // A flag is an INTEGER in SQLite; the list says which are flags and
                    // the PostgreSQL test checks them against BOOLEAN.
                    "INTEGER" if listed_kind(&table, &name) == Some(Kind::Flag) => Kind::Flag,
                    "INTEGER" => Kind::Int,
                    other => panic!("{table}.{name}: unexpected SQLite type {other}"),
                };
                (name, kind)
            })
            .collect();
        schema.insert(table, sorted(columns));
    }
    let listed: BTreeMap<_, _> = listed()
        .into_iter()
        .map(|(table, columns)| (table, sorted(columns)))
        .collect();
    assert_eq!(listed, schema);
    assert_eq!(TABLES[0].name, "users", "accounts are copied first");
}

fn listed_kind(table: &str, column: &str) -> Option<Kind> {
    TABLES
        .iter()
        .find(|t| t.name == table)?
        .columns
        .iter()
        .find(|(name, _)| *name == column)
        .map(|(_, kind)| *kind)
}

#[tokio::test]
async fn the_list_names_every_postgres_table_and_column_with_its_kind() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let _store = courier_store::connect(&url).await.unwrap();
    let mut db = sqlx::PgConnection::connect(&url).await.unwrap();
    let rows = sqlx::query(
        "SELECT table_name::text, column_name::text, data_type::text, is_identity::text \
         FROM information_schema.columns WHERE table_schema = 'public' \
         AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    let mut schema: BTreeMap<String, Vec<(String, Kind)>> = BTreeMap::new();
    for row in rows {
        let (table, column, data_type, identity): (String, String, String, String) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        if identity == "YES" {
            // `seq`: generated in copy order, never copied.
            assert_eq!(column, "seq", "{table}");
            continue;
        }
        let kind = match data_type.as_str() {
            "text" => Kind::Text,
            "bigint" => Kind::Int,
            "boolean" => Kind::Flag,
            "bytea" => Kind::Bytes,
            other => panic!("{table}.{column}: unexpected PostgreSQL type {other}"),
        };
        schema.entry(table).or_default().push((column, kind));
    }
    let schema: BTreeMap<_, _> = schema.into_iter().map(|(t, c)| (t, sorted(c))).collect();
    let listed: BTreeMap<_, _> = listed()
        .into_iter()
        .map(|(table, columns)| (table, sorted(columns)))
        .collect();
    assert_eq!(listed, schema);
}

#[tokio::test]
async fn a_move_into_a_database_with_accounts_is_refused_and_writes_nothing() {
    let Some(postgres_url) = fresh_postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (sqlite_url, source) = sqlite_store(&dir).await;
    source.create_user(&user("ada")).await.unwrap();
    source.create_user(&user("grace")).await.unwrap();
    let billing = billing_fixture(source.as_ref(), &user("ada")).await;
    let target = courier_store::connect(&postgres_url).await.unwrap();
    target.create_user(&user("live")).await.unwrap();

    let error = copy_sqlite_to_postgres(&sqlite_url, &postgres_url)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("already holds rows in users"),
        "{error}"
    );
    assert!(target.user_by_login("ada").await.unwrap().is_none());
    assert!(target.user_by_login("live").await.unwrap().is_some());

    // Into an empty database the same source moves, every row.
    let Some(empty) = fresh_postgres().await else {
        return;
    };
    let report = copy_sqlite_to_postgres(&sqlite_url, &empty).await.unwrap();
    assert_eq!(report.rows("users"), 2);
    assert_eq!(report.tables.len(), TABLES.len());
    let moved = courier_store::connect(&empty).await.unwrap();
    assert_eq!(
        moved.user_by_login("grace").await.unwrap().unwrap().email,
        "grace@example.test"
    );
    for (table, rows) in [
        ("billing_accounts", 1),
        ("billing_invoices", 2),
        ("billing_webhook_events", 1),
    ] {
        assert_eq!(report.rows(table), rows, "{table}");
    }
    let account = moved
        .billing_account(&billing.team_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (account.state, account.due_at, account.revision),
        (billing.state.clone(), billing.due_at, 1)
    );
    let mut newest_first = billing.new_invoices.clone();
    newest_first.reverse();
    assert_eq!(
        moved.invoices(&billing.team_id, None, 10).await.unwrap(),
        newest_first
    );
    assert!(
        !moved
            .record_webhook_event("evt_1", 1_900_000_200)
            .await
            .unwrap(),
        "the event taken before the move is a replay after it"
    );
}

#[tokio::test]
async fn only_a_sqlite_source_and_a_postgres_target_are_accepted() {
    let error = copy_sqlite_to_postgres("postgres://x/y", "postgres://x/z")
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("source must be a sqlite"),
        "{error}"
    );
    let error = copy_sqlite_to_postgres("sqlite://x.db", "sqlite://y.db")
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("target must be a postgres"),
        "{error}"
    );
}
