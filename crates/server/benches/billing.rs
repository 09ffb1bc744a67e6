//! `cargo bench -p courier-server --bench billing`: issue #14's target, the billing
//! dashboard of a team with 5 years of monthly invoices and 1,000 seat changes in at
//! most 20 ms at p99. Runs the release `courier-server` as a child process on
//! 127.0.0.1:0 (temporary data folder, rate limits off; SQLite, or a fresh PostgreSQL
//! database when `COURIER_BENCH_DATABASE_URL` or `COURIER_TEST_POSTGRES_URL` names a
//! cluster), and this process is the load generator:
//!
//! 1. Fixtures. An admin signs up through the pages and creates the team through the
//!    API; its other members are seeded into the database (`teams/seed.rs`). The team
//!    upgrades to Professional, monthly, through the API (preview, then confirm with a
//!    test-mode card). Its 60 monthly renewals of the past 5 years are written with the
//!    store's `save_billing`, one write per invoice as the renewal does, each computed
//!    by `courier_billing::renew` (`billing/seed.rs`): the renewal loop follows the
//!    server's own clock, which a bench cannot move. Then 1,000 seat changes go through
//!    Edit Plan over HTTP (preview, confirm: one seat more, one seat fewer, in turn),
//!    each charged through the test-mode provider and invoiced by the server.
//! 2. Open loop (`load/open_loop.rs`): `COURIER_BENCH_CLIENTS` (50) keep-alive clients
//!    paced at `COURIER_BENCH_RATE` (200) requests/s in all, for
//!    `COURIER_BENCH_SECONDS` (30) after 1 s of warm-up, latency from each request's
//!    scheduled send: the dashboard (`GET /api/v1/teams/{id}/billing`), then, as
//!    secondary rows at `COURIER_BENCH_SECONDARY_RATE` (100) for
//!    `COURIER_BENCH_SECONDARY_SECONDS` (15), the invoice list's first "Load older"
//!    page and one from the middle of the history (`…/billing/invoices?before=…`) and
//!    one invoice's PDF (`…/invoice.pdf`).
//! 3. Server time: the server logs tower-http's `finished processing request` (JSON, on
//!    stderr, read here), whose latency runs from the request reaching the router to
//!    its response (body included: handlers build it whole); tower-http prints it in
//!    whole milliseconds, rounded down.
//!
//! BENCHMARKS.md records the results and how to read them.

#![allow(clippy::print_stdout)] // a report-printing program

#[path = "billing/seed.rs"]
mod billing_seed;
#[path = "load/open_loop.rs"]
mod open_loop;
#[allow(dead_code)]
#[path = "teams/seed.rs"]
mod seed;
#[path = "support/mod.rs"]
mod support;
#[allow(dead_code)]
#[path = "load/usage.rs"]
mod usage;

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, ensure};
use hyper::header::HeaderValue;
use serde_json::{Value, json};
use support::load::{Samples, Window, join_all};
use support::scripts::Get;
use support::{ServerProcess, percentile_ms, quietest};
use usage::{Snapshot, Usage, Watched};

const TARGET_P99_MS: f64 = 20.0;
const WARM_UP: Duration = Duration::from_secs(1);
/// The share of the paced rate a window must answer for its percentiles to count.
const KEPT_PACE: f64 = 0.95;
const GOOD_CARD: &str = "4242 4242 4242 4242";
/// What the server logs: the request span's fields and tower-http's response event.
const SERVER_LOG: &str =
    "error,tower_http::trace::make_span=debug,tower_http::trace::on_response=debug";

struct Config {
    rate: f64,
    clients: usize,
    seconds: u64,
    secondary_rate: f64,
    secondary_seconds: u64,
    members: u32,
    renewals: usize,
    seat_changes: usize,
    attempts: u32,
    threads: usize,
    postgres: Option<String>,
}

impl Config {
    fn from_env() -> anyhow::Result<Self> {
        use support::env_number as number;
        let url = |name| std::env::var(name).ok().filter(|url| !url.is_empty());
        Ok(Self {
            rate: number("COURIER_BENCH_RATE", 200.0)?,
            clients: number("COURIER_BENCH_CLIENTS", 50_usize)?.max(1),
            seconds: number("COURIER_BENCH_SECONDS", 30)?,
            secondary_rate: number("COURIER_BENCH_SECONDARY_RATE", 100.0)?,
            secondary_seconds: number("COURIER_BENCH_SECONDARY_SECONDS", 15)?,
            members: number("COURIER_BENCH_MEMBERS", 50_u32)?.max(1),
            renewals: number("COURIER_BENCH_RENEWALS", 60)?,
            seat_changes: number("COURIER_BENCH_SEAT_CHANGES", 1_000)?,
            attempts: number("COURIER_BENCH_ATTEMPTS", 2)?,
            threads: number("COURIER_BENCH_THREADS", 2_usize)?.max(1),
            postgres: url("COURIER_BENCH_DATABASE_URL")
                .or_else(|| url("COURIER_TEST_POSTGRES_URL")),
        })
    }
}

/// One `finished processing request` line: when it was read, the request's path and
/// query, and the server's latency in whole milliseconds.
type ServerTimes = Arc<Mutex<Vec<(Instant, String, u32)>>>;

/// Reads the server's JSON log lines for as long as it runs.
fn collect_server_times(stderr: std::process::ChildStderr) -> ServerTimes {
    let times: ServerTimes = Arc::default();
    let into = Arc::clone(&times);
    std::thread::Builder::new()
        .name("server-log".to_owned())
        .spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { return };
                let Ok(event) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                if event["message"] != "finished processing request" {
                    continue;
                }
                let latency = event["latency"]
                    .as_str()
                    .and_then(|latency| latency.strip_suffix(" ms"))
                    .and_then(|ms| ms.parse().ok());
                let uri = event["span"]["uri"].as_str();
                if let (Some(latency), Some(uri)) = (latency, uri)
                    && let Ok(mut times) = into.lock()
                {
                    times.push((Instant::now(), uri.to_owned(), latency));
                }
            }
        })
        .ok();
    times
}

/// The server and what the windows need of it.
struct Bench {
    config: Config,
    server: ServerProcess,
    watched: Watched,
    addr: SocketAddr,
    host: HeaderValue,
    server_times: ServerTimes,
    /// The admin's browser, signed in: a new grant per window (tokens live 10 min).
    browser: courier_testkit::ScriptedBrowser,
    runtime: tokio::runtime::Runtime,
}

/// One route measured in one window.
struct Measured {
    label: String,
    rate: f64,
    samples: Samples,
    usage: Usage,
    /// The server's own times for the route's requests in the window, sorted, in ms.
    server_ms: Vec<u32>,
    bytes: usize,
}

impl Bench {
    fn token(&self) -> anyhow::Result<String> {
        let grant = self.runtime.block_on(support::new_grant(
            &self.server.base,
            &self.browser,
            "billing bench",
        ))?;
        Ok(grant.access_token)
    }

    /// `GET path` paced at `rate` by `clients` clients for `seconds`, the quietest of
    /// up to `attempts` windows.
    fn measure(
        &self,
        label: &str,
        path: &str,
        rate: f64,
        clients: usize,
        seconds: u64,
    ) -> anyhow::Result<Measured> {
        let token = self.token()?;
        let bytes = self.runtime.block_on(async {
            let response = reqwest::Client::new()
                .get(format!("{}{path}", self.server.base))
                .bearer_auth(&token)
                .send()
                .await?;
            ensure!(
                response.status().is_success(),
                "{label}: {}",
                response.status()
            );
            Ok(response.bytes().await?.len())
        })?;
        // Scripts take a static path; a handful of them live as long as the bench.
        let path: &'static str = Box::leak(path.to_owned().into_boxed_str());
        let ((samples, server_ms), usage) = quietest(label, self.config.attempts, || {
            let now = Instant::now();
            let window = Window {
                from: now + WARM_UP,
                until: now + WARM_UP + Duration::from_secs(seconds),
            };
            let scripts = (0..clients)
                .map(|_| Get::bearer(&self.host, path, &token))
                .collect();
            let threads = self.config.threads.min(clients);
            let loads = open_loop::chains("load", self.addr, scripts, rate, threads, window)?;
            std::thread::sleep(window.from.saturating_duration_since(Instant::now()));
            let before = Snapshot::take(&self.watched)?;
            std::thread::sleep(window.until.saturating_duration_since(Instant::now()));
            let after = Snapshot::take(&self.watched)?;
            let (samples, _) = join_all(loads)?;
            let done = Instant::now();
            let mut server_ms: Vec<u32> = self
                .server_times
                .lock()
                .map_err(|_| anyhow!("the log reader panicked"))?
                .iter()
                .filter(|(at, uri, _)| *at >= window.from && *at <= done && uri == path)
                .map(|(_, _, ms)| *ms)
                .collect();
            server_ms.sort_unstable();
            Ok(((samples, server_ms), Usage::between(&before, &after)))
        })?;
        Ok(Measured {
            label: label.to_owned(),
            rate,
            samples,
            usage,
            server_ms,
            bytes,
        })
    }
}

/// A reqwest client's JSON `method path` with `token`, which must succeed.
async fn call(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    post: Option<&Value>,
    path: &str,
) -> anyhow::Result<Value> {
    let url = format!("{base}{path}");
    let request = match post {
        Some(body) => http.post(&url).json(body),
        None => http.get(&url),
    };
    let response = request.bearer_auth(token).send().await?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    ensure!(status.is_success(), "{path}: {status} {body}");
    Ok(body)
}

/// Previews `seats` Professional monthly seats and confirms the preview; returns the
/// invoice's id.
async fn change_plan(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    team: &str,
    seats: u32,
    card: bool,
) -> anyhow::Result<String> {
    let plan = json!({"tier": "professional", "cycle": "monthly", "seats": seats});
    let billing = format!("/api/v1/teams/{team}/billing");
    let preview = call(
        http,
        base,
        token,
        Some(&json!({"plan": plan})),
        &format!("{billing}/preview"),
    )
    .await?;
    let expected = match &preview["charge"]["total"] {
        Value::Null => json!({"minor": 0, "currency": "USD"}),
        total => total.clone(),
    };
    let mut body = json!({"plan": plan, "at": preview["at"], "expected_total": expected});
    if card {
        body["card"] =
            json!({"number": GOOD_CARD, "exp_month": 12, "exp_year": 2099, "cvc": "123"});
    }
    let outcome = call(http, base, token, Some(&body), &format!("{billing}/plan")).await?;
    let payment = &outcome["payment"]["payment"];
    ensure!(
        payment == "paid" || payment == "nothing_charged",
        "seat change to {seats}: {outcome}"
    );
    outcome["invoice"]["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("no invoice: {outcome}"))
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
    let (server, stderr) = ServerProcess::start_logging(database.as_deref(), SERVER_LOG)?;
    let server_times = collect_server_times(stderr);
    let watched = Watched {
        server: server.child.id(),
        database: database.as_deref().and_then(Watched::postmaster),
    };
    let backend = match &database {
        None => "SQLite (WAL, in the server's temporary data folder)",
        Some(_) => "PostgreSQL (a fresh database)",
    };
    println!(
        "billing dashboard bench: {cores} cores ({}), {backend}; server pid {}, load \
         generator pid {}\n",
        support::proc::model(),
        server.child.id(),
        std::process::id()
    );
    let addr: SocketAddr = server
        .base
        .strip_prefix("http://")
        .context("the server speaks plain HTTP")?
        .parse()?;
    let database_url = database.unwrap_or_else(|| server.database_url());
    let database_url = database_url.as_str();

    // Fixtures.
    let started = Instant::now();
    let base = server.base.clone();
    let http = reqwest::Client::new();
    let browser = runtime.block_on(support::signed_in_browser(&base, &server.outbox(), "admin"))?;
    let (team, seat_invoices) = runtime.block_on(async {
        let token = support::new_grant(&base, &browser, "setup").await?.access_token;
        let me = call(&http, &base, &token, None, "/api/v1/me").await?;
        let admin_id = me["id"].as_str().context("no id")?.to_owned();
        let slug = "acme";
        let team = call(
            &http,
            &base,
            &token,
            Some(&json!({"name": "Acme Corporation", "slug": slug})),
            "/api/v1/teams",
        )
        .await?;
        let team = team["id"].as_str().context("no team")?.to_owned();
        let seeder = seed::Seeder::open(database_url, &team, &admin_id).await?;
        seeder.members(config.members as usize - 1).await?;
        let members = config.members;
        change_plan(&http, &base, &token, &team, members, true).await?;
        println!(
            "team of {members} members on Professional monthly (upgraded through the API) in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let renewing = Instant::now();
        billing_seed::renewals(database_url, &team, slug, config.renewals).await?;
        println!(
            "{} monthly renewals of the past 5 years written with save_billing in {:.1} s",
            config.renewals,
            renewing.elapsed().as_secs_f64()
        );
        let changing = Instant::now();
        let mut invoices = Vec::with_capacity(config.seat_changes);
        let mut token = token;
        let mut grant_made = Instant::now();
        for i in 0..config.seat_changes {
            if grant_made.elapsed() > Duration::from_secs(300) {
                token = support::new_grant(&base, &browser, "setup").await?.access_token;
                grant_made = Instant::now();
            }
            let seats = members + u32::from(i % 2 == 0);
            invoices.push(change_plan(&http, &base, &token, &team, seats, false).await?);
        }
        let elapsed = changing.elapsed().as_secs_f64();
        println!(
            "{} seat changes through Edit Plan (preview + confirm over HTTP) in {elapsed:.1} s, \
             {:.1} ms each",
            config.seat_changes,
            1e3 * elapsed / config.seat_changes.max(1) as f64
        );
        anyhow::Ok((team, invoices))
    })?;

    let bench = Bench {
        host: HeaderValue::from_str(&addr.to_string())?,
        addr,
        watched,
        server_times,
        browser,
        runtime,
        server,
        config,
    };
    let config = &bench.config;
    let billing = format!("/api/v1/teams/{team}/billing");
    let dashboard: Value = {
        let token = bench.token()?;
        bench
            .runtime
            .block_on(call(&http, &base, &token, None, &billing))?
    };
    let count = dashboard["invoice_count"].as_u64().unwrap_or(0) as usize;
    let expected = 1 + config.renewals + config.seat_changes;
    let listed = dashboard["invoices"].as_array().map_or(0, Vec::len);
    ensure!(
        count == expected && listed == expected.min(24),
        "the dashboard shows {listed} of {count} invoices, not 24 of {expected}: {dashboard}"
    );
    let oldest_shown = dashboard["invoices"][listed - 1]["id"]
        .as_str()
        .context("no invoice id")?
        .to_owned();
    let middle = &seat_invoices[seat_invoices.len() / 2];
    let charged = seat_invoices
        .iter()
        .rev()
        .step_by(2)
        .next()
        .unwrap_or(&oldest_shown);
    let issued = bench
        .runtime
        .block_on(billing_seed::invoices_issued(database_url, &team))?;
    ensure!(
        issued as usize == expected,
        "the billing document has issued {issued} invoices, not {expected}"
    );
    println!(
        "dashboard: {listed} of {count} invoices ({} KiB), invoices_issued {issued}, {} seats; \
         setup {:.1} s\n",
        dashboard.to_string().len() / 1024,
        dashboard["plan"]["seats"],
        started.elapsed().as_secs_f64()
    );

    let mut measured = Vec::new();
    measured.push(bench.measure(
        "GET …/billing (dashboard)",
        &billing,
        config.rate,
        config.clients,
        config.seconds,
    )?);
    let secondary_clients = (config.clients / 2).max(1);
    for (label, path) in [
        (
            "GET …/invoices?before= (Load older)",
            format!("{billing}/invoices?before={oldest_shown}"),
        ),
        (
            "GET …/invoices?before= (mid-history)",
            format!("{billing}/invoices?before={middle}"),
        ),
        (
            "GET …/invoices/{id}/invoice.pdf",
            format!("{billing}/invoices/{charged}/invoice.pdf"),
        ),
    ] {
        measured.push(bench.measure(
            label,
            &path,
            config.secondary_rate,
            secondary_clients,
            config.secondary_seconds,
        )?);
    }
    report(&measured, cores);
    Ok(())
}

fn report(measured: &[Measured], cores: usize) {
    let number = |value: Option<f64>| value.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"));
    println!(
        "{:<38} {:>11} {:>6} {:>5} {:>7} {:>7} {:>7} {:>7} {:>8} {:>9} {:>9} {:>8}",
        "route",
        "clients",
        "ok",
        "err",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "p99 sent",
        "late p99",
        "KiB"
    );
    for row in measured {
        let mut micros = row.samples.micros.clone();
        micros.sort_unstable();
        let mut sent = row.samples.from_send.clone();
        sent.sort_unstable();
        println!(
            "{:<38} {:>11} {:>6} {:>5} {:>7.1} {:>7} {:>7} {:>7} {:>8} {:>9} {:>9} {:>8.1}",
            row.label,
            format!("{} @{:.0}/s", row.samples.connections, row.rate),
            micros.len(),
            row.samples.errors,
            row.samples.answered as f64 / row.samples.secs.max(1e-9),
            number(percentile_ms(&micros, 0.50)),
            number(percentile_ms(&micros, 0.95)),
            number(percentile_ms(&micros, 0.99)),
            number(percentile_ms(&micros, 1.0)),
            number(percentile_ms(&sent, 0.99)),
            number(row.samples.lateness_p99()),
            row.bytes as f64 / 1024.0,
        );
    }
    println!(
        "(latency from each request's scheduled send to the last byte of its answer; \
         \"p99 sent\" from when it really left; \"late p99\" how late the load threads' \
         timers fired)"
    );
    for row in measured {
        if let Some(error) = &row.samples.first_error {
            println!("  {}: first error: {error}", row.label);
        }
    }
    println!("\nserver time (tower-http, whole ms rounded down), per route:");
    for row in measured {
        let ms = &row.server_ms;
        let at = |p: f64| {
            percentile_ms(ms, p).map_or_else(|| "-".to_owned(), |v| format!("{:.0}", v * 1e3))
        };
        println!(
            "  {:<38} {:>6} answers: p50 {} ms, p95 {} ms, p99 {} ms, max {} ms",
            row.label,
            ms.len(),
            at(0.50),
            at(0.95),
            at(0.99),
            at(1.0)
        );
    }
    println!(
        "\nCPU per window, in cores of {cores}: server (tokio workers, SQLite threads), \
         PostgreSQL, load generator, outside; server CPU per answer"
    );
    for row in measured {
        let cpu = &row.usage;
        let answered = row.samples.answered as f64 / row.samples.secs.max(1e-9);
        println!(
            "  {:<38} server {:.2} (workers {:.2}, sqlite {:.2})  database {:.2}  \
             generator {:.2}  outside {:.2}  {:.0} µs/answer",
            row.label,
            cpu.server,
            cpu.workers,
            cpu.sqlite,
            cpu.database,
            cpu.generator,
            cpu.outside,
            1e6 * (cpu.server + cpu.database) / answered.max(1.0)
        );
    }
    println!("\ntarget (issue #14): p99 ≤ {TARGET_P99_MS} ms");
    for row in measured {
        let mut micros = row.samples.micros.clone();
        micros.sort_unstable();
        let p99 = percentile_ms(&micros, 0.99);
        let server_p99 = percentile_ms(&row.server_ms, 0.99).map(|p99| p99 * 1e3);
        let kept = row.samples.answered as f64 / row.samples.secs.max(1e-9) >= KEPT_PACE * row.rate;
        let pass = row.samples.errors == 0 && kept && p99.is_some_and(|p99| p99 <= TARGET_P99_MS);
        println!(
            "  {:<38} from scheduled send p99 {} ms ({:.2}× the target), server p99 {} ms: {}",
            row.label,
            number(p99),
            p99.unwrap_or(f64::NAN) / TARGET_P99_MS,
            server_p99.map_or_else(|| "-".to_owned(), |ms| format!("{ms:.0}")),
            if pass { "PASS" } else { "FAIL" }
        );
    }
    if measured.iter().any(|row| {
        use support::Disturbance as _;
        row.usage.disturbed()
    }) {
        println!(
            "\nSome windows shared the machine with other work (\"outside\" above {} \
             cores): rerun when it is idle for numbers to compare.",
            usage::BUSY_CORES
        );
    }
}
