//! [`courier_store::WebSessions`] and [`courier_store::Sessions`]: browser sessions,
//! the live-session list and its order, ending one or all but one.

use courier_store::{KeepSessions, NewWebSession, RevokeReason, SessionSource};

use crate::backend::{self, NOW, browser, signed_in, unique, user};

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
