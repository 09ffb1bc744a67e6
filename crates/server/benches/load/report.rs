//! The results: one row per measured window, the CPU each window used by process,
//! and the goals, met or not.

use super::support::load::Samples;
use super::support::{Disturbance as _, percentile_ms};
use super::usage::{BUSY_CORES, Usage};

/// Everything measured, printed at the end.
#[derive(Default)]
pub struct Report {
    pub rows: Vec<Row>,
    pub checks: Vec<Check>,
}

/// One measured window.
pub struct Row {
    pub name: String,
    /// Clients (connections), and the pace when open loop.
    clients: String,
    ok: usize,
    errors: u64,
    first_error: Option<String>,
    /// Answers per second inside the window.
    pub rate: f64,
    p50: Option<f64>,
    pub p99: Option<f64>,
    max: Option<f64>,
    /// Open loop: p99 from the actual send, and the load threads' own lateness p99.
    from_send_p99: Option<f64>,
    lateness_p99: Option<f64>,
    pub usage: Option<Usage>,
}

impl Row {
    pub fn new(name: impl Into<String>, samples: &Samples, usage: Option<Usage>) -> Self {
        let mut micros = samples.micros.clone();
        micros.sort_unstable();
        let mut from_send = samples.from_send.clone();
        from_send.sort_unstable();
        let open = samples.pace.is_some();
        let rate = if open {
            samples.answered as f64 / samples.secs
        } else {
            micros.len() as f64 / samples.secs
        };
        Self {
            name: name.into(),
            clients: match samples.pace {
                Some(pace) => format!(
                    "{} @{:.0}/s",
                    samples.connections,
                    samples.connections as f64 / pace.as_secs_f64()
                ),
                None => samples.connections.to_string(),
            },
            ok: micros.len(),
            errors: samples.errors,
            first_error: samples.first_error.clone(),
            rate,
            p50: percentile_ms(&micros, 0.50),
            p99: percentile_ms(&micros, 0.99),
            max: micros.last().map(|&us| f64::from(us) / 1e3),
            from_send_p99: percentile_ms(&from_send, 0.99),
            lateness_p99: if open { samples.lateness_p99() } else { None },
            usage,
        }
    }

    /// Whether the window's answers all came back right.
    pub fn clean(&self) -> bool {
        self.errors == 0 && self.ok > 0
    }
}

/// A goal of the issue, met or not.
pub struct Check {
    pub what: &'static str,
    pub goal: String,
    pub measured: String,
    pub pass: bool,
}

impl Report {
    pub fn print(&self, cores: usize) {
        let number =
            |value: Option<f64>| value.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"));
        println!(
            "\n{:<40} {:>12} {:>7} {:>6} {:>9} {:>8} {:>8} {:>8} {:>10} {:>9}",
            "scenario",
            "clients",
            "ok",
            "errors",
            "req/s",
            "p50 ms",
            "p99 ms",
            "max ms",
            "p99 sent",
            "late p99"
        );
        for row in &self.rows {
            println!(
                "{:<40} {:>12} {:>7} {:>6} {:>9.1} {:>8} {:>8} {:>8} {:>10} {:>9}",
                row.name,
                row.clients,
                row.ok,
                row.errors,
                row.rate,
                number(row.p50),
                number(row.p99),
                number(row.max),
                number(row.from_send_p99),
                number(row.lateness_p99)
            );
        }
        println!(
            "(open loop: latency from the scheduled send; \"p99 sent\" counts from when the \
             request really left, \"late p99\" is how late the load threads' timers fired)"
        );
        for row in &self.rows {
            if let Some(error) = &row.first_error {
                println!("  {}: first error: {error}", row.name.trim());
            }
        }
        println!(
            "\nCPU per window, in cores of {cores}: the server process (of which tokio \
             workers, Argon2 threads, SQLite threads), PostgreSQL's processes, the load \
             generator (this process), everything else; server CPU per answer"
        );
        for row in &self.rows {
            let Some(cpu) = &row.usage else { continue };
            println!(
                "  {:<40} server {:.2} (workers {:.2}, argon2 {:.2}, sqlite {:.2})  \
                 database {:.2}  generator {:.2}  outside {:.2}  {:.0} µs/answer",
                row.name.trim(),
                cpu.server,
                cpu.workers,
                cpu.argon2,
                cpu.sqlite,
                cpu.database,
                cpu.generator,
                cpu.outside,
                1e6 * (cpu.server + cpu.database) / row.rate.max(1.0)
            );
        }
        println!(
            "\n{:<44} {:<26} {:<26} result",
            "goal (issue #15)", "target", "measured"
        );
        for check in &self.checks {
            println!(
                "{:<44} {:<26} {:<26} {}",
                check.what,
                check.goal,
                check.measured,
                if check.pass { "PASS" } else { "FAIL" }
            );
        }
        if self
            .rows
            .iter()
            .any(|row| row.usage.as_ref().is_some_and(|usage| usage.disturbed()))
        {
            println!(
                "\nSome windows shared the machine with other work (\"outside\" above \
                 {BUSY_CORES} cores): rerun when it is idle for numbers to compare."
            );
        }
    }
}

/// Milliseconds for the report, or `-` when nothing was measured.
pub fn ms(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |ms| format!("{ms:.2} ms"))
}
