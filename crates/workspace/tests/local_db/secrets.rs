//! Secret values at rest: only ciphertext on disk (checked in the raw bytes of the
//! database and its log), bound to their place, never written without a key, and
//! sealed anew under a synced workspace's key when the device makes one.

use courier_workspace::db::{ErrorKind, SecretsMode};
use courier_workspace::model::EntityKind;
use courier_workspace::seal::{DataKey, Secrets};

use crate::common::{Fixture, var};

/// Every byte SQLite keeps for this database: the file, its log and shared memory.
fn files_contain(fx: &Fixture, needle: &str) -> bool {
    ["db", "db-wal", "db-shm"].iter().any(|extension| {
        let bytes = std::fs::read(fx.path.with_extension(extension)).unwrap_or_default();
        bytes
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
    })
}

#[tokio::test]
async fn secret_values_are_on_disk_only_as_ciphertext_and_read_back_in_plaintext() {
    let fx = Fixture::new().await;
    let (workspace, collection) = fx.workspace_with_collection().await;
    let environment = fx
        .environment(
            &workspace,
            "Prod",
            &[
                var("host", "visible-host-4417", false),
                var("token", "env-secret-9931", true),
            ],
        )
        .await;
    fx.db
        .set_globals(&workspace, &[var("g", "global-secret-5521", true)])
        .await
        .unwrap();
    let mut collection = fx.db.collection(&collection.meta.id).await.unwrap();
    collection.variables = vec![var("c", "collection-secret-7713", true)];
    fx.db.update_collection(&collection).await.unwrap();

    assert!(
        files_contain(&fx, "visible-host-4417"),
        "the scan sees plain values"
    );
    for secret in [
        "env-secret-9931",
        "global-secret-5521",
        "collection-secret-7713",
    ] {
        assert!(!files_contain(&fx, secret), "{secret} is on disk");
    }
    assert_eq!(
        fx.db
            .environment(&environment.meta.id)
            .await
            .unwrap()
            .variables[1],
        var("token", "env-secret-9931", true)
    );
    assert_eq!(
        fx.db
            .collection(&collection.meta.id)
            .await
            .unwrap()
            .variables,
        [var("c", "collection-secret-7713", true)]
    );
    assert_eq!(fx.db.secrets_mode(), SecretsMode::Sealed);
}

#[tokio::test]
async fn a_value_made_secret_is_wiped_from_the_file_and_its_log() {
    let fx = Fixture::new().await;
    let (workspace, _) = fx.workspace_with_collection().await;
    let environment = fx
        .environment(&workspace, "Dev", &[var("token", "was-plain-2718", false)])
        .await;
    assert!(files_contain(&fx, "was-plain-2718"));
    let mut now_secret = environment.clone();
    now_secret.variables[0].secret = true;
    fx.db.update_environment(&now_secret).await.unwrap();
    assert!(
        !files_contain(&fx, "was-plain-2718"),
        "old pages still hold it"
    );
    assert_eq!(
        fx.db
            .environment(&environment.meta.id)
            .await
            .unwrap()
            .variables,
        [var("token", "was-plain-2718", true)]
    );
}

#[tokio::test]
async fn encrypting_every_value_seals_the_plain_ones_too() {
    let fx = Fixture::new().await;
    let (workspace, _) = fx.workspace_with_collection().await;
    fx.db
        .set_globals(&workspace, &[var("host", "plain-host-1618", false)])
        .await
        .unwrap();
    let environment = fx
        .environment(&workspace, "Dev", &[var("user", "plain-user-1414", false)])
        .await;
    assert!(files_contain(&fx, "plain-host-1618") && files_contain(&fx, "plain-user-1414"));

    let on = fx.db.set_encrypt_values(&workspace, true).await.unwrap();
    assert!(on.encrypt_values);
    assert!(!files_contain(&fx, "plain-host-1618") && !files_contain(&fx, "plain-user-1414"));
    fx.environment(&workspace, "Other", &[var("new", "plain-new-1732", false)])
        .await;
    assert!(!files_contain(&fx, "plain-new-1732"));
    assert_eq!(
        fx.db
            .environment(&environment.meta.id)
            .await
            .unwrap()
            .variables,
        [var("user", "plain-user-1414", false)],
        "still not secret: shown unmasked, stored sealed"
    );

    let off = fx.db.set_encrypt_values(&workspace, false).await.unwrap();
    assert!(!off.encrypt_values);
    assert_eq!(
        fx.db.globals(&workspace).await.unwrap().variables,
        [var("host", "plain-host-1618", false)]
    );
}

#[tokio::test]
async fn a_ciphertext_copied_to_another_environment_does_not_open_there() {
    let fx = Fixture::new().await;
    let (workspace, _) = fx.workspace_with_collection().await;
    let source = fx
        .environment(&workspace, "Prod", &[var("token", "prod-only-3141", true)])
        .await;
    let target = fx
        .environment(&workspace, "Dev", &[var("token", "dev-value", true)])
        .await;
    // Someone with the file (not the key) copies Prod's stored variables onto Dev.
    let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", fx.path.display()))
        .await
        .unwrap();
    sqlx::query("UPDATE environments SET variables = (SELECT variables FROM environments WHERE id = ?) WHERE id = ?")
        .bind(&source.meta.id)
        .bind(&target.meta.id)
        .execute(&raw)
        .await
        .unwrap();
    raw.close().await;

    assert_eq!(
        fx.db.environment(&target.meta.id).await.unwrap().variables,
        [var("token", "", true)],
        "unreadable there, not Prod's value"
    );
    assert_eq!(
        fx.db.environment(&source.meta.id).await.unwrap().variables,
        [var("token", "prod-only-3141", true)]
    );
}

#[tokio::test]
async fn without_a_key_secret_values_live_in_memory_only_and_earlier_ones_survive() {
    let mut fx = Fixture::new().await;
    let (workspace, _) = fx.workspace_with_collection().await;
    let environment = fx
        .environment(
            &workspace,
            "Prod",
            &[var("token", "sealed-earlier-1123", true)],
        )
        .await;

    fx.reopen(Secrets::Unavailable).await;
    assert_eq!(fx.db.secrets_mode(), SecretsMode::MemoryOnly);
    let read = fx.db.environment(&environment.meta.id).await.unwrap();
    assert_eq!(
        read.variables,
        [var("token", "", true)],
        "cannot be read without the key"
    );
    let mut edited = read.clone();
    edited.variables = vec![
        var("token", "this-session-5813", true),
        var("new", "new-secret-2134", true),
    ];
    fx.db.update_environment(&edited).await.unwrap();
    assert_eq!(
        fx.db
            .environment(&environment.meta.id)
            .await
            .unwrap()
            .variables,
        edited.variables,
        "this session sees what it typed"
    );
    assert!(!files_contain(&fx, "this-session-5813") && !files_contain(&fx, "new-secret-2134"));
    let refused = fx
        .db
        .set_encrypt_values(&workspace, true)
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Invalid);

    fx.reopen(Secrets::Unavailable).await;
    assert_eq!(
        fx.db
            .environment(&environment.meta.id)
            .await
            .unwrap()
            .variables,
        [var("token", "", true), var("new", "", true)],
        "gone with the session"
    );
    fx.reopen(Secrets::Sealed(fx.key.clone())).await;
    assert_eq!(
        fx.db
            .environment(&environment.meta.id)
            .await
            .unwrap()
            .variables,
        [
            var("token", "sealed-earlier-1123", true),
            var("new", "", true)
        ],
        "the value sealed before the keyless session is intact"
    );
}

#[tokio::test]
async fn a_new_workspace_key_seals_the_values_anew_as_changes_and_is_kept_under_the_device_key() {
    let mut fx = Fixture::new().await;
    let (workspace, _) = fx.workspace_with_collection().await;
    let environment = fx
        .environment(
            &workspace,
            "Prod",
            &[
                var("host", "plain-host-2207", false),
                var("token", "keyed-secret-6604", true),
            ],
        )
        .await;
    fx.db
        .set_globals(&workspace, &[var("g", "keyed-global-3318", true)])
        .await
        .unwrap();
    let before = fx.db.changes_since(0, 1000).await.unwrap().len();
    let key = DataKey::generate().unwrap();

    let resealed = fx
        .db
        .start_workspace_key(&workspace, 1, &key)
        .await
        .unwrap();
    // The environment and the globals seal something; the collection does not.
    assert_eq!(resealed, 2);
    let changes = fx.db.changes_since(0, 1000).await.unwrap();
    let logged: Vec<(EntityKind, &str)> = changes[before..]
        .iter()
        .map(|change| (change.entity, change.entity_id.as_str()))
        .collect();
    assert_eq!(
        logged,
        [
            (EntityKind::Globals, workspace.as_str()),
            (EntityKind::Environment, environment.meta.id.as_str())
        ]
    );
    assert_eq!(fx.db.workspace_key_versions(&workspace), [1]);
    let read = fx.db.environment(&environment.meta.id).await.unwrap();
    assert_eq!(read.variables[1], var("token", "keyed-secret-6604", true));
    assert!(!files_contain(&fx, "keyed-secret-6604") && !files_contain(&fx, "keyed-global-3318"));

    // Kept across a restart, under the device's key: the same key opens everything...
    fx.reopen(Secrets::Sealed(fx.key.clone())).await;
    assert_eq!(fx.db.workspace_key_versions(&workspace), [1]);
    assert_eq!(
        fx.db.globals(&workspace).await.unwrap().variables,
        [var("g", "keyed-global-3318", true)]
    );
    // ...another device key opens neither the workspace key nor the values.
    fx.reopen(Secrets::Sealed(DataKey::generate().unwrap()))
        .await;
    assert!(fx.db.workspace_key_versions(&workspace).is_empty());
    assert_eq!(
        fx.db
            .environment(&environment.meta.id)
            .await
            .unwrap()
            .variables[1],
        var("token", "", true)
    );
    // Given the workspace key (as from the server), they open again; taking a key
    // logs no change.
    let before = fx.db.changes_since(0, 1000).await.unwrap().len();
    fx.db.keep_workspace_key(&workspace, 1, &key).await.unwrap();
    assert_eq!(fx.db.changes_since(0, 1000).await.unwrap().len(), before);
    assert_eq!(
        fx.db
            .environment(&environment.meta.id)
            .await
            .unwrap()
            .variables[1],
        var("token", "keyed-secret-6604", true)
    );
}

#[tokio::test]
async fn a_key_another_device_made_first_seals_this_devices_own_values_under_it() {
    let fx = Fixture::new().await;
    let (workspace, _) = fx.workspace_with_collection().await;
    // Sealed under this device's key: the workspace had no key here yet.
    let environment = fx
        .environment(&workspace, "Prod", &[var("token", "mine-only-4410", true)])
        .await;
    let before = fx.db.changes_since(0, 1000).await.unwrap().len();

    let key = DataKey::generate().unwrap();
    fx.db.keep_workspace_key(&workspace, 1, &key).await.unwrap();
    let changes = fx.db.changes_since(0, 1000).await.unwrap();
    let logged: Vec<(EntityKind, &str)> = changes[before..]
        .iter()
        .map(|change| (change.entity, change.entity_id.as_str()))
        .collect();
    assert_eq!(
        logged,
        [(EntityKind::Environment, environment.meta.id.as_str())],
        "sealed anew under the key, to sync"
    );
    let read = fx.db.environment(&environment.meta.id).await.unwrap();
    assert_eq!(read.variables[0], var("token", "mine-only-4410", true));

    // Already under a workspace key: a later version taken changes nothing.
    let before = changes.len();
    let next = DataKey::generate().unwrap();
    fx.db
        .keep_workspace_key(&workspace, 2, &next)
        .await
        .unwrap();
    assert_eq!(fx.db.changes_since(0, 1000).await.unwrap().len(), before);
}
