//! Signing keys and shared secrets: newest first, one key per rotation however many
//! instances rotate at once, and one value per secret whoever asks first.

use std::sync::Arc;

use courier_store::{SigningKeyRecord, Store};

use crate::backend::{self, NOW, unique};

fn key(created_at: i64) -> SigningKeyRecord {
    SigningKeyRecord {
        kid: unique("kid"),
        pkcs8_pem: unique("-----BEGIN PRIVATE KEY-----"),
        created_at,
    }
}

#[tokio::test]
async fn a_key_is_added_only_when_none_is_newer_and_old_ones_go() {
    let backend = backend::open().await;
    assert!(backend.signing_keys().await.unwrap().is_empty());
    let first = key(NOW - 100);
    assert!(backend.add_signing_key(&first, NOW - 1000).await.unwrap());

    // Another instance decided to rotate from an older view: the first key is newer.
    let late = key(NOW - 50);
    assert!(!backend.add_signing_key(&late, NOW - 1000).await.unwrap());
    let second = key(NOW);
    assert!(backend.add_signing_key(&second, NOW - 100).await.unwrap());
    assert_eq!(
        backend.signing_keys().await.unwrap(),
        vec![second.clone(), first.clone()],
        "newest first, the refused key absent"
    );

    assert_eq!(
        backend.remove_signing_keys_before(NOW - 100).await.unwrap(),
        0
    );
    assert_eq!(backend.remove_signing_keys_before(NOW).await.unwrap(), 1);
    assert_eq!(backend.signing_keys().await.unwrap(), vec![second]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_rotating_at_once_add_one_key() {
    let backend = backend::open().await;
    let store: Arc<dyn Store> = backend.store.clone();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.add_signing_key(&key(NOW), NOW - 10).await.unwrap() })
        })
        .collect();
    let mut added = 0;
    for task in tasks {
        added += usize::from(task.await.unwrap());
    }
    assert_eq!(added, 1);
    assert_eq!(backend.signing_keys().await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_shared_secret_is_the_first_candidate_whoever_asks() {
    let backend = backend::open().await;
    let store: Arc<dyn Store> = backend.store.clone();
    let name = unique("secret");
    let tasks: Vec<_> = (0..16)
        .map(|n| {
            let (store, name) = (store.clone(), name.clone());
            tokio::spawn(async move {
                store
                    .shared_secret(&name, &format!("candidate-{n}"))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut values = Vec::new();
    for task in tasks {
        values.push(task.await.unwrap());
    }
    values.dedup();
    assert_eq!(values.len(), 1, "{values:?}");
    assert!(values[0].starts_with("candidate-"));
    assert_eq!(
        backend.shared_secret(&name, "too late").await.unwrap(),
        values[0]
    );
    assert_ne!(
        backend
            .shared_secret(&unique("other"), "its own")
            .await
            .unwrap(),
        values[0]
    );
}
