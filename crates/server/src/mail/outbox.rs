//! The embedded mail transport: each message becomes an RFC 5322 `.eml` file in the
//! outbox folder, written to a temporary name and renamed so readers never see half a mail.

use std::path::PathBuf;

use lettre::Message;

use super::{Mail, Transport};
use crate::crypto::new_id;
use crate::error::Result;

pub struct OutboxTransport {
    folder: PathBuf,
}

impl OutboxTransport {
    pub fn new(folder: PathBuf) -> Result<Self> {
        std::fs::create_dir_all(&folder)?;
        Ok(Self { folder })
    }
}

#[async_trait::async_trait]
impl Transport for OutboxTransport {
    async fn deliver(&self, message: &Message, mail: &Mail) -> Result<()> {
        let name = format!(
            "{}-{}",
            crate::clock::Clock::now(&crate::clock::SystemClock),
            new_id()
        );
        let partial = self.folder.join(format!(".{name}.partial"));
        let done = self.folder.join(format!("{name}.eml"));
        tokio::fs::write(&partial, message.formatted()).await?;
        tokio::fs::rename(&partial, &done).await?;
        // The outbox is the development default: logging the link lets a developer click it.
        for link in &mail.links {
            tracing::info!(to = %mail.to, subject = %mail.subject, %link, "mail written to outbox");
        }
        if mail.links.is_empty() {
            tracing::info!(to = %mail.to, subject = %mail.subject, "mail written to outbox");
        }
        Ok(())
    }
}
