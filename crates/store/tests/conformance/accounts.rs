//! [`courier_store::Accounts`]: accounts, lookups, password change and reset.

use courier_store::{KeepSessions, LinkOutcome, LinkPurpose, Store, StoreError, UnixTime, User};

use crate::backend::{self, NOW, browser, link, signed_in, unconfirmed_user, unique, user};
use crate::backend::{RACERS, at_once};
use crate::links::only_winner;

#[tokio::test]
async fn accounts_are_found_by_id_email_and_username_in_any_case() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let by_id = store.user_by_id(&ada.id).await.unwrap().unwrap();
    assert_eq!(
        (
            by_id.email.as_str(),
            by_id.username.as_str(),
            by_id.password_hash.as_str()
        ),
        (ada.email.as_str(), ada.username.as_str(), "hash-0")
    );
    assert_eq!(by_id.name.as_deref(), Some("Ada"));
    assert_eq!(
        (by_id.email_confirmed_at, by_id.created_at),
        (Some(NOW), NOW)
    );
    let upper = ada.email.to_uppercase();
    assert_eq!(
        store.user_by_email(&upper).await.unwrap().unwrap().id,
        ada.id
    );
    assert_eq!(
        store.user_by_login(&upper).await.unwrap().unwrap().id,
        ada.id
    );
    let username = ada.username.to_uppercase();
    assert_eq!(
        store.user_by_login(&username).await.unwrap().unwrap().id,
        ada.id
    );
    assert!(store.username_taken(&username).await.unwrap());
    assert!(!store.username_taken(&unique("nobody")).await.unwrap());
    assert!(store.user_by_id(&unique("id-")).await.unwrap().is_none());
    assert!(
        store
            .user_by_email("nobody@example.test")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn an_email_match_wins_over_a_username_match() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    // Another account whose username is Ada's address.
    let other = User {
        id: unique("id-"),
        email: format!("{}@example.test", unique("o")),
        username: ada.email.clone(),
        ..ada.clone()
    };
    store.create_user(&other).await.unwrap();
    assert_eq!(
        store.user_by_login(&ada.email).await.unwrap().unwrap().id,
        ada.id
    );
}

#[tokio::test]
async fn a_taken_email_or_username_is_a_conflict_in_any_case() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let same_email = User {
        id: unique("id-"),
        username: unique("u"),
        email: ada.email.to_uppercase(),
        ..ada.clone()
    };
    let error = store.create_user(&same_email).await.unwrap_err();
    assert!(error.is_conflict(), "{error}");
    let same_username = User {
        id: unique("id-"),
        email: format!("{}@example.test", unique("o")),
        username: ada.username.to_uppercase(),
        ..ada.clone()
    };
    assert!(
        store
            .create_user(&same_username)
            .await
            .unwrap_err()
            .is_conflict()
    );
}

#[tokio::test]
async fn changing_a_password_ends_the_sessions_it_is_told_to() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let (grant, tokens) = signed_in(&*store, &ada).await;
    let web = browser(&*store, &ada).await;

    let ended = store
        .change_password(&ada.id, "hash-1", KeepSessions::All, NOW + 1)
        .await
        .unwrap();
    assert!(ended.is_empty());
    assert_eq!(password_hash(&*store, &ada.id).await, "hash-1");

    let ended = store
        .change_password(&ada.id, "hash-2", KeepSessions::Only(&grant.id), NOW + 2)
        .await
        .unwrap();
    assert_eq!(ended, vec![web.id.clone()]);
    assert!(
        store
            .web_session(&web.digest, NOW + 3)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .access_context(&tokens.access_digest, NOW + 3)
            .await
            .unwrap()
            .is_some()
    );

    let ended = store
        .change_password(&ada.id, "hash-3", KeepSessions::None, NOW + 4)
        .await
        .unwrap();
    assert_eq!(ended, vec![grant.id.clone()]);
    assert!(
        store
            .access_context(&tokens.access_digest, NOW + 5)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .live_sessions(&ada.id, NOW + 5)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_reset_link_sets_the_password_once_and_ends_every_session() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let (_, tokens) = signed_in(&*store, &ada).await;
    let web = browser(&*store, &ada).await;
    let first = link(&ada, LinkPurpose::ResetPassword, &ada.email, NOW + 3600);
    let second = link(&ada, LinkPurpose::ResetPassword, &ada.email, NOW + 3600);
    store.insert_mail_link(&first).await.unwrap();
    store.insert_mail_link(&second).await.unwrap();

    let (outcome, ended) = store
        .reset_password(&first.digest, "hash-1", NOW + 10)
        .await
        .unwrap();
    assert_eq!(
        outcome,
        LinkOutcome::Used {
            user_id: ada.id.clone()
        }
    );
    assert_eq!(ended.len(), 2, "the grant and the browser: {ended:?}");
    assert!(ended.contains(&web.id));
    assert_eq!(password_hash(&*store, &ada.id).await, "hash-1");
    assert!(
        store
            .access_context(&tokens.access_digest, NOW + 11)
            .await
            .unwrap()
            .is_none()
    );

    // The link is spent, and so is every other reset link of the account.
    let (again, ended) = store
        .reset_password(&first.digest, "hash-2", NOW + 12)
        .await
        .unwrap();
    assert_eq!((again, ended), (LinkOutcome::AlreadyUsed, Vec::new()));
    let (other, _) = store
        .reset_password(&second.digest, "hash-2", NOW + 12)
        .await
        .unwrap();
    assert_eq!(other, LinkOutcome::AlreadyUsed);
    assert_eq!(password_hash(&*store, &ada.id).await, "hash-1");
}

async fn password_hash(store: &dyn Store, id: &str) -> String {
    store.user_by_id(id).await.unwrap().unwrap().password_hash
}

async fn confirmed_at(store: &dyn Store, id: &str) -> Option<UnixTime> {
    store
        .user_by_id(id)
        .await
        .unwrap()
        .unwrap()
        .email_confirmed_at
}

#[tokio::test]
async fn a_reset_confirms_the_address_its_link_was_sent_to_while_it_is_current() {
    let store = backend::open().await;
    let ada = unconfirmed_user(&*store).await;

    let stale = link(
        &ada,
        LinkPurpose::ResetPassword,
        "old@example.test",
        NOW + 3600,
    );
    store.insert_mail_link(&stale).await.unwrap();
    store
        .reset_password(&stale.digest, "hash-1", NOW + 1)
        .await
        .unwrap();
    assert_eq!(
        confirmed_at(&*store, &ada.id).await,
        None,
        "another address is not confirmed"
    );

    let current = link(
        &ada,
        LinkPurpose::ResetPassword,
        &ada.email.to_uppercase(),
        NOW + 3600,
    );
    store.insert_mail_link(&current).await.unwrap();
    store
        .reset_password(&current.digest, "hash-2", NOW + 5)
        .await
        .unwrap();
    assert_eq!(confirmed_at(&*store, &ada.id).await, Some(NOW + 5));

    // An address confirmed before keeps the time it was confirmed.
    let again = link(&ada, LinkPurpose::ResetPassword, &ada.email, NOW + 3600);
    store.insert_mail_link(&again).await.unwrap();
    store
        .reset_password(&again.digest, "hash-3", NOW + 9)
        .await
        .unwrap();
    assert_eq!(confirmed_at(&*store, &ada.id).await, Some(NOW + 5));
}

#[tokio::test]
async fn an_expired_or_unknown_reset_link_changes_nothing() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let reset = link(&ada, LinkPurpose::ResetPassword, &ada.email, NOW + 3600);
    store.insert_mail_link(&reset).await.unwrap();
    let (outcome, _) = store
        .reset_password(&reset.digest, "hash-1", NOW + 3600)
        .await
        .unwrap();
    assert_eq!(
        outcome,
        LinkOutcome::Expired,
        "expired from its expires_at second on"
    );
    let (outcome, _) = store
        .reset_password(&unique("nope"), "hash-1", NOW)
        .await
        .unwrap();
    assert_eq!(outcome, LinkOutcome::Unknown);
    // A link of another purpose is not a reset link.
    let confirm = link(&ada, LinkPurpose::ConfirmEmail, &ada.email, NOW + 3600);
    store.insert_mail_link(&confirm).await.unwrap();
    let (outcome, _) = store
        .reset_password(&confirm.digest, "hash-1", NOW)
        .await
        .unwrap();
    assert_eq!(outcome, LinkOutcome::Unknown);
    assert_eq!(password_hash(&*store, &ada.id).await, "hash-0");
}

/// `text` with the case of its first four letters flipped as the bits of `i` say:
/// sixteen spellings of one address for sixteen racers.
fn spelling(text: &str, i: usize) -> String {
    let mut letter = 0;
    text.chars()
        .map(|c| {
            if !c.is_ascii_alphabetic() {
                return c;
            }
            letter += 1;
            if letter <= 4 && i & (1 << (letter - 1)) != 0 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn accounts_created_at_once_with_one_address_or_username_are_created_once() {
    let store = backend::open().await;
    let email = format!("{}@example.test", unique("race"));
    let username = unique("race");
    for same in ["email", "username"] {
        let racers: Vec<User> = (0..RACERS)
            .map(|i| {
                let mine = unique("u");
                let (email, username) = match same {
                    "email" => (spelling(&email, i), mine),
                    _ => (format!("{mine}@example.test"), spelling(&username, i)),
                };
                User {
                    id: unique("id-"),
                    email,
                    username,
                    password_hash: "hash-0".to_owned(),
                    name: None,
                    email_confirmed_at: None,
                    created_at: NOW,
                }
            })
            .collect();
        let results = at_once(&store.store, RACERS, |i, store| {
            let racer = racers[i].clone();
            async move { store.create_user(&racer).await }
        })
        .await;
        let winner = only_winner(&results, Result::is_ok, |result| {
            result.as_ref().is_err_and(StoreError::is_conflict)
        });
        let found = match same {
            "email" => store.user_by_email(&email).await,
            _ => store.user_by_login(&username).await,
        };
        assert_eq!(found.unwrap().unwrap().id, racers[winner].id, "same {same}");
        for (i, racer) in racers.iter().enumerate() {
            let stored = store.user_by_id(&racer.id).await.unwrap();
            assert_eq!(stored.is_some(), i == winner, "same {same}, racer {i}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reset_link_used_by_many_at_once_sets_one_password() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let reset = link(&ada, LinkPurpose::ResetPassword, &ada.email, NOW + 3600);
    store.insert_mail_link(&reset).await.unwrap();

    let results = at_once(&store.store, RACERS, |i, store| {
        let digest = reset.digest.clone();
        async move {
            store
                .reset_password(&digest, &format!("hash-racer-{i}"), NOW + 1)
                .await
                .unwrap()
        }
    })
    .await;
    let winner = only_winner(
        &results,
        |(o, _)| matches!(o, LinkOutcome::Used { .. }),
        |(o, ended)| (o, ended.len()) == (&LinkOutcome::AlreadyUsed, 0),
    );
    assert_eq!(
        password_hash(&*store, &ada.id).await,
        format!("hash-racer-{winner}")
    );
}
