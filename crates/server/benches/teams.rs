//! `cargo bench -p courier-server --bench teams`: a big team's lists and how fast a
//! removal reaches the removed member's apps (issue #12). Runs the release
//! `courier-server` as a child process on 127.0.0.1:0 (temporary data folder, rate
//! limits off) and drives it from this process, as other people's apps would:
//!
//! 1. An admin signs up through the pages and creates a team through the API; 1,000
//!    members and 1,000 pending invitations are seeded into the server's database
//!    (`teams/seed.rs`).
//! 2. Listing: `GET /api/v1/teams/{id}/members` and `…/invitations` alternately, open
//!    loop at `COURIER_BENCH_RATE` requests per second (default 50) for
//!    `COURIER_BENCH_SECONDS` (default 20), latency from each scheduled send
//!    (`teams/paced.rs`). Target p99 ≤ 20 ms.
//! 3. Removal: 10 accounts signed in on 100 devices each keep 1,000 events channels
//!    open; in turn each is made a member, then the admin removes it with `DELETE
//!    /api/v1/teams/{id}/members/{user}`; the time from that call to `teams_changed`
//!    on each of its 100 channels is one sample. Target p99 ≤ 100 ms.
//!
//! BENCHMARKS.md records the results and how to read them.

#![allow(clippy::print_stdout, clippy::unwrap_used)] // a report-printing program

#[path = "teams/paced.rs"]
mod paced;
#[path = "teams/seed.rs"]
mod seed;
#[path = "support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, ensure};
use futures::StreamExt as _;
use support::{ServerProcess, ms, open_channel, percentile, person, raise_fd_limit};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

const MEMBERS: usize = 1_000;
const PENDING_INVITATIONS: usize = 1_000;
const LISTENERS: usize = 10;
const DEVICES_PER_LISTENER: usize = 100;
const REMOVALS_PER_LISTENER: usize = 10;
const LIST_P99_TARGET: Duration = Duration::from_millis(20);
const REMOVAL_P99_TARGET: Duration = Duration::from_millis(100);

fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// Reads one channel for the whole run, reporting when each `teams_changed` arrives.
fn follow(
    mut socket: support::Socket,
    listener: usize,
    arrivals: mpsc::UnboundedSender<(usize, Instant)>,
) {
    tokio::spawn(async move {
        while let Some(Ok(message)) = socket.next().await {
            if let Message::Text(text) = message
                && text.contains("\"teams_changed\"")
                && arrivals.send((listener, Instant::now())).is_err()
            {
                return;
            }
        }
    });
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    raise_fd_limit();
    let rate = env_number("COURIER_BENCH_RATE", 50);
    let seconds = env_number("COURIER_BENCH_SECONDS", 20);
    let server = ServerProcess::start()?;
    println!(
        "courier-server pid {} at {}",
        server.child.id(),
        server.base
    );
    let http = reqwest::Client::new();

    let setup = Instant::now();
    let admin = person(&server, "admin", 1).await?;
    let team: serde_json::Value = http
        .post(format!("{}/api/v1/teams", server.base))
        .bearer_auth(&admin.tokens[0])
        .json(&serde_json::json!({"name": "Big Team", "slug": "big-team"}))
        .send()
        .await?
        .json()
        .await?;
    let team_id = team["id"]
        .as_str()
        .ok_or_else(|| anyhow!("no team: {team}"))?
        .to_owned();
    let seeder = seed::Seeder::open(&server.database_url(), &team_id, &admin.user_id).await?;
    seeder.members(MEMBERS - 1).await?;
    seeder.pending_invitations(PENDING_INVITATIONS).await?;
    println!(
        "team of {MEMBERS} members and {PENDING_INVITATIONS} pending invitations seeded in {:.1} s",
        setup.elapsed().as_secs_f64()
    );

    // Listing, open loop.
    let base = &server.base;
    let urls = [
        (
            format!("GET members ({MEMBERS})"),
            format!("{base}/api/v1/teams/{team_id}/members"),
        ),
        (
            format!("GET invitations ({PENDING_INVITATIONS})"),
            format!("{base}/api/v1/teams/{team_id}/invitations"),
        ),
    ];
    for (label, url) in &urls {
        let listed: Vec<serde_json::Value> = http
            .get(url)
            .bearer_auth(&admin.tokens[0])
            .send()
            .await?
            .json()
            .await
            .with_context(|| format!("{label}: not a list"))?;
        let expected = if url.ends_with("members") {
            MEMBERS
        } else {
            PENDING_INVITATIONS
        };
        ensure!(listed.len() == expected, "{label}: {} listed", listed.len());
    }
    println!("listing at {rate}/s for {seconds} s, open loop, latency from the scheduled send:");
    let listing = paced::get_paced(&http, &admin.tokens[0], &urls, rate, seconds).await?;
    for run in &listing {
        println!("  {}", run.report());
    }
    let listing_pass = listing
        .iter()
        .all(|run| run.errors == 0 && run.p99() <= LIST_P99_TARGET);

    // Removal with 1,000 channels open.
    let mut listeners = Vec::with_capacity(LISTENERS);
    for n in 0..LISTENERS {
        listeners.push(person(&server, &format!("listener{n}"), DEVICES_PER_LISTENER).await?);
    }
    let (arrivals_tx, mut arrivals) = mpsc::unbounded_channel();
    for (index, listener) in listeners.iter().enumerate() {
        for token in &listener.tokens {
            let (socket, _) = open_channel(&server.base, token).await?;
            follow(socket, index, arrivals_tx.clone());
        }
    }
    println!(
        "{} events channels open; server Pss {} KiB",
        LISTENERS * DEVICES_PER_LISTENER,
        server.pss_kib()?
    );
    let mut per_channel = Vec::new();
    let mut first_per_removal = Vec::new();
    for round in 0..LISTENERS * REMOVALS_PER_LISTENER {
        let index = round % LISTENERS;
        let listener = &listeners[index];
        seeder.add(&listener.user_id, &listener.email).await?;
        let started = Instant::now();
        let response = http
            .delete(format!(
                "{}/api/v1/teams/{team_id}/members/{}",
                server.base, listener.user_id
            ))
            .bearer_auth(&admin.tokens[0])
            .send()
            .await?;
        ensure!(
            response.status().as_u16() == 204,
            "removal refused: {}",
            response.status()
        );
        let mut heard = 0;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while heard < DEVICES_PER_LISTENER {
            let (from, at) = tokio::time::timeout_at(deadline, arrivals.recv())
                .await
                .context("teams_changed not heard on every channel within 5 s")?
                .ok_or_else(|| anyhow!("every channel closed"))?;
            ensure!(
                from == index,
                "listener {from} heard a removal it was not part of"
            );
            let latency = at.saturating_duration_since(started);
            if heard == 0 {
                first_per_removal.push(latency);
            }
            per_channel.push(latency);
            heard += 1;
        }
    }
    per_channel.sort();
    first_per_removal.sort();
    println!(
        "removal → teams_changed, {} removals × {DEVICES_PER_LISTENER} channels of the removed member:",
        first_per_removal.len()
    );
    println!(
        "  every channel: p50 {}, p99 {}, max {}",
        ms(percentile(&per_channel, 0.5)),
        ms(percentile(&per_channel, 0.99)),
        ms(percentile(&per_channel, 1.0))
    );
    println!(
        "  first channel: p50 {}, p99 {}",
        ms(percentile(&first_per_removal, 0.5)),
        ms(percentile(&first_per_removal, 0.99))
    );
    let removal_pass = percentile(&per_channel, 0.99) <= REMOVAL_P99_TARGET;
    println!(
        "listing p99 ≤ {} ms: {}; removal p99 ≤ {} ms: {}",
        LIST_P99_TARGET.as_millis(),
        if listing_pass { "PASS" } else { "FAIL" },
        REMOVAL_P99_TARGET.as_millis(),
        if removal_pass { "PASS" } else { "FAIL" }
    );
    Ok(())
}
