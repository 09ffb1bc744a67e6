//! CPU accounting from /proc: per thread group of this process, and the machine as
//! a whole, so a busy machine (another build) shows in the report.

use std::collections::HashMap;
use std::time::Instant;

use super::support::proc::{self, TICKS_PER_SECOND};
pub use super::support::proc::{model, this_thread_faults};

/// CPU times of the machine, this process and each of its threads at one moment.
pub struct Snapshot {
    at: Instant,
    /// Busy ticks of all CPUs together (user, nice, system, steal).
    machine: u64,
    process: u64,
    /// Ticks per thread id, with the thread's name.
    threads: HashMap<String, (String, u64)>,
}

impl Snapshot {
    pub fn take() -> anyhow::Result<Self> {
        let at = Instant::now();
        let machine = proc::machine_ticks()?;
        let process = proc::process_ticks("self")?;
        let threads = proc::thread_ticks("self")?;
        Ok(Self {
            at,
            machine,
            process,
            threads,
        })
    }
}

/// Cores used between two snapshots.
#[derive(Debug, Clone)]
pub struct Usage {
    /// The server runtime's tokio workers: HTTP, handlers, async glue.
    pub workers: f64,
    /// The server runtime's blocking threads: Argon2 hashing.
    pub blocking: f64,
    /// sqlx's SQLite connection threads, where queries run.
    pub sqlite: f64,
    /// Everything not in this process: other programs, the hypervisor (steal).
    pub outside: f64,
}

impl super::support::Disturbance for Usage {
    fn outside(&self) -> f64 {
        self.outside
    }

    /// Whether other work took a noticeable share of the machine.
    fn disturbed(&self) -> bool {
        self.outside > super::BUSY_CORES
    }
}

impl Usage {
    /// What was used from `before` to `after`.
    pub fn between(before: &Snapshot, after: &Snapshot) -> Self {
        let wall = after.at.duration_since(before.at).as_secs_f64() * TICKS_PER_SECOND;
        let cores = |ticks: u64| ticks as f64 / wall;
        let (mut workers, mut blocking, mut sqlite) = (0, 0, 0);
        for (tid, (name, ticks)) in &after.threads {
            let earlier = before.threads.get(tid).map_or(0, |(_, ticks)| *ticks);
            let used = ticks.saturating_sub(earlier);
            match name.as_str() {
                super::WORKER_THREADS => workers += used,
                // The server hashes on its own `argon2-N` threads.
                name if name == super::BLOCKING_THREADS || name.starts_with("argon2-") => {
                    blocking += used;
                }
                name if name.starts_with("sqlx-sqlite") => sqlite += used,
                _ => {}
            }
        }
        Self {
            workers: cores(workers),
            blocking: cores(blocking),
            sqlite: cores(sqlite),
            outside: cores(
                (after.machine - before.machine).saturating_sub(after.process - before.process),
            ),
        }
    }
}
