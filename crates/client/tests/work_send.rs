//! The desktop's send-side work over a real database file: "Copy as curl" keeps
//! `{{names}}` (a secret's value never in the command) unless values are asked for,
//! using the workspace's send options; a response body is written to a file byte for
//! byte, and bad input is a clear error.

#![allow(clippy::unwrap_used)]

use base64::Engine as _;
use courier_client::app::work::Work;
use courier_client::workspace::db::{Options, Place, WorkspaceDb};
use courier_client::workspace::model::{Auth, RequestSpec, SendOptions, Variable};
use courier_client::workspace::seal::{DataKey, Secrets};
use courier_client::workspace::send::Sender;

const SECRET: &str = "s3cr3t-token-value";

async fn work(dir: &tempfile::TempDir) -> Work {
    let key = DataKey::generate().unwrap();
    let db = WorkspaceDb::open(
        &dir.path().join("workspaces.db"),
        Options::new(Secrets::Sealed(key)),
    )
    .await
    .unwrap();
    Work::with_db(db, Sender::new())
}

#[tokio::test]
async fn copy_as_curl_keeps_names_unless_values_are_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let work = work(&dir).await;
    let workspace = work.db().scratch_pad().await.unwrap().meta.id;
    work.db()
        .set_globals(
            &workspace,
            &[
                Variable::new("host", "api.example.com"),
                Variable {
                    secret: true,
                    ..Variable::new("token", SECRET)
                },
            ],
        )
        .await
        .unwrap();
    work.db()
        .set_send_options(
            &workspace,
            &SendOptions {
                verify_tls: false,
                ..SendOptions::default()
            },
        )
        .await
        .unwrap();
    let collection = work
        .db()
        .create_collection(&workspace, "API")
        .await
        .unwrap();
    let spec = RequestSpec {
        url: "https://{{host}}/me".to_owned(),
        auth: Auth::Bearer {
            token: "{{token}}".to_owned(),
        },
        ..RequestSpec::default()
    };
    let request = work
        .db()
        .create_request(&Place::end(&collection.meta.id, None), "Me", &spec)
        .await
        .unwrap();

    let kept = work
        .copy_as_curl(&workspace, &request.meta.id, spec.clone(), false)
        .await
        .unwrap();
    assert_eq!(
        kept,
        "curl https://{{host}}/me \\\n  -H 'Authorization: Bearer {{token}}' \\\n  -k \\\n  -L"
    );
    assert!(!kept.contains(SECRET));

    let resolved = work
        .copy_as_curl(&workspace, &request.meta.id, spec, true)
        .await
        .unwrap();
    assert!(
        resolved.contains("https://api.example.com/me"),
        "{resolved}"
    );
    assert!(resolved.contains(&format!("Bearer {SECRET}")), "{resolved}");
}

#[test]
fn a_response_body_is_saved_byte_for_byte_and_bad_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("body.bin");
    let bytes: Vec<u8> = (0..=255).collect();
    let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
    Work::save_response_body(&path, &encoded).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), bytes);

    let error = Work::save_response_body(&path, "not base64!").unwrap_err();
    assert!(error.to_string().contains("not base64"), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "nothing lost");

    let nowhere = dir.path().join("missing-folder").join("body.bin");
    let error = Work::save_response_body(&nowhere, &encoded).unwrap_err();
    assert!(error.to_string().contains("missing-folder"), "{error}");
}
