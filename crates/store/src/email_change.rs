//! Changing an account's address: recording the waiting address with its link, and
//! following the link. [`confirmation`] decides what following it does.

use crate::links::{LinkOutcome, LiveLink};
use crate::{MailLink, Result, UnixTime};

/// What following an email-change link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailChangeOutcome {
    /// The account's address is now `new_email`; the link is spent.
    Changed {
        user_id: String,
        old_email: String,
        new_email: String,
    },
    /// A later request replaced (or cancelled) this address; the link is spent and
    /// nothing changed.
    Superseded,
    /// Another account has the address now; nothing changed, the link still works.
    Taken,
    Expired,
    AlreadyUsed,
    Unknown,
}

/// The email change of Account Settings.
#[async_trait::async_trait]
pub trait EmailChanges: Send + Sync {
    /// Records `new_email` as waiting and stores its confirmation `link` (spending
    /// the account's earlier change links). Without a link (the address belongs to
    /// another account) only the waiting address is recorded; without an address the
    /// waiting change is cancelled (its links spent).
    async fn request_email_change(
        &self,
        user_id: &str,
        new_email: Option<&str>,
        link: Option<&MailLink>,
        now: UnixTime,
    ) -> Result<()>;
    /// Spends an email-change link and, if its address is still the one waiting,
    /// makes it the account's address (confirmed) and spends the account's unspent
    /// password reset links (they went to the old address). If another account took
    /// the address meanwhile, nothing changes and the link stays unspent (`Taken`).
    async fn confirm_email_change(&self, digest: &str, now: UnixTime)
    -> Result<EmailChangeOutcome>;
}

/// What to do with an email-change link, once judged and its account read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Confirmation {
    /// Refuse with this outcome; nothing to write (the link stays as it is).
    Refuse(EmailChangeOutcome),
    /// Spend the link and change nothing else.
    Supersede,
    /// Spend the link and make `new_email` the account's confirmed address; a
    /// conflict there rolls everything back and answers `Taken`.
    Change {
        user_id: String,
        old_email: String,
        new_email: String,
    },
}

/// Decides an email-change confirmation from the judged link and the account's
/// `(email, pending_email)` (`None`: the account is gone). The waiting address must
/// still equal the link's, case-insensitively.
pub(crate) fn confirmation(
    link: Result<LiveLink, LinkOutcome>,
    account: Option<(String, Option<String>)>,
) -> Confirmation {
    let LiveLink { user_id, email } = match link {
        Ok(live) => live,
        Err(LinkOutcome::Expired) => return Confirmation::Refuse(EmailChangeOutcome::Expired),
        Err(LinkOutcome::AlreadyUsed) => {
            return Confirmation::Refuse(EmailChangeOutcome::AlreadyUsed);
        }
        Err(_) => return Confirmation::Refuse(EmailChangeOutcome::Unknown),
    };
    let Some((old_email, pending)) = account else {
        return Confirmation::Refuse(EmailChangeOutcome::Unknown);
    };
    if pending.is_some_and(|pending| pending.to_lowercase() == email.to_lowercase()) {
        Confirmation::Change {
            user_id,
            old_email,
            new_email: email,
        }
    } else {
        Confirmation::Supersede
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live(email: &str) -> Result<LiveLink, LinkOutcome> {
        Ok(LiveLink {
            user_id: "u".to_owned(),
            email: email.to_owned(),
        })
    }

    #[test]
    fn a_link_whose_address_is_no_longer_waiting_is_superseded() {
        let account =
            |pending: Option<&str>| Some(("old@x".to_owned(), pending.map(str::to_owned)));
        assert_eq!(
            confirmation(live("new@x"), account(Some("other@x"))),
            Confirmation::Supersede
        );
        assert_eq!(
            confirmation(live("new@x"), account(None)),
            Confirmation::Supersede
        );
        assert!(matches!(
            confirmation(live("New@X"), account(Some("new@x"))),
            Confirmation::Change { .. }
        ));
        assert_eq!(
            confirmation(live("new@x"), None),
            Confirmation::Refuse(EmailChangeOutcome::Unknown)
        );
    }
}
