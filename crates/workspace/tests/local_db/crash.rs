//! Killed mid-write: a child process (this test binary again, running `crash_child`)
//! rewrites requests as fast as it can and reports each commit; the parent kills it
//! with SIGKILL at some moment, reopens the file, and checks that SQLite finds it
//! intact and that every request is wholly one version (the last reported or the one
//! in flight), its revision matching the change log.

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use courier_workspace::db::{Options, Place, WorkspaceDb};
use courier_workspace::model::{Body, KeyValue, RawLanguage, Request, RequestSpec};
use courier_workspace::seal::Secrets;

const CHILD_DB: &str = "COURIER_TEST_CRASH_CHILD_DB";
const CHILD_FROM: &str = "COURIER_TEST_CRASH_CHILD_FROM";
const REQUESTS: usize = 6;

/// A spec whose every part says `version`, about 20 KB (several pages per write).
fn versioned(version: u64) -> RequestSpec {
    RequestSpec {
        method: "POST".into(),
        url: format!("https://crash.example/v{version}"),
        headers: (0..40)
            .map(|i| KeyValue {
                key: format!("X-Part-{i}"),
                value: format!("v{version}"),
                enabled: true,
                description: None,
            })
            .collect(),
        body: Body::Raw {
            text: format!("v{version};").repeat(20_000 / 6),
            language: RawLanguage::Text,
        },
        ..RequestSpec::default()
    }
}

/// The one version a stored spec is, or a description of how it is torn.
fn version_of(spec: &RequestSpec) -> Result<u64, String> {
    let version: u64 = spec
        .url
        .rsplit_once("/v")
        .and_then(|(_, v)| v.parse().ok())
        .ok_or_else(|| format!("bad url {}", spec.url))?;
    let tag = format!("v{version}");
    let headers_agree = spec.headers.len() == 40 && spec.headers.iter().all(|h| h.value == tag);
    let body_agrees = match &spec.body {
        Body::Raw { text, .. } => *text == format!("{tag};").repeat(20_000 / 6),
        _ => false,
    };
    if headers_agree && body_agrees {
        Ok(version)
    } else {
        Err(format!(
            "torn: url says {version}, headers {headers_agree}, body {body_agrees}"
        ))
    }
}

/// Notes a "committed ID VERSION REVISION" line from the child; returns the version.
fn record(reported: &mut HashMap<String, (u64, i64)>, line: &str) -> Option<u64> {
    let rest = line.strip_prefix("committed ")?;
    // Each line is one write(2) of a few bytes to a pipe: whole or absent.
    let [id, version, revision] = rest.split(' ').collect::<Vec<_>>()[..] else {
        panic!("{line}");
    };
    let version: u64 = version.parse().unwrap();
    reported.insert(id.to_owned(), (version, revision.parse().unwrap()));
    Some(version)
}

async fn open(path: &Path) -> WorkspaceDb {
    WorkspaceDb::open(path, Options::new(Secrets::Unavailable))
        .await
        .unwrap()
}

async fn requests(db: &WorkspaceDb) -> Vec<Request> {
    let workspace = &db.workspaces(Some("crash")).await.unwrap()[1];
    let tree = db.tree(&workspace.meta.id).await.unwrap();
    let mut all = Vec::new();
    for node in tree.requests {
        all.push(db.request(&node.id).await.unwrap());
    }
    all
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The writer the parent kills. Does nothing unless started by the parent.
#[test]
fn crash_child() {
    let Ok(path) = std::env::var(CHILD_DB) else {
        return;
    };
    let mut version: u64 = std::env::var(CHILD_FROM).unwrap().parse().unwrap();
    runtime().block_on(async {
        let db = open(Path::new(&path)).await;
        let ids: Vec<(String, String)> = requests(&db)
            .await
            .into_iter()
            .map(|r| (r.meta.id, r.collection_id))
            .collect();
        loop {
            for (id, collection_id) in &ids {
                version += 1;
                let mut request = db.request(id).await.unwrap();
                request.spec = versioned(version);
                let mut revision = db.update_request(&request).await.unwrap().meta.revision;
                if version.is_multiple_of(3) {
                    // A move too: positions and the change log in one transaction.
                    let first = Place {
                        index: Some(0),
                        ..Place::end(collection_id, None)
                    };
                    revision = db.move_request(id, &first).await.unwrap().meta.revision;
                }
                println!("committed {id} {version} {revision}");
            }
        }
    });
}

#[test]
fn a_kill_mid_write_leaves_every_request_old_or_new_never_torn() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("workspaces.db");
    runtime().block_on(async {
        let db = open(&path).await;
        let workspace = db.create_workspace("crash", "Crash").await.unwrap();
        let collection = db.create_collection(&workspace.meta.id, "C").await.unwrap();
        for i in 0..REQUESTS {
            let place = Place::end(&collection.meta.id, None);
            db.create_request(&place, &format!("r{i}"), &versioned(0))
                .await
                .unwrap();
        }
        db.close().await;
    });

    let mut from = 0;
    for round in 0..6 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "crash::crash_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DB, &path)
            .env(CHILD_FROM, from.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // The last commit reported for each request: its version and revision.
        let mut reported: HashMap<String, (u64, i64)> = HashMap::new();
        let mut newest = from;
        // Kill after a different number of commits each round …
        let commits = 20 + round * 17;
        for line in lines.by_ref() {
            newest = record(&mut reported, &line.unwrap()).unwrap_or(newest);
            if reported.len() == REQUESTS && newest - from >= commits as u64 {
                break;
            }
        }
        // … and a different moment into the writes that follow.
        std::thread::sleep(Duration::from_micros(250 + 650 * round as u64));
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        assert!(
            !status.success(),
            "round {round}: the child was killed, it did not finish"
        );
        // What it reported before it died.
        for line in lines {
            newest = record(&mut reported, &line.unwrap()).unwrap_or(newest);
        }

        runtime().block_on(async {
            let db = open(&path).await;
            db.check_integrity().await.unwrap();
            let changes = db.changes_since(0, u32::MAX).await.unwrap();
            let mut ahead = 0;
            for request in requests(&db).await {
                let id = &request.meta.id;
                let version = version_of(&request.spec)
                    .unwrap_or_else(|torn| panic!("round {round}: {id} is {torn}"));
                let (last, revision) = reported[id];
                assert!(
                    version >= last,
                    "round {round}: {id} lost a committed version ({version} < {last})"
                );
                if version == last {
                    assert_eq!(request.meta.revision, revision, "round {round}: {id}");
                } else {
                    ahead += 1;
                    assert!(
                        version <= newest + 1,
                        "round {round}: {id} from nowhere ({version})"
                    );
                    assert!(
                        request.meta.revision > revision,
                        "round {round}: {id} changed without a new revision"
                    );
                }
                let logged = changes
                    .iter()
                    .filter(|c| &c.entity_id == id)
                    .map(|c| c.revision)
                    .max();
                assert_eq!(
                    logged,
                    Some(request.meta.revision),
                    "round {round}: log and data agree"
                );
                from = from.max(version);
            }
            assert!(
                ahead <= 1,
                "round {round}: only the write in flight may be unreported"
            );
            db.close().await;
        });
    }
}
