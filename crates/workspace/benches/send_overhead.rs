//! The time Courier's sender adds to a request: the same GET sent N times to a
//! loopback server through `prepare` + `Sender::send` (variables resolved, auth
//! applied, secrets masked for history, the response measured and its cookies and
//! headers collected) and through a bare reqwest client, interleaved so both see the
//! same machine. Prints p50/p99 of each and of the difference; target p50 ≤ 1 ms.
//!
//! `cargo bench -p courier-workspace --bench send_overhead`
//! (`COURIER_BENCH_REQUESTS`, default 2000).

#![allow(clippy::print_stdout, clippy::unwrap_used)] // a report-printing program

#[path = "../tests/common/echo_server.rs"]
mod echo_server;

use std::time::{Duration, Instant};

use courier_workspace::model::{Auth, KeyValue, RequestSpec, SendOptions, Variable};
use courier_workspace::resolve::Resolver;
use courier_workspace::send::{CancellationToken, Sender, prepare};
use echo_server::EchoServer;

const TARGET_P50_MS: f64 = 1.0;
const WARM_UP: usize = 200;

fn main() {
    let requests: usize = std::env::var("COURIER_BENCH_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(requests));
}

async fn run(requests: usize) {
    let server = EchoServer::start().await;
    let resolver = Resolver::new(
        &[Variable::new("base", server.url(""))],
        &[Variable::new("version", "v1")],
        &[Variable {
            secret: true,
            ..Variable::new("token", "bench-secret-token")
        }],
    );
    let spec = RequestSpec {
        url: "{{base}}/tiny?api={{version}}&page=1".to_owned(),
        headers: vec![
            KeyValue::new("Accept", "application/json"),
            KeyValue::new("X-Request", "bench"),
        ],
        ..RequestSpec::default()
    };
    let auth = Auth::Bearer {
        token: "{{token}}".to_owned(),
    };
    let sender = Sender::new();
    let options = SendOptions::default();
    let cancel = CancellationToken::new();
    let bare = reqwest::Client::builder().build().unwrap();
    let bare_url = server.url("/tiny?api=v1&page=1");

    let through_sender = || async {
        let started = Instant::now();
        let prepared = prepare(&spec, &auth, &resolver).unwrap();
        let response = sender.send(&prepared, &options, &cancel).await.unwrap();
        assert_eq!(response.body, b"ok");
        started.elapsed()
    };
    let through_reqwest = || async {
        let started = Instant::now();
        let response = bare
            .get(&bare_url)
            .header("Accept", "application/json")
            .header("X-Request", "bench")
            .header("Authorization", "Bearer bench-secret-token")
            .send()
            .await
            .unwrap();
        let _headers: Vec<_> = response.headers().iter().collect();
        let body = response.bytes().await.unwrap();
        assert_eq!(&body[..], b"ok");
        started.elapsed()
    };

    for _ in 0..WARM_UP {
        through_sender().await;
        through_reqwest().await;
    }
    let mut courier = Vec::with_capacity(requests);
    let mut baseline = Vec::with_capacity(requests);
    let mut prepare_only = Vec::with_capacity(requests);
    for round in 0..requests {
        // Alternate which goes first so neither always finds the connection warmer.
        if round % 2 == 0 {
            courier.push(through_sender().await);
            baseline.push(through_reqwest().await);
        } else {
            baseline.push(through_reqwest().await);
            courier.push(through_sender().await);
        }
        let started = Instant::now();
        std::hint::black_box(prepare(&spec, &auth, &resolver).unwrap());
        prepare_only.push(started.elapsed());
    }
    let courier = all_ms(&courier);
    let baseline = all_ms(&baseline);
    let differences: Vec<f64> = courier.iter().zip(&baseline).map(|(c, b)| c - b).collect();

    println!("{requests} requests each way to 127.0.0.1 (after {WARM_UP} warm-up), keep-alive");
    println!("| path | p50 | p99 | mean |");
    println!("|---|---|---|---|");
    row("bare reqwest", &baseline);
    row("Courier: prepare + send", &courier);
    row("prepare alone", &all_ms(&prepare_only));
    row("per-request difference", &differences);
    let p50_overhead = percentile(&courier, 50.0) - percentile(&baseline, 50.0);
    let p99_overhead = percentile(&courier, 99.0) - percentile(&baseline, 99.0);
    println!();
    println!(
        "overhead: p50 {p50_overhead:.3} ms, p99 {p99_overhead:.3} ms (difference of the percentiles)"
    );
    let verdict = if p50_overhead <= TARGET_P50_MS {
        "PASS"
    } else {
        "FAIL"
    };
    println!("target: p50 overhead ≤ {TARGET_P50_MS} ms — {verdict}");
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn all_ms(durations: &[Duration]) -> Vec<f64> {
    durations.iter().map(|d| ms(*d)).collect()
}

fn row(name: &str, samples: &[f64]) {
    let mean = samples.iter().sum::<f64>() / samples.len() as f64;
    println!(
        "| {name} | {:.3} ms | {:.3} ms | {mean:.3} ms |",
        percentile(samples, 50.0),
        percentile(samples, 99.0)
    );
}

/// Nearest-rank percentile.
fn percentile(samples: &[f64], percent: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((percent / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
