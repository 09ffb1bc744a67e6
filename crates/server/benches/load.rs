//! `cargo bench -p courier-server --bench load`: issue #15's tail latency, measured
//! from outside the server. The release `courier-server` runs as a child process on
//! 127.0.0.1:0 (temporary data folder, rate limits off; SQLite, or a fresh PostgreSQL
//! database when `COURIER_BENCH_DATABASE_URL` or `COURIER_TEST_POSTGRES_URL` names a
//! cluster), and this process is the load generator: lean hyper HTTP/1.1 keep-alive
//! connections on `COURIER_BENCH_THREADS` (2) load threads, one current-thread runtime
//! each. Accounts and grants are made through the real pages and endpoints. Then:
//!
//! 1. Refresh rotation, open loop: 64 clients, each following its own grant's chain on
//!    its own connection, paced at 2,000/s in all (`open_loop.rs`: latency from the
//!    scheduled send, corrected for coordinated omission).
//! 2. Refresh rotation, closed loop: the same clients as fast as answers come
//!    (capacity).
//! 3. A `GET /oauth/userinfo` probe paced at 100/s, alone and then while 16 clients
//!    sign in with the password over and over (saturating the Argon2 threads).
//! 4. `GET /health`, `/oauth/userinfo` and `/api/v1/me`, 64 connections closed loop on
//!    the 2 load threads (as `wrk -t2 -c64`) in alternating windows, each endpoint's
//!    rate against `/health`'s.
//!
//! Each window has a warm-up; CPU use is read from /proc for the server, PostgreSQL's
//! processes, this process and the rest of the machine, and a window that shared the
//! machine with other work is run again. Prints a table and PASS or FAIL for each of
//! the goals. BENCHMARKS.md records results and how to read them.

#![allow(clippy::print_stdout)] // the report is this program's output

#[path = "load/open_loop.rs"]
mod open_loop;
#[path = "load/report.rs"]
mod report;
#[path = "support/mod.rs"]
mod support;
#[path = "load/usage.rs"]
mod usage;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use courier_testkit::ScriptedBrowser;
use hyper::header::HeaderValue;

use report::{Check, Report, Row, ms};
use support::load::{Load, Samples, Script, Window, closed_loop, join_all as join};
use support::scripts::{Get, Refresh, SignIn};
use support::{ServerProcess, quietest};
use usage::{Snapshot, Usage, Watched};

/// Measured seconds per window, after the warm-up (`COURIER_BENCH_SECONDS` overrides).
const DEFAULT_SECONDS: u64 = 10;
/// Connections open, pools fill, queues reach their steady length.
const WARM_UP: Duration = Duration::from_secs(2);
/// Accounts the grants and sign-ins are spread over.
const ACCOUNTS: usize = 4;

/// Issue #15's goals.
mod targets {
    /// Refresh rotation p99 at the paced rate (ms, at most).
    pub const REFRESH_P99_MS: f64 = 10.0;
    /// The paced rate counts as kept when this share of it is answered in the window.
    pub const KEPT_PACE: f64 = 0.97;
    /// Closed-loop refresh rotations per second (at least).
    pub const REFRESH_CAPACITY: f64 = 4_000.0;
    /// User info p99 while sign-ins saturate the hashing threads (ms, below).
    pub const PROBE_P99_MS: f64 = 20.0;
    /// User info's and `/api/v1/me`'s closed-loop rate as a share of `/health`'s.
    pub const SHARE_OF_HEALTH: f64 = 0.5;
}

/// What to run, from `COURIER_BENCH_…` variables (all optional).
struct Config {
    /// `COURIER_BENCH_SECONDS`: measured seconds per window.
    seconds: u64,
    /// `COURIER_BENCH_ONLY`: a comma-separated subset of `paced,closed,probe,wrk`.
    only: Option<Vec<String>>,
    /// `COURIER_BENCH_ATTEMPTS`: runs of a window at most while the machine is busy.
    attempts: u32,
    /// `COURIER_BENCH_RATE`: the paced refresh rate, per second in all.
    rate: f64,
    /// `COURIER_BENCH_CLIENTS`: refresh clients (chains), and wrk-style connections.
    clients: usize,
    /// `COURIER_BENCH_PROBE_RATE`: the user-info probe's pace, per second.
    probe_rate: f64,
    /// `COURIER_BENCH_SIGNIN_CLIENTS`: clients signing in over and over in the flood.
    signin_clients: usize,
    /// `COURIER_BENCH_THREADS`: load threads.
    threads: usize,
    /// `COURIER_BENCH_WRK_ROUNDS`: alternations of the wrk-style endpoints.
    wrk_rounds: u32,
    /// `COURIER_BENCH_DATABASE_URL`, else `COURIER_TEST_POSTGRES_URL`: a PostgreSQL
    /// cluster to make a fresh database on; SQLite when neither is set.
    postgres: Option<String>,
}

impl Config {
    fn from_env() -> anyhow::Result<Self> {
        use support::env_number as number;
        let url = |name| std::env::var(name).ok().filter(|url| !url.is_empty());
        Ok(Self {
            seconds: number("COURIER_BENCH_SECONDS", DEFAULT_SECONDS)?,
            only: std::env::var("COURIER_BENCH_ONLY")
                .ok()
                .map(|list| list.split(',').map(|name| name.trim().to_owned()).collect()),
            attempts: number("COURIER_BENCH_ATTEMPTS", 2)?,
            rate: number("COURIER_BENCH_RATE", 2_000.0)?,
            clients: number("COURIER_BENCH_CLIENTS", 64)?,
            probe_rate: number("COURIER_BENCH_PROBE_RATE", 100.0)?,
            signin_clients: number("COURIER_BENCH_SIGNIN_CLIENTS", 16)?,
            threads: number("COURIER_BENCH_THREADS", 2_usize)?.max(1),
            wrk_rounds: number("COURIER_BENCH_WRK_ROUNDS", 3)?,
            postgres: url("COURIER_BENCH_DATABASE_URL")
                .or_else(|| url("COURIER_TEST_POSTGRES_URL")),
        })
    }

    fn runs(&self, scenario: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| only.iter().any(|name| name == scenario))
    }
}

/// The server under load and what the load may use.
struct Bench {
    config: Config,
    server: ServerProcess,
    watched: Watched,
    addr: SocketAddr,
    host: HeaderValue,
    /// Signed-in browsers, one per account, to make grants without a password.
    browsers: Vec<ScriptedBrowser>,
    /// For the runtime that makes fixtures (the load threads have their own).
    runtime: tokio::runtime::Runtime,
}

impl Bench {
    /// `n` new grants through the code flow (access tokens live 10 minutes, so each
    /// scenario makes its own).
    fn grants(&self, n: usize) -> anyhow::Result<Vec<support::Grant>> {
        self.runtime.block_on(async {
            let mut grants = Vec::with_capacity(n);
            for i in 0..n {
                let browser = &self.browsers[i % self.browsers.len()];
                grants.push(
                    support::new_grant(&self.server.base, browser, &format!("load {i}")).await?,
                );
            }
            Ok(grants)
        })
    }

    /// Starts a window's load, reads CPU use over the measured part, and returns the
    /// load threads with it.
    fn phase<T>(
        &self,
        start: impl FnOnce(Window) -> anyhow::Result<T>,
    ) -> anyhow::Result<(T, Usage)> {
        self.phase_of(Duration::from_secs(self.config.seconds), start)
    }

    /// [`Bench::phase`] with a measured part of `length`.
    fn phase_of<T>(
        &self,
        length: Duration,
        start: impl FnOnce(Window) -> anyhow::Result<T>,
    ) -> anyhow::Result<(T, Usage)> {
        let now = Instant::now();
        let window = Window {
            from: now + WARM_UP,
            until: now + WARM_UP + length,
        };
        let loads = start(window)?;
        std::thread::sleep(window.from.saturating_duration_since(Instant::now()));
        let before = Snapshot::take(&self.watched)?;
        std::thread::sleep(window.until.saturating_duration_since(Instant::now()));
        let after = Snapshot::take(&self.watched)?;
        Ok((loads, Usage::between(&before, &after)))
    }

    /// `scripts` closed loop, spread over the load threads.
    fn closed<S: Script>(
        &self,
        name: &str,
        scripts: Vec<S>,
        window: Window,
    ) -> anyhow::Result<Vec<Load<S>>> {
        let threads = self.config.threads.min(scripts.len()).max(1);
        let mut groups: Vec<Vec<S>> = (0..threads).map(|_| Vec::new()).collect();
        for (index, script) in scripts.into_iter().enumerate() {
            groups[index % threads].push(script);
        }
        groups
            .into_iter()
            .map(|group| closed_loop(name, self.addr, group, window))
            .collect()
    }
}

fn main() -> anyhow::Result<()> {
    support::raise_fd_limit();
    let config = Config::from_env()?;
    let cores = std::thread::available_parallelism()?.get();
    let runtime = support::fixtures_runtime()?;
    let database = config
        .postgres
        .as_ref()
        .map(|cluster| runtime.block_on(courier_testkit::create_database(cluster)));
    let server = ServerProcess::start_with(database.as_deref())?;
    let watched = Watched {
        server: server.child.id(),
        database: database.as_deref().and_then(Watched::postmaster),
    };
    let backend = match (&database, watched.database) {
        (None, _) => "SQLite (WAL, in the server's temporary data folder)".to_owned(),
        (Some(_), Some(postmaster)) => {
            format!("PostgreSQL (a fresh database; postmaster pid {postmaster})")
        }
        (Some(_), None) => {
            "PostgreSQL (a fresh database; its processes not found: their CPU counts as outside)"
                .to_owned()
        }
    };
    println!(
        "courier-server under external load: {cores} cores ({}), {backend}; server pid {}, \
         load generator pid {}; {} s per window after {} s warm-up, {} load threads\n",
        support::proc::model(),
        server.child.id(),
        std::process::id(),
        config.seconds,
        WARM_UP.as_secs(),
        config.threads
    );
    let addr: SocketAddr = server
        .base
        .strip_prefix("http://")
        .context("the server speaks plain HTTP")?
        .parse()?;
    let started = Instant::now();
    let browsers = runtime.block_on(async {
        let mut browsers = Vec::with_capacity(ACCOUNTS);
        for i in 0..ACCOUNTS {
            browsers.push(
                support::signed_in_browser(&server.base, &server.outbox(), &format!("load{i}"))
                    .await?,
            );
        }
        anyhow::Ok(browsers)
    })?;
    let bench = Bench {
        host: HeaderValue::from_str(&addr.to_string())?,
        addr,
        watched,
        server,
        browsers,
        runtime,
        config,
    };
    let chains: Vec<String> = bench
        .grants(bench.config.clients)?
        .into_iter()
        .map(|grant| grant.refresh_token)
        .collect();
    println!(
        "setup: {ACCOUNTS} accounts and {} refresh chains through the real pages and endpoints ({:.1} s)",
        chains.len(),
        started.elapsed().as_secs_f64()
    );

    let mut report = Report::default();
    refresh(&bench, chains, &mut report)?;
    if bench.config.runs("probe") {
        probe(&bench, &mut report)?;
    }
    if bench.config.runs("wrk") {
        wrk(&bench, &mut report)?;
    }
    report.print(cores);
    Ok(())
}

/// Refresh rotation paced, then closed loop; the chains carry on from one window to
/// the next.
fn refresh(bench: &Bench, mut chains: Vec<String>, report: &mut Report) -> anyhow::Result<()> {
    let config = &bench.config;
    let mut run = |label: &str, paced: bool| {
        quietest(label, config.attempts, || {
            let (loads, usage) = bench.phase(|window| {
                let scripts = chains
                    .iter()
                    .map(|token| Refresh::new(&bench.host, token))
                    .collect();
                if paced {
                    open_loop::chains(
                        "load",
                        bench.addr,
                        scripts,
                        config.rate,
                        config.threads,
                        window,
                    )
                } else {
                    bench.closed("load", scripts, window)
                }
            })?;
            let (samples, scripts) = join(loads)?;
            chains = scripts.into_iter().map(|script| script.token).collect();
            Ok((samples, usage))
        })
    };
    if config.runs("paced") {
        let (samples, usage) = run("refresh, paced", true)?;
        let row = Row::new("refresh rotation, paced (open loop)", &samples, Some(usage));
        let kept = row.rate >= targets::KEPT_PACE * config.rate;
        report.checks.push(Check {
            what: "refresh p99, 64 clients paced at 2,000/s",
            goal: format!("<= {} ms at {:.0}/s", targets::REFRESH_P99_MS, config.rate),
            measured: format!("{} at {:.0}/s", ms(row.p99), row.rate),
            pass: row.clean() && kept && row.p99.is_some_and(|p99| p99 <= targets::REFRESH_P99_MS),
        });
        report.rows.push(row);
    }
    if config.runs("closed") {
        let (samples, usage) = run("refresh, closed loop", false)?;
        let row = Row::new("refresh rotation, closed loop", &samples, Some(usage));
        report.checks.push(Check {
            what: "refresh capacity, 64 clients closed loop",
            goal: format!(">= {:.0}/s", targets::REFRESH_CAPACITY),
            measured: format!("{:.0}/s", row.rate),
            pass: row.clean() && row.rate >= targets::REFRESH_CAPACITY,
        });
        report.rows.push(row);
    }
    Ok(())
}

/// The user-info probe alone, then beside the sign-in flood.
fn probe(bench: &Bench, report: &mut Report) -> anyhow::Result<()> {
    let config = &bench.config;
    let token = bench.grants(1)?.remove(0).access_token;
    let probe = |window: Window| {
        open_loop::chains(
            "probe",
            bench.addr,
            vec![Get::user_info(&bench.host, &token)],
            config.probe_rate,
            1,
            window,
        )
    };
    let (idle, idle_usage) = quietest("probe, idle", config.attempts, || {
        let (loads, usage) = bench.phase(probe)?;
        Ok((join(loads)?.0, usage))
    })?;
    let identifiers: Vec<String> = (0..ACCOUNTS)
        .map(|i| format!("load{i}@example.com"))
        .collect();
    let ((flood, probed), usage) = quietest("sign-in flood", config.attempts, || {
        let (loads, usage) = bench.phase(|window| {
            let scripts = (0..config.signin_clients)
                .map(|i| SignIn::new(&bench.host, &identifiers[i % ACCOUNTS]))
                .collect();
            Ok((bench.closed("signin", scripts, window)?, probe(window)?))
        })?;
        Ok(((join(loads.0)?.0, join(loads.1)?.0), usage))
    })?;
    report.rows.push(Row::new(
        "user info probe, idle server",
        &idle,
        Some(idle_usage),
    ));
    let probed = Row::new("user info probe during sign-ins", &probed, None);
    report.checks.push(Check {
        what: "user info p99 while sign-ins saturate Argon2",
        goal: format!("< {} ms", targets::PROBE_P99_MS),
        measured: format!("{} (argon2 {:.2} cores)", ms(probed.p99), usage.argon2),
        pass: probed.clean() && probed.p99.is_some_and(|p99| p99 < targets::PROBE_P99_MS),
    });
    report.rows.push(Row::new(
        "password sign-in flood (POST /signin)",
        &flood,
        Some(usage),
    ));
    report.rows.push(probed);
    Ok(())
}

/// `/health`, `/oauth/userinfo` and `/api/v1/me` closed loop, in alternating windows
/// (`COURIER_BENCH_WRK_ROUNDS` rounds sharing the measured seconds), so that other
/// work on the machine weighs on each endpoint alike.
fn wrk(bench: &Bench, report: &mut Report) -> anyhow::Result<()> {
    let config = &bench.config;
    let tokens: Vec<String> = bench
        .grants(config.clients)?
        .into_iter()
        .map(|grant| grant.access_token)
        .collect();
    let endpoints = [
        ("/health", false, ""),
        (
            "/oauth/userinfo",
            true,
            "/oauth/userinfo rate vs /health, 64 conns",
        ),
        ("/api/v1/me", true, "/api/v1/me rate vs /health, 64 conns"),
    ];
    let rounds = config.wrk_rounds.max(1);
    let length = Duration::from_secs_f64(config.seconds as f64 / rounds as f64);
    let mut measured: Vec<(Samples, Vec<Usage>)> = endpoints
        .iter()
        .map(|_| (Samples::default(), Vec::new()))
        .collect();
    for _ in 0..rounds {
        for ((path, bearer, _), (total, usages)) in endpoints.iter().zip(&mut measured) {
            let (loads, usage) = bench.phase_of(length, |window| {
                let scripts = tokens
                    .iter()
                    .map(|token| {
                        if *bearer {
                            Get::bearer(&bench.host, path, token)
                        } else {
                            Get::new(&bench.host, path)
                        }
                    })
                    .collect();
                bench.closed("wrk", scripts, window)
            })?;
            let (samples, _) = join(loads)?;
            // Windows one after another: their lengths add up, their clients do not.
            let (secs, connections) = (total.secs + samples.secs, samples.connections);
            total.merge(samples);
            total.secs = secs;
            total.connections = connections;
            usages.push(usage);
        }
    }
    let mut rows = endpoints
        .iter()
        .zip(&measured)
        .map(|((path, _, _), (samples, usages))| {
            Row::new(
                format!("GET {path}, closed loop"),
                samples,
                Some(Usage::mean(usages)),
            )
        });
    let health = rows
        .next()
        .ok_or_else(|| anyhow::anyhow!("no /health row"))?;
    let others: Vec<Row> = rows.collect();
    for ((_, _, what), row) in endpoints.iter().skip(1).zip(&others) {
        let share = row.rate / health.rate.max(1.0);
        report.checks.push(Check {
            what,
            goal: format!(">= {:.0} % of /health", 100.0 * targets::SHARE_OF_HEALTH),
            measured: format!(
                "{:.0}/s = {:.0} % of {:.0}/s",
                row.rate,
                100.0 * share,
                health.rate
            ),
            pass: row.clean() && health.clean() && share >= targets::SHARE_OF_HEALTH,
        });
    }
    report.rows.push(health);
    report.rows.extend(others);
    Ok(())
}
