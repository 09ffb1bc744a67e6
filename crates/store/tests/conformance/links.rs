//! [`courier_store::MailLinks`] and [`courier_store::EmailChanges`]: single use,
//! expiry, confirmation, and the email change's outcomes.

use courier_store::{EmailChangeOutcome, LinkOutcome, LinkPurpose, User};

use crate::backend::{self, NOW, RACERS, at_once, link, unconfirmed_user, unique, user};

/// The index of the one result `won` picks; fails unless there is exactly one and
/// every other result `lost` picks.
pub fn only_winner<T: std::fmt::Debug>(
    results: &[T],
    won: impl Fn(&T) -> bool,
    lost: impl Fn(&T) -> bool,
) -> usize {
    let winners: Vec<usize> = results
        .iter()
        .enumerate()
        .filter(|(_, result)| won(result))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one must win: {results:?}");
    let winner = winners[0];
    assert!(
        results
            .iter()
            .enumerate()
            .all(|(i, result)| i == winner || lost(result)),
        "every other one must lose: {results:?}"
    );
    winner
}

#[tokio::test]
async fn a_link_is_used_once_and_checking_does_not_spend_it() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let confirm = link(&ada, LinkPurpose::ConfirmEmail, &ada.email, NOW + 86_400);
    store.insert_mail_link(&confirm).await.unwrap();
    let used = LinkOutcome::Used {
        user_id: ada.id.clone(),
    };
    let purpose = LinkPurpose::ConfirmEmail;
    assert_eq!(
        store
            .check_mail_link(&confirm.digest, purpose, NOW)
            .await
            .unwrap(),
        used
    );
    assert_eq!(
        store
            .use_mail_link(&confirm.digest, purpose, NOW)
            .await
            .unwrap(),
        used
    );
    assert_eq!(
        store
            .use_mail_link(&confirm.digest, purpose, NOW + 1)
            .await
            .unwrap(),
        LinkOutcome::AlreadyUsed
    );
    assert_eq!(
        store
            .check_mail_link(&confirm.digest, purpose, NOW + 1)
            .await
            .unwrap(),
        LinkOutcome::AlreadyUsed
    );
    // Spent wins over expired.
    assert_eq!(
        store
            .check_mail_link(&confirm.digest, purpose, NOW + 90_000)
            .await
            .unwrap(),
        LinkOutcome::AlreadyUsed
    );
}

#[tokio::test]
async fn a_link_expires_at_its_expiry_second_and_stays_unspent() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let expires_at = NOW + 86_400;
    let confirm = link(&ada, LinkPurpose::ConfirmEmail, &ada.email, expires_at);
    store.insert_mail_link(&confirm).await.unwrap();
    let purpose = LinkPurpose::ConfirmEmail;
    assert_eq!(
        store
            .check_mail_link(&confirm.digest, purpose, expires_at - 1)
            .await
            .unwrap(),
        LinkOutcome::Used {
            user_id: ada.id.clone()
        }
    );
    for _ in 0..2 {
        assert_eq!(
            store
                .use_mail_link(&confirm.digest, purpose, expires_at)
                .await
                .unwrap(),
            LinkOutcome::Expired
        );
    }
    assert_eq!(
        store
            .use_mail_link(&confirm.digest, LinkPurpose::ResetPassword, NOW)
            .await
            .unwrap(),
        LinkOutcome::Unknown,
        "a link only works for its purpose"
    );
    assert_eq!(
        store
            .use_mail_link(&unique("nope"), purpose, NOW)
            .await
            .unwrap(),
        LinkOutcome::Unknown
    );
}

#[tokio::test]
async fn confirming_marks_the_address_only_while_it_is_current() {
    let store = backend::open().await;
    let unconfirmed = unconfirmed_user(&*store).await;
    let purpose = LinkPurpose::ConfirmEmail;

    let stale = link(&unconfirmed, purpose, "old@example.test", NOW + 100);
    store.insert_mail_link(&stale).await.unwrap();
    store
        .use_mail_link(&stale.digest, purpose, NOW)
        .await
        .unwrap();
    let after = store.user_by_id(&unconfirmed.id).await.unwrap().unwrap();
    assert_eq!(
        after.email_confirmed_at, None,
        "another address is not confirmed"
    );

    let current = link(
        &unconfirmed,
        purpose,
        &unconfirmed.email.to_uppercase(),
        NOW + 100,
    );
    store.insert_mail_link(&current).await.unwrap();
    store
        .use_mail_link(&current.digest, purpose, NOW + 5)
        .await
        .unwrap();
    let after = store.user_by_id(&unconfirmed.id).await.unwrap().unwrap();
    assert_eq!(after.email_confirmed_at, Some(NOW + 5));
}

async fn request_change(store: &dyn courier_store::Store, ada: &User, email: &str) -> String {
    let change = link(ada, LinkPurpose::ChangeEmail, email, NOW + 86_400);
    store
        .request_email_change(&ada.id, Some(email), Some(&change), NOW)
        .await
        .unwrap();
    change.digest
}

#[tokio::test]
async fn an_email_change_applies_once_and_only_the_newest_link_works() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let typo = format!("{}@example.test", unique("typo"));
    let first = request_change(&*store, &ada, &typo).await;
    let wanted = format!("{}@Example.test", unique("new"));
    let second = request_change(&*store, &ada, &wanted).await;
    let profile = store.profile(&ada.id).await.unwrap().unwrap();
    assert_eq!(profile.pending_email.as_deref(), Some(wanted.as_str()));

    assert_eq!(
        store.confirm_email_change(&first, NOW + 1).await.unwrap(),
        EmailChangeOutcome::AlreadyUsed
    );
    assert_eq!(
        store.confirm_email_change(&second, NOW + 2).await.unwrap(),
        EmailChangeOutcome::Changed {
            user_id: ada.id.clone(),
            old_email: ada.email.clone(),
            new_email: wanted.clone(),
        }
    );
    let changed = store
        .user_by_email(&wanted.to_lowercase())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (changed.id.as_str(), changed.email_confirmed_at),
        (ada.id.as_str(), Some(NOW + 2))
    );
    assert!(
        store
            .profile(&ada.id)
            .await
            .unwrap()
            .unwrap()
            .pending_email
            .is_none()
    );
    assert_eq!(
        store.confirm_email_change(&second, NOW + 3).await.unwrap(),
        EmailChangeOutcome::AlreadyUsed
    );
}

#[tokio::test]
async fn a_cancelled_or_expired_change_changes_nothing() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let wanted = format!("{}@example.test", unique("new"));
    let cancelled = request_change(&*store, &ada, &wanted).await;
    store
        .request_email_change(&ada.id, None, None, NOW + 1)
        .await
        .unwrap();
    assert!(
        store
            .profile(&ada.id)
            .await
            .unwrap()
            .unwrap()
            .pending_email
            .is_none()
    );
    assert_eq!(
        store
            .confirm_email_change(&cancelled, NOW + 2)
            .await
            .unwrap(),
        EmailChangeOutcome::AlreadyUsed
    );
    let late = request_change(&*store, &ada, &wanted).await;
    assert_eq!(
        store
            .confirm_email_change(&late, NOW + 86_400)
            .await
            .unwrap(),
        EmailChangeOutcome::Expired
    );
    assert_eq!(
        store
            .confirm_email_change(&unique("nope"), NOW)
            .await
            .unwrap(),
        EmailChangeOutcome::Unknown
    );
    // A waiting address without a link (another account has it) is only recorded.
    store
        .request_email_change(&ada.id, Some("taken@example.test"), None, NOW + 3)
        .await
        .unwrap();
    let profile = store.profile(&ada.id).await.unwrap().unwrap();
    assert_eq!(profile.pending_email.as_deref(), Some("taken@example.test"));
    assert_eq!(
        store.user_by_id(&ada.id).await.unwrap().unwrap().email,
        ada.email
    );
}

#[tokio::test]
async fn an_address_taken_meanwhile_changes_nothing_and_the_link_still_works() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let wanted = format!("{}@example.test", unique("new"));
    let digest = request_change(&*store, &ada, &wanted).await;
    let mut other = user(&*store).await;
    other.id = unique("id-");
    other.username = unique("u");
    other.email = wanted.to_uppercase();
    store.create_user(&other).await.unwrap();

    assert_eq!(
        store.confirm_email_change(&digest, NOW + 1).await.unwrap(),
        EmailChangeOutcome::Taken
    );
    assert_eq!(
        store.user_by_id(&ada.id).await.unwrap().unwrap().email,
        ada.email
    );
    assert_eq!(
        store
            .check_mail_link(&digest, LinkPurpose::ChangeEmail, NOW + 1)
            .await
            .unwrap(),
        LinkOutcome::Used {
            user_id: ada.id.clone()
        },
        "the link was not spent"
    );
}

/// What a password change or reset leaves of a waiting email change.
async fn pending_change_after(
    store: &dyn courier_store::Store,
    ada: &User,
    change_link: &str,
) -> (Option<String>, EmailChangeOutcome) {
    let pending = store.profile(&ada.id).await.unwrap().unwrap().pending_email;
    let confirmed = store
        .confirm_email_change(change_link, NOW + 20)
        .await
        .unwrap();
    (pending, confirmed)
}

#[tokio::test]
async fn a_password_change_cancels_a_waiting_email_change() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let intruder = format!("{}@example.test", unique("intruder"));
    let change = request_change(&*store, &ada, &intruder).await;
    store
        .change_password(
            &ada.id,
            "owner-hash",
            courier_store::KeepSessions::None,
            NOW + 10,
        )
        .await
        .unwrap();
    assert_eq!(
        pending_change_after(&*store, &ada, &change).await,
        (None, EmailChangeOutcome::AlreadyUsed)
    );
    let still = store.user_by_id(&ada.id).await.unwrap().unwrap();
    assert_eq!(still.email, ada.email);
}

#[tokio::test]
async fn a_password_reset_cancels_a_waiting_email_change() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let intruder = format!("{}@example.test", unique("intruder"));
    let change = request_change(&*store, &ada, &intruder).await;
    let reset = link(&ada, LinkPurpose::ResetPassword, &ada.email, NOW + 3600);
    store.insert_mail_link(&reset).await.unwrap();
    let (outcome, _) = store
        .reset_password(&reset.digest, "owner-hash", NOW + 10)
        .await
        .unwrap();
    assert!(matches!(outcome, LinkOutcome::Used { .. }));
    assert_eq!(
        pending_change_after(&*store, &ada, &change).await,
        (None, EmailChangeOutcome::AlreadyUsed)
    );
}

#[tokio::test]
async fn an_email_change_spends_the_reset_links_sent_to_the_old_address() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let reset = link(&ada, LinkPurpose::ResetPassword, &ada.email, NOW + 3600);
    store.insert_mail_link(&reset).await.unwrap();
    let new_address = format!("{}@example.test", unique("new"));
    let change = request_change(&*store, &ada, &new_address).await;
    assert!(matches!(
        store.confirm_email_change(&change, NOW + 5).await.unwrap(),
        EmailChangeOutcome::Changed { .. }
    ));
    let (outcome, ended) = store
        .reset_password(&reset.digest, "someone-else", NOW + 10)
        .await
        .unwrap();
    assert_eq!(outcome, LinkOutcome::AlreadyUsed);
    assert!(ended.is_empty());
    let after = store.user_by_id(&ada.id).await.unwrap().unwrap();
    assert_eq!(after.password_hash, ada.password_hash);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_link_used_by_many_at_once_is_used_once() {
    let store = backend::open().await;
    let ada = unconfirmed_user(&*store).await;
    let purpose = LinkPurpose::ConfirmEmail;
    let confirm = link(&ada, purpose, &ada.email, NOW + 86_400);
    store.insert_mail_link(&confirm).await.unwrap();

    let outcomes = at_once(&store.store, RACERS, |i, store| {
        let digest = confirm.digest.clone();
        async move {
            store
                .use_mail_link(&digest, purpose, NOW + i as i64)
                .await
                .unwrap()
        }
    })
    .await;
    let winner = only_winner(
        &outcomes,
        |o| matches!(o, LinkOutcome::Used { .. }),
        |o| *o == LinkOutcome::AlreadyUsed,
    );
    let after = store.user_by_id(&ada.id).await.unwrap().unwrap();
    assert_eq!(
        after.email_confirmed_at,
        Some(NOW + winner as i64),
        "confirmed once, by the winner"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_email_change_confirmed_by_many_at_once_applies_once() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let reset = link(&ada, LinkPurpose::ResetPassword, &ada.email, NOW + 3600);
    store.insert_mail_link(&reset).await.unwrap();
    let wanted = format!("{}@example.test", unique("new"));
    let digest = request_change(&*store, &ada, &wanted).await;

    let outcomes = at_once(&store.store, RACERS, |i, store| {
        let digest = digest.clone();
        async move {
            store
                .confirm_email_change(&digest, NOW + 1 + i as i64)
                .await
                .unwrap()
        }
    })
    .await;
    let winner = only_winner(
        &outcomes,
        |o| matches!(o, EmailChangeOutcome::Changed { .. }),
        |o| *o == EmailChangeOutcome::AlreadyUsed,
    );
    assert_eq!(
        outcomes[winner],
        EmailChangeOutcome::Changed {
            user_id: ada.id.clone(),
            old_email: ada.email.clone(),
            new_email: wanted.clone(),
        }
    );
    let after = store.user_by_id(&ada.id).await.unwrap().unwrap();
    assert_eq!(
        (after.email.as_str(), after.email_confirmed_at),
        (wanted.as_str(), Some(NOW + 1 + winner as i64))
    );
    assert_eq!(
        store
            .check_mail_link(&reset.digest, LinkPurpose::ResetPassword, NOW + 30)
            .await
            .unwrap(),
        LinkOutcome::AlreadyUsed,
        "the reset link to the old address went with the change"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_accounts_confirming_one_address_at_once_get_it_once() {
    let store = backend::open().await;
    // Several rounds, so the two confirmations really overlap in some of them.
    for _ in 0..4 {
        let (ada, bob) = (user(&*store).await, user(&*store).await);
        let wanted = format!("{}@example.test", unique("both"));
        let digests = [
            request_change(&*store, &ada, &wanted).await,
            request_change(&*store, &bob, &wanted.to_uppercase()).await,
        ];
        let outcomes = at_once(&store.store, 2, |i, store| {
            let digest = digests[i].clone();
            async move { store.confirm_email_change(&digest, NOW + 1).await.unwrap() }
        })
        .await;
        let winner = only_winner(
            &outcomes,
            |o| matches!(o, EmailChangeOutcome::Changed { .. }),
            |o| *o == EmailChangeOutcome::Taken,
        );
        let loser = 1 - winner;
        let holder = store.user_by_email(&wanted).await.unwrap().unwrap();
        assert_eq!(&holder.id, [&ada.id, &bob.id][winner]);
        let (loser_user, loser_digest) = ([&ada, &bob][loser], &digests[loser]);
        assert_eq!(
            store
                .user_by_id(&loser_user.id)
                .await
                .unwrap()
                .unwrap()
                .email,
            loser_user.email
        );
        assert_eq!(
            store
                .check_mail_link(loser_digest, LinkPurpose::ChangeEmail, NOW + 2)
                .await
                .unwrap(),
            LinkOutcome::Used {
                user_id: loser_user.id.clone()
            },
            "the loser's link was not spent"
        );
    }
}
