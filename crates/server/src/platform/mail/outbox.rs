//! The embedded mail transport: each message becomes an RFC 5322 `.eml` file in the
//! outbox folder named after the queued mail's id (ids sort in queue order), written
//! to a temporary name and renamed so readers never see half a mail. Delivering the
//! same mail again replaces its file: one mail, one file.

use std::path::{Path, PathBuf};

use courier_store::OutgoingMail;
use lettre::Message;

use super::Transport;
use crate::error::Result;
use crate::platform::crypto::new_id;

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
    async fn deliver(&self, message: &Message, mail: &OutgoingMail) -> Result<()> {
        // A temporary name of its own, so two deliveries of one mail never share one.
        let partial = self
            .folder
            .join(format!(".{}.{}.partial", mail.id, new_id()));
        let done = self.folder.join(format!("{}.eml", mail.id));
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
        let mail = OutgoingMail {
            id: "00000000000000000001-00000000-a".into(),
            to: "ada@example.com".into(),
            subject: "Confirm".into(),
            body: "https://example.com/confirm?token=secret".into(),
            links: vec!["https://example.com/confirm?token=secret".into()],
            queued_at: 1_900_000_000,
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
