//! The sidebar on a big workspace: 10,000 requests in 500 folders (5 collections of
//! 100 folders, half of them nested one level), built through the public API into a
//! fresh database file; then the whole tree and the filter, each timed many times;
//! then all of it stored again as one imported collection.
//!
//! `cargo bench -p courier-workspace --bench tree` (numbers in BENCHMARKS.md).
//! `COURIER_BENCH_RUNS` sets how many timed runs each measurement gets (default 50).

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use courier_workspace::courier_format;
use courier_workspace::db::{Options, Place, WorkspaceDb};
use courier_workspace::import::ExportOptions;
use courier_workspace::model::{CollectionTree, RequestSpec};
use courier_workspace::seal::{DataKey, Secrets};

const COLLECTIONS: usize = 5;
const FOLDERS_PER_COLLECTION: usize = 100;
const REQUESTS_PER_FOLDER: usize = 20;

fn main() {
    let runs: usize = std::env::var("COURIER_BENCH_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(50);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(bench(runs));
}

async fn bench(runs: usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("workspaces.db");
    let secrets = Secrets::Sealed(DataKey::generate().unwrap());
    let db = WorkspaceDb::open(&path, Options::new(secrets))
        .await
        .unwrap();
    let workspace = db.create_workspace("bench", "Big").await.unwrap().meta.id;

    let started = Instant::now();
    let requests = build(&db, &workspace).await;
    let built = started.elapsed();
    println!(
        "built {requests} requests in {} folders: {:.1} s ({:.0} creates/s, one transaction each)",
        COLLECTIONS * FOLDERS_PER_COLLECTION,
        built.as_secs_f64(),
        requests as f64 / built.as_secs_f64()
    );
    let size = std::fs::metadata(&path).unwrap().len() + wal_len(&path);
    println!(
        "database file and log: {:.1} MiB",
        size as f64 / (1 << 20) as f64
    );

    let tree = db.tree(&workspace).await.unwrap();
    assert_eq!(tree.requests.len(), requests);
    let json = serde_json::to_string(&tree).unwrap().len();
    println!(
        "tree as JSON (what crosses to the UI): {:.0} KiB",
        json as f64 / 1024.0
    );

    println!("\n{runs} runs each          median      p95      min   CPU/run  matches");
    let tree = time(runs, || async {
        db.tree(&workspace).await.unwrap().requests.len()
    })
    .await;
    report("tree (whole workspace)", tree);
    for (label, text) in [
        ("filter, one request", "item 4242"),
        ("filter, one folder", "resource-c2-f77/"),
        ("filter, 10 % match", "orders"),
        ("filter, no match", "zzz-nothing"),
        ("filter, every request", "example"),
    ] {
        let filter = time(runs, || async {
            db.filter(&workspace, text).await.unwrap().len()
        })
        .await;
        report(label, filter);
    }

    // The same 10,000 requests as one imported collection (fresh ids via Courier's
    // own file), stored in one transaction.
    let mut whole = CollectionTree {
        collection: db.collections(&workspace).await.unwrap().remove(0),
        folders: Vec::new(),
        requests: Vec::new(),
    };
    let tree = db.tree(&workspace).await.unwrap();
    for folder in &tree.folders {
        let mut folder = db.folder(&folder.id).await.unwrap();
        folder.collection_id = whole.collection.meta.id.clone();
        whole.folders.push(folder);
    }
    for request in &tree.requests {
        let mut request = db.request(&request.id).await.unwrap();
        request.collection_id = whole.collection.meta.id.clone();
        whole.requests.push(request);
    }
    let file = courier_format::export_collection(&whole, ExportOptions::default());
    let fresh = courier_format::import_collection(&file, &workspace, 0)
        .unwrap()
        .value;
    let started = Instant::now();
    db.add_collection_tree(&workspace, &fresh).await.unwrap();
    println!(
        "\nstoring one imported collection of {} requests in {} folders: {:.0} ms (one transaction)",
        fresh.requests.len(),
        fresh.folders.len(),
        started.elapsed().as_secs_f64() * 1e3
    );
    db.close().await;
}

/// Builds the workspace; returns how many requests it holds.
async fn build(db: &WorkspaceDb, workspace: &str) -> usize {
    let mut count = 0;
    for c in 0..COLLECTIONS {
        let collection = db
            .create_collection(workspace, &format!("Service {c}"))
            .await
            .unwrap()
            .meta
            .id;
        let mut parents: Vec<String> = Vec::new();
        for f in 0..FOLDERS_PER_COLLECTION {
            // The first half sit in the collection, the second half one level down.
            let parent =
                (f >= FOLDERS_PER_COLLECTION / 2).then(|| parents[f % parents.len()].clone());
            let place = Place::end(&collection, parent.as_deref());
            let folder = db
                .create_folder(&place, &format!("Resource {c}-{f}"))
                .await
                .unwrap()
                .meta
                .id;
            if parent.is_none() {
                parents.push(folder.clone());
            }
            for r in 0..REQUESTS_PER_FOLDER {
                let noun = if r % 10 == 0 { "orders" } else { "items" };
                let spec = RequestSpec {
                    method: ["GET", "POST", "PUT", "DELETE"][r % 4].to_owned(),
                    url: format!(
                        "https://api{c}.example.com/v1/resource-c{c}-f{f}/{noun}/{count}?page={r}"
                    ),
                    ..RequestSpec::default()
                };
                let name = format!(
                    "{} item {count}",
                    ["List", "Create", "Update", "Remove"][r % 4]
                );
                db.create_request(&Place::end(&collection, Some(&folder)), &name, &spec)
                    .await
                    .unwrap();
                count += 1;
            }
        }
    }
    count
}

/// Wall times of `runs` runs (sorted), the CPU the process used per run, and the
/// last run's result.
async fn time<F, Fut>(runs: usize, mut run: F) -> (Vec<Duration>, Option<f64>, usize)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let mut found = 0;
    for _ in 0..3 {
        found = run().await;
    }
    let mut times = Vec::with_capacity(runs);
    let cpu_before = cpu_ms();
    for _ in 0..runs {
        let started = Instant::now();
        found = run().await;
        times.push(started.elapsed());
    }
    let cpu = cpu_before
        .zip(cpu_ms())
        .map(|(before, after)| (after - before) / runs as f64);
    times.sort();
    (times, cpu, found)
}

/// User and system CPU time of this process so far, in milliseconds (Linux; the
/// kernel counts in ticks of 10 ms, so this is meaningful over many runs).
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0)
}

fn report(label: &str, (times, cpu, found): (Vec<Duration>, Option<f64>, usize)) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
    let cpu = cpu.map_or_else(|| "-".to_owned(), |cpu| format!("{cpu:.1} ms"));
    println!(
        "{label:<24} {:>6.1} ms {:>6.1} ms {:>6.1} ms {cpu:>9} {found:>8}",
        ms(times[times.len() / 2]),
        ms(p95),
        ms(times[0])
    );
}

fn wal_len(path: &std::path::Path) -> u64 {
    std::fs::metadata(path.with_extension("db-wal")).map_or(0, |m| m.len())
}
