//! A device catching up: 10,000 changes pulled from the server (a collection and 9,999
//! requests, their fields as a real device pushes them) written into a fresh database
//! with [`WorkspaceDb::apply_pulled`], in one transaction, as a sync round does after its
//! last page. The server's side of the catch-up (pulling the pages) is
//! `courier-server`'s `sync` bench; the two together are the issue's "catch-up of 10,000
//! changes ≤ 2 s".
//!
//! `cargo bench -p courier-workspace --bench sync_apply` (numbers in BENCHMARKS.md).
//! `COURIER_BENCH_RUNS` sets how many fresh databases are filled (default 5).

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use courier_proto::{EntityKind, SyncedEntity};
use courier_workspace::db::{Options, Place, WorkspaceDb};
use courier_workspace::model::{KeyValue, RequestSpec};
use courier_workspace::seal::{DataKey, Secrets};

const CHANGES: usize = 10_000;

fn main() {
    let runs: usize = std::env::var("COURIER_BENCH_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(5);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(bench(runs));
}

async fn open(dir: &tempfile::TempDir) -> WorkspaceDb {
    let secrets = Secrets::Sealed(DataKey::generate().unwrap());
    WorkspaceDb::open(&dir.path().join("workspaces.db"), Options::new(secrets))
        .await
        .unwrap()
}

/// The changes another device made: its collection and a request as its outbox sends
/// them, the request copied under new ids and names.
async fn changes() -> (String, Vec<SyncedEntity>) {
    let dir = tempfile::tempdir().unwrap();
    let db = open(&dir).await;
    let workspace = db.create_workspace("bench", "Big").await.unwrap().meta.id;
    db.track_for_sync(&workspace, None).await.unwrap();
    let collection = db
        .create_collection(&workspace, "Catalog API")
        .await
        .unwrap();
    let spec = RequestSpec {
        url: "https://api.example.com/items/{{id}}".into(),
        headers: vec![KeyValue::new("Accept", "application/json")],
        ..RequestSpec::default()
    };
    db.create_request(&Place::end(&collection.meta.id, None), "Item", &spec)
        .await
        .unwrap();
    let staged = db.stage_outbox(&workspace).await.unwrap();
    let of = |kind| staged.iter().find(|op| op.entity == kind).unwrap();
    let (collection_op, request_op) = (of(EntityKind::Collection), of(EntityKind::Request));
    let mut changes = vec![SyncedEntity {
        entity: EntityKind::Collection,
        id: collection_op.entity_id.clone(),
        revision: 1,
        seq: 1,
        fields: collection_op.fields.clone(),
    }];
    for n in 1..CHANGES {
        let mut fields = request_op.fields.clone().unwrap();
        fields.insert("name".into(), format!("Item {n}").into());
        fields.insert("position".into(), (n as i64 * 1024).into());
        changes.push(SyncedEntity {
            entity: EntityKind::Request,
            id: format!("request-{n}"),
            revision: 1,
            seq: n as i64 + 1,
            fields: Some(fields),
        });
    }
    (workspace, changes)
}

async fn bench(runs: usize) {
    let (workspace, changes) = changes().await;
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs {
        let dir = tempfile::tempdir().unwrap();
        let db = open(&dir).await;
        db.adopt_synced_workspace("bench", &workspace, None)
            .await
            .unwrap();
        let started = Instant::now();
        let applied = db
            .apply_pulled(&workspace, &changes, CHANGES as i64)
            .await
            .unwrap();
        times.push(started.elapsed());
        assert_eq!(applied as usize, CHANGES);
        let tree = db.tree(&workspace).await.unwrap();
        assert_eq!(tree.requests.len(), CHANGES - 1);
        db.close().await;
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{CHANGES} pulled changes written into a fresh database, {runs} runs: median {:.0} ms, max {:.0} ms ({:.0} changes/s at the median)",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        CHANGES as f64 / times[times.len() / 2].as_secs_f64()
    );
}
