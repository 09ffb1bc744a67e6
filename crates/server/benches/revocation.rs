//! `cargo bench -p courier-server --bench revocation`: how fast a revoked session
//! hears about it, and what an idle events channel costs. Runs the release
//! `courier-server` binary as a child process on 127.0.0.1:0 (temporary data folder,
//! rate limits off), makes 1,000 grants through the real pages and endpoints (one
//! password sign-in per account, then code flows that reuse the browser session),
//! opens an authenticated `/api/v1/events` channel for each, then revokes sessions
//! one at a time through `DELETE /api/v1/sessions/{id}` and times revoke call →
//! `session_revoked` on that session's channel. Memory is the child's proportional
//! set size (`/proc/PID/smaps_rollup` Pss) before and after opening the channels,
//! so the client side of the connections is not counted. BENCHMARKS.md records it.

#![allow(clippy::print_stdout, clippy::unwrap_used)] // a report-printing program

#[path = "support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow};
use futures::StreamExt as _;
use support::{
    ServerProcess, Socket, account_with_grants, open_channel, percentile, raise_fd_limit,
};
use tokio_tungstenite::tungstenite::Message;

const ACCOUNTS: usize = 10;
const GRANTS_PER_ACCOUNT: usize = 100;
/// Revocations measured per account (the account's first session is the revoker).
const REVOKED_PER_ACCOUNT: usize = 25;
const P99_TARGET: Duration = Duration::from_millis(100);
const KIB_PER_CONNECTION_TARGET: f64 = 16.0;

/// Reads `socket` until `session_id`'s `session_revoked` arrives.
async fn revoked_event(socket: &mut Socket, session_id: &str) -> anyhow::Result<()> {
    while let Some(message) = socket.next().await {
        if let Message::Text(text) = message? {
            let event: serde_json::Value = serde_json::from_str(&text)?;
            if event["type"] == "session_revoked" && event["session_id"] == session_id {
                return Ok(());
            }
        }
    }
    Err(anyhow!("the channel closed without session_revoked"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    raise_fd_limit();
    let server = ServerProcess::start()?;
    println!(
        "courier-server pid {} at {}",
        server.child.id(),
        server.base
    );

    let setup = Instant::now();
    let mut accounts = Vec::new();
    for n in 0..ACCOUNTS {
        accounts.push(tokio::spawn(account_with_grants(
            server.base.clone(),
            server.outbox(),
            format!("bench{n}"),
            GRANTS_PER_ACCOUNT,
        )));
    }
    let mut grants = Vec::new();
    for account in accounts {
        grants.push(account.await??);
    }
    println!(
        "{} grants in {:.1} s",
        ACCOUNTS * GRANTS_PER_ACCOUNT,
        setup.elapsed().as_secs_f64()
    );

    tokio::time::sleep(Duration::from_secs(2)).await; // let the mail worker drain
    let before = server.pss_kib()?;
    let mut channels: Vec<Vec<(Socket, String)>> = Vec::new();
    for account in &grants {
        let mut open = Vec::new();
        for grant in account {
            open.push(open_channel(&server.base, &grant.access_token).await?);
        }
        channels.push(open);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = server.pss_kib()?;
    let connections = channels.iter().map(Vec::len).sum::<usize>();
    let per_connection = (after.saturating_sub(before)) as f64 / connections as f64;
    println!(
        "server Pss {before} KiB before, {after} KiB with {connections} idle channels: \
         {per_connection:.1} KiB per channel (target ≤ {KIB_PER_CONNECTION_TARGET})"
    );

    let http = reqwest::Client::new();
    let mut latencies = Vec::new();
    for round in 1..=REVOKED_PER_ACCOUNT {
        for (account, open) in channels.iter_mut().enumerate() {
            let revoker = &grants[account][0].access_token;
            let (socket, session_id) = &mut open[round];
            let url = format!("{}/api/v1/sessions/{session_id}", server.base);
            let started = Instant::now();
            let call = http.delete(url).bearer_auth(revoker).send();
            let (response, heard) = tokio::join!(call, async {
                tokio::time::timeout(Duration::from_secs(5), revoked_event(socket, session_id))
                    .await
            });
            let elapsed = started.elapsed();
            anyhow::ensure!(response?.status().as_u16() == 204, "revoke refused");
            heard.context("no session_revoked within 5 s")??;
            latencies.push(elapsed);
        }
    }
    latencies.sort();
    let p50 = percentile(&latencies, 0.50);
    let p99 = percentile(&latencies, 0.99);
    let max = latencies[latencies.len() - 1];
    println!(
        "revoke → session_revoked over {} revocations: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms \
         (target p99 ≤ {} ms)",
        latencies.len(),
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3,
        P99_TARGET.as_millis()
    );
    let pass = p99 <= P99_TARGET && per_connection <= KIB_PER_CONNECTION_TARGET;
    println!("{}", if pass { "PASS" } else { "FAIL" });
    Ok(())
}
