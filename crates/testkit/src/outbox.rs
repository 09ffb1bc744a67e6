//! Reading the mail a `courier-server` wrote to its outbox folder (one RFC 5322
//! `.eml` file per message, named by its queue id, so names sort in the order mails
//! were queued and a mail delivered twice is still one file): the messages to an
//! address, oldest first, and the links in them. Mail is sent by a background worker,
//! so the `wait_*` lookups poll (bounded by [`MAIL_TIMEOUT`]).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long the `wait_*` lookups poll before giving up.
pub const MAIL_TIMEOUT: Duration = Duration::from_secs(10);

/// The messages in `outbox` whose `To:` header names `to` (case-insensitive), oldest
/// first, with quoted-printable soft line breaks and `=3D` undone so links read whole.
pub fn mails_to(outbox: &Path, to: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(outbox) else {
        return Vec::new();
    };
    // Files are written as `.NAME.partial` and renamed, so an `.eml` is complete.
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .filter(|text| is_addressed_to(text, to))
        .map(|text| unfold_quoted_printable(&text))
        .collect()
}

/// Polls `outbox` until the `n`th message (counting from 1) to `to` is there and
/// returns it.
pub async fn wait_for_mail(outbox: &Path, to: &str, n: usize) -> String {
    let deadline = Instant::now() + MAIL_TIMEOUT;
    loop {
        let mut mails = mails_to(outbox, to);
        if mails.len() >= n {
            return mails.swap_remove(n - 1);
        }
        assert!(
            Instant::now() < deadline,
            "no mail #{n} to {to} in {} after {MAIL_TIMEOUT:?}",
            outbox.display()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Polls `outbox` until there is a message to `to`; returns the newest one.
pub async fn wait_for_newest_mail(outbox: &Path, to: &str) -> String {
    wait_for_mail(outbox, to, 1).await;
    mails_to(outbox, to).pop().expect("the mail just seen")
}

/// Polls `outbox` until a message to `to` has a link containing `marker` (an
/// invitation among confirmation mails, say); returns that link of the newest one.
pub async fn wait_for_link(outbox: &Path, to: &str, marker: &str) -> String {
    let mail = wait_for_mail_with(outbox, to, marker, |mut mails| mails.pop()).await;
    link_in(&mail, marker)
}

/// What an invitation mail's link contains; the token follows it.
const INVITATION_LINK: &str = "/invitations/accept?token=";

/// Polls `outbox` until the `n`th invitation mail (counting from 1) to `to` is there
/// and returns its link (other mail to the address does not count).
pub async fn wait_for_invitation_link(outbox: &Path, to: &str, n: usize) -> String {
    let mail = wait_for_mail_with(outbox, to, INVITATION_LINK, |mut mails| {
        (mails.len() >= n).then(|| mails.swap_remove(n - 1))
    })
    .await;
    link_in(&mail, INVITATION_LINK)
}

/// The token of the `n`th invitation mail to `to` ([`wait_for_invitation_link`]).
pub async fn wait_for_invitation_token(outbox: &Path, to: &str, n: usize) -> String {
    let link = wait_for_invitation_link(outbox, to, n).await;
    link.split_once("token=")
        .map(|(_, token)| token.to_owned())
        .unwrap_or_else(|| panic!("no token in {link}"))
}

/// Polls `outbox` until `pick` finds its mail among those to `to` that contain
/// `marker` (oldest first).
async fn wait_for_mail_with(
    outbox: &Path,
    to: &str,
    marker: &str,
    pick: impl Fn(Vec<String>) -> Option<String>,
) -> String {
    let deadline = Instant::now() + MAIL_TIMEOUT;
    loop {
        let with_marker: Vec<String> = mails_to(outbox, to)
            .into_iter()
            .filter(|mail| mail.contains(marker))
            .collect();
        if let Some(mail) = pick(with_marker) {
            return mail;
        }
        assert!(
            Instant::now() < deadline,
            "no such mail to {to} with {marker} in {} after {MAIL_TIMEOUT:?}",
            outbox.display()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Whether the `To:` header of the message `text` names `to` (case-insensitive).
fn is_addressed_to(text: &str, to: &str) -> bool {
    let to = to.to_lowercase();
    text.lines()
        .take_while(|line| !line.is_empty() && *line != "\r")
        .any(|line| {
            line.get(..3)
                .is_some_and(|name| name.eq_ignore_ascii_case("to:"))
                && line.to_lowercase().contains(&to)
        })
}

/// Undoes quoted-printable soft line breaks (`=` at a line end) and `=3D`.
fn unfold_quoted_printable(text: &str) -> String {
    text.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// The first `http(s)` URL in `text` containing `marker`; panics if there is none.
pub fn link_in(text: &str, marker: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        .find(|word| word.starts_with("http") && word.contains(marker))
        .unwrap_or_else(|| panic!("no link with {marker} in:\n{text}"))
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_breaks_and_equals_are_undone() {
        let mail = "To: a@example.test\n\nOpen http://127.0.0.1:1/confirm-email?token=3Dab=\ncd\n";
        let text = unfold_quoted_printable(mail);
        assert_eq!(
            link_in(&text, "/confirm-email?token="),
            "http://127.0.0.1:1/confirm-email?token=abcd"
        );
        assert!(is_addressed_to(mail, "A@example.test"));
        assert!(!is_addressed_to(mail, "b@example.test"));
    }
}
