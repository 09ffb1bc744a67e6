//! History (masked, newest first, bounded), drafts and the open tabs (surviving a
//! restart).

use std::sync::Arc;

use courier_workspace::clock::ManualClock;
use courier_workspace::db::{DraftKey, ErrorKind, OpenTabs, Options, WorkspaceDb};
use courier_workspace::model::HistoryEntry;
use courier_workspace::resolve::{MASK, Resolver};
use courier_workspace::seal::Secrets;

use crate::common::{Fixture, START, at_end, spec, var};

fn sent(workspace_id: &str, at: i64, url: &str) -> HistoryEntry {
    HistoryEntry {
        id: String::new(),
        workspace_id: workspace_id.to_owned(),
        request_id: None,
        sent_at: at,
        method: "GET".into(),
        url: url.to_owned(),
        status: Some(200),
        duration_ms: 12,
        size: 345,
        error: None,
    }
}

#[tokio::test]
async fn history_is_masked_newest_first_bounded_and_clearable() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        clock: Arc::new(ManualClock::new(START)),
        history_limit: 3,
        ..Options::new(Secrets::Unavailable)
    };
    let db = WorkspaceDb::open(&dir.path().join("w.db"), options)
        .await
        .unwrap();
    let pad = db.scratch_pad().await.unwrap().meta.id;
    let other = db.create_workspace("acct", "Other").await.unwrap().meta.id;
    let resolver = Resolver::new(&[], &[], &[var("token", "tok-123", true)]);

    let mut failed = sent(&pad, START, "https://x/?t=tok-123");
    failed.status = None;
    failed.error = Some("connection refused to https://x/?t=tok-123".into());
    let stored = db.append_history(&failed, &resolver).await.unwrap();
    assert!(!stored.id.is_empty());
    assert_eq!(stored.url, format!("https://x/?t={MASK}"));
    assert_eq!(
        stored.error.as_deref(),
        Some(format!("connection refused to https://x/?t={MASK}").as_str())
    );
    for i in 1..=4 {
        db.append_history(
            &sent(&pad, START + i * 1_000, &format!("https://x/{i}")),
            &resolver,
        )
        .await
        .unwrap();
    }
    db.append_history(&sent(&other, START, "https://other"), &resolver)
        .await
        .unwrap();

    let urls: Vec<String> = db
        .history(&pad, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.url)
        .collect();
    assert_eq!(
        urls,
        ["https://x/4", "https://x/3", "https://x/2"],
        "the newest 3 kept"
    );
    assert_eq!(db.history(&pad, 1).await.unwrap().len(), 1);
    assert_eq!(db.clear_history(&pad).await.unwrap(), 3);
    assert!(db.history(&pad, 100).await.unwrap().is_empty());
    assert_eq!(
        db.history(&other, 100).await.unwrap().len(),
        1,
        "per workspace"
    );
    let raw = std::fs::read(dir.path().join("w.db-wal")).unwrap();
    assert!(
        !raw.windows(7).any(|w| w == b"tok-123"),
        "the secret never reached the disk"
    );
}

#[tokio::test]
async fn drafts_survive_a_restart_until_saved_or_discarded() {
    let mut fx = Fixture::new().await;
    let (workspace, collection) = fx.workspace_with_collection().await;
    let request = fx
        .db
        .create_request(
            &at_end(&collection.meta.id, None),
            "r",
            &spec("GET", "https://saved"),
        )
        .await
        .unwrap();
    let of_request = DraftKey::Request {
        request_id: request.meta.id.clone(),
    };
    let new_tab = DraftKey::New {
        key: "tab-7".into(),
    };
    fx.db
        .save_draft(&workspace, &of_request, &spec("GET", "https://first"))
        .await
        .unwrap();
    fx.clock.advance(10);
    fx.db
        .save_draft(&workspace, &new_tab, &spec("POST", "https://new"))
        .await
        .unwrap();
    fx.clock.advance(10);
    let latest = fx
        .db
        .save_draft(&workspace, &of_request, &spec("PUT", "https://second"))
        .await
        .unwrap();

    fx.reopen(Secrets::Sealed(fx.key.clone())).await;
    let drafts = fx.db.drafts(&workspace).await.unwrap();
    assert_eq!(drafts.len(), 2);
    assert_eq!(drafts[0], latest, "replaced, most recent first");
    assert_eq!(drafts[1].key, new_tab);
    assert_eq!(drafts[1].spec.url, "https://new");
    assert_eq!(
        fx.db.request(&request.meta.id).await.unwrap().spec.url,
        "https://saved"
    );

    fx.db.discard_draft(&workspace, &new_tab).await.unwrap();
    let again = fx.db.discard_draft(&workspace, &new_tab).await.unwrap_err();
    assert_eq!(again.kind(), ErrorKind::NotFound);
    fx.db.delete_request(&request.meta.id).await.unwrap();
    assert!(
        fx.db.drafts(&workspace).await.unwrap().is_empty(),
        "went with its request"
    );

    let pad = fx.db.scratch_pad().await.unwrap().meta.id;
    let other = fx.request(&at_end(&collection.meta.id, None), "o").await;
    let wrong = fx
        .db
        .save_draft(
            &pad,
            &DraftKey::Request {
                request_id: other.meta.id,
            },
            &spec("GET", "u"),
        )
        .await
        .unwrap_err();
    assert_eq!(wrong.kind(), ErrorKind::Invalid);
}

#[tokio::test]
async fn open_tabs_survive_a_restart_in_order_and_leave_with_their_request() {
    let mut fx = Fixture::new().await;
    let (workspace, collection) = fx.workspace_with_collection().await;
    let place = at_end(&collection.meta.id, None);
    let a = fx.request(&place, "a").await.meta.id;
    let b = fx.request(&place, "b").await.meta.id;
    let c = fx.request(&place, "c").await.meta.id;
    assert_eq!(
        fx.db.open_tabs(&workspace).await.unwrap(),
        OpenTabs::default()
    );

    let asked = OpenTabs {
        request_ids: vec![c.clone(), a.clone(), c.clone(), "gone".into(), b.clone()],
        active: Some(a.clone()),
    };
    let kept = fx.db.set_open_tabs(&workspace, &asked).await.unwrap();
    let expected = OpenTabs {
        request_ids: vec![c.clone(), a.clone(), b.clone()],
        active: Some(a.clone()),
    };
    assert_eq!(kept, expected, "once each, a deleted one left out");

    fx.reopen(Secrets::Sealed(fx.key.clone())).await;
    assert_eq!(fx.db.open_tabs(&workspace).await.unwrap(), expected);

    fx.db.delete_request(&a).await.unwrap();
    assert_eq!(
        fx.db.open_tabs(&workspace).await.unwrap(),
        OpenTabs {
            request_ids: vec![c.clone(), b.clone()],
            active: None,
        },
        "the deleted request's tab went with it"
    );
    let not_open = OpenTabs {
        request_ids: vec![b.clone()],
        active: Some(c.clone()),
    };
    let kept = fx.db.set_open_tabs(&workspace, &not_open).await.unwrap();
    assert_eq!(kept.active, None, "the active tab is one of the tabs");

    let pad = fx.db.scratch_pad().await.unwrap().meta.id;
    let wrong = fx
        .db
        .set_open_tabs(
            &pad,
            &OpenTabs {
                request_ids: vec![b.clone()],
                active: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(wrong.kind(), ErrorKind::Invalid);
    assert_eq!(
        fx.db.open_tabs(&workspace).await.unwrap().request_ids,
        [b],
        "a refused change leaves the tabs as they were"
    );
}
