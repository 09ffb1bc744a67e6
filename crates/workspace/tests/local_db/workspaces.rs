//! Opening the file, the Scratch Pad, and each account's workspaces.

use courier_workspace::db::ErrorKind;
use courier_workspace::model::{EntityKind, Owner};
use courier_workspace::seal::Secrets;

use crate::common::{Fixture, at_end, spec, var};

#[tokio::test]
async fn the_first_open_creates_the_scratch_pad_once_and_it_stays() {
    let mut fx = Fixture::new().await;
    let pad = fx.db.scratch_pad().await.unwrap();
    assert_eq!(pad.owner, Owner::ScratchPad);
    assert_eq!(pad.name, "Scratch Pad");
    assert_eq!(
        fx.db.workspaces(None).await.unwrap(),
        std::slice::from_ref(&pad)
    );

    fx.reopen(Secrets::Sealed(fx.key.clone())).await;
    assert_eq!(
        fx.db.scratch_pad().await.unwrap(),
        pad,
        "the same one, not a second"
    );
    assert_eq!(fx.db.workspaces(None).await.unwrap().len(), 1);

    let refused = fx.db.delete_workspace(&pad.meta.id).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Invalid, "{refused}");
    let refused = fx
        .db
        .rename_workspace(&pad.meta.id, "Mine")
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Invalid, "{refused}");
    assert_eq!(fx.db.scratch_pad().await.unwrap(), pad);
}

#[cfg(unix)]
#[tokio::test]
async fn the_file_and_its_log_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let fx = Fixture::new().await;
    fx.db.create_workspace("acct-1", "Work").await.unwrap();
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&fx.path), 0o600);
    let wal = fx.path.with_extension("db-wal");
    assert!(wal.exists(), "WAL mode");
    assert_eq!(mode(&wal), 0o600);
    assert_eq!(
        mode(fx.path.parent().unwrap()),
        0o700,
        "the folder it created"
    );
}

#[tokio::test]
async fn each_account_sees_the_scratch_pad_and_its_own_workspaces_by_name() {
    let fx = Fixture::new().await;
    let zeta = fx.db.create_workspace("alice", "zeta").await.unwrap();
    let alpha = fx.db.create_workspace("alice", "Alpha").await.unwrap();
    let bobs = fx.db.create_workspace("bob", "Bob's").await.unwrap();
    let names = |list: Vec<courier_workspace::model::Workspace>| {
        list.into_iter().map(|w| w.name).collect::<Vec<_>>()
    };
    assert_eq!(
        names(fx.db.workspaces(Some("alice")).await.unwrap()),
        ["Scratch Pad", "Alpha", "zeta"]
    );
    assert_eq!(
        names(fx.db.workspaces(Some("bob")).await.unwrap()),
        ["Scratch Pad", "Bob's"]
    );
    assert_eq!(
        names(fx.db.workspaces(None).await.unwrap()),
        ["Scratch Pad"]
    );
    assert_eq!(
        zeta.owner,
        Owner::Account {
            account: "alice".into()
        }
    );

    let renamed = fx
        .db
        .rename_workspace(&alpha.meta.id, "  Beta ")
        .await
        .unwrap();
    assert_eq!(renamed.name, "Beta");
    assert_eq!(renamed.meta.revision, 2);
    assert_eq!(fx.db.workspace(&bobs.meta.id).await.unwrap(), bobs);
}

#[tokio::test]
async fn removing_an_accounts_copy_takes_everything_of_it_and_nothing_else() {
    let fx = Fixture::new().await;
    let (alices, collection) = fx.workspace_with_collection().await;
    let request = fx.request(&at_end(&collection.meta.id, None), "r").await;
    let bobs = fx.db.create_workspace("bob", "Bob's").await.unwrap();
    let before = fx.db.changes_since(0, 1000).await.unwrap();
    assert!(before.iter().any(|c| c.workspace_id == alices));

    assert_eq!(fx.db.remove_account_workspaces("acct-1").await.unwrap(), 1);
    assert_eq!(
        fx.db.workspaces(Some("acct-1")).await.unwrap().len(),
        1,
        "the pad stays"
    );
    let gone = fx.db.request(&request.meta.id).await.unwrap_err();
    assert_eq!(gone.kind(), ErrorKind::NotFound);
    let after = fx.db.changes_since(0, 1000).await.unwrap();
    assert!(
        after.iter().all(|c| c.workspace_id != alices),
        "a local removal leaves no change to sync, and no trace"
    );
    assert!(after.iter().any(|c| c.workspace_id == bobs.meta.id));
    assert_eq!(fx.db.workspace(&bobs.meta.id).await.unwrap(), bobs);
    assert_eq!(fx.db.remove_account_workspaces("acct-1").await.unwrap(), 0);
}

#[tokio::test]
async fn bad_input_is_an_error_a_screen_can_show() {
    let fx = Fixture::new().await;
    let (workspace, collection) = fx.workspace_with_collection().await;
    let other = fx.db.create_collection(&workspace, "Other").await.unwrap();
    let folder = fx
        .db
        .create_folder(&at_end(&other.meta.id, None), "F")
        .await
        .unwrap();
    let c = &collection.meta.id;

    let cases = [
        (
            fx.db.create_collection(&workspace, "   ").await.err(),
            ErrorKind::Invalid,
        ),
        (
            fx.db.create_collection("nope", "X").await.err(),
            ErrorKind::NotFound,
        ),
        (
            fx.db.create_workspace("", "X").await.err(),
            ErrorKind::Invalid,
        ),
        (
            fx.db
                .create_collection(&workspace, &"x".repeat(300))
                .await
                .err(),
            ErrorKind::Invalid,
        ),
        (
            fx.db
                .create_request(&at_end(c, None), "r", &spec("GE T", "https://a"))
                .await
                .err(),
            ErrorKind::Invalid,
        ),
        (
            fx.db
                .create_request(&at_end(c, Some(&folder.meta.id)), "r", &spec("GET", "u"))
                .await
                .err(),
            ErrorKind::Invalid,
        ),
        (
            fx.db
                .create_request(&at_end(c, Some("nope")), "r", &spec("GET", "u"))
                .await
                .err(),
            ErrorKind::NotFound,
        ),
        (
            fx.db.rename_request("nope", "x").await.err(),
            ErrorKind::NotFound,
        ),
        (fx.db.delete_folder("nope").await.err(), ErrorKind::NotFound),
        (fx.db.environment("nope").await.err(), ErrorKind::NotFound),
        (
            fx.db
                .set_active_environment(&workspace, Some("nope"))
                .await
                .err(),
            ErrorKind::NotFound,
        ),
        (fx.db.tree("nope").await.err(), ErrorKind::NotFound),
    ];
    for (i, (error, kind)) in cases.into_iter().enumerate() {
        let error = error.unwrap_or_else(|| panic!("case {i} should fail"));
        assert_eq!(error.kind(), kind, "case {i}: {error}");
        assert!(!error.to_string().is_empty());
    }
    let missing = fx.db.folder("nope").await.unwrap_err();
    assert_eq!(missing.to_string(), "this folder no longer exists");
    assert!(matches!(
        missing,
        courier_workspace::db::Error::NotFound {
            what: courier_workspace::db::Noun::Entity(EntityKind::Folder),
            ..
        }
    ));
}

#[tokio::test]
async fn a_scratch_pad_collection_moves_into_a_synced_workspace_whole_and_is_sent_from_there() {
    let f = Fixture::new().await;
    let pad = f.db.scratch_pad().await.unwrap().meta.id;
    let mut collection = f.db.create_collection(&pad, "Drafts").await.unwrap();
    collection.variables = vec![var("token", "s3cret", true)];
    let collection = f.db.update_collection(&collection).await.unwrap();
    let request = f.request(&at_end(&collection.meta.id, None), "Ping").await;
    let target =
        f.db.create_workspace("acct-1", "Work")
            .await
            .unwrap()
            .meta
            .id;
    f.db.track_for_sync(&target, None).await.unwrap();
    f.db.stage_outbox(&target).await.unwrap();

    let moved =
        f.db.move_collection_to_workspace(&collection.meta.id, &target)
            .await
            .unwrap();
    assert_eq!(
        (moved.workspace_id.as_str(), moved.name.as_str()),
        (target.as_str(), "Drafts")
    );
    assert_eq!(
        moved.variables[0].value, "s3cret",
        "the secret opens in its new place"
    );
    assert!(f.db.tree(&pad).await.unwrap().collections.is_empty());
    let tree = f.db.tree(&target).await.unwrap();
    assert_eq!(tree.requests.len(), 1);
    assert_eq!(tree.requests[0].name, request.name);
    // What arrived is new work of the synced workspace: staged for the server.
    let staged = f.db.stage_outbox(&target).await.unwrap();
    let kinds: Vec<_> = staged.iter().map(|op| op.entity.as_str()).collect();
    assert!(
        kinds.contains(&"collection") && kinds.contains(&"request"),
        "{kinds:?}"
    );
    let refused =
        f.db.move_collection_to_workspace(&moved.meta.id, &target)
            .await
            .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Invalid);
}
