//! The results: one row per scenario, the CPU each window used, and the targets.

use super::cpu;
use super::load::Samples;
use super::support::Disturbance as _;
use super::support::percentile_ms as percentile;

/// Everything measured, printed at the end.
#[derive(Default)]
pub struct Report {
    pub rows: Vec<Row>,
    pub checks: Vec<Check>,
}

impl Report {
    pub fn print(&self, cores: usize) {
        self.print_table();
        self.print_cpu(cores);
        self.print_checks();
        if self
            .rows
            .iter()
            .any(|row| row.cpu.as_ref().is_some_and(cpu::Usage::disturbed))
        {
            println!(
                "\nSome windows shared the machine with other work (\"outside\" above {} \
                 cores): rerun when it is idle for numbers to compare.",
                super::BUSY_CORES
            );
        }
    }

    fn print_table(&self) {
        println!(
            "{:<34} {:>8} {:>8} {:>6} {:>10} {:>9} {:>9} {:>9}",
            "scenario", "conns", "ok", "errors", "req/s", "p50 ms", "p99 ms", "max ms"
        );
        let number =
            |value: Option<f64>| value.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"));
        for row in &self.rows {
            println!(
                "{:<34} {:>8} {:>8} {:>6} {:>10.1} {:>9} {:>9} {:>9}",
                row.name,
                row.connections,
                row.ok,
                row.errors,
                row.rate,
                number(row.p50),
                number(row.p99),
                number(row.max)
            );
        }
        for row in &self.rows {
            if let Some(error) = &row.first_error {
                println!("  {}: first error: {error}", row.name.trim());
            }
        }
        println!();
    }

    fn print_cpu(&self, cores: usize) {
        println!(
            "CPU used during each window, in cores of {cores}: the server's tokio workers, its \
             blocking threads (Argon2), SQLite (sqlx connection threads), the load generator, \
             and everything outside this process"
        );
        for row in &self.rows {
            let Some(cpu) = &row.cpu else { continue };
            println!(
                "  {:<34} workers {:.2}  blocking {:.2}  sqlite {:.2}  generator {:.2}  outside {:.2}",
                row.name.trim(),
                cpu.workers,
                cpu.blocking,
                cpu.sqlite,
                row.generator_cores,
                cpu.outside
            );
        }
        println!();
    }

    fn print_checks(&self) {
        println!("{:<32} {:<22} {:<16} result", "target", "goal", "measured");
        for check in &self.checks {
            println!(
                "{:<32} {:<22} {:<16} {}",
                check.what,
                check.goal,
                check.measured,
                if check.pass { "PASS" } else { "FAIL" }
            );
        }
    }
}

/// One line of the results table.
pub struct Row {
    name: &'static str,
    connections: String,
    ok: usize,
    errors: u64,
    first_error: Option<String>,
    pub rate: f64,
    p50: Option<f64>,
    pub p99: Option<f64>,
    max: Option<f64>,
    /// Cores the load generator's threads used during the window.
    generator_cores: f64,
    /// CPU use over the window, for scenarios that had the machine to themselves.
    pub cpu: Option<cpu::Usage>,
}

impl Row {
    pub fn new(name: &'static str, samples: &Samples, cpu: Option<cpu::Usage>) -> Self {
        let mut micros = samples.micros.clone();
        micros.sort_unstable();
        Self {
            name,
            connections: match samples.pace {
                Some(pace) => format!("1 @{}/s", 1_000 / pace.as_millis().max(1)),
                None => samples.connections.to_string(),
            },
            ok: micros.len(),
            errors: samples.errors,
            first_error: samples.first_error.clone(),
            rate: micros.len() as f64 / samples.secs,
            p50: percentile(&micros, 0.50),
            p99: percentile(&micros, 0.99),
            max: micros.last().map(|&us| f64::from(us) / 1e3),
            generator_cores: samples.cpu_secs / samples.secs,
            cpu,
        }
    }

    /// Counts a load thread that ran beside this one (the probe) as load generator.
    pub fn with_generator(mut self, beside: &Samples) -> Self {
        self.generator_cores += beside.cpu_secs / beside.secs;
        self
    }
}

/// A target, met or not.
pub struct Check {
    pub what: &'static str,
    pub goal: String,
    pub measured: String,
    pub pass: bool,
}

/// Milliseconds for the report, or `-` when nothing was measured.
pub fn ms(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |ms| format!("{ms:.2} ms"))
}
