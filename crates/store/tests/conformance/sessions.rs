//! [`courier_store::WebSessions`] and [`courier_store::Sessions`]: browser sessions,
//! the live-session list and its order, ending one or all but one; and an account's
//! sessions used and ended from many places at once.

use courier_store::{
    ClientSeen, KeepSessions, NewWebSession, RefreshOutcome, RevokeReason, SessionSource,
};

use crate::backend::{self, NOW, browser, signed_in, tokens, unique, user};
use crate::backend::{RACERS, at_once};
use crate::oauth::rotate_seen;

#[tokio::test]
async fn a_browser_session_lives_until_it_ends_or_expires() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let web = browser(&*store, &ada).await;
    let (session, owner) = store.web_session(&web.digest, NOW).await.unwrap().unwrap();
    assert_eq!(
        (session.id.as_str(), owner.id.as_str()),
        (web.id.as_str(), ada.id.as_str())
    );
    assert_eq!((session.keep_signed_in, session.last_seen_at), (false, NOW));
    assert!(
        store
            .web_session(&web.digest, web.expires_at)
            .await
            .unwrap()
            .is_none()
    );

    store.touch_web_session(&web.id, NOW + 60).await.unwrap();
    store.touch_web_session(&web.id, NOW + 30).await.unwrap();
    let (session, _) = store
        .web_session(&web.digest, NOW + 61)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.last_seen_at, NOW + 60, "never moves back");

    store.end_web_session(&web.digest, NOW + 62).await.unwrap();
    assert!(
        store
            .web_session(&web.digest, NOW + 63)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .web_session(&unique("c"), NOW)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn signing_in_again_replaces_the_old_browser_session() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let old = browser(&*store, &ada).await;
    let new = NewWebSession {
        digest: unique("cookie-"),
        id: unique("web-"),
        keep_signed_in: true,
        ..old.clone()
    };
    store
        .create_web_session(&new, Some(&old.digest))
        .await
        .unwrap();
    assert!(store.web_session(&old.digest, NOW).await.unwrap().is_none());
    let (session, _) = store.web_session(&new.digest, NOW).await.unwrap().unwrap();
    assert!(session.keep_signed_in);
    store.purge_expired(new.expires_at).await.unwrap();
    assert!(store.live_sessions(&ada.id, NOW).await.unwrap().is_empty());
}

#[tokio::test]
async fn live_sessions_list_grants_and_browsers_most_recent_first() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let (app, _) = signed_in(&*store, &ada).await;
    let web = browser(&*store, &ada).await;
    let (stale, _) = signed_in(&*store, &ada).await;
    store.touch_grant(&app.id, NOW + 100).await.unwrap();
    store.touch_web_session(&web.id, NOW + 50).await.unwrap();
    let other = user(&*store).await;
    signed_in(&*store, &other).await;

    let sessions = store.live_sessions(&ada.id, NOW + 200).await.unwrap();
    let ids: Vec<&str> = sessions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, [app.id.as_str(), web.id.as_str(), stale.id.as_str()]);
    let first = &sessions[0];
    assert_eq!(first.source, SessionSource::Grant);
    assert_eq!(first.client_id.as_deref(), Some("courier-desktop"));
    assert_eq!(
        (first.device_name.as_deref(), first.ip.as_deref()),
        (Some("laptop"), Some("127.0.0.1"))
    );
    assert_eq!((first.first_seen, first.last_seen), (NOW, NOW + 100));
    let second = &sessions[1];
    assert_eq!(
        (second.source, second.client_id.as_deref()),
        (SessionSource::Browser, None)
    );
    assert_eq!(second.user_agent.as_deref(), Some("Firefox"));
    // Ties on last and first seen fall back to the id.
    let (a, _) = signed_in(&*store, &other).await;
    let listed = store.live_sessions(&other.id, NOW).await.unwrap();
    let mut expected: Vec<String> = listed.iter().map(|s| s.id.clone()).collect();
    expected.sort();
    assert_eq!(
        listed.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        expected
    );
    assert!(expected.contains(&a.id));
    // Expired ones are not live.
    assert!(
        store
            .live_sessions(&ada.id, web.expires_at)
            .await
            .unwrap()
            .len()
            == 2
    );
}

#[tokio::test]
async fn ending_one_session_or_all_but_one() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let (app, issued) = signed_in(&*store, &ada).await;
    let web = browser(&*store, &ada).await;
    let (other_app, _) = signed_in(&*store, &ada).await;
    let mallory = user(&*store).await;
    let reason = RevokeReason::RevokedByUser;

    assert!(
        !store
            .revoke_session(&mallory.id, &app.id, NOW, reason)
            .await
            .unwrap()
    );
    assert!(
        !store
            .revoke_session(&ada.id, &unique("s"), NOW, reason)
            .await
            .unwrap()
    );
    assert!(
        store
            .revoke_session(&ada.id, &app.id, NOW + 1, reason)
            .await
            .unwrap()
    );
    assert!(
        !store
            .revoke_session(&ada.id, &app.id, NOW + 2, reason)
            .await
            .unwrap()
    );
    assert!(
        store
            .access_context(&issued.access_digest, NOW + 2)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .revoke_session(&ada.id, &web.id, NOW + 3, reason)
            .await
            .unwrap()
    );
    assert!(
        store
            .web_session(&web.digest, NOW + 4)
            .await
            .unwrap()
            .is_none()
    );

    let again = browser(&*store, &ada).await;
    let ended = store
        .revoke_sessions(&ada.id, KeepSessions::Only(&again.id), NOW + 5, reason)
        .await
        .unwrap();
    assert_eq!(ended, vec![other_app.id.clone()]);
    assert!(
        store
            .revoke_sessions(&ada.id, KeepSessions::All, NOW + 6, reason)
            .await
            .unwrap()
            .is_empty()
    );
    let ended = store
        .revoke_sessions(&ada.id, KeepSessions::None, NOW + 7, reason)
        .await
        .unwrap();
    assert_eq!(ended, vec![again.id.clone()]);
    assert!(
        store
            .live_sessions(&ada.id, NOW + 8)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn touching_one_session_from_many_places_at_once_keeps_the_latest() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let (app, _) = signed_in(&*store, &ada).await;
    let web = browser(&*store, &ada).await;
    at_once(&store.store, RACERS, |i, store| {
        let (app, web) = (app.id.clone(), web.id.clone());
        // Out of order on purpose: the last to commit is rarely the latest.
        let at = NOW + 1 + (i as i64 * 7) % RACERS as i64;
        async move {
            store.touch_grant(&app, at).await.unwrap();
            store.touch_web_session(&web, at).await.unwrap();
        }
    })
    .await;
    let latest = NOW + RACERS as i64;
    let sessions = store.live_sessions(&ada.id, latest).await.unwrap();
    let last_seen: Vec<_> = sessions
        .iter()
        .map(|s| (s.id.as_str(), s.last_seen))
        .collect();
    assert_eq!(
        last_seen,
        [(app.id.as_str(), latest), (web.id.as_str(), latest)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rotating_and_touching_an_accounts_grants_at_once_loses_no_write() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let mut apps = Vec::new();
    for _ in 0..RACERS / 2 {
        apps.push(signed_in(&*store, &ada).await);
    }
    // Each grant is used by its own task: a refresh with its own user agent, then a
    // later touch; all grants of the account at once.
    let outcomes = at_once(&store.store, apps.len(), |i, store| {
        let (app, issued) = apps[i].clone();
        async move {
            let at = NOW + 100 + i as i64;
            let seen = ClientSeen {
                user_agent: Some(format!("agent-{i}")),
                ip: Some(format!("10.0.0.{i}")),
            };
            let refresh = issued.refresh_digest.as_deref().unwrap();
            let outcome = rotate_seen(&*store, refresh, at, &tokens(at), &seen).await;
            store.touch_grant(&app.id, at + 100).await.unwrap();
            outcome
        }
    })
    .await;
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, RefreshOutcome::Rotated { .. })),
        "{outcomes:?}"
    );
    let sessions = store.live_sessions(&ada.id, NOW + 300).await.unwrap();
    assert_eq!(sessions.len(), apps.len());
    for (i, (app, _)) in apps.iter().enumerate() {
        let seen = sessions.iter().find(|s| s.id == app.id).unwrap();
        assert_eq!(
            (seen.last_seen, seen.user_agent.clone(), seen.ip.clone()),
            (
                NOW + 200 + i as i64,
                Some(format!("agent-{i}")),
                Some(format!("10.0.0.{i}"))
            ),
            "grant {i}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ending_all_sessions_from_many_places_at_once_ends_and_reports_each_once() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let mut live = Vec::new();
    let mut refresh = Vec::new();
    for _ in 0..4 {
        let (app, issued) = signed_in(&*store, &ada).await;
        live.push(app.id);
        refresh.push(issued.refresh_digest.unwrap());
        live.push(browser(&*store, &ada).await.id);
    }
    // Half the tasks sign everything out, half refresh an app meanwhile.
    let results = at_once(&store.store, RACERS, |i, store| {
        let (user_id, refresh) = (ada.id.clone(), refresh[(i / 2) % refresh.len()].clone());
        async move {
            if i % 2 == 0 {
                let reason = RevokeReason::PasswordChanged;
                let ended = store.revoke_sessions(&user_id, KeepSessions::None, NOW + 1, reason);
                (ended.await.unwrap(), None)
            } else {
                let issued = tokens(NOW + 1);
                let seen = ClientSeen::default();
                let outcome = rotate_seen(&*store, &refresh, NOW + 1, &issued, &seen).await;
                (Vec::new(), Some((outcome, issued)))
            }
        }
    })
    .await;
    let mut ended: Vec<String> = results.iter().flat_map(|(e, _)| e.clone()).collect();
    ended.sort();
    live.sort();
    assert_eq!(ended, live, "each session ended by exactly one of them");
    for (outcome, issued) in results.iter().filter_map(|(_, r)| r.as_ref()) {
        // Refreshed before a sign-out (its new tokens ended with the grant), or after.
        assert!(
            matches!(
                outcome,
                RefreshOutcome::Rotated { .. } | RefreshOutcome::Invalid
            ),
            "{outcome:?}"
        );
        let context = store.access_context(&issued.access_digest, NOW + 2);
        assert!(context.await.unwrap().is_none());
    }
    assert!(
        store
            .live_sessions(&ada.id, NOW + 2)
            .await
            .unwrap()
            .is_empty()
    );
    for digest in &refresh {
        let after = backend::rotate(&*store, digest, NOW + 2).await;
        assert!(matches!(after, RefreshOutcome::Invalid), "{after:?}");
    }
}
