//! The sidebar's tree: one order for a parent's folders and requests, moves (subtrees
//! included), duplicates, and the filter with its paths.

use courier_workspace::db::{ErrorKind, Tree, WorkspaceDb};
use courier_workspace::model::{ChangeKind, EntityKind};

use crate::common::{Fixture, at, at_end, spec, var};

/// The names under a parent, in the sidebar's order.
fn children(tree: &Tree, collection_id: &str, folder_id: Option<&str>) -> Vec<String> {
    let mut items: Vec<(i64, String)> = tree
        .folders
        .iter()
        .filter(|f| f.collection_id == collection_id && f.parent_id.as_deref() == folder_id)
        .map(|f| (f.position, f.name.clone()))
        .chain(
            tree.requests
                .iter()
                .filter(|r| r.collection_id == collection_id && r.folder_id.as_deref() == folder_id)
                .map(|r| (r.position, r.name.clone())),
        )
        .collect();
    items.sort();
    items.into_iter().map(|(_, name)| name).collect()
}

async fn changes_after(db: &WorkspaceDb, seq: usize) -> Vec<(EntityKind, ChangeKind)> {
    db.changes_since(0, 100_000).await.unwrap()[seq..]
        .iter()
        .map(|c| (c.entity, c.kind))
        .collect()
}

#[tokio::test]
async fn folders_and_requests_share_one_order_and_a_move_changes_only_the_moved() {
    let fx = Fixture::new().await;
    let (workspace, collection) = fx.workspace_with_collection().await;
    let c = collection.meta.id.as_str();
    fx.db.create_folder(&at_end(c, None), "A").await.unwrap();
    let r1 = fx.request(&at_end(c, None), "r1").await;
    fx.db.create_folder(&at_end(c, None), "B").await.unwrap();
    fx.request(&at(c, None, 0), "r0").await;
    assert_eq!(
        children(&fx.db.tree(&workspace).await.unwrap(), c, None),
        ["r0", "A", "r1", "B"]
    );

    let seq = fx.db.changes_since(0, 1000).await.unwrap().len();
    let moved = fx
        .db
        .move_request(&r1.meta.id, &at(c, None, 1))
        .await
        .unwrap();
    assert_eq!(moved.meta.revision, 2);
    assert_eq!(
        children(&fx.db.tree(&workspace).await.unwrap(), c, None),
        ["r0", "r1", "A", "B"]
    );
    assert_eq!(
        changes_after(&fx.db, seq).await,
        [(EntityKind::Request, ChangeKind::Update)],
        "one row: its neighbours kept their positions"
    );
    // Past the end means last.
    fx.db
        .move_request(&r1.meta.id, &at(c, None, 99))
        .await
        .unwrap();
    assert_eq!(
        children(&fx.db.tree(&workspace).await.unwrap(), c, None),
        ["r0", "A", "B", "r1"]
    );
}

#[tokio::test]
async fn inserting_again_and_again_between_two_items_spreads_them_when_room_runs_out() {
    let fx = Fixture::new().await;
    let (workspace, collection) = fx.workspace_with_collection().await;
    let c = collection.meta.id.as_str();
    fx.request(&at_end(c, None), "first").await;
    fx.request(&at_end(c, None), "last").await;
    let mut expected = vec!["first".to_owned(), "last".to_owned()];
    // Each insert right after "first" halves the gap: 16 bits of room run out.
    for i in 0..40 {
        let name = format!("n{i}");
        fx.request(&at(c, None, 1), &name).await;
        expected.insert(1, name);
    }
    let tree = fx.db.tree(&workspace).await.unwrap();
    assert_eq!(children(&tree, c, None), expected);
    let mut positions: Vec<i64> = tree.requests.iter().map(|r| r.position).collect();
    positions.dedup();
    assert_eq!(positions.len(), 42, "no two share a position");
    let spread = fx
        .db
        .changes_since(0, 100_000)
        .await
        .unwrap()
        .iter()
        .filter(|c| c.kind == ChangeKind::Update)
        .count();
    assert!(spread > 0, "the siblings were spread out (each a change)");
}

#[tokio::test]
async fn moving_a_folder_takes_its_subtree_to_the_other_collection() {
    let fx = Fixture::new().await;
    let (workspace, first) = fx.workspace_with_collection().await;
    let second = fx.db.create_collection(&workspace, "Second").await.unwrap();
    let (c1, c2) = (first.meta.id.as_str(), second.meta.id.as_str());
    let top = fx.db.create_folder(&at_end(c1, None), "top").await.unwrap();
    let inner = fx
        .db
        .create_folder(&at_end(c1, Some(&top.meta.id)), "inner")
        .await
        .unwrap();
    let deep = fx.request(&at_end(c1, Some(&inner.meta.id)), "deep").await;
    let shallow = fx.request(&at_end(c1, Some(&top.meta.id)), "shallow").await;
    fx.request(&at_end(c1, None), "stays").await;
    let seq = fx.db.changes_since(0, 1000).await.unwrap().len();

    let moved = fx
        .db
        .move_folder(&top.meta.id, &at_end(c2, None))
        .await
        .unwrap();
    assert_eq!(
        (moved.collection_id.as_str(), moved.parent_id.as_deref()),
        (c2, None)
    );
    assert_eq!(
        fx.db.folder(&inner.meta.id).await.unwrap().collection_id,
        c2
    );
    assert_eq!(
        fx.db.folder(&inner.meta.id).await.unwrap().parent_id,
        Some(top.meta.id.clone())
    );
    for request in [&deep, &shallow] {
        let now = fx.db.request(&request.meta.id).await.unwrap();
        assert_eq!(now.collection_id, c2);
        assert_eq!(now.folder_id, request.folder_id, "still in the same folder");
        assert_eq!(now.meta.revision, 2, "its collection changed");
    }
    let tree = fx.db.tree(&workspace).await.unwrap();
    assert_eq!(children(&tree, c1, None), ["stays"]);
    assert_eq!(children(&tree, c2, None), ["top"]);
    assert_eq!(
        children(&tree, c2, Some(&top.meta.id)),
        ["inner", "shallow"]
    );
    assert_eq!(children(&tree, c2, Some(&inner.meta.id)), ["deep"]);
    assert_eq!(
        changes_after(&fx.db, seq).await.len(),
        4,
        "top, inner, deep, shallow"
    );

    // Back into the first collection, inside a folder there.
    let host = fx
        .db
        .create_folder(&at_end(c1, None), "host")
        .await
        .unwrap();
    fx.db
        .move_folder(&top.meta.id, &at_end(c1, Some(&host.meta.id)))
        .await
        .unwrap();
    assert_eq!(
        fx.db.request(&deep.meta.id).await.unwrap().collection_id,
        c1
    );
    let tree = fx.db.tree(&workspace).await.unwrap();
    assert_eq!(children(&tree, c1, Some(&host.meta.id)), ["top"]);
}

#[tokio::test]
async fn a_folder_cannot_move_into_itself_or_below_itself() {
    let fx = Fixture::new().await;
    let (workspace, collection) = fx.workspace_with_collection().await;
    let c = collection.meta.id.as_str();
    let a = fx.db.create_folder(&at_end(c, None), "a").await.unwrap();
    let b = fx
        .db
        .create_folder(&at_end(c, Some(&a.meta.id)), "b")
        .await
        .unwrap();
    let d = fx
        .db
        .create_folder(&at_end(c, Some(&b.meta.id)), "d")
        .await
        .unwrap();
    let before = fx.db.tree(&workspace).await.unwrap();
    for target in [&a, &b, &d] {
        let error = fx
            .db
            .move_folder(&a.meta.id, &at_end(c, Some(&target.meta.id)))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Invalid);
        assert_eq!(
            error.to_string(),
            "a folder cannot be moved into itself or one of its own folders"
        );
    }
    assert_eq!(
        fx.db.tree(&workspace).await.unwrap(),
        before,
        "nothing moved"
    );
    // Moving it up a level is fine.
    fx.db
        .move_folder(&d.meta.id, &at_end(c, Some(&a.meta.id)))
        .await
        .unwrap();
    let tree = fx.db.tree(&workspace).await.unwrap();
    assert_eq!(children(&tree, c, Some(&a.meta.id)), ["b", "d"]);
}

#[tokio::test]
async fn nothing_moves_between_workspaces() {
    let fx = Fixture::new().await;
    let (_, collection) = fx.workspace_with_collection().await;
    let pad = fx.db.scratch_pad().await.unwrap();
    let elsewhere = fx
        .db
        .create_collection(&pad.meta.id, "Pad's")
        .await
        .unwrap();
    let request = fx.request(&at_end(&collection.meta.id, None), "r").await;
    let folder = fx
        .db
        .create_folder(&at_end(&collection.meta.id, None), "f")
        .await
        .unwrap();
    let to = at_end(&elsewhere.meta.id, None);
    assert_eq!(
        fx.db
            .move_request(&request.meta.id, &to)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Invalid
    );
    assert_eq!(
        fx.db
            .move_folder(&folder.meta.id, &to)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Invalid
    );
}

#[tokio::test]
async fn a_duplicate_comes_right_after_its_original_with_a_new_id() {
    let fx = Fixture::new().await;
    let (workspace, collection) = fx.workspace_with_collection().await;
    let c = collection.meta.id.as_str();
    let mut body = spec("POST", "https://api.example/users");
    body.headers.push(courier_workspace::model::KeyValue {
        key: "X-Trace".into(),
        value: "1".into(),
        enabled: true,
        description: None,
    });
    let original = fx
        .db
        .create_request(&at_end(c, None), "Create user", &body)
        .await
        .unwrap();
    fx.request(&at_end(c, None), "after").await;
    let copy = fx.db.duplicate_request(&original.meta.id).await.unwrap();
    assert_ne!(copy.meta.id, original.meta.id);
    assert_eq!(
        (copy.name.as_str(), copy.meta.revision),
        ("Create user copy", 1)
    );
    assert_eq!(copy.spec, original.spec);
    assert_eq!(
        children(&fx.db.tree(&workspace).await.unwrap(), c, None),
        ["Create user", "Create user copy", "after"]
    );
}

#[tokio::test]
async fn collections_keep_the_workspace_order() {
    let fx = Fixture::new().await;
    let (workspace, first) = fx.workspace_with_collection().await;
    let second = fx.db.create_collection(&workspace, "Second").await.unwrap();
    let third = fx.db.create_collection(&workspace, "Third").await.unwrap();
    fx.db.move_collection(&third.meta.id, 0).await.unwrap();
    let names: Vec<String> = fx
        .db
        .collections(&workspace)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["Third", "API", "Second"]);
    let tree = fx.db.tree(&workspace).await.unwrap();
    let ids: Vec<&str> = tree.collections.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            third.meta.id.as_str(),
            first.meta.id.as_str(),
            second.meta.id.as_str()
        ]
    );
}

#[tokio::test]
async fn the_filter_finds_names_and_urls_in_any_case_with_their_paths_in_tree_order() {
    let fx = Fixture::new().await;
    let (workspace, api) = fx.workspace_with_collection().await;
    let other = fx.db.create_collection(&workspace, "Other").await.unwrap();
    let (a, o) = (api.meta.id.as_str(), other.meta.id.as_str());
    let users = fx
        .db
        .create_folder(&at_end(a, None), "Users")
        .await
        .unwrap();
    let admin = fx
        .db
        .create_folder(&at_end(a, Some(&users.meta.id)), "Admin")
        .await
        .unwrap();
    fx.db
        .create_request(
            &at_end(a, Some(&admin.meta.id)),
            "Ban",
            &spec("POST", "https://x/USERS/ban"),
        )
        .await
        .unwrap();
    fx.db
        .create_request(&at_end(a, None), "List users", &spec("GET", "https://x/u"))
        .await
        .unwrap();
    fx.db
        .create_request(&at_end(o, None), "Über Straße", &spec("GET", "https://x/s"))
        .await
        .unwrap();
    fx.db
        .create_request(&at_end(o, None), "Health", &spec("GET", "https://x/h"))
        .await
        .unwrap();

    let found = fx.db.filter(&workspace, "  users ").await.unwrap();
    let names: Vec<&str> = found.iter().map(|m| m.request.name.as_str()).collect();
    assert_eq!(
        names,
        ["Ban", "List users"],
        "tree order: the Users folder comes first"
    );
    let path: Vec<&str> = found[0].path.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(path, ["API", "Users", "Admin"]);
    assert_eq!(found[0].path[0].entity, EntityKind::Collection);
    assert_eq!(found[0].path[2].id, admin.meta.id);
    assert_eq!(found[0].url, "https://x/USERS/ban");
    assert_eq!(found[1].path.len(), 1);

    let found = fx.db.filter(&workspace, "ÜBER").await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].request.name, "Über Straße");
    assert!(
        fx.db
            .filter(&workspace, "nothing like it")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(fx.db.filter(&workspace, "").await.unwrap().len(), 4);
    let pad = fx.db.scratch_pad().await.unwrap();
    assert!(
        fx.db
            .filter(&pad.meta.id, "users")
            .await
            .unwrap()
            .is_empty(),
        "per workspace"
    );
}

#[tokio::test]
async fn request_urls_give_each_request_s_url_by_id() {
    let fixture = Fixture::new().await;
    let (_, collection) = fixture.workspace_with_collection().await;
    let spec = courier_workspace::model::RequestSpec {
        url: "https://api.example.com/users".into(),
        ..Default::default()
    };
    let place = courier_workspace::db::Place::end(&collection.meta.id, None);
    let request = fixture
        .db
        .create_request(&place, "Users", &spec)
        .await
        .unwrap();
    let urls = fixture
        .db
        .request_urls(&collection.workspace_id)
        .await
        .unwrap();
    assert_eq!(urls.len(), 1);
    assert_eq!(urls[&request.meta.id], "https://api.example.com/users");
}

#[tokio::test]
async fn a_folder_is_duplicated_with_everything_in_it_right_after_itself() {
    let fx = Fixture::new().await;
    let (workspace, collection) = fx.workspace_with_collection().await;
    let c = collection.meta.id.as_str();
    let orders = fx
        .db
        .create_folder(&at_end(c, None), "Orders")
        .await
        .unwrap();
    let o = orders.meta.id.as_str();
    fx.request(&at_end(c, Some(o)), "List").await;
    let items = fx
        .db
        .create_folder(&at_end(c, Some(o)), "Items")
        .await
        .unwrap();
    let deep = fx
        .db
        .create_folder(&at_end(c, Some(&items.meta.id)), "Deep")
        .await
        .unwrap();
    fx.request(&at_end(c, Some(&deep.meta.id)), "Deepest").await;
    fx.request(&at_end(c, None), "after").await;
    let before = fx.db.tree(&workspace).await.unwrap();
    let seq = fx.db.changes_since(0, 100_000).await.unwrap().len();

    let copy = fx.db.duplicate_folder(o).await.unwrap();
    assert_eq!(copy.name, "Orders copy");
    assert_ne!(copy.meta.id, orders.meta.id);
    let tree = fx.db.tree(&workspace).await.unwrap();
    assert_eq!(children(&tree, c, None), ["Orders", "Orders copy", "after"]);
    assert_eq!(children(&tree, c, Some(&copy.meta.id)), ["List", "Items"]);
    let items_copy = tree
        .folders
        .iter()
        .find(|f| f.parent_id.as_deref() == Some(copy.meta.id.as_str()))
        .unwrap();
    assert_ne!(items_copy.id, items.meta.id, "fresh ids all the way down");
    let deep_copy = tree
        .folders
        .iter()
        .find(|f| f.parent_id.as_deref() == Some(items_copy.id.as_str()))
        .unwrap();
    assert_eq!(children(&tree, c, Some(&deep_copy.id)), ["Deepest"]);
    // The original is untouched; each copied item is a recorded creation.
    assert_eq!(children(&tree, c, Some(o)), ["List", "Items"]);
    assert_eq!(tree.folders.len(), before.folders.len() * 2);
    assert_eq!(tree.requests.len(), before.requests.len() + 2);
    let created = changes_after(&fx.db, seq).await;
    assert_eq!(created.len(), 5, "{created:?}");
    assert!(created.iter().all(|(_, kind)| *kind == ChangeKind::Create));
    assert_eq!(
        fx.db
            .duplicate_folder("no-such-folder")
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn a_collection_is_duplicated_with_its_tree_and_its_secret_variables_readable() {
    let fx = Fixture::new().await;
    let (workspace, collection) = fx.workspace_with_collection().await;
    let c = collection.meta.id.as_str();
    let folder = fx
        .db
        .create_folder(&at_end(c, None), "Orders")
        .await
        .unwrap();
    fx.request(&at_end(c, Some(&folder.meta.id)), "List").await;
    fx.request(&at_end(c, None), "Health").await;
    let mut with_secret = fx.db.collection(c).await.unwrap();
    with_secret.variables = vec![var("token", "collection-secret-3141", true)];
    fx.db.update_collection(&with_secret).await.unwrap();

    let copy = fx.db.duplicate_collection(c).await.unwrap();
    assert_ne!(copy.meta.id, collection.meta.id);
    assert_eq!(copy.name, format!("{} copy", collection.name));
    assert_eq!(
        copy.variables, with_secret.variables,
        "sealed again for the copy"
    );
    let tree = fx.db.tree(&workspace).await.unwrap();
    assert_eq!(children(&tree, &copy.meta.id, None), ["Orders", "Health"]);
    assert_eq!(children(&tree, c, None), ["Orders", "Health"]);
    let names: Vec<String> = fx
        .db
        .collections(&workspace)
        .await
        .unwrap()
        .into_iter()
        .map(|collection| collection.name)
        .collect();
    assert_eq!(names.last(), Some(&copy.name), "last in the workspace");
}
