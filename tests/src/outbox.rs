//! Reading the mail a `courier-server` wrote to its outbox folder (one RFC 5322
//! `.eml` file per message): finding the newest message to an address and the links
//! in it. Mail is sent by a background worker, so lookups poll (bounded).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

/// How long [`wait_for_mail_to`] polls before giving up.
pub const MAIL_TIMEOUT: Duration = Duration::from_secs(10);

/// The newest message in `outbox` addressed to `to`, with quoted-printable soft line
/// breaks and `=3D` undone so links read whole; `None` if there is none yet.
pub fn newest_mail_to(outbox: &Path, to: &str) -> Result<Option<String>> {
    let Ok(entries) = std::fs::read_dir(outbox) else {
        return Ok(None);
    };
    let mut mails: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let path = entry?.path();
        // Files are written as `.NAME.partial` and renamed, so an `.eml` is complete.
        if path.extension().is_some_and(|ext| ext == "eml") {
            mails.push(path);
        }
    }
    // The server names mail so that names sort in sending order; newest first.
    mails.sort();
    for path in mails.into_iter().rev() {
        let text = std::fs::read_to_string(&path)?;
        if is_addressed_to(&text, to) {
            return Ok(Some(unfold_quoted_printable(&text)));
        }
    }
    Ok(None)
}

/// Polls `outbox` until a message to `to` is there; returns the newest one.
pub async fn wait_for_mail_to(outbox: &Path, to: &str) -> Result<String> {
    let deadline = Instant::now() + MAIL_TIMEOUT;
    loop {
        if let Some(mail) = newest_mail_to(outbox, to)? {
            return Ok(mail);
        }
        if Instant::now() >= deadline {
            bail!(
                "no mail to {to} in {} after {MAIL_TIMEOUT:?}",
                outbox.display()
            );
        }
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
pub fn unfold_quoted_printable(text: &str) -> String {
    text.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// The first `http(s)` URL in `text` containing `marker`.
pub fn link_in(text: &str, marker: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        .find(|word| word.starts_with("http") && word.contains(marker))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_breaks_and_equals_are_undone() {
        let mail = "To: a@example.test\n\nOpen http://127.0.0.1:1/confirm-email?token=3Dab=\ncd\n";
        let text = unfold_quoted_printable(mail);
        assert_eq!(
            link_in(&text, "/confirm-email?token=").as_deref(),
            Some("http://127.0.0.1:1/confirm-email?token=abcd")
        );
        assert!(is_addressed_to(mail, "A@example.test"));
        assert!(!is_addressed_to(mail, "b@example.test"));
    }
}
