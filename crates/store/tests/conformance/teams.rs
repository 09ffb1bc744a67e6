//! Teams: URLs unique case-insensitively, the creator its admin, roles and removal
//! that never leave a team without an admin (also when admins race), and
//! invitations: renewed rather than doubled, judged cancelled → accepted → expired,
//! accepted once (the second time refused, a member's acceptance spending it; also
//! when sixteen accounts present one link at once).

use courier_store::{
    Acceptance, InvitationRefusal, Invited, MemberChange, NewInvitation, Store, StoreError,
    TeamRecord, TeamRole, User,
};

use crate::backend::{NOW, all_at_once, open, unique, user};

/// A week, as invitations last.
const WEEK: i64 = 7 * 24 * 3600;

fn team(slug: &str) -> TeamRecord {
    TeamRecord {
        id: unique("team-"),
        name: format!("Team {slug}"),
        slug: slug.to_owned(),
        created_at: NOW,
        updated_at: NOW,
    }
}

async fn team_of(store: &dyn Store, admin: &User) -> TeamRecord {
    let team = team(&unique("t"));
    store.create_team(&team, &admin.id).await.unwrap();
    team
}

async fn admins_of(store: &dyn Store, team: &TeamRecord) -> usize {
    let members = store.members(&team.id).await.unwrap();
    members.iter().filter(|m| m.role == TeamRole::Admin).count()
}

fn invitation(team: &TeamRecord, email: &str, by: &User) -> NewInvitation {
    NewInvitation {
        id: unique("inv-"),
        team_id: team.id.clone(),
        email: email.to_owned(),
        role: TeamRole::Member,
        digest: unique("digest-"),
        invited_by: by.id.clone(),
        now: NOW,
        expires_at: NOW + WEEK,
    }
}

#[tokio::test]
async fn a_team_is_found_by_id_and_url_its_creator_is_its_admin_and_urls_are_unique() {
    let store = open().await;
    let ada = user(&*store).await;
    let slug = unique("Acme");
    let acme = team(&slug);
    store.create_team(&acme, &ada.id).await.unwrap();
    assert_eq!(store.team(&acme.id).await.unwrap(), Some(acme.clone()));
    assert_eq!(
        store.team_by_slug(&slug.to_uppercase()).await.unwrap(),
        Some(acme.clone())
    );
    assert_eq!(
        store.role_in(&acme.id, &ada.id).await.unwrap(),
        Some(TeamRole::Admin)
    );
    let teams = store.teams_of(&ada.id).await.unwrap();
    assert_eq!(teams.len(), 1);
    assert_eq!(
        (teams[0].team.id.as_str(), teams[0].role),
        (acme.id.as_str(), TeamRole::Admin)
    );

    // The same URL in another case is taken, and nothing of the refused team stays.
    let copy = team(&slug.to_lowercase());
    let refused = store.create_team(&copy, &ada.id).await.unwrap_err();
    assert!(
        matches!(refused, StoreError::Conflict("team URL")),
        "{refused:?}"
    );
    assert_eq!(store.team(&copy.id).await.unwrap(), None);
    assert_eq!(store.teams_of(&ada.id).await.unwrap().len(), 1);

    // Renamed and moved to a free URL; another team's URL is refused.
    let other = team_of(&*store, &ada).await;
    let moved = unique("acme-two");
    assert!(
        store
            .update_team(&acme.id, "Acme Two", &moved, NOW + 1)
            .await
            .unwrap()
    );
    let acme_now = store.team(&acme.id).await.unwrap().unwrap();
    assert_eq!(
        (acme_now.name.as_str(), acme_now.slug.as_str()),
        ("Acme Two", moved.as_str())
    );
    assert_eq!(acme_now.updated_at, NOW + 1);
    let taken = store
        .update_team(&acme.id, "Acme", &other.slug, NOW + 2)
        .await
        .unwrap_err();
    assert!(
        matches!(taken, StoreError::Conflict("team URL")),
        "{taken:?}"
    );
    assert!(
        !store
            .update_team("no-such-team", "X", &unique("x"), NOW)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn roles_change_and_members_go_but_the_last_admin_stays() {
    let store = open().await;
    let (ada, grace) = (user(&*store).await, user(&*store).await);
    let acme = team_of(&*store, &ada).await;
    let outsider = user(&*store).await;

    // Grace joins by invitation as a member; the list puts admins first.
    let invited = invitation(&acme, &grace.email, &ada);
    store.invite(&invited).await.unwrap();
    let joined = store
        .accept_invitation(&invited.digest, &grace.id, NOW + 5)
        .await
        .unwrap();
    assert_eq!(
        joined,
        Acceptance::Joined {
            team_id: acme.id.clone(),
            role: TeamRole::Member
        }
    );
    let members = store.members(&acme.id).await.unwrap();
    let listed: Vec<_> = members
        .iter()
        .map(|m| (m.user_id.as_str(), m.role))
        .collect();
    assert_eq!(
        listed,
        [
            (ada.id.as_str(), TeamRole::Admin),
            (grace.id.as_str(), TeamRole::Member)
        ]
    );
    assert_eq!(members[1].email, grace.email);
    assert_eq!(members[1].joined_at, NOW + 5);

    // The only admin can be neither demoted nor removed; a non-member is no member.
    assert_eq!(
        store
            .set_role(&acme.id, &ada.id, TeamRole::Member)
            .await
            .unwrap(),
        MemberChange::LastAdmin
    );
    assert_eq!(
        store.remove_member(&acme.id, &ada.id).await.unwrap(),
        MemberChange::LastAdmin
    );
    assert_eq!(
        store
            .set_role(&acme.id, &outsider.id, TeamRole::Admin)
            .await
            .unwrap(),
        MemberChange::NotMember
    );
    assert_eq!(
        store.role_in(&acme.id, &ada.id).await.unwrap(),
        Some(TeamRole::Admin)
    );

    // With a second admin, the first may step down, and then leave.
    assert_eq!(
        store
            .set_role(&acme.id, &grace.id, TeamRole::Admin)
            .await
            .unwrap(),
        MemberChange::Done
    );
    assert_eq!(
        store
            .set_role(&acme.id, &ada.id, TeamRole::BillingManager)
            .await
            .unwrap(),
        MemberChange::Done
    );
    assert_eq!(
        store.role_in(&acme.id, &ada.id).await.unwrap(),
        Some(TeamRole::BillingManager)
    );
    assert_eq!(
        store.remove_member(&acme.id, &ada.id).await.unwrap(),
        MemberChange::Done
    );
    assert_eq!(store.role_in(&acme.id, &ada.id).await.unwrap(), None);
    assert!(store.teams_of(&ada.id).await.unwrap().is_empty());
    assert_eq!(
        store.remove_member(&acme.id, &ada.id).await.unwrap(),
        MemberChange::NotMember
    );
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    let store = open().await;
    let (ada, grace) = (user(&*store).await, user(&*store).await);
    let acme = team_of(&*store, &ada).await;
    let invited = NewInvitation {
        role: TeamRole::Admin,
        ..invitation(&acme, &grace.email, &ada)
    };
    store.invite(&invited).await.unwrap();
    store
        .accept_invitation(&invited.digest, &grace.id, NOW)
        .await
        .unwrap();

    let (first, second) = tokio::join!(
        store.set_role(&acme.id, &ada.id, TeamRole::Member),
        store.set_role(&acme.id, &grace.id, TeamRole::Member),
    );
    let outcomes = [first.unwrap(), second.unwrap()];
    assert!(outcomes.contains(&MemberChange::Done), "{outcomes:?}");
    assert!(outcomes.contains(&MemberChange::LastAdmin), "{outcomes:?}");
    assert_eq!(admins_of(&*store, &acme).await, 1);
}

#[tokio::test]
async fn inviting_an_address_again_renews_its_invitation_and_the_old_link_stops_working() {
    let store = open().await;
    let ada = user(&*store).await;
    let acme = team_of(&*store, &ada).await;
    let email = format!("{}@example.test", unique("New.Person"));
    let first = invitation(&acme, &email, &ada);
    let created = store.invite(&first).await.unwrap();
    assert_eq!(
        created,
        Invited::Created {
            id: first.id.clone()
        }
    );
    let again = NewInvitation {
        email: email.to_uppercase(),
        role: TeamRole::BillingManager,
        now: NOW + 60,
        expires_at: NOW + 60 + WEEK,
        ..invitation(&acme, &email, &ada)
    };
    assert_eq!(
        store.invite(&again).await.unwrap(),
        Invited::Renewed {
            id: first.id.clone()
        }
    );

    let pending = store.invitations(&acme.id).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].id, first.id);
    assert_eq!(pending[0].email, email, "the address as first written");
    assert_eq!(pending[0].role, TeamRole::BillingManager);
    assert_eq!((pending[0].created_at, pending[0].sent_at), (NOW, NOW + 60));
    assert_eq!(
        store
            .check_invitation(&first.digest, NOW + 61)
            .await
            .unwrap(),
        Err(InvitationRefusal::Unknown)
    );
    let live = store
        .check_invitation(&again.digest, NOW + 61)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (live.id.as_str(), live.role),
        (first.id.as_str(), TeamRole::BillingManager)
    );

    // Renewing by id (Resend) moves the token and the expiry again.
    let digest = unique("digest-");
    assert!(
        store
            .renew_invitation(&acme.id, &first.id, &digest, NOW + 120, NOW + 120 + WEEK)
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .check_invitation(&again.digest, NOW + 121)
            .await
            .unwrap(),
        Err(InvitationRefusal::Unknown)
    );
    assert!(
        store
            .check_invitation(&digest, NOW + 121)
            .await
            .unwrap()
            .is_ok()
    );
    // Not through another team.
    let other = team_of(&*store, &ada).await;
    assert!(
        !store
            .renew_invitation(&other.id, &first.id, &unique("d"), NOW, NOW + WEEK)
            .await
            .unwrap()
    );
    assert!(
        !store
            .cancel_invitation(&other.id, &first.id, NOW)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn an_invitation_is_accepted_once_and_refused_once_cancelled_or_expired() {
    let store = open().await;
    let (ada, grace, alan) = (
        user(&*store).await,
        user(&*store).await,
        user(&*store).await,
    );
    let acme = team_of(&*store, &ada).await;

    // Accepted by Grace; the same link again (by anyone) is spent.
    let invited = invitation(&acme, &grace.email, &ada);
    store.invite(&invited).await.unwrap();
    assert!(matches!(
        store
            .accept_invitation(&invited.digest, &grace.id, NOW + 1)
            .await
            .unwrap(),
        Acceptance::Joined { .. }
    ));
    for who in [&grace, &alan] {
        assert_eq!(
            store
                .accept_invitation(&invited.digest, &who.id, NOW + 2)
                .await
                .unwrap(),
            Acceptance::Refused(InvitationRefusal::AlreadyAccepted)
        );
    }
    assert!(store.invitations(&acme.id).await.unwrap().is_empty());
    assert_eq!(store.role_in(&acme.id, &alan.id).await.unwrap(), None);

    // A member accepting another invitation stays as they were; it is spent.
    let second = NewInvitation {
        role: TeamRole::Admin,
        ..invitation(&acme, &grace.email, &ada)
    };
    store.invite(&second).await.unwrap();
    assert_eq!(
        store
            .accept_invitation(&second.digest, &grace.id, NOW + 3)
            .await
            .unwrap(),
        Acceptance::AlreadyMember {
            team_id: acme.id.clone()
        }
    );
    assert_eq!(
        store.role_in(&acme.id, &grace.id).await.unwrap(),
        Some(TeamRole::Member)
    );

    // Cancelled: refused, and cancelling twice finds nothing pending.
    let cancelled = invitation(&acme, &alan.email, &ada);
    store.invite(&cancelled).await.unwrap();
    assert!(
        store
            .cancel_invitation(&acme.id, &cancelled.id, NOW + 4)
            .await
            .unwrap()
    );
    assert!(
        !store
            .cancel_invitation(&acme.id, &cancelled.id, NOW + 5)
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .accept_invitation(&cancelled.digest, &alan.id, NOW + 6)
            .await
            .unwrap(),
        Acceptance::Refused(InvitationRefusal::Cancelled)
    );

    // Expired from its expires_at second on; until then it can be accepted.
    let late = invitation(&acme, &alan.email, &ada);
    store.invite(&late).await.unwrap();
    assert!(
        store
            .check_invitation(&late.digest, NOW + WEEK - 1)
            .await
            .unwrap()
            .is_ok()
    );
    assert_eq!(
        store
            .accept_invitation(&late.digest, &alan.id, NOW + WEEK)
            .await
            .unwrap(),
        Acceptance::Refused(InvitationRefusal::Expired)
    );
    assert_eq!(store.role_in(&acme.id, &alan.id).await.unwrap(), None);
    assert_eq!(
        store.invitations(&acme.id).await.unwrap().len(),
        1,
        "expired ones stay listed"
    );
}

#[tokio::test]
async fn one_invitation_accepted_by_two_accounts_at_once_admits_one() {
    let store = open().await;
    let (ada, grace, alan) = (
        user(&*store).await,
        user(&*store).await,
        user(&*store).await,
    );
    let acme = team_of(&*store, &ada).await;
    let invited = invitation(&acme, &grace.email, &ada);
    store.invite(&invited).await.unwrap();
    let (first, second) = tokio::join!(
        store.accept_invitation(&invited.digest, &grace.id, NOW),
        store.accept_invitation(&invited.digest, &alan.id, NOW),
    );
    let outcomes = [first.unwrap(), second.unwrap()];
    let joined = outcomes
        .iter()
        .filter(|o| matches!(o, Acceptance::Joined { .. }))
        .count();
    assert_eq!(joined, 1, "{outcomes:?}");
    assert!(outcomes.contains(&Acceptance::Refused(InvitationRefusal::AlreadyAccepted)));
    assert_eq!(store.members(&acme.id).await.unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn admins_all_stepping_down_at_once_leave_exactly_one_admin() {
    let backend = open().await;
    let ada = user(&*backend).await;
    let acme = team_of(&*backend, &ada).await;
    let mut admins = vec![ada.clone()];
    for _ in 0..7 {
        let other = user(&*backend).await;
        let invited = NewInvitation {
            role: TeamRole::Admin,
            ..invitation(&acme, &other.email, &ada)
        };
        backend.invite(&invited).await.unwrap();
        backend
            .accept_invitation(&invited.digest, &other.id, NOW)
            .await
            .unwrap();
        admins.push(other);
    }
    // Half step down to member, half leave, all at once.
    let store = backend.store.clone();
    let team_id = acme.id.clone();
    let outcomes = all_at_once(admins.into_iter().enumerate().collect(), |(n, who)| {
        let (store, team_id) = (store.clone(), team_id.clone());
        async move {
            if n.is_multiple_of(2) {
                store.set_role(&team_id, &who.id, TeamRole::Member).await
            } else {
                store.remove_member(&team_id, &who.id).await
            }
            .unwrap()
        }
    })
    .await;
    let last = outcomes
        .iter()
        .filter(|o| **o == MemberChange::LastAdmin)
        .count();
    let done = outcomes
        .iter()
        .filter(|o| **o == MemberChange::Done)
        .count();
    assert_eq!((last, done), (1, 7), "{outcomes:?}");
    assert_eq!(admins_of(&*backend, &acme).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_invitation_accepted_by_sixteen_accounts_at_once_admits_one() {
    let backend = open().await;
    let ada = user(&*backend).await;
    let acme = team_of(&*backend, &ada).await;
    let mut people = Vec::new();
    for _ in 0..16 {
        people.push(user(&*backend).await);
    }
    let invited = invitation(&acme, &people[0].email, &ada);
    backend.invite(&invited).await.unwrap();
    let store = backend.store.clone();
    let digest = invited.digest.clone();
    let outcomes = all_at_once(people, |who: User| {
        let (store, digest) = (store.clone(), digest.clone());
        async move {
            store
                .accept_invitation(&digest, &who.id, NOW)
                .await
                .unwrap()
        }
    })
    .await;
    let joined = outcomes
        .iter()
        .filter(|o| matches!(o, Acceptance::Joined { .. }))
        .count();
    let refused = outcomes
        .iter()
        .filter(|o| **o == Acceptance::Refused(InvitationRefusal::AlreadyAccepted))
        .count();
    assert_eq!((joined, refused), (1, 15), "{outcomes:?}");
    assert_eq!(backend.members(&acme.id).await.unwrap().len(), 2);
}
