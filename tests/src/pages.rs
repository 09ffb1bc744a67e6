//! Courier's own web pages, filled in by a real browser: Create Account, the email
//! confirmation link from the outbox, Sign In, the consent page an app's
//! authorization request shows a browser already signed in, and a team invitation's
//! page. Field names and button
//! texts mirror `crates/server/src/http/pages/`; when those change, this is the one
//! place to follow.

use std::path::Path;

use anyhow::{Result, bail};
use courier_testkit::outbox;
use url::Url;

use crate::browser::Browser;

/// Fills in Create Account at `base`/signup and submits it; succeeds once the server
/// has moved on to Sign In ("check your inbox"). Fails with the page's field errors.
pub async fn sign_up(
    browser: &Browser,
    base: &str,
    email: &str,
    username: &str,
    password: &str,
) -> Result<()> {
    browser.goto(&format!("{base}/signup")).await?;
    sign_up_on_page(browser, email, username, password)
        .await
        .map(drop)
}

/// Fills in the Create Account page the browser is on (reached from an invitation,
/// say) and submits it; returns the Sign In URL ("check your inbox") the server moved
/// on to. Fails with the page's field errors.
pub async fn sign_up_on_page(
    browser: &Browser,
    email: &str,
    username: &str,
    password: &str,
) -> Result<Url> {
    let page = browser.current_url().await?;
    if page.path() != "/signup" {
        bail!("expected the Create Account page, the browser is at {page}");
    }
    browser.fill("email", email).await?;
    browser.fill("username", username).await?;
    browser.fill("password", password).await?;
    browser.check("terms").await?;
    let landed = browser
        .navigate_by(
            "Create free account",
            browser.click_button("Create free account"),
        )
        .await?;
    if landed.path() != "/signin" {
        // The form came back with errors, or an error page replaced it.
        let page = browser.page_text().await?;
        bail!("sign-up of {email} was refused (at {landed}):\n{page}");
    }
    Ok(landed)
}

/// Opens the newest confirmation link mailed to `email` (waiting for the mail; other
/// mail, such as an invitation, passed over) and presses **Confirm email address**;
/// succeeds when the browser is on Sign In saying the address is confirmed.
pub async fn confirm_from_outbox(browser: &Browser, outbox_dir: &Path, email: &str) -> Result<()> {
    let link = outbox::wait_for_link(outbox_dir, email, "/confirm-email?token=").await;
    browser.goto(&link).await?;
    let landed = browser
        .navigate_by(
            "Confirm email address",
            browser.click_button("Confirm email address"),
        )
        .await?;
    let page = browser.page_text().await?;
    if landed.path() != "/signin" || !page.contains("Your email address is confirmed") {
        bail!("confirming {email} failed (at {landed}):\n{page}");
    }
    Ok(())
}

/// [`confirm_from_outbox`] in a new tab, as a person opening the mail's link does,
/// then back to the tab they came from, as they left it.
pub async fn confirm_in_new_tab(browser: &Browser, outbox_dir: &Path, email: &str) -> Result<()> {
    let previous = browser.open_tab().await?;
    confirm_from_outbox(browser, outbox_dir, email).await?;
    browser.close_tab(previous).await
}

/// On the server's Sign In page (with or without `?req=`), signs in as `identifier`
/// (email or username), ticking **Keep me signed in** when `keep`. Returns the URL the
/// browser went on to: `/` for a plain sign-in, the app's redirect URI for an
/// authorization request. Fails with the page's error.
pub async fn sign_in_on_page(
    browser: &Browser,
    identifier: &str,
    password: &str,
    keep: bool,
) -> Result<Url> {
    let page = browser.current_url().await?;
    if page.path() != "/signin" {
        bail!("expected the Sign In page, the browser is at {page}");
    }
    browser.fill("identifier", identifier).await?;
    browser.fill("password", password).await?;
    browser.set_checked("keep", keep).await?;
    let landed = browser
        .navigate_by("Sign In", browser.click_button("Sign In"))
        .await?;
    if landed.path() == "/signin" && landed.origin() == page.origin() {
        let text = browser.page_text().await?;
        bail!("sign-in as {identifier} was refused:\n{text}");
    }
    Ok(landed)
}

/// Waits for the consent page (`/authorize/choose`) a browser already signed in gets
/// for an authorization request, and returns its URL.
pub async fn consent_page(browser: &Browser) -> Result<Url> {
    browser
        .wait_for_url("the consent page", |url| url.path() == "/authorize/choose")
        .await
}

/// On the consent page, presses **Continue as `account`** (its email address: the
/// button must name it). Returns the URL the browser went on to (the app's redirect URI).
pub async fn continue_as(browser: &Browser, account: &str) -> Result<Url> {
    let consent = consent_page(browser).await?;
    let button = format!("Continue as {account}");
    let landed = browser
        .navigate_by(&button, browser.click_button(&button))
        .await?;
    if landed.path() == "/authorize/choose" && landed.origin() == consent.origin() {
        let text = browser.page_text().await?;
        bail!("the consent page did not continue:\n{text}");
    }
    Ok(landed)
}

/// On the consent page, picks **Use another account**; returns once the browser is
/// on Sign In for the same request.
pub async fn use_another_account(browser: &Browser) -> Result<Url> {
    consent_page(browser).await?;
    let landed = browser
        .navigate_by(
            "Use another account",
            browser.click_link("Use another account"),
        )
        .await?;
    if landed.path() != "/signin" {
        bail!("Use another account went to {landed}");
    }
    Ok(landed)
}

/// On a team invitation's page (`/invitations/accept`), signed out, follows **Sign
/// In** or **Create Account** (`link`); returns the page it led to, which must carry
/// the invitation to come back to.
pub async fn leave_invitation_page_by(browser: &Browser, link: &str) -> Result<Url> {
    let page = browser.current_url().await?;
    if page.path() != "/invitations/accept" {
        bail!("expected the invitation page, the browser is at {page}");
    }
    let landed = browser.navigate_by(link, browser.click_link(link)).await?;
    if !landed.query_pairs().any(|(name, _)| name == "invitation") {
        bail!("{link} on the invitation page lost the invitation: {landed}");
    }
    Ok(landed)
}

/// On a team invitation's page, signed in, presses **Join `team`**; succeeds when the
/// server says so ("You joined `team`").
pub async fn join_on_invitation_page(browser: &Browser, team: &str) -> Result<()> {
    let page = browser.current_url().await?;
    if page.path() != "/invitations/accept" {
        bail!("expected the invitation page, the browser is at {page}");
    }
    let button = format!("Join {team}");
    browser
        .navigate_by(&button, browser.click_button(&button))
        .await?;
    let text = browser.page_text().await?;
    if !text.contains(&format!("You joined {team}")) {
        bail!("joining {team} failed:\n{text}");
    }
    Ok(())
}
