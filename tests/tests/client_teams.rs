//! The client's teams API against a real server: a team created with a suggested
//! URL, a second account invited and joining through the mailed link's token, roles,
//! the server's refusals arriving as `{kind}` errors (a member acting as admin, the
//! last admin leaving, a spent link), and leaving; and a team found by its email
//! domain, asked to join and the request approved.

#![allow(clippy::unwrap_used)]

use courier_proto::{DiscoverySettings, JoinOutcome, JoinPolicy, TeamRole};
use courier_testkit::{TestServer, wait_for_invitation_token};
use courier_tests::SignedInClient;

#[tokio::test]
async fn a_team_is_created_joined_by_invitation_managed_and_left_through_the_client() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    server.confirmed_account("grace@example.com", "grace").await;
    let ada = SignedInClient::new(&server, "ada").await.unwrap();
    let grace = SignedInClient::new(&server, "grace").await.unwrap();

    let slug = ada.api().team_url_suggestion("Acme QA").await.unwrap();
    assert_eq!(slug, "acme-qa");
    let team = ada.api().create_team("Acme QA", &slug).await.unwrap();
    assert_eq!(team.role, TeamRole::Admin);
    assert_eq!(
        ada.api().team_url_suggestion("Acme QA").await.unwrap(),
        "acme-qa-2"
    );

    // Grace finds nothing until she accepts the mailed invitation.
    let hidden = grace.api().team_members(&team.id).await.unwrap_err();
    assert_eq!(hidden.kind(), "not_found");
    let sent = ada
        .api()
        .invite(
            &team.id,
            &["grace@example.com".to_owned()],
            TeamRole::Member,
        )
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(ada.api().team_invitations(&team.id).await.unwrap().len(), 1);
    let token = wait_for_invitation_token(&server.outbox(), "grace@example.com", 1).await;
    let joined = grace.api().accept_invitation(&token).await.unwrap();
    assert_eq!(
        (joined.id.as_str(), joined.role),
        (team.id.as_str(), TeamRole::Member)
    );
    let spent = grace.api().accept_invitation(&token).await.unwrap_err();
    assert_eq!(spent.kind(), "conflict");
    assert!(
        spent.to_string().contains("already been accepted"),
        "{spent}"
    );

    // A member cannot act as admin; the last admin cannot leave.
    let refused = grace
        .api()
        .update_team(&team.id, "Mine", "mine-now")
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), "forbidden");
    let last = ada.api().leave_team(&team.id).await.unwrap_err();
    assert_eq!(last.kind(), "conflict");

    // Grace made admin; Ada leaves; the team is Grace's alone.
    let members = ada.api().team_members(&team.id).await.unwrap();
    let grace_id = &members[1].user_id;
    let promoted = ada
        .api()
        .set_member_role(&team.id, grace_id, TeamRole::Admin)
        .await
        .unwrap();
    assert_eq!(promoted.role, TeamRole::Admin);
    ada.api().leave_team(&team.id).await.unwrap();
    assert!(ada.api().teams().await.unwrap().is_empty());
    let members = grace.api().team_members(&team.id).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].username, "grace");
}

#[tokio::test]
async fn a_team_is_found_by_domain_asked_to_join_and_approved_through_the_client() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@acme.test", "ada").await;
    server.confirmed_account("grace@acme.test", "grace").await;
    server.confirmed_account("dan@other.test", "dan").await;
    let ada = SignedInClient::new(&server, "ada").await.unwrap();
    let grace = SignedInClient::new(&server, "grace").await.unwrap();
    let dan = SignedInClient::new(&server, "dan").await.unwrap();
    let team = ada.api().create_team("Acme QA", "acme-qa").await.unwrap();

    let discovery = ada.api().team_discovery(&team.id).await.unwrap();
    assert_eq!(discovery.claimable_domains, ["acme.test"]);
    let on = |domain: &str| DiscoverySettings {
        enabled: true,
        join_policy: JoinPolicy::Approval,
        domains: vec![domain.to_owned()],
    };
    let public = ada
        .api()
        .set_team_discovery(&team.id, &on("gmail.com"))
        .await
        .unwrap_err();
    assert_eq!(public.kind(), "invalid_input");
    let saved = ada
        .api()
        .set_team_discovery(&team.id, &on("acme.test"))
        .await
        .unwrap();
    assert!(saved.enabled);

    // Grace, on the domain, finds it and asks; Dan, elsewhere, finds nothing.
    assert!(dan.api().discoverable_teams().await.unwrap().is_empty());
    assert_eq!(
        dan.api().join_team(&team.id).await.unwrap_err().kind(),
        "not_found"
    );
    let found = grace.api().discoverable_teams().await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].id.as_str(), found[0].member_count),
        (team.id.as_str(), 1)
    );
    let JoinOutcome::Requested { request_id } = grace.api().join_team(&team.id).await.unwrap()
    else {
        panic!("policy approval asks")
    };
    assert!(grace.api().discoverable_teams().await.unwrap()[0].request_pending);

    // Ada approves the waiting request; Grace is in.
    let waiting = ada.api().join_requests(&team.id).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(
        (waiting[0].id.as_str(), waiting[0].username.as_str()),
        (request_id.as_str(), "grace")
    );
    let member = ada
        .api()
        .approve_join_request(&team.id, &request_id)
        .await
        .unwrap();
    assert_eq!(member.role, TeamRole::Member);
    assert_eq!(grace.api().teams().await.unwrap()[0].id, team.id);
    assert!(grace.api().discoverable_teams().await.unwrap().is_empty());
    assert_eq!(
        grace
            .api()
            .decline_join_request(&team.id, &request_id)
            .await
            .unwrap_err()
            .kind(),
        "forbidden"
    );
}
