//! `cargo bench -p courier-server --bench sync`: workspace sync under a team's load
//! (issue #13). Runs the release `courier-server` as a child process on 127.0.0.1:0
//! (temporary data folder, rate limits off) and drives it from this process, as the
//! team's apps would:
//!
//! 1. A team workspace with 1,000 connected clients: 10 members signed in on 100
//!    devices each, every device's events channel open (the admin edits).
//! 2. Edits, open loop: the admin pushes one new request every `1/COURIER_BENCH_RATE` s
//!    (default 5/s) for `COURIER_BENCH_SECONDS` (default 20). Every channel records
//!    when its `workspace_changed` arrives; one device of each member (10 "device B"s)
//!    then pulls the changes after the sequence number it has, and the edit is visible
//!    there when the pulled page holds it. Latency runs from the edit's scheduled send.
//!    Targets: visible p95 ≤ 50 ms, p99 ≤ 100 ms.
//! 3. Catch-up: 10,000 changes pushed to another workspace (50 pushes of 200), then a
//!    device that has none pulls them all, page after page (1,000 a page), 5 times.
//!    Target ≤ 2 s (the device's writing them is `courier-workspace`'s `sync_apply`
//!    bench).
//! 4. Memory: the server's Pss before and after the 1,000 channels open. Target ≤ 16 KiB
//!    per idle channel.
//!
//! BENCHMARKS.md records the results and how to read them.

#![allow(clippy::print_stdout, clippy::unwrap_used)] // a report-printing program

// Only adding members is used here; the teams bench uses the rest.
#[allow(dead_code)]
#[path = "teams/seed.rs"]
mod seed;
#[path = "support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, anyhow, ensure};
use futures::StreamExt as _;
use serde_json::{Value, json};
use support::{ServerProcess, ms, open_channel, percentile, person, raise_fd_limit};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

const MEMBERS: usize = 10;
const DEVICES_PER_MEMBER: usize = 100;
const CATCH_UP_CHANGES: usize = 10_000;
const PUSH_BATCH: usize = 200;
const CATCH_UP_RUNS: usize = 5;
const VISIBLE_P95_TARGET: Duration = Duration::from_millis(50);
const VISIBLE_P99_TARGET: Duration = Duration::from_millis(100);
const CATCH_UP_TARGET: Duration = Duration::from_secs(2);
const CHANNEL_KIB_TARGET: f64 = 16.0;

/// What a channel saw: the sequence number an event announced and when, and for a
/// device that pulls, when the pulled page held it.
enum Seen {
    Event { seq: i64, at: Instant },
    Visible { seq: i64, at: Instant },
}

/// Reads one device's channel for the whole run; with `pull`, pulls after each event.
fn follow(
    mut socket: support::Socket,
    pull: Option<(reqwest::Client, String, String)>,
    seen: mpsc::UnboundedSender<Seen>,
) {
    tokio::spawn(async move {
        let mut have = 0;
        while let Some(Ok(message)) = socket.next().await {
            let Message::Text(text) = message else {
                continue;
            };
            let event: Value = match serde_json::from_str(&text) {
                Ok(event) => event,
                Err(_) => continue,
            };
            if event["type"] != "workspace_changed" {
                continue;
            }
            let seq = event["seq"].as_i64().unwrap_or(0);
            if seen
                .send(Seen::Event {
                    seq,
                    at: Instant::now(),
                })
                .is_err()
            {
                return;
            }
            let Some((http, url, token)) = &pull else {
                continue;
            };
            if seq <= have {
                continue;
            }
            let page: Value = match http
                .get(format!("{url}?since={have}"))
                .bearer_auth(token)
                .send()
                .await
            {
                Ok(response) => response.json().await.unwrap_or(Value::Null),
                Err(_) => continue,
            };
            let at = Instant::now();
            for change in page["changes"].as_array().into_iter().flatten() {
                let seq = change["seq"].as_i64().unwrap_or(0);
                let _ = seen.send(Seen::Visible { seq, at });
            }
            have = page["seq"].as_i64().unwrap_or(have);
        }
    });
}

fn put(id: &str, fields: Value) -> Value {
    json!({
        "id": format!("op-{id}"),
        "entity": "request",
        "entity_id": id,
        "base_revision": 0,
        "fields": fields,
    })
}

fn request_fields(n: usize) -> Value {
    json!({
        "collection_id": "c1",
        "folder_id": null,
        "name": format!("Request {n}"),
        "description": null,
        "spec.method": "GET",
        "spec.url": format!("https://api.example.com/items/{n}"),
        "spec.params": [],
        "spec.headers": [{"key": "Accept", "value": "application/json", "enabled": true, "description": null}],
        "spec.body": {"kind": "none"},
        "spec.auth": {"kind": "inherit"},
        "scripts": {"pre_request": null, "test": null},
        "position": n * 1024,
    })
}

async fn register(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    body: Value,
) -> anyhow::Result<()> {
    let response = http
        .post(format!("{base}/api/v1/workspaces"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await?;
    ensure!(
        response.status().is_success(),
        "registering {body}: {}",
        response.status()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    raise_fd_limit();
    let rate: u32 = support::env_number("COURIER_BENCH_RATE", 5)?;
    let seconds: u32 = support::env_number("COURIER_BENCH_SECONDS", 20)?;
    let server = ServerProcess::start()?;
    println!(
        "courier-server pid {} at {}",
        server.child.id(),
        server.base
    );
    let http = reqwest::Client::new();
    let base = server.base.clone();

    // The team, its workspace, and 1,000 devices of its members listening.
    let admin = person(&server, "admin", 1).await?;
    let team: Value = http
        .post(format!("{base}/api/v1/teams"))
        .bearer_auth(&admin.tokens[0])
        .json(&json!({"name": "Sync Team", "slug": "sync-team"}))
        .send()
        .await?
        .json()
        .await?;
    let team_id = team["id"]
        .as_str()
        .ok_or_else(|| anyhow!("no team: {team}"))?
        .to_owned();
    let seeder = seed::Seeder::open(&server.database_url(), &team_id, &admin.user_id).await?;
    register(
        &http,
        &base,
        &admin.tokens[0],
        json!({"id": "team-ws", "team_id": team_id}),
    )
    .await?;
    let mut members = Vec::with_capacity(MEMBERS);
    for n in 0..MEMBERS {
        let member = person(&server, &format!("member{n}"), DEVICES_PER_MEMBER).await?;
        seeder.add(&member.user_id, &member.email).await?;
        members.push(member);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let pss_before = server.pss_kib()?;
    let changes_url = format!("{base}/api/v1/workspaces/team-ws/changes");
    let (seen_tx, mut seen) = mpsc::unbounded_channel();
    let mut sockets = Vec::new();
    for member in &members {
        for (device, token) in member.tokens.iter().enumerate() {
            let (socket, _) = open_channel(&base, token).await?;
            sockets.push((socket, device == 0, token.clone()));
        }
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let pss_after = server.pss_kib()?;
    let channels = sockets.len();
    let per_channel = (pss_after.saturating_sub(pss_before)) as f64 / channels as f64;
    println!(
        "{channels} events channels open: server Pss {pss_before} → {pss_after} KiB, {per_channel:.1} KiB each"
    );
    let pullers = sockets.iter().filter(|(_, pulls, _)| *pulls).count();
    for (socket, pulls, token) in sockets {
        let pull = pulls.then(|| (http.clone(), changes_url.clone(), token));
        follow(socket, pull, seen_tx.clone());
    }
    drop(seen_tx);

    // Edits, open loop: edit i is sequence number i + 1 of the fresh workspace.
    let interval = Duration::from_secs(1) / rate;
    let edits = (rate * seconds) as usize;
    let start = Instant::now() + Duration::from_millis(200);
    let scheduled: Arc<Vec<Instant>> =
        Arc::new((0..edits).map(|i| start + interval * i as u32).collect());
    println!(
        "{edits} edits at {rate}/s, each heard on {channels} channels and pulled by {pullers} devices:"
    );
    let sender = {
        let (http, url, token, scheduled) = (
            http.clone(),
            changes_url.clone(),
            admin.tokens[0].clone(),
            Arc::clone(&scheduled),
        );
        tokio::spawn(async move {
            let mut pushes = Vec::with_capacity(scheduled.len());
            for (i, at) in scheduled.iter().enumerate() {
                tokio::time::sleep_until(*at).await;
                let body = json!({"operations": [put(&format!("r{i}"), request_fields(i))]});
                let request = http.post(&url).bearer_auth(&token).json(&body).send();
                pushes.push(tokio::spawn(async move {
                    let response = request.await?;
                    ensure!(
                        response.status().is_success(),
                        "push: {}",
                        response.status()
                    );
                    anyhow::Ok(())
                }));
            }
            for push in pushes {
                push.await??;
            }
            anyhow::Ok(())
        })
    };
    let mut heard = Vec::with_capacity(edits * channels);
    let mut visible = Vec::with_capacity(edits * pullers);
    let deadline = *scheduled.last().unwrap() + Duration::from_secs(10);
    while heard.len() < edits * channels || visible.len() < edits * pullers {
        let Ok(Some(event)) = tokio::time::timeout_at(deadline, seen.recv()).await else {
            break;
        };
        let (seq, at, into) = match event {
            Seen::Event { seq, at } => (seq, at, &mut heard),
            Seen::Visible { seq, at } => (seq, at, &mut visible),
        };
        let sent = usize::try_from(seq - 1)
            .ok()
            .and_then(|i| scheduled.get(i))
            .context("a sequence number no edit made")?;
        into.push(at.saturating_duration_since(*sent));
    }
    sender.await??;
    ensure!(
        heard.len() == edits * channels && visible.len() == edits * pullers,
        "heard {} of {} events, saw {} of {} edits",
        heard.len(),
        edits * channels,
        visible.len(),
        edits * pullers
    );
    heard.sort();
    visible.sort();
    let line = |what: &str, samples: &[Duration]| {
        println!(
            "  {what:<34} {:>6} samples: p50 {}, p95 {}, p99 {}, max {}",
            samples.len(),
            ms(percentile(samples, 0.5)),
            ms(percentile(samples, 0.95)),
            ms(percentile(samples, 0.99)),
            ms(percentile(samples, 1.0)),
        );
    };
    line("edit → workspace_changed (every)", &heard);
    line("edit → visible on device B (pull)", &visible);

    // Catch-up of 10,000 changes by a device that has none.
    register(&http, &base, &admin.tokens[0], json!({"id": "big-ws"})).await?;
    let big_url = format!("{base}/api/v1/workspaces/big-ws/changes");
    let seeding = Instant::now();
    for batch in 0..CATCH_UP_CHANGES / PUSH_BATCH {
        let operations: Vec<Value> = (0..PUSH_BATCH)
            .map(|k| {
                let n = batch * PUSH_BATCH + k;
                put(&format!("b{n}"), request_fields(n))
            })
            .collect();
        let response = http
            .post(&big_url)
            .bearer_auth(&admin.tokens[0])
            .json(&json!({"operations": operations}))
            .send()
            .await?;
        ensure!(
            response.status().is_success(),
            "seeding push: {}",
            response.status()
        );
    }
    println!(
        "{CATCH_UP_CHANGES} changes pushed in {} ({PUSH_BATCH} a push)",
        ms(seeding.elapsed())
    );
    let mut catch_ups = Vec::with_capacity(CATCH_UP_RUNS);
    for _ in 0..CATCH_UP_RUNS {
        let started = Instant::now();
        let (mut since, mut pulled, mut pages) = (0, 0, 0);
        loop {
            let page: Value = http
                .get(format!("{big_url}?since={since}&limit=1000"))
                .bearer_auth(&admin.tokens[0])
                .send()
                .await?
                .json()
                .await?;
            pulled += page["changes"].as_array().map_or(0, Vec::len);
            pages += 1;
            since = page["seq"].as_i64().unwrap_or(since);
            if page["more"] != true {
                break;
            }
        }
        ensure!(pulled == CATCH_UP_CHANGES, "pulled {pulled}");
        catch_ups.push((started.elapsed(), pages));
    }
    let mut times: Vec<Duration> = catch_ups.iter().map(|(time, _)| *time).collect();
    times.sort();
    println!(
        "catch-up of {CATCH_UP_CHANGES} changes in {} pages: median {}, max {}",
        catch_ups[0].1,
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 1.0))
    );

    let visible_pass = percentile(&visible, 0.95) <= VISIBLE_P95_TARGET
        && percentile(&visible, 0.99) <= VISIBLE_P99_TARGET;
    let verdict = |pass: bool| if pass { "PASS" } else { "FAIL" };
    println!(
        "visible p95 ≤ {} ms and p99 ≤ {} ms: {}; catch-up ≤ {} s: {}; idle channel ≤ {CHANNEL_KIB_TARGET} KiB: {}",
        VISIBLE_P95_TARGET.as_millis(),
        VISIBLE_P99_TARGET.as_millis(),
        verdict(visible_pass),
        CATCH_UP_TARGET.as_secs(),
        verdict(percentile(&times, 1.0) <= CATCH_UP_TARGET),
        verdict(per_channel <= CHANNEL_KIB_TARGET),
    );
    Ok(())
}
