//! CPU times from /proc: the machine's busy time, a process's, each of its threads'
//! (with their names), and the calling thread's, so a bench can tell its own work
//! from the server's and from whatever else shares the machine.

use std::collections::HashMap;

use anyhow::Context as _;

/// `USER_HZ`: the unit of /proc's CPU times on Linux.
pub const TICKS_PER_SECOND: f64 = 100.0;

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

/// The fields of a /proc `stat` file after `(comm)`, with the name.
fn fields(stat: &str) -> Option<(String, Vec<&str>)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let comm = stat[open + 1..close].to_owned();
    Some((comm, stat[close + 1..].split_whitespace().collect()))
}

/// utime + stime, in ticks, from a /proc `stat` file, with the name.
pub fn stat_ticks(stat: &str) -> Option<(String, u64)> {
    let (comm, fields) = fields(stat)?;
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
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
    // state ppid pgrp session tty_nr tpgid flags minflt
    fields(&stat)
        .and_then(|(_, fields)| fields.get(7)?.parse().ok())
        .context("unreadable /proc/thread-self/stat")
}

/// Busy ticks of all CPUs together (user, nice, system, steal). Interrupt time is
/// left out, as loopback traffic (a bench's own) lands there.
pub fn machine_ticks() -> anyhow::Result<u64> {
    let stat = std::fs::read_to_string("/proc/stat")?;
    stat.lines()
        .next()
        .and_then(|line| line.strip_prefix("cpu "))
        .map(|line| {
            line.split_whitespace()
                .filter_map(|field| field.parse::<u64>().ok())
                .enumerate()
                // user nice system idle iowait irq softirq steal
                .filter(|(index, _)| matches!(index, 0 | 1 | 2 | 7))
                .map(|(_, ticks)| ticks)
                .sum()
        })
        .context("unreadable /proc/stat")
}

/// Ticks process `pid` (`self` for this one) has used, all its threads together.
pub fn process_ticks(pid: &str) -> anyhow::Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let (_, ticks) = stat_ticks(&stat).with_context(|| format!("unreadable /proc/{pid}/stat"))?;
    Ok(ticks)
}

/// Ticks per thread id of process `pid`, with each thread's name.
pub fn thread_ticks(pid: &str) -> anyhow::Result<HashMap<String, (String, u64)>> {
    let mut threads = HashMap::new();
    for entry in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let entry = entry?;
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue; // the thread has just ended
        };
        if let Some(thread) = stat_ticks(&stat) {
            threads.insert(entry.file_name().to_string_lossy().into_owned(), thread);
        }
    }
    Ok(threads)
}

/// Ticks used by process `parent` and every process it started that is running now
/// (a PostgreSQL postmaster and its backends), keyed by pid.
pub fn family_ticks(parent: u32) -> HashMap<u32, u64> {
    let mut family = HashMap::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return family;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|name| name.parse().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue; // it has just ended
        };
        let Some((_, fields)) = fields(&stat) else {
            continue;
        };
        let ppid = fields.get(1).and_then(|ppid| ppid.parse::<u32>().ok());
        if (pid == parent || ppid == Some(parent))
            && let Some((_, ticks)) = stat_ticks(&stat)
        {
            family.insert(pid, ticks);
        }
    }
    family
}
