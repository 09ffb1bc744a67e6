//! Deleting with undo: the whole subtree comes back with the same ids.

use courier_workspace::db::ErrorKind;
use courier_workspace::model::{ChangeKind, EntityKind};

use crate::common::{Fixture, at_end, spec, var};

#[tokio::test]
async fn a_deleted_folder_comes_back_whole_with_the_same_ids() {
    let fx = Fixture::new().await;
    let (workspace, collection) = fx.workspace_with_collection().await;
    let c = collection.meta.id.as_str();
    let folder = fx
        .db
        .create_folder(&at_end(c, None), "Users")
        .await
        .unwrap();
    let inner = fx
        .db
        .create_folder(&at_end(c, Some(&folder.meta.id)), "Admin")
        .await
        .unwrap();
    let request = fx
        .db
        .create_request(
            &at_end(c, Some(&inner.meta.id)),
            "Ban",
            &spec("POST", "https://x/ban"),
        )
        .await
        .unwrap();
    fx.request(&at_end(c, None), "stays").await;
    let before = fx.db.tree(&workspace).await.unwrap();
    let seq = fx.db.changes_since(0, 1000).await.unwrap().len();

    let deleted = fx.db.delete_folder(&folder.meta.id).await.unwrap();
    assert_eq!(
        (deleted.entity, deleted.name.as_str(), deleted.requests),
        (EntityKind::Folder, "Users", 1)
    );
    let tree = fx.db.tree(&workspace).await.unwrap();
    assert!(tree.folders.is_empty());
    assert_eq!(tree.requests.len(), 1);
    assert_eq!(
        fx.db.request(&request.meta.id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );

    // The undo survives a trip through JSON (the app may keep it anywhere).
    let deleted: courier_workspace::db::Deleted =
        serde_json::from_str(&serde_json::to_string(&deleted).unwrap()).unwrap();
    fx.clock.advance(5_000);
    fx.db.restore(&deleted).await.unwrap();
    assert_eq!(fx.db.tree(&workspace).await.unwrap(), before);
    let back = fx.db.request(&request.meta.id).await.unwrap();
    assert_eq!(
        (back.spec.clone(), back.name.as_str()),
        (request.spec.clone(), "Ban")
    );
    assert_eq!(back.meta.revision, 3, "created 1, deleted 2, restored 3");
    assert_eq!(back.meta.updated_at, request.meta.updated_at + 5_000);

    let logged: Vec<(EntityKind, ChangeKind, i64)> = fx.db.changes_since(0, 1000).await.unwrap()
        [seq..]
        .iter()
        .map(|c| (c.entity, c.kind, c.revision))
        .collect();
    assert_eq!(
        logged,
        [
            (EntityKind::Folder, ChangeKind::Delete, 2),
            (EntityKind::Folder, ChangeKind::Delete, 2),
            (EntityKind::Request, ChangeKind::Delete, 2),
            (EntityKind::Folder, ChangeKind::Create, 3),
            (EntityKind::Folder, ChangeKind::Create, 3),
            (EntityKind::Request, ChangeKind::Create, 3),
        ]
    );

    let again = fx.db.restore(&deleted).await.unwrap_err();
    assert_eq!(again.kind(), ErrorKind::Conflict, "{again}");
}

#[tokio::test]
async fn what_a_restore_goes_back_into_must_be_there() {
    let fx = Fixture::new().await;
    let (_, collection) = fx.workspace_with_collection().await;
    let c = collection.meta.id.as_str();
    let folder = fx.db.create_folder(&at_end(c, None), "F").await.unwrap();
    let request = fx.request(&at_end(c, Some(&folder.meta.id)), "r").await;
    let request_gone = fx.db.delete_request(&request.meta.id).await.unwrap();
    let folder_gone = fx.db.delete_folder(&folder.meta.id).await.unwrap();

    let error = fx.db.restore(&request_gone).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Conflict);
    assert!(error.to_string().contains("restore that first"), "{error}");
    fx.db.restore(&folder_gone).await.unwrap();
    fx.db.restore(&request_gone).await.unwrap();
    assert_eq!(
        fx.db.request(&request.meta.id).await.unwrap().folder_id,
        Some(folder.meta.id)
    );
}

#[tokio::test]
async fn a_deleted_workspace_comes_back_with_its_sealed_variables_and_active_environment() {
    let fx = Fixture::new().await;
    let (workspace, collection) = fx.workspace_with_collection().await;
    fx.request(&at_end(&collection.meta.id, None), "r").await;
    let environment = fx
        .environment(&workspace, "Prod", &[var("token", "s3cret", true)])
        .await;
    fx.db
        .set_active_environment(&workspace, Some(&environment.meta.id))
        .await
        .unwrap();
    fx.db
        .set_globals(&workspace, &[var("g", "global-secret", true)])
        .await
        .unwrap();
    let tree = fx.db.tree(&workspace).await.unwrap();

    let deleted = fx.db.delete_workspace(&workspace).await.unwrap();
    assert_eq!(deleted.requests, 1);
    let held = serde_json::to_string(&deleted).unwrap();
    assert!(
        !held.contains("s3cret") && !held.contains("global-secret"),
        "sealed in the undo too"
    );
    assert_eq!(fx.db.workspaces(Some("acct-1")).await.unwrap().len(), 1);

    fx.db.restore(&deleted).await.unwrap();
    assert_eq!(fx.db.tree(&workspace).await.unwrap(), tree);
    let back = fx.db.environment(&environment.meta.id).await.unwrap();
    assert_eq!(back.variables, [var("token", "s3cret", true)]);
    assert_eq!(
        fx.db.globals(&workspace).await.unwrap().variables,
        [var("g", "global-secret", true)]
    );
    assert_eq!(
        fx.db
            .workspace(&workspace)
            .await
            .unwrap()
            .active_environment,
        Some(environment.meta.id)
    );
}

#[tokio::test]
async fn deleting_the_active_environment_leaves_none_active_until_undone() {
    let fx = Fixture::new().await;
    let (workspace, _) = fx.workspace_with_collection().await;
    let environment = fx.environment(&workspace, "Dev", &[]).await;
    fx.db
        .set_active_environment(&workspace, Some(&environment.meta.id))
        .await
        .unwrap();
    let deleted = fx
        .db
        .delete_environment(&environment.meta.id)
        .await
        .unwrap();
    assert_eq!(
        fx.db
            .workspace(&workspace)
            .await
            .unwrap()
            .active_environment,
        None
    );
    assert!(fx.db.environments(&workspace).await.unwrap().is_empty());
    fx.db.restore(&deleted).await.unwrap();
    assert_eq!(
        fx.db
            .workspace(&workspace)
            .await
            .unwrap()
            .active_environment,
        Some(environment.meta.id.clone())
    );
    assert_eq!(fx.db.environments(&workspace).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_deleted_collection_takes_its_requests_and_their_drafts() {
    let fx = Fixture::new().await;
    let (workspace, collection) = fx.workspace_with_collection().await;
    let request = fx.request(&at_end(&collection.meta.id, None), "r").await;
    let key = courier_workspace::db::DraftKey::Request {
        request_id: request.meta.id.clone(),
    };
    fx.db
        .save_draft(&workspace, &key, &spec("GET", "unsaved"))
        .await
        .unwrap();
    let deleted = fx.db.delete_collection(&collection.meta.id).await.unwrap();
    assert_eq!(
        (deleted.entity, deleted.requests),
        (EntityKind::Collection, 1)
    );
    assert!(fx.db.drafts(&workspace).await.unwrap().is_empty());
    assert!(fx.db.tree(&workspace).await.unwrap().collections.is_empty());
    fx.db.restore(&deleted).await.unwrap();
    assert_eq!(fx.db.tree(&workspace).await.unwrap().requests.len(), 1);
}
