//! CPU accounting from /proc: per thread group of this process, and the machine as
//! a whole, so a busy machine (another build) shows in the report.

use std::collections::HashMap;
use std::time::Instant;

use anyhow::Context as _;

/// `USER_HZ`: the unit of /proc's CPU times on Linux.
const TICKS_PER_SECOND: f64 = 100.0;

/// The CPU model, from /proc/cpuinfo.
pub fn model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}

/// utime + stime, in ticks, from a /proc `stat` file (fields after `(comm)`).
fn stat_ticks(stat: &str) -> Option<(String, u64)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let comm = stat[open + 1..close].to_owned();
    let mut fields = stat[close + 1..].split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((comm, utime + stime))
}

/// CPU seconds the calling thread has used so far.
pub fn this_thread() -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat")?;
    let (_, ticks) = stat_ticks(&stat).context("unreadable /proc/thread-self/stat")?;
    Ok(ticks as f64 / TICKS_PER_SECOND)
}

/// Minor page faults the calling thread has taken so far.
pub fn this_thread_faults() -> anyhow::Result<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat")?;
    let close = stat
        .rfind(')')
        .context("unreadable /proc/thread-self/stat")?;
    // state ppid pgrp session tty_nr tpgid flags minflt
    let faults = stat[close + 1..].split_whitespace().nth(7);
    faults
        .and_then(|faults| faults.parse().ok())
        .context("unreadable /proc/thread-self/stat")
}

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
        let stat = std::fs::read_to_string("/proc/stat")?;
        let machine = stat
            .lines()
            .next()
            .and_then(|line| line.strip_prefix("cpu "))
            .map(|line| {
                line.split_whitespace()
                    .filter_map(|field| field.parse::<u64>().ok())
                    .enumerate()
                    // user nice system idle iowait irq softirq steal: interrupt time
                    // is left out, as loopback traffic (this bench's own) lands there.
                    .filter(|(index, _)| matches!(index, 0 | 1 | 2 | 7))
                    .map(|(_, ticks)| ticks)
                    .sum()
            })
            .context("unreadable /proc/stat")?;
        let (_, process) = stat_ticks(&std::fs::read_to_string("/proc/self/stat")?)
            .context("unreadable /proc/self/stat")?;
        let mut threads = HashMap::new();
        for entry in std::fs::read_dir("/proc/self/task")? {
            let entry = entry?;
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue; // the thread has just ended
            };
            if let Some(thread) = stat_ticks(&stat) {
                threads.insert(entry.file_name().to_string_lossy().into_owned(), thread);
            }
        }
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

impl Usage {
    /// Whether other work took a noticeable share of the machine.
    pub fn disturbed(&self) -> bool {
        self.outside > super::BUSY_CORES
    }

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
