//! How long importing (and exporting) a large Postman collection takes: a generated
//! ~5 MB v2.1 collection (`tests/common/postman_gen.rs`) read into a
//! `CollectionTree`, written back as Postman and as Courier's own format, and
//! Courier's format read. Target: the Postman import ≤ 1 s.
//!
//! `cargo bench -p courier-workspace --bench import`
//! (`COURIER_BENCH_MEGABYTES`, default 5; `COURIER_BENCH_ROUNDS`, default 10).

#![allow(clippy::print_stdout, clippy::unwrap_used)] // a report-printing program

#[path = "../tests/common/postman_gen.rs"]
mod postman_gen;

use std::time::Instant;

use courier_workspace::import::ExportOptions;
use courier_workspace::{courier_format, postman};

const TARGET_MS: f64 = 1000.0;

fn main() {
    let megabytes: f64 = env_or("COURIER_BENCH_MEGABYTES", 5.0);
    let rounds: usize = env_or("COURIER_BENCH_ROUNDS", 10);
    let json = postman_gen::collection_of_size((megabytes * 1024.0 * 1024.0) as usize);
    let tree = postman::import_collection(&json, "w", 0).unwrap().value;
    let courier_json = courier_format::export_collection(&tree, ExportOptions::default());
    println!(
        "Postman file {:.2} MB: {} folders, {} requests; Courier file {:.2} MB; {rounds} rounds each",
        json.len() as f64 / 1_048_576.0,
        tree.folders.len(),
        tree.requests.len(),
        courier_json.len() as f64 / 1_048_576.0,
    );
    println!("| step | p50 | max |");
    println!("|---|---|---|");
    let postman_import = measure(rounds, || {
        postman::import_collection(&json, "w", 0).unwrap();
    });
    report("Postman import", &postman_import);
    report(
        "Postman export",
        &measure(rounds, || {
            postman::export_collection(&tree, ExportOptions::default());
        }),
    );
    report(
        "Courier import",
        &measure(rounds, || {
            courier_format::import_collection(&courier_json, "w", 0).unwrap();
        }),
    );
    report(
        "Courier export",
        &measure(rounds, || {
            courier_format::export_collection(&tree, ExportOptions::default());
        }),
    );
    let worst = postman_import.iter().copied().fold(0.0, f64::max);
    let verdict = if worst <= TARGET_MS { "PASS" } else { "FAIL" };
    println!();
    println!("target: Postman import ≤ {TARGET_MS} ms (slowest round) — {verdict}");
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn measure(rounds: usize, mut step: impl FnMut()) -> Vec<f64> {
    (0..rounds)
        .map(|_| {
            let started = Instant::now();
            step();
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect()
}

fn report(name: &str, samples: &[f64]) {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    println!(
        "| {name} | {:.1} ms | {:.1} ms |",
        sorted[(sorted.len() - 1) / 2],
        sorted[sorted.len() - 1]
    );
}
