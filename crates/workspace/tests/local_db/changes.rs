//! Every change bumps its entity's revision and time and lands in the change log, in
//! the same transaction; a stale copy is refused.

use courier_workspace::db::ErrorKind;
use courier_workspace::model::{Change, ChangeKind, EntityKind};

use crate::common::{Fixture, START, at_end, var};

fn summary(changes: &[Change]) -> Vec<(EntityKind, String, ChangeKind, i64, i64)> {
    changes
        .iter()
        .map(|c| (c.entity, c.entity_id.clone(), c.kind, c.revision, c.at))
        .collect()
}

#[tokio::test]
async fn each_change_bumps_the_revision_and_time_and_is_logged_in_order() {
    let fx = Fixture::new().await;
    let (workspace, collection) = fx.workspace_with_collection().await;
    let start = fx
        .db
        .changes_since(0, 1000)
        .await
        .unwrap()
        .last()
        .unwrap()
        .seq;

    fx.clock.advance(1_000);
    let request = fx.request(&at_end(&collection.meta.id, None), "List").await;
    assert_eq!(request.meta.revision, 1);
    assert_eq!(request.meta.created_at, START + 1_000);

    fx.clock.advance(1_000);
    let renamed = fx
        .db
        .rename_request(&request.meta.id, "List all")
        .await
        .unwrap();
    assert_eq!(
        (renamed.meta.revision, renamed.meta.updated_at),
        (2, START + 2_000)
    );
    assert_eq!(renamed.meta.created_at, START + 1_000);

    fx.clock.advance(1_000);
    let mut edited = renamed.clone();
    edited.spec.url = "https://b".into();
    let saved = fx.db.update_request(&edited).await.unwrap();
    assert_eq!(saved.meta.revision, 3);
    assert_eq!(fx.db.request(&request.meta.id).await.unwrap(), saved);

    fx.clock.advance(1_000);
    let environment = fx
        .environment(&workspace, "Dev", &[var("host", "dev", false)])
        .await;
    fx.db
        .set_active_environment(&workspace, Some(&environment.meta.id))
        .await
        .unwrap();

    let logged = fx.db.changes_since(start, 1000).await.unwrap();
    let id = request.meta.id.clone();
    assert_eq!(
        summary(&logged),
        [
            (
                EntityKind::Request,
                id.clone(),
                ChangeKind::Create,
                1,
                START + 1_000
            ),
            (
                EntityKind::Request,
                id.clone(),
                ChangeKind::Update,
                2,
                START + 2_000
            ),
            (
                EntityKind::Request,
                id,
                ChangeKind::Update,
                3,
                START + 3_000
            ),
            (
                EntityKind::Environment,
                environment.meta.id,
                ChangeKind::Create,
                1,
                START + 4_000
            ),
            (
                EntityKind::Workspace,
                workspace.clone(),
                ChangeKind::Update,
                2,
                START + 4_000
            ),
        ]
    );
    assert!(logged.iter().all(|c| c.workspace_id == workspace));
    assert!(logged.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(
        fx.db.changes_since(start, 2).await.unwrap().len(),
        2,
        "the limit"
    );
}

#[tokio::test]
async fn saving_a_stale_copy_is_a_conflict_and_changes_nothing() {
    let fx = Fixture::new().await;
    let (_, collection) = fx.workspace_with_collection().await;
    let request = fx.request(&at_end(&collection.meta.id, None), "r").await;
    let mut mine = request.clone();
    fx.db
        .rename_request(&request.meta.id, "theirs")
        .await
        .unwrap();
    let seq = fx.db.changes_since(0, 1000).await.unwrap().len();

    mine.spec.url = "https://mine".into();
    let error = fx.db.update_request(&mine).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Conflict, "{error}");
    let stored = fx.db.request(&request.meta.id).await.unwrap();
    assert_eq!(
        (stored.name.as_str(), stored.spec.url.as_str()),
        ("theirs", "https://a")
    );
    assert_eq!(fx.db.changes_since(0, 1000).await.unwrap().len(), seq);

    let mut collection = fx.db.collection(&collection.meta.id).await.unwrap();
    collection.meta.revision -= 1;
    let error = fx.db.update_collection(&collection).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Conflict, "{error}");
}
