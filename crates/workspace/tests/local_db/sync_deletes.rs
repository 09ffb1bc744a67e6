//! Deleting a synced workspace everywhere, this device's side: a delete of a workspace
//! the server has waits to be sent (dropped when sent, or when undone first), and a
//! workspace the server no longer has is removed here; work in it not synced yet is
//! kept first in a new workspace of the account's own, every entity of it to send.

use courier_proto::OperationOutcome;
use courier_workspace::db::{ErrorKind, GoneFromServer};

use crate::common::{Fixture, at_end, var};

/// A new workspace of `account`'s, tracked and (with `registered`) on the server.
async fn synced(f: &Fixture, account: &str, registered: bool) -> String {
    let id =
        f.db.create_workspace(account, "Work")
            .await
            .unwrap()
            .meta
            .id;
    f.db.track_for_sync(&id, None).await.unwrap();
    if registered {
        f.db.mark_registered(&id).await.unwrap();
    }
    id
}

/// Pushes everything pending as if the server applied it all.
async fn push_all(f: &Fixture, workspace: &str) {
    let operations = f.db.stage_outbox(workspace).await.unwrap();
    let outcomes: Vec<OperationOutcome> = (1..)
        .zip(&operations)
        .map(|(seq, _)| OperationOutcome::Applied { revision: 1, seq })
        .collect();
    f.db.record_push(workspace, &operations, &outcomes)
        .await
        .unwrap();
    assert_eq!(f.db.sync_summary(workspace).await.unwrap().pending, 0);
}

#[tokio::test]
async fn a_delete_of_a_workspace_the_server_has_waits_until_sent_or_undone() {
    let f = Fixture::new().await;
    let first = synced(&f, "acct-1", true).await;
    let local_only = synced(&f, "acct-1", false).await;
    let theirs = synced(&f, "acct-2", true).await;
    f.clock.advance(1_000);
    let second = synced(&f, "acct-1", true).await;

    let undo = f.db.delete_workspace(&first).await.unwrap();
    f.clock.advance(1_000);
    f.db.delete_workspace(&second).await.unwrap();
    f.db.delete_workspace(&local_only).await.unwrap();
    f.db.delete_workspace(&theirs).await.unwrap();
    assert_eq!(
        f.db.pending_workspace_deletes("acct-1").await.unwrap(),
        vec![first.clone(), second.clone()],
        "oldest delete first; the one the server never had is not sent"
    );
    assert_eq!(
        f.db.pending_workspace_deletes("acct-2").await.unwrap(),
        vec![theirs]
    );

    f.db.restore(&undo).await.unwrap();
    assert_eq!(
        f.db.pending_workspace_deletes("acct-1").await.unwrap(),
        vec![second.clone()],
        "undone before it went: nothing to send"
    );
    f.db.workspace_delete_sent(&second).await.unwrap();
    assert!(
        f.db.pending_workspace_deletes("acct-1")
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_workspace_gone_from_the_server_with_nothing_unsynced_is_removed() {
    let f = Fixture::new().await;
    let ws = synced(&f, "acct-1", true).await;
    let collection = f.db.create_collection(&ws, "API").await.unwrap();
    f.request(&at_end(&collection.meta.id, None), "Ping").await;
    push_all(&f, &ws).await;
    let adopted = "adopted-ws";
    f.db.adopt_synced_workspace("acct-1", adopted, Some("team-1"))
        .await
        .unwrap();

    for id in [ws.as_str(), adopted] {
        assert_eq!(
            f.db.workspace_gone_from_server(id).await.unwrap(),
            GoneFromServer::Removed
        );
        let gone = f.db.workspace(id).await.unwrap_err();
        assert_eq!(gone.kind(), ErrorKind::NotFound);
        assert!(
            !f.db.deleted_here(id).await.unwrap(),
            "not a delete of this device's: reached again, it comes back"
        );
    }
    assert!(f.db.sync_targets().await.unwrap().is_empty());
    assert!(
        f.db.pending_workspace_deletes("acct-1")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        f.db.workspace_gone_from_server(&ws).await.unwrap(),
        GoneFromServer::Removed,
        "already gone: nothing to do"
    );
}

#[tokio::test]
async fn a_workspace_gone_from_the_server_with_unsynced_work_is_kept_in_a_copy_of_ones_own() {
    let f = Fixture::new().await;
    // A team's workspace that arrived from the server (no change of this device's
    // in it), then work here that the server never got, a secret among it.
    let ws = "team-ws";
    f.db.adopt_synced_workspace("acct-1", ws, Some("team-1"))
        .await
        .unwrap();
    f.db.apply_pulled(ws, &[], 7).await.unwrap();
    f.db.rename_workspace(ws, "Acme shared").await.unwrap();
    let collection = f.db.create_collection(ws, "Typed offline").await.unwrap();
    f.request(&at_end(&collection.meta.id, None), "Health")
        .await;
    f.environment(ws, "Staging", &[var("token", "kept-secret-5150", true)])
        .await;
    assert!(f.db.sync_summary(ws).await.unwrap().pending > 0);

    let GoneFromServer::KeptAsCopy { workspace_id: copy } =
        f.db.workspace_gone_from_server(ws).await.unwrap()
    else {
        panic!("unsynced work is kept");
    };
    assert_ne!(copy, ws, "a new id: the old one may still be a team's");
    assert_eq!(
        f.db.workspace(ws).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let kept = f.db.workspace(&copy).await.unwrap();
    assert_eq!(kept.name, "Acme shared (kept here)");
    let tree = f.db.tree(&copy).await.unwrap();
    assert_eq!(
        tree.collections[0].name, "Typed offline",
        "nothing typed is lost"
    );
    assert_eq!(tree.requests[0].name, "Health");
    let environments = f.db.environments(&copy).await.unwrap();
    assert_eq!(
        environments[0].variables,
        [var("token", "kept-secret-5150", true)]
    );
    // The account's own, to register as new at the next round, everything in it sent.
    let target = f.db.sync_target(&copy).await.unwrap().expect("synced");
    assert_eq!((target.team_id, target.registered), (None, false));
    let entities: Vec<String> =
        f.db.stage_outbox(&copy)
            .await
            .unwrap()
            .into_iter()
            .map(|op| op.entity.as_str().to_owned())
            .collect();
    for entity in [
        "workspace",
        "globals",
        "environment",
        "collection",
        "request",
    ] {
        assert!(
            entities.iter().any(|e| e == entity),
            "{entity}: {entities:?}"
        );
    }
}
