//! Courier's own file: lossless round trip, fresh ids, versions and broken links.

#[path = "common/trees.rs"]
mod trees;

use courier_workspace::courier_format::{VERSION, export_collection, import_collection};
use courier_workspace::import::ExportOptions;
use courier_workspace::model::CollectionTree;
use serde_json::{Value, json};
use trees::normalized;

/// The Postman fixture, which has every body and auth mode, nested folders,
/// variables and scripts, as a Courier collection.
fn shop() -> CollectionTree {
    let json = include_str!("fixtures/postman/shop.postman_collection.json");
    courier_workspace::postman::import_collection(json, "workspace-1", 10)
        .expect("the fixture imports")
        .value
}

#[test]
fn an_exported_collection_imports_unchanged_with_fresh_ids() {
    let mut tree = shop();
    tree.collection.variables[0].secret = true;
    let all = ExportOptions {
        include_secrets: true,
    };
    let exported = export_collection(&tree, all);
    let imported = import_collection(&exported, "workspace-2", 20).expect("imports");
    assert_eq!(imported.warnings, []);
    let again = imported.value;
    assert_eq!(normalized(&again), normalized(&tree));

    assert_eq!(again.collection.workspace_id, "workspace-2");
    assert_ne!(again.collection.meta.id, tree.collection.meta.id);
    assert_eq!(again.collection.meta.created_at, 20);
    for (new, old) in again.folders.iter().zip(&tree.folders) {
        assert_ne!(new.meta.id, old.meta.id);
        assert_eq!(new.collection_id, again.collection.meta.id);
    }
    for (new, old) in again.requests.iter().zip(&tree.requests) {
        assert_ne!(new.meta.id, old.meta.id);
    }

    let file: Value = serde_json::from_str(&exported).expect("json");
    assert_eq!(file["courier"], json!(VERSION));
    assert_eq!(file["requests"].as_array().map(Vec::len), Some(9));
}

#[test]
fn secret_values_stay_out_unless_asked() {
    let mut tree = shop();
    tree.collection.variables[0].secret = true;
    let exported = export_collection(&tree, ExportOptions::default());
    assert!(!exported.contains("https://shop.example.com/api\""));
    let again = import_collection(&exported, "w", 0).expect("imports").value;
    assert_eq!(again.collection.variables[0].key, "base_url");
    assert_eq!(again.collection.variables[0].value, "");
}

fn edited(edit: impl FnOnce(&mut Value)) -> String {
    let mut file: Value =
        serde_json::from_str(&export_collection(&shop(), ExportOptions::default())).expect("json");
    edit(&mut file);
    file.to_string()
}

#[test]
fn a_file_from_a_newer_courier_or_another_program_is_refused() {
    let newer = import_collection(&edited(|f| f["courier"] = json!(2)), "w", 0).expect_err("newer");
    assert_eq!(newer.place, "courier");
    assert!(newer.message.contains("newer Courier"), "{newer}");

    let postman = include_str!("fixtures/postman/shop.postman_collection.json");
    let foreign = import_collection(postman, "w", 0).expect_err("not ours");
    assert!(
        foreign.message.contains("not a Courier collection file"),
        "{foreign}"
    );
}

#[test]
fn broken_links_and_fields_are_refused_with_the_place_named() {
    let missing = import_collection(
        &edited(|f| f["requests"][3]["folder_id"] = json!("nowhere")),
        "w",
        0,
    )
    .expect_err("missing folder");
    assert_eq!(missing.place, "requests[3].folder_id");
    assert!(missing.message.contains("nowhere"), "{missing}");

    let looping = import_collection(
        &edited(|f| {
            let inner = f["folders"][1]["meta"]["id"].clone();
            f["folders"][0]["parent_id"] = inner;
        }),
        "w",
        0,
    )
    .expect_err("a loop");
    assert_eq!(looping.place, "folders[0].parent_id");

    let twice = import_collection(
        &edited(|f| f["folders"][2]["meta"]["id"] = f["folders"][0]["meta"]["id"].clone()),
        "w",
        0,
    )
    .expect_err("duplicate id");
    assert_eq!(twice.place, "folders[2].meta.id");

    let mode = import_collection(
        &edited(|f| f["requests"][1]["spec"]["body"]["mode"] = json!("carrier_pigeon")),
        "w",
        0,
    )
    .expect_err("unknown body mode");
    assert_eq!(mode.place, "requests[1].spec.body.mode");
    assert!(mode.message.contains("carrier_pigeon"), "{mode}");
}
