//! The client's teams API against a real server: a team created with a suggested
//! URL, a second account invited and joining through the mailed link's token, roles,
//! the server's refusals arriving as `{kind}` errors (a member acting as admin, the
//! last admin leaving, a spent link), and leaving.

#![allow(clippy::unwrap_used)]

use courier_proto::TeamRole;
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
