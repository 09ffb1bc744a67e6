//! A team invitation accepted in headless Chromium on a real server: an admin invites
//! an address through the client's API; the browser opens the link from the outbox,
//! signs up (confirming the address in the same tab, or in a new one and back) or
//! signs in to an existing account, comes back to the invitation and joins; the
//! admin's API then lists the member, and an invitee's app already signed in hears
//! of the team at once on its events channel.

use std::time::Duration;

use anyhow::{Context as _, Result, bail, ensure};
use courier_client::channel::{self, AccountEvent, EventsOptions};
use courier_proto::TeamRole;
use courier_testkit::{PASSWORD, TestServer, wait_for_link};
use courier_tests::pages::confirm_in_new_tab;
use courier_tests::{
    Browser, SignedInClient, confirm_from_outbox, join_on_invitation_page,
    leave_invitation_page_by, sign_in_on_page, sign_up_on_page,
};
use tokio::sync::mpsc;

const TEAM: &str = "Acme QA";
const GRACE: &str = "grace@example.com";

/// Ada, signed in as the app, admin of a new team; returns her client and the team id.
async fn ada_with_team(server: &TestServer) -> Result<(SignedInClient, String)> {
    server.confirmed_account("ada@example.com", "ada").await;
    let ada = SignedInClient::new(server, "ada").await?;
    let team = ada.api().create_team(TEAM, "acme-qa").await?;
    Ok((ada, team.id))
}

/// Ada invites Grace's address; returns the link mailed to it.
async fn invite_grace(server: &TestServer, ada: &SignedInClient, team: &str) -> Result<String> {
    ada.api()
        .invite(team, &[GRACE.to_owned()], TeamRole::Member)
        .await?;
    Ok(wait_for_link(&server.outbox(), GRACE, "/invitations/accept?token=").await)
}

/// The usernames of the team's members, as its admin's app lists them.
async fn member_names(ada: &SignedInClient, team: &str) -> Result<Vec<String>> {
    let mut names: Vec<String> = ada
        .api()
        .team_members(team)
        .await?
        .into_iter()
        .map(|member| member.username)
        .collect();
    names.sort();
    Ok(names)
}

/// Signs Grace up from the invitation page at `link`; returns the Sign In page
/// ("check your inbox") the browser is left on.
async fn sign_up_from_invitation(browser: &Browser, link: &str) -> Result<url::Url> {
    browser.goto(link).await?;
    ensure!(
        browser
            .page_text()
            .await?
            .contains(&format!("Join {TEAM} on Courier")),
        "not the invitation page"
    );
    leave_invitation_page_by(browser, "Create Account").await?;
    sign_up_on_page(browser, GRACE, "grace", PASSWORD).await
}

/// Signs in on the Sign In page the browser is on and expects to be back at `link`.
async fn sign_in_back_to(browser: &Browser, link: &str) -> Result<()> {
    let landed = sign_in_on_page(browser, "grace", PASSWORD, false).await?;
    if landed.as_str() != link {
        bail!("signing in went to {landed}, not back to the invitation {link}");
    }
    Ok(())
}

#[tokio::test]
async fn chromium_signs_up_from_an_invitation_confirms_in_the_same_tab_and_joins() -> Result<()> {
    let server = TestServer::start().await;
    let (ada, team) = ada_with_team(&server).await?;
    let link = invite_grace(&server, &ada, &team).await?;

    let browser = Browser::launch().await?;
    sign_up_from_invitation(&browser, &link).await?;
    // The mail's link opened in this very tab: on to Sign In, still for the invitation.
    confirm_from_outbox(&browser, &server.outbox(), GRACE).await?;
    sign_in_back_to(&browser, &link).await?;
    ensure!(
        member_names(&ada, &team).await? == ["ada"],
        "joined too early"
    );
    join_on_invitation_page(&browser, TEAM).await?;
    browser.close().await?;

    ensure!(
        member_names(&ada, &team).await? == ["ada", "grace"],
        "Grace is not listed as a member"
    );
    Ok(())
}

#[tokio::test]
async fn chromium_signs_up_from_an_invitation_confirms_in_a_new_tab_and_joins() -> Result<()> {
    let server = TestServer::start().await;
    let (ada, team) = ada_with_team(&server).await?;
    let link = invite_grace(&server, &ada, &team).await?;

    let browser = Browser::launch().await?;
    let check_inbox = sign_up_from_invitation(&browser, &link).await?;
    confirm_in_new_tab(&browser, &server.outbox(), GRACE).await?;
    // Back in the tab left on Sign In ("check your inbox").
    ensure!(
        browser.current_url().await? == check_inbox,
        "not back on Sign In"
    );
    sign_in_back_to(&browser, &link).await?;
    join_on_invitation_page(&browser, TEAM).await?;
    browser.close().await?;

    ensure!(member_names(&ada, &team).await? == ["ada", "grace"]);
    Ok(())
}

#[tokio::test]
async fn chromium_signs_in_to_an_existing_account_from_an_invitation_and_its_app_sees_the_team()
-> Result<()> {
    let server = TestServer::start().await;
    let (ada, team) = ada_with_team(&server).await?;
    server.confirmed_account(GRACE, "grace").await;
    let grace = SignedInClient::new(&server, "grace").await?;
    let (sink, mut events) = mpsc::unbounded_channel();
    let channel = channel::spawn(
        grace.courier.clone(),
        grace.account_id.clone(),
        EventsOptions::default(),
        sink,
    );
    let connected = tokio::time::timeout(Duration::from_secs(10), events.recv()).await?;
    ensure!(
        matches!(connected, Some(AccountEvent::Connected { .. })),
        "the events channel did not connect: {connected:?}"
    );
    ensure!(grace.api().teams().await?.is_empty());

    let link = invite_grace(&server, &ada, &team).await?;
    let browser = Browser::launch().await?;
    browser.goto(&link).await?;
    leave_invitation_page_by(&browser, "Sign In").await?;
    sign_in_back_to(&browser, &link).await?;
    join_on_invitation_page(&browser, TEAM).await?;
    browser.close().await?;

    // The app hears of it at once (no polling), and then lists the team.
    let heard = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .context("no event within 5 s of joining")?;
    ensure!(
        matches!(&heard, Some(AccountEvent::TeamsChanged { team_id, .. }) if *team_id == team),
        "expected teams_changed for the team, got {heard:?}"
    );
    let teams = grace.api().teams().await?;
    ensure!(teams.len() == 1 && teams[0].id == team && teams[0].name == TEAM);
    ensure!(member_names(&ada, &team).await? == ["ada", "grace"]);
    channel.stop().await;
    Ok(())
}
