//! Where the machine's CPU went during a window, from /proc: the server child (its
//! tokio workers, Argon2 threads, sqlx's SQLite threads, the rest), the PostgreSQL
//! cluster's processes when the bench can find them, this process (the load
//! generator), and everything else (other work sharing the machine).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use super::support::Disturbance;
use super::support::proc::{self, TICKS_PER_SECOND};

/// Cores used outside the bench's processes above which a window counts as disturbed.
pub const BUSY_CORES: f64 = 0.10;

/// The processes whose CPU is the system under test.
pub struct Watched {
    pub server: u32,
    /// The PostgreSQL postmaster, whose children are the backends serving the server.
    pub database: Option<u32>,
}

impl Watched {
    /// The postmaster of the cluster `database_url` reaches over a Unix socket (the
    /// socket's lock file holds its pid), as under `scripts/with-postgres.sh`.
    pub fn postmaster(database_url: &str) -> Option<u32> {
        let url = url::Url::parse(database_url).ok()?;
        let host = url
            .query_pairs()
            .find(|(key, _)| key == "host")
            .map(|(_, host)| PathBuf::from(host.as_ref()))?;
        let port = url.port().unwrap_or(5432);
        let lock = std::fs::read_to_string(host.join(format!(".s.PGSQL.{port}.lock"))).ok()?;
        lock.lines().next()?.trim().parse().ok()
    }
}

/// CPU times at one moment.
pub struct Snapshot {
    at: Instant,
    machine: u64,
    generator: u64,
    server: u64,
    server_threads: HashMap<String, (String, u64)>,
    database: HashMap<u32, u64>,
}

impl Snapshot {
    pub fn take(watched: &Watched) -> anyhow::Result<Self> {
        let server = watched.server.to_string();
        Ok(Self {
            at: Instant::now(),
            machine: proc::machine_ticks()?,
            generator: proc::process_ticks("self")?,
            server: proc::process_ticks(&server)?,
            server_threads: proc::thread_ticks(&server)?,
            database: watched.database.map(proc::family_ticks).unwrap_or_default(),
        })
    }
}

/// Cores used between two snapshots.
#[derive(Debug, Clone, Default)]
pub struct Usage {
    /// The server's tokio threads (`tokio-rt-worker`): HTTP, handlers, PostgreSQL's
    /// client side.
    pub workers: f64,
    /// The server's `argon2-N` password-hashing threads.
    pub argon2: f64,
    /// sqlx's SQLite connection threads, where SQLite's queries run.
    pub sqlite: f64,
    /// The whole server process.
    pub server: f64,
    /// The PostgreSQL cluster's processes (0 on SQLite, or when not found).
    pub database: f64,
    /// This process: the load threads.
    pub generator: f64,
    /// Everything else: other programs, the hypervisor (steal).
    pub outside: f64,
}

impl Usage {
    /// The average of several windows of the same length.
    pub fn mean(usages: &[Usage]) -> Self {
        let n = usages.len().max(1) as f64;
        let sum = |field: fn(&Usage) -> f64| usages.iter().map(field).sum::<f64>() / n;
        Self {
            workers: sum(|usage| usage.workers),
            argon2: sum(|usage| usage.argon2),
            sqlite: sum(|usage| usage.sqlite),
            server: sum(|usage| usage.server),
            database: sum(|usage| usage.database),
            generator: sum(|usage| usage.generator),
            outside: sum(|usage| usage.outside),
        }
    }

    pub fn between(before: &Snapshot, after: &Snapshot) -> Self {
        let wall = after.at.duration_since(before.at).as_secs_f64() * TICKS_PER_SECOND;
        let cores = |ticks: u64| ticks as f64 / wall;
        let (mut workers, mut argon2, mut sqlite) = (0, 0, 0);
        for (tid, (name, ticks)) in &after.server_threads {
            let earlier = before
                .server_threads
                .get(tid)
                .map_or(0, |(_, ticks)| *ticks);
            let used = ticks.saturating_sub(earlier);
            if name.starts_with("tokio-r") {
                workers += used;
            } else if name.starts_with("argon2-") {
                argon2 += used;
            } else if name.starts_with("sqlx-sqlite") {
                sqlite += used;
            }
        }
        let database: u64 = after
            .database
            .iter()
            .map(|(pid, ticks)| ticks.saturating_sub(*before.database.get(pid).unwrap_or(&0)))
            .sum();
        let server = after.server.saturating_sub(before.server);
        let generator = after.generator.saturating_sub(before.generator);
        let machine = after.machine.saturating_sub(before.machine);
        Self {
            workers: cores(workers),
            argon2: cores(argon2),
            sqlite: cores(sqlite),
            server: cores(server),
            database: cores(database),
            generator: cores(generator),
            outside: cores(machine.saturating_sub(server + database + generator)),
        }
    }
}

impl Disturbance for Usage {
    fn outside(&self) -> f64 {
        self.outside
    }

    fn disturbed(&self) -> bool {
        self.outside > BUSY_CORES
    }
}
