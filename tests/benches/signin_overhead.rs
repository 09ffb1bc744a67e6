//! What Courier's own code adds to a sign-in: from the browser's callback reaching the
//! client's loopback listener to the account being stored (keyring + registry) and
//! active, beside the browser's own part (authorize → sign-in page → password →
//! redirect), both against a real courier-server on loopback and a real Secret Service.
//!
//! Run: `scripts/with-keyring.sh cargo bench -p courier-tests --bench signin_overhead`

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use courier_client::auth::vault::KeyringVault;
use courier_client::clock::SystemClock;
use courier_client::config::ClientConfig;
use courier_client::{Courier, SignInMode};
use courier_testkit::{PASSWORD, ScriptedBrowser, TestServer};
use courier_tests::ChannelOpener;

const ROUNDS: usize = 40;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let data = tempfile::tempdir().unwrap();
    let service = format!("courier-bench-{}", std::process::id());
    let config = ClientConfig::for_data_dir(data.path(), &service, server.base());
    let vault = KeyringVault::connect(&service)
        .expect("a Secret Service: run under scripts/with-keyring.sh");
    let (opener, mut opened) = ChannelOpener::new();
    let courier = Courier::new(
        config,
        Arc::new(vault),
        Arc::new(SystemClock),
        Arc::new(opener),
    )
    .unwrap();
    let callback_client = reqwest::Client::new();

    let mut ours = Vec::with_capacity(ROUNDS);
    let mut browsers = Vec::with_capacity(ROUNDS);
    for round in 0..=ROUNDS {
        let attempt = courier
            .start_sign_in(None, SignInMode::SignIn)
            .await
            .unwrap();
        let url = opened.recv().await.unwrap();
        let browsing = Instant::now();
        // A fresh browser profile each round, so each sign-in asks for the password.
        let browser = ScriptedBrowser::new(server.base());
        let callback = browser.authorize(&url, "ada", PASSWORD, true).await;
        let browser_time = browsing.elapsed();
        // From here on it is Courier's code: the listener, the code exchange, user
        // info, the keyring write and the registry update.
        let reached = Instant::now();
        let answer = callback_client.get(&callback).send().await.unwrap();
        assert_eq!(answer.status(), 200);
        let account = courier.finish_sign_in(attempt).await.unwrap();
        let our_time = reached.elapsed();
        assert_eq!(
            courier.registry().await.unwrap().active.as_deref(),
            Some(account.id.as_str())
        );
        if round > 0 {
            // Round 0 warms connections and the keyring.
            ours.push(our_time);
            browsers.push(browser_time);
        }
    }
    courier.sign_out_all().await.unwrap();

    ours.sort();
    browsers.sort();
    println!("sign-in round trips: {ROUNDS} (after one warm-up), loopback, SQLite, Secret Service");
    println!("| part | p50 ms | p95 ms | max ms |");
    println!("|---|---|---|---|");
    for (name, sorted) in [
        ("Courier: callback → account stored and active", &ours),
        ("browser: authorize → password → callback", &browsers),
    ] {
        println!(
            "| {name} | {:.1} | {:.1} | {:.1} |",
            ms(percentile(sorted, 0.5)),
            ms(percentile(sorted, 0.95)),
            ms(*sorted.last().unwrap())
        );
    }
    let p95 = ms(percentile(&ours, 0.95));
    println!(
        "target: Courier's part p95 <= 150 ms -> {} ({p95:.1} ms)",
        if p95 <= 150.0 { "PASS" } else { "FAIL" }
    );
}
