//! Account rules that pages and (later) the API share: creating an account without
//! revealing whether an address is taken, and sending and resending email
//! confirmation links (24 hours, single use).

use secrecy::SecretString;

use crate::error::Error;
use crate::platform::clock::{Clock, durations};
use crate::platform::crypto::{new_id, new_token, token_digest};
use crate::platform::issuer::Issuer;
use crate::platform::mail::{Mail, Mailer};
use crate::platform::password::PasswordHasher;
use courier_store::{LinkPurpose, MailLink, Store, User};

/// How long an email confirmation link works.
pub const CONFIRM_LINK_LIFETIME: i64 = durations::DAY;

/// What signing up and confirming an address need from the server.
pub struct Deps<'a> {
    pub store: &'a dyn Store,
    pub clock: &'a dyn Clock,
    pub passwords: &'a PasswordHasher,
    pub mailer: &'a Mailer,
    /// Builds the links in the mails.
    pub issuer: &'a Issuer,
}

#[derive(Debug, thiserror::Error)]
pub enum SignUpError {
    /// Usernames are public, so saying one is taken reveals nothing private.
    #[error("username taken")]
    UsernameTaken,
    #[error(transparent)]
    Internal(#[from] Error),
}

impl From<courier_store::StoreError> for SignUpError {
    fn from(error: courier_store::StoreError) -> Self {
        Self::Internal(error.into())
    }
}

/// Creates the account and mails a confirmation link, or, when the address already
/// has an account, mails its owner instead. Both take one password hash and answer
/// the same, so the caller cannot tell which happened; and the new account's
/// password only works once the address is confirmed ([`super::password_opens`]),
/// so signing in right after cannot tell either.
pub async fn sign_up(
    deps: &Deps<'_>,
    email: &str,
    username: &str,
    password: &SecretString,
) -> Result<(), SignUpError> {
    let password_hash = deps.passwords.hash(password).await?;
    if let Some(existing) = deps.store.user_by_email(email).await? {
        mail_existing_account(deps, &existing).await?;
        return Ok(());
    }
    let user = User {
        id: new_id(),
        email: email.to_owned(),
        username: username.to_owned(),
        password_hash,
        name: None,
        email_confirmed_at: None,
        created_at: deps.clock.now(),
    };
    match deps.store.create_user(&user).await {
        Ok(()) => {}
        Err(error) if error.is_conflict() => {
            // Lost a race: the address or the username was taken in the meantime.
            return match deps.store.user_by_email(email).await? {
                Some(existing) => {
                    mail_existing_account(deps, &existing).await?;
                    Ok(())
                }
                None => Err(SignUpError::UsernameTaken),
            };
        }
        Err(error) => return Err(error.into()),
    }
    send_confirmation(deps, &user).await?;
    Ok(())
}

async fn mail_existing_account(deps: &Deps<'_>, user: &User) -> Result<(), Error> {
    let signin = deps.issuer.url("/signin");
    deps.mailer
        .send_on_request(Mail {
            to: user.email.clone(),
            subject: "Someone tried to create a Courier account with your address".to_owned(),
            body: format!(
                "Hello {username},\n\nSomeone (maybe you) tried to create a new Courier account \
             with this email address, which already belongs to your account \"{username}\".\n\n\
             To sign in, go to {signin} (forgot your password? Trouble signing in? on that \
             page sends you a link to choose a new one).\n\nIf this wasn't you, you can \
             ignore this mail: nothing has changed.\n",
                username = user.username
            ),
            links: vec![signin],
        })
        .await
}

/// Mails `user` a fresh link that confirms their current address.
pub async fn send_confirmation(deps: &Deps<'_>, user: &User) -> Result<(), Error> {
    let now = deps.clock.now();
    let token = new_token("cel");
    deps.store
        .insert_mail_link(&MailLink {
            digest: token_digest(&token),
            user_id: user.id.clone(),
            purpose: LinkPurpose::ConfirmEmail,
            email: user.email.clone(),
            created_at: now,
            expires_at: now + CONFIRM_LINK_LIFETIME,
        })
        .await?;
    let link = deps.issuer.url(&format!("/confirm-email?token={token}"));
    deps.mailer
        .send_on_request(Mail {
            to: user.email.clone(),
            subject: "Confirm your email address for Courier".to_owned(),
            body: format!(
                "Welcome to Courier, {username}!\n\nConfirm your email address to finish setting \
             up your account; then sign in with the password you chose:\n\n{link}\n\nThe \
             link works once, for 24 hours. If you did not create a Courier account, ignore \
             this mail.\n",
                username = user.username
            ),
            links: vec![link],
        })
        .await
}

/// Sends a new confirmation link if `email` belongs to an unconfirmed account;
/// silently does nothing otherwise.
pub async fn resend_confirmation(deps: &Deps<'_>, email: &str) -> Result<(), Error> {
    match deps.store.user_by_email(email).await? {
        Some(user) if user.email_confirmed_at.is_none() => send_confirmation(deps, &user).await,
        _ => Ok(()),
    }
}
