//! [`courier_store::Authorizations`] and [`courier_store::Grants`]: requests, codes
//! (a replayed code revokes its grant), refresh rotation (a replayed refresh token
//! revokes its grant), access tokens, sign-out and the new-device facts; and the same
//! rules when many server instances present one code or token at once.

use std::sync::Arc;

use courier_store::{
    ClientSeen, EarlierGrants, IssuedTokens, RedeemOutcome, RefreshOutcome, RevokeReason,
    RevokedGrant, Store, UnixTime,
};

use crate::backend::{
    self, NOW, RACERS, at_once, code, grant, request, signed_in, tokens, unique, user,
};

#[tokio::test]
async fn a_request_completes_or_cancels_once_and_only_while_pending() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let pending = request();
    store.insert_auth_request(&pending).await.unwrap();
    let read = store.auth_request(&pending.id).await.unwrap().unwrap();
    assert_eq!(
        (
            read.client_id.as_str(),
            read.login_hint.as_deref(),
            read.completed_at
        ),
        ("courier-desktop", Some("ada"), None)
    );
    assert_eq!(
        (read.device_name.as_deref(), read.expires_at),
        (Some("laptop"), NOW + 300)
    );
    let issued = code(&pending, &ada);
    assert!(store.complete_auth_request(&issued, NOW + 1).await.unwrap());
    assert!(
        !store
            .complete_auth_request(&code(&pending, &ada), NOW + 2)
            .await
            .unwrap()
    );
    assert!(
        !store
            .cancel_auth_request(&pending.id, NOW + 2)
            .await
            .unwrap()
    );
    let completed = store.auth_request(&pending.id).await.unwrap().unwrap();
    assert_eq!(completed.completed_at, Some(NOW + 1));
    let stored = store.auth_code(&issued.digest).await.unwrap().unwrap();
    assert_eq!(
        (stored.user_id.as_str(), stored.keep_signed_in),
        (ada.id.as_str(), true)
    );
    assert_eq!(stored.code_challenge, "challenge");

    let cancelled = request();
    store.insert_auth_request(&cancelled).await.unwrap();
    assert!(store.cancel_auth_request(&cancelled.id, NOW).await.unwrap());
    assert!(
        !store
            .complete_auth_request(&code(&cancelled, &ada), NOW)
            .await
            .unwrap()
    );

    let late = request();
    store.insert_auth_request(&late).await.unwrap();
    assert!(
        !store
            .complete_auth_request(&code(&late, &ada), late.expires_at)
            .await
            .unwrap(),
        "expired from its expires_at second on"
    );
    assert!(
        !store
            .cancel_auth_request(&late.id, late.expires_at)
            .await
            .unwrap()
    );
    assert!(store.auth_request(&unique("req-")).await.unwrap().is_none());
    assert!(store.auth_code(&unique("code-")).await.unwrap().is_none());
}

/// Issues a code for `user` and returns its digest.
async fn issued_code(store: &dyn Store, user: &courier_store::User) -> String {
    let pending = request();
    store.insert_auth_request(&pending).await.unwrap();
    let issued = code(&pending, user);
    assert!(store.complete_auth_request(&issued, NOW).await.unwrap());
    issued.digest
}

#[tokio::test]
async fn a_replayed_code_revokes_the_grant_its_first_use_created() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let digest = issued_code(&*store, &ada).await;
    let first = grant(&ada, Some("laptop"));
    let first_tokens = tokens(NOW);
    match store
        .redeem_code(&digest, NOW + 1, &first, &first_tokens)
        .await
        .unwrap()
    {
        RedeemOutcome::Redeemed { grant, user } => {
            assert_eq!(
                (grant.id.as_str(), user.id.as_str()),
                (first.id.as_str(), ada.id.as_str())
            );
        }
        other => panic!("{other:?}"),
    }
    let context = store
        .access_context(&first_tokens.access_digest, NOW + 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(context.grant_expires_at, first.expires_at);

    // Even after the code has expired, a replay is a replay.
    let outcome = store
        .redeem_code(&digest, NOW + 600, &grant(&ada, None), &tokens(NOW + 600))
        .await
        .unwrap();
    let revoked = RevokedGrant {
        grant_id: first.id.clone(),
        user_id: ada.id.clone(),
    };
    assert!(
        matches!(&outcome, RedeemOutcome::Reused(Some(r)) if *r == revoked),
        "{outcome:?}"
    );
    assert!(
        store
            .access_context(&first_tokens.access_digest, NOW + 601)
            .await
            .unwrap()
            .is_none()
    );
    let refresh = first_tokens.refresh_digest.as_deref().unwrap();
    let rotated = store
        .rotate_refresh_token(
            refresh,
            "courier-desktop",
            NOW + 602,
            &tokens(NOW),
            &ClientSeen::default(),
            courier_store::DEFAULT_REFRESH_REUSE_GRACE,
        )
        .await
        .unwrap();
    assert!(matches!(rotated, RefreshOutcome::Invalid), "{rotated:?}");
    // Burning it again revokes (again) and reports the grant.
    assert_eq!(
        store.burn_code(&digest, NOW + 603).await.unwrap(),
        Some(revoked)
    );
}

#[tokio::test]
async fn an_expired_unknown_or_burnt_code_issues_nothing() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let expired = issued_code(&*store, &ada).await;
    let outcome = store
        .redeem_code(&expired, NOW + 60, &grant(&ada, None), &tokens(NOW + 60))
        .await
        .unwrap();
    assert!(matches!(outcome, RedeemOutcome::Expired), "{outcome:?}");
    let outcome = store
        .redeem_code(&unique("code-"), NOW, &grant(&ada, None), &tokens(NOW))
        .await
        .unwrap();
    assert!(matches!(outcome, RedeemOutcome::Unknown), "{outcome:?}");

    let burnt = issued_code(&*store, &ada).await;
    assert_eq!(store.burn_code(&burnt, NOW + 1).await.unwrap(), None);
    let outcome = store
        .redeem_code(&burnt, NOW + 2, &grant(&ada, None), &tokens(NOW + 2))
        .await
        .unwrap();
    assert!(
        matches!(outcome, RedeemOutcome::Reused(None)),
        "{outcome:?}"
    );
    assert_eq!(store.burn_code(&burnt, NOW + 3).await.unwrap(), None);
    assert_eq!(store.burn_code(&unique("code-"), NOW).await.unwrap(), None);
    assert!(
        store
            .live_sessions(&ada.id, NOW + 3)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_refresh_token_rotates_once_and_a_replay_revokes_the_grant() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let (first, issued) = signed_in(&*store, &ada).await;
    let refresh = issued.refresh_digest.clone().unwrap();
    let next = tokens(NOW + 10);
    let seen = ClientSeen {
        user_agent: Some("courier-cli/2".to_owned()),
        ip: None,
    };
    match store
        .rotate_refresh_token(
            &refresh,
            "courier-desktop",
            NOW + 10,
            &next,
            &seen,
            courier_store::DEFAULT_REFRESH_REUSE_GRACE,
        )
        .await
        .unwrap()
    {
        RefreshOutcome::Rotated { grant, user } => {
            assert_eq!(
                (grant.id.as_str(), user.id.as_str()),
                (first.id.as_str(), ada.id.as_str())
            );
            assert_eq!(grant.last_used_at, NOW + 10);
            assert_eq!(grant.user_agent.as_deref(), Some("courier-cli/2"));
            assert_eq!(
                grant.ip.as_deref(),
                Some("127.0.0.1"),
                "an unknown ip keeps the last"
            );
        }
        other => panic!("{other:?}"),
    }
    let context = store
        .access_context(&next.access_digest, NOW + 11)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (context.grant_id.as_str(), context.user.id.as_str()),
        (first.id.as_str(), ada.id.as_str())
    );

    let replay = store
        .rotate_refresh_token(
            &refresh,
            "courier-desktop",
            NOW + 20,
            &tokens(NOW + 20),
            &seen,
            courier_store::DEFAULT_REFRESH_REUSE_GRACE,
        )
        .await
        .unwrap();
    let revoked = RevokedGrant {
        grant_id: first.id.clone(),
        user_id: ada.id.clone(),
    };
    assert!(
        matches!(&replay, RefreshOutcome::Reused(r) if *r == revoked),
        "{replay:?}"
    );
    assert!(
        store
            .access_context(&next.access_digest, NOW + 21)
            .await
            .unwrap()
            .is_none()
    );
    let newest = next.refresh_digest.unwrap();
    let after = store
        .rotate_refresh_token(
            &newest,
            "courier-desktop",
            NOW + 22,
            &tokens(NOW + 22),
            &seen,
            courier_store::DEFAULT_REFRESH_REUSE_GRACE,
        )
        .await
        .unwrap();
    assert!(
        matches!(after, RefreshOutcome::Invalid),
        "a revoked grant never refreshes: {after:?}"
    );
}

#[tokio::test]
async fn a_refresh_for_another_client_or_an_ended_grant_is_invalid_and_spends_nothing() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let (first, issued) = signed_in(&*store, &ada).await;
    let refresh = issued.refresh_digest.clone().unwrap();
    let seen = ClientSeen::default();
    let other = store
        .rotate_refresh_token(
            &refresh,
            "someone-else",
            NOW + 1,
            &tokens(NOW + 1),
            &seen,
            courier_store::DEFAULT_REFRESH_REUSE_GRACE,
        )
        .await
        .unwrap();
    assert!(matches!(other, RefreshOutcome::Invalid), "{other:?}");
    let ended = store
        .rotate_refresh_token(
            &refresh,
            "courier-desktop",
            first.expires_at,
            &tokens(NOW),
            &seen,
            courier_store::DEFAULT_REFRESH_REUSE_GRACE,
        )
        .await
        .unwrap();
    assert!(matches!(ended, RefreshOutcome::Invalid), "{ended:?}");
    let unknown = store
        .rotate_refresh_token(
            &unique("r"),
            "courier-desktop",
            NOW,
            &tokens(NOW),
            &seen,
            courier_store::DEFAULT_REFRESH_REUSE_GRACE,
        )
        .await
        .unwrap();
    assert!(matches!(unknown, RefreshOutcome::Invalid), "{unknown:?}");
    let still = store
        .rotate_refresh_token(
            &refresh,
            "courier-desktop",
            NOW + 2,
            &tokens(NOW + 2),
            &seen,
            courier_store::DEFAULT_REFRESH_REUSE_GRACE,
        )
        .await
        .unwrap();
    assert!(matches!(still, RefreshOutcome::Rotated { .. }), "{still:?}");
}

#[tokio::test]
async fn access_tokens_expire_at_their_second_and_touching_never_goes_back() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let (first, issued) = signed_in(&*store, &ada).await;
    let access = &issued.access_digest;
    let context = store.access_context(access, NOW).await.unwrap().unwrap();
    assert_eq!(
        (
            context.scope.as_str(),
            context.last_used_at,
            context.token_expires_at,
            context.user.id.as_str(),
            context.user.password_hash.as_str(),
        ),
        (
            "openid offline_access",
            NOW,
            issued.access_expires_at,
            ada.id.as_str(),
            "",
        ),
        "a context carries its token's expiry and never the password hash"
    );
    assert!(
        store
            .access_context(access, issued.access_expires_at)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .access_context(&unique("a"), NOW)
            .await
            .unwrap()
            .is_none()
    );

    store.touch_grant(&first.id, NOW + 100).await.unwrap();
    store.touch_grant(&first.id, NOW + 50).await.unwrap();
    let read = store.grant(&first.id).await.unwrap().unwrap();
    assert_eq!((read.last_used_at, read.first_used_at), (NOW + 100, NOW));
    assert_eq!(
        (read.device_name.as_deref(), read.device_os.as_deref()),
        (Some("laptop"), Some("Linux"))
    );
    assert!(store.grant(&unique("g")).await.unwrap().is_none());

    store
        .revoke_grant(&first.id, NOW + 101, RevokeReason::RevokedByUser)
        .await
        .unwrap();
    assert!(
        store
            .access_context(access, NOW + 102)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn signing_out_revokes_the_grant_of_either_token_and_reports_it_once() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let (first, issued) = signed_in(&*store, &ada).await;
    let revoked = RevokedGrant {
        grant_id: first.id.clone(),
        user_id: ada.id.clone(),
    };
    let refresh = issued.refresh_digest.unwrap();
    assert_eq!(
        store
            .revoke_grant_of_token(&refresh, NOW + 1)
            .await
            .unwrap(),
        Some(revoked)
    );
    assert_eq!(
        store
            .revoke_grant_of_token(&refresh, NOW + 2)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .revoke_grant_of_token(&unique("t"), NOW)
            .await
            .unwrap(),
        None
    );

    let (second, issued) = signed_in(&*store, &ada).await;
    let by_access = store
        .revoke_grant_of_token(&issued.access_digest, NOW + 3)
        .await
        .unwrap();
    assert_eq!(by_access.map(|r| r.grant_id), Some(second.id));
}

#[tokio::test]
async fn earlier_grants_tell_a_new_device_from_a_known_one() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let (first, _) = signed_in(&*store, &ada).await;
    let none = EarlierGrants {
        any: false,
        same_device: false,
    };
    assert_eq!(store.earlier_grants(&first).await.unwrap(), none);
    let (same, _) = signed_in(&*store, &ada).await;
    let known = EarlierGrants {
        any: true,
        same_device: true,
    };
    assert_eq!(store.earlier_grants(&same).await.unwrap(), known);
    let mut elsewhere = grant(&ada, Some("phone"));
    let new_device = EarlierGrants {
        any: true,
        same_device: false,
    };
    assert_eq!(store.earlier_grants(&elsewhere).await.unwrap(), new_device);
    // Without a device name or OS, the user agent tells devices apart, and only
    // among grants that had no device name or OS either.
    elsewhere.device_name = None;
    elsewhere.device_os = None;
    assert_eq!(store.earlier_grants(&elsewhere).await.unwrap(), new_device);
    let bare = grant(&ada, None);
    let pending = request();
    store.insert_auth_request(&pending).await.unwrap();
    let issued = code(&pending, &ada);
    assert!(store.complete_auth_request(&issued, NOW).await.unwrap());
    store
        .redeem_code(&issued.digest, NOW, &bare, &tokens(NOW))
        .await
        .unwrap();
    assert_eq!(store.earlier_grants(&elsewhere).await.unwrap(), known);
    elsewhere.user_agent = None;
    assert_eq!(store.earlier_grants(&elsewhere).await.unwrap(), new_device);
    // What the client says (name, OS, user agent) never makes a device known alone:
    // the same words from another address are a new device, and so are words with no
    // address at all.
    let mut impostor = grant(&ada, Some("laptop"));
    impostor.ip = Some("203.0.113.9".to_owned());
    assert_eq!(store.earlier_grants(&impostor).await.unwrap(), new_device);
    impostor.ip = None;
    assert_eq!(store.earlier_grants(&impostor).await.unwrap(), new_device);
    // Only grants created at or before it count.
    let mut older = grant(&ada, Some("laptop"));
    older.created_at = NOW - 1;
    assert_eq!(store.earlier_grants(&older).await.unwrap(), none);
}

#[tokio::test]
async fn a_replay_within_a_day_of_use_revokes_and_spent_codes_outlive_expiry_by_a_day() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let digest = issued_code(&*store, &ada).await;
    let first = grant(&ada, None);
    store
        .redeem_code(&digest, NOW, &first, &tokens(NOW))
        .await
        .unwrap();
    let within_a_day = NOW + 86_400 - 1;
    store.purge_expired(within_a_day).await.unwrap();
    let replay = store
        .redeem_code(
            &digest,
            within_a_day,
            &grant(&ada, None),
            &tokens(within_a_day),
        )
        .await
        .unwrap();
    assert!(
        matches!(replay, RedeemOutcome::Reused(Some(_))),
        "{replay:?}"
    );
    assert!(store.purge_expired(NOW + 60 + 86_400).await.unwrap() >= 1);
    assert!(store.auth_code(&digest).await.unwrap().is_none());
}

#[tokio::test]
async fn a_replay_a_day_after_use_is_refused_without_revoking() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let digest = issued_code(&*store, &ada).await;
    let first = grant(&ada, None);
    let first_tokens = tokens(NOW);
    store
        .redeem_code(&digest, NOW, &first, &first_tokens)
        .await
        .unwrap();
    let a_day_later = NOW + 86_400;
    let replay = store
        .redeem_code(
            &digest,
            a_day_later,
            &grant(&ada, None),
            &tokens(a_day_later),
        )
        .await
        .unwrap();
    assert!(matches!(replay, RedeemOutcome::Reused(None)), "{replay:?}");
    assert_eq!(store.burn_code(&digest, a_day_later).await.unwrap(), None);
    let refresh = first_tokens.refresh_digest.as_deref().unwrap();
    let still = backend::rotate(&*store, refresh, a_day_later).await;
    assert!(
        matches!(still, RefreshOutcome::Rotated { .. }),
        "the grant lives: {still:?}"
    );
}

#[tokio::test]
async fn an_open_database_answers_a_ping() {
    let store = backend::open().await;
    store.ping().await.unwrap();
}

#[tokio::test]
async fn attempts_count_in_a_window_opened_by_the_first_and_are_forgotten_on_request() {
    let store = backend::open().await;
    let (ada, bob) = (unique("attempts-"), unique("attempts-"));
    for expected in 1..=3 {
        assert_eq!(store.count_attempt(&ada, NOW, 900).await.unwrap(), expected);
    }
    assert_eq!(
        store.count_attempt(&bob, NOW + 10, 900).await.unwrap(),
        1,
        "keys apart"
    );
    assert_eq!(store.count_attempt(&ada, NOW + 899, 900).await.unwrap(), 4);
    // The window opened at NOW is over at NOW + 900: the next attempt opens another.
    assert_eq!(store.count_attempt(&ada, NOW + 900, 900).await.unwrap(), 1);
    assert_eq!(store.count_attempt(&ada, NOW + 1000, 900).await.unwrap(), 2);
    store.forget_attempts(&ada).await.unwrap();
    assert_eq!(store.count_attempt(&ada, NOW + 1001, 900).await.unwrap(), 1);
    assert_eq!(store.count_attempt(&bob, NOW + 11, 900).await.unwrap(), 2);
    // A passed window is purged; one still open is kept.
    store.purge_expired(NOW + 910).await.unwrap();
    assert_eq!(
        store.count_attempt(&bob, NOW + 12, 900).await.unwrap(),
        1,
        "bob's was purged"
    );
    assert_eq!(
        store.count_attempt(&ada, NOW + 1002, 900).await.unwrap(),
        2,
        "ada's kept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn attempts_counted_at_once_on_many_connections_are_each_counted() {
    let store = backend::open().await;
    let key = unique("attempts-");
    let counts = at_once(&store.store, RACERS, |_, store| {
        let key = key.clone();
        async move { store.count_attempt(&key, NOW, 900).await.unwrap() }
    })
    .await;
    let mut sorted = counts.clone();
    sorted.sort_unstable();
    let expected: Vec<u32> = (1..=RACERS as u32).collect();
    assert_eq!(sorted, expected, "each attempt saw the others: {counts:?}");
}

#[tokio::test]
async fn a_challenge_is_spent_once_until_purged() {
    let store = backend::open().await;
    let challenge = unique("pow-");
    assert!(store.spend_challenge(&challenge, NOW + 60).await.unwrap());
    assert!(!store.spend_challenge(&challenge, NOW + 60).await.unwrap());
    store.purge_expired(NOW + 59).await.unwrap();
    assert!(!store.spend_challenge(&challenge, NOW + 60).await.unwrap());
    store.purge_expired(NOW + 60).await.unwrap();
    assert!(store.spend_challenge(&challenge, NOW + 60).await.unwrap());
}

#[tokio::test]
async fn spent_refresh_tokens_and_long_ended_grants_are_purged() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let (live, live_tokens) = backend::signed_in(&*store, &ada).await;
    let (ended, ended_tokens) = backend::signed_in(&*store, &ada).await;
    store
        .revoke_grant(&ended.id, NOW + 5, RevokeReason::SignedOut)
        .await
        .unwrap();
    let first_refresh = live_tokens.refresh_digest.clone().unwrap();
    let next = tokens(NOW + 10);
    assert!(matches!(
        store
            .rotate_refresh_token(
                &first_refresh,
                "courier-desktop",
                NOW + 10,
                &next,
                &ClientSeen::default(),
                courier_store::DEFAULT_REFRESH_REUSE_GRACE
            )
            .await
            .unwrap(),
        RefreshOutcome::Rotated { .. }
    ));
    // A day after its use the spent refresh token is gone: coming back, it is simply
    // unknown, and the live grant goes on with its current token.
    store.purge_expired(NOW + 10 + 86_400).await.unwrap();
    let late = store
        .rotate_refresh_token(
            &first_refresh,
            "courier-desktop",
            NOW + 10 + 86_400,
            &tokens(NOW),
            &ClientSeen::default(),
            courier_store::DEFAULT_REFRESH_REUSE_GRACE,
        )
        .await
        .unwrap();
    assert!(matches!(late, RefreshOutcome::Invalid), "{late:?}");
    let current = backend::rotate(
        &*store,
        next.refresh_digest.as_deref().unwrap(),
        NOW + 20 + 86_400,
    )
    .await;
    assert!(
        matches!(current, RefreshOutcome::Rotated { .. }),
        "the live grant goes on: {current:?}"
    );
    // The revoked grant stays 30 days (device history), then goes with its tokens.
    store
        .purge_expired(NOW + 5 + 30 * 86_400 - 1)
        .await
        .unwrap();
    assert!(store.grant(&ended.id).await.unwrap().is_some());
    store.purge_expired(NOW + 5 + 30 * 86_400).await.unwrap();
    assert!(store.grant(&ended.id).await.unwrap().is_none());
    let gone = store
        .rotate_refresh_token(
            ended_tokens.refresh_digest.as_deref().unwrap(),
            "courier-desktop",
            NOW + 5 + 30 * 86_400,
            &tokens(NOW),
            &ClientSeen::default(),
            courier_store::DEFAULT_REFRESH_REUSE_GRACE,
        )
        .await
        .unwrap();
    assert!(matches!(gone, RefreshOutcome::Invalid), "{gone:?}");
    assert!(
        store.grant(&live.id).await.unwrap().is_some(),
        "a live grant stays"
    );
}

#[tokio::test]
async fn a_refresh_token_names_its_grant_spent_or_not() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let (first, first_tokens) = signed_in(&*store, &ada).await;
    let refresh = first_tokens.refresh_digest.clone().unwrap();
    let found = store
        .grant_of_refresh_token(&refresh)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.id.as_str(), found.scope.as_str()),
        (first.id.as_str(), first.scope.as_str())
    );
    backend::rotate(&*store, &refresh, NOW + 1).await;
    assert!(
        store
            .grant_of_refresh_token(&refresh)
            .await
            .unwrap()
            .is_some(),
        "spent, still its grant's"
    );
    assert!(
        store
            .grant_of_refresh_token(&unique("r"))
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_spent_refresh_token_retried_within_seconds_gets_new_tokens_beside_its_successor() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let (_, first) = signed_in(&*store, &ada).await;
    let spent = first.refresh_digest.clone().unwrap();
    let successor = tokens(NOW + 10);
    assert!(matches!(
        store
            .rotate_refresh_token(
                &spent,
                "courier-desktop",
                NOW + 10,
                &successor,
                &ClientSeen::default(),
                courier_store::DEFAULT_REFRESH_REUSE_GRACE
            )
            .await
            .unwrap(),
        RefreshOutcome::Rotated { .. }
    ));
    // The response was lost; the client retries within the grace.
    let retried = backend::rotate(
        &*store,
        &spent,
        NOW + 10 + courier_store::DEFAULT_REFRESH_REUSE_GRACE,
    )
    .await;
    assert!(
        matches!(retried, RefreshOutcome::Rotated { .. }),
        "{retried:?}"
    );
    // The successor still works, and once it is used the chain has moved on: the old
    // token coming back now is theft, even within the grace.
    let moved_on = backend::rotate(
        &*store,
        successor.refresh_digest.as_deref().unwrap(),
        NOW + 11,
    )
    .await;
    assert!(
        matches!(moved_on, RefreshOutcome::Rotated { .. }),
        "{moved_on:?}"
    );
    let replay = backend::rotate(&*store, &spent, NOW + 12).await;
    assert!(matches!(replay, RefreshOutcome::Reused(_)), "{replay:?}");
}

#[tokio::test]
async fn a_spent_refresh_token_past_the_grace_revokes() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let (_, first) = signed_in(&*store, &ada).await;
    let spent = first.refresh_digest.clone().unwrap();
    backend::rotate(&*store, &spent, NOW + 10).await;
    let late = NOW + 10 + courier_store::DEFAULT_REFRESH_REUSE_GRACE + 1;
    let replay = backend::rotate(&*store, &spent, late).await;
    assert!(matches!(replay, RefreshOutcome::Reused(_)), "{replay:?}");
}

/// Presents the refresh token `digest` as the desktop app at `at`, seen as `seen`,
/// asking for `issued`.
pub async fn rotate_seen(
    store: &dyn Store,
    digest: &str,
    at: UnixTime,
    issued: &IssuedTokens,
    seen: &ClientSeen,
) -> RefreshOutcome {
    store
        .rotate_refresh_token(
            digest,
            "courier-desktop",
            at,
            issued,
            seen,
            courier_store::DEFAULT_REFRESH_REUSE_GRACE,
        )
        .await
        .unwrap()
}

/// Presents the refresh token `digest` as the desktop app at `at` for `issued`, which
/// must rotate it.
async fn rotate_with(store: &dyn Store, digest: &str, at: UnixTime, issued: &IssuedTokens) {
    let outcome = rotate_seen(store, digest, at, issued, &ClientSeen::default()).await;
    assert!(
        matches!(outcome, RefreshOutcome::Rotated { .. }),
        "{outcome:?}"
    );
}

/// Presents `digest` as the desktop app from every `(at, tokens)` of `attempts` at once.
async fn rotate_at_once(
    store: &Arc<dyn Store>,
    attempts: &[(&str, UnixTime, IssuedTokens)],
) -> Vec<RefreshOutcome> {
    at_once(store, attempts.len(), |i, store| {
        let (digest, at, issued) = attempts[i].clone();
        let digest = digest.to_owned();
        async move { rotate_seen(&*store, &digest, at, &issued, &ClientSeen::default()).await }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_code_redeemed_by_many_at_once_makes_one_grant_and_the_replays_revoke_it() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let digest = issued_code(&*store, &ada).await;
    let attempts: Vec<_> = (0..RACERS)
        .map(|_| (grant(&ada, None), tokens(NOW + 1)))
        .collect();
    let outcomes = at_once(&store.store, RACERS, |i, store| {
        let (digest, (grant, issued)) = (digest.clone(), attempts[i].clone());
        async move {
            store
                .redeem_code(&digest, NOW + 1, &grant, &issued)
                .await
                .unwrap()
        }
    })
    .await;
    let winners: Vec<usize> = (0..RACERS)
        .filter(|&i| matches!(outcomes[i], RedeemOutcome::Redeemed { .. }))
        .collect();
    assert_eq!(winners.len(), 1, "redeemed once: {outcomes:?}");
    let winner = winners[0];
    let revoked = RevokedGrant {
        grant_id: attempts[winner].0.id.clone(),
        user_id: ada.id.clone(),
    };
    for (i, outcome) in outcomes.iter().enumerate().filter(|&(i, _)| i != winner) {
        assert!(
            matches!(outcome, RedeemOutcome::Reused(Some(r)) if *r == revoked),
            "attempt {i} is a replay of the winner's code: {outcome:?}"
        );
    }
    // Only the winner's grant was made, and the replays revoked it.
    for (i, (grant, issued)) in attempts.iter().enumerate() {
        let stored = store.grant(&grant.id).await.unwrap();
        assert_eq!(stored.is_some(), i == winner, "attempt {i}");
        let context = store.access_context(&issued.access_digest, NOW + 2);
        assert!(context.await.unwrap().is_none(), "attempt {i}");
    }
    assert!(
        store
            .live_sessions(&ada.id, NOW + 2)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refresh_token_presented_by_many_at_once_rotates_once_and_the_rest_retry() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let (first, issued) = signed_in(&*store, &ada).await;
    let spent = issued.refresh_digest.unwrap();
    let attempts: Vec<_> = (0..RACERS)
        .map(|_| (spent.as_str(), NOW + 10, tokens(NOW + 10)))
        .collect();
    let outcomes = rotate_at_once(&store.store, &attempts).await;
    // One spends it; the others come within the grace and its successor is unused, so
    // each is an honest retry: all get tokens on the same, live grant.
    for (outcome, (_, _, issued)) in outcomes.iter().zip(&attempts) {
        match outcome {
            RefreshOutcome::Rotated { grant, .. } => {
                assert_eq!(
                    (grant.id.as_str(), grant.last_used_at),
                    (first.id.as_str(), NOW + 10)
                );
            }
            other => panic!("{other:?}"),
        }
        let context = store.access_context(&issued.access_digest, NOW + 11);
        assert!(context.await.unwrap().is_some());
    }
    // Once a successor is used the chain has moved on: the spent token coming back is
    // theft, and revokes the grant with every successor.
    let successor = attempts[RACERS - 1].2.refresh_digest.as_deref().unwrap();
    let moved_on = backend::rotate(&*store, successor, NOW + 11).await;
    assert!(
        matches!(moved_on, RefreshOutcome::Rotated { .. }),
        "{moved_on:?}"
    );
    let replay = backend::rotate(&*store, &spent, NOW + 12).await;
    assert!(matches!(replay, RefreshOutcome::Reused(_)), "{replay:?}");
    for (_, _, issued) in &attempts {
        let refresh = issued.refresh_digest.as_deref().unwrap();
        let after = backend::rotate(&*store, refresh, NOW + 13).await;
        assert!(matches!(after, RefreshOutcome::Invalid), "{after:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_spent_refresh_token_replayed_by_many_at_once_revokes_the_grant_once() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let (first, issued) = signed_in(&*store, &ada).await;
    let spent = issued.refresh_digest.unwrap();
    let successor = tokens(NOW + 10);
    rotate_with(&*store, &spent, NOW + 10, &successor).await;
    let late = NOW + 10 + courier_store::DEFAULT_REFRESH_REUSE_GRACE + 1;
    let attempts: Vec<_> = (0..RACERS)
        .map(|_| (spent.as_str(), late, tokens(late)))
        .collect();
    let outcomes = rotate_at_once(&store.store, &attempts).await;
    let revoked = RevokedGrant {
        grant_id: first.id.clone(),
        user_id: ada.id.clone(),
    };
    let reused = outcomes
        .iter()
        .filter(|o| matches!(o, RefreshOutcome::Reused(r) if *r == revoked))
        .count();
    let invalid = outcomes
        .iter()
        .filter(|o| matches!(o, RefreshOutcome::Invalid))
        .count();
    // The first replay revokes; the others find the grant ended: one notice, not 16.
    assert_eq!((reused, invalid), (1, RACERS - 1), "{outcomes:?}");
    let refresh = successor.refresh_digest.as_deref().unwrap();
    let after = backend::rotate(&*store, refresh, late).await;
    assert!(matches!(after, RefreshOutcome::Invalid), "{after:?}");
    let context = store.access_context(&successor.access_digest, late);
    assert!(context.await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_spent_refresh_token_racing_its_successor_is_a_retry_only_before_the_successor_is_used() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let (_, issued) = signed_in(&*store, &ada).await;
    let spent = issued.refresh_digest.unwrap();
    let successor = tokens(NOW + 10);
    rotate_with(&*store, &spent, NOW + 10, &successor).await;
    let next = successor.refresh_digest.as_deref().unwrap();
    // Within the grace of the spent token: half present it, half its successor.
    let attempts: Vec<_> = (0..RACERS)
        .map(|i| {
            (
                if i % 2 == 0 { spent.as_str() } else { next },
                NOW + 12,
                tokens(NOW + 12),
            )
        })
        .collect();
    let outcomes = rotate_at_once(&store.store, &attempts).await;
    let reused = outcomes
        .iter()
        .filter(|o| matches!(o, RefreshOutcome::Reused(_)))
        .count();
    // Ada's only session is this grant.
    let revoked = store
        .live_sessions(&ada.id, NOW + 12)
        .await
        .unwrap()
        .is_empty();
    if reused == 0 {
        // Every spent-token retry came before the successor's first use.
        assert!(!revoked);
        assert!(
            outcomes
                .iter()
                .all(|o| matches!(o, RefreshOutcome::Rotated { .. })),
            "{outcomes:?}"
        );
        let replay = backend::rotate(&*store, &spent, NOW + 13).await;
        assert!(
            matches!(replay, RefreshOutcome::Reused(_)),
            "moved on: {replay:?}"
        );
    } else {
        // A spent-token retry came after the successor's first use: theft, revoked
        // once; whatever came after found the grant ended.
        assert_eq!(reused, 1, "{outcomes:?}");
        assert!(revoked);
        let successor_used = attempts.iter().zip(&outcomes).any(|((digest, _, _), o)| {
            *digest == next && matches!(o, RefreshOutcome::Rotated { .. })
        });
        assert!(successor_used, "{outcomes:?}");
        for (_, _, issued) in &attempts {
            let context = store.access_context(&issued.access_digest, NOW + 13);
            assert!(context.await.unwrap().is_none());
        }
    }
}

/// What one grant of [`rotations_applied_together_each_get_what_they_would_alone`]
/// presents.
#[derive(Clone, Copy, Debug)]
enum Presented {
    /// Its live token: rotates.
    Live,
    /// A token spent a moment ago whose successor is unused: an honest retry.
    JustSpent,
    /// A token spent before its successor was used: theft, revokes the grant.
    MovedOn,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rotations_applied_together_each_get_what_they_would_alone() {
    let store = backend::open().await;
    let (ada, bob) = (user(&*store).await, user(&*store).await);
    // 3 × 12 grants of two accounts; each presents one kind of token, and the first
    // live one twice (the second presentation is a retry of the first).
    let kinds = [Presented::Live, Presented::JustSpent, Presented::MovedOn];
    let mut cases = Vec::new();
    for i in 0..36 {
        let owner = if i % 2 == 0 { &ada } else { &bob };
        let (grant, first) = signed_in(&*store, owner).await;
        let first = first.refresh_digest.unwrap();
        let kind = kinds[i % 3];
        let presented = match kind {
            Presented::Live => first,
            Presented::JustSpent => {
                rotate_with(&*store, &first, NOW + 10, &tokens(NOW + 10)).await;
                first
            }
            Presented::MovedOn => {
                let successor = tokens(NOW + 10);
                rotate_with(&*store, &first, NOW + 10, &successor).await;
                let next = successor.refresh_digest.unwrap();
                rotate_with(&*store, &next, NOW + 11, &tokens(NOW + 11)).await;
                first
            }
        };
        cases.push((grant, owner.id.clone(), kind, presented));
    }
    let mut attempts: Vec<_> = cases
        .iter()
        .map(|(_, _, _, presented)| (presented.as_str(), NOW + 12, tokens(NOW + 12)))
        .collect();
    attempts.push((cases[0].3.as_str(), NOW + 12, tokens(NOW + 12)));
    // All of them in one transaction: held in the queue until every one waits there.
    let hold = store.hold_rotations().await;
    let pending: Vec<_> = attempts
        .iter()
        .map(|(digest, at, issued)| {
            let (store, digest, at, issued) = (
                Arc::clone(&store.store),
                digest.to_string(),
                *at,
                issued.clone(),
            );
            tokio::spawn(async move {
                rotate_seen(&*store, &digest, at, &issued, &ClientSeen::default()).await
            })
        })
        .collect();
    while hold.queued() < attempts.len() {
        tokio::task::yield_now().await;
    }
    drop(hold);
    let mut outcomes = Vec::new();
    for rotation in pending {
        outcomes.push(rotation.await.unwrap());
    }

    let case_of = |i: usize| &cases[if i == cases.len() { 0 } else { i }];
    for (i, outcome) in outcomes.iter().enumerate() {
        let (grant, owner, kind, _) = case_of(i);
        match (kind, outcome) {
            (
                Presented::Live | Presented::JustSpent,
                RefreshOutcome::Rotated { grant: g, user },
            ) => {
                assert_eq!(
                    (g.id.as_str(), user.id.as_str()),
                    (grant.id.as_str(), owner.as_str())
                );
                assert_eq!(g.last_used_at, NOW + 12, "attempt {i}");
            }
            (Presented::MovedOn, RefreshOutcome::Reused(revoked)) => {
                assert_eq!(
                    revoked,
                    &RevokedGrant {
                        grant_id: grant.id.clone(),
                        user_id: owner.clone()
                    }
                );
            }
            (kind, outcome) => panic!("attempt {i} ({kind:?}) got {outcome:?}"),
        }
    }
    for (grant, _, kind, _) in &cases {
        let stored = store.grant(&grant.id).await.unwrap().unwrap();
        let last_used = match kind {
            Presented::MovedOn => NOW + 11,
            _ => NOW + 12,
        };
        assert_eq!(stored.last_used_at, last_used, "{kind:?}");
    }
    // Every new pair works exactly when its grant lives.
    for (i, (_, _, issued)) in attempts.iter().enumerate() {
        let (_, _, kind, _) = case_of(i);
        let lives = !matches!(kind, Presented::MovedOn);
        let context = store.access_context(&issued.access_digest, NOW + 13).await;
        assert_eq!(context.unwrap().is_some(), lives, "attempt {i}");
        let next =
            backend::rotate(&*store, issued.refresh_digest.as_deref().unwrap(), NOW + 14).await;
        match (lives, &next) {
            (true, RefreshOutcome::Rotated { .. }) | (false, RefreshOutcome::Invalid) => {}
            _ => panic!("attempt {i} ({kind:?}) then: {next:?}"),
        }
    }
}
