//! The embedded mail transport: each message becomes an RFC 5322 `.eml` file in the
//! outbox folder, written to a temporary name and renamed so readers never see half a mail.

use std::path::PathBuf;
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
        std::fs::create_dir_all(&folder)?;
        Ok(Self { folder })
    }
}

#[async_trait::async_trait]
impl Transport for OutboxTransport {
    async fn deliver(&self, message: &Message, mail: &Mail) -> Result<()> {
        let name = sortable_name();
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
