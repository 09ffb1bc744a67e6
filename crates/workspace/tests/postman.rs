//! Postman import and export on hand-written fixtures: what comes in, what comes in
//! with a warning, what is refused and where, and that a round trip changes nothing.

#[path = "common/postman_gen.rs"]
mod postman_gen;
#[path = "common/trees.rs"]
mod trees;

use courier_workspace::import::{ExportOptions, ImportError, ImportedCollection};
use courier_workspace::model::{
    ApiKeyPlacement, Auth, Body, CollectionTree, FormValue, KeyValue, RawLanguage, Request,
};
use courier_workspace::postman::{
    export_collection, export_environment, import_collection, import_environment,
};
use courier_workspace::send::{effective_auth, folder_chain};
use trees::normalized;

const SHOP: &str = include_str!("fixtures/postman/shop.postman_collection.json");
const UNSUPPORTED: &str = include_str!("fixtures/postman/unsupported.postman_collection.json");
const ENVIRONMENT: &str = include_str!("fixtures/postman/shop.postman_environment.json");

fn import(json: &str) -> ImportedCollection {
    import_collection(json, "workspace-1", 1_700_000_000_000).expect("imports")
}

fn request<'a>(tree: &'a CollectionTree, name: &str) -> &'a Request {
    tree.requests
        .iter()
        .find(|request| request.name == name)
        .unwrap_or_else(|| panic!("no request {name}"))
}

fn row(key: &str, value: &str, enabled: bool) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: value.to_owned(),
        enabled,
        description: None,
    }
}

#[test]
fn the_collection_comes_in_with_its_folders_order_and_settings() {
    let imported = import(SHOP);
    let warnings: Vec<(&str, &str)> = imported
        .warnings
        .iter()
        .map(|w| (w.place.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        warnings,
        [("variable", "the descriptions of 1 variable(s) left out")]
    );
    let tree = imported.value;
    let collection = &tree.collection;
    assert_eq!(collection.name, "Shop API");
    assert_eq!(collection.workspace_id, "workspace-1");
    assert_eq!(
        collection.description.as_deref(),
        Some("The shop's public and admin endpoints.")
    );
    assert_eq!(
        collection.auth,
        Auth::Bearer {
            token: "{{token}}".to_owned()
        }
    );
    let variables: Vec<(&str, &str, bool)> = collection
        .variables
        .iter()
        .map(|v| (v.key.as_str(), v.value.as_str(), v.enabled))
        .collect();
    assert_eq!(
        variables,
        [
            ("base_url", "https://shop.example.com/api", true),
            ("api_version", "2", true),
            ("legacy_host", "old.example.com", false),
            ("price", "12.5", true),
        ]
    );
    assert_eq!(
        collection.scripts.pre_request.as_deref(),
        Some("// runs before every request\npm.variables.set('ts', Date.now());")
    );
    assert_eq!(
        collection.scripts.test, None,
        "an empty script is no script"
    );

    // Folders: Catalog > Admin, and Account; with their places.
    let folders: Vec<(&str, Option<&str>, i64)> = tree
        .folders
        .iter()
        .map(|f| {
            let parent = f.parent_id.as_deref().map(|id| {
                tree.folders
                    .iter()
                    .find(|p| p.meta.id == id)
                    .map(|p| p.name.as_str())
                    .unwrap_or("?")
            });
            (f.name.as_str(), parent, f.position)
        })
        .collect();
    assert_eq!(
        folders,
        [
            ("Catalog", None, 0),
            ("Admin", Some("Catalog"), 1),
            ("Account", None, 1)
        ]
    );
    let positions: Vec<(&str, i64)> = tree
        .requests
        .iter()
        .map(|r| (r.name.as_str(), r.position))
        .collect();
    assert_eq!(
        positions,
        [
            ("List products", 0),
            ("Create product", 0),
            ("Upload image", 1),
            ("Delete product", 2),
            ("Sign in", 0),
            ("Who am I", 1),
            ("Health", 2),
            ("Echo XML", 3),
            ("Notes (plain text)", 4),
        ]
    );
    let mut ids: Vec<&str> = std::iter::once(&collection.meta.id)
        .chain(tree.folders.iter().map(|f| &f.meta.id))
        .chain(tree.requests.iter().map(|r| &r.meta.id))
        .map(String::as_str)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 1 + 3 + 9, "fresh, distinct ids");
    assert!(!ids.contains(&"5a0c8c0e-2f39-4a8e-9f39-7c1b9d3e6a11"));
}

#[test]
fn urls_params_and_headers_keep_what_is_switched_off() {
    let tree = import(SHOP).value;
    let list = &request(&tree, "List products").spec;
    assert_eq!(list.method, "GET");
    assert_eq!(
        list.url,
        "{{base_url}}/v{{api_version}}/products?page=1&limit=20"
    );
    assert_eq!(
        list.params,
        [
            row("page", "1", true),
            KeyValue {
                description: Some("At most 100".to_owned()),
                ..row("limit", "20", true)
            },
            row("sort", "price", false),
        ]
    );
    assert_eq!(
        list.headers,
        [
            row("Accept", "application/json", true),
            KeyValue {
                description: Some("Switch on to get timings".to_owned()),
                ..row("X-Debug", "1", false)
            },
        ]
    );
    assert_eq!(
        request(&tree, "List products").scripts.test.as_deref(),
        Some("pm.test(\"status is 200\", function () {\n    pm.response.to.have.status(200);\n});")
    );

    let who = &request(&tree, "Who am I").spec;
    assert_eq!(
        (who.method.as_str(), who.url.as_str()),
        ("HEAD", "{{base_url}}/me?verbose")
    );
    assert_eq!(who.params, [row("verbose", "", true)]);

    let upload = &request(&tree, "Upload image").spec;
    assert_eq!(
        upload.url,
        "{{base_url}}/v{{api_version}}/products/{{product_id}}/images"
    );
    assert_eq!(upload.params, []);

    // No `raw`: the URL is put together from its parts.
    let notes = &request(&tree, "Notes (plain text)").spec;
    assert_eq!(notes.url, "https://notes.example.com/v1/notes?draft=1");
    let echo = &request(&tree, "Echo XML");
    assert_eq!(echo.spec.url, "http://localhost:8080/echo#result");
    assert_eq!(echo.description.as_deref(), Some("Sends XML back."));
    assert_eq!(
        echo.scripts.pre_request.as_deref(),
        Some("pm.variables.set('now', Date.now());")
    );
}

#[test]
fn every_body_mode_comes_in() {
    let tree = import(SHOP).value;
    assert_eq!(
        request(&tree, "Create product").spec.body,
        Body::Raw {
            text: "{\n    \"name\": \"Teapot\",\n    \"price\": {{price}}\n}".to_owned(),
            language: RawLanguage::Json,
        }
    );
    assert!(matches!(
        &request(&tree, "Echo XML").spec.body,
        Body::Raw { language: RawLanguage::Xml, text } if text.starts_with("<order")
    ));
    assert!(matches!(
        &request(&tree, "Notes (plain text)").spec.body,
        Body::Raw { language: RawLanguage::Text, text } if text == "just text"
    ));
    let Body::FormData { fields } = &request(&tree, "Upload image").spec.body else {
        panic!("form data expected");
    };
    let fields: Vec<(&str, &FormValue, bool)> = fields
        .iter()
        .map(|f| (f.key.as_str(), &f.value, f.enabled))
        .collect();
    assert_eq!(
        fields,
        [
            (
                "caption",
                &FormValue::Text {
                    text: "Front view".to_owned()
                },
                true
            ),
            (
                "image",
                &FormValue::File {
                    path: "/home/ada/teapot.png".to_owned()
                },
                true
            ),
            (
                "draft",
                &FormValue::Text {
                    text: "true".to_owned()
                },
                false
            ),
        ]
    );
    assert_eq!(
        request(&tree, "Sign in").spec.body,
        Body::UrlEncoded {
            fields: vec![
                row("username", "ada", true),
                row("password", "{{password}}", true),
                row("remember", "yes", false),
            ]
        }
    );
    assert_eq!(request(&tree, "Health").spec.body, Body::None);
}

#[test]
fn every_auth_mode_comes_in_and_inheritance_resolves_through_the_folders() {
    let tree = import(SHOP).value;
    let effective = |name: &str| {
        let request = request(&tree, name);
        let chain = folder_chain(request.folder_id.as_deref(), &tree.folders);
        effective_auth(request, chain, &tree.collection).clone()
    };
    let basic = Auth::Basic {
        username: "{{admin_user}}".to_owned(),
        password: "{{admin_password}}".to_owned(),
    };
    assert_eq!(request(&tree, "Create product").spec.auth, Auth::Inherit);
    assert_eq!(effective("Create product"), basic);
    assert_eq!(effective("Delete product"), Auth::None);
    assert_eq!(
        effective("List products"),
        Auth::Bearer {
            token: "{{token}}".to_owned()
        }
    );
    assert_eq!(
        effective("Who am I"),
        Auth::ApiKey {
            key: "X-Api-Key".to_owned(),
            value: "{{api_key}}".to_owned(),
            placement: ApiKeyPlacement::Header,
        }
    );
    assert_eq!(
        effective("Sign in"),
        Auth::ApiKey {
            key: "key".to_owned(),
            value: "{{api_key}}".to_owned(),
            placement: ApiKeyPlacement::Query,
        }
    );
}

#[test]
fn an_exported_collection_imports_unchanged() {
    for (name, json) in [("shop", SHOP), ("unsupported", UNSUPPORTED)] {
        let first = import(json).value;
        let exported = export_collection(&first, ExportOptions::default());
        let again = import_collection(&exported, "workspace-1", 1)
            .unwrap_or_else(|error| panic!("{name}: {error}\n{exported}"));
        assert_eq!(
            again.warnings,
            [],
            "{name}: a second import has nothing to warn about"
        );
        assert_eq!(normalized(&again.value), normalized(&first), "{name}");
        // And the file is stable: exporting the re-import writes the same JSON.
        let mut second = again.value;
        second.collection.meta.id = first.collection.meta.id.clone();
        assert_eq!(
            export_collection(&second, ExportOptions::default()),
            exported,
            "{name}"
        );
    }
}

#[test]
fn the_export_is_postman_v2_1_as_postman_writes_it() {
    let tree = import(SHOP).value;
    let exported: serde_json::Value =
        serde_json::from_str(&export_collection(&tree, ExportOptions::default())).expect("json");
    assert_eq!(
        exported["info"]["schema"],
        "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
    );
    assert_eq!(
        exported["info"]["_postman_id"],
        tree.collection.meta.id.as_str()
    );
    let list = &exported["item"][0]["item"][0];
    assert_eq!(list["name"], "List products");
    assert_eq!(
        list["request"]["url"],
        serde_json::json!({
            "raw": "{{base_url}}/v{{api_version}}/products?page=1&limit=20",
            "host": ["{{base_url}}"],
            "path": ["v{{api_version}}", "products"],
            "query": [
                {"key": "page", "value": "1"},
                {"key": "limit", "value": "20", "description": "At most 100"},
                {"key": "sort", "value": "price", "disabled": true}
            ]
        })
    );
    let admin = &exported["item"][0]["item"][1];
    assert_eq!(admin["auth"]["type"], "basic");
    assert!(
        admin["item"][0]["request"].get("auth").is_none(),
        "inherits"
    );
    assert_eq!(
        admin["item"][2]["request"]["auth"],
        serde_json::json!({"type": "noauth"})
    );
    let echo = &exported["item"][3]["request"]["url"];
    assert_eq!(
        (
            &echo["protocol"],
            &echo["host"],
            &echo["port"],
            &echo["path"],
            &echo["hash"]
        ),
        (
            &serde_json::json!("http"),
            &serde_json::json!(["localhost"]),
            &serde_json::json!("8080"),
            &serde_json::json!(["echo"]),
            &serde_json::json!("result")
        )
    );
    assert_eq!(
        exported["item"][1]["event"][0]["script"]["exec"],
        serde_json::json!(["console.log('account folder');"])
    );
}

#[test]
fn what_courier_cannot_hold_comes_in_as_the_nearest_thing_with_a_warning() {
    let imported = import(UNSUPPORTED);
    let tree = &imported.value;
    assert_eq!(
        request(tree, "OAuth with a token").spec.auth,
        Auth::Bearer {
            token: "ya29.saved-token".to_owned()
        }
    );
    assert_eq!(request(tree, "Digest").spec.auth, Auth::None);
    let Body::Raw { text, language } = &request(tree, "GraphQL").spec.body else {
        panic!("GraphQL becomes a JSON body");
    };
    assert_eq!(*language, RawLanguage::Json);
    let graphql: serde_json::Value = serde_json::from_str(text).expect("JSON");
    assert_eq!(
        graphql,
        serde_json::json!({"query": "query { me { name } }", "variables": {"first": 10}})
    );
    assert_eq!(request(tree, "Binary upload").spec.body, Body::None);
    assert_eq!(
        request(tree, "Binary upload").spec.url,
        "https://api.example.com/blobs/:id"
    );
    assert!(matches!(
        &request(tree, "Many files").spec.body,
        Body::FormData { fields } if fields[0].value == FormValue::File { path: "/tmp/a.txt".to_owned() }
    ));

    let places: Vec<&str> = imported.warnings.iter().map(|w| w.place.as_str()).collect();
    assert_eq!(
        places,
        [
            "item[0].request.auth",
            "item[1].request.auth",
            "item[2].request.body.graphql",
            "item[2].response",
            "item[3].request.url.variable",
            "item[3].request.body.file",
            "item[4].variable",
            "item[4].item[0].request.body.disabled",
            "item[4].item[0].request.body.formdata[0].contentType",
            "item[4].item[0].request.body.formdata[0].src",
        ]
    );
    let digest = &imported.warnings[1].message;
    assert!(
        digest.contains("“digest” auth is not supported"),
        "{digest}"
    );
    assert!(imported.warnings[5].message.contains("/tmp/blob.bin"));
}

fn refused(json: &str) -> ImportError {
    import_collection(json, "w", 0).expect_err("refused")
}

#[test]
fn a_broken_file_is_refused_whole_with_the_place_named() {
    let number = refused(include_str!(
        "fixtures/postman/broken/url_is_a_number.postman_collection.json"
    ));
    assert_eq!(number.place, "item[2].request.url");
    assert!(
        number.to_string().starts_with(
            "item[2].request.url: invalid type: integer `42`, expected a string or an object"
        ),
        "{number}"
    );

    let header = refused(include_str!(
        "fixtures/postman/broken/header_disabled_is_text.postman_collection.json"
    ));
    assert_eq!(header.place, "item[0].item[0].request.header[1].disabled");
    assert!(header.message.contains("expected a boolean"), "{header}");

    let neither = refused(include_str!(
        "fixtures/postman/broken/item_without_request.postman_collection.json"
    ));
    assert_eq!(neither.place, "item[0].item[1]");
    assert!(neither.message.contains("neither a request"), "{neither}");

    let cut = refused(include_str!(
        "fixtures/postman/broken/truncated.postman_collection.json"
    ));
    assert!(cut.message.contains("EOF"), "{cut}");
    assert!(cut.place.starts_with("item[0]"), "{cut}");

    let old = refused(include_str!(
        "fixtures/postman/broken/version_1.postman_collection.json"
    ));
    assert_eq!(old.place, "info.schema");
    assert!(old.message.contains("v2.1"), "{old}");

    let environment = refused(ENVIRONMENT);
    assert!(
        environment.message.contains("missing field `info`")
            && environment
                .message
                .contains("this is a Postman environment file"),
        "{environment}"
    );
    let not_json = refused("<html>");
    assert!(not_json.message.contains("expected value"), "{not_json}");
}

#[test]
fn version_2_0_auth_objects_are_read_too() {
    let json = r#"{
        "info": {"name": "v2.0", "schema": "https://schema.getpostman.com/json/collection/v2.0.0/collection.json"},
        "item": [{"name": "r", "request": {"url": "https://x.example", "method": "GET",
            "auth": {"type": "basic", "basic": {"username": "ada", "password": "pw"}}}}]
    }"#;
    let tree = import(json).value;
    assert_eq!(
        tree.requests[0].spec.auth,
        Auth::Basic {
            username: "ada".to_owned(),
            password: "pw".to_owned()
        }
    );
}

#[test]
fn an_environment_comes_in_with_its_secrets_and_goes_out_without_them_unless_asked() {
    let imported = import_environment(ENVIRONMENT, "workspace-1", 5).expect("imports");
    assert_eq!(imported.warnings, []);
    let environment = imported.value;
    assert_eq!(environment.name, "Shop (staging)");
    assert_eq!(environment.meta.created_at, 5);
    let values: Vec<(&str, &str, bool, bool)> = environment
        .variables
        .iter()
        .map(|v| (v.key.as_str(), v.value.as_str(), v.enabled, v.secret))
        .collect();
    assert_eq!(
        values,
        [
            (
                "base_url",
                "https://staging.shop.example.com/api",
                true,
                false
            ),
            ("token", "stg-7f3a9c1e", true, true),
            ("admin_password", "hunter2", true, true),
            ("retries", "3", true, false),
            ("old_base_url", "https://old.example.com", false, false),
        ]
    );

    let without = export_environment(&environment, ExportOptions::default());
    assert!(
        !without.contains("stg-7f3a9c1e") && !without.contains("hunter2"),
        "{without}"
    );
    let reimported = import_environment(&without, "w", 0).expect("imports").value;
    assert_eq!(reimported.variables[1].key, "token");
    assert_eq!(reimported.variables[1].value, "");
    assert!(reimported.variables[1].secret);

    let with = export_environment(
        &environment,
        ExportOptions {
            include_secrets: true,
        },
    );
    let round_trip = import_environment(&with, "w", 0).expect("imports").value;
    assert_eq!(round_trip.name, environment.name);
    assert_eq!(round_trip.variables, environment.variables);

    let collection_as_environment =
        import_environment(SHOP, "w", 0).expect_err("a collection is not an environment");
    assert!(
        collection_as_environment
            .message
            .contains("this is a Postman collection file"),
        "{collection_as_environment}"
    );
}

#[test]
fn secret_collection_variables_are_exported_empty_unless_asked() {
    let mut tree = import(SHOP).value;
    tree.collection.variables[0].secret = true;
    let without = export_collection(&tree, ExportOptions::default());
    assert!(
        !without.contains("https://shop.example.com/api\""),
        "{without}"
    );
    let reimported = import(&without).value;
    assert_eq!(reimported.collection.variables[0].value, "");
    assert!(reimported.collection.variables[0].secret);
    let with = export_collection(
        &tree,
        ExportOptions {
            include_secrets: true,
        },
    );
    assert_eq!(normalized(&import(&with).value), normalized(&tree));
}

#[test]
fn the_benchmark_s_generated_collection_imports_and_round_trips() {
    let json = postman_gen::collection_of_size(200_000);
    assert!((150_000..300_000).contains(&json.len()), "{}", json.len());
    let imported = import(&json);
    assert_eq!(imported.warnings, []);
    let tree = imported.value;
    assert!(tree.requests.len() > 50 && tree.folders.len() > 3);
    let again = import(&export_collection(&tree, ExportOptions::default())).value;
    assert_eq!(normalized(&again), normalized(&tree));
}
