//! `cargo bench -p courier-server --bench throughput`: a real `courier-server` on
//! 127.0.0.1:0 (SQLite in a temporary folder, rate limits off) under closed-loop
//! HTTP/1.1 keep-alive load. Measures password sign-in against the Argon2 ceiling
//! (with a user-info latency probe running alongside), refresh-token rotation and
//! user info, then prints a table and PASS or FAIL for each target. BENCHMARKS.md at
//! the repository root records results and how to read them.
//!
//! Accounts and tokens are made through the real pages and endpoints with the
//! integration tests' kit (`courier-testkit`), so setup follows the tested flows.
//! The load generator is deliberately lean (hyper's HTTP/1 connection on one
//! current-thread runtime) because it shares the machine's cores with the server.
//! CPU use is read from /proc for every window, and a scenario that shared the
//! machine with other work is run again.

#![allow(clippy::print_stdout)] // the report is this program's output

use courier_testkit as common;

// The crate root lives in benches/, where every file would be a bench of its own;
// the modules live in a folder named after it.
#[path = "throughput/ceiling.rs"]
mod ceiling;
#[path = "throughput/cpu.rs"]
mod cpu;
#[path = "throughput/fixtures.rs"]
mod fixtures;
#[path = "throughput/report.rs"]
mod report;
#[path = "throughput/store.rs"]
mod store;
#[path = "support/mod.rs"]
mod support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use courier_server::ManualClock;
use hyper::header::HeaderValue;

use ceiling::Argon2Ceiling;
use fixtures::{ACCOUNTS, Fixtures};
use load::Window;
use report::{Check, Report, Row, ms};
use scripts::{Get, Refresh, SignIn};
use support::{load, quietest, scripts};

/// Measured seconds per scenario, after the warm-up (`COURIER_BENCH_SECONDS` overrides).
const DEFAULT_SECONDS: u64 = 10;
/// Connections open, caches and pools fill, queues reach their steady length.
const WARM_UP: Duration = Duration::from_secs(1);

/// Runs of a scenario at most, while other work shares the machine.
const ATTEMPTS: u32 = 3;
/// Cores used outside this process above which a window counts as disturbed.
const BUSY_CORES: f64 = 0.10;

/// Enough to keep every Argon2 worker busy with a queue behind it.
const SIGNIN_CONNECTIONS: usize = 8;
/// Clients refreshing at once; each keeps its own grant's refresh-token chain.
const REFRESH_CONNECTIONS: usize = 8;
/// Enough to saturate the server; more only lengthens the queue.
const USERINFO_CONNECTIONS: usize = 16;
/// The latency probe's pace: low enough not to load the server itself.
const PROBE_INTERVAL: Duration = Duration::from_millis(10);

/// Names of the server runtime's tokio workers and blocking (Argon2) threads, so their
/// CPU time can be told apart from SQLite's and the load generator's.
const WORKER_THREADS: &str = "server-worker";
const BLOCKING_THREADS: &str = "server-blocking";

mod targets {
    /// Password sign-ins reach at least this share of the Argon2 ceiling.
    pub const SIGNIN_SHARE_OF_CEILING: f64 = 0.85;
    /// User info stays fast while sign-ins saturate the password hashers (ms, p99, below).
    pub const PROBE_P99_MS: f64 = 20.0;
    pub const REFRESH_PER_SECOND: f64 = 2_000.0;
    /// Refresh latency (ms, p99, at most).
    pub const REFRESH_P99_MS: f64 = 10.0;
    pub const USERINFO_PER_SECOND: f64 = 15_000.0;
}

/// What to run, from `COURIER_BENCH_…` variables (all optional).
struct Config {
    /// `COURIER_BENCH_SECONDS`: measured seconds per scenario.
    seconds: u64,
    /// `COURIER_BENCH_ONLY`: a comma-separated subset of `signin,refresh,userinfo`, or
    /// `store` for the [`store`] diagnostic (which runs only when named).
    only: Option<Vec<String>>,
    /// `COURIER_BENCH_ATTEMPTS`: runs of a scenario at most while the machine is busy.
    attempts: u32,
    /// `COURIER_BENCH_REFRESH_CONNECTIONS`, `COURIER_BENCH_USERINFO_CONNECTIONS`.
    refresh_connections: usize,
    userinfo_connections: usize,
    /// `COURIER_BENCH_HASH_WORKERS`: the server's `password_hash_workers` (unset: one
    /// per core, the server's default).
    hash_workers: Option<usize>,
}

impl Config {
    fn from_env() -> anyhow::Result<Self> {
        use support::env_number as number;
        Ok(Self {
            seconds: number("COURIER_BENCH_SECONDS", DEFAULT_SECONDS)?,
            only: std::env::var("COURIER_BENCH_ONLY")
                .ok()
                .map(|list| list.split(',').map(|name| name.trim().to_owned()).collect()),
            attempts: number("COURIER_BENCH_ATTEMPTS", ATTEMPTS)?,
            refresh_connections: number("COURIER_BENCH_REFRESH_CONNECTIONS", REFRESH_CONNECTIONS)?,
            userinfo_connections: number(
                "COURIER_BENCH_USERINFO_CONNECTIONS",
                USERINFO_CONNECTIONS,
            )?,
            hash_workers: match std::env::var("COURIER_BENCH_HASH_WORKERS") {
                Ok(_) => Some(number("COURIER_BENCH_HASH_WORKERS", 0)?),
                Err(_) => None,
            },
        })
    }

    fn runs(&self, scenario: &str) -> bool {
        match &self.only {
            Some(only) => only.iter().any(|name| name == scenario),
            None => scenario != "store",
        }
    }
}

/// Where the load goes and what it may use.
struct Bench<'a> {
    config: &'a Config,
    fixtures: &'a Fixtures,
    addr: SocketAddr,
    host: HeaderValue,
}

fn main() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let cores = std::thread::available_parallelism()?.get();
    // As `#[tokio::main]` in the binary: one worker per core, Argon2 on blocking threads.
    // Tokio starts its workers when the runtime is built, so the first `cores` threads
    // it names are the workers and later ones are blocking threads.
    let named = AtomicUsize::new(0);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .thread_name_fn(move || {
            if named.fetch_add(1, Ordering::Relaxed) < cores {
                WORKER_THREADS.to_owned()
            } else {
                BLOCKING_THREADS.to_owned()
            }
        })
        .enable_all()
        .build()?;

    println!(
        "courier-server throughput: {cores} cores ({}), {} s per scenario after {} s \
         warm-up, pid {}\n",
        cpu::model(),
        config.seconds,
        WARM_UP.as_secs(),
        std::process::id()
    );
    let argon2 = if config.runs("signin") {
        let (argon2, _) = quietest("Argon2 timing", config.attempts, || {
            Argon2Ceiling::measure(&runtime, cores)
        })?;
        println!("{argon2}\n");
        Some(argon2)
    } else {
        None
    };

    let server = runtime.block_on(common::TestServer::start_with(|settings| {
        settings.rate_limits.enabled = false;
        settings.password_hash_workers = config.hash_workers;
    }));
    runtime.spawn(keep_time(server.clock().clone()));
    let addr: SocketAddr = server
        .base()
        .strip_prefix("http://")
        .context("the test server speaks plain HTTP")?
        .parse()?;
    let started = Instant::now();
    let fixtures = runtime.block_on(Fixtures::create(&server, &config));
    println!(
        "setup: {ACCOUNTS} accounts, {} grants through the real pages and endpoints ({:.1} s)\n",
        fixtures.grants(),
        started.elapsed().as_secs_f64()
    );

    let bench = Bench {
        config: &config,
        fixtures: &fixtures,
        addr,
        host: HeaderValue::from_str(&addr.to_string())?,
    };
    let mut report = Report::default();
    if let Some(argon2) = &argon2 {
        signin(&bench, argon2, &mut report)?;
    }
    if config.runs("refresh") {
        refresh(&bench, &mut report)?;
    }
    if config.runs("userinfo") {
        userinfo(&bench, &mut report)?;
    }
    if config.runs("store") {
        let rows = store::diagnose(&runtime, &server, &fixtures, &config)?;
        report.rows.extend(rows);
    }
    report.print(cores);

    drop(server);
    runtime.shutdown_timeout(Duration::from_secs(2));
    Ok(())
}

/// The user-info probe alone, then the sign-in flood with the probe beside it.
fn signin(bench: &Bench, argon2: &Argon2Ceiling, report: &mut Report) -> anyhow::Result<()> {
    let Bench {
        config,
        fixtures,
        addr,
        ref host,
    } = *bench;
    let probe = || Get::user_info(host, &fixtures.probe_access);
    let (idle, idle_cpu) = quietest("idle probe", config.attempts, || {
        let (load, cpu) = phase(config.seconds, |window| {
            load::paced("bench-probe", addr, probe(), PROBE_INTERVAL, window)
        })?;
        Ok((load.join()?.0, cpu))
    })?;
    let ((flood, probed), cpu) = quietest("sign-in", config.attempts, || {
        let (loads, cpu) = phase(config.seconds, |window| {
            let scripts = (0..SIGNIN_CONNECTIONS)
                .map(|i| SignIn::new(host, &fixtures.accounts[i % ACCOUNTS].0))
                .collect();
            Ok((
                load::closed_loop("bench-load", addr, scripts, window)?,
                load::paced("bench-probe", addr, probe(), PROBE_INTERVAL, window)?,
            ))
        })?;
        Ok(((loads.0.join()?.0, loads.1.join()?.0), cpu))
    })?;
    println!(
        "probe timer lateness p99 (the probe's own thread waiting for a CPU before \
         sending): idle {}, during sign-ins {}",
        ms(idle.lateness_p99()),
        ms(probed.lateness_p99())
    );
    let rate = flood.micros.len() as f64 / flood.secs;
    println!(
        "during the sign-ins: {:.1} ms of hashing-thread CPU per sign-in (the Argon2 \
         verify under load), {:.2} ms of everything else in the server\n",
        1e3 * cpu.blocking / rate,
        1e3 * (cpu.workers + cpu.sqlite) / rate
    );
    let signin =
        Row::new("password sign-in (POST /signin)", &flood, Some(cpu)).with_generator(&probed);
    let busy = Row::new("  user info probe during sign-ins", &probed, None);
    let floor = targets::SIGNIN_SHARE_OF_CEILING * argon2.ceiling();
    report.checks.push(Check {
        what: "sign-in rate vs Argon2 ceiling",
        goal: format!(
            ">= {floor:.1}/s ({:.0}%)",
            100.0 * targets::SIGNIN_SHARE_OF_CEILING
        ),
        measured: format!(
            "{:.1}/s ({:.0}%)",
            signin.rate,
            100.0 * signin.rate / argon2.ceiling()
        ),
        pass: signin.rate >= floor,
    });
    report.checks.push(Check {
        what: "user info p99 during sign-ins",
        goal: format!("< {} ms", targets::PROBE_P99_MS),
        measured: ms(busy.p99),
        pass: busy.p99.is_some_and(|p99| p99 < targets::PROBE_P99_MS),
    });
    report.rows.push(Row::new(
        "user info probe, idle server",
        &idle,
        Some(idle_cpu),
    ));
    report.rows.push(signin);
    report.rows.push(busy);
    Ok(())
}

/// Refresh-token rotation, each connection following its own chain (a run that is
/// repeated continues the chains where the last one left them).
fn refresh(bench: &Bench, report: &mut Report) -> anyhow::Result<()> {
    let mut chains = bench.fixtures.refresh_tokens.clone();
    let (samples, cpu) = quietest("refresh", bench.config.attempts, || {
        let (load, cpu) = phase(bench.config.seconds, |window| {
            let scripts = chains
                .iter()
                .map(|token| Refresh::new(&bench.host, token))
                .collect();
            load::closed_loop("bench-load", bench.addr, scripts, window)
        })?;
        let (samples, scripts) = load.join()?;
        chains = scripts.into_iter().map(|script| script.token).collect();
        Ok((samples, cpu))
    })?;
    let row = Row::new("refresh-token rotation", &samples, Some(cpu));
    report.checks.push(Check {
        what: "refresh rate",
        goal: format!(">= {}/s", targets::REFRESH_PER_SECOND),
        measured: format!("{:.0}/s", row.rate),
        pass: row.rate >= targets::REFRESH_PER_SECOND,
    });
    report.checks.push(Check {
        what: "refresh p99",
        goal: format!("<= {} ms", targets::REFRESH_P99_MS),
        measured: ms(row.p99),
        pass: row.p99.is_some_and(|p99| p99 <= targets::REFRESH_P99_MS),
    });
    report.rows.push(row);
    Ok(())
}

/// User info with one grant's bearer token per connection.
fn userinfo(bench: &Bench, report: &mut Report) -> anyhow::Result<()> {
    let (samples, cpu) = quietest("user info", bench.config.attempts, || {
        let (load, cpu) = phase(bench.config.seconds, |window| {
            let scripts = bench
                .fixtures
                .access_tokens
                .iter()
                .map(|token| Get::user_info(&bench.host, token))
                .collect();
            load::closed_loop("bench-load", bench.addr, scripts, window)
        })?;
        Ok((load.join()?.0, cpu))
    })?;
    let row = Row::new("user info (GET /oauth/userinfo)", &samples, Some(cpu));
    report.checks.push(Check {
        what: "user info rate",
        goal: format!(">= {}/s", targets::USERINFO_PER_SECOND),
        measured: format!("{:.0}/s", row.rate),
        pass: row.rate >= targets::USERINFO_PER_SECOND,
    });
    report.rows.push(row);
    Ok(())
}

/// Moves the harness's manual clock with the wall clock, so expiry and "last used"
/// bookkeeping behave as in production while the bench runs.
async fn keep_time(clock: ManualClock) {
    let mut second = tokio::time::interval(Duration::from_secs(1));
    second.tick().await;
    loop {
        second.tick().await;
        clock.advance(1);
    }
}

/// Starts the load of one scenario, measures CPU use over its window and returns
/// the load threads' handles with it.
fn phase<T>(
    seconds: u64,
    start: impl FnOnce(Window) -> anyhow::Result<T>,
) -> anyhow::Result<(T, cpu::Usage)> {
    let now = Instant::now();
    let window = Window {
        from: now + WARM_UP,
        until: now + WARM_UP + Duration::from_secs(seconds),
    };
    let handles = start(window)?;
    std::thread::sleep(window.from.saturating_duration_since(Instant::now()));
    let before = cpu::Snapshot::take()?;
    std::thread::sleep(window.until.saturating_duration_since(Instant::now()));
    let after = cpu::Snapshot::take()?;
    // Let the load threads finish their last requests before the next scenario.
    std::thread::sleep(Duration::from_millis(200));
    Ok((handles, cpu::Usage::between(&before, &after)))
}
