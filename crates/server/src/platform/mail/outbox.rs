//! The embedded mail transport: each message becomes an RFC 5322 `.eml` file in the
//! outbox folder, written to a temporary name and renamed so readers never see half a mail.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use lettre::Message;

use super::{Mail, Transport};
use crate::platform::crypto::new_id;

/// Distinguishes mails written in the same nanosecond, keeping names in send order.
static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// `{nanoseconds since the epoch}-{sequence}-{random}`: names sort in the order mails were written.
fn sortable_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let sequence = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    format!("{nanos:020}-{sequence:08}-{}", new_id())
}
use crate::error::Result;

pub struct OutboxTransport {
    folder: PathBuf,
}

impl OutboxTransport {
    pub fn new(folder: PathBuf) -> Result<Self> {
        crate::platform::files::create_private_dir(&folder)?;
        Ok(Self { folder })
    }
}

/// Writes `bytes` to a new file readable only by its owner (0600): mails carry links
/// that sign people in.
async fn write_private(path: &Path, bytes: Vec<u8>) -> std::io::Result<()> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        use std::io::Write as _;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(&path)?.write_all(&bytes)
    })
    .await
    .map_err(std::io::Error::other)?
}

#[async_trait::async_trait]
impl Transport for OutboxTransport {
    async fn deliver(&self, message: &Message, mail: &Mail) -> Result<()> {
        let name = sortable_name();
        let partial = self.folder.join(format!(".{name}.partial"));
        let done = self.folder.join(format!("{name}.eml"));
        write_private(&partial, message.formatted()).await?;
        tokio::fs::rename(&partial, &done).await?;
        tracing::info!(to = %mail.to, subject = %mail.subject, "mail written to outbox");
        // A link is a credential: only a debug log (scripts/run.sh turns it on) shows it.
        for link in &mail.links {
            tracing::debug!(to = %mail.to, %link, "link in the mail");
        }
        Ok(())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    #[tokio::test]
    async fn the_outbox_and_its_mails_are_private() {
        let data = tempfile::tempdir().expect("a temporary folder");
        let folder = data.path().join("server").join("outbox");
        let transport = OutboxTransport::new(folder.clone()).expect("an outbox");
        let mail = Mail {
            to: "ada@example.com".into(),
            subject: "Confirm".into(),
            body: "https://example.com/confirm?token=secret".into(),
            links: vec!["https://example.com/confirm?token=secret".into()],
        };
        let from = "Courier <no-reply@courier.localhost>"
            .parse()
            .expect("a mailbox");
        let message = super::super::build_message(&from, &mail).expect("a message");
        transport.deliver(&message, &mail).await.expect("delivered");
        let mode = |path: &Path| {
            std::fs::metadata(path)
                .expect("metadata")
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode(&folder), 0o700);
        assert_eq!(mode(&data.path().join("server")), 0o700);
        let written: Vec<_> = std::fs::read_dir(&folder)
            .expect("the outbox")
            .map(|entry| entry.expect("an entry").path())
            .collect();
        assert_eq!(written.len(), 1);
        assert_eq!(mode(&written[0]), 0o600);
    }
}
