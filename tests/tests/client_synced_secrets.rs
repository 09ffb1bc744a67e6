//! Synced secret values end to end (issue #13), with the desktop's real background
//! sync on devices that each have their own database, device key and keyring, through
//! a real server: the values reach the server only sealed under the workspace's key;
//! another device of the account reads them once the person types the recovery key the
//! first device keeps (a wrong one is refused beside the field); a teammate's device
//! gets the key wrapped for its account with nothing to type; and when a member leaves
//! the team, a remaining device makes the next version and seals the values anew. A
//! session without a keyring makes no keys (their secret half would live only in its
//! memory) and syncs the rest.

#![allow(clippy::unwrap_used)]

use courier_client::app::work_keys;
use courier_client::app::work_sync::{SyncState, Wake};
use courier_client::workspace::model::Variable;
use courier_client::workspace::seal::{SealedWith, Secrets, sealed_with};
use courier_proto::EntityKind;
use courier_testkit::TestServer;
use courier_tests::sync_device::{
    Device, ada_and_grace_in_a_team, device, device_with, last_status, remove_from_team,
    team_workspace, until,
};

const SECRET: &str = "s3cr3t-t0ken-9f2c";

fn token(value: &str) -> Vec<Variable> {
    vec![
        Variable {
            key: "host".into(),
            value: "api.example.com".into(),
            enabled: true,
            secret: false,
        },
        Variable {
            key: "token".into(),
            value: value.into(),
            enabled: true,
            secret: true,
        },
    ]
}

async fn token_on(device: &Device, environment: &str) -> Option<String> {
    let environment = device.db.environment(environment).await.ok()?;
    Some(environment.variables[1].value.clone())
}

/// How the server holds the environment's token: which key it is sealed under, and
/// that its plaintext is nowhere in what the server keeps.
async fn token_on_server(device: &Device, workspace: &str, environment: &str) -> SealedWith {
    let changes = device
        .client
        .api()
        .pull_changes(workspace, 0)
        .await
        .unwrap();
    let entity = changes
        .changes
        .iter()
        .find(|e| e.entity == EntityKind::Environment && e.id == environment)
        .unwrap();
    let text = serde_json::to_string(&entity.fields).unwrap();
    assert!(!text.contains(SECRET), "plaintext on the server: {text}");
    let sealed = entity.fields.as_ref().unwrap()["variables"][1]["sealed"]
        .as_str()
        .unwrap()
        .to_owned();
    sealed_with(&sealed).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_device_reads_the_secrets_once_unlocked_with_the_recovery_key() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let desktop = device(&server, "ada").await;
    let account = desktop.client.account_id.clone();
    let ws = desktop.new_workspace("Payments").await;
    let env = desktop
        .db
        .create_environment(&ws, "Production", &token(SECRET))
        .await
        .unwrap()
        .meta
        .id;
    // The first push seals the token under the device's key; the round then makes
    // the workspace's key and sends the token again under it.
    until(
        &desktop,
        "the token on the server under the workspace's key",
        async |d| {
            d.db.workspace_key_versions(&ws) == [1]
                && last_status(d).is_some_and(|s| !s.secrets_locked)
                && token_on_server(d, &ws, &env).await == SealedWith::WorkspaceKey(1)
        },
    )
    .await;
    let recovery = work_keys::recovery_key(&desktop.client.courier, &account)
        .await
        .unwrap()
        .expect("the device that made the account's key keeps its recovery key");

    // The laptop gets the work, but not the key: the token reads empty, and says so.
    let laptop = device(&server, "ada").await;
    until(&laptop, "the environment arrives, locked", async |d| {
        token_on(d, &env).await.is_some() && last_status(d).is_some_and(|s| s.secrets_locked)
    })
    .await;
    assert_eq!(token_on(&laptop, &env).await.unwrap(), "");
    assert_eq!(
        laptop.db.environment(&env).await.unwrap().variables[0].value,
        "api.example.com"
    );

    let wrong = work_keys::unlock(
        &laptop.client.courier,
        &account,
        "0000-0000-0000-0000-0000-0000-0000-0000-0000-0000-0000-0000-0000",
    )
    .await
    .unwrap_err();
    assert_eq!(wrong.kind(), "invalid_input");
    assert_eq!(wrong.fields()[0].field, "recovery_key");
    let garbled = work_keys::unlock(&laptop.client.courier, &account, "not a key")
        .await
        .unwrap_err();
    assert_eq!(garbled.kind(), "invalid_input");

    // Typed in lower case with spaces, as people do.
    let typed = recovery.to_lowercase().replace('-', " ");
    work_keys::unlock(&laptop.client.courier, &account, &typed)
        .await
        .unwrap();
    laptop.sync.wake(Wake::Account(account.clone()));
    until(&laptop, "the token reads on the laptop", async |d| {
        token_on(d, &env).await.as_deref() == Some(SECRET)
            && last_status(d).is_some_and(|s| !s.secrets_locked)
    })
    .await;

    // And a new value typed on the laptop reaches the desktop.
    let mut edited = laptop.db.environment(&env).await.unwrap();
    edited.variables[1].value = "n3w-t0ken".into();
    laptop.db.update_environment(&edited).await.unwrap();
    until(
        &desktop,
        "the laptop's new token on the desktop",
        async |d| token_on(d, &env).await.as_deref() == Some("n3w-t0ken"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teammate_gets_the_key_and_a_member_leaving_brings_a_new_one() {
    let server = TestServer::start().await;
    let (ada, grace, team) = ada_and_grace_in_a_team(&server).await;
    let ws = team_workspace(&ada, &team).await;
    let env = ada
        .db
        .create_environment(&ws, "Staging", &token(SECRET))
        .await
        .unwrap()
        .meta
        .id;
    until(&ada, "the team workspace has a key", async |d| {
        d.db.workspace_key_versions(&ws) == [1] && last_status(d).is_some_and(|s| s.pending == 0)
    })
    .await;

    // Grace's device finds the team's workspace and reads the token: no recovery key,
    // the key was wrapped for her account.
    grace
        .sync
        .wake(Wake::Account(grace.client.account_id.clone()));
    until(&grace, "the token reads for Grace", async |d| {
        token_on(d, &env).await.as_deref() == Some(SECRET)
    })
    .await;

    // Grace leaves the team: Ada's device makes version 2 and seals the token anew.
    remove_from_team(&ada, &team, "grace").await;
    until(&ada, "the token on the server under a new key", async |d| {
        d.db.workspace_key_versions(&ws) == [1, 2]
            && token_on_server(d, &ws, &env).await == SealedWith::WorkspaceKey(2)
    })
    .await;
    assert_eq!(token_on(&ada, &env).await.as_deref(), Some(SECRET));
    let gone = grace.client.api().workspace_keys(&ws).await.unwrap();
    assert_eq!(gone, None, "a former member reads no keys");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_without_a_keyring_makes_no_keys_and_syncs_the_rest() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let desktop = device_with(&server, "ada", Secrets::Unavailable).await;
    let account = desktop.client.account_id.clone();
    let ws = desktop.new_workspace("Payments").await;
    desktop
        .db
        .create_environment(&ws, "Production", &token(SECRET))
        .await
        .unwrap();
    desktop.sync.wake(Wake::Account(account.clone()));
    until(&desktop, "synced, not in error", async |d| {
        last_status(d)
            .is_some_and(|s| s.state == SyncState::Synced && s.pending == 0 && !s.secrets_locked)
    })
    .await;
    assert!(desktop.db.workspace_key_versions(&ws).is_empty());
    // No key pair whose secret half would live only in this session's memory.
    assert_eq!(desktop.client.api().account_key().await.unwrap(), None);
    let changes = desktop.client.api().pull_changes(&ws, 0).await.unwrap();
    assert!(!serde_json::to_string(&changes).unwrap().contains(SECRET));
}
