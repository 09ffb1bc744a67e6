//! `COURIER_BENCH_ONLY=store`: refresh-token rotation straight against the SQLite
//! store (no HTTP, the server's own pool settings), to tell SQLite's lock waits and
//! checkpoints apart from the rest of the request path. Writers either contend inside
//! SQLite (as the server runs them) or queue on an async mutex first; WAL checkpoints
//! are either left to commits (as the server does) or taken by a background task.
//! The queued and background variants emulate fixes without changing the server.

use std::sync::Arc;
use std::time::{Duration, Instant};

use courier_server::ACCESS_TOKEN_LIFETIME;
use courier_server::Clock as _;
use courier_server::ManualClock;
use courier_server::{new_token, token_digest};
use courier_store::sqlite::SqliteStore;
use courier_store::{ClientSeen, Grants as _, IssuedTokens, RefreshOutcome};
use sqlx::Connection as _;
use tokio::runtime::Runtime;
use tokio::sync::Mutex;

use super::fixtures::Fixtures;
use super::load::Samples;
use super::report::Row;
use super::{Config, common, cpu, quietest};

/// One way of running the writers.
struct Mode {
    name: &'static str,
    /// Writers take turns on an async mutex before touching the store.
    queued: bool,
    /// A separate connection checkpoints the WAL every 10 ms.
    background_checkpoints: bool,
    /// How many of the chains rotate at once.
    writers: usize,
}

const MODES: [Mode; 5] = [
    Mode {
        name: "store rotate, writers contend",
        queued: false,
        background_checkpoints: false,
        writers: usize::MAX,
    },
    Mode {
        name: "  + background checkpoints",
        queued: false,
        background_checkpoints: true,
        writers: usize::MAX,
    },
    Mode {
        name: "store rotate, writers queued",
        queued: true,
        background_checkpoints: false,
        writers: usize::MAX,
    },
    Mode {
        name: "  + background checkpoints",
        queued: true,
        background_checkpoints: true,
        writers: usize::MAX,
    },
    Mode {
        name: "store rotate, one writer",
        queued: false,
        background_checkpoints: false,
        writers: 1,
    },
];

/// Statement round trips first, then each [`Mode`] for the configured duration.
pub fn diagnose(
    runtime: &Runtime,
    server: &common::TestServer,
    fixtures: &Fixtures,
    config: &Config,
) -> anyhow::Result<Vec<Row>> {
    let url = format!(
        "sqlite://{}",
        server.data_dir().join("courier.db").display()
    );
    let (statement, transaction) = runtime.block_on(round_trips(&url))?;
    println!(
        "sqlx + SQLite on one idle connection: {:.1} us per statement round trip (SELECT 1), \
         {:.1} us per empty BEGIN IMMEDIATE + COMMIT\n",
        statement.as_secs_f64() * 1e6,
        transaction.as_secs_f64() * 1e6
    );
    let store = Arc::new(runtime.block_on(SqliteStore::open(&url))?);
    let duration = Duration::from_secs(config.seconds);
    let mut chains = fixtures.store_tokens.clone();
    let mut rows = Vec::new();
    for mode in MODES {
        let (samples, usage) = quietest(mode.name.trim(), config.attempts, || {
            let queue = mode.queued.then(|| Arc::new(Mutex::new(())));
            let writers = chains.iter().take(mode.writers).cloned().collect();
            let before = cpu::Snapshot::take()?;
            let until = Instant::now() + duration;
            let checkpointer = mode
                .background_checkpoints
                .then(|| runtime.spawn(checkpoint_until(url.clone(), until)));
            let (samples, rotated) = runtime.block_on(rotate(
                Arc::clone(&store),
                server.clock().clone(),
                writers,
                queue,
                duration,
            ))?;
            if let Some(checkpointer) = checkpointer {
                runtime.block_on(checkpointer)??;
            }
            let usage = cpu::Usage::between(&before, &cpu::Snapshot::take()?);
            chains.splice(..rotated.len(), rotated);
            Ok((samples, usage))
        })?;
        rows.push(Row::new(mode.name, &samples, Some(usage)));
    }
    Ok(rows)
}

/// Each task rotates its own chain for `duration`, as the token endpoint would;
/// returns the samples and each chain's current token.
async fn rotate(
    store: Arc<SqliteStore>,
    clock: ManualClock,
    chains: Vec<String>,
    queue: Option<Arc<Mutex<()>>>,
    duration: Duration,
) -> anyhow::Result<(Samples, Vec<String>)> {
    let until = Instant::now() + duration;
    let connections = chains.len();
    let tasks: Vec<_> = chains
        .into_iter()
        .map(|mut token| {
            let (store, clock, queue) = (Arc::clone(&store), clock.clone(), queue.clone());
            tokio::spawn(async move {
                let mut micros = Vec::new();
                while Instant::now() < until {
                    let next = new_token("crt");
                    let now = clock.now();
                    let issued = IssuedTokens {
                        access_digest: token_digest(&new_token("cat")),
                        access_expires_at: now + ACCESS_TOKEN_LIFETIME,
                        refresh_digest: Some(token_digest(&next)),
                    };
                    let started = Instant::now();
                    let _turn = match &queue {
                        Some(queue) => Some(queue.lock().await),
                        None => None,
                    };
                    let outcome = store
                        .rotate_refresh_token(
                            &token_digest(&token),
                            common::DESKTOP_CLIENT_ID,
                            now,
                            &issued,
                            &ClientSeen::default(),
                            courier_store::DEFAULT_REFRESH_REUSE_GRACE,
                        )
                        .await?;
                    let RefreshOutcome::Rotated { .. } = outcome else {
                        anyhow::bail!("the chain broke: {outcome:?}");
                    };
                    micros.push(u32::try_from(started.elapsed().as_micros())?);
                    token = next;
                }
                anyhow::Ok((micros, token))
            })
        })
        .collect();
    let mut samples = Samples {
        connections,
        secs: duration.as_secs_f64(),
        ..Samples::default()
    };
    let mut tokens = Vec::new();
    for task in tasks {
        let (micros, token) = task.await??;
        samples.micros.extend(micros);
        tokens.push(token);
    }
    Ok((samples, tokens))
}

/// Checkpoints the WAL from its own connection every 10 ms until `until`, so that
/// commits rarely find it long enough to checkpoint (and fsync) themselves.
async fn checkpoint_until(url: String, until: Instant) -> anyhow::Result<()> {
    let mut connection = sqlx::SqliteConnection::connect(&url).await?;
    let mut ticks = tokio::time::interval(Duration::from_millis(10));
    while Instant::now() < until {
        ticks.tick().await;
        sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&mut connection)
            .await?;
    }
    Ok(())
}

/// Mean time of one statement round trip through sqlx to its SQLite thread, and of
/// an empty `BEGIN IMMEDIATE` … `COMMIT`, on one otherwise idle connection.
async fn round_trips(url: &str) -> anyhow::Result<(Duration, Duration)> {
    const TRIPS: u32 = 2_000;
    let mut connection = sqlx::SqliteConnection::connect(url).await?;
    let started = Instant::now();
    for _ in 0..TRIPS {
        sqlx::query("SELECT 1").execute(&mut connection).await?;
    }
    let statement = started.elapsed() / TRIPS;
    let started = Instant::now();
    for _ in 0..TRIPS {
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut connection)
            .await?;
        sqlx::query("COMMIT").execute(&mut connection).await?;
    }
    let transaction = started.elapsed() / TRIPS;
    Ok((statement, transaction))
}
