//! End-to-end keys: an account's key pair published and replaced (a new public key
//! drops the copies wrapped for the old one), a workspace's keys read and published
//! only by who reaches it (and no longer once removed), versions that start at 1 and
//! grow by one, copies of the current version added for those who lack one and never
//! overwritten, a removed holder calling for a rotation until the next version, racing
//! rotations of which exactly one takes the version, and an account's keys going with
//! the account.

use courier_store::{
    AccountKeyRecord, MemberKeyRecord, PublishOutcome, PublishRefusal, Store, User,
    WorkspaceCreation, WorkspaceKeysView, WorkspaceOwner, WrappedKeyRecord,
};

use crate::backend::{NOW, RACERS, at_once, open, team_with, unique, user};

/// A workspace `owner` creates for itself or, given a team, for the team.
async fn workspace(store: &dyn Store, creator: &User, team: Option<&str>) -> String {
    let id = unique("ws-");
    let owner = match team {
        Some(team) => WorkspaceOwner::Team(team.to_owned()),
        None => WorkspaceOwner::Account(creator.id.clone()),
    };
    let created = store
        .create_workspace(&id, &owner, &creator.id, NOW)
        .await
        .unwrap();
    assert!(matches!(created, WorkspaceCreation::Created(_)));
    id
}

/// Publishes a key pair whose public key is `key` for `who`.
async fn key(store: &dyn Store, who: &User, key: &str) {
    store
        .put_account_key(&who.id, key, "sealed", NOW)
        .await
        .unwrap();
}

/// Copies for each of `whom`, their texts naming the version and the account.
fn wraps(version: i64, whom: &[&User]) -> Vec<(String, String)> {
    whom.iter()
        .map(|who| (who.id.clone(), format!("v{version}-for-{}", who.id)))
        .collect()
}

async fn publish(
    store: &dyn Store,
    caller: &User,
    ws: &str,
    version: i64,
    whom: &[&User],
) -> PublishOutcome {
    store
        .publish_workspace_key(ws, &caller.id, version, &wraps(version, whom), NOW)
        .await
        .unwrap()
        .expect("the workspace is reachable")
}

/// Three accounts, each with a key pair.
async fn three_with_keys(store: &dyn Store) -> (User, User, User) {
    let three = (user(store).await, user(store).await, user(store).await);
    for who in [&three.0, &three.1, &three.2] {
        key(store, who, &format!("pk-{}", who.id)).await;
    }
    three
}

fn published(version: i64, new_version: bool, whom: &[&User]) -> PublishOutcome {
    PublishOutcome::Published {
        version,
        new_version,
        written: whom.iter().map(|who| who.id.clone()).collect(),
    }
}

async fn keys(store: &dyn Store, ws: &str, who: &User) -> WorkspaceKeysView {
    store
        .workspace_keys(ws, &who.id)
        .await
        .unwrap()
        .expect("the workspace is reachable")
}

fn versions(view: &WorkspaceKeysView) -> Vec<i64> {
    view.mine.iter().map(|copy| copy.version).collect()
}

/// Whether each member holds the current version, by account id.
fn holders(view: &WorkspaceKeysView) -> Vec<(String, bool)> {
    view.members
        .iter()
        .map(|member| (member.account_id.clone(), member.holds_current))
        .collect()
}

fn sorted(mut pairs: Vec<(String, bool)>) -> Vec<(String, bool)> {
    pairs.sort();
    pairs
}

#[tokio::test]
async fn a_key_pair_is_published_and_a_new_public_key_drops_the_copies_made_for_the_old() {
    let store = open().await;
    let ada = user(&*store).await;
    assert_eq!(store.account_key(&ada.id).await.unwrap(), None);
    let first = store
        .put_account_key(&ada.id, "pk-1", "sealed-1", NOW)
        .await
        .unwrap();
    let expected = AccountKeyRecord {
        account_id: ada.id.clone(),
        public_key: "pk-1".into(),
        recovery_sealed: "sealed-1".into(),
        created_at: NOW,
    };
    assert_eq!((&first.record, first.replaced), (&expected, false));
    assert_eq!(store.account_key(&ada.id).await.unwrap(), Some(expected));

    let ws = workspace(&*store, &ada, None).await;
    assert_eq!(
        publish(&*store, &ada, &ws, 1, &[&ada]).await,
        published(1, true, &[&ada])
    );
    // A new recovery key for the same key pair: the copies still open.
    let resealed = store
        .put_account_key(&ada.id, "pk-1", "sealed-2", NOW + 5)
        .await
        .unwrap();
    assert_eq!(
        (
            resealed.replaced,
            resealed.record.created_at,
            resealed.record.recovery_sealed.as_str()
        ),
        (false, NOW, "sealed-2")
    );
    assert_eq!(versions(&keys(&*store, &ws, &ada).await), vec![1]);

    // A new key pair (the recovery key was lost): the old copies are gone.
    let replaced = store
        .put_account_key(&ada.id, "pk-2", "sealed-3", NOW + 10)
        .await
        .unwrap();
    assert_eq!(
        (replaced.replaced, replaced.record.created_at),
        (true, NOW + 10)
    );
    let view = keys(&*store, &ws, &ada).await;
    assert_eq!(
        view,
        WorkspaceKeysView {
            current_version: 1,
            mine: vec![],
            members: vec![MemberKeyRecord {
                account_id: ada.id.clone(),
                public_key: Some("pk-2".into()),
                holds_current: false,
            }],
            rotation_needed: false,
        }
    );
    // Nobody holds version 1 any more: the next one is made anew.
    assert_eq!(
        publish(&*store, &ada, &ws, 2, &[&ada]).await,
        published(2, true, &[&ada])
    );
    assert_eq!(
        keys(&*store, &ws, &ada).await.mine,
        vec![WrappedKeyRecord {
            version: 2,
            wrapped: format!("v2-for-{}", ada.id)
        }]
    );
}

#[tokio::test]
async fn only_who_reaches_a_workspace_reads_or_publishes_its_keys() {
    let store = open().await;
    let (ada, grace, eve) = three_with_keys(&*store).await;
    let own = workspace(&*store, &ada, None).await;
    assert_eq!(store.workspace_keys(&own, &eve.id).await.unwrap(), None);
    assert_eq!(
        store
            .publish_workspace_key(&own, &eve.id, 1, &wraps(1, &[&eve]), NOW)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.workspace_keys("no-such-ws", &ada.id).await.unwrap(),
        None
    );

    let team = team_with(&*store, &ada, &[&grace]).await;
    let shared = workspace(&*store, &ada, Some(&team)).await;
    assert_eq!(
        publish(&*store, &grace, &shared, 1, &[&grace, &ada]).await,
        published(1, true, &[&grace, &ada])
    );
    assert_eq!(versions(&keys(&*store, &shared, &ada).await), vec![1]);
    assert_eq!(store.workspace_keys(&shared, &eve.id).await.unwrap(), None);

    store.remove_member(&team, &grace.id).await.unwrap();
    assert_eq!(
        store.workspace_keys(&shared, &grace.id).await.unwrap(),
        None
    );
    assert_eq!(
        store
            .publish_workspace_key(&shared, &grace.id, 2, &wraps(2, &[&grace]), NOW)
            .await
            .unwrap(),
        None,
        "removed: no more versions of hers"
    );
    assert_eq!(keys(&*store, &shared, &ada).await.current_version, 1);
}

#[tokio::test]
async fn versions_start_at_one_and_grow_by_one_and_copies_of_the_current_are_never_overwritten() {
    let store = open().await;
    let (ada, grace, eve, mallory) = (
        user(&*store).await,
        user(&*store).await,
        user(&*store).await,
        user(&*store).await,
    );
    let team = team_with(&*store, &ada, &[&grace, &eve]).await;
    let ws = workspace(&*store, &ada, Some(&team)).await;
    assert_eq!(
        publish(&*store, &ada, &ws, 1, &[&ada]).await,
        PublishOutcome::Refused(PublishRefusal::CallerHasNoKey)
    );
    key(&*store, &ada, "pk-ada").await;
    key(&*store, &grace, "pk-grace").await;
    key(&*store, &mallory, "pk-mallory").await;
    let taken = |current_version| PublishOutcome::VersionTaken { current_version };
    for version in [0, 2] {
        assert_eq!(
            publish(&*store, &ada, &ws, version, &[&ada]).await,
            taken(0)
        );
    }
    assert_eq!(
        publish(&*store, &ada, &ws, 1, &[&grace]).await,
        PublishOutcome::Refused(PublishRefusal::CallerCopyMissing)
    );
    assert_eq!(
        publish(&*store, &ada, &ws, 1, &[&ada, &mallory]).await,
        PublishOutcome::Refused(PublishRefusal::NotReached {
            index: 1,
            account_id: mallory.id.clone()
        })
    );
    assert_eq!(
        publish(&*store, &ada, &ws, 1, &[&ada, &eve]).await,
        PublishOutcome::Refused(PublishRefusal::NoPublicKey {
            index: 1,
            account_id: eve.id.clone()
        })
    );
    assert_eq!(keys(&*store, &ws, &ada).await.current_version, 0);

    assert_eq!(
        publish(&*store, &ada, &ws, 1, &[&ada]).await,
        published(1, true, &[&ada])
    );
    // Ada's device hands version 1 to Grace; Eve has no key yet.
    assert_eq!(
        publish(&*store, &ada, &ws, 1, &[&grace]).await,
        published(1, false, &[&grace])
    );
    let view = keys(&*store, &ws, &grace).await;
    assert_eq!(
        (view.current_version, versions(&view), view.rotation_needed),
        (1, vec![1], false)
    );
    assert_eq!(
        sorted(holders(&view)),
        sorted(vec![
            (ada.id.clone(), true),
            (grace.id.clone(), true),
            (eve.id.clone(), false)
        ])
    );
    // A copy for one who holds it (a rotation that lost, or a stale read): nothing is
    // written, not even the copies that were lacking.
    key(&*store, &eve, "pk-eve").await;
    let over = [
        (eve.id.clone(), "for-eve".into()),
        (ada.id.clone(), "other".into()),
    ];
    let refused = store
        .publish_workspace_key(&ws, &grace.id, 1, &over, NOW)
        .await
        .unwrap();
    assert_eq!(refused, Some(taken(1)));
    assert_eq!(
        keys(&*store, &ws, &ada).await.mine[0].wrapped,
        format!("v1-for-{}", ada.id),
        "never overwritten"
    );
    assert_eq!(
        publish(&*store, &grace, &ws, 1, &[&eve, &eve]).await,
        published(1, false, &[&eve]),
        "each account once"
    );
    assert!(
        keys(&*store, &ws, &ada)
            .await
            .members
            .iter()
            .all(|member| member.holds_current)
    );

    assert_eq!(
        publish(&*store, &grace, &ws, 2, &[&grace, &ada, &eve]).await,
        published(2, true, &[&grace, &ada, &eve])
    );
    for stale in [0, 1, 4] {
        assert_eq!(publish(&*store, &ada, &ws, stale, &[&ada]).await, taken(2));
    }
    assert_eq!(versions(&keys(&*store, &ws, &eve).await), vec![1, 2]);
}

#[tokio::test]
async fn a_removed_holder_calls_for_a_rotation_until_the_next_version() {
    let store = open().await;
    let (ada, grace, eve) = three_with_keys(&*store).await;
    let team = team_with(&*store, &ada, &[&grace, &eve]).await;
    let ws = workspace(&*store, &ada, Some(&team)).await;
    publish(&*store, &ada, &ws, 1, &[&ada, &grace, &eve]).await;
    assert!(!keys(&*store, &ws, &ada).await.rotation_needed);

    store.remove_member(&team, &grace.id).await.unwrap();
    let view = keys(&*store, &ws, &eve).await;
    assert!(view.rotation_needed, "Grace still has version 1");
    assert_eq!(
        sorted(holders(&view)),
        sorted(vec![(ada.id.clone(), true), (eve.id.clone(), true)]),
        "members are those who reach it now"
    );
    // Replacing her key pair does not hide that she held it.
    key(&*store, &grace, "pk-grace-2").await;
    assert!(keys(&*store, &ws, &ada).await.rotation_needed);
    // Giving her a copy of version 1 again is refused: she does not reach it.
    assert_eq!(
        publish(&*store, &ada, &ws, 1, &[&grace]).await,
        PublishOutcome::Refused(PublishRefusal::NotReached {
            index: 0,
            account_id: grace.id.clone()
        })
    );

    assert_eq!(
        publish(&*store, &eve, &ws, 2, &[&eve, &ada]).await,
        published(2, true, &[&eve, &ada])
    );
    let view = keys(&*store, &ws, &ada).await;
    assert_eq!(
        (view.current_version, view.rotation_needed, versions(&view)),
        (2, false, vec![1, 2])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rotations_racing_to_one_version_leave_exactly_one_key() {
    let backend = open().await;
    let ada = user(&*backend).await;
    key(&*backend, &ada, "pk-ada").await;
    let ws = workspace(&*backend, &ada, None).await;
    publish(&*backend, &ada, &ws, 1, &[&ada]).await;
    let outcomes = at_once(&backend.store, RACERS, |i, store| {
        let (ada, ws) = (ada.id.clone(), ws.clone());
        async move {
            let wrap = [(ada.clone(), format!("device-{i}"))];
            store
                .publish_workspace_key(&ws, &ada, 2, &wrap, NOW)
                .await
                .unwrap()
                .unwrap()
        }
    })
    .await;
    let winners: Vec<usize> = (0..RACERS)
        .filter(|i| matches!(outcomes[*i], PublishOutcome::Published { .. }))
        .collect();
    assert_eq!(winners.len(), 1, "{outcomes:?}");
    assert!(
        outcomes.iter().all(
            |outcome| matches!(outcome, PublishOutcome::Published { .. })
                || *outcome == PublishOutcome::VersionTaken { current_version: 2 }
        ),
        "{outcomes:?}"
    );
    let view = keys(&*backend, &ws, &ada).await;
    assert_eq!(view.current_version, 2);
    assert_eq!(view.mine[1].wrapped, format!("device-{}", winners[0]));
}

#[tokio::test]
async fn an_accounts_keys_go_with_the_account() {
    let backend = open().await;
    let store = &*backend;
    let (ada, grace) = (user(store).await, user(store).await);
    key(store, &ada, "pk-ada").await;
    key(store, &grace, "pk-grace").await;
    let team = team_with(store, &ada, &[&grace]).await;
    let ws = workspace(store, &ada, Some(&team)).await;
    publish(store, &ada, &ws, 1, &[&ada, &grace]).await;

    backend.delete_account(&grace.id).await;
    assert_eq!(store.account_key(&grace.id).await.unwrap(), None);
    let view = keys(store, &ws, &ada).await;
    assert_eq!(holders(&view), vec![(ada.id.clone(), true)]);
    assert!(
        !view.rotation_needed,
        "her copies went with her account (a deleted account's devices are signed out)"
    );
    let own = workspace(store, &ada, None).await;
    publish(store, &ada, &own, 1, &[&ada]).await;
    backend.delete_account(&ada.id).await;
    assert_eq!(store.workspace_keys(&own, &ada.id).await.unwrap(), None);
}
