//! A whole imported collection stored in one go: everything in one transaction with
//! its change-log rows, the file's order kept, secret collection variables sealed, and
//! a tree that does not hold together refused with nothing stored.

use courier_workspace::model::{ChangeKind, EntityKind, Variable};
use courier_workspace::postman;
use courier_workspace::run;

use super::common::Fixture;

const SHOP: &str = include_str!("../fixtures/postman/shop.postman_collection.json");

#[tokio::test]
async fn an_imported_collection_is_stored_whole_in_the_file_s_order() {
    let fixture = Fixture::new().await;
    let workspace = fixture.db.scratch_pad().await.unwrap();
    let mut imported = postman::import_collection(SHOP, &workspace.meta.id, 0)
        .unwrap()
        .value;
    imported.collection.variables.push(Variable {
        secret: true,
        ..Variable::new("api_key", "imported-secret-value")
    });
    let before = fixture.db.changes_since(0, 100_000).await.unwrap().len();

    let stored = fixture
        .db
        .add_collection_tree(&workspace.meta.id, &imported)
        .await
        .unwrap();
    assert_eq!(stored.name, imported.collection.name);
    assert_eq!(
        stored.variables, imported.collection.variables,
        "read back unsealed"
    );

    // Every request is there, in the order the file gave (the runner's order).
    let tree = fixture.db.tree(&workspace.meta.id).await.unwrap();
    assert_eq!(tree.requests.len(), imported.requests.len());
    assert_eq!(tree.folders.len(), imported.folders.len());
    let mut back = imported.clone();
    back.folders = Vec::new();
    back.requests = Vec::new();
    for folder in &imported.folders {
        back.folders
            .push(fixture.db.folder(&folder.meta.id).await.unwrap());
    }
    for request in &imported.requests {
        back.requests
            .push(fixture.db.request(&request.meta.id).await.unwrap());
    }
    let names = |tree| {
        run::order(tree)
            .iter()
            .map(|step| step.request.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&back), names(&imported));
    for (original, stored) in imported.requests.iter().zip(&back.requests) {
        assert_eq!(stored.spec, original.spec, "{}", original.name);
    }

    // One `create` per entity in the change log.
    let changes = fixture.db.changes_since(0, 100_000).await.unwrap();
    let added = &changes[before..];
    assert_eq!(
        added.len(),
        1 + imported.folders.len() + imported.requests.len()
    );
    assert!(added.iter().all(|change| change.kind == ChangeKind::Create));
    assert_eq!(added[0].entity, EntityKind::Collection);

    // The secret is sealed on disk.
    fixture.db.close().await;
    let mut bytes = std::fs::read(&fixture.path).unwrap();
    bytes.extend(std::fs::read(fixture.path.with_extension("db-wal")).unwrap_or_default());
    let needle = b"imported-secret-value";
    assert!(!bytes.windows(needle.len()).any(|window| window == needle));
}

#[tokio::test]
async fn a_tree_that_does_not_hold_together_is_refused_and_nothing_is_stored() {
    let fixture = Fixture::new().await;
    let workspace = fixture.db.scratch_pad().await.unwrap();
    let mut imported = postman::import_collection(SHOP, &workspace.meta.id, 0)
        .unwrap()
        .value;
    let last = imported.requests.len() - 1;
    imported.requests[last].folder_id = Some("no-such-folder".to_owned());
    let refused = fixture
        .db
        .add_collection_tree(&workspace.meta.id, &imported)
        .await
        .unwrap_err();
    assert_eq!(refused.kind().as_str(), "invalid");
    assert!(
        fixture
            .db
            .collections(&workspace.meta.id)
            .await
            .unwrap()
            .is_empty()
    );

    // An id already taken (the same file stored twice without fresh ids) rolls back.
    imported.requests[last].folder_id = None;
    fixture
        .db
        .add_collection_tree(&workspace.meta.id, &imported)
        .await
        .unwrap();
    let again = fixture
        .db
        .add_collection_tree(&workspace.meta.id, &imported)
        .await;
    assert!(again.is_err());
    assert_eq!(
        fixture
            .db
            .collections(&workspace.meta.id)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_stored_collection_reads_back_as_the_tree_that_was_imported() {
    let fixture = Fixture::new().await;
    let workspace = fixture.db.scratch_pad().await.unwrap();
    let imported = postman::import_collection(SHOP, &workspace.meta.id, 0)
        .unwrap()
        .value;
    let stored = fixture
        .db
        .add_collection_tree(&workspace.meta.id, &imported)
        .await
        .unwrap();

    let read = fixture.db.collection_tree(&stored.meta.id).await.unwrap();
    assert_eq!(read.requests.len(), imported.requests.len());
    // Positions are the file's again (0, 1, 2 … among siblings), so exporting what
    // was stored writes what the import read.
    let options = courier_workspace::import::ExportOptions::default();
    let without_id = |json: String| json.replace(&stored.meta.id, &imported.collection.meta.id);
    assert_eq!(
        without_id(postman::export_collection(&read, options)),
        postman::export_collection(&imported, options)
    );
}
