//! The account API and events channel end to end: two desktops (each the client
//! library with its own data folder and throwaway keyring service) signed in to the
//! same account on a real courier-server. A profile change on one reaches the other
//! as `ProfileChanged`; revoking the other's session from the first signs it out
//! through its events channel within one second, and its next API call says
//! `reauth_required`. Sign-in is scripted (no Chromium). Run under
//! `scripts/with-keyring.sh`.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use courier_client::Courier;
use courier_client::auth::vault::{KeyringVault, TokenVault as _};
use courier_client::channel::{self, AccountEvent, EventsHandle, EventsOptions};
use courier_client::clock::SystemClock;
use courier_client::config::ClientConfig;
use courier_proto::{ProfileUpdate, SessionKind};
use courier_testkit::{TestServer, unique_name};
use courier_tests::{ChannelOpener, scripted_sign_in};
use tokio::sync::mpsc;

const EMAIL: &str = "ada@example.com";

/// One desktop: a signed-in client and its account's events channel.
struct Desktop {
    courier: Arc<Courier>,
    vault: Arc<KeyringVault>,
    account_id: String,
    outcomes: mpsc::UnboundedReceiver<AccountEvent>,
    channel: EventsHandle,
    _data: tempfile::TempDir,
}

impl Desktop {
    /// Signs in as Ada through a fresh scripted browser, then opens the channel and
    /// waits until it is live.
    async fn sign_in(server: &TestServer) -> Self {
        let data = tempfile::tempdir().unwrap();
        let service = unique_name("courier-e2e-events-");
        let vault = Arc::new(
            KeyringVault::connect(&service)
                .expect("a Secret Service (run under scripts/with-keyring.sh)"),
        );
        let (opener, mut opened) = ChannelOpener::new();
        let courier = Arc::new(
            Courier::new(
                ClientConfig::for_data_dir(data.path(), &service, server.base()),
                vault.clone(),
                Arc::new(SystemClock),
                Arc::new(opener),
            )
            .unwrap(),
        );
        let account_id = scripted_sign_in(server, &courier, &mut opened, "ada")
            .await
            .unwrap()
            .id;

        let (sink, mut outcomes) = mpsc::unbounded_channel();
        let channel = channel::spawn(
            Arc::clone(&courier),
            account_id.clone(),
            EventsOptions::default(),
            sink,
        );
        assert_eq!(
            next(&mut outcomes).await,
            AccountEvent::Connected {
                account_id: account_id.clone()
            }
        );
        Self {
            courier,
            vault,
            account_id,
            outcomes,
            channel,
            _data: data,
        }
    }

    /// This desktop's own session id, as the sessions list marks it.
    async fn session_id(&self) -> String {
        let sessions = self.courier.api(&self.account_id).sessions().await.unwrap();
        let current: Vec<_> = sessions.iter().filter(|session| session.current).collect();
        assert_eq!(
            current.len(),
            1,
            "exactly one session is this device: {sessions:?}"
        );
        assert_eq!(current[0].kind, SessionKind::App);
        current[0].id.clone()
    }

    /// Outcomes already reported, without waiting.
    fn reported(&mut self) -> Vec<AccountEvent> {
        std::iter::from_fn(|| self.outcomes.try_recv().ok()).collect()
    }
}

async fn next(outcomes: &mut mpsc::UnboundedReceiver<AccountEvent>) -> AccountEvent {
    tokio::time::timeout(Duration::from_secs(5), outcomes.recv())
        .await
        .expect("an event within 5 s")
        .expect("the channel is still reporting")
}

async fn server_with_ada() -> TestServer {
    let server = TestServer::start().await;
    server.confirmed_account(EMAIL, "ada").await;
    server
}

#[tokio::test]
async fn a_profile_change_on_one_desktop_reaches_the_other() {
    let server = server_with_ada().await;
    let mut laptop = Desktop::sign_in(&server).await;
    let mut desktop = Desktop::sign_in(&server).await;

    let update = ProfileUpdate {
        name: Some("Ada Lovelace".into()),
        bio: Some("Analyst".into()),
        ..ProfileUpdate::default()
    };
    let updated = laptop
        .courier
        .api(&laptop.account_id)
        .update_profile(&update)
        .await
        .unwrap();
    assert_eq!(updated.name.as_deref(), Some("Ada Lovelace"));

    assert_eq!(
        next(&mut desktop.outcomes).await,
        AccountEvent::ProfileChanged {
            account_id: desktop.account_id.clone()
        }
    );
    let seen = desktop
        .courier
        .api(&desktop.account_id)
        .profile()
        .await
        .unwrap();
    assert_eq!(seen, updated);
    // Reading the profile also updated that desktop's account list.
    let account = desktop.courier.account(&desktop.account_id).await.unwrap();
    assert_eq!(account.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(account.display_name(), "Ada Lovelace");
    // The desktop that made the change hears of it too (its other windows re-read).
    assert!(matches!(
        next(&mut laptop.outcomes).await,
        AccountEvent::ProfileChanged { .. }
    ));
}

#[tokio::test]
async fn revoking_a_session_from_another_desktop_signs_it_out_within_a_second() {
    let server = server_with_ada().await;
    let mut laptop = Desktop::sign_in(&server).await;
    let mut desktop = Desktop::sign_in(&server).await;
    let desktop_session = desktop.session_id().await;
    let laptop_session = laptop.session_id().await;
    assert_ne!(desktop_session, laptop_session);
    let listed = laptop
        .courier
        .api(&laptop.account_id)
        .sessions()
        .await
        .unwrap();
    assert!(
        listed
            .iter()
            .any(|session| session.id == desktop_session && !session.current),
        "the laptop sees the desktop's session: {listed:?}"
    );

    let revoked_at = Instant::now();
    laptop
        .courier
        .api(&laptop.account_id)
        .revoke_session(&desktop_session)
        .await
        .unwrap();
    let outcome = next(&mut desktop.outcomes).await;
    let elapsed = revoked_at.elapsed();
    assert_eq!(
        outcome,
        AccountEvent::SessionRevoked {
            account_id: desktop.account_id.clone()
        }
    );
    assert!(
        elapsed < Duration::from_secs(1),
        "signed out {elapsed:?} after the revocation (at most 1 s)"
    );
    eprintln!("revocation reached the other desktop and signed it out in {elapsed:?}");

    // Signed out like a dead refresh token: still listed, no tokens in the keyring.
    let account = desktop.courier.account(&desktop.account_id).await.unwrap();
    assert!(account.signed_out);
    assert!(desktop.vault.get(&desktop.account_id).unwrap().is_none());
    let error = desktop
        .courier
        .api(&desktop.account_id)
        .profile()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "reauth_required");
    tokio::time::timeout(Duration::from_secs(5), async {
        while !desktop.channel.is_finished() {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the revoked desktop's channel ends");

    // The laptop is untouched: still signed in, its channel never heard of a revocation
    // of its own.
    laptop
        .courier
        .api(&laptop.account_id)
        .profile()
        .await
        .unwrap();
    assert!(
        !laptop
            .reported()
            .iter()
            .any(|outcome| matches!(outcome, AccountEvent::SessionRevoked { .. })),
    );
    assert!(!laptop.channel.is_finished());
    assert!(
        !laptop
            .courier
            .api(&laptop.account_id)
            .sessions()
            .await
            .unwrap()
            .iter()
            .any(|session| session.id == desktop_session),
        "the revoked session is gone from the list"
    );
    laptop.channel.stop().await;
}
