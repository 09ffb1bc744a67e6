//! Outgoing mail. Handlers hand a [`Mail`] to the [`Mailer`] and return at once; a
//! background worker delivers it through a [`Transport`] and retries with backoff, so
//! a slow or broken relay never blocks or fails the request that caused the mail.
//! With no relay configured, mail lands as `.eml` files in the outbox folder.

mod outbox;
mod smtp;

use std::sync::Arc;
use std::time::Duration;

use lettre::Message;
use lettre::message::{Mailbox, header::ContentType};
use tokio::sync::mpsc;

use crate::platform::ratelimit::{RateLimiter, Rule};

pub use outbox::OutboxTransport;
pub use smtp::SmtpTransport;

use crate::error::{Error, Result};

/// A plain-text mail to one recipient. `links` are the actionable URLs in the body;
/// the outbox transport logs them so a developer can follow them.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub links: Vec<String>,
}

/// Delivers one formatted message.
#[async_trait::async_trait]
pub trait Transport: Send + Sync + 'static {
    async fn deliver(&self, message: &Message, mail: &Mail) -> Result<()>;
}

/// The queue in front of the transport.
#[derive(Clone)]
pub struct Mailer {
    queue: mpsc::Sender<Mail>,
    /// Caps mail sent on someone else's request, per recipient ([`Mailer::send_on_request`]).
    per_recipient: Option<(RateLimiter, Rule)>,
}

/// Mails waiting beyond this are dropped with an error in the log rather than
/// letting a dead relay grow memory without bound.
const QUEUE_CAPACITY: usize = 10_000;
const ATTEMPTS: u32 = 6;

impl Mailer {
    /// Starts the delivery worker.
    pub fn start(from: &str, transport: Arc<dyn Transport>) -> Result<Self> {
        let from: Mailbox = from
            .parse()
            .map_err(|error| Error::Config(format!("mail_from {from:?}: {error}")))?;
        let (queue, receiver) = mpsc::channel(QUEUE_CAPACITY);
        tokio::spawn(deliver_forever(receiver, transport, from));
        Ok(Self {
            queue,
            per_recipient: None,
        })
    }

    /// Limits [`Mailer::send_on_request`] to `max_per_hour` mails per recipient.
    #[must_use]
    pub fn with_recipient_limit(mut self, limiter: RateLimiter, max_per_hour: u32) -> Self {
        let rule = Rule {
            name: "mail_per_recipient",
            max: max_per_hour,
            window: crate::platform::clock::durations::HOUR,
        };
        self.per_recipient = Some((limiter, rule));
        self
    }

    /// Queues a mail that someone other than its recipient may have asked for (a
    /// sign-up, a reset, an email change typed by anyone). Past the recipient's hourly
    /// limit it is dropped without a word to the requester, whose answer must not
    /// change (it would tell whether the address has an account).
    pub fn send_on_request(&self, mail: Mail) {
        if let Some((limiter, rule)) = &self.per_recipient
            && limiter.hit(*rule, &mail.to.to_lowercase()).is_err()
        {
            tracing::info!(subject = %mail.subject, "recipient over its hourly mail limit; mail not sent");
            return;
        }
        self.send(mail);
    }

    /// Queues a mail; never waits for delivery.
    pub fn send(&self, mail: Mail) {
        if let Err(error) = self.queue.try_send(mail) {
            tracing::error!(%error, "mail queue full or closed; mail dropped");
        }
    }
}

fn build_message(from: &Mailbox, mail: &Mail) -> Result<Message, String> {
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|error| format!("recipient: {error}"))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())
        .map_err(|error| error.to_string())
}

async fn deliver_forever(
    mut receiver: mpsc::Receiver<Mail>,
    transport: Arc<dyn Transport>,
    from: Mailbox,
) {
    while let Some(mail) = receiver.recv().await {
        let message = match build_message(&from, &mail) {
            Ok(message) => message,
            Err(error) => {
                tracing::error!(%error, "mail could not be built; dropped");
                continue;
            }
        };
        let transport = Arc::clone(&transport);
        // Each mail retries on its own task so one failing recipient does not hold up the rest.
        tokio::spawn(async move {
            let mut wait = Duration::from_secs(1);
            for attempt in 1..=ATTEMPTS {
                match transport.deliver(&message, &mail).await {
                    Ok(()) => return,
                    Err(error) => {
                        tracing::warn!(%error, attempt, subject = %mail.subject, "mail delivery failed");
                        tokio::time::sleep(wait).await;
                        wait *= 4;
                    }
                }
            }
            tracing::error!(subject = %mail.subject, "mail not delivered after {ATTEMPTS} attempts");
        });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    /// Fails the first `failures` deliveries, then records the subjects it delivers.
    struct Flaky {
        failures: u32,
        attempts: AtomicU32,
        delivered: tokio::sync::mpsc::UnboundedSender<String>,
    }

    #[async_trait::async_trait]
    impl Transport for Flaky {
        async fn deliver(&self, _message: &Message, mail: &Mail) -> Result<()> {
            if self.attempts.fetch_add(1, Ordering::SeqCst) < self.failures {
                return Err(Error::Io(std::io::Error::other("relay down")));
            }
            let _ = self.delivered.send(mail.subject.clone());
            Ok(())
        }
    }

    fn mail(subject: &str) -> Mail {
        Mail {
            to: "ada@example.com".into(),
            subject: subject.into(),
            body: "hi".into(),
            links: vec![],
        }
    }

    #[tokio::test(start_paused = true)]
    async fn send_returns_at_once_and_delivery_retries_until_the_relay_recovers() {
        let (delivered, mut received) = tokio::sync::mpsc::unbounded_channel();
        let transport = Arc::new(Flaky {
            failures: 3,
            attempts: AtomicU32::new(0),
            delivered,
        });
        let mailer = Mailer::start("Courier <no-reply@example.com>", transport.clone()).unwrap();
        mailer.send(mail("welcome"));
        assert_eq!(received.recv().await.as_deref(), Some("welcome"));
        assert_eq!(transport.attempts.load(Ordering::SeqCst), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_mail_that_cannot_be_built_is_dropped_without_stopping_the_worker() {
        let (delivered, mut received) = tokio::sync::mpsc::unbounded_channel();
        let transport = Arc::new(Flaky {
            failures: 0,
            attempts: AtomicU32::new(0),
            delivered,
        });
        let mailer = Mailer::start("Courier <no-reply@example.com>", transport).unwrap();
        mailer.send(Mail {
            to: "not an address".into(),
            ..mail("broken")
        });
        mailer.send(mail("after"));
        assert_eq!(received.recv().await.as_deref(), Some("after"));
    }
}
