//! Team discovery: settings read back as saved, only confirmed admin addresses make a
//! domain live, only a confirmed address finds a team, joining at once or by a
//! request that is asked once, withdrawn, approved or declined exactly once, also
//! when two or sixteen of those race.

use courier_store::{
    Decision, DiscoveryRecord, JoinPolicy, JoinResult, NewInvitation, Store, TeamRecord, TeamRole,
    UnixTime, User,
};

use crate::backend::all_at_once;
use crate::backend::{NOW, open, unique};

/// A fresh domain no other test uses.
fn domain() -> String {
    format!("{}.test", unique("d").to_lowercase())
}

/// An account on `domain`, confirmed when `confirmed_at` is set.
async fn person(store: &dyn Store, domain: &str, confirmed_at: Option<UnixTime>) -> User {
    let name = unique("p");
    let user = User {
        id: unique("id-"),
        email: format!("{name}@{domain}"),
        username: name,
        password_hash: "hash-0".to_owned(),
        name: None,
        email_confirmed_at: confirmed_at,
        created_at: NOW,
    };
    store.create_user(&user).await.unwrap();
    user
}

async fn team_of(store: &dyn Store, admin: &User) -> TeamRecord {
    let team = TeamRecord {
        id: unique("team-"),
        name: unique("Team "),
        slug: unique("t"),
        created_at: NOW,
        updated_at: NOW,
    };
    store.create_team(&team, &admin.id).await.unwrap();
    team
}

async fn discoverable(store: &dyn Store, team: &TeamRecord, domain: &str, policy: JoinPolicy) {
    let settings = DiscoveryRecord {
        enabled: true,
        join_policy: policy,
        domains: vec![domain.to_owned()],
    };
    store.set_discovery(&team.id, &settings, NOW).await.unwrap();
}

/// Adds `user` to `team` with `role` the way invitations do.
async fn add(store: &dyn Store, team: &TeamRecord, by: &User, user: &User, role: TeamRole) {
    let invitation = NewInvitation {
        id: unique("inv-"),
        team_id: team.id.clone(),
        email: user.email.clone(),
        role,
        digest: unique("digest-"),
        invited_by: by.id.clone(),
        now: NOW,
        expires_at: NOW + 3600,
    };
    store.invite(&invitation).await.unwrap();
    store
        .accept_invitation(&invitation.digest, &user.id, NOW)
        .await
        .unwrap();
}

async fn visible(store: &dyn Store, user: &User) -> Vec<String> {
    store
        .discoverable_teams(&user.id)
        .await
        .unwrap()
        .into_iter()
        .map(|found| found.team.id)
        .collect()
}

#[tokio::test]
async fn settings_read_back_as_saved_and_only_confirmed_admins_give_domains() {
    let store = open().await;
    let acme = domain();
    let ada = person(&*store, &acme, Some(NOW)).await;
    let team = team_of(&*store, &ada).await;
    assert_eq!(
        store.discovery(&team.id).await.unwrap(),
        DiscoveryRecord::default()
    );
    assert!(!DiscoveryRecord::default().enabled);

    let saved = DiscoveryRecord {
        enabled: true,
        join_policy: JoinPolicy::Anyone,
        domains: vec!["b.test".to_owned(), "A.test".to_owned()],
    };
    store.set_discovery(&team.id, &saved, NOW).await.unwrap();
    let read = store.discovery(&team.id).await.unwrap();
    assert_eq!(read.domains, ["a.test", "b.test"], "lowercase, sorted");
    assert_eq!((read.enabled, read.join_policy), (true, JoinPolicy::Anyone));
    let off = DiscoveryRecord {
        enabled: false,
        join_policy: JoinPolicy::Approval,
        domains: vec![acme.clone()],
    };
    store.set_discovery(&team.id, &off, NOW + 1).await.unwrap();
    assert_eq!(store.discovery(&team.id).await.unwrap(), off);

    // A member's address and an unconfirmed admin's do not count.
    let member = person(&*store, &domain(), Some(NOW)).await;
    add(&*store, &team, &ada, &member, TeamRole::Member).await;
    let unconfirmed = person(&*store, &domain(), None).await;
    add(&*store, &team, &ada, &unconfirmed, TeamRole::Admin).await;
    assert_eq!(
        store.confirmed_admin_emails(&team.id).await.unwrap(),
        std::slice::from_ref(&ada.email)
    );
}

#[tokio::test]
async fn a_team_is_found_and_joined_only_by_confirmed_addresses_on_a_live_domain() {
    let store = open().await;
    let acme = domain();
    let ada = person(&*store, &acme, Some(NOW)).await;
    let team = team_of(&*store, &ada).await;
    let grace = person(&*store, &acme, Some(NOW)).await;
    let unconfirmed = person(&*store, &acme, None).await;
    let elsewhere = person(&*store, &domain(), Some(NOW)).await;

    // Off: nobody finds it.
    assert!(visible(&*store, &grace).await.is_empty());
    assert_eq!(
        store
            .join_team(&team.id, &grace.id, &unique("r"), NOW)
            .await
            .unwrap(),
        JoinResult::NotDiscoverable
    );

    discoverable(&*store, &team, &acme, JoinPolicy::Anyone).await;
    let found = store.discoverable_teams(&grace.id).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].team, team);
    assert_eq!(found[0].domain, acme);
    assert_eq!(
        (
            found[0].member_count,
            found[0].join_policy,
            found[0].request_pending
        ),
        (1, JoinPolicy::Anyone, false)
    );
    assert!(
        visible(&*store, &ada).await.is_empty(),
        "not to its members"
    );
    for outsider in [&unconfirmed, &elsewhere] {
        assert!(visible(&*store, outsider).await.is_empty());
        assert_eq!(
            store
                .join_team(&team.id, &outsider.id, &unique("r"), NOW)
                .await
                .unwrap(),
            JoinResult::NotDiscoverable
        );
    }
    assert_eq!(
        store
            .join_team("no-such-team", &grace.id, &unique("r"), NOW)
            .await
            .unwrap(),
        JoinResult::NotDiscoverable
    );

    // Anyone: in at once, as a member; joining again changes nothing.
    assert_eq!(
        store
            .join_team(&team.id, &grace.id, &unique("r"), NOW + 1)
            .await
            .unwrap(),
        JoinResult::Joined
    );
    assert_eq!(
        store.role_in(&team.id, &grace.id).await.unwrap(),
        Some(TeamRole::Member)
    );
    assert_eq!(
        store
            .join_team(&team.id, &grace.id, &unique("r"), NOW + 2)
            .await
            .unwrap(),
        JoinResult::AlreadyMember
    );
    assert!(visible(&*store, &grace).await.is_empty());

    // Once no admin holds a confirmed address on the domain, it stops counting.
    let alan = person(&*store, &acme, Some(NOW)).await;
    assert_eq!(
        visible(&*store, &alan).await,
        std::slice::from_ref(&team.id)
    );
    let boss = person(&*store, &domain(), Some(NOW)).await;
    add(&*store, &team, &ada, &boss, TeamRole::Admin).await;
    store
        .set_role(&team.id, &ada.id, TeamRole::Member)
        .await
        .unwrap();
    assert!(visible(&*store, &alan).await.is_empty());
    assert_eq!(
        store
            .join_team(&team.id, &alan.id, &unique("r"), NOW)
            .await
            .unwrap(),
        JoinResult::NotDiscoverable
    );
}

#[tokio::test]
async fn a_request_is_asked_once_listed_oldest_first_and_decided_once() {
    let store = open().await;
    let acme = domain();
    let ada = person(&*store, &acme, Some(NOW)).await;
    let team = team_of(&*store, &ada).await;
    discoverable(&*store, &team, &acme, JoinPolicy::Approval).await;
    let (grace, alan) = (
        person(&*store, &acme, Some(NOW)).await,
        person(&*store, &acme, Some(NOW)).await,
    );

    let first = unique("req-");
    assert_eq!(
        store
            .join_team(&team.id, &alan.id, &first, NOW + 1)
            .await
            .unwrap(),
        JoinResult::Requested {
            id: first.clone(),
            created: true
        }
    );
    assert_eq!(
        store
            .join_team(&team.id, &alan.id, &unique("req-"), NOW + 2)
            .await
            .unwrap(),
        JoinResult::Requested {
            id: first.clone(),
            created: false
        },
        "asking again answers the pending request"
    );
    let second = unique("req-");
    store
        .join_team(&team.id, &grace.id, &second, NOW + 3)
        .await
        .unwrap();
    let pending = store.join_requests(&team.id).await.unwrap();
    let ids: Vec<_> = pending.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, [first.as_str(), second.as_str()], "oldest first");
    assert_eq!(
        (
            pending[0].user_id.as_str(),
            pending[0].email.as_str(),
            pending[0].created_at
        ),
        (alan.id.as_str(), alan.email.as_str(), NOW + 1)
    );
    assert!(store.discoverable_teams(&alan.id).await.unwrap()[0].request_pending);
    assert_eq!(store.role_in(&team.id, &alan.id).await.unwrap(), None);

    // Withdrawn once; a new request is a new one.
    assert!(
        store
            .withdraw_join_request(&team.id, &alan.id, NOW + 4)
            .await
            .unwrap()
    );
    assert!(
        !store
            .withdraw_join_request(&team.id, &alan.id, NOW + 5)
            .await
            .unwrap()
    );
    assert!(!store.discoverable_teams(&alan.id).await.unwrap()[0].request_pending);
    assert_eq!(
        store
            .decide_join_request(&team.id, &first, true, &ada.id, NOW + 6)
            .await
            .unwrap(),
        Decision::NotPending
    );

    // Declined once; approved once (and not through another team).
    let other = team_of(&*store, &ada).await;
    assert_eq!(
        store
            .decide_join_request(&other.id, &second, true, &ada.id, NOW + 6)
            .await
            .unwrap(),
        Decision::NotPending
    );
    assert_eq!(
        store
            .decide_join_request(&team.id, &second, false, &ada.id, NOW + 7)
            .await
            .unwrap(),
        Decision::Declined {
            user_id: grace.id.clone()
        }
    );
    assert_eq!(
        store
            .decide_join_request(&team.id, &second, true, &ada.id, NOW + 8)
            .await
            .unwrap(),
        Decision::NotPending
    );
    assert_eq!(store.role_in(&team.id, &grace.id).await.unwrap(), None);
    let third = unique("req-");
    store
        .join_team(&team.id, &grace.id, &third, NOW + 9)
        .await
        .unwrap();
    assert_eq!(
        store
            .decide_join_request(&team.id, &third, true, &ada.id, NOW + 10)
            .await
            .unwrap(),
        Decision::Approved {
            user_id: grace.id.clone(),
            already_member: false
        }
    );
    assert_eq!(
        store.role_in(&team.id, &grace.id).await.unwrap(),
        Some(TeamRole::Member)
    );
    assert!(store.join_requests(&team.id).await.unwrap().is_empty());

    // A request made under approval is spent when the policy becomes anyone and the
    // requester joins.
    let late = unique("req-");
    store
        .join_team(&team.id, &alan.id, &late, NOW + 11)
        .await
        .unwrap();
    discoverable(&*store, &team, &acme, JoinPolicy::Anyone).await;
    assert_eq!(
        store
            .join_team(&team.id, &alan.id, &unique("r"), NOW + 12)
            .await
            .unwrap(),
        JoinResult::Joined
    );
    assert!(store.join_requests(&team.id).await.unwrap().is_empty());
}

/// A team on a fresh domain with `policy`, its admin, and one account that may join.
async fn setup(store: &dyn Store, policy: JoinPolicy) -> (TeamRecord, User, User) {
    let acme = domain();
    let ada = person(store, &acme, Some(NOW)).await;
    let team = team_of(store, &ada).await;
    discoverable(store, &team, &acme, policy).await;
    let grace = person(store, &acme, Some(NOW)).await;
    (team, ada, grace)
}

#[tokio::test]
async fn racing_decisions_and_joins_end_in_one_consistent_state() {
    let store = open().await;

    // Approve twice at once: one approval, one member.
    let (team, ada, grace) = setup(&*store, JoinPolicy::Approval).await;
    let id = unique("req-");
    store
        .join_team(&team.id, &grace.id, &id, NOW)
        .await
        .unwrap();
    let (first, second) = tokio::join!(
        store.decide_join_request(&team.id, &id, true, &ada.id, NOW + 1),
        store.decide_join_request(&team.id, &id, true, &ada.id, NOW + 1),
    );
    let outcomes = [first.unwrap(), second.unwrap()];
    assert!(outcomes.contains(&Decision::NotPending), "{outcomes:?}");
    assert_eq!(store.members(&team.id).await.unwrap().len(), 2);

    // Approve against withdraw: either she is in and nothing was withdrawn, or the
    // other way round; never both, never a pending request left.
    for _ in 0..5 {
        let (team, ada, grace) = setup(&*store, JoinPolicy::Approval).await;
        let id = unique("req-");
        store
            .join_team(&team.id, &grace.id, &id, NOW)
            .await
            .unwrap();
        let (approved, withdrawn) = tokio::join!(
            store.decide_join_request(&team.id, &id, true, &ada.id, NOW + 1),
            store.withdraw_join_request(&team.id, &grace.id, NOW + 1),
        );
        let approved = matches!(approved.unwrap(), Decision::Approved { .. });
        let withdrawn = withdrawn.unwrap();
        assert!(
            approved != withdrawn,
            "approved {approved}, withdrawn {withdrawn}"
        );
        let member = store.role_in(&team.id, &grace.id).await.unwrap().is_some();
        assert_eq!(member, approved);
        assert!(store.join_requests(&team.id).await.unwrap().is_empty());
    }

    // Asking twice at once: one request.
    let (team, _ada, grace) = setup(&*store, JoinPolicy::Approval).await;
    let (one, two) = (unique("req-"), unique("req-"));
    let (first, second) = tokio::join!(
        store.join_team(&team.id, &grace.id, &one, NOW),
        store.join_team(&team.id, &grace.id, &two, NOW),
    );
    let ids: Vec<String> = [first.unwrap(), second.unwrap()]
        .into_iter()
        .map(|result| match result {
            JoinResult::Requested { id, .. } => id,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids[0], ids[1]);
    assert_eq!(store.join_requests(&team.id).await.unwrap().len(), 1);

    // Joining while being removed: a member exactly when the join came second.
    for _ in 0..5 {
        let (team, _ada, grace) = setup(&*store, JoinPolicy::Anyone).await;
        store
            .join_team(&team.id, &grace.id, &unique("r"), NOW)
            .await
            .unwrap();
        let again = unique("r");
        let (joined, removed) = tokio::join!(
            store.join_team(&team.id, &grace.id, &again, NOW + 1),
            store.remove_member(&team.id, &grace.id),
        );
        let joined = joined.unwrap();
        removed.unwrap();
        let member = store.role_in(&team.id, &grace.id).await.unwrap().is_some();
        assert_eq!(member, joined == JoinResult::Joined, "{joined:?}");
    }
}

/// Sixteen more confirmed accounts on `first`'s domain.
async fn neighbours(store: &dyn Store, first: &User) -> Vec<User> {
    let domain = courier_store::email_domain(&first.email).unwrap();
    let mut people = Vec::new();
    for _ in 0..16 {
        people.push(person(store, &domain, Some(NOW)).await);
    }
    people
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_accounts_joining_at_once_are_each_admitted_or_asked_once() {
    let backend = open().await;
    for policy in [JoinPolicy::Approval, JoinPolicy::Anyone] {
        let (team, _ada, grace) = setup(&*backend, policy).await;
        let people = neighbours(&*backend, &grace).await;
        let store = backend.store.clone();
        let team_id = team.id.clone();
        let results = all_at_once(people.clone(), |who: User| {
            let (store, team_id, id) = (store.clone(), team_id.clone(), unique("req-"));
            async move {
                let result = store.join_team(&team_id, &who.id, &id, NOW).await.unwrap();
                (result, id)
            }
        })
        .await;
        for (result, id) in &results {
            let expected = match policy {
                JoinPolicy::Anyone => JoinResult::Joined,
                JoinPolicy::Approval => JoinResult::Requested {
                    id: id.clone(),
                    created: true,
                },
            };
            assert_eq!(result, &expected);
        }
        let members = backend.members(&team.id).await.unwrap().len();
        let requests = backend.join_requests(&team.id).await.unwrap();
        match policy {
            JoinPolicy::Anyone => assert_eq!((members, requests.len()), (17, 0)),
            JoinPolicy::Approval => {
                assert_eq!((members, requests.len()), (1, 16));
                let mut asked: Vec<_> = requests.into_iter().map(|r| r.user_id).collect();
                let mut people: Vec<_> = people.into_iter().map(|p| p.id).collect();
                asked.sort();
                people.sort();
                assert_eq!(asked, people, "one request each, none lost");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_request_decided_by_sixteen_admins_at_once_is_decided_once() {
    let backend = open().await;
    for _ in 0..3 {
        let (team, ada, grace) = setup(&*backend, JoinPolicy::Approval).await;
        let id = unique("req-");
        backend
            .join_team(&team.id, &grace.id, &id, NOW)
            .await
            .unwrap();
        // Half approve, half decline, and the requester withdraws: one of them wins.
        let store = backend.store.clone();
        let (team_id, ada_id, grace_id) = (team.id.clone(), ada.id.clone(), grace.id.clone());
        let outcomes = all_at_once((0..17).collect(), |n: usize| {
            let (store, team_id, ada_id, grace_id, id) = (
                store.clone(),
                team_id.clone(),
                ada_id.clone(),
                grace_id.clone(),
                id.clone(),
            );
            async move {
                if n == 16 {
                    let withdrawn = store
                        .withdraw_join_request(&team_id, &grace_id, NOW + 1)
                        .await
                        .unwrap();
                    return withdrawn.then_some(None);
                }
                let decision = store
                    .decide_join_request(&team_id, &id, n.is_multiple_of(2), &ada_id, NOW + 1)
                    .await
                    .unwrap();
                (decision != Decision::NotPending).then_some(Some(decision))
            }
        })
        .await;
        let decided: Vec<_> = outcomes.into_iter().flatten().collect();
        assert_eq!(decided.len(), 1, "{decided:?}");
        let approved = matches!(decided[0], Some(Decision::Approved { .. }));
        let member = backend.role_in(&team.id, &grace.id).await.unwrap();
        assert_eq!(member.is_some(), approved);
        assert_eq!(
            backend.members(&team.id).await.unwrap().len(),
            1 + usize::from(approved)
        );
        assert!(backend.join_requests(&team.id).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn invitations_are_listed_newest_first() {
    let store = open().await;
    let ada = person(&*store, &domain(), Some(NOW)).await;
    let team = team_of(&*store, &ada).await;
    let mut ids = Vec::new();
    for (n, at) in [NOW, NOW + 10, NOW + 5].into_iter().enumerate() {
        let invitation = NewInvitation {
            id: unique("inv-"),
            team_id: team.id.clone(),
            email: format!("person{n}@{}", domain()),
            role: TeamRole::Member,
            digest: unique("digest-"),
            invited_by: ada.id.clone(),
            now: at,
            expires_at: at + 3600,
        };
        store.invite(&invitation).await.unwrap();
        ids.push((at, invitation.id));
    }
    ids.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let listed: Vec<String> = store
        .invitations(&team.id)
        .await
        .unwrap()
        .into_iter()
        .map(|invitation| invitation.id)
        .collect();
    let expected: Vec<String> = ids.into_iter().map(|(_, id)| id).collect();
    assert_eq!(listed, expected);
}
